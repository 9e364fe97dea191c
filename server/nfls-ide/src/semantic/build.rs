//! The walk that builds the model: scopes, nodes, definitions and parsed strings, with one
//! explicit stack per scope and nested documents queued as scopes of their own.

use std::collections::VecDeque;

use nfls_expr::parse_string_literal;
use nfls_schema::DocumentKind;
use nfls_syntax::{NodeKind, Tree, Value};

use super::{
    DefKind, Definition, ExprString, Flow, Model, Namespace, NodeIndex, Phase, Scope, ScopeId,
    ScopeOrigin, Use, WorkflowNode,
};

/// What the format expects at a value, which decides how its content is read.
#[derive(Clone, Copy, Debug)]
enum Role {
    /// Anything: strings with `${` are parsed, containers are walked.
    Generic,
    /// A scope's document object; `resource_fields`: the document is a `WorkflowTemplate` or
    /// `PreviewBlueprint` node's `spec`, whose resource fields belong to the parent.
    Document {
        resource_fields: bool,
    },
    /// A place where a node goes (`spec`, a step).
    NodeSlot {
        parent: Option<NodeIndex>,
    },
    /// The `spec` of a workflow (`steps`) or of a node that holds documents or names refs.
    NodeSpec {
        node: NodeIndex,
    },
    Steps {
        node: NodeIndex,
    },
    Teardown,
    Arguments,
    Triggers,
    RichInputs,
    Stages {
        node: NodeIndex,
    },
    Stage {
        node: NodeIndex,
    },
    /// `{kind, spec}` whose `spec` is a document (`releaseFlow`, `preview`, `Template.spec`).
    Holder {
        node: NodeIndex,
        kind: Option<DocumentKind>,
        origin: ScopeOrigin,
    },
}

struct Frame<'t> {
    value: Value<'t>,
    role: Role,
    owner: Option<NodeIndex>,
    phase: Phase,
}

struct Pending<'t> {
    document: Value<'t>,
    kind: DocumentKind,
    origin: ScopeOrigin,
    parent: ScopeId,
    container: NodeIndex,
}

/// Builds scopes, nodes, definitions, parsed strings and plain uses. Resolution and checks
/// happen in `check`.
pub(super) fn build(tree: &Tree, kind: DocumentKind) -> Model {
    let mut model = Model::default();
    let Some(root) = tree.root().filter(|root| root.kind() == NodeKind::Object) else {
        return model;
    };
    let mut queue = VecDeque::new();
    let mut stack = Vec::new();
    walk_scope(
        &mut model,
        &mut queue,
        &mut stack,
        root,
        kind,
        ScopeOrigin::File,
        None,
    );
    while let Some(pending) = queue.pop_front() {
        walk_scope(
            &mut model,
            &mut queue,
            &mut stack,
            pending.document,
            pending.kind,
            pending.origin,
            Some((pending.parent, pending.container)),
        );
    }
    finish_nodes(&mut model);
    add_builtins(&mut model);
    model.strings.sort_by_key(|s| s.range.start);
    model
}

fn has_triggers(kind: DocumentKind) -> bool {
    !matches!(kind, DocumentKind::Template)
}

fn is_preview(kind: DocumentKind) -> bool {
    matches!(
        kind,
        DocumentKind::PreviewTemplate | DocumentKind::PreviewBlueprint
    )
}

fn walk_scope<'t>(
    model: &mut Model,
    queue: &mut VecDeque<Pending<'t>>,
    stack: &mut Vec<Frame<'t>>,
    document: Value<'t>,
    kind: DocumentKind,
    origin: ScopeOrigin,
    parent: Option<(ScopeId, NodeIndex)>,
) {
    let scope = model.scopes.len() as ScopeId;
    model.scopes.push(Scope {
        kind,
        origin,
        document: document.id(),
        range: document.range(),
        parent: parent.map(|p| p.0),
        container: parent.map(|p| p.1),
    });
    stack.clear();
    stack.push(Frame {
        value: document,
        role: Role::Document {
            resource_fields: matches!(
                origin,
                ScopeOrigin::WorkflowTemplate | ScopeOrigin::PreviewBlueprint
            ),
        },
        owner: None,
        phase: Phase::Setup,
    });
    while let Some(frame) = stack.pop() {
        visit(model, queue, stack, scope, kind, frame);
    }
}

