//! Inputs (a push-like event) and outputs (verdicts made of rule steps) of the trigger rules.

use serde::{Deserialize, Serialize};

/// What kind of Git event is being asked about.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum EventKind {
    /// Commits pushed to `branch` (which may have an open pull request: see
    /// [`PushEvent::pull_request`]).
    #[default]
    Push,
    /// A pull request from `branch` was opened.
    PullRequest,
}

/// The pull request associated with the event's branch.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PullRequest {
    pub draft: bool,
    pub labels: Vec<String>,
}

/// How a path changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PathChange {
    Added,
    #[default]
    Modified,
    Deleted,
    Renamed,
    TypeChanged,
}

/// One changed path, relative to the repository root, `/`-separated (a leading `/` is tolerated).
/// Deserialises from a bare string (a modification) or from `{path, kind?, oldPath?}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", from = "ChangedPathRepr")]
pub struct ChangedPath {
    pub path: String,
    pub kind: PathChange,
    /// Source of a rename.
    pub old_path: Option<String>,
}

impl ChangedPath {
    pub fn modified(path: &str) -> Self {
        ChangedPath {
            path: path.to_owned(),
            kind: PathChange::Modified,
            old_path: None,
        }
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum ChangedPathRepr {
    Bare(String),
    Full {
        path: String,
        #[serde(default)]
        kind: PathChange,
        #[serde(default, rename = "oldPath")]
        old_path: Option<String>,
    },
}

impl From<ChangedPathRepr> for ChangedPath {
    fn from(repr: ChangedPathRepr) -> Self {
        match repr {
            ChangedPathRepr::Bare(path) => ChangedPath::modified(&path),
            ChangedPathRepr::Full {
                path,
                kind,
                old_path,
            } => ChangedPath {
                path,
                kind,
                old_path,
            },
        }
    }
}

/// A push (or pull-request event) to evaluate rules against.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PushEvent {
    /// Remote URL of the repository pushed to, in any form (`https://…`, `git@host:org/repo.git`).
    pub repo_url: String,
    /// `github`, `gitlab`, `bitbucket`, `azure`, `self-hosted`, when known.
    pub vcs_service: Option<String>,
    /// The branch pushed to, or the pull request's source branch.
    pub branch: String,
    pub kind: EventKind,
    /// The open pull request from `branch`, if any (always set for `pullRequest` events).
    pub pull_request: Option<PullRequest>,
    /// Paths changed by the push: for a multi-commit push, the union over the pushed commits.
    pub changes: Vec<ChangedPath>,
    /// Optionally, the net diff of the push (old tip → new tip). Which of the two Northflank uses
    /// is unconfirmed; when both are given and they disagree, verdicts are marked approximate.
    pub net_changes: Option<Vec<ChangedPath>>,
    /// Messages of the pushed commits, oldest first.
    pub commit_messages: Vec<String>,
    /// Message of the head commit; defaults to the last of `commit_messages`.
    pub head_commit_message: Option<String>,
}

impl PushEvent {
    /// The head commit's message, explicit or the newest pushed one.
    pub fn head_message(&self) -> Option<&str> {
        self.head_commit_message
            .as_deref()
            .or_else(|| self.commit_messages.last().map(String::as_str))
    }
}

/// What happens to a run that the event starts, after the concurrency policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RunOutcome {
    /// Starts immediately.
    RunsNow,
    /// Starts right away if nothing is running; otherwise waits (queue) or is dropped (forbid):
    /// whether a run is in progress was not known.
    RunsNowIfIdle,
    /// Waits for the running run(s) to finish.
    Queued,
    /// Ignored because a run is in progress.
    Dropped,
    /// Aborts the running run and starts (UNCONFIRMED reading of `replace`).
    ReplacesRunning,
}

/// One rule as it was evaluated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleStep {
    /// Short rule name, e.g. `branch rules`.
    pub rule: String,
    /// What the rule looked at, e.g. ``branch `feature/a/b` ``.
    pub saw: String,
    /// Whether the rule let the run through.
    pub matched: bool,
    /// Plain-words account of the decision.
    pub explanation: String,
    /// Why this step's outcome might differ on Northflank (UNCONFIRMED semantics it rests on).
    pub approximate: Vec<String>,
}

