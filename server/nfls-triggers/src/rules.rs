//! The individual rules (repository, branch patterns, drafts, path rules, skip flags, pause,
//! concurrency), each a pure function returning a one-step [`Verdict`].

use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use serde_json::Value;

use crate::glob::{GlobMode, glob_match};
use crate::model::{ChangedPath, PathChange, PullRequest, PushEvent, RunOutcome, Verdict};
use crate::url::normalize_repo_url;

/// Flags Northflank applies when `ciIgnoreFlagsEnabled` is on and no list is given.
pub const DEFAULT_SKIP_FLAGS: [&str; 7] = [
    "[skip ci]",
    "[ci skip]",
    "[no ci]",
    "[skip nf]",
    "[nf skip]",
    "[northflank skip]",
    "[skip northflank]",
];

pub(crate) fn code_list(items: &[String]) -> String {
    if items.is_empty() {
        return "(none)".to_owned();
    }
    items
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Pause switches: the document's top-level `paused`, its `options.paused`, and (typed model) the
/// trigger's own `paused`. Manual, API and (for release flows) webhook runs are not affected.
pub fn paused(doc: &Value, trigger: Option<&Value>) -> Verdict {
    let sources = [
        ("`paused`", doc.get("paused")),
        ("`options.paused`", doc.pointer("/options/paused")),
        (
            "the trigger's `paused`",
            trigger.and_then(|t| t.get("paused")),
        ),
    ];
    let on: Vec<&str> = sources
        .iter()
        .filter(|(_, v)| v.and_then(Value::as_bool) == Some(true))
        .map(|(name, _)| *name)
        .collect();
    if on.is_empty() {
        Verdict::step(
            "pause",
            "not paused",
            true,
            "Git triggers are active",
            Vec::new(),
        )
    } else {
        Verdict::step(
            "pause",
            format!("{} is true", on.join(" and ")),
            false,
            "paused: Git pushes do not start runs (manual and API runs still work)",
            Vec::new(),
        )
    }
}

/// Does the event's repository match the rule's `repoUrl` (normalised) and `vcsService` (when
/// both are known)?
pub fn repository(rule_url: Option<&str>, rule_vcs: Option<&str>, event: &PushEvent) -> Verdict {
    const RULE: &str = "repository";
    let Some(rule_url) = rule_url.filter(|u| !u.trim().is_empty()) else {
        return Verdict::step(
            RULE,
            "no `repoUrl`",
            false,
            "the rule names no repository, so no push can match it",
            Vec::new(),
        );
    };
    if event.repo_url.trim().is_empty() {
        return Verdict::step(
            RULE,
            format!("rule repository `{rule_url}`, pushed repository unknown"),
            false,
            "this repository has no remote to compare with the rule's repository",
            Vec::new(),
        );
    }
    let want = normalize_repo_url(rule_url);
    let got = normalize_repo_url(&event.repo_url);
    let saw = format!("`{}` against `{}`", event.repo_url, rule_url);
    if want != got {
        return Verdict::step(
            RULE,
            saw,
            false,
            format!("wrong repository: the push goes to `{got}`, the rule watches `{want}`"),
            Vec::new(),
        );
    }
    if let (Some(a), Some(b)) = (rule_vcs, event.vcs_service.as_deref())
        && !a.eq_ignore_ascii_case(b)
    {
        return Verdict::step(
            RULE,
            saw,
            false,
            format!("same address but the rule is for `{a}` and the push is on `{b}`"),
            Vec::new(),
        );
    }
    Verdict::step(
        RULE,
        saw,
        true,
        format!("same repository (`{got}`)"),
        Vec::new(),
    )
}

/// Branch (or pull-request source branch) patterns as full-string globs: `*` matches any
/// characters including `/`, matching is case-sensitive. Both choices are UNCONFIRMED, so the
/// verdict is marked approximate whenever the other reading would change it. An empty list
/// matches nothing; `empty_is_unconfirmed` adds an approximation for that.
pub fn branch_patterns(
    rule: &str,
    patterns: &[String],
    branch: &str,
    empty_is_unconfirmed: bool,
) -> Verdict {
    let saw = format!("branch `{branch}` against {}", code_list(patterns));
    if patterns.is_empty() {
        let approx = if empty_is_unconfirmed {
            vec![format!(
                "{rule}: with an empty rule list no push is assumed to match (unconfirmed)"
            )]
        } else {
            Vec::new()
        };
        return Verdict::step(rule, saw, false, "no rules, so nothing matches", approx);
    }
    let first_match = |mode: GlobMode| {
        patterns
            .iter()
            .find(|p| glob_match(p, branch, mode))
            .cloned()
    };
    let hit = first_match(GlobMode::DEFAULT);
    // A lone `*` is documented to match every branch, `/` or not.
    let strict = patterns
        .iter()
        .find(|p| p.as_str() == "*")
        .cloned()
        .or_else(|| {
            first_match(GlobMode {
                star_crosses_slash: false,
                case_sensitive: true,
            })
        });
    let nocase = first_match(GlobMode {
        star_crosses_slash: true,
        case_sensitive: false,
    });
    let mut approx = Vec::new();
    if hit.is_some() != strict.is_some() {
        approx.push(format!(
            "{rule}: `{}` matches `{branch}` only because `*` is taken to match `/` too (unconfirmed)",
            hit.as_deref().unwrap_or_default()
        ));
    }
    if hit.is_some() != nocase.is_some() {
        approx.push(format!(
            "{rule}: `{branch}` would match `{}` if Northflank ignored letter case (matching is taken as case-sensitive, unconfirmed)",
            nocase.as_deref().unwrap_or_default()
        ));
    }
    match hit {
        Some(p) => {
            let how = if strict.is_none() {
                " (with `*` matching across `/`)"
            } else {
                ""
            };
            Verdict::step(
                rule,
                saw,
                true,
                format!("`{p}` matches `{branch}`{how}"),
                approx,
            )
        }
        None => Verdict::step(
            rule,
            saw,
            false,
            format!("no rule matches `{branch}`"),
            approx,
        ),
    }
}

/// `ignoreDrafts`: a draft pull request does not trigger.
pub fn drafts(ignore_drafts: bool, pr: Option<&PullRequest>) -> Verdict {
    let draft = pr.is_some_and(|p| p.draft);
    let saw = format!(
        "{} pull request, `ignoreDrafts` {}",
        if draft { "draft" } else { "ready" },
        ignore_drafts
    );
    if ignore_drafts && draft {
        Verdict::step(
            "drafts",
            saw,
            false,
            "the pull request is a draft and drafts are ignored",
            Vec::new(),
        )
    } else if draft {
        Verdict::step("drafts", saw, true, "drafts are not ignored", Vec::new())
    } else {
        Verdict::step("drafts", saw, true, "not a draft", Vec::new())
    }
}

/// Which reading of gitignore semantics to apply.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reading {
    /// The `ignore` crate: a `!` rule on the file itself wins even inside an excluded directory.
    IgnoreCrate,
    /// Git: nothing inside an excluded directory can be re-included.
    Git,
}