/// Pushes the members' values (or the elements) of a container so that they pop in document
/// order, each with the role `role_of` gives it.
fn push_children<'t>(
    stack: &mut Vec<Frame<'t>>,
    value: Value<'t>,
    owner: Option<NodeIndex>,
    phase: Phase,
    mut role_of: impl FnMut(Option<&str>) -> Option<Role>,
) {
    if let Some(object) = value.as_object() {
        for member in object.members().rev() {
            let (Some(child), Some(role)) = (member.value(), role_of(Some(member.key()))) else {
                continue;
            };
            stack.push(Frame {
                value: child,
                role,
                owner,
                phase,
            });
        }
    } else if let Some(array) = value.as_array() {
        for child in array.elements().rev() {
            if let Some(role) = role_of(None) {
                stack.push(Frame {
                    value: child,
                    role,
                    owner,
                    phase,
                });
            }
        }
    }
}

fn visit<'t>(
    model: &mut Model,
    queue: &mut VecDeque<Pending<'t>>,
    stack: &mut Vec<Frame<'t>>,
    scope: ScopeId,
    kind: DocumentKind,
    frame: Frame<'t>,
) {
    let Frame {
        value,
        role,
        owner,
        phase,
    } = frame;
    let generic = |_: Option<&str>| Some(Role::Generic);
    match role {
        Role::Generic => match value.kind() {
            NodeKind::String => record_string(model, scope, owner, value),
            NodeKind::Object | NodeKind::Array => {
                push_children(stack, value, owner, phase, generic)
            }
            _ => {}
        },
        Role::Document { resource_fields } => {
            push_children(stack, value, None, Phase::Setup, |key| {
                if resource_fields && key.is_some_and(is_resource_field) {
                    return None; // walked with the parent scope
                }
                Some(match key {
                    Some("spec") => Role::NodeSlot { parent: None },
                    Some("teardownSpec") => Role::Teardown,
                    Some("arguments") => Role::Arguments,
                    Some("triggers") if has_triggers(kind) => Role::Triggers,
                    Some("richInputs") => Role::RichInputs,
                    _ => Role::Generic,
                })
            });
        }
        Role::Teardown => {
            // Only the `spec` member runs; the rest (`failurePolicy`) is plain content.
            if let Some(object) = value.as_object() {
                for member in object.members().rev() {
                    let Some(child) = member.value() else {
                        continue;
                    };
                    let (role, phase) = if member.key() == "spec" {
                        (Role::NodeSlot { parent: None }, Phase::Teardown)
                    } else {
                        (Role::Generic, Phase::Setup)
                    };
                    stack.push(Frame {
                        value: child,
                        role,
                        owner: None,
                        phase,
                    });
                }
            }
        }
        Role::Arguments => {
            if let Some(object) = value.as_object() {
                for member in object.members() {
                    model.definitions.push(Definition {
                        namespace: Namespace::Arg,
                        kind: DefKind::Argument,
                        name: member.key().to_owned(),
                        scope,
                        range: Some(member.key_content_range()),
                        value: member.value().map(Value::id),
                    });
                }
            }
            push_children(stack, value, None, phase, generic);
        }
        Role::Triggers => {
            if let Some(array) = value.as_array() {
                for trigger in array.elements() {
                    let Some(object) = trigger.as_object() else {
                        continue;
                    };
                    let Some(name) = object.get("ref").filter(|v| v.kind() == NodeKind::String)
                    else {
                        continue;
                    };
                    let def_kind = match object.get("kind").and_then(Value::as_str) {
                        Some(typed) => DefKind::TypedTrigger(typed.to_owned()),
                        None => DefKind::LegacyTrigger,
                    };
                    define_ref(model, scope, def_kind, name, Some(trigger));
                }
            }
            push_children(stack, value, None, phase, generic);
        }
        Role::RichInputs => {
            if let Some(array) = value.as_array() {
                for input in array.elements() {
                    let outputs = input
                        .as_object()
                        .and_then(|o| o.get("spec"))
                        .and_then(Value::as_object)
                        .and_then(|o| o.get("outputs"))
                        .and_then(Value::as_object);
                    for member in outputs.into_iter().flat_map(|o| o.members()) {
                        let Some(name_value) = member.value() else {
                            continue;
                        };
                        let Some(name) = name_value.as_str().filter(|n| is_plain_name(n)) else {
                            continue;
                        };
                        let Some(range) = name_value.string_content_range() else {
                            continue;
                        };
                        model.definitions.push(Definition {
                            namespace: Namespace::Arg,
                            kind: DefKind::RichInput,
                            name: name.to_owned(),
                            scope,
                            range: Some(range),
                            value: Some(name_value.id()),
                        });
                    }
                }
            }
            push_children(stack, value, None, phase, generic);
        }
        Role::NodeSlot { parent } => {
            if value.kind() != NodeKind::Object {
                stack.push(Frame {
                    value,
                    role: Role::Generic,
                    owner: parent,
                    phase,
                });
                return;
            }
            let node = add_node(model, scope, parent, phase, value);
            let node_kind = model.nodes[node as usize].kind.clone();
            push_children(stack, value, Some(node), phase, |key| match key {
                Some("ref" | "kind") => None,
                Some("spec") => Some(spec_role(&node_kind, node)),
                _ => Some(Role::Generic),
            });
        }
        Role::NodeSpec { node } => {
            let node_kind = model.nodes[node as usize].kind.clone();
            match node_kind.as_str() {
                "WorkflowTemplate" | "PreviewBlueprint" => {
                    if let Some(object) = value.as_object() {
                        // The resource's own fields are resolved by the parent when the node
                        // runs; the rest is the nested document.
                        for member in object.members().rev() {
                            if let Some(child) = member.value()
                                && is_resource_field(member.key())
                            {
                                push_generic(stack, child, owner, phase);
                            }
                        }
                        let (doc_kind, origin) = if node_kind == "WorkflowTemplate" {
                            (DocumentKind::Workflow, ScopeOrigin::WorkflowTemplate)
                        } else {
                            (
                                DocumentKind::PreviewBlueprint,
                                ScopeOrigin::PreviewBlueprint,
                            )
                        };
                        queue.push_back(Pending {
                            document: value,
                            kind: doc_kind,
                            origin,
                            parent: scope,
                            container: node,
                        });
                    } else {
                        push_generic(stack, value, owner, phase);
                    }
                }
                "Template" => {
                    let inner = value
                        .as_object()
                        .and_then(|o| o.get("kind"))
                        .and_then(Value::as_str);
                    let doc_kind = match inner {
                        Some("ReleaseFlow") => Some(DocumentKind::ReleaseFlow),
                        Some("PreviewEnv") => Some(DocumentKind::PreviewTemplate),
                        Some("ResourceTemplate") | None => Some(DocumentKind::Template),
                        Some(_) => None,
                    };
                    stack.push(Frame {
                        value,
                        role: Role::Holder {
                            node,
                            kind: doc_kind,
                            origin: ScopeOrigin::Template,
                        },
                        owner,
                        phase,
                    });
                }
                _ => push_children(stack, value, owner, phase, |key| {
                    Some(match (node_kind.as_str(), key) {
                        ("Workflow" | "LoopWorkflow", Some("steps")) => Role::Steps { node },
                        ("Pipeline", Some("stages")) => Role::Stages { node },
                        ("Pipeline", Some("preview")) => Role::Holder {
                            node,
                            kind: Some(DocumentKind::PreviewTemplate),
                            origin: ScopeOrigin::PipelinePreview,
                        },
                        _ => Role::Generic,
                    })
                }),
            }
            if node_kind == "OpenTofuDestroy"
                && let Some(name) = value.as_object().and_then(|o| o.get("nodeRef"))
            {
                plain_ref_use(model, scope, node, name);
            }
        }
        Role::Steps { node } => {
            if value.kind() == NodeKind::Array {
                push_children(stack, value, Some(node), phase, |_| {
                    Some(Role::NodeSlot { parent: Some(node) })
                });
            } else {
                push_generic(stack, value, owner, phase);
            }
        }
        Role::Stages { node } => {
            // An array of stages, or (leniently) an object whose values are the stages.
            push_children(stack, value, owner, phase, |_| Some(Role::Stage { node }));
        }
        Role::Stage { node } => {
            if value.kind() == NodeKind::Object {
                push_children(stack, value, owner, phase, |key| {
                    Some(match key {
                        Some("releaseFlow") => Role::Holder {
                            node,
                            kind: Some(DocumentKind::ReleaseFlow),
                            origin: ScopeOrigin::PipelineReleaseFlow,
                        },
                        _ => Role::Generic,
                    })
                });
            } else {
                push_generic(stack, value, owner, phase);
            }
        }
        Role::Holder { node, kind, origin } => {
            let Some(object) = value.as_object() else {
                push_generic(stack, value, owner, phase);
                return;
            };
            for member in object.members().rev() {
                let Some(child) = member.value() else {
                    continue;
                };
                match kind {
                    Some(doc_kind)
                        if member.key() == "spec" && child.kind() == NodeKind::Object =>
                    {
                        queue.push_back(Pending {
                            document: child,
                            kind: doc_kind,
                            origin,
                            parent: scope,
                            container: node,
                        });
                    }
                    _ => push_generic(stack, child, owner, phase),
                }
            }
        }
    }
}

