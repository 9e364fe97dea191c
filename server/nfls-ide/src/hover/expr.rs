//! Hover on `${…}` expressions: an argument's value, a ref's node, a function's signature.
//!
//! Also on plain ref names outside expressions (`OpenTofuDestroy.spec.nodeRef`).

use std::fmt::Write as _;

use nfls_expr::{CursorTarget, Path};
use nfls_syntax::{TextRange, Tree, Value};

use crate::Analysis;
use crate::semantic::outputs::{self, ANY_NAME, INDEX};
use crate::semantic::{DefKind, Model, Namespace, Use, line_of, root_doc};
use crate::types::HoverResult;

pub(super) fn hover(analysis: &Analysis, offset: u32) -> Option<HoverResult> {
    let model = &analysis.semantic;
    let tree = &analysis.parse.tree;
    let Some(string) = model.string_at(offset) else {
        // A plain ref name (`nodeRef`).
        let found = model.use_at(offset)?;
        return Some(HoverResult {
            range: found.range,
            markdown: ref_markdown(model, tree, found),
        });
    };
    let cursor = string.parsed.cursor(offset)?;
    let at = TextRange::new(cursor.span.start, cursor.span.end);
    if at.is_empty() {
        return None;
    }
    let markdown = match cursor.target? {
        CursorTarget::Root { .. } => {
            let word = string.parsed.decoded_text(cursor.span);
            let doc = root_doc(word);
            if doc.is_empty() {
                return None;
            }
            doc.to_owned()
        }
        CursorTarget::RefName { .. } => ref_markdown(model, tree, model.use_at(offset)?),
        CursorTarget::RefPath { path, index } => output_markdown(model, string.scope, path, index)?,
        CursorTarget::ArgName { .. } => arg_markdown(model, tree, model.use_at(offset)?),
        CursorTarget::SecretName { path } => {
            let name = path.name().map_or("", |n| n.name.as_str());
            format!(
                "**`secrets.{name}`**: the team-wide global secret `{name}`, read when the run starts (the same as `fn.fetchSecret('{name}')`; this form is inferred from the documentation)."
            )
        }
        CursorTarget::FunctionName { call } => {
            let info = call.info()?;
            format!("```\n{}\n```\n\n{}", info.signature, info.description)
        }
        CursorTarget::PathSegment { .. }
        | CursorTarget::LambdaParam { .. }
        | CursorTarget::Literal { .. } => return None,
    };
    Some(HoverResult {
        range: at,
        markdown,
    })
}

/// The ref's node or trigger: what it is, where it is defined, what it outputs.
fn ref_markdown(model: &Model, tree: &Tree, found: &Use) -> String {
    let text = tree.text();
    let prefix = if found.template {
        "template.refs"
    } else {
        "refs"
    };
    let mut out = format!("**`{prefix}.{}`**", found.name);
    let Some(target) = found.target else {
        let _ = write!(
            out,
            "\n\nNot defined: no node or trigger of this document has this ref."
        );
        return out;
    };
    let def = model.definition(target);
    let line = def.range.map(|r| line_of(text, r.start));
    let at_line = line.map_or(String::new(), |l| format!(" at line {l}"));
    match &def.kind {
        DefKind::Node(node) => {
            let node = model.node(*node);
            let kind = if node.kind.is_empty() {
                "node"
            } else {
                &node.kind
            };
            let _ = write!(out, ": the `{kind}` node");
            if let Some(name) = &node.name {
                let _ = write!(out, " `{name}`");
            }
            let _ = write!(out, ", defined{at_line}.");
            if let Some(problem) = found.order {
                let _ = write!(
                    out,
                    "\n\nNot run yet here: {}.",
                    match problem {
                        crate::semantic::OrderProblem::Own => "this is the node's own ref",
                        crate::semantic::OrderProblem::Ancestor =>
                            "it is a workflow that contains this node",
                        crate::semantic::OrderProblem::Descendant => "it runs inside this workflow",
                        crate::semantic::OrderProblem::LaterStep { .. } =>
                            "it runs in a later step of a sequential workflow",
                        crate::semantic::OrderProblem::ParallelSibling { .. } =>
                            "it runs in parallel with this node",
                        crate::semantic::OrderProblem::Teardown => "it belongs to `teardownSpec`",
                    }
                );
            }
            if let Some(table) = outputs::node_outputs(&node.kind) {
                let _ = write!(
                    out,
                    "\n\nKnown outputs (partial list): {}.",
                    list_outputs(table)
                );
            }
        }
        DefKind::LegacyTrigger | DefKind::TypedTrigger(_) => {
            let what = match &def.kind {
                DefKind::TypedTrigger(kind) => format!("the `{kind}` trigger"),
                _ => "the Git trigger".to_owned(),
            };
            let _ = write!(out, ": {what}, defined{at_line}.");
            if let Some(trigger) = def.value.and_then(|v| tree.value(v).as_object()) {
                let repo = trigger
                    .get("repoUrl")
                    .or_else(|| {
                        trigger
                            .get("spec")?
                            .as_object()?
                            .get("vcs")?
                            .as_object()?
                            .get("repoUrl")
                    })
                    .and_then(Value::as_str);
                if let Some(repo) = repo {
                    let _ = write!(out, "\n\nRepository: `{repo}`");
                }
                for (key, label) in [
                    ("branchRestrictions", "Branch rules"),
                    ("prRestrictions", "Pull-request rules"),
                ] {
                    if let Some(rules) = trigger.get(key).and_then(Value::as_array) {
                        let rules: Vec<String> = rules
                            .elements()
                            .filter_map(Value::as_str)
                            .map(|r| format!("`{r}`"))
                            .collect();
                        let shown = if rules.is_empty() {
                            "none".to_owned()
                        } else {
                            rules.join(", ")
                        };
                        let _ = write!(out, "\n\n{label}: {shown}");
                    }
                }
            }
            if def.kind == DefKind::LegacyTrigger {
                let _ = write!(
                    out,
                    "\n\nOutputs: {}: the values of the push or pull request that started the run.",
                    list_outputs(outputs::LEGACY_TRIGGER)
                );
            }
        }
        _ => {}
    }
    if found.template {
        let _ = write!(out, "\n\nResolved when the enclosing template runs.");
    }
    out
}

