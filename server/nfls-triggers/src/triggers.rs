//! The three ways a push can start something: template autorun, a legacy trigger object, a typed
//! trigger. Each composes the rules of [`crate::rules`] into one [`Verdict`].

use serde_json::Value;

use crate::model::{EventKind, PathChange, PushEvent, Verdict};
use crate::rules::{self, DEFAULT_SKIP_FLAGS};

/// Strings of a JSON array field; non-strings are skipped. `None` when the field is absent or not
/// an array.
pub(crate) fn str_list(v: Option<&Value>) -> Option<Vec<String>> {
    v?.as_array().map(|items| {
        items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect()
    })
}

fn bool_at(v: &Value, key: &str) -> Option<bool> {
    v.get(key).and_then(Value::as_bool)
}

fn str_at<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// Messages checked for a branch push: every pushed commit (falling back to the head message).
fn push_messages(event: &PushEvent) -> Vec<&str> {
    if event.commit_messages.is_empty() {
        event.head_message().into_iter().collect()
    } else {
        event.commit_messages.iter().map(String::as_str).collect()
    }
}

fn not_applicable(rule: &str, saw: &str, why: &str) -> Verdict {
    Verdict::step(rule, saw, false, why, Vec::new())
}

/// Template autorun (§4.3/§5.3 of the format reference): a push to `gitops.branch` of
/// `gitops.repoUrl` that changes `gitops.filePath` updates the template; with `options.autorun`
/// the update starts a run, then the concurrency policy decides what happens to it.
///
/// `options.runOnUpdate` (emitted by the UI, meaning UNCONFIRMED) is read as an alias of
/// `autorun` when `autorun` is absent, and the verdict is then approximate.
pub fn template_autorun(doc: &Value, event: &PushEvent, run_in_progress: Option<bool>) -> Verdict {
    const SUBJECT: &str = "template autorun";
    let Some(gitops) = doc.get("gitops").filter(|g| g.is_object()) else {
        let mut v = not_applicable(
            "GitOps link",
            "no `gitops` block",
            "the template is not linked to a file in Git, so no push changes it",
        );
        v.subject = SUBJECT.to_owned();
        return v;
    };
    let mut parts = vec![rules::repository(
        str_at(gitops, "repoUrl"),
        str_at(gitops, "vcsService"),
        event,
    )];
    parts.push(linked_branch(gitops, event));
    parts.push(linked_file_changed(gitops, event));
    parts.push(autorun_option(doc));
    parts.push(template_skip_flags_note(event));
    let policy = doc
        .pointer("/options/concurrencyPolicy")
        .or_else(|| doc.get("concurrencyPolicy"))
        .and_then(Value::as_str);
    parts.push(rules::concurrency(policy, run_in_progress));
    Verdict::all_of(SUBJECT, parts)
}

fn linked_branch(gitops: &Value, event: &PushEvent) -> Verdict {
    const RULE: &str = "linked branch";
    let Some(branch) = str_at(gitops, "branch") else {
        return not_applicable(RULE, "no `gitops.branch`", "the link names no branch");
    };
    let saw = format!("push to `{}`, linked branch `{branch}`", event.branch);
    if event.kind == EventKind::PullRequest {
        return not_applicable(
            RULE,
            &saw,
            "opening a pull request commits nothing to the linked branch",
        );
    }
    if event.branch == branch {
        Verdict::step(
            RULE,
            saw,
            true,
            "the push goes to the linked branch",
            Vec::new(),
        )
    } else {
        Verdict::step(
            RULE,
            saw,
            false,
            format!("the template follows `{branch}`, not `{}`", event.branch),
            Vec::new(),
        )
    }
}

/// How the push touches one path: `Some(true)` updated, `Some(false)` removed, `None` untouched.
fn touches(changes: &[crate::model::ChangedPath], path: &str) -> Option<bool> {
    let same = |p: &str| p.trim_start_matches('/') == path;
    let mut result = None;
    for c in changes {
        if same(&c.path) {
            result = Some(c.kind != PathChange::Deleted);
        } else if c.old_path.as_deref().is_some_and(same) {
            result = Some(false);
        }
    }
    result
}