fn is_matched(gi: &Gitignore, path: &str, reading: Reading) -> bool {
    if reading == Reading::Git {
        // Walk the ancestors top-down: the first excluded directory decides.
        let mut prefix_end = 0;
        while let Some(off) = path[prefix_end..].find('/') {
            let dir = &path[..prefix_end + off];
            match gi.matched(dir, true) {
                Match::Ignore(_) => return true,
                Match::Whitelist(_) | Match::None => {}
            }
            prefix_end += off + 1;
        }
        return gi.matched(path, false).is_ignore();
    }
    gi.matched_path_or_any_parents(path, false).is_ignore()
}

/// A path as the matcher wants it: relative, no leading `/`, never empty.
fn clean_path(p: &str) -> Option<&str> {
    let p = p.trim_start_matches('/');
    (!p.is_empty()).then_some(p)
}

/// The paths a change set puts before the path rules: `(path, secondary)` where secondary marks
/// a rename's old side or a deleted file (counting those is UNCONFIRMED).
fn candidates(changes: &[ChangedPath]) -> Vec<(&str, bool)> {
    let mut out = Vec::new();
    for c in changes {
        if let Some(p) = clean_path(&c.path) {
            out.push((p, c.kind == PathChange::Deleted));
        }
        if let Some(p) = c.old_path.as_deref().and_then(clean_path) {
            out.push((p, true));
        }
    }
    out
}

