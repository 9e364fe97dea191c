//! The shared core of "would this push run it?", used by the editor and by
//! `northflank-lsp preview`: which push to evaluate (read from git), which rules apply (read
//! from the document), and the verdicts put into words.
//!
//! Git reads are blocking: the editor calls [`describe_push`] inside `spawn_blocking`.

use std::path::Path;

use nfls_git::{Change, ChangeKind, CommitInfo, PendingPush, RangeChanges, Repo};
use nfls_schema::DocumentKind;
use nfls_syntax::{MAX_JSON_DEPTH, NodeKind, TextRange, Tree, Value as SyntaxValue};
use nfls_triggers::{
    ChangedPath, DocKind, EventKind, LinkedObject, PathChange, PullRequest, PushEvent, Verdict,
};
use serde_json::{Map, Value};

/// Which push the caller asks about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushChoice {
    /// The pending push (`upstream..HEAD`) when there is one, else the last commit (HEAD), else
    /// (no commit yet) the working tree as a hypothetical next commit.
    Default,
    /// One commit, as if it alone were pushed.
    Commit(String),
    /// The commits of `base..tip`, as one push.
    Range { base: String, tip: String },
    /// The uncommitted state as the next commit.
    WorkingTree,
}

/// Everything that shapes the event besides the commits.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PushOptions {
    pub choice: Option<PushChoice>,
    /// The branch pushed to, instead of the upstream's or the current branch.
    pub branch: Option<String>,
    /// The pushed branch has an open pull request.
    pub pull_request: Option<PullRequest>,
}

/// A push, described for the rules (the event) and for people (phrase and detail).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Push {
    pub event: PushEvent,
    /// Short, for lens titles: `pushing 3 commits to main`.
    pub phrase: String,
    /// Where the commits come from: `origin/main..HEAD`, `last commit 1a2b3c4, everything is
    /// pushed`.
    pub detail: String,
}

impl Push {
    /// `pushing 3 commits to main (origin/main..HEAD)`.
    pub fn headline(&self) -> String {
        format!("{} ({})", self.phrase, self.detail)
    }
}