/// Whether the push changes the file at `gitops.filePath`.
pub(crate) fn linked_file_changed(gitops: &Value, event: &PushEvent) -> Verdict {
    const RULE: &str = "linked file";
    let Some(file) = str_at(gitops, "filePath") else {
        return not_applicable(RULE, "no `gitops.filePath`", "the link names no file");
    };
    let path = file.trim_start_matches('/');
    let saw = format!("`{file}` among {} changed paths", event.changes.len());
    let found = touches(&event.changes, path);
    let mut approx = Vec::new();
    if let Some(net) = &event.net_changes
        && touches(net, path).is_some() != found.is_some()
    {
        approx.push(
            "linked file: the pushed commits change it but the net diff of the push does not (or the reverse)"
                .to_owned(),
        );
    }
    match found {
        Some(true) => Verdict::step(
            RULE,
            saw,
            true,
            format!("the push changes `{file}`"),
            approx,
        ),
        Some(false) => Verdict::step(
            RULE,
            saw,
            false,
            format!(
                "the push deletes or moves `{file}`: Northflank can no longer read the linked file"
            ),
            approx,
        ),
        None => Verdict::step(
            RULE,
            saw,
            false,
            format!("the push does not change `{file}`"),
            approx,
        ),
    }
}

fn autorun_option(doc: &Value) -> Verdict {
    const RULE: &str = "autorun";
    let autorun = doc.pointer("/options/autorun").and_then(Value::as_bool);
    let on_update = doc.pointer("/options/runOnUpdate").and_then(Value::as_bool);
    let saw = format!(
        "`options.autorun` {}, `options.runOnUpdate` {}",
        autorun.map_or("absent".to_owned(), |b| b.to_string()),
        on_update.map_or("absent".to_owned(), |b| b.to_string())
    );
    match (autorun, on_update) {
        (Some(true), _) => Verdict::step(
            RULE,
            saw,
            true,
            "autorun is on: the update starts a run",
            Vec::new(),
        ),
        (None, Some(true)) => Verdict::step(
            RULE,
            saw,
            true,
            "`runOnUpdate` is on and read as autorun: the update starts a run",
            vec!["autorun: `options.runOnUpdate` is undocumented; read as an alias of `autorun`".to_owned()],
        ),
        (Some(false), Some(true)) => Verdict::step(
            RULE,
            saw,
            false,
            "autorun is off (it takes precedence over `runOnUpdate`): the template is updated but not run",
            vec!["autorun: `options.runOnUpdate` is undocumented; `autorun: false` was given precedence".to_owned()],
        ),
        _ => Verdict::step(
            RULE,
            saw,
            false,
            "autorun is off: the template is updated but not run",
            Vec::new(),
        ),
    }
}

/// Template autorun has no documented skip flags; if a message carries one, say that the verdict
/// assumes it is not honoured.
fn template_skip_flags_note(event: &PushEvent) -> Verdict {
    let messages = push_messages(event);
    let flagged = messages.iter().find_map(|m| {
        DEFAULT_SKIP_FLAGS
            .iter()
            .find(|f| m.contains(*f))
            .map(|f| (*m, *f))
    });
    match flagged {
        Some((m, f)) => Verdict::step(
            "skip flags",
            format!(
                "commit `{}` contains `{f}`",
                m.lines().next().unwrap_or_default()
            ),
            true,
            "template autorun has no documented skip flags, so the flag is assumed to have no effect",
            vec![format!(
                "skip flags: whether `{f}` suppresses template autorun is unconfirmed (assumed not)"
            )],
        ),
        None => Verdict::step(
            "skip flags",
            "no skip flag in the pushed messages",
            true,
            "no skip flag to consider",
            Vec::new(),
        ),
    }
}

