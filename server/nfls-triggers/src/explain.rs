//! Plain-text explanation of verdicts: each rule, what it saw, the verdict, the approximations.

use std::fmt::Write;

use crate::model::{RunOutcome, Verdict};

/// Render verdicts as multi-line text, one block per verdict:
///
/// ```text
/// trigger 1 (`app`): would run, starting now
///   ✓ repository: saw `git@github.com:org/repo.git` against `https://github.com/org/repo` — same repository (`github.com/org/repo`)
///   ✗ …
///   approximate:
///     - …
/// ```
pub fn render(verdicts: &[Verdict]) -> String {
    let mut out = String::new();
    for (i, v) in verdicts.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let _ = writeln!(out, "{}: {}", v.subject, headline(v));
        for step in &v.steps {
            let mark = if step.matched { '✓' } else { '✗' };
            let _ = writeln!(
                out,
                "  {mark} {}: saw {} — {}",
                step.rule, step.saw, step.explanation
            );
        }
        if !v.approximate.is_empty() {
            out.push_str("  approximate:\n");
            for reason in &v.approximate {
                let _ = writeln!(out, "    - {reason}");
            }
        }
    }
    out
}

fn headline(v: &Verdict) -> String {
    let approx = if v.approximate.is_empty() {
        ""
    } else {
        " (approximate)"
    };
    let text = match (v.would_run, v.outcome) {
        (true, Some(RunOutcome::RunsNow)) | (true, None) => "would run, starting now",
        (true, Some(RunOutcome::RunsNowIfIdle)) => {
            "would run (now, unless the concurrency policy holds it back)"
        }
        (true, Some(RunOutcome::Queued)) => "would run, after the running run (queued)",
        (true, Some(RunOutcome::ReplacesRunning)) => "would run, aborting the running run",
        (true, Some(RunOutcome::Dropped)) | (false, Some(RunOutcome::Dropped)) => {
            "would not run: dropped by the concurrency policy"
        }
        (false, _) => "would not run",
    };
    format!("{text}{approx}")
}
