//! The outline: the document, its arguments, the workflow tree, teardown, triggers, and the
//! documents nested inside `Pipeline` (release flows per stage, preview) and template-creating
//! nodes.
//!
//! The walk is a work stack, not recursion. Symbols are first collected flat, each with the
//! index of its parent, then assembled bottom-up; children are ordered by their position in the
//! document, so the order in which work happens to be done does not matter.

use nfls_syntax::{Member, NodeKind, Object, TextRange, Value};

use crate::Analysis;
use crate::types::{Symbol, SymbolKind};

/// The deepest nesting of symbols returned. Deeper nodes become siblings at this level: an
/// outline 10,000 levels deep helps nobody, and recursive consumers of the result (drop,
/// serialisation, the editor) must not be handed one.
pub(crate) const MAX_SYMBOL_DEPTH: u32 = 32;

const NO_PARENT: usize = usize::MAX;

pub(crate) fn document_symbols(analysis: &Analysis) -> Vec<Symbol> {
    let Some(classification) = &analysis.classification else {
        return Vec::new();
    };
    let Some(root) = analysis.parse.tree.root().and_then(Value::as_object) else {
        return Vec::new();
    };
    let label = classification.kind.label();
    let name_value = string_value(root, "name").filter(|v| !v.as_str().unwrap_or("").is_empty());
    let (name, detail) = match name_value.and_then(Value::as_str) {
        Some(name) => (name.to_owned(), Some(label.to_owned())),
        None => (label.to_owned(), None),
    };
    let range = root.value().range();
    let selection = name_value.map_or(TextRange::new(range.start, range.start + 1), Value::range);

    let mut outline = Outline::default();
    let document = outline.emit(
        NO_PARENT,
        symbol(name, detail, SymbolKind::Document, range, selection),
    );
    outline.document_contents(root, document);
    while let Some(work) = outline.stack.pop() {
        outline.node(work);
    }
    outline.assemble()
}

/// A node object still to be turned into a symbol.
struct Work<'t> {
    object: Object<'t>,
    parent: usize,
}

#[derive(Default)]
struct Outline<'t> {
    /// Symbols without children, in the order made; `parents[i]` and `depths[i]` belong to them.
    flat: Vec<Option<Symbol>>,
    parents: Vec<usize>,
    depths: Vec<u32>,
    stack: Vec<Work<'t>>,
}

impl<'t> Outline<'t> {
    /// Adds a symbol under `parent` (or at the top) and returns its index. Below
    /// [`MAX_SYMBOL_DEPTH`] it goes next to its parent instead.
    fn emit(&mut self, parent: usize, symbol: Symbol) -> usize {
        let (parent, depth) = if parent == NO_PARENT {
            (NO_PARENT, 1)
        } else if self.depths[parent] < MAX_SYMBOL_DEPTH {
            (parent, self.depths[parent] + 1)
        } else {
            (self.parents[parent], self.depths[parent])
        };
        self.flat.push(Some(symbol));
        self.parents.push(parent);
        self.depths.push(depth);
        self.flat.len() - 1
    }

    /// The parts of a document object (the file itself, or one nested in a node) that the
    /// outline shows, under `parent`.
    fn document_contents(&mut self, document: Object<'t>, parent: usize) {
        for member in document.members() {
            let Some(value) = member.value() else {
                continue;
            };
            match (member.key(), value.kind()) {
                ("spec", NodeKind::Object) => self.stack.push(Work {
                    object: value.as_object().expect("kind is Object"),
                    parent,
                }),
                ("arguments", NodeKind::Object) => {
                    self.arguments(member, value.as_object().expect("kind is Object"), parent)
                }
                ("teardownSpec", NodeKind::Object) => {
                    self.teardown(member, value.as_object().expect("kind is Object"), parent)
                }
                ("triggers", NodeKind::Array) => {
                    self.triggers(member, value.as_array().expect("kind is Array"), parent)
                }
                _ => {}
            }
        }
    }