/// A legacy trigger object (release flows, preview-environment templates): repository, branch
/// rules for pushes, pull-request rules (+ `ignoreDrafts`) for PR events and pushes to a branch
/// with an open PR, path rules, and skip flags (every pushed commit for a branch push, the head
/// commit for a PR). `doc` supplies the pause switches.
pub fn legacy_trigger(doc: &Value, trigger: &Value, event: &PushEvent) -> Verdict {
    let branches = str_list(trigger.get("branchRestrictions")).unwrap_or_default();
    let prs = str_list(trigger.get("prRestrictions")).unwrap_or_default();
    // Only "both lists empty" is the unconfirmed case: one empty list next to a filled one
    // is plainly "this kind of event is not wanted".
    let both_empty = branches.is_empty() && prs.is_empty();
    let flags_on = bool_at(trigger, "ciIgnoreFlagsEnabled") == Some(true);
    let flags = str_list(trigger.get("ciIgnoreFlags"));

    let mut parts = vec![rules::paused(doc, None)];
    if bool_at(trigger, "manualOnly") == Some(true) {
        parts.push(not_applicable(
            "manual only",
            "`manualOnly` is true",
            "this trigger is used only for manual runs",
        ));
    }
    parts.push(rules::repository(
        str_at(trigger, "repoUrl"),
        str_at(trigger, "vcsService"),
        event,
    ));

    let branch_route = if event.kind == EventKind::Push {
        Verdict::all_of(
            "branch push",
            vec![
                rules::branch_patterns("branch rules", &branches, &event.branch, both_empty),
                rules::skip_flags(
                    flags_on,
                    flags.as_deref(),
                    &push_messages(event),
                    "every pushed commit",
                ),
            ],
        )
    } else {
        not_applicable(
            "branch rules",
            "pull-request event",
            "branch rules react to pushes, and this event opens a pull request",
        )
    };
    let pr_route = match &event.pull_request {
        None => not_applicable(
            "pull-request rules",
            &format!("no open pull request from `{}`", event.branch),
            "pull-request rules need a pull request",
        ),
        Some(pr) => Verdict::all_of(
            "pull request",
            vec![
                rules::branch_patterns("pull-request rules", &prs, &event.branch, both_empty),
                rules::drafts(bool_at(trigger, "ignoreDrafts") == Some(true), Some(pr)),
                rules::skip_flags(
                    flags_on,
                    flags.as_deref(),
                    &event.head_message().into_iter().collect::<Vec<_>>(),
                    "the pull request's head commit",
                ),
            ],
        ),
    };
    parts.push(Verdict::any_of("event", vec![branch_route, pr_route]));
    parts.push(rules::path_rules(
        &str_list(trigger.get("pathIgnoreRules")).unwrap_or_default(),
        bool_at(trigger, "isAllowList") == Some(true),
        event,
    ));
    if trigger.get("branchNamePatterns").is_some() {
        parts.push(Verdict::step(
            "model mix-up",
            "`branchNamePatterns` in a legacy trigger",
            true,
            "`branchNamePatterns` belongs to the typed trigger model and is ignored here; legacy triggers use `branchRestrictions` and `prRestrictions`",
            Vec::new(),
        ));
    }
    Verdict::all_of("legacy trigger", parts)
}