/// Fields of a `WorkflowTemplate` / `PreviewBlueprint` node's `spec` that describe the resource
/// the node creates (where it lives, what it is called) rather than the nested document: the
/// parent resolves them when the node runs (UNCONFIRMED; the lenient reading).
fn is_resource_field(key: &str) -> bool {
    matches!(
        key,
        "name" | "description" | "projectId" | "stageId" | "crossProjectAccess"
    )
}

fn push_generic<'t>(
    stack: &mut Vec<Frame<'t>>,
    value: Value<'t>,
    owner: Option<NodeIndex>,
    phase: Phase,
) {
    stack.push(Frame {
        value,
        role: Role::Generic,
        owner,
        phase,
    });
}

/// The role of a node's `spec`: workflows hold steps, some kinds hold documents or name refs.
fn spec_role(kind: &str, node: NodeIndex) -> Role {
    match kind {
        "Workflow" | "LoopWorkflow" | "Pipeline" | "WorkflowTemplate" | "PreviewBlueprint"
        | "Template" | "OpenTofuDestroy" => Role::NodeSpec { node },
        _ => Role::Generic,
    }
}

fn add_node(
    model: &mut Model,
    scope: ScopeId,
    parent: Option<NodeIndex>,
    phase: Phase,
    value: Value<'_>,
) -> NodeIndex {
    let index = model.nodes.len() as NodeIndex;
    let object = value.as_object().expect("callers pass objects");
    let kind = object
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let spec = object.get("spec").and_then(Value::as_object);
    let name = spec
        .and_then(|s| s.get("name"))
        .and_then(Value::as_str)
        .filter(|name| !name.contains("${"))
        .map(str::to_owned);
    let flow = match kind.as_str() {
        "Workflow" => Some(
            match spec.and_then(|s| s.get("type")).and_then(Value::as_str) {
                Some("sequential") => Flow::Sequential,
                Some("parallel") => Flow::Parallel,
                _ => Flow::Unknown,
            },
        ),
        // Loop iterations are not documented; reading the steps as sequential is the guess
        // that matches "steps".
        "LoopWorkflow" => Some(Flow::Sequential),
        _ => None,
    };
    model.nodes.push(WorkflowNode {
        value: value.id(),
        range: value.range(),
        kind,
        name,
        scope,
        parent,
        last_descendant: index,
        phase,
        flow,
        ref_def: None,
    });
    if let Some(name) = object.get("ref").filter(|v| v.kind() == NodeKind::String) {
        let def = define_ref(model, scope, DefKind::Node(index), name, Some(value));
        model.nodes[index as usize].ref_def = def;
    }
    index
}

