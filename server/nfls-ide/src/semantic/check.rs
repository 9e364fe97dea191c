//! Resolution and checks: index the definitions, collect the uses inside expressions, resolve
//! them per scope, check execution order, and turn all of it into diagnostics with fixes.

use std::collections::HashMap;

use nfls_expr::{ExprKind, Path, Root};
use nfls_schema::suggest;
use nfls_syntax::{Member, NodeKind, Object, TextRange, Tree};

use super::outputs::{self, ANY_NAME, INDEX, OutputField};
use super::{
    DefKind, Flow, Model, Namespace, NodeIndex, OrderProblem, Phase, ScopeId, Use, WorkflowNode,
    line_of,
};
use crate::diagnostic::{Diagnostic, Severity};
use crate::types::{Fix, TextEdit};

/// The roots an expression may start with.
pub(crate) const ROOTS: [&str; 5] = ["args", "refs", "fn", "secrets", "template"];

/// Indexes definitions, resolves every use and returns every semantic diagnostic.
pub(super) fn check(model: &mut Model, tree: &Tree) -> Vec<Diagnostic> {
    let text = tree.text();
    let mut out = Vec::new();
    index_definitions(model);
    collect_expressions(model, &mut out);
    model.uses.sort_by_key(|u| (u.range.start, u.range.end));
    resolve(model);
    check_order(model);
    report_uses(model, &mut out);
    report_duplicates(model, text, &mut out);
    report_argument_overrides(model, tree, &mut out);
    out
}

fn index_definitions(model: &mut Model) {
    model.symbols.clear();
    for (id, def) in model.definitions.iter().enumerate() {
        model
            .symbols
            .entry((def.scope, def.namespace, def.name.clone()))
            .or_default()
            .push(id as u32);
    }
    let defs = &model.definitions;
    for ids in model.symbols.values_mut() {
        // Document order, built-ins (no range) last.
        ids.sort_by_key(|&id| {
            let range = defs[id as usize].range;
            (range.is_none(), range.map_or(0, |r| r.start))
        });
    }
    model.def_order = (0..defs.len() as u32)
        .filter(|&id| defs[id as usize].range.is_some())
        .collect();
    model
        .def_order
        .sort_by_key(|&id| defs[id as usize].range.map_or(0, |r| r.start));
}

fn range(span: nfls_expr::Span) -> TextRange {
    TextRange::new(span.start, span.end)
}