/// A typed trigger (workflows, preview blueprints): `{kind, spec, ref?, paused?}`.
/// `vcs-push` and `vcs-pr` are evaluated; `vcs-pr-label`, `vcs-check-suite` and `vcs-release`
/// have no documented semantics and are reported as not evaluated (approximate); `webhook` and
/// `cron` are not started by pushes.
pub fn typed_trigger(doc: &Value, trigger: &Value, event: &PushEvent) -> Verdict {
    let kind = str_at(trigger, "kind").unwrap_or("");
    let spec = trigger.get("spec").cloned().unwrap_or(Value::Null);
    let subject = format!("`{kind}` trigger");
    let undocumented = |what: &str| {
        Verdict::step(
            "not evaluated",
            format!("`{kind}` trigger"),
            false,
            format!("not evaluated: {what}"),
            vec![format!(
                "`{kind}` triggers are undocumented: whether this push starts one is unknown"
            )],
        )
    };
    let mut parts = vec![rules::paused(doc, Some(trigger))];
    match kind {
        "vcs-push" | "vcs-pr" => {
            let vcs = spec.get("vcs").cloned().unwrap_or(Value::Null);
            parts.push(rules::repository(
                str_at(&vcs, "repoUrl"),
                str_at(&vcs, "vcsService"),
                event,
            ));
            let patterns = str_list(spec.get("branchNamePatterns")).unwrap_or_default();
            let flags = spec
                .get("commitMessageFlags")
                .cloned()
                .unwrap_or(Value::Null);
            let flags_on = bool_at(&flags, "enabled") == Some(true);
            let flag_list = str_list(flags.get("flags"));
            if kind == "vcs-push" {
                parts.push(if event.kind == EventKind::Push {
                    Verdict::step(
                        "event",
                        "a push",
                        true,
                        "push triggers react to pushes",
                        Vec::new(),
                    )
                } else {
                    not_applicable(
                        "event",
                        "pull-request event",
                        "push triggers react to pushes, and this event opens a pull request",
                    )
                });
                parts.push(rules::branch_patterns(
                    "branch patterns",
                    &patterns,
                    &event.branch,
                    true,
                ));
                parts.push(rules::skip_flags(
                    flags_on,
                    flag_list.as_deref(),
                    &push_messages(event),
                    "every pushed commit",
                ));
            } else {
                parts.push(match &event.pull_request {
                    Some(_) => Verdict::step(
                        "event",
                        format!("pull request from `{}`", event.branch),
                        true,
                        "pull-request triggers react to pull requests and pushes to their branch",
                        Vec::new(),
                    ),
                    None => not_applicable(
                        "event",
                        &format!("no open pull request from `{}`", event.branch),
                        "pull-request triggers need a pull request",
                    ),
                });
                parts.push(rules::branch_patterns(
                    "branch patterns",
                    &patterns,
                    &event.branch,
                    true,
                ));
                parts.push(rules::drafts(
                    bool_at(&spec, "ignoreDrafts") == Some(true),
                    event.pull_request.as_ref(),
                ));
                parts.push(rules::skip_flags(
                    flags_on,
                    flag_list.as_deref(),
                    &event.head_message().into_iter().collect::<Vec<_>>(),
                    "the pull request's head commit",
                ));
            }
            let paths = spec.get("filePaths").cloned().unwrap_or(Value::Null);
            let paths_on = bool_at(&paths, "enabled") == Some(true);
            parts.push(if paths_on {
                rules::path_rules(
                    &str_list(paths.get("paths")).unwrap_or_default(),
                    bool_at(&paths, "allowList") == Some(true),
                    event,
                )
            } else {
                Verdict::step(
                    "path rules",
                    "`filePaths.enabled` is not true",
                    true,
                    "path filtering is off, so every change counts",
                    Vec::new(),
                )
            });
        }
        "vcs-pr-label" => parts.push(undocumented(
            "pull-request label triggers fire on labelling, which a push does not describe",
        )),
        "vcs-check-suite" => parts.push(undocumented(
            "check-suite triggers depend on CI results, not on the push itself",
        )),
        "vcs-release" => parts.push(undocumented(
            "release triggers fire when a release is published, not on a push",
        )),
        "webhook" => parts.push(not_applicable(
            "event",
            "webhook trigger",
            "webhook triggers run when their URL is called, not on pushes",
        )),
        "cron" => parts.push(not_applicable(
            "event",
            &format!("cron `{}`", str_at(&spec, "cron").unwrap_or("?")),
            "cron triggers run on their schedule, not on pushes",
        )),
        "" => parts.push(undocumented("the trigger has no `kind`")),
        _ => parts.push(undocumented("unknown trigger kind")),
    }
    Verdict::all_of(subject, parts)
}