/// Reads the push to evaluate from the repository (blocking).
pub fn describe_push(repo: &Repo, options: &PushOptions) -> Result<Push, String> {
    let text = |err: nfls_git::GitError| err.to_string();
    let facts = nfls_git::facts(repo, None).map_err(text)?;
    let remote_url = facts
        .remote
        .as_ref()
        .map(|remote| remote.url.clone())
        .unwrap_or_default();
    let branch_or = |fallback: Option<String>| -> Result<String, String> {
        options.branch.clone().or(fallback).ok_or_else(|| {
            "HEAD is detached, so there is no branch to push to (name one with --branch)".to_owned()
        })
    };
    let new = |commits, net, url, detail| Commits {
        commits,
        net,
        repo_url: url,
        detail,
    };
    let choice = options.choice.clone().unwrap_or(PushChoice::Default);
    match choice {
        PushChoice::Commit(rev) => {
            let info = nfls_git::commit_changes(repo, &rev).map_err(text)?;
            let short = short_id(&info.id);
            let detail = if rev == info.id || rev == short {
                format!("commit {short}")
            } else {
                format!("commit {short}, `{rev}`")
            };
            let branch = branch_or(facts.branch)?;
            let phrase = format!("pushing commit {short} to {branch}");
            Ok(new(vec![info], None, remote_url, detail).into_push(branch, phrase, options))
        }
        PushChoice::Range { base, tip } => {
            let range = nfls_git::range_changes(repo, &base, &tip).map_err(text)?;
            let branch = branch_or(facts.branch)?;
            let phrase = format!("pushing {} to {branch}", commits_word(range.commits.len()));
            let detail = format!("{base}..{tip}");
            let RangeChanges { commits, net, .. } = range;
            Ok(new(commits, Some(net), remote_url, detail).into_push(branch, phrase, options))
        }
        PushChoice::WorkingTree => {
            let changes = nfls_git::working_tree_changes(repo).map_err(text)?;
            let branch = branch_or(facts.branch)?;
            Ok(working_tree_push(
                branch,
                changes,
                remote_url,
                options,
                "uncommitted changes as the next commit",
            ))
        }
        PushChoice::Default => {
            let reason = match nfls_git::pending_push(repo).map_err(text)? {
                PendingPush::Commits { upstream, range } if !range.commits.is_empty() => {
                    let pushed_to = short_branch(&upstream.merge_ref).to_owned();
                    let tracking = upstream
                        .tracking_ref
                        .as_deref()
                        .map(short_tracking)
                        .unwrap_or(&upstream.remote)
                        .to_owned();
                    // `branch.<name>.remote` may hold a URL instead of a remote name.
                    let url = if upstream.remote.contains(['/', ':']) {
                        upstream.remote.clone()
                    } else {
                        remote_url
                    };
                    let branch = branch_or(Some(pushed_to))?;
                    let phrase =
                        format!("pushing {} to {branch}", commits_word(range.commits.len()));
                    let RangeChanges { commits, net, .. } = range;
                    let detail = format!("{tracking}..HEAD");
                    return Ok(
                        new(commits, Some(net), url, detail).into_push(branch, phrase, options)
                    );
                }
                PendingPush::Commits { upstream, .. } => {
                    format!(
                        "everything is pushed to {}",
                        short_branch(&upstream.merge_ref)
                    )
                }
                PendingPush::Detached => "HEAD is detached".to_owned(),
                PendingPush::NoUpstream { branch } => format!("{branch} has no upstream"),
                PendingPush::UpstreamNotFetched { upstream } => format!(
                    "the upstream {} was never fetched",
                    upstream
                        .tracking_ref
                        .as_deref()
                        .map(short_tracking)
                        .unwrap_or(&upstream.merge_ref)
                ),
            };
            let branch = branch_or(facts.branch)?;
            match &facts.head_commit {
                Some(head) => {
                    let info = nfls_git::commit_changes(repo, head).map_err(text)?;
                    let detail = format!("last commit {}; {reason}", short_id(&info.id));
                    let phrase = format!("pushing HEAD to {branch}");
                    Ok(
                        new(vec![info], None, remote_url, detail)
                            .into_push(branch, phrase, options),
                    )
                }
                None => {
                    let changes = nfls_git::working_tree_changes(repo).map_err(text)?;
                    Ok(working_tree_push(
                        branch,
                        changes,
                        remote_url,
                        options,
                        "no commit yet: uncommitted changes as the first commit",
                    ))
                }
            }
        }
    }
}

/// Pushed commits on their way to becoming a [`Push`].
struct Commits {
    commits: Vec<CommitInfo>,
    net: Option<Vec<Change>>,
    repo_url: String,
    detail: String,
}

impl Commits {
    fn into_push(self, branch: String, phrase: String, options: &PushOptions) -> Push {
        // Oldest first, so that a path touched twice ends in its latest state (the rules read
        // the last entry for a path as its outcome).
        let mut changes: Vec<ChangedPath> = Vec::new();
        for commit in &self.commits {
            for change in &commit.changes {
                let changed = changed_path(change);
                if !changes.contains(&changed) {
                    changes.push(changed);
                }
            }
        }
        Push {
            event: PushEvent {
                vcs_service: vcs_service_of(&self.repo_url),
                repo_url: self.repo_url,
                branch,
                kind: EventKind::Push,
                pull_request: options.pull_request.clone(),
                changes,
                net_changes: self.net.map(|net| net.iter().map(changed_path).collect()),
                commit_messages: self.commits.into_iter().map(|c| c.message).collect(),
                head_commit_message: None,
            },
            phrase,
            detail: self.detail,
        }
    }
}

fn short_branch(full: &str) -> &str {
    full.strip_prefix("refs/heads/").unwrap_or(full)
}

fn short_tracking(full: &str) -> &str {
    full.strip_prefix("refs/remotes/").unwrap_or(full)
}

