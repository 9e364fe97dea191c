//! The `gitops` link between a Northflank object and a file in Git, and matching a local file
//! (repository remote URL + branch + path) against the links of remote objects.

use serde::{Deserialize, Serialize};

use crate::models::{
    PreviewBlueprint, PreviewTemplate, ReleaseFlow, Template, VcsService, Workflow,
};

/// The `gitops` block of a template, release flow, preview template, workflow or blueprint.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GitopsLink {
    pub vcs_service: VcsService,
    pub repo_url: String,
    pub branch: String,
    /// Path from the repository root with a leading `/`, e.g. `/platform/backend.json`.
    pub file_path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_login: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vcs_link_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_hosted_vcs_id: Option<String>,
    /// Commit whose file content the object uses (responses only; never sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_sha: Option<String>,
}

impl GitopsLink {
    /// A link for a request body.
    pub fn new(
        vcs_service: VcsService,
        repo_url: impl Into<String>,
        branch: impl Into<String>,
        file_path: impl Into<String>,
    ) -> Self {
        GitopsLink {
            vcs_service,
            repo_url: repo_url.into(),
            branch: branch.into(),
            file_path: file_path.into(),
            account_login: None,
            vcs_link_id: None,
            self_hosted_vcs_id: None,
            template_sha: None,
        }
    }

    /// Whether this link points at `file_path` on `branch` of the repository `repo_url`
    /// (any spelling of the URL, see [`normalize_repo_url`]).
    pub fn points_at(&self, repo_url: &str, branch: &str, file_path: &str) -> bool {
        let (Some(ours), Some(theirs)) = (
            normalize_repo_url(&self.repo_url),
            normalize_repo_url(repo_url),
        ) else {
            return false;
        };
        ours == theirs
            && normalize_branch(&self.branch) == normalize_branch(branch)
            && normalize_file_path(&self.file_path) == normalize_file_path(file_path)
    }
}

/// Objects that may carry a [`GitopsLink`].
pub trait Linked {
    fn gitops(&self) -> Option<&GitopsLink>;
}

impl Linked for GitopsLink {
    fn gitops(&self) -> Option<&GitopsLink> {
        Some(self)
    }
}

macro_rules! linked {
    ($($ty:ty),+) => { $(impl Linked for $ty { fn gitops(&self) -> Option<&GitopsLink> { self.gitops.as_ref() } })+ };
}
linked!(
    Template,
    ReleaseFlow,
    PreviewTemplate,
    Workflow,
    PreviewBlueprint
);

impl<T: Linked> Linked for &T {
    fn gitops(&self) -> Option<&GitopsLink> {
        (**self).gitops()
    }
}

/// The objects whose link points at `file_path` on `branch` of `repo_url`, in input order.
///
/// One file may back several objects (one template per region, say), hence a list.
pub fn find_linked<'a, T: Linked>(
    objects: &'a [T],
    repo_url: &str,
    branch: &str,
    file_path: &str,
) -> Vec<&'a T> {
    objects
        .iter()
        .filter(|o| {
            o.gitops()
                .is_some_and(|link| link.points_at(repo_url, branch, file_path))
        })
        .collect()
}

/// A canonical `host/owner/repo` form of a Git remote URL, or `None` when `url` has no host or
/// no repository path.
///
/// Accepts `https://` / `http://` URLs, scheme-less `host/owner/repo` (the API's own pattern
/// makes `https://` optional), scp-style `git@host:owner/repo`, and `ssh://`, `git://`,
/// `git+ssh://` URLs. Drops user info, port, query, fragment, a `.git` suffix and trailing
/// slashes. Hosts and paths are compared case-insensitively: GitHub, GitLab and Bitbucket treat
/// owner and repository names that way, and a false mismatch (a linked file shown as unlinked)
/// is worse than the rare false match on a case-sensitive self-hosted server. Azure DevOps SSH
/// remotes (`git@ssh.dev.azure.com:v3/org/project/repo`) map to the HTTPS form
/// (`dev.azure.com/org/project/_git/repo`).
pub fn normalize_repo_url(url: &str) -> Option<String> {
    let url = url.trim();
    let (authority, path) = if let Some(pos) = url.find("://") {
        let rest = &url[pos + 3..];
        match rest.find('/') {
            Some(slash) => (&rest[..slash], &rest[slash + 1..]),
            None => (rest, ""),
        }
    } else if let Some((before, after)) = scp_like(url) {
        (before, after)
    } else {
        match url.find('/') {
            Some(slash) => (&url[..slash], &url[slash + 1..]),
            None => (url, ""),
        }
    };

    // user@host:port → host
    let host = authority.rsplit('@').next().unwrap_or(authority);
    let host = match host.rfind(':') {
        Some(colon) if !host.ends_with(']') => &host[..colon],
        _ => host,
    };
    let host = host.to_ascii_lowercase();
    if host.is_empty() {
        return None;
    }

    let path = path.split(['?', '#']).next().unwrap_or("");
    let mut segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if let Some(last) = segments.last_mut() {
        if let Some(stripped) = last.strip_suffix(".git") {
            *last = stripped;
        }
        if last.is_empty() {
            segments.pop();
        }
    }
    if segments.is_empty() {
        return None;
    }

    let (host, segments) = azure_ssh_to_https(host, segments);
    Some(format!("{}/{}", host, segments.join("/")).to_lowercase())
}

