//! The meaning of a document beyond its schema: which refs and arguments exist where (scopes),
//! the `${…}` expressions in its strings, and what follows from them: diagnostics, navigation,
//! rename, and their quick fixes.
//!
//! # Scopes
//!
//! The file is one scope. A release flow or preview template nested in a `Pipeline` node
//! (`stages[].releaseFlow.spec`, `preview.spec`) and the document inside a `WorkflowTemplate`,
//! `PreviewBlueprint` or `Template` node are scopes of their own: their `refs.x` and `args.x`
//! mean their own nodes, triggers and arguments, resolved when *they* run. `template.refs.x` and
//! `template.args.x` inside them reach the enclosing scope, evaluated where the holding node runs.
//!
//! # Execution order
//!
//! Every node of a scope gets a pre-order index (steps in order), its parent workflow and the
//! index of its last descendant, so "may node N read the output of node M" is a containment test
//! plus one binary search over N's ancestor chain at their common workflow: in a sequential
//! workflow M's step must come first, in a parallel one siblings never see each other. Nodes of
//! `teardownSpec` see all of `spec` (the setup run) plus their own earlier steps. Triggers are
//! available everywhere in their document.
//!
//! # Cost
//!
//! [`Model::build`] visits every JSON value once with an explicit stack (never recursing on the
//! input's nesting) and parses only strings containing `${`. Order checks are sorted by node and
//! swept with one ancestor stack, so they cost O(log depth) each. Lookups at an offset are binary
//! searches over vectors sorted by position.

mod build;
mod check;
pub mod outputs;

use std::collections::HashMap;

use nfls_expr::ParsedString;
use nfls_schema::{Classification, DocumentKind};
use nfls_syntax::{NodeId, Parse, TextRange};

use crate::diagnostic::Diagnostic;

pub(crate) use check::{ROOTS, describe_definition as describe};

/// Index into [`Model::scopes`].
pub type ScopeId = u32;
/// Index into [`Model::nodes`]; nodes of one scope are numbered in pre-order.
pub type NodeIndex = u32;
/// Index into [`Model::definitions`].
pub type DefId = u32;

/// Where a scope's document sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScopeOrigin {
    /// The file itself.
    File,
    /// `Pipeline.spec.stages[].releaseFlow.spec`.
    PipelineReleaseFlow,
    /// `Pipeline.spec.preview.spec`.
    PipelinePreview,
    /// The `spec` of a `WorkflowTemplate` node.
    WorkflowTemplate,
    /// The `spec` of a `PreviewBlueprint` node.
    PreviewBlueprint,
    /// `Template.spec.spec`.
    Template,
}

/// One document with its own refs, arguments and triggers.
#[derive(Clone, Debug)]
pub struct Scope {
    pub kind: DocumentKind,
    pub origin: ScopeOrigin,
    /// The document object.
    pub document: NodeId,
    pub range: TextRange,
    /// The enclosing scope, which `template.` reaches.
    pub parent: Option<ScopeId>,
    /// The node of the parent scope that holds this document.
    pub container: Option<NodeIndex>,
}

impl Scope {
    /// "this release flow", "the enclosing template", for messages.
    pub fn label(&self) -> &'static str {
        self.kind.label()
    }
}

/// Whether a node belongs to the setup run (`spec`) or the teardown run (`teardownSpec.spec`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Phase {
    Setup,
    Teardown,
}

/// How a workflow node runs its steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Flow {
    Sequential,
    Parallel,
    /// `type` missing or not a literal `sequential`/`parallel`: no order is assumed.
    Unknown,
}

/// A node (an object at a place where the format expects one: a `spec`, a step).
#[derive(Clone, Debug)]
pub struct WorkflowNode {
    pub value: NodeId,
    pub range: TextRange,
    /// The `kind`, or empty when missing.
    pub kind: String,
    /// `spec.name`, when it is a plain string without `${`.
    pub name: Option<String>,
    pub scope: ScopeId,
    /// The workflow whose `steps` hold this node.
    pub parent: Option<NodeIndex>,
    /// The highest index among this node's descendants (itself when it has none).
    pub last_descendant: NodeIndex,
    pub phase: Phase,
    /// For `Workflow` and `LoopWorkflow` nodes.
    pub flow: Option<Flow>,
    /// The definition its `ref` makes.
    pub ref_def: Option<DefId>,
}

/// What a name belongs to: `refs.X`, `args.X` or `secrets.X`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Namespace {
    Ref,
    Arg,
    Secret,
}

/// What made a definition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DefKind {
    /// A node's `ref`.
    Node(NodeIndex),
    /// A `ref` of a legacy Git trigger (release flows, preview templates).
    LegacyTrigger,
    /// A `ref` of a typed trigger (workflows, preview blueprints); the trigger's `kind`.
    TypedTrigger(String),
    /// A key of `arguments`.
    Argument,
    /// An argument name written by a rich input (`richInputs[].spec.outputs`).
    RichInput,
    /// An argument the platform provides in preview environments (`name`, `previewId`).
    BuiltinArgument,
}