fn working_tree_push(
    branch: String,
    changes: Vec<Change>,
    repo_url: String,
    options: &PushOptions,
    detail: &str,
) -> Push {
    Push {
        phrase: format!("committing and pushing the working tree to {branch}"),
        event: PushEvent {
            vcs_service: vcs_service_of(&repo_url),
            repo_url,
            branch,
            kind: EventKind::Push,
            pull_request: options.pull_request.clone(),
            changes: changes.iter().map(changed_path).collect(),
            net_changes: None,
            // The next commit has no message yet, so no skip flag can apply.
            commit_messages: Vec::new(),
            head_commit_message: None,
        },
        detail: detail.to_owned(),
    }
}

fn changed_path(change: &Change) -> ChangedPath {
    ChangedPath {
        path: change.path.clone(),
        kind: match change.kind {
            ChangeKind::Added => PathChange::Added,
            ChangeKind::Modified => PathChange::Modified,
            ChangeKind::Deleted => PathChange::Deleted,
            ChangeKind::Renamed => PathChange::Renamed,
            ChangeKind::TypeChanged => PathChange::TypeChanged,
        },
        old_path: change.old_path.clone(),
    }
}

fn commits_word(count: usize) -> String {
    if count == 1 {
        "1 commit".to_owned()
    } else {
        format!("{count} commits")
    }
}

fn short_id(id: &str) -> String {
    id.chars().take(7).collect()
}

/// The VCS service of the well-known hosts; `None` (not compared) for the rest.
fn vcs_service_of(url: &str) -> Option<String> {
    let normalized = nfls_triggers::normalize_repo_url(url);
    let host = normalized.split('/').next().unwrap_or_default();
    let service = match host {
        "github.com" => "github",
        "gitlab.com" => "gitlab",
        "bitbucket.org" => "bitbucket",
        "dev.azure.com" => "azure",
        h if h.ends_with(".visualstudio.com") => "azure",
        _ => return None,
    };
    Some(service.to_owned())
}

/// Opens the repository that holds `path` (blocking).
pub fn open_repository(path: &Path) -> Result<Repo, String> {
    nfls_git::discover(path).map_err(|err| err.to_string())
}

/// Where a document's run rules come from.
#[derive(Debug, Clone, PartialEq)]
pub enum RuleSource {
    /// The file's own `triggers` (or, for a template, its `gitops` link and `options`).
    File,
    /// The platform objects linked to the file.
    Linked(Vec<LinkedObject>),
    /// Neither: nothing known says that a push runs it.
    Unknown,
}

/// The run rules of one document, read from its syntax tree.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentRules {
    pub kind: DocKind,
    pub document_kind: DocumentKind,
    /// The top-level members the rules read (`triggers`, `options`, `gitops`, `paused`,
    /// `concurrencyPolicy`) as JSON; never `spec`, which can be arbitrarily deep.
    pub json: Value,
    /// The range of each `triggers[i]` that made it into `json["triggers"][i]`.
    pub trigger_ranges: Vec<TextRange>,
    /// Where the document starts (its first character), for lenses about the whole file.
    pub top: TextRange,
    pub source: RuleSource,
}

impl DocumentRules {
    /// "this release flow", "this template".
    pub fn this(&self) -> String {
        format!("this {}", self.document_kind.label())
    }
}

pub fn doc_kind(kind: DocumentKind) -> DocKind {
    match kind {
        DocumentKind::Template => DocKind::Template,
        DocumentKind::ReleaseFlow => DocKind::ReleaseFlow,
        DocumentKind::PreviewTemplate => DocKind::PreviewTemplate,
        DocumentKind::Workflow => DocKind::Workflow,
        DocumentKind::PreviewBlueprint => DocKind::PreviewBlueprint,
    }
}