    fn arguments(&mut self, member: Member<'t>, arguments: Object<'t>, parent: usize) {
        let count = arguments.len();
        let group = self.emit(
            parent,
            symbol(
                "arguments".to_owned(),
                Some(plural(count, "argument")),
                SymbolKind::Property,
                member.range(),
                member.key_range(),
            ),
        );
        for argument in arguments.members() {
            let name = non_empty(argument.key(), "\"\"");
            let detail = argument.value().and_then(argument_detail);
            self.emit(
                group,
                symbol(
                    name,
                    detail,
                    SymbolKind::Argument,
                    argument.range(),
                    argument.key_range(),
                ),
            );
        }
    }

    fn teardown(&mut self, member: Member<'t>, teardown: Object<'t>, parent: usize) {
        let detail = teardown
            .get("failurePolicy")
            .and_then(Value::as_str)
            .map(|policy| format!("failure policy: {policy}"));
        let index = self.emit(
            parent,
            symbol(
                "teardownSpec".to_owned(),
                detail,
                SymbolKind::Property,
                member.range(),
                member.key_range(),
            ),
        );
        if let Some(spec_member) = teardown.member("spec")
            && let Some(spec) = spec_member.value().and_then(Value::as_object)
        {
            self.stack.push(Work {
                object: spec,
                parent: index,
            });
        }
    }

    fn triggers(&mut self, member: Member<'t>, triggers: nfls_syntax::Array<'t>, parent: usize) {
        let group = self.emit(
            parent,
            symbol(
                "triggers".to_owned(),
                Some(plural(triggers.len(), "trigger")),
                SymbolKind::Array,
                member.range(),
                member.key_range(),
            ),
        );
        for trigger in triggers.elements().filter_map(Value::as_object) {
            let (name, detail) = trigger_label(trigger);
            let range = trigger.value().range();
            let selection = string_value(trigger, "ref")
                .or_else(|| string_value(trigger, "kind"))
                .map_or(TextRange::new(range.start, range.start + 1), Value::range);
            self.emit(
                group,
                symbol(name, detail, SymbolKind::Trigger, range, selection),
            );
        }
    }

    /// One node: its symbol, then its steps and nested documents as more work.
    fn node(&mut self, work: Work<'t>) {
        let object = work.object;
        let kind = string_of(object, "kind");
        let spec = object.get("spec").and_then(Value::as_object);
        let reference = string_of(object, "ref").filter(|r| !r.is_empty());
        let range = object.value().range();
        // The `ref`, else the `kind`, else the opening brace.
        let selection = string_value(object, "ref")
            .filter(|v| v.as_str().is_some_and(|r| !r.is_empty()))
            .or_else(|| string_value(object, "kind"))
            .map_or(TextRange::new(range.start, range.start + 1), Value::range);

        match kind {
            Some(k @ ("Workflow" | "LoopWorkflow")) => {
                let label = if k == "LoopWorkflow" {
                    "loop workflow"
                } else {
                    match spec.and_then(|s| string_of(s, "type")) {
                        Some("sequential") => "sequential workflow",
                        Some("parallel") => "parallel workflow",
                        _ => "workflow",
                    }
                };
                let steps = spec.and_then(|s| s.get("steps")).and_then(Value::as_array);
                let count = plural(steps.map_or(0, |s| s.len()), "step");
                let (name, detail) = match reference {
                    Some(r) => (r.to_owned(), format!("{label} · {count}")),
                    None => (label.to_owned(), count),
                };
                let index = self.emit(
                    work.parent,
                    symbol(name, Some(detail), SymbolKind::Workflow, range, selection),
                );
                if let Some(steps) = steps {
                    for step in steps.elements().filter_map(Value::as_object) {
                        self.stack.push(Work {
                            object: step,
                            parent: index,
                        });
                    }
                }
            }
            _ => {
                let name = reference
                    .or_else(|| {
                        spec.and_then(|s| string_of(s, "name"))
                            .filter(|n| !n.is_empty())
                    })
                    .or(kind.filter(|k| !k.is_empty()))
                    .unwrap_or("node")
                    .to_owned();
                let detail = kind.map(|k| node_detail(k, spec));
                let index = self.emit(
                    work.parent,
                    symbol(name, detail, SymbolKind::Node, range, selection),
                );
                if let (Some(kind), Some(spec)) = (kind, spec) {
                    self.nested_documents(kind, spec, index);
                }
            }
        }
    }

