//! Completion inside `${…}`: roots, argument names, refs, output paths, functions.
//!
//! The cursor query of `nfls-expr` says what is being typed and which word a completion
//! replaces (`bu` in `refs.bu|`, nothing right after `${`, `.`, `(` or `,`); the semantic model
//! says which names exist in the string's scope and which nodes can have run at that point.

use nfls_expr::{CursorTarget, Path};
use nfls_syntax::{TextRange, Tree};

use crate::Analysis;
use crate::semantic::outputs::{self, ANY_NAME, INDEX, OutputField};
use crate::semantic::{DefKind, ExprString, Model, Namespace, ScopeId};
use crate::types::{CompletionItem, CompletionKind, TextEdit};

/// `None` when `offset` is not inside (or right at the start of) an expression.
pub(super) fn completions(analysis: &Analysis, offset: u32) -> Option<Vec<CompletionItem>> {
    let model = &analysis.semantic;
    let string = model.string_at(offset)?;
    let cursor = string.parsed.cursor(offset)?;
    let at = TextRange::new(cursor.span.start, cursor.span.end);
    let text = analysis.parse.tree.text();
    let Some(target) = cursor.target else {
        return Some(Vec::new());
    };
    let items = match target {
        CursorTarget::Root { template } => roots(model, string, template, at, text),
        CursorTarget::RefName { path } => ref_names(model, string, path, at),
        CursorTarget::RefPath { path, index } => output_paths(analysis, string, path, index, at),
        CursorTarget::ArgName { path } => arg_names(model, string, path, at, &analysis.parse.tree),
        CursorTarget::FunctionName { call } => functions(at, call.open_paren.is_none()),
        CursorTarget::SecretName { .. }
        | CursorTarget::PathSegment { .. }
        | CursorTarget::LambdaParam { .. }
        | CursorTarget::Literal { .. } => Vec::new(),
    };
    Some(items)
}

fn item(
    label: &str,
    kind: CompletionKind,
    at: TextRange,
    insert: impl Into<String>,
) -> CompletionItem {
    CompletionItem {
        label: label.to_owned(),
        kind,
        detail: None,
        documentation: None,
        edit: TextEdit::replace(at, insert),
        is_snippet: false,
        additional_edits: Vec::new(),
        sort_text: None,
        filter_text: None,
        deprecated: false,
    }
}

/// The scope a path's names live in: the string's own, or the enclosing one after `template.`.
fn scope_of(model: &Model, string: &ExprString, template: bool) -> Option<ScopeId> {
    if template {
        model.scope(string.scope).parent
    } else {
        Some(string.scope)
    }
}

fn roots(
    model: &Model,
    string: &ExprString,
    after_template: bool,
    at: TextRange,
    text: &str,
) -> Vec<CompletionItem> {
    let nested = model.scope(string.scope).parent.is_some();
    // Keep an existing `.` after the word instead of doubling it.
    let dot = if text.as_bytes().get(at.end as usize) == Some(&b'.') {
        ""
    } else {
        "."
    };
    let mut out = Vec::new();
    for (i, root) in crate::semantic::ROOTS.into_iter().enumerate() {
        if root == "template" && (after_template || !nested) {
            continue;
        }
        let mut entry = item(root, CompletionKind::Keyword, at, format!("{root}{dot}"));
        entry.detail = Some(root_detail(root).to_owned());
        entry.documentation = Some(crate::semantic::root_doc(root).to_owned());
        entry.sort_text = Some(format!("{i}"));
        out.push(entry);
    }
    out
}

fn root_detail(root: &str) -> &'static str {
    match root {
        "args" => "arguments",
        "refs" => "outputs of nodes and triggers",
        "fn" => "functions",
        "secrets" => "global secrets",
        _ => "the enclosing template",
    }
}