/// Reads the rules of a classified document. `linked` are the platform objects backed by this
/// file (empty when unknown); they are used only when the file itself carries no rules.
pub fn read_rules(tree: &Tree, kind: DocumentKind, linked: Vec<LinkedObject>) -> DocumentRules {
    let root = tree.root();
    let top = root
        .map(|root| {
            let start = root.range().start;
            TextRange::new(start, start + 1)
        })
        .unwrap_or_else(|| TextRange::new(0, 0));
    let mut json = Map::new();
    let mut trigger_ranges = Vec::new();
    let mut has_triggers = false;
    if let Some(object) = root.and_then(SyntaxValue::as_object) {
        for key in ["options", "gitops", "paused", "concurrencyPolicy"] {
            if let Some(value) = object.get(key)
                && let Some(converted) = bounded_json(value)
            {
                json.insert(key.to_owned(), converted);
            }
        }
        if let Some(array) = object.get("triggers").and_then(SyntaxValue::as_array) {
            has_triggers = true;
            let mut items = Vec::new();
            for element in array.elements() {
                // Elements that are not values (typing in progress) or too deep to convert are
                // left out, keeping ranges and JSON items aligned.
                if element.kind() == NodeKind::Error {
                    continue;
                }
                if let Some(converted) = bounded_json(element) {
                    items.push(converted);
                    trigger_ranges.push(first_char(element.range()));
                }
            }
            json.insert("triggers".to_owned(), Value::Array(items));
        }
    }
    let has_link = json.get("gitops").is_some_and(Value::is_object);
    let own_rules = match kind {
        DocumentKind::Template => has_link,
        _ => has_triggers,
    };
    let source = if own_rules {
        RuleSource::File
    } else if !linked.is_empty() {
        RuleSource::Linked(linked)
    } else {
        RuleSource::Unknown
    };
    DocumentRules {
        kind: doc_kind(kind),
        document_kind: kind,
        json: Value::Object(json),
        trigger_ranges,
        top,
        source,
    }
}

fn first_char(range: TextRange) -> TextRange {
    TextRange::new(range.start, range.end.min(range.start + 1))
}

/// Converts a value unless it nests deeper than `MAX_JSON_DEPTH` (dropping a deep
/// `serde_json::Value` recurses). The depth is measured without recursion.
fn bounded_json(value: SyntaxValue<'_>) -> Option<Value> {
    let mut stack = vec![(value, 0u32)];
    while let Some((value, depth)) = stack.pop() {
        let depth = match value.kind() {
            NodeKind::Object | NodeKind::Array => depth + 1,
            _ => continue,
        };
        if depth > MAX_JSON_DEPTH {
            return None;
        }
        if let Some(object) = value.as_object() {
            stack.extend(
                object
                    .members()
                    .filter_map(|member| member.value())
                    .map(|v| (v, depth)),
            );
        } else if let Some(array) = value.as_array() {
            stack.extend(array.elements().map(|v| (v, depth)));
        }
    }
    Some(value.to_json())
}

/// Where a verdict belongs in the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// `triggers[i]` of the file.
    Trigger(usize),
    /// The document as a whole (template autorun, "no triggers", linked objects, unknown).
    Top,
}

/// The verdicts of a document for a push, each with where it belongs.
pub fn evaluate(rules: &DocumentRules, event: &PushEvent) -> Vec<(Anchor, Verdict)> {
    match &rules.source {
        RuleSource::File => {
            let verdicts = nfls_triggers::evaluate_document(rules.kind, &rules.json, event, &[]);
            let per_trigger = rules.kind != DocKind::Template
                && verdicts.len() == rules.trigger_ranges.len()
                && !rules.trigger_ranges.is_empty();
            verdicts
                .into_iter()
                .enumerate()
                .map(|(i, verdict)| {
                    let anchor = if per_trigger {
                        Anchor::Trigger(i)
                    } else {
                        Anchor::Top
                    };
                    (anchor, verdict)
                })
                .collect()
        }
        RuleSource::Linked(linked) => {
            nfls_triggers::evaluate_document(rules.kind, &rules.json, event, linked)
                .into_iter()
                .map(|verdict| (Anchor::Top, verdict))
                .collect()
        }
        RuleSource::Unknown => vec![(Anchor::Top, unknown_verdict(rules))],
    }
}

/// The verdict for a document whose run rules are unknown: it says so, and that nothing known
/// would run it.
fn unknown_verdict(rules: &DocumentRules) -> Verdict {
    let (saw, explanation) = match rules.document_kind {
        DocumentKind::Template => (
            "no `gitops` link in the file and no linked platform object",
            "no push is known to update this template, so none is known to run it",
        ),
        _ => (
            "no `triggers` in the file and no linked platform object",
            "no Git triggers are known, so no push is known to run it",
        ),
    };
    let mut verdict = Verdict::step("run rules", saw, false, explanation, Vec::new());
    verdict.subject = "run rules".to_owned();
    verdict
}