/// Expression problems, function checks, unknown roots, and a [`Use`] for every name.
fn collect_expressions(model: &mut Model, out: &mut Vec<Diagnostic>) {
    let mut uses = Vec::new();
    for (index, string) in model.strings.iter().enumerate() {
        for problem in string.parsed.problems() {
            let code = problem.code.as_str();
            if code.starts_with("json/") {
                continue;
            }
            out.push(Diagnostic::new(
                range(problem.span),
                Severity::Error,
                code,
                problem.message.clone(),
            ));
        }
        for interpolation in string.parsed.interpolations() {
            let Some(expr) = &interpolation.expr else {
                continue;
            };
            // Expressions nest at most `nfls_expr::MAX_DEPTH` deep; a stack anyway.
            let mut stack = vec![(expr, false)];
            while let Some((expr, in_call)) = stack.pop() {
                match &expr.kind {
                    ExprKind::Path(path) => path_use(
                        path,
                        index as u32,
                        string.scope,
                        string.owner,
                        in_call,
                        &mut uses,
                        out,
                    ),
                    ExprKind::Call(call) => {
                        check_call(call, out);
                        stack.extend(call.args.iter().rev().map(|arg| (arg, true)));
                    }
                    ExprKind::Lambda(lambda) => {
                        if let Some(body) = &lambda.body {
                            stack.push((body, in_call));
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    model.uses.extend(uses);
}

fn check_call(call: &nfls_expr::Call, out: &mut Vec<Diagnostic>) {
    if call.name.is_empty() {
        return; // the parser reports the missing name
    }
    if call.info().is_none() {
        let names = nfls_expr::functions::all().map(|f| f.name);
        let suggestion = suggest(&call.name, names);
        let mut message = format!("`fn.{}` is not a known function", call.name);
        let mut diagnostic_fixes = Vec::new();
        if let Some(better) = suggestion {
            message.push_str(&format!("; did you mean `fn.{better}`?"));
            diagnostic_fixes.push(replace_fix(range(call.name_span), better));
        }
        let mut diagnostic = Diagnostic::new(
            range(call.name_span),
            Severity::Error,
            "expr/unknown-function",
            message,
        );
        diagnostic.fixes = diagnostic_fixes;
        out.push(diagnostic);
    } else if let Some(message) = call.arity_error() {
        out.push(Diagnostic::new(
            range(call.name_span),
            Severity::Error,
            "expr/arity",
            message,
        ));
    }
}

fn replace_fix(at: TextRange, with: &str) -> Fix {
    Fix {
        title: format!("Change to `{with}`"),
        edits: vec![TextEdit::replace(at, with)],
        preferred: true,
    }
}

fn path_use(
    path: &Path,
    string: u32,
    scope: ScopeId,
    owner: Option<NodeIndex>,
    in_call: bool,
    uses: &mut Vec<Use>,
    out: &mut Vec<Diagnostic>,
) {
    let namespace = match path.root {
        Root::Args => Namespace::Arg,
        Root::Refs => Namespace::Ref,
        Root::Secrets => Namespace::Secret,
        Root::Param => return,
        Root::Unknown => {
            if !path.root_name.is_empty() {
                out.push(unknown_root(path));
            }
            return;
        }
    };
    let Some(name) = path.name().filter(|n| !n.name.is_empty()) else {
        return; // the parser reports the missing name
    };
    uses.push(Use {
        namespace,
        name: name.name.clone(),
        range: range(name.span),
        scope,
        template: path.is_template(),
        template_range: path.template.map(range),
        root_range: Some(range(path.root_span)),
        resolved_scope: None,
        target: None,
        string: Some(string),
        owner,
        in_call,
        order: None,
        output_path: path
            .output_path()
            .iter()
            .map(|s| (s.name.clone(), range(s.span)))
            .collect(),
    });
}

fn unknown_root(path: &Path) -> Diagnostic {
    let name = &path.root_name;
    let at = range(path.root_span);
    let mut message = format!(
        "`{name}` is not an expression root: expressions start with `args`, `refs`, `fn`, `secrets` or `template`"
    );
    let suggestion = suggest(name, ROOTS.iter().copied());
    match suggestion {
        Some(better) => message.push_str(&format!("; did you mean `{better}`?")),
        None => message.push_str(
            " (what the platform does with it is unconfirmed; write `\\\\${` in JSON for a literal `${`)",
        ),
    }
    let mut diagnostic = Diagnostic::new(at, Severity::Warning, "expr/unknown-root", message);
    if let Some(better) = suggestion {
        diagnostic.fixes.push(replace_fix(at, better));
    }
    diagnostic
}

/// Fills `resolved_scope`, `target` and (for `template.`) the owner in the enclosing scope.
fn resolve(model: &mut Model) {
    let Model {
        scopes,
        uses,
        symbols,
        ..
    } = model;
    for u in uses.iter_mut() {
        let scope = &scopes[u.scope as usize];
        if u.template {
            u.resolved_scope = scope.parent;
            u.owner = scope.container;
        } else {
            u.resolved_scope = Some(u.scope);
        }
        if u.namespace == Namespace::Secret {
            continue;
        }
        u.target = u.resolved_scope.and_then(|s| {
            symbols
                .get(&(s, u.namespace, u.name.clone()))
                .and_then(|ids| ids.first().copied())
        });
    }
}

/// Order problems of every ref to a node, swept in node order with one ancestor chain.
fn check_order(model: &mut Model) {
    let mut items: Vec<(NodeIndex, NodeIndex, usize)> = Vec::new();
    for (i, u) in model.uses.iter().enumerate() {
        let (Some(owner), Some(target)) = (u.owner, u.target) else {
            continue;
        };
        if let DefKind::Node(node) = model.definitions[target as usize].kind {
            items.push((owner, node, i));
        }
    }
    items.sort_unstable();
    let nodes = &model.nodes;
    let contains = |a: NodeIndex, b: NodeIndex| a <= b && b <= nodes[a as usize].last_descendant;
    let mut chain: Vec<NodeIndex> = Vec::new();
    for (owner, target, use_index) in items {
        if chain.last() != Some(&owner) {
            while chain.last().is_some_and(|&top| !contains(top, owner)) {
                chain.pop();
            }
            let stop = chain.last().copied();
            let start = chain.len();
            let mut cur = Some(owner);
            while let Some(node) = cur {
                if Some(node) == stop {
                    break;
                }
                chain.push(node);
                cur = nodes[node as usize].parent;
            }
            chain[start..].reverse();
        }
        model.uses[use_index].order = order_problem(nodes, &chain, target);
    }
}

/// See [`Model::order_problem`].
pub(super) fn order_problem(
    nodes: &[WorkflowNode],
    chain: &[NodeIndex],
    target: NodeIndex,
) -> Option<OrderProblem> {
    let user = *chain.last()?;
    if target == user {
        return Some(OrderProblem::Own);
    }
    let (u, t) = (&nodes[user as usize], &nodes[target as usize]);
    if u.scope != t.scope {
        return None;
    }
    if u.phase != t.phase {
        // Teardown sees the whole setup run; the setup never sees teardown.
        return (t.phase == Phase::Teardown).then_some(OrderProblem::Teardown);
    }
    let contains = |a: NodeIndex, b: NodeIndex| a <= b && b <= nodes[a as usize].last_descendant;
    if contains(user, target) {
        return Some(OrderProblem::Descendant);
    }
    if contains(target, user) {
        return Some(OrderProblem::Ancestor);
    }
    // Ancestors on the chain contain the target down to the common workflow, then stop.
    let k = chain.partition_point(|&a| contains(a, target));
    if k == 0 || k >= chain.len() {
        return None;
    }
    let common = chain[k - 1];
    let toward_user = chain[k];
    let direct = t.parent == Some(common);
    match nodes[common as usize].flow {
        // In pre-order, everything in an earlier step comes before the user's step.
        Some(Flow::Sequential) => {
            (target > toward_user).then_some(OrderProblem::LaterStep { direct })
        }
        Some(Flow::Parallel) => Some(OrderProblem::ParallelSibling { direct }),
        _ => None,
    }
}

fn order_message(problem: OrderProblem, name: &str) -> String {
    match problem {
        OrderProblem::Own => {
            format!("`{name}` is this node's own ref: a node cannot use its own output")
        }
        OrderProblem::Ancestor => format!(
            "`{name}` is the ref of a workflow that contains this node: a workflow has no output until all its steps have run"
        ),
        OrderProblem::Descendant => format!(
            "`{name}` is defined inside this workflow: its steps have not run when the workflow's own fields are read"
        ),
        OrderProblem::LaterStep { direct: true } => {
            format!("`{name}` is defined by a later step of this sequential workflow")
        }
        OrderProblem::LaterStep { direct: false } => {
            format!("`{name}` is defined inside a later step of this sequential workflow")
        }
        OrderProblem::ParallelSibling { direct: true } => format!(
            "`{name}` is defined by a sibling in the same parallel workflow: parallel steps cannot use each other's outputs"
        ),
        OrderProblem::ParallelSibling { direct: false } => format!(
            "`{name}` is defined inside a sibling step of the same parallel workflow: parallel steps cannot use each other's outputs"
        ),
        OrderProblem::Teardown => format!(
            "`{name}` is defined in `teardownSpec`, which runs only after (and apart from) the setup workflow"
        ),
    }
}

/// "no node or trigger in this release flow has this ref", per scope kind.
fn holders(model: &Model, scope: ScopeId) -> &'static str {
    if model.scopes[scope as usize].kind == nfls_schema::DocumentKind::Template {
        "node"
    } else {
        "node or trigger"
    }
}

fn report_uses(model: &Model, out: &mut Vec<Diagnostic>) {
    let mut suggestions = Suggestions::default();
    for u in &model.uses {
        if u.template && u.resolved_scope.is_none() {
            let at = u.template_range.unwrap_or(u.range);
            out.push(Diagnostic::new(
                at,
                Severity::Warning,
                "expr/template-outside-nested",
                format!(
                    "`template.` reaches the template that holds a nested document, but this {} is not nested in one",
                    model.scopes[u.scope as usize].label()
                ),
            ));
            continue;
        }
        match u.namespace {
            Namespace::Secret => {}
            Namespace::Ref => report_ref(model, u, &mut suggestions, out),
            Namespace::Arg => report_arg(model, u, &mut suggestions, out),
        }
    }
}

/// The name of `name`'s namespace in the scope above, for "write `template.…`" advice.
fn in_parent(model: &Model, u: &Use) -> bool {
    if u.template {
        return false;
    }
    model.scopes[u.scope as usize]
        .parent
        .is_some_and(|parent| !model.lookup(parent, u.namespace, &u.name).is_empty())
}

fn template_fix(u: &Use, what: &str) -> Option<Fix> {
    let root = u.root_range?;
    Some(Fix {
        title: format!("Use the enclosing template's `{what}` (`template.` prefix)"),
        edits: vec![TextEdit::insert(root.start, "template.")],
        preferred: true,
    })
}

/// Did-you-mean answers, cached per scope and name: a big document repeats the same few
/// unknown names many times, and each answer compares against every name of the scope. Names
/// are borrowed from the model.
#[derive(Default)]
struct Suggestions<'m> {
    names: HashMap<(ScopeId, Namespace), Vec<Candidate<'m>>>,
    answers: HashMap<(ScopeId, Namespace, &'m str), Option<String>>,
    /// (scope, `spec.name`) → the first node without a `ref` that has that name.
    unnamed: Option<HashMap<(ScopeId, &'m str), NodeIndex>>,
}

/// A name of a scope, with what [`may_be_close`] compares.
struct Candidate<'m> {
    name: &'m str,
    /// Characters, as `suggest` counts them for its threshold.
    chars: usize,
    /// Characters once lower-cased, as `suggest` compares lengths.
    lower_chars: usize,
    counts: Histogram,
}

impl<'m> Candidate<'m> {
    fn new(name: &'m str) -> Candidate<'m> {
        let (counts, lower_chars) = histogram(name);
        Candidate {
            name,
            chars: name.chars().count(),
            lower_chars,
            counts,
        }
    }
}

/// Counts of the lower-cased characters of a name, folded into 64 buckets.
type Histogram = [u8; 64];

/// The histogram of `word` and how many characters it has once lower-cased.
fn histogram(word: &str) -> (Histogram, usize) {
    let mut counts = [0u8; 64];
    let mut length = 0;
    for c in word.chars().flat_map(char::to_lowercase) {
        let bucket = &mut counts[(c as u32 % 64) as usize];
        *bucket = bucket.saturating_add(1);
        length += 1;
    }
    (counts, length)
}

/// Whether `candidate` may be within `suggest`'s edit distance of `word`. Each edit changes
/// the length by at most one, and the character counts by at most 2 in all, so the length
/// difference and half the count difference are lower bounds of the distance (folding
/// characters into buckets only lowers the second): this skips most of a big document's names
/// without computing a distance, and never skips one `suggest` would pick.
fn may_be_close(word: &Candidate, candidate: &Candidate) -> bool {
    let threshold = (word.chars.max(candidate.chars) / 3).clamp(1, 4);
    if word.lower_chars.abs_diff(candidate.lower_chars) > threshold {
        return false;
    }
    // A sum of absolute differences over a fixed-size array: one vector instruction a chunk.
    let mut difference = 0u32;
    for (a, b) in word.counts.iter().zip(&candidate.counts) {
        difference += u32::from(a.abs_diff(*b));
    }
    difference as usize <= 2 * threshold
}

impl<'m> Suggestions<'m> {
    /// A node of `scope` without a `ref` whose `spec.name` is `name` (a ref that was meant to
    /// be there).
    fn unnamed_node(&mut self, model: &'m Model, scope: ScopeId, name: &str) -> Option<NodeIndex> {
        let map = self.unnamed.get_or_insert_with(|| {
            let mut map = HashMap::new();
            for (i, node) in model.nodes.iter().enumerate() {
                if node.ref_def.is_none()
                    && !node.kind.is_empty()
                    && let Some(name) = &node.name
                {
                    map.entry((node.scope, name.as_str()))
                        .or_insert(i as NodeIndex);
                }
            }
            map
        });
        map.get(&(scope, name)).copied()
    }

    fn get(
        &mut self,
        model: &'m Model,
        scope: ScopeId,
        namespace: Namespace,
        word: &'m str,
    ) -> Option<String> {
        let key = (scope, namespace, word);
        if let Some(answer) = self.answers.get(&key) {
            return answer.clone();
        }
        let names = self.names.entry((scope, namespace)).or_insert_with(|| {
            model
                .names_in(scope, namespace)
                .into_iter()
                .map(|id| Candidate::new(&model.definitions[id as usize].name))
                .collect()
        });
        let typed = Candidate::new(word);
        let close = names
            .iter()
            .filter(|candidate| may_be_close(&typed, candidate))
            .map(|candidate| candidate.name);
        let answer = suggest(word, close).map(str::to_owned);
        self.answers.insert(key, answer.clone());
        answer
    }
}

fn report_ref<'m>(
    model: &'m Model,
    u: &'m Use,
    suggestions: &mut Suggestions<'m>,
    out: &mut Vec<Diagnostic>,
) {
    let Some(scope) = u.resolved_scope else {
        return;
    };
    let name = &u.name;
    let Some(target) = u.target else {
        let label = model.scopes[scope as usize].label();
        let holders = holders(model, scope);
        let mut diagnostic = if in_parent(model, u) {
            let mut d = Diagnostic::new(
                u.range,
                Severity::Error,
                "ref/undefined",
                format!(
                    "`{name}` is a ref of the enclosing template, not of this {label}: write `template.refs.{name}` to use it"
                ),
            );
            d.fixes.extend(template_fix(u, name));
            d
        } else {
            let message = if u.template {
                format!(
                    "`{name}` is not defined: no {holders} in the enclosing {label} has this ref"
                )
            } else {
                format!("`{name}` is not defined: no {holders} in this {label} has this ref")
            };
            Diagnostic::new(u.range, Severity::Error, "ref/undefined", message)
        };
        if diagnostic.fixes.is_empty()
            && let Some(better) = suggestions.get(model, scope, Namespace::Ref, name)
        {
            diagnostic
                .message
                .push_str(&format!("; did you mean `{better}`?"));
            diagnostic.fixes.push(replace_fix(u.range, &better));
        }
        if diagnostic.fixes.is_empty()
            && let Some(node) = suggestions.unnamed_node(model, scope, name)
        {
            let node = &model.nodes[node as usize];
            diagnostic.message.push_str(&format!(
                "; the `{}` node named `{name}` has no `ref`: give it one",
                node.kind
            ));
            diagnostic.fixes.push(Fix {
                title: format!("Add `\"ref\": \"{name}\"` to the `{}` node", node.kind),
                edits: vec![TextEdit::insert(
                    node.range.start + 1,
                    format!("\"ref\": \"{name}\", "),
                )],
                preferred: true,
            });
        }
        out.push(diagnostic);
        return;
    };
    let def = &model.definitions[target as usize];
    let table = match def.kind {
        DefKind::Node(node) => {
            if let Some(problem) = u.order {
                let mut message = order_message(problem, name);
                let severity = if u.in_call {
                    message.push_str(
                        " (inside `fn.…` an unresolved ref only counts as false, so the run goes on, but it never sees this output here)",
                    );
                    Severity::Warning
                } else if problem == OrderProblem::Descendant {
                    // When a workflow's own fields (`context`) are resolved is not documented.
                    Severity::Warning
                } else {
                    Severity::Error
                };
                out.push(Diagnostic::new(
                    u.range,
                    severity,
                    "ref/not-run-yet",
                    message,
                ));
            }
            outputs::node_outputs(&model.nodes[node as usize].kind)
                .map(|t| (t, format!("`{}` nodes", model.nodes[node as usize].kind)))
        }
        DefKind::LegacyTrigger => Some((outputs::LEGACY_TRIGGER, "Git triggers".to_owned())),
        _ => None,
    };
    if let Some((table, what)) = table
        && let Some(hint) = output_hint(table, &u.output_path, &what)
    {
        out.push(hint);
    }
}

/// A hint for an output path segment that is a likely typo of a known output.
fn output_hint(
    table: &'static [OutputField],
    path: &[(String, TextRange)],
    what: &str,
) -> Option<Diagnostic> {
    let mut level = table;
    for (segment, at) in path {
        if segment.is_empty() || level.is_empty() {
            return None;
        }
        match outputs::step(level, segment) {
            Some(field) => level = field.children,
            None => {
                let names = level
                    .iter()
                    .map(|f| f.name)
                    .filter(|n| *n != INDEX && *n != ANY_NAME);
                let better = suggest(segment, names)?;
                let mut hint = Diagnostic::new(
                    *at,
                    Severity::Hint,
                    "ref/unknown-output",
                    format!(
                        "`{segment}` is not a known output of {what}; did you mean `{better}`? (the list of known outputs is partial)"
                    ),
                );
                hint.fixes.push(replace_fix(*at, better));
                return Some(hint);
            }
        }
    }
    None
}

fn report_arg<'m>(
    model: &'m Model,
    u: &'m Use,
    suggestions: &mut Suggestions<'m>,
    out: &mut Vec<Diagnostic>,
) {
    if u.target.is_some() {
        return;
    }
    let Some(scope) = u.resolved_scope else {
        return;
    };
    let name = &u.name;
    let whose = if u.template {
        "the enclosing template's `arguments`"
    } else {
        "`arguments`"
    };
    let mut diagnostic = Diagnostic::new(
        u.range,
        Severity::Information,
        "arg/not-in-arguments",
        format!("`{name}` is not in {whose}: it must come from argument overrides or the run"),
    );
    if in_parent(model, u) {
        diagnostic.message.push_str(&format!(
            "; the enclosing template has `{name}`: write `template.args.{name}` to use its value"
        ));
        diagnostic.fixes.extend(template_fix(u, name));
    } else if let Some(better) = suggestions.get(model, scope, Namespace::Arg, name) {
        diagnostic
            .message
            .push_str(&format!("; did you mean `{better}`?"));
        diagnostic.fixes.push(replace_fix(u.range, &better));
    }
    out.push(diagnostic);
}

/// How a definition is called in messages: "the `Build` node", "the Git trigger".
pub(crate) fn describe_definition(model: &Model, def: &super::Definition) -> String {
    match &def.kind {
        DefKind::Node(node) => {
            let kind = &model.nodes[*node as usize].kind;
            if kind.is_empty() {
                "a node".to_owned()
            } else {
                format!("the `{kind}` node")
            }
        }
        DefKind::LegacyTrigger => "the Git trigger".to_owned(),
        DefKind::TypedTrigger(kind) => format!("the `{kind}` trigger"),
        DefKind::Argument => "the argument".to_owned(),
        DefKind::RichInput => "the rich input output".to_owned(),
        DefKind::BuiltinArgument => "the built-in argument".to_owned(),
    }
}

fn is_trigger(kind: &DefKind) -> bool {
    matches!(kind, DefKind::LegacyTrigger | DefKind::TypedTrigger(_))
}

/// A ref defined twice: an error on the later one. A node sharing its ref with a trigger is a
/// warning: Northflank's own preview example does it, and which one `refs.x` means is
/// unconfirmed.
fn report_duplicates(model: &Model, text: &str, out: &mut Vec<Diagnostic>) {
    let mut found = Vec::new();
    for ((_, namespace, name), ids) in &model.symbols {
        if *namespace != Namespace::Ref || ids.len() < 2 {
            continue;
        }
        for (i, &id) in ids.iter().enumerate().skip(1) {
            let later = &model.definitions[id as usize];
            let Some(at) = later.range else { continue };
            // The earlier definition of the same sort (node or trigger), else the first one.
            let same_sort = ids[..i].iter().find(|&&e| {
                is_trigger(&model.definitions[e as usize].kind) == is_trigger(&later.kind)
            });
            let earlier = &model.definitions[*same_sort.unwrap_or(&ids[0]) as usize];
            let Some(earlier_range) = earlier.range else {
                continue;
            };
            let line = line_of(text, earlier_range.start);
            let who = describe_definition(model, earlier);
            found.push(if same_sort.is_some() {
                Diagnostic::new(
                    at,
                    Severity::Error,
                    "ref/duplicate",
                    format!("`{name}` is already the ref of {who} at line {line}"),
                )
            } else {
                Diagnostic::new(
                    at,
                    Severity::Warning,
                    "ref/duplicate",
                    format!(
                        "`{name}` is also the ref of {who} at line {line}: which one `refs.{name}` means is unconfirmed (here: the first)"
                    ),
                )
            });
        }
    }
    found.sort_by_key(|d| d.range.start);
    out.extend(found);
}

fn report_argument_overrides(model: &Model, tree: &Tree, out: &mut Vec<Diagnostic>) {
    for scope in &model.scopes {
        let Some(document) = tree.value(scope.document).as_object() else {
            continue;
        };
        for member in document
            .members()
            .filter(|m| m.key() == "argumentOverrides")
        {
            let empty = member.value().is_some_and(|v| {
                v.kind() == NodeKind::Object && v.as_object().is_some_and(Object::is_empty)
            });
            let (severity, message) = if empty {
                (
                    Severity::Hint,
                    "`argumentOverrides` is empty: the platform never writes it to Git (it holds secrets), so it can go",
                )
            } else {
                (
                    Severity::Warning,
                    "the platform never writes `argumentOverrides` to Git: they hold secrets — move them to the platform",
                )
            };
            let mut diagnostic = Diagnostic::new(
                member.key_range(),
                severity,
                "secret/argument-overrides",
                message,
            );
            diagnostic.fixes.push(Fix {
                title: "Remove `argumentOverrides`".to_owned(),
                edits: vec![remove_member(document, member)],
                preferred: true,
            });
            out.push(diagnostic);
        }
    }
}

/// The edit that deletes `member` from `object`, with one adjacent comma, so the JSON stays
/// valid: up to the next member when there is one, else from the end of the previous one.
pub(crate) fn remove_member(object: Object<'_>, member: Member<'_>) -> TextEdit {
    let index = member.index();
    let next = object.members().nth(index + 1);
    let at = if let Some(next) = next {
        TextRange::new(member.range().start, next.key_range().start)
    } else if let Some(previous) = index.checked_sub(1).and_then(|i| object.members().nth(i)) {
        TextRange::new(previous.range().end, member.range().end)
    } else {
        TextRange::new(object.value().range().start + 1, member.range().end)
    };
    TextEdit::replace(at, "")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every name `suggest` would pick for a word passes the [`may_be_close`] prefilter: one
    /// to four edits (insertions, deletions, substitutions, transpositions, case changes) of
    /// names of several lengths and scripts. And the filter does filter.
    #[test]
    fn the_prefilter_keeps_every_name_suggest_would_pick() {
        let names = [
            "a",
            "db",
            "api",
            "build",
            "postgres",
            "frontend-service",
            "Ünïcödé-Nämé",
            "İstanbul",
            "very_long_reference_name_42",
        ];
        let edits: [fn(&mut Vec<char>, usize); 5] = [
            |w, i| w.insert(i % (w.len() + 1), 'x'),
            |w, i| {
                if !w.is_empty() {
                    w.remove(i % w.len());
                }
            },
            |w, i| {
                if !w.is_empty() {
                    let at = i % w.len();
                    w[at] = if w[at] == 'q' { 'z' } else { 'q' };
                }
            },
            |w, i| {
                if w.len() >= 2 {
                    let at = i % (w.len() - 1);
                    w.swap(at, at + 1);
                }
            },
            |w, i| {
                if !w.is_empty() {
                    let at = i % w.len();
                    let upper: Vec<char> = w[at].to_uppercase().collect();
                    w.splice(at..=at, upper);
                }
            },
        ];
        let (mut checked, mut kept, mut skipped) = (0, 0, 0);
        for name in names {
            let mut words = vec![name.chars().collect::<Vec<char>>()];
            for round in 0..4 {
                let mut next = Vec::new();
                for word in &words {
                    for (e, edit) in edits.iter().enumerate() {
                        let mut edited = word.clone();
                        edit(&mut edited, round * 7 + e * 3 + 1);
                        next.push(edited);
                    }
                }
                words.extend(next);
                words.sort();
                words.dedup();
            }
            for word in &words {
                let word: String = word.iter().collect();
                for other in names {
                    checked += 1;
                    let picked = suggest(&word, [other]).is_some();
                    let close = may_be_close(&Candidate::new(&word), &Candidate::new(other));
                    assert!(
                        !picked || close,
                        "`{word}` → `{other}` is a suggestion the prefilter drops"
                    );
                    if close {
                        kept += 1;
                    } else {
                        skipped += 1;
                    }
                }
            }
        }
        assert!(checked > 5_000, "{checked} pairs");
        assert!(kept > 0 && skipped > kept, "kept {kept}, skipped {skipped}");
    }
}