fn list_outputs(table: &[outputs::OutputField]) -> String {
    // Flattened to dotted paths: `id`, `ports.<n>.dns`.
    let mut out = Vec::new();
    let mut stack: Vec<(String, &outputs::OutputField)> =
        table.iter().rev().map(|f| (String::new(), f)).collect();
    while let Some((prefix, field)) = stack.pop() {
        let name = match field.name {
            INDEX => "<n>",
            ANY_NAME => "<name>",
            name => name,
        };
        let path = if prefix.is_empty() {
            name.to_owned()
        } else {
            format!("{prefix}.{name}")
        };
        if field.children.is_empty() {
            out.push(format!("`{path}`"));
        } else {
            stack.extend(field.children.iter().rev().map(|c| (path.clone(), c)));
        }
    }
    out.join(", ")
}

fn output_markdown(model: &Model, scope: u32, path: &Path, index: usize) -> Option<String> {
    let scope = if path.is_template() {
        model.scope(scope).parent?
    } else {
        scope
    };
    let name = path.name()?;
    let def = model.definition(*model.lookup(scope, Namespace::Ref, &name.name).first()?);
    let (table, owner) = match &def.kind {
        DefKind::Node(node) => {
            let kind = &model.node(*node).kind;
            (outputs::node_outputs(kind)?, format!("`{kind}` nodes"))
        }
        DefKind::LegacyTrigger => (outputs::LEGACY_TRIGGER, "Git triggers".to_owned()),
        _ => return None,
    };
    let segments = path.output_path();
    let level = outputs::fields_at(table, segments[..index].iter().map(|s| s.name.as_str()))?;
    let segment = segments.get(index)?;
    let field = outputs::step(level, &segment.name)?;
    Some(format!(
        "**`{}`**: {}\n\nA known output of {owner} (the list of known outputs is partial).",
        segment.name, field.doc
    ))
}

fn arg_markdown(model: &Model, tree: &Tree, found: &Use) -> String {
    let text = tree.text();
    let prefix = if found.template {
        "template.args"
    } else {
        "args"
    };
    let name = &found.name;
    let mut out = format!("**`{prefix}.{name}`**");
    let Some(target) = found.target else {
        let _ = write!(
            out,
            "\n\n`{name}` is not in `arguments`: it must come from argument overrides or the run."
        );
        return out;
    };
    let def = model.definition(target);
    let at_line = def.range.map_or(String::new(), |r| {
        format!(" at line {}", line_of(text, r.start))
    });
    match def.kind {
        DefKind::Argument => {
            if let Some(value) = def.value {
                let value = tree.value(value).text();
                if value.contains('\n') || value.len() > 80 {
                    let shown: String = value.chars().take(400).collect();
                    let _ = write!(out, " =\n```json\n{shown}\n```");
                } else {
                    let _ = write!(out, " = `{value}`");
                }
            }
            let _ = write!(
                out,
                "\n\nDefined in `arguments`{at_line}; argument overrides and run-time arguments replace this value."
            );
        }
        DefKind::RichInput => {
            let _ = write!(
                out,
                "\n\nSet by the rich input{at_line}: the selection made when the run starts is written into this argument."
            );
        }
        DefKind::BuiltinArgument => {
            let meaning = if name == "previewId" {
                "an identifier of the preview environment (its exact definition is UNCONFIRMED: the documentation only uses it in examples)"
            } else {
                "the generated name of the preview environment"
            };
            let _ = write!(
                out,
                "\n\nBuilt-in argument of preview environments: {meaning}."
            );
        }
        _ => {}
    }
    if found.template {
        let _ = write!(out, "\n\nResolved when the enclosing template runs.");
    }
    out
}