/// The failing step that decides a "would not run", in plain words. Failing steps of a route
/// that does not apply to the event are passed over when another step failed too, because the
/// other step is what decided: pull-request rules without a pull request, branch rules for a
/// pull-request event, and branch rules of a trigger that has none (it only takes pull
/// requests, so "no pull request" is the reason).
pub fn decisive_reason(verdict: &Verdict) -> Option<String> {
    let failing: Vec<_> = verdict.steps.iter().filter(|step| !step.matched).collect();
    let no_pull_request = |step: &&nfls_triggers::RuleStep| {
        step.rule == "pull-request rules" && step.saw.starts_with("no open pull request")
    };
    let not_a_push_route = |step: &&nfls_triggers::RuleStep| {
        step.rule == "branch rules"
            && (step.saw == "pull-request event" || step.saw.ends_with("against (none)"))
    };
    failing
        .iter()
        .find(|step| !no_pull_request(step) && !not_a_push_route(step))
        .or_else(|| failing.iter().find(|step| no_pull_request(step)))
        .or_else(|| failing.first())
        .map(|step| step.explanation.clone())
}

/// One line for a verdict: `▶ pushing HEAD to main would run this release flow`,
/// `✕ … would not run this release flow: every changed path is ignored: …`, `≈ … (approximate:
/// …)`. `what` names the document (`this release flow`).
pub fn one_line(verdict: &Verdict, push_phrase: &str, what: &str) -> String {
    let approximate = !verdict.approximate.is_empty();
    let mark = if approximate {
        '≈'
    } else if verdict.would_run {
        '▶'
    } else {
        '✕'
    };
    let mut line = if verdict.would_run {
        format!("{mark} {push_phrase} would run {what}")
    } else {
        match decisive_reason(verdict) {
            Some(reason) => format!("{mark} {push_phrase} would not run {what}: {reason}"),
            None => format!("{mark} {push_phrase} would not run {what}"),
        }
    };
    if let Some(first) = verdict.approximate.first() {
        let more = verdict.approximate.len() - 1;
        if more == 0 {
            line.push_str(&format!(" (approximate: {first})"));
        } else {
            line.push_str(&format!(" (approximate: {first}; and {more} more)"));
        }
    }
    line
}

