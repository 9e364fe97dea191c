//! Whole-document evaluation: which templates and triggers a push would run.

use serde_json::Value;

use crate::model::{DocKind, LinkedObject, PushEvent, Verdict};
use crate::rules;
use crate::triggers::{legacy_trigger, linked_file_changed, template_autorun, typed_trigger};

/// Would `event` run anything defined by `doc`?
///
/// `linked` are the Northflank objects backed by this file (their platform copies): one verdict
/// per object (every template linked to a file runs when it changes). Without linked objects the
/// file itself is evaluated. Templates yield one autorun verdict; flows and blueprints one
/// verdict per trigger (or one "no triggers" verdict).
pub fn evaluate_document(
    kind: DocKind,
    doc: &Value,
    event: &PushEvent,
    linked: &[LinkedObject],
) -> Vec<Verdict> {
    let objects: Vec<(Option<&str>, &Value, Option<bool>)> = if linked.is_empty() {
        vec![(None, doc, None)]
    } else {
        linked
            .iter()
            .map(|o| (Some(o.id.as_str()), &o.document, o.run_in_progress))
            .collect()
    };
    let mut out = Vec::new();
    for (id, object, busy) in objects {
        let prefix = id.map(|id| format!("`{id}`: ")).unwrap_or_default();
        if kind == DocKind::Template {
            let mut v = template_autorun(object, event, busy);
            v.subject = format!("{prefix}template autorun");
            out.push(v);
            continue;
        }
        let triggers = object
            .get("triggers")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        if triggers.is_empty() {
            let mut v = Verdict::step(
                "Git triggers",
                "no triggers",
                false,
                "there are no Git triggers, so pushes never run it (manual, API and webhook runs still can)",
                Vec::new(),
            );
            v.subject = format!("{prefix}triggers");
            out.push(v);
            continue;
        }
        for (i, trigger) in triggers.iter().enumerate() {
            let typed = trigger.get("kind").and_then(Value::as_str).is_some();
            let mut v = if typed {
                typed_trigger(object, trigger, event)
            } else {
                legacy_trigger(object, trigger, event)
            };
            let name = trigger
                .get("ref")
                .and_then(Value::as_str)
                .map(|r| format!(" (`{r}`)"))
                .unwrap_or_default();
            let label = if typed {
                format!(
                    "{} trigger {}{name}",
                    v.subject.trim_end_matches(" trigger"),
                    i + 1
                )
            } else {
                format!("trigger {}{name}", i + 1)
            };
            if v.would_run {
                v = with_run_context(kind, object, event, busy, v);
            }
            v.subject = format!("{prefix}{label}");
            out.push(v);
        }
    }
    out
}

/// Steps that only matter once a trigger fires: the concurrency policy, the unconfirmed ordering
/// when the same push also edits the linked definition, and preview active hours.
fn with_run_context(
    kind: DocKind,
    object: &Value,
    event: &PushEvent,
    busy: Option<bool>,
    verdict: Verdict,
) -> Verdict {
    let subject = verdict.subject.clone();
    let mut parts = vec![verdict];
    if let Some(gitops) = object.get("gitops").filter(|g| g.is_object())
        && linked_file_changed(gitops, event).would_run
        && gitops.get("branch").and_then(Value::as_str) == Some(event.branch.as_str())
    {
        parts.push(Verdict::step(
            "definition update",
            "the push also changes the linked file",
            true,
            "the definition is updated by the same push",
            vec!["definition update: whether this run uses the old or the new definition is unconfirmed".to_owned()],
        ));
    }
    if kind == DocKind::PreviewTemplate && object.pointer("/options/schedule").is_some() {
        parts.push(Verdict::step(
            "active hours",
            "`options.schedule` is set",
            true,
            "active hours are not evaluated: outside them pushes do not create or update previews",
            vec!["active hours: `options.schedule` was not evaluated".to_owned()],
        ));
    }
    let policy = object
        .pointer("/options/concurrencyPolicy")
        .or_else(|| object.get("concurrencyPolicy"))
        .and_then(Value::as_str);
    parts.push(rules::concurrency(policy, busy));
    Verdict::all_of(subject, parts)
}

/// The combined answer over several verdicts: runs if any verdict runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overall {
    pub would_run: bool,
    /// Whether the combined answer rests on unconfirmed semantics.
    pub approximate: bool,
}

/// Combine verdicts the way Northflank combines triggers: something runs if any of them fires.
pub fn overall(verdicts: &[Verdict]) -> Overall {
    let v = Verdict::any_of("overall", verdicts.to_vec());
    Overall {
        would_run: v.would_run,
        approximate: !v.approximate.is_empty(),
    }
}