    /// Documents held inside a node's `spec`.
    fn nested_documents(&mut self, kind: &str, spec: Object<'t>, parent: usize) {
        match kind {
            "Pipeline" => {
                if let Some(stages) = spec.get("stages") {
                    // An array of stages; the schema also allows an object of them.
                    let stages: Vec<Value<'t>> = match stages.kind() {
                        NodeKind::Array => stages
                            .as_array()
                            .into_iter()
                            .flat_map(|a| a.elements())
                            .collect(),
                        NodeKind::Object => stages
                            .as_object()
                            .into_iter()
                            .flat_map(|o| o.members().filter_map(|m| m.value()))
                            .collect(),
                        _ => Vec::new(),
                    };
                    for stage in stages.into_iter().filter_map(Value::as_object) {
                        let Some(flow_member) = stage.member("releaseFlow") else {
                            continue;
                        };
                        let name = match string_of(stage, "name").filter(|n| !n.is_empty()) {
                            Some(stage_name) => format!("release flow ({stage_name})"),
                            None => "release flow".to_owned(),
                        };
                        self.nested_document(flow_member, name, parent);
                    }
                }
                if let Some(preview) = spec.member("preview") {
                    self.nested_document(preview, "preview environment".to_owned(), parent);
                }
            }
            // `Template` wraps `{kind, spec: <document>}`; `WorkflowTemplate` and
            // `PreviewBlueprint` hold the document directly in `spec`.
            "Template" => {
                if let Some(inner) = spec.get("spec").and_then(Value::as_object) {
                    self.document_contents(inner, parent);
                }
            }
            "WorkflowTemplate" | "PreviewBlueprint" => self.document_contents(spec, parent),
            _ => {}
        }
    }

    /// `{ "kind": "ReleaseFlow" | "PreviewEnv", "spec": <document> }` held by `member`.
    fn nested_document(&mut self, member: Member<'t>, name: String, parent: usize) {
        let Some(wrapper) = member.value().and_then(Value::as_object) else {
            return;
        };
        let range = wrapper.value().range();
        let selection = string_value(wrapper, "kind")
            .map_or(TextRange::new(range.start, range.start + 1), Value::range);
        let detail = string_of(wrapper, "kind").map(str::to_owned);
        let index = self.emit(
            parent,
            symbol(name, detail, SymbolKind::Document, range, selection),
        );
        if let Some(document) = wrapper.get("spec").and_then(Value::as_object) {
            self.document_contents(document, index);
        }
    }

    /// Builds the tree: children are moved into their parents from the last symbol backwards
    /// (a parent always comes before its children), then ordered by position.
    fn assemble(mut self) -> Vec<Symbol> {
        let mut top = Vec::new();
        for i in (0..self.flat.len()).rev() {
            let Some(mut symbol) = self.flat[i].take() else {
                continue;
            };
            symbol.children.sort_by_key(|child| child.range.start);
            match self.parents[i] {
                NO_PARENT => top.push(symbol),
                parent => {
                    if let Some(Some(parent)) = self.flat.get_mut(parent) {
                        parent.children.push(symbol);
                    }
                }
            }
        }
        top.sort_by_key(|symbol| symbol.range.start);
        top
    }
}

fn symbol(
    name: String,
    detail: Option<String>,
    kind: SymbolKind,
    range: TextRange,
    selection_range: TextRange,
) -> Symbol {
    Symbol {
        name,
        detail,
        kind,
        range,
        selection_range,
        children: Vec::new(),
    }
}

/// `Action · Service restart`, `Condition · Build success`, `Message · SLACK`, or the kind.
fn node_detail(kind: &str, spec: Option<Object<'_>>) -> String {
    let sub = match kind {
        "Action" | "Condition" => spec.and_then(|spec| {
            let target = string_of(spec, "kind")?;
            let ty = spec
                .get("spec")
                .and_then(Value::as_object)
                .and_then(|inner| string_of(inner, "type"));
            Some(match ty {
                Some(ty) => format!("{target} {ty}"),
                None => target.to_owned(),
            })
        }),
        "Message" | "Template" => spec
            .and_then(|spec| string_of(spec, "kind"))
            .map(str::to_owned),
        _ => None,
    };
    match sub {
        Some(sub) if !sub.is_empty() => format!("{kind} · {sub}"),
        _ => kind.to_owned(),
    }
}