/// The title of a code lens for a verdict of `rules`.
pub fn lens_title(rules: &DocumentRules, verdict: &Verdict, push_phrase: &str) -> String {
    match &rules.source {
        RuleSource::Unknown => {
            let saw = verdict.steps.first().map_or("", |step| step.saw.as_str());
            format!("○ no run rules known for {}: {saw}", rules.this())
        }
        RuleSource::Linked(_) => one_line(
            verdict,
            push_phrase,
            &format!("{} ({})", rules.this(), verdict.subject),
        ),
        RuleSource::File => one_line(verdict, push_phrase, &rules.this()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules_of(text: &str, kind: DocumentKind) -> DocumentRules {
        let parse = nfls_syntax::parse(text);
        read_rules(&parse.tree, kind, Vec::new())
    }

    #[test]
    fn trigger_ranges_skip_error_elements_and_stay_aligned() {
        let text = r#"{"triggers": [foo, {"ref": "a"}, {"ref": "b"}], "spec": {}}"#;
        let rules = rules_of(text, DocumentKind::ReleaseFlow);
        assert_eq!(rules.source, RuleSource::File);
        assert_eq!(rules.json["triggers"].as_array().unwrap().len(), 2);
        let starts: Vec<u32> = rules.trigger_ranges.iter().map(|r| r.start).collect();
        assert_eq!(
            starts,
            vec![
                text.find(r#"{"ref": "a"}"#).unwrap() as u32,
                text.find(r#"{"ref": "b"}"#).unwrap() as u32
            ]
        );
        assert!(rules.json.get("spec").is_none());
    }

    #[test]
    fn sources_follow_the_documented_order() {
        let template = rules_of(r#"{"options": {"autorun": true}}"#, DocumentKind::Template);
        assert_eq!(template.source, RuleSource::Unknown);
        let linked = rules_of(r#"{"gitops": {"branch": "main"}}"#, DocumentKind::Template);
        assert_eq!(linked.source, RuleSource::File);
        let flow = rules_of(r#"{"spec": {}}"#, DocumentKind::ReleaseFlow);
        assert_eq!(flow.source, RuleSource::Unknown);
        let parse = nfls_syntax::parse(r#"{"spec": {}}"#);
        let object = LinkedObject {
            id: "prod".into(),
            document: serde_json::json!({"triggers": []}),
            run_in_progress: None,
        };
        let from_platform = read_rules(&parse.tree, DocumentKind::ReleaseFlow, vec![object]);
        assert!(matches!(from_platform.source, RuleSource::Linked(_)));
        let verdicts = evaluate(&from_platform, &PushEvent::default());
        assert_eq!(verdicts.len(), 1);
        assert_eq!(verdicts[0].1.subject, "`prod`: triggers");
    }

    #[test]
    fn deep_trigger_is_left_out_without_overflow() {
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        let text = format!(r#"{{"triggers": [{deep}, {{"ref": "ok"}}]}}"#);
        let rules = rules_of(&text, DocumentKind::ReleaseFlow);
        assert_eq!(rules.json["triggers"], serde_json::json!([{"ref": "ok"}]));
        assert_eq!(rules.trigger_ranges.len(), 1);
    }

    #[test]
    fn decisive_reason_skips_the_route_that_does_not_apply() {
        let flow = serde_json::json!({"triggers": [{
            "repoUrl": "https://github.com/acme/shop",
            "branchRestrictions": ["main"],
            "prRestrictions": ["*"]
        }]});
        let event = PushEvent {
            repo_url: "https://github.com/acme/shop".into(),
            branch: "dev".into(),
            changes: vec![ChangedPath::modified("src/a.rs")],
            ..PushEvent::default()
        };
        let verdicts = nfls_triggers::evaluate_document(DocKind::ReleaseFlow, &flow, &event, &[]);
        assert_eq!(
            decisive_reason(&verdicts[0]).as_deref(),
            Some("no rule matches `dev`")
        );
        assert_eq!(
            one_line(&verdicts[0], "pushing HEAD to dev", "this release flow"),
            "✕ pushing HEAD to dev would not run this release flow: no rule matches `dev`"
        );
    }

    #[test]
    fn a_pull_request_only_trigger_says_a_pull_request_is_missing() {
        let flow = serde_json::json!({"triggers": [{
            "repoUrl": "https://github.com/acme/shop",
            "branchRestrictions": [],
            "prRestrictions": ["*"]
        }]});
        let event = PushEvent {
            repo_url: "https://github.com/acme/shop".into(),
            branch: "main".into(),
            changes: vec![ChangedPath::modified("src/a.rs")],
            ..PushEvent::default()
        };
        let verdicts = nfls_triggers::evaluate_document(DocKind::ReleaseFlow, &flow, &event, &[]);
        assert_eq!(
            decisive_reason(&verdicts[0]).as_deref(),
            Some("pull-request rules need a pull request")
        );
        let wrong_repo = PushEvent {
            repo_url: "https://github.com/acme/other".into(),
            ..event
        };
        let verdicts =
            nfls_triggers::evaluate_document(DocKind::ReleaseFlow, &flow, &wrong_repo, &[]);
        assert_eq!(
            decisive_reason(&verdicts[0]).as_deref(),
            Some(
                "wrong repository: the push goes to `github.com/acme/other`, the rule watches `github.com/acme/shop`"
            )
        );
    }

    #[test]
    fn vcs_service_from_host() {
        assert_eq!(
            vcs_service_of("git@github.com:acme/shop.git").as_deref(),
            Some("github")
        );
        assert_eq!(
            vcs_service_of("https://gitlab.com/acme/shop").as_deref(),
            Some("gitlab")
        );
        assert_eq!(vcs_service_of("/srv/git/shop.git"), None);
    }
}