fn ref_names(
    model: &Model,
    string: &ExprString,
    path: &Path,
    at: TextRange,
) -> Vec<CompletionItem> {
    let template = path.is_template();
    let Some(scope) = scope_of(model, string, template) else {
        return Vec::new();
    };
    let owner = if template {
        model.scope(string.scope).container
    } else {
        string.owner
    };
    let chain = owner.map(|o| model.ancestor_chain(o)).unwrap_or_default();
    let mut out = Vec::new();
    for id in model.names_in(scope, Namespace::Ref) {
        let def = model.definition(id);
        let mut entry = item(&def.name, CompletionKind::Reference, at, def.name.clone());
        let mut detail = match &def.kind {
            DefKind::Node(node) => {
                let node = model.node(*node);
                let kind = if node.kind.is_empty() {
                    "node"
                } else {
                    &node.kind
                };
                match &node.name {
                    Some(name) => format!("{kind} `{name}`"),
                    None => kind.to_owned(),
                }
            }
            DefKind::LegacyTrigger => "Git trigger".to_owned(),
            DefKind::TypedTrigger(kind) => format!("{kind} trigger"),
            _ => String::new(),
        };
        let problem = match def.kind {
            DefKind::Node(node) if !chain.is_empty() => model.order_problem(&chain, node),
            _ => None,
        };
        // Those that can have run come first; the others stay available but marked.
        if problem.is_some() {
            detail.push_str(" (not run yet here)");
            entry.sort_text = Some(format!("1{}", def.name));
        } else {
            entry.sort_text = Some(format!("0{}", def.name));
        }
        entry.detail = Some(detail);
        out.push(entry);
    }
    out
}

fn output_paths(
    analysis: &Analysis,
    string: &ExprString,
    path: &Path,
    index: usize,
    at: TextRange,
) -> Vec<CompletionItem> {
    let model = &analysis.semantic;
    let Some(scope) = scope_of(model, string, path.is_template()) else {
        return Vec::new();
    };
    let Some(name) = path.name() else {
        return Vec::new();
    };
    let Some(&target) = model.lookup(scope, Namespace::Ref, &name.name).first() else {
        return Vec::new();
    };
    let def = model.definition(target);
    let (table, node) = match def.kind {
        DefKind::Node(node) => {
            let node = model.node(node);
            (outputs::node_outputs(&node.kind), Some(node))
        }
        DefKind::LegacyTrigger => (Some(outputs::LEGACY_TRIGGER), None),
        _ => (None, None),
    };
    let Some(table) = table else {
        return Vec::new();
    };
    let before = path
        .output_path()
        .iter()
        .take(index)
        .map(|s| s.name.as_str());
    let Some(level) = outputs::fields_at(table, before) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for field in level {
        match field.name {
            INDEX => out.push(field_item("0", field, at)),
            ANY_NAME => {
                // OpenTofu: the outputs the node declares under `spec.spec.output`.
                let declared = node.and_then(|n| {
                    analysis
                        .parse
                        .tree
                        .value(n.value)
                        .as_object()?
                        .get("spec")?
                        .as_object()?
                        .get("spec")?
                        .as_object()?
                        .get("output")?
                        .as_object()
                });
                for member in declared.into_iter().flat_map(|o| o.members()) {
                    out.push(field_item(member.key(), field, at));
                }
            }
            name => out.push(field_item(name, field, at)),
        }
    }
    out
}

fn field_item(label: &str, field: &OutputField, at: TextRange) -> CompletionItem {
    let mut entry = item(label, CompletionKind::Field, at, label);
    entry.detail = Some(if field.children.is_empty() {
        "output".to_owned()
    } else {
        "output (more below)".to_owned()
    });
    entry.documentation = Some(format!(
        "{} (from the partial list of known outputs)",
        field.doc
    ));
    entry
}

fn arg_names(
    model: &Model,
    string: &ExprString,
    path: &Path,
    at: TextRange,
    tree: &Tree,
) -> Vec<CompletionItem> {
    let Some(scope) = scope_of(model, string, path.is_template()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for id in model.names_in(scope, Namespace::Arg) {
        let def = model.definition(id);
        let mut entry = item(&def.name, CompletionKind::Argument, at, def.name.clone());
        entry.detail = Some(match def.kind {
            DefKind::BuiltinArgument => "built-in (preview environments)".to_owned(),
            DefKind::RichInput => "set by a rich input".to_owned(),
            _ => def
                .value
                .map(|value| short(tree.value(value).text()))
                .unwrap_or_default(),
        });
        out.push(entry);
    }
    out
}

/// Source text cut to one short line, for detail columns.
pub(crate) fn short(text: &str) -> String {
    const MAX: usize = 60;
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= MAX {
        return one_line;
    }
    let cut: String = one_line.chars().take(MAX - 1).collect();
    format!("{cut}…")
}

fn functions(at: TextRange, with_parens: bool) -> Vec<CompletionItem> {
    nfls_expr::functions::all()
        .map(|info| {
            let mut entry = if with_parens {
                let mut e = item(info.name, CompletionKind::Function, at, info.snippet());
                e.is_snippet = true;
                e
            } else {
                item(info.name, CompletionKind::Function, at, info.name)
            };
            entry.detail = Some(info.signature.to_owned());
            entry.documentation = Some(info.description.to_owned());
            entry
        })
        .collect()
}