/// Name and detail of a trigger, legacy (`repoUrl`, `branchRestrictions`, `prRestrictions`) or
/// typed (`kind`, `spec.vcs.repoUrl`, `spec.branchNamePatterns`, `spec.cron`).
fn trigger_label(trigger: Object<'_>) -> (String, Option<String>) {
    let reference = string_of(trigger, "ref").filter(|r| !r.is_empty());
    let mut parts = Vec::new();
    let name = match string_of(trigger, "kind").filter(|k| !k.is_empty()) {
        Some(kind) => {
            let spec = trigger.get("spec").and_then(Value::as_object);
            if reference.is_some() {
                parts.push(kind.to_owned());
            }
            if let Some(spec) = spec {
                let repo = spec
                    .get("vcs")
                    .and_then(Value::as_object)
                    .and_then(|vcs| string_of(vcs, "repoUrl"));
                parts.extend(repo.map(short_repo));
                // `branchNamePatterns` is a list, or `{enabled, names}` for PR-label triggers.
                let branches = spec.get("branchNamePatterns").and_then(|patterns| {
                    patterns.as_array().or_else(|| {
                        patterns
                            .as_object()
                            .and_then(|o| o.get("names"))
                            .and_then(Value::as_array)
                    })
                });
                parts.extend(rules("branches", branches));
                parts.extend(rules(
                    "labels",
                    spec.get("labelNamePatterns").and_then(Value::as_array),
                ));
                parts.extend(string_of(spec, "cron").map(|cron| format!("cron: {cron}")));
            }
            reference.unwrap_or(kind).to_owned()
        }
        None => {
            let repo = string_of(trigger, "repoUrl").map(short_repo);
            parts.extend(repo.clone());
            parts.extend(rules(
                "branches",
                trigger.get("branchRestrictions").and_then(Value::as_array),
            ));
            parts.extend(rules(
                "PRs",
                trigger.get("prRestrictions").and_then(Value::as_array),
            ));
            reference
                .map(str::to_owned)
                .or(repo)
                .unwrap_or_else(|| "trigger".to_owned())
        }
    };
    let detail = (!parts.is_empty()).then(|| parts.join(" · "));
    (name, detail)
}

/// `branches: main, feature/*` from a list of rule strings (`none` when empty).
fn rules(label: &str, list: Option<nfls_syntax::Array<'_>>) -> Option<String> {
    let list = list?;
    let items: Vec<&str> = list.elements().filter_map(Value::as_str).collect();
    Some(if items.is_empty() {
        format!("{label}: none")
    } else {
        format!("{label}: {}", items.join(", "))
    })
}

/// `github.com/org/repo` from `https://github.com/org/repo.git`.
fn short_repo(url: &str) -> String {
    let url = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or(url);
    let url = url.trim_end_matches('/');
    url.strip_suffix(".git").unwrap_or(url).to_owned()
}

/// What an argument holds, briefly: its string value, a scalar as written, or the
/// `description` of an object-form argument.
fn argument_detail(value: Value<'_>) -> Option<String> {
    let text = match value.kind() {
        NodeKind::String => value.as_str()?.to_owned(),
        NodeKind::Number | NodeKind::Bool | NodeKind::Null => value.text().to_owned(),
        NodeKind::Object => value
            .as_object()
            .and_then(|o| string_of(o, "description"))
            .unwrap_or("object")
            .to_owned(),
        NodeKind::Array => "array".to_owned(),
        NodeKind::Error => return None,
    };
    Some(shorten(&text, 60))
}

fn shorten(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

fn plural(count: usize, noun: &str) -> String {
    match count {
        0 => format!("no {noun}s"),
        1 => format!("1 {noun}"),
        n => format!("{n} {noun}s"),
    }
}

fn non_empty(text: &str, fallback: &str) -> String {
    if text.is_empty() {
        fallback.to_owned()
    } else {
        text.to_owned()
    }
}

fn string_of<'t>(object: Object<'t>, key: &str) -> Option<&'t str> {
    object.get(key).and_then(Value::as_str)
}

fn string_value<'t>(object: Object<'t>, key: &str) -> Option<Value<'t>> {
    object.get(key).filter(|v| v.kind() == NodeKind::String)
}