/// A name made available to expressions.
#[derive(Clone, Debug)]
pub struct Definition {
    pub namespace: Namespace,
    pub kind: DefKind,
    pub name: String,
    pub scope: ScopeId,
    /// The defining text: the `ref` string's content, the argument key's content, the rich
    /// input's output string. `None` for built-ins.
    pub range: Option<TextRange>,
    /// The node or trigger object, or the argument's value.
    pub value: Option<NodeId>,
}

/// A use of a name: in an expression (`refs.build`), or a plain ref name (`nodeRef`).
#[derive(Clone, Debug)]
pub struct Use {
    pub namespace: Namespace,
    pub name: String,
    /// Exactly the name (`build` in `refs.build.id`).
    pub range: TextRange,
    /// The scope the use is written in.
    pub scope: ScopeId,
    /// Written `template.…`.
    pub template: bool,
    /// The `template` keyword, when written.
    pub template_range: Option<TextRange>,
    /// The root word (`refs`), where a `template.` prefix would go.
    pub root_range: Option<TextRange>,
    /// The scope the name is looked up in (`None`: `template.` without an enclosing scope).
    pub resolved_scope: Option<ScopeId>,
    /// The first definition of the name in `resolved_scope`.
    pub target: Option<DefId>,
    /// Index into [`Model::strings`]; `None` for plain names such as `nodeRef`.
    pub string: Option<u32>,
    /// The node whose content holds the use (for `template.`: the node holding the scope).
    pub owner: Option<NodeIndex>,
    /// Inside the arguments of a `fn.…` call.
    pub in_call: bool,
    /// Why the referenced node cannot have run yet here.
    pub order: Option<OrderProblem>,
    /// The output path after the name (`ports.0.dns`), decoded, with ranges.
    pub output_path: Vec<(String, TextRange)>,
}

/// Why the node a ref names cannot have produced its output where the ref is used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OrderProblem {
    /// The node uses its own ref.
    Own,
    /// The ref is a workflow that contains the user.
    Ancestor,
    /// The user is a workflow containing the referenced node.
    Descendant,
    /// A later step of a sequential workflow (`direct`: the step itself, not inside it).
    LaterStep { direct: bool },
    /// Another branch of a parallel workflow.
    ParallelSibling { direct: bool },
    /// Defined in `teardownSpec`, used in `spec`.
    Teardown,
}

/// A string value containing `${`, parsed.
#[derive(Clone, Debug)]
pub struct ExprString {
    pub value: NodeId,
    /// The token, quotes included.
    pub range: TextRange,
    pub scope: ScopeId,
    pub owner: Option<NodeIndex>,
    pub parsed: ParsedString,
}

/// Everything semantic about one document version, computed once by `analyze`.
#[derive(Debug, Default)]
pub struct Model {
    scopes: Vec<Scope>,
    nodes: Vec<WorkflowNode>,
    definitions: Vec<Definition>,
    /// Sorted by range.
    uses: Vec<Use>,
    /// Sorted by range.
    strings: Vec<ExprString>,
    /// Definitions with a range, sorted by it.
    def_order: Vec<DefId>,
    /// (scope, namespace, name) → definitions, in document order.
    symbols: HashMap<(ScopeId, Namespace, String), Vec<DefId>>,
    diagnostics: Vec<Diagnostic>,
}

impl Model {
    /// Builds the model of one document version. Linear in the document; never recurses on its
    /// nesting.
    pub fn build(parse: &Parse, classification: &Classification) -> Model {
        let mut model = build::build(&parse.tree, classification.kind);
        model.diagnostics = check::check(&mut model, &parse.tree);
        model
    }

    /// Ref, argument, expression and secret-hygiene diagnostics.
    pub fn diagnostics(&self, _parse: &Parse) -> Vec<Diagnostic> {
        self.diagnostics.clone()
    }

    pub fn scopes(&self) -> &[Scope] {
        &self.scopes
    }
    pub fn scope(&self, id: ScopeId) -> &Scope {
        &self.scopes[id as usize]
    }
    pub fn nodes(&self) -> &[WorkflowNode] {
        &self.nodes
    }
    pub fn node(&self, index: NodeIndex) -> &WorkflowNode {
        &self.nodes[index as usize]
    }
    pub fn definitions(&self) -> &[Definition] {
        &self.definitions
    }
    pub fn definition(&self, id: DefId) -> &Definition {
        &self.definitions[id as usize]
    }
    /// Every use, sorted by position.
    pub fn uses(&self) -> &[Use] {
        &self.uses
    }
    /// Every string holding `${`, sorted by position.
    pub fn strings(&self) -> &[ExprString] {
        &self.strings
    }

    /// The parsed string whose token holds `offset` (its end included).
    pub fn string_at(&self, offset: u32) -> Option<&ExprString> {
        let i = self.strings.partition_point(|s| s.range.start <= offset);
        let candidate = self.strings.get(i.checked_sub(1)?)?;
        candidate
            .range
            .contains_inclusive(offset)
            .then_some(candidate)
    }

    /// The use whose name holds `offset` (either edge included).
    pub fn use_at(&self, offset: u32) -> Option<&Use> {
        let i = self.uses.partition_point(|u| u.range.start <= offset);
        // Names never overlap; two can touch only through a shared edge.
        self.uses[..i]
            .iter()
            .rev()
            .take(2)
            .find(|u| u.range.contains_inclusive(offset))
    }

