//! The routes the fake serves and the parsing of request paths into a route plus its parameters
//! (both the `/v1/<route>` and the `/v1/teams/{teamId}/<route>` forms).

/// One endpoint of the fake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Route {
    ListTemplates,
    GetTemplate,
    CreateTemplate,
    UpdateTemplate,
    RunTemplate,
    ListTemplateRuns,
    GetTemplateRun,
    ListPipelines,
    GetPipeline,
    GetReleaseFlow,
    UpdateReleaseFlow,
    RunReleaseFlow,
    ListReleaseFlowRuns,
    GetReleaseFlowRun,
    GetPreviewTemplate,
    UpdatePreviewTemplate,
    RunPreviewTemplate,
    ListPreviewTemplateRuns,
    GetPreviewTemplateRun,
    ListWorkflows,
    GetWorkflow,
    ListPreviewBlueprints,
    GetPreviewBlueprint,
    ListVcsLinks,
    ListRepos,
    ListBranches,
}

impl Route {
    /// The permission Northflank's reference lists for the endpoint (used in 403 bodies).
    pub fn permission(self) -> &'static str {
        use Route::*;
        match self {
            ListTemplates
            | GetTemplate
            | ListTemplateRuns
            | GetTemplateRun
            | GetPreviewTemplate
            | ListPreviewTemplateRuns
            | GetPreviewTemplateRun => "Account > Templates > General > Read",
            CreateTemplate | UpdatePreviewTemplate | RunPreviewTemplate => {
                "Account > Templates > General > Create"
            }
            UpdateTemplate => "Account > Templates > General > Update",
            RunTemplate => "Account > Templates > General > Run",
            ListPipelines | GetPipeline | GetReleaseFlow | ListReleaseFlowRuns
            | GetReleaseFlowRun => "Project > Pipelines > General > Read",
            UpdateReleaseFlow | RunReleaseFlow => "Project > Pipelines > General > Update",
            ListWorkflows | GetWorkflow => "Project > Workflows > General > Read",
            ListPreviewBlueprints | GetPreviewBlueprint => {
                "Project > PreviewBlueprints > General > Read"
            }
            ListVcsLinks | ListRepos | ListBranches => "Account > Git > General > Read",
        }
    }
}

/// A parsed request path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matched {
    pub route: Route,
    /// Path parameters in path order (template id, project id, pipeline id, stage, run id, …).
    pub params: Vec<String>,
    /// The team of a `/v1/teams/{teamId}/…` path.
    pub team: Option<String>,
}

/// Matches `method` + `path` (no query) against the routes. `None` for anything else.
pub fn match_route(method: &str, path: &str) -> Option<Matched> {
    let segments: Vec<String> = path
        .strip_prefix("/v1/")?
        .split('/')
        .map(percent_decode)
        .collect::<Option<_>>()?;
    let mut rest: Vec<&str> = segments.iter().map(String::as_str).collect();
    let mut team = None;
    if rest.len() >= 3 && rest[0] == "teams" {
        team = Some(rest[1].to_owned());
        rest.drain(..2);
    }
    if rest.iter().any(|s| s.is_empty()) {
        return None;
    }
    let get = method == "GET";
    let post = method == "POST";
    use Route::*;
    let (route, params): (Route, Vec<&str>) = match (rest.as_slice(), get, post) {
        (["templates"], true, _) => (ListTemplates, vec![]),
        (["templates"], _, true) => (CreateTemplate, vec![]),
        (["templates", t], true, _) => (GetTemplate, vec![t]),
        (["templates", t], _, true) => (UpdateTemplate, vec![t]),
        (["templates", t, "runs"], true, _) => (ListTemplateRuns, vec![t]),
        (["templates", t, "runs"], _, true) => (RunTemplate, vec![t]),
        (["templates", t, "runs", r], true, _) => (GetTemplateRun, vec![t, r]),
        (["projects", p, "pipelines"], true, _) => (ListPipelines, vec![p]),
        (["projects", p, "pipelines", l], true, _) => (GetPipeline, vec![p, l]),
        (["projects", p, "pipelines", l, "release-flows", s], true, _) => {
            (GetReleaseFlow, vec![p, l, s])
        }
        (["projects", p, "pipelines", l, "release-flows", s], _, true) => {
            (UpdateReleaseFlow, vec![p, l, s])
        }
        (["projects", p, "pipelines", l, "release-flows", s, "runs"], true, _) => {
            (ListReleaseFlowRuns, vec![p, l, s])
        }
        (["projects", p, "pipelines", l, "release-flows", s, "runs"], _, true) => {
            (RunReleaseFlow, vec![p, l, s])
        }
        (["projects", p, "pipelines", l, "release-flows", s, "runs", r], true, _) => {
            (GetReleaseFlowRun, vec![p, l, s, r])
        }
        (["projects", p, "pipelines", l, "preview-envs"], true, _) => {
            (GetPreviewTemplate, vec![p, l])
        }
        (["projects", p, "pipelines", l, "preview-envs"], _, true) => {
            (UpdatePreviewTemplate, vec![p, l])
        }
        (["projects", p, "pipelines", l, "preview-envs", "runs"], true, _) => {
            (ListPreviewTemplateRuns, vec![p, l])
        }
        (["projects", p, "pipelines", l, "preview-envs", "runs"], _, true) => {
            (RunPreviewTemplate, vec![p, l])
        }
        (["projects", p, "pipelines", l, "preview-envs", "runs", r], true, _) => {
            (GetPreviewTemplateRun, vec![p, l, r])
        }
        (["projects", p, "workflows"], true, _) => (ListWorkflows, vec![p]),
        (["projects", p, "workflows", w], true, _) => (GetWorkflow, vec![p, w]),
        (["projects", p, "preview-blueprints"], true, _) => (ListPreviewBlueprints, vec![p]),
        (["projects", p, "preview-blueprints", b], true, _) => (GetPreviewBlueprint, vec![p, b]),
        (["integrations", "vcs"], true, _) => (ListVcsLinks, vec![]),
        (["integrations", "vcs", "repos"], true, _) => (ListRepos, vec![]),
        (["integrations", "vcs", "repos", v, o, n, "branches"], true, _) => {
            (ListBranches, vec![v, o, n])
        }
        _ => return None,
    };
    Some(Matched {
        route,
        params: params.into_iter().map(str::to_owned).collect(),
        team,
    })
}

/// Decodes `%XX` escapes; `None` for malformed escapes or invalid UTF-8.
pub(crate) fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_and_team_prefixed_paths() {
        let m = match_route("GET", "/v1/templates/web/runs/r%201").unwrap();
        assert_eq!(m.route, Route::GetTemplateRun);
        assert_eq!(m.params, ["web", "r 1"]);
        assert_eq!(m.team, None);
        let m = match_route(
            "POST",
            "/v1/teams/acme/projects/p/pipelines/l/release-flows/Development/runs",
        )
        .unwrap();
        assert_eq!(m.route, Route::RunReleaseFlow);
        assert_eq!(m.params, ["p", "l", "Development"]);
        assert_eq!(m.team.as_deref(), Some("acme"));
        assert!(match_route("DELETE", "/v1/templates/web").is_none());
        assert!(match_route("GET", "/v2/templates").is_none());
        assert!(match_route("GET", "/v1/templates/").is_none());
        assert!(match_route("GET", "/v1/templates/%zz").is_none());
    }
}