/// `git@host:owner/repo` → (`git@host`, `owner/repo`). A colon after a slash is not scp syntax.
fn scp_like(url: &str) -> Option<(&str, &str)> {
    let colon = url.find(':')?;
    if url[..colon].contains('/') {
        return None;
    }
    Some((&url[..colon], url[colon + 1..].trim_start_matches('/')))
}

fn azure_ssh_to_https(host: String, segments: Vec<&str>) -> (String, Vec<&str>) {
    if (host == "ssh.dev.azure.com" || host == "vs-ssh.visualstudio.com")
        && segments.len() == 4
        && segments[0].eq_ignore_ascii_case("v3")
    {
        return (
            "dev.azure.com".to_owned(),
            vec![segments[1], segments[2], "_git", segments[3]],
        );
    }
    (host, segments)
}

/// A path from the repository root in the API's form: forward slashes, one leading `/`, no `./`
/// segments or doubled slashes. Git paths are case-sensitive, so case is kept.
pub fn normalize_file_path(path: &str) -> String {
    let path = path.trim().replace('\\', "/");
    let segments: Vec<&str> = path
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    format!("/{}", segments.join("/"))
}

/// A branch name without a `refs/heads/` prefix.
pub fn normalize_branch(branch: &str) -> &str {
    let branch = branch.trim();
    branch.strip_prefix("refs/heads/").unwrap_or(branch)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repo_url_spellings() {
        let same = "github.com/acme/platform";
        let table: &[(&str, Option<&str>)] = &[
            ("https://github.com/acme/platform", Some(same)),
            ("https://github.com/acme/platform.git", Some(same)),
            ("https://github.com/acme/platform/", Some(same)),
            ("https://github.com/acme/platform.git/", Some(same)),
            ("http://GitHub.COM/acme/platform", Some(same)),
            ("https://github.com/Acme/Platform", Some(same)),
            ("github.com/acme/platform", Some(same)),
            ("git@github.com:acme/platform.git", Some(same)),
            ("git@github.com:/acme/platform.git", Some(same)),
            ("ssh://git@github.com/acme/platform.git", Some(same)),
            ("ssh://git@github.com:22/acme/platform", Some(same)),
            ("git+ssh://git@github.com/acme/platform", Some(same)),
            ("git://github.com/acme/platform.git", Some(same)),
            (
                "https://user:secret@github.com/acme/platform.git",
                Some(same),
            ),
            (
                "https://github.com:443/acme/platform?tab=readme#top",
                Some(same),
            ),
            ("  https://github.com/acme/platform  ", Some(same)),
            (
                "https://gitlab.com/group/sub/project.git",
                Some("gitlab.com/group/sub/project"),
            ),
            (
                "git@ssh.dev.azure.com:v3/org/proj/repo",
                Some("dev.azure.com/org/proj/_git/repo"),
            ),
            (
                "https://org@dev.azure.com/org/proj/_git/repo",
                Some("dev.azure.com/org/proj/_git/repo"),
            ),
            ("https://github.com", None),
            ("https://github.com/", None),
            ("", None),
            ("git@github.com:", None),
        ];
        for (input, expected) in table {
            assert_eq!(
                normalize_repo_url(input).as_deref(),
                *expected,
                "input {input:?}"
            );
        }
    }

    #[test]
    fn file_paths() {
        let table = [
            ("/template.json", "/template.json"),
            ("template.json", "/template.json"),
            ("./platform/backend.json", "/platform/backend.json"),
            ("platform\\backend.json", "/platform/backend.json"),
            ("//platform//backend.json", "/platform/backend.json"),
            ("/Platform/Backend.json", "/Platform/Backend.json"),
        ];
        for (input, expected) in table {
            assert_eq!(normalize_file_path(input), expected, "input {input:?}");
        }
    }

    fn link(repo: &str, branch: &str, path: &str) -> GitopsLink {
        GitopsLink::new(VcsService::Github, repo, branch, path)
    }

    #[test]
    fn find_linked_matches_every_spelling_and_keeps_order() {
        let links = vec![
            link("https://github.com/acme/platform", "main", "/nf/web.json"),
            link("https://github.com/acme/platform", "dev", "/nf/web.json"),
            link("https://github.com/acme/other", "main", "/nf/web.json"),
            link("https://github.com/acme/platform", "main", "/nf/api.json"),
            link(
                "https://github.com/ACME/platform.git",
                "main",
                "nf/web.json",
            ),
        ];
        let found = find_linked(
            &links,
            "git@github.com:acme/platform.git",
            "refs/heads/main",
            "nf/web.json",
        );
        assert_eq!(found.len(), 2);
        assert!(std::ptr::eq(found[0], &links[0]));
        assert!(std::ptr::eq(found[1], &links[4]));
        assert!(find_linked(&links, "not a url", "main", "/nf/web.json").is_empty());
        assert!(
            find_linked(
                &links,
                "https://github.com/acme/platform",
                "main",
                "/NF/web.json"
            )
            .is_empty()
        );
    }
}