    /// The definition whose defining text holds `offset` (either edge included).
    pub fn definition_at(&self, offset: u32) -> Option<DefId> {
        let range_of = |id: &DefId| self.definitions[*id as usize].range.unwrap_or_default();
        let i = self
            .def_order
            .partition_point(|id| range_of(id).start <= offset);
        self.def_order[..i]
            .iter()
            .rev()
            .take(2)
            .copied()
            .find(|id| range_of(id).contains_inclusive(offset))
    }

    /// The definitions of `name` in `scope`, in document order (built-ins last).
    pub fn lookup(&self, scope: ScopeId, namespace: Namespace, name: &str) -> &[DefId] {
        // The key needs an owned String; lookups are rare enough (one per query) for that.
        self.symbols
            .get(&(scope, namespace, name.to_owned()))
            .map_or(&[], Vec::as_slice)
    }

    /// The definition names of a namespace in `scope`, each once, in document order.
    pub fn names_in(&self, scope: ScopeId, namespace: Namespace) -> Vec<DefId> {
        let mut out: Vec<DefId> = self
            .symbols
            .iter()
            .filter(|((s, ns, _), _)| *s == scope && *ns == namespace)
            .map(|(_, defs)| defs[0])
            .collect();
        // Document order; built-ins (no range) last, by name.
        out.sort_by(|&a, &b| {
            let (a, b) = (&self.definitions[a as usize], &self.definitions[b as usize]);
            (a.range.is_none(), a.range.map_or(0, |r| r.start), &a.name).cmp(&(
                b.range.is_none(),
                b.range.map_or(0, |r| r.start),
                &b.name,
            ))
        });
        out
    }

    /// The symbol at `offset`: the first definition of the name used or defined there.
    pub fn symbol_at(&self, offset: u32) -> Option<DefId> {
        if let Some(found) = self.use_at(offset) {
            return found.target;
        }
        let id = self.definition_at(offset)?;
        let def = &self.definitions[id as usize];
        self.lookup(def.scope, def.namespace, &def.name)
            .first()
            .copied()
    }

    /// Every definition of the same name as `def` in its scope.
    pub fn same_symbol(&self, def: DefId) -> &[DefId] {
        let d = &self.definitions[def as usize];
        self.lookup(d.scope, d.namespace, &d.name)
    }

    /// Every use that resolves to the symbol of `def`.
    pub fn uses_of(&self, def: DefId) -> impl Iterator<Item = &Use> {
        let d = &self.definitions[def as usize];
        let (scope, namespace, name) = (d.scope, d.namespace, d.name.as_str());
        self.uses.iter().filter(move |u| {
            u.namespace == namespace
                && u.resolved_scope == Some(scope)
                && u.target.is_some()
                && u.name == name
        })
    }

    /// The workflows and nodes from the root of its phase down to `node` (itself included).
    pub fn ancestor_chain(&self, node: NodeIndex) -> Vec<NodeIndex> {
        let mut chain = vec![node];
        let mut cur = node;
        while let Some(parent) = self.nodes[cur as usize].parent {
            chain.push(parent);
            cur = parent;
        }
        chain.reverse();
        chain
    }

    /// Whether the node owning a use whose ancestor chain is `chain` (root first, the owner
    /// last) can read the output of node `target` of the same scope.
    pub fn order_problem(&self, chain: &[NodeIndex], target: NodeIndex) -> Option<OrderProblem> {
        check::order_problem(&self.nodes, chain, target)
    }
}

/// 1-based line of `offset`, counting the line breaks LSP knows (`\n`, `\r\n`, `\r`).
pub(crate) fn line_of(text: &str, offset: u32) -> u32 {
    let bytes = &text.as_bytes()[..(offset as usize).min(text.len())];
    let mut line = 1;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => line += 1,
            b'\r' if bytes.get(i + 1) != Some(&b'\n') => line += 1,
            _ => {}
        }
        i += 1;
    }
    line
}

/// What an expression root means, in Markdown, for hover and completion.
pub(crate) fn root_doc(root: &str) -> &'static str {
    match root {
        "args" => {
            "`args`: the arguments of this document, from `arguments`, overridden by argument overrides and run-time arguments (for release flows, webhook query parameters too): `args.<name>`."
        }
        "refs" => {
            "`refs`: the outputs of this document's nodes and triggers, by their `ref`: `refs.<ref>.<path>`. A node's outputs exist only once it has run."
        }
        "fn" => {
            "`fn`: functions, called as `fn.<name>(…)`; re-evaluated on every run, except `randomSecret`."
        }
        "secrets" => {
            "`secrets`: team-wide global secrets by id, `secrets.<id>`, the same as `fn.fetchSecret('<id>')` (this form is inferred from the documentation)."
        }
        "template" => {
            "`template.`: resolve the rest when the enclosing template runs, not when this nested document runs: `template.refs.<ref>`, `template.args.<name>`, `template.fn.…`."
        }
        _ => "",
    }
}