/// A name that can be used after `refs.` / `args.` and renamed: non-empty, no `${`.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty() && !name.contains("${")
}

fn define_ref(
    model: &mut Model,
    scope: ScopeId,
    kind: DefKind,
    name: Value<'_>,
    value: Option<Value<'_>>,
) -> Option<super::DefId> {
    let text = name.as_str().filter(|n| is_plain_name(n))?;
    let id = model.definitions.len() as super::DefId;
    model.definitions.push(Definition {
        namespace: Namespace::Ref,
        kind,
        name: text.to_owned(),
        scope,
        range: name.string_content_range(),
        value: value.map(Value::id),
    });
    Some(id)
}

/// A ref named by a plain string (`OpenTofuDestroy.spec.nodeRef`), not an expression.
fn plain_ref_use(model: &mut Model, scope: ScopeId, node: NodeIndex, value: Value<'_>) {
    let (Some(name), Some(range)) = (value.as_str(), value.string_content_range()) else {
        return;
    };
    if !is_plain_name(name) {
        return;
    }
    model.uses.push(Use {
        namespace: Namespace::Ref,
        name: name.to_owned(),
        range,
        scope,
        template: false,
        template_range: None,
        root_range: None,
        resolved_scope: None,
        target: None,
        string: None,
        owner: Some(node),
        in_call: false,
        order: None,
        output_path: Vec::new(),
    });
}