/// The answer for one trigger or template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Verdict {
    /// What was evaluated, e.g. ``trigger 1 (`ref` app)`` or `template autorun`.
    pub subject: String,
    pub would_run: bool,
    /// Reasons why `would_run` rests on UNCONFIRMED semantics (empty = documented behaviour).
    pub approximate: Vec<String>,
    /// Every rule evaluated, in order.
    pub steps: Vec<RuleStep>,
    /// For runs subject to a concurrency policy: what happens to the run.
    pub outcome: Option<RunOutcome>,
}

impl Verdict {
    /// A verdict made of one step.
    pub fn step(
        rule: &str,
        saw: impl Into<String>,
        matched: bool,
        explanation: impl Into<String>,
        approximate: Vec<String>,
    ) -> Verdict {
        Verdict {
            subject: rule.to_owned(),
            would_run: matched,
            approximate: approximate.clone(),
            steps: vec![RuleStep {
                rule: rule.to_owned(),
                saw: saw.into(),
                matched,
                explanation: explanation.into(),
                approximate,
            }],
            outcome: None,
        }
    }

    /// All parts must pass. The result is approximate when it passes and any part was
    /// approximate, or when it fails and every failing part was approximate (a single certain
    /// failure makes the "no" certain).
    pub fn all_of(subject: impl Into<String>, parts: Vec<Verdict>) -> Verdict {
        let would_run = parts.iter().all(|p| p.would_run);
        let approximate = if would_run {
            union(parts.iter())
        } else if parts
            .iter()
            .any(|p| !p.would_run && p.approximate.is_empty())
        {
            Vec::new()
        } else {
            union(parts.iter().filter(|p| !p.would_run))
        };
        Verdict::combine(subject, would_run, approximate, parts)
    }

    /// Any part may pass. Approximate when it passes only through approximate parts, or when it
    /// fails and any part's failure was approximate.
    pub fn any_of(subject: impl Into<String>, parts: Vec<Verdict>) -> Verdict {
        let would_run = parts.iter().any(|p| p.would_run);
        let approximate = if would_run {
            if parts
                .iter()
                .any(|p| p.would_run && p.approximate.is_empty())
            {
                Vec::new()
            } else {
                union(parts.iter().filter(|p| p.would_run))
            }
        } else {
            union(parts.iter())
        };
        Verdict::combine(subject, would_run, approximate, parts)
    }

    fn combine(
        subject: impl Into<String>,
        would_run: bool,
        approximate: Vec<String>,
        parts: Vec<Verdict>,
    ) -> Verdict {
        let outcome = if would_run {
            parts.iter().rev().find_map(|p| p.outcome)
        } else if parts
            .iter()
            .filter(|p| !p.would_run)
            .all(|p| p.outcome == Some(RunOutcome::Dropped))
        {
            // Everything else passed: the concurrency policy alone stopped the run.
            Some(RunOutcome::Dropped)
        } else {
            None
        };
        Verdict {
            subject: subject.into(),
            would_run,
            approximate,
            steps: parts.into_iter().flat_map(|p| p.steps).collect(),
            outcome,
        }
    }

    /// The multi-line explanation of this verdict (see [`crate::explain`]).
    pub fn explain(&self) -> String {
        crate::explain::render(std::slice::from_ref(self))
    }
}

fn union<'a>(parts: impl Iterator<Item = &'a Verdict>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for reason in parts.flat_map(|p| p.approximate.iter()) {
        if !out.contains(reason) {
            out.push(reason.clone());
        }
    }
    out
}

/// Which kind of document the rules come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DocKind {
    /// Team template: no triggers, only autorun on update.
    Template,
    /// Release flow: legacy `triggers[]`.
    ReleaseFlow,
    /// Preview-environment template (pipelines): legacy `triggers[]`.
    PreviewTemplate,
    /// Workflow: typed triggers.
    Workflow,
    /// Preview blueprint: typed triggers.
    PreviewBlueprint,
}

/// A Northflank object linked to the file (its platform copy), e.g. each of several templates
/// backed by one file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LinkedObject {
    /// Display id or name, used in the verdict's subject.
    pub id: String,
    /// The platform's copy of the document (GET response body or its `data`).
    pub document: serde_json::Value,
    /// Whether a run of this object is pending or running, when known.
    #[serde(default)]
    pub run_in_progress: Option<bool>,
}