/// The first path that makes the rules pass, if any (`primary_only` leaves out rename sources
/// and deleted files).
fn decide_path<'a>(
    gi: &Gitignore,
    allow_list: bool,
    paths: &[(&'a str, bool)],
    primary_only: bool,
    reading: Reading,
) -> Option<&'a str> {
    paths
        .iter()
        .filter(|(_, secondary)| !primary_only || !secondary)
        .map(|(p, _)| *p)
        .find(|p| is_matched(gi, p, reading) == allow_list)
}

/// Whether some path makes the rules pass.
fn decide(
    gi: &Gitignore,
    allow_list: bool,
    paths: &[(&str, bool)],
    primary_only: bool,
    reading: Reading,
) -> bool {
    decide_path(gi, allow_list, paths, primary_only, reading).is_some()
}

/// Path rules in `.gitignore` syntax (via the `ignore` crate): in ignore mode a push counts when
/// at least one changed path is *not* ignored; in allow mode when at least one *is* matched.
/// Empty rules mean no filtering. Both sides of a rename and deleted paths count; the verdict is
/// approximate when it depends on that, on re-including a file inside an excluded directory, or
/// (when the event carries both) on using the union rather than the net change set.
pub fn path_rules(rules: &[String], allow_list: bool, event: &PushEvent) -> Verdict {
    let mode = if allow_list { "allow" } else { "ignore" };
    let rule_name = "path rules";
    let active: Vec<&String> = rules
        .iter()
        .filter(|r| {
            let t = r.trim();
            !t.is_empty() && !t.starts_with('#')
        })
        .collect();
    if active.is_empty() {
        return Verdict::step(
            rule_name,
            "no path rules",
            true,
            "no path rules, so every change counts",
            Vec::new(),
        );
    }
    let mut builder = GitignoreBuilder::new(".");
    let mut approx = Vec::new();
    for rule in &active {
        if builder.add_line(None, rule).is_err() {
            approx.push(format!(
                "path rules: `{rule}` is not a valid pattern here and was skipped"
            ));
        }
    }
    let gi = match builder.build() {
        Ok(gi) => gi,
        Err(_) => Gitignore::empty(),
    };
    let all = candidates(&event.changes);
    let saw = format!(
        "{} changed path{} against {mode} rules {}",
        all.len(),
        if all.len() == 1 { "" } else { "s" },
        code_list(&active.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    );
    if all.is_empty() {
        return Verdict::step(
            rule_name,
            saw,
            false,
            "the push changes no files, so no path can satisfy the rules",
            approx,
        );
    }
    let hit = decide_path(&gi, allow_list, &all, false, Reading::IgnoreCrate);
    if hit.is_some() != decide(&gi, allow_list, &all, true, Reading::IgnoreCrate) {
        approx.push(format!(
            "path rules: the verdict rests on counting `{}`, a rename's old path or a deleted file (unconfirmed)",
            hit.unwrap_or_default()
        ));
    }
    if hit.is_some() != decide(&gi, allow_list, &all, false, Reading::Git) {
        approx.push(
            "path rules: a `!` rule re-includes a file inside an excluded directory; git would not, the matcher used here does (unconfirmed which Northflank follows)"
                .to_owned(),
        );
    }
    if let Some(net) = &event.net_changes {
        let net = candidates(net);
        if hit.is_some() != decide(&gi, allow_list, &net, false, Reading::IgnoreCrate) {
            approx.push(
                "path rules: the union of the pushed commits' changes and the net diff of the push give different answers (unconfirmed which Northflank uses)"
                    .to_owned(),
            );
        }
    }
    let explanation = match (hit, allow_list) {
        (Some(p), false) => format!("`{p}` is not ignored, so the push counts"),
        (Some(p), true) => format!("`{p}` is matched by the allow rules, so the push counts"),
        (None, false) => format!("every changed path is ignored: {}", list_paths(&all)),
        (None, true) => format!(
            "no changed path is matched by the allow rules: {}",
            list_paths(&all)
        ),
    };
    Verdict::step(rule_name, saw, hit.is_some(), explanation, approx)
}

fn list_paths(paths: &[(&str, bool)]) -> String {
    const MAX: usize = 5;
    let mut out: Vec<String> = paths
        .iter()
        .take(MAX)
        .map(|(p, _)| format!("`{p}`"))
        .collect();
    if paths.len() > MAX {
        out.push(format!("and {} more", paths.len() - MAX));
    }
    out.join(", ")
}

/// Commit-message skip flags: when enabled, a message containing any flag (substring,
/// case-sensitive — case is UNCONFIRMED) blocks the run. `flags: None` means the default list.
/// `scope` says which messages are checked (all pushed commits, or the head commit for PRs).
pub fn skip_flags(
    enabled: bool,
    flags: Option<&[String]>,
    messages: &[&str],
    scope: &str,
) -> Verdict {
    const RULE: &str = "skip flags";
    if !enabled {
        return Verdict::step(
            RULE,
            "skip flags disabled",
            true,
            "commit-message skip flags are off",
            Vec::new(),
        );
    }
    let flags: Vec<String> = match flags {
        Some(f) => f.iter().filter(|f| !f.is_empty()).cloned().collect(),
        None => DEFAULT_SKIP_FLAGS.iter().map(|s| s.to_string()).collect(),
    };
    let saw = format!(
        "{} message{} ({scope}) against {}",
        messages.len(),
        if messages.len() == 1 { "" } else { "s" },
        code_list(&flags)
    );
    let find = |case_sensitive: bool| {
        messages.iter().find_map(|m| {
            flags
                .iter()
                .find(|f| {
                    if case_sensitive {
                        m.contains(f.as_str())
                    } else {
                        m.to_lowercase().contains(&f.to_lowercase())
                    }
                })
                .map(|f| (*m, f.as_str()))
        })
    };
    let hit = find(true);
    let mut approx = Vec::new();
    if hit.is_none()
        && let Some((m, f)) = find(false)
    {
        approx.push(format!(
            "skip flags: `{}` contains `{f}` in different letter case (case sensitivity unconfirmed)",
            first_line(m)
        ));
    }
    match hit {
        Some((m, f)) => Verdict::step(
            RULE,
            saw,
            false,
            format!(
                "commit `{}` contains `{f}`, so the run is skipped",
                first_line(m)
            ),
            approx,
        ),
        None if messages.is_empty() => {
            Verdict::step(RULE, saw, true, "no commit messages to check", approx)
        }
        None => Verdict::step(RULE, saw, true, "no message contains a skip flag", approx),
    }
}

fn first_line(m: &str) -> &str {
    m.lines().next().unwrap_or_default()
}

/// The concurrency policy, given whether a run is already pending or running (when known).
/// `allow`/`queue`/`forbid` are documented; `latest` and `replace` are not (approximate).
pub fn concurrency(policy: Option<&str>, run_in_progress: Option<bool>) -> Verdict {
    const RULE: &str = "concurrency";
    let name = policy.unwrap_or("allow");
    let busy = match run_in_progress {
        Some(true) => "a run is in progress",
        Some(false) => "no run is in progress",
        None => "unknown whether a run is in progress",
    };
    let saw = format!(
        "policy `{name}`{}, {busy}",
        if policy.is_none() { " (default)" } else { "" }
    );
    let (runs, outcome, text, approx): (bool, RunOutcome, &str, Option<&str>) = match (
        name,
        run_in_progress,
    ) {
        (other, _) if !matches!(other, "allow" | "queue" | "forbid" | "latest" | "replace") => (
            true,
            RunOutcome::RunsNow,
            "unknown policy, treated as `allow`: the run starts now",
            Some("concurrency: the policy is not one of allow, queue, forbid, latest, replace"),
        ),
        ("allow", _) | (_, Some(false)) => (true, RunOutcome::RunsNow, "the run starts now", None),
        ("queue", Some(true)) => (
            true,
            RunOutcome::Queued,
            "the run is queued behind the running one",
            None,
        ),
        ("queue", None) => (
            true,
            RunOutcome::RunsNowIfIdle,
            "the run starts now, or waits in the queue if another run is in progress",
            None,
        ),
        ("forbid", Some(true)) => (
            false,
            RunOutcome::Dropped,
            "the run is dropped because another run is in progress",
            None,
        ),
        ("forbid", None) => (
            true,
            RunOutcome::RunsNowIfIdle,
            "the run starts now if no other run is pending or running; otherwise it is dropped",
            None,
        ),
        ("latest", _) => (
            true,
            RunOutcome::Queued,
            "the run waits for the running one and replaces any older pending run",
            Some(
                "concurrency: `latest` is undocumented; read as \"queue, keeping only the newest pending run\"",
            ),
        ),
        ("replace", _) => (
            true,
            RunOutcome::ReplacesRunning,
            "the running run is aborted and this one starts",
            Some(
                "concurrency: `replace` is undocumented; read as \"abort the running run and start the new one\"",
            ),
        ),
        (_, _) => (true, RunOutcome::RunsNow, "the run starts now", None),
    };
    let mut verdict = Verdict::step(
        RULE,
        saw,
        runs,
        text,
        approx.map(str::to_owned).into_iter().collect(),
    );
    verdict.outcome = Some(outcome);
    verdict
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    fn event(paths: &[&str]) -> PushEvent {
        PushEvent {
            changes: paths.iter().map(|p| ChangedPath::modified(p)).collect(),
            ..PushEvent::default()
        }
    }

    #[test]
    fn paused_sources() {
        assert!(paused(&json!({}), None).would_run);
        assert!(!paused(&json!({"paused": true}), None).would_run);
        assert!(!paused(&json!({"options": {"paused": true}}), None).would_run);
        let v = paused(&json!({}), Some(&json!({"paused": true})));
        assert!(!v.would_run);
        assert_eq!(v.steps[0].saw, "the trigger's `paused` is true");
    }

    #[test]
    fn repository_rules() {
        let e = PushEvent {
            repo_url: "git@github.com:Org/Repo.git".into(),
            vcs_service: Some("github".into()),
            ..PushEvent::default()
        };
        assert!(repository(Some("https://github.com/org/repo"), Some("github"), &e).would_run);
        let v = repository(Some("https://github.com/org/other"), None, &e);
        assert!(!v.would_run);
        assert_eq!(
            v.steps[0].explanation,
            "wrong repository: the push goes to `github.com/org/repo`, the rule watches `github.com/org/other`"
        );
        assert!(!repository(Some("https://github.com/org/repo"), Some("gitlab"), &e).would_run);
        assert!(!repository(None, None, &e).would_run);
        let no_remote = PushEvent::default();
        assert!(!repository(Some("https://github.com/org/repo"), None, &no_remote).would_run);
    }

    #[test]
    fn branch_patterns_marks_slash_crossing_and_case() {
        let v = branch_patterns("branch rules", &s(&["feature/*"]), "feature/a/b", false);
        assert!(v.would_run);
        assert_eq!(v.approximate.len(), 1);
        assert!(v.approximate[0].contains("`*` is taken to match `/`"));
        let v = branch_patterns("branch rules", &s(&["feature/*"]), "feature/a", false);
        assert!(v.would_run && v.approximate.is_empty());
        // Another rule matches strictly: the verdict no longer depends on `*` crossing `/`.
        let v = branch_patterns(
            "branch rules",
            &s(&["feature/*", "feature/a/*"]),
            "feature/a/b",
            false,
        );
        assert!(v.would_run && v.approximate.is_empty());
        let v = branch_patterns("branch rules", &s(&["Main"]), "main", false);
        assert!(!v.would_run);
        assert!(v.approximate[0].contains("letter case"));
        let v = branch_patterns("branch rules", &[], "main", true);
        assert!(!v.would_run && v.approximate.len() == 1);
        let v = branch_patterns("branch rules", &[], "main", false);
        assert!(!v.would_run && v.approximate.is_empty());
    }

    #[test]
    fn drafts_rule() {
        let draft = PullRequest {
            draft: true,
            labels: vec![],
        };
        assert!(!drafts(true, Some(&draft)).would_run);
        assert!(drafts(false, Some(&draft)).would_run);
        assert!(drafts(true, Some(&PullRequest::default())).would_run);
        assert!(drafts(true, None).would_run);
    }

    #[test]
    fn ignore_mode() {
        let rules = s(&["*.md", "docs/"]);
        assert!(!path_rules(&rules, false, &event(&["README.md", "docs/a/b.txt"])).would_run);
        let v = path_rules(&rules, false, &event(&["README.md", "src/main.rs"]));
        assert!(v.would_run);
        assert_eq!(
            v.steps[0].explanation,
            "`src/main.rs` is not ignored, so the push counts"
        );
        // Leading slash tolerated.
        assert!(!path_rules(&rules, false, &event(&["/README.md"])).would_run);
    }

    #[test]
    fn allow_mode_with_negation() {
        let rules = s(&["platform/", "!platform/drafts/*.json"]);
        assert!(path_rules(&rules, true, &event(&["platform/flow.json"])).would_run);
        let v = path_rules(
            &rules,
            true,
            &event(&["platform/drafts/x.json", "src/a.rs"]),
        );
        assert!(!v.would_run);
        assert_eq!(
            v.steps[0].explanation,
            "no changed path is matched by the allow rules: `platform/drafts/x.json`, `src/a.rs`"
        );
    }

    #[test]
    fn reinclusion_inside_excluded_directory_is_approximate() {
        let rules = s(&["docs/", "!docs/keep.md"]);
        let v = path_rules(&rules, false, &event(&["docs/keep.md"]));
        assert!(v.would_run);
        assert_eq!(v.approximate.len(), 1);
        assert!(v.approximate[0].contains("re-includes"));
    }

    #[test]
    fn no_rules_and_no_changes() {
        assert!(path_rules(&[], false, &event(&[])).would_run);
        assert!(!path_rules(&s(&["*.md"]), false, &event(&[])).would_run);
        assert!(path_rules(&s(&["# comment", " "]), true, &event(&["x"])).would_run);
    }

    #[test]
    fn union_vs_net_is_approximate() {
        let mut e = event(&["README.md", "tmp/x.rs"]);
        e.net_changes = Some(vec![ChangedPath::modified("README.md")]);
        let v = path_rules(&s(&["*.md"]), false, &e);
        assert!(v.would_run);
        assert!(v.approximate[0].contains("union"));
    }

    #[test]
    fn skip_flag_rules() {
        let msgs = ["feat: a", "fix: b [skip ci]"];
        let v = skip_flags(true, None, &msgs, "all pushed commits");
        assert!(!v.would_run);
        assert_eq!(
            v.steps[0].explanation,
            "commit `fix: b [skip ci]` contains `[skip ci]`, so the run is skipped"
        );
        assert!(skip_flags(false, None, &msgs, "all").would_run);
        assert!(skip_flags(true, Some(&s(&["#nobuild"])), &msgs, "all").would_run);
        assert!(!skip_flags(true, Some(&s(&["#nobuild"])), &["x #nobuild"], "all").would_run);
        let v = skip_flags(true, None, &["[SKIP CI] shouting"], "all");
        assert!(v.would_run && v.approximate.len() == 1);
        assert!(skip_flags(true, Some(&[]), &["[skip ci]"], "all").would_run);
    }

    #[test]
    fn concurrency_policies() {
        let c = |p: Option<&str>, busy| {
            let v = concurrency(p, busy);
            (v.would_run, v.outcome.unwrap(), !v.approximate.is_empty())
        };
        assert_eq!(c(None, Some(true)), (true, RunOutcome::RunsNow, false));
        assert_eq!(
            c(Some("queue"), Some(true)),
            (true, RunOutcome::Queued, false)
        );
        assert_eq!(
            c(Some("queue"), None),
            (true, RunOutcome::RunsNowIfIdle, false)
        );
        assert_eq!(
            c(Some("forbid"), Some(true)),
            (false, RunOutcome::Dropped, false)
        );
        assert_eq!(
            c(Some("forbid"), Some(false)),
            (true, RunOutcome::RunsNow, false)
        );
        assert_eq!(
            c(Some("forbid"), None),
            (true, RunOutcome::RunsNowIfIdle, false)
        );
        assert_eq!(
            c(Some("latest"), Some(true)),
            (true, RunOutcome::Queued, true)
        );
        assert_eq!(
            c(Some("replace"), Some(true)),
            (true, RunOutcome::ReplacesRunning, true)
        );
        assert_eq!(
            c(Some("replace"), Some(false)),
            (true, RunOutcome::RunsNow, false)
        );
        assert_eq!(
            c(Some("sometimes"), Some(true)),
            (true, RunOutcome::RunsNow, true)
        );
    }
}