fn record_string(model: &mut Model, scope: ScopeId, owner: Option<NodeIndex>, value: Value<'_>) {
    if !value.as_str().is_some_and(|s| s.contains("${")) {
        return;
    }
    let range = value.range();
    let parsed = parse_string_literal(value.text(), range.start);
    model.strings.push(ExprString {
        value: value.id(),
        range,
        scope,
        owner,
        parsed,
    });
}

/// Last descendants: children have higher indices than their parents, so one backwards pass
/// carries each maximum up one level at a time.
fn finish_nodes(model: &mut Model) {
    for i in (0..model.nodes.len()).rev() {
        if let Some(parent) = model.nodes[i].parent {
            let last = model.nodes[i].last_descendant;
            let p = &mut model.nodes[parent as usize];
            p.last_descendant = p.last_descendant.max(last);
        }
    }
}

/// The arguments preview environments get without declaring them. `previewId`'s exact meaning
/// is UNCONFIRMED (used throughout the documentation's examples).
pub(super) const PREVIEW_BUILTINS: [&str; 2] = ["name", "previewId"];

fn add_builtins(model: &mut Model) {
    for scope in 0..model.scopes.len() {
        if !is_preview(model.scopes[scope].kind) {
            continue;
        }
        for name in PREVIEW_BUILTINS {
            model.definitions.push(Definition {
                namespace: Namespace::Arg,
                kind: DefKind::BuiltinArgument,
                name: name.to_owned(),
                scope: scope as ScopeId,
                range: None,
                value: None,
            });
        }
    }
}
