//! Node-wise schema validation: the document is checked one unit (workflow node, trigger, rich
//! input) at a time, each against its own kind's definition, and a unit whose text did not
//! change since the last check reuses its result.
//!
//! The document schemas pick a unit's definition with `if {kind: const K} then {$ref: …}` chains
//! ("dispatchers"). Compiling a whole document schema compiles every kind's definition once per
//! dispatcher that reaches it (a template reaches the release-flow, preview-template and
//! preview-blueprint kind sets through its `Pipeline` and `PreviewBlueprint` nodes): about
//! 80 ms and 26 MB for a template. So validation runs on a copy of the schemas in which
//! every dispatcher accepts anything, plus one definition per (dispatcher, kind): the
//! dispatcher's own keywords (the envelope: which kinds may stand there, `ref`, `condition`, …)
//! and that kind's definition. A document is checked as a tree of units: its own fields with
//! its nodes left out (`null`), then each node with the nodes nested in it left out, and so
//! on. Each unit's validator compiles on first use; a [`ValidationCache`] keeps each unit's
//! errors by its text, so a keystroke re-validates only the unit it touched.
//!
//! Where the nested units are (slots) comes from the schemas: every path from a unit's
//! definition to a `$ref` to a dispatcher, such as `spec/steps/[]` of a `Workflow` node.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, Hash, Hasher};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use jsonschema::{ValidationError, Validator};
use nfls_syntax::{NodeId, NodeKind, Value};
use serde_json::{Value as Json, json};

use crate::instance::{Instance, SyntaxJson};

use crate::SchemaSet;
use crate::classify::DocumentKind;

/// How many units compile together when several batches can run side by side (a warm-up
/// beside a first document, or a first document's units on two cores).
const COMPILE_BATCH: usize = 8;

/// Schemas nest only so far; a `$ref` cycle that never reaches a dispatcher stops here.
const MAX_SLOT_DEPTH: usize = 64;

/// The validation copy of the schemas, the units and where they nest.
pub(crate) struct Plan {
    registry: jsonschema::Registry<'static>,
    /// Compiled patterns, shared by every batch (most kinds use the same few patterns).
    patterns: jsonschema::PatternCache,
    dispatchers: Vec<Dispatcher>,
    units: Vec<Unit>,
    /// The unit of each document kind's top level.
    roots: HashMap<DocumentKind, usize>,
}

/// A definition that picks a unit's definition by one property (`kind`).
struct Dispatcher {
    property: String,
    /// Kind → unit.
    kinds: HashMap<String, usize>,
    /// The unit for a value whose kind is missing, not a string, or not one of `kinds`: only
    /// the envelope, which then reports the problem with `kind`.
    envelope: usize,
}

struct Unit {
    /// The unit's definition in the validation registry.
    uri: String,
    slots: Vec<Slot>,
    /// The validator that holds this unit (shared by the units compiled together).
    validator: OnceLock<Arc<Result<Validator<SyntaxJson>, String>>>,
    /// Some thread is compiling this unit (or has): others wait for `validator`.
    claimed: AtomicBool,
}

/// A place inside a unit where a nested unit stands.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Slot {
    path: Vec<Step>,
    dispatcher: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Step {
    Key(String),
    AnyKey,
    AnyIndex,
}

/// Where a dispatcher is: (document `$id`, JSON pointer of the definition).
type Place = (String, String);

/// A dispatcher as [`lay_out`] left it: its content moved to `<name>@dispatch`, a `true` in
/// its place, and a definition per kind.
pub(crate) struct DispatcherLayout {
    /// `$id` of its document.
    id: String,
    /// Its name in `$defs`.
    pub(crate) name: String,
    property: String,
    /// Kind → `$ref` of the kind's definition (relative to the document).
    kinds: Vec<(String, String)>,
}

/// Where [`lay_out`] keeps a dispatcher's own content: `$defs/<name>@dispatch`.
pub(crate) const DISPATCH_SUFFIX: &str = "@dispatch";

/// Rewrites the schema documents into the form validation needs, in place (one copy of the
/// schemas serves validation, hover and completion): every dispatcher's definition becomes
/// `true` and its content moves to `<name>@dispatch` (the features read it from there, see
/// [`crate::lookup`]); each dispatcher gets its bare envelope as `<name>@` and, for each
/// kind, `<name>@<Kind>`: the envelope and the kind's definition, both by `$ref` (the
/// same as writing them out unless the envelope has `unevaluated*`: then it is written out).
/// Annotations stay: the validator skips keywords it does not know.
pub(crate) fn lay_out(documents: &mut HashMap<String, Json>) -> Vec<DispatcherLayout> {
    let mut ids: Vec<String> = documents.keys().cloned().collect();
    ids.sort();
    let mut layout = Vec::new();
    for id in ids {
        let Some(defs) = documents
            .get_mut(&id)
            .and_then(|document| document.get_mut("$defs"))
            .and_then(Json::as_object_mut)
        else {
            continue;
        };
        let found: Vec<DispatcherLayout> = defs
            .iter()
            .filter_map(|(name, definition)| {
                let (property, kinds) = dispatch_of(definition)?;
                Some(DispatcherLayout {
                    id: id.clone(),
                    name: name.clone(),
                    property,
                    kinds,
                })
            })
            .collect();
        for dispatcher in found {
            let (name, kinds) = (&dispatcher.name, &dispatcher.kinds);
            let original = defs
                .insert(name.clone(), Json::Bool(true))
                .unwrap_or_default();
            let envelope = envelope_of(&original);
            let envelope_ref = format!("#/$defs/{}", escape(&format!("{name}@")));
            // `unevaluated*` in the envelope would need to see the kind's properties: then
            // the envelope is written out in each kind's definition instead.
            let inline = ["unevaluatedProperties", "unevaluatedItems"]
                .iter()
                .any(|keyword| envelope.get(keyword).is_some());
            for (kind, target) in kinds {
                let definition = if inline {
                    let mut definition = envelope.clone();
                    if let Some(object) = definition.as_object_mut() {
                        let all = object
                            .entry("allOf")
                            .or_insert_with(|| Json::Array(Vec::new()));
                        if let Some(all) = all.as_array_mut() {
                            all.push(json!({ "$ref": target }));
                        }
                    }
                    definition
                } else {
                    json!({ "allOf": [{ "$ref": envelope_ref }, { "$ref": target }] })
                };
                defs.insert(format!("{name}@{kind}"), definition);
            }
            defs.insert(format!("{name}@"), envelope);
            defs.insert(format!("{name}{DISPATCH_SUFFIX}"), original);
            layout.push(dispatcher);
        }
    }
    layout
}

/// The documents as they were before [`lay_out`]: each dispatcher's content back in place,
/// the definitions it added removed (whole-document validation in tests needs them).
#[cfg(test)]
pub(crate) fn original_form(document: &Json, layout: &[DispatcherLayout]) -> Json {
    let mut document = document.clone();
    let id = document
        .get("$id")
        .and_then(Json::as_str)
        .map(str::to_owned);
    if let Some(defs) = document.get_mut("$defs").and_then(Json::as_object_mut) {
        for dispatcher in layout.iter().filter(|d| Some(&d.id) == id.as_ref()) {
            let name = &dispatcher.name;
            if let Some(content) = defs.shift_remove(&format!("{name}{DISPATCH_SUFFIX}")) {
                defs.insert(name.clone(), content);
            }
            defs.shift_remove(&format!("{name}@"));
            for (kind, _) in &dispatcher.kinds {
                defs.shift_remove(&format!("{name}@{kind}"));
            }
        }
    }
    document
}

impl Plan {
    pub(crate) fn build(set: &SchemaSet) -> Result<Plan, String> {
        // 1. The units: each dispatcher's bare envelope and (dispatcher, kind) pairs, as
        //    `lay_out` wrote them into the documents.
        let mut places: Vec<Place> = Vec::new();
        let mut units: Vec<Unit> = Vec::new();
        let mut dispatchers = Vec::new();
        let mut pending_slots: Vec<(usize, Option<(String, String)>)> = Vec::new();
        for layout in &set.layout {
            let (id, name) = (&layout.id, &layout.name);
            places.push((id.clone(), format!("/$defs/{}", escape(name))));
            let envelope_unit = units.len();
            units.push(Unit::new(format!(
                "{id}#/$defs/{}",
                escape(&format!("{name}@"))
            )));
            // The envelope's own keywords (`kind`, `ref`, `condition`, …) never hold nested
            // units; a kind's units are found from its definition below.
            pending_slots.push((envelope_unit, None));
            let mut by_kind = HashMap::new();
            for (kind, target) in &layout.kinds {
                let unit = units.len();
                units.push(Unit::new(format!(
                    "{id}#/$defs/{}",
                    escape(&format!("{name}@{kind}"))
                )));
                pending_slots.push((unit, Some((id.clone(), target.clone()))));
                by_kind.insert(kind.clone(), unit);
            }
            dispatchers.push(Dispatcher {
                property: layout.property.clone(),
                kinds: by_kind,
                envelope: envelope_unit,
            });
        }
        // 2. The document roots.
        let mut roots = HashMap::new();
        for kind in DocumentKind::ALL {
            let Some(id) = set.ids.get(crate::file_of(kind)) else {
                continue;
            };
            let unit = units.len();
            units.push(Unit::new(id.clone()));
            pending_slots.push((unit, Some((id.clone(), String::new()))));
            roots.insert(kind, unit);
        }
        // 3. Where units nest: every path from a unit's definition to a dispatcher.
        let walker = SlotWalker {
            set,
            dispatchers: places
                .iter()
                .enumerate()
                .map(|(index, place)| (place, index))
                .collect(),
            known: RefCell::new(HashMap::new()),
            cuts: Cell::new(0),
        };
        for (unit, start) in pending_slots {
            if let Some((base, reference)) = start {
                let mut slots = Vec::new();
                walker.walk_ref(&base, &reference, &[], &mut Vec::new(), &mut slots);
                slots.dedup();
                units[unit].slots = slots;
            }
        }
        // The registry shares the documents with the features.
        let resources = set
            .documents
            .iter()
            .map(|(id, document)| (id.clone(), Arc::clone(document)));
        let registry = jsonschema::Registry::new()
            .extend(resources)
            .and_then(|builder| builder.prepare())
            .map_err(|err| err.to_string())?;
        Ok(Plan {
            registry,
            patterns: jsonschema::PatternCache::new(),
            dispatchers,
            units,
            roots,
        })
    }

    /// The validator holding `unit`. Compiles it (alone) if no check asked for it before.
    fn validator(&self, unit: usize) -> Result<&Validator<SyntaxJson>, &str> {
        self.compile(&[unit]);
        match self.units[unit]
            .validator
            .get()
            .map(|shared| shared.as_ref())
        {
            Some(Ok(validator)) => Ok(validator),
            Some(Err(message)) => Err(message),
            None => Err("the unit was not compiled"),
        }
    }

    /// Compiles those of `units` that no one compiles yet, together in one validator: a wrapper
    /// object with one property per unit (its index) whose schema is the unit's definition, so
    /// that patterns and shared definitions compile once per batch. A unit's instance is then
    /// `{"<index>": value}` and its errors' paths start with `/<index>`. Units another thread
    /// is compiling (the start-up warm-up, another document) are waited for, not compiled
    /// twice; the two batches run side by side.
    fn compile(&self, units: &[usize]) {
        let mut mine: Vec<usize> = units
            .iter()
            .copied()
            .filter(|&unit| !self.units[unit].claimed.swap(true, Ordering::AcqRel))
            .collect();
        mine.sort_unstable();
        mine.dedup();
        if !mine.is_empty() {
            let properties: serde_json::Map<String, Json> = mine
                .iter()
                .map(|&unit| (unit.to_string(), json!({ "$ref": self.units[unit].uri })))
                .collect();
            // A unit claimed here must get a result, or its waiters would wait forever.
            let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                jsonschema::options_for::<SyntaxJson>()
                    .with_draft(jsonschema::Draft::Draft202012)
                    .with_registry(&self.registry)
                    .with_pattern_cache(self.patterns.clone())
                    .build(&json!({ "properties": properties }))
                    .map_err(|err| err.to_string())
            }))
            .unwrap_or_else(|_| Err("compiling the schema failed unexpectedly".to_owned()));
            let shared = Arc::new(built);
            for &unit in &mine {
                let _ = self.units[unit].validator.set(Arc::clone(&shared));
            }
        }
        for &unit in units {
            self.units[unit].validator.wait();
        }
    }

    /// Compiles, in one batch, a document of `kind`'s top level and, of the dispatchers it
    /// holds directly, the envelopes and the units of the kinds named in `kinds`.
    pub(crate) fn warm_up_kinds(&self, kind: DocumentKind, kinds: &[&str]) {
        let Some(&root) = self.roots.get(&kind) else {
            return;
        };
        let mut units = vec![root];
        for slot in &self.units[root].slots {
            let dispatcher = &self.dispatchers[slot.dispatcher];
            units.push(dispatcher.envelope);
            units.extend(kinds.iter().filter_map(|name| dispatcher.kinds.get(*name)));
        }
        units.sort_unstable();
        units.dedup();
        self.compile(&units);
    }

    /// Compiles `units` in two batches side by side when there are many (a first document:
    /// compiling is most of the time its first check takes).
    fn compile_parallel(&self, units: &[usize]) {
        let missing: Vec<usize> = units
            .iter()
            .copied()
            .filter(|&unit| self.units[unit].validator.get().is_none())
            .collect();
        if missing.len() < 2 * COMPILE_BATCH {
            self.compile(&missing);
            return;
        }
        let (first, second) = missing.split_at(missing.len() / 2);
        std::thread::scope(|scope| {
            scope.spawn(|| self.compile(second));
            self.compile(first);
        });
    }

    /// Compiles, in one batch, the validators of a document of `kind`: its top level and the
    /// units of the dispatchers it holds directly (its node kinds, teardown nodes, triggers);
    /// with `nested`, also every dispatcher those reach (release flows inside `Pipeline`
    /// nodes, …).
    pub(crate) fn warm_up(&self, kind: DocumentKind, nested: bool) {
        let Some(&root) = self.roots.get(&kind) else {
            return;
        };
        let mut reachable = vec![root];
        let mut seen_dispatchers = HashSet::new();
        let mut i = 0;
        while i < reachable.len() {
            if i > 0 && !nested {
                break;
            }
            for slot in &self.units[reachable[i]].slots {
                if seen_dispatchers.insert(slot.dispatcher) {
                    let dispatcher = &self.dispatchers[slot.dispatcher];
                    reachable.push(dispatcher.envelope);
                    let mut kinds: Vec<_> = dispatcher.kinds.iter().collect();
                    kinds.sort();
                    reachable.extend(kinds.into_iter().map(|(_, unit)| *unit));
                }
            }
            i += 1;
        }
        // Small batches, so that a document opened meanwhile compiles what it needs beside
        // the warm-up instead of waiting for all of it.
        for batch in reachable.chunks(COMPILE_BATCH) {
            self.compile(batch);
        }
    }

    /// Splits the document into units, validates those the cache does not know, and returns
    /// every unit with its errors (paths relative to the unit).
    pub(crate) fn check<'t>(
        &self,
        root: Value<'t>,
        kind: DocumentKind,
        cache: &ValidationCache,
    ) -> Vec<Checked<'t>> {
        let Some(&root_unit) = self.roots.get(&kind) else {
            return Vec::new();
        };
        let jobs = self.units_of(root, root_unit);
        let text = root.tree().text().as_bytes();
        let keys: Vec<CacheKey> = jobs.iter().map(|job| CacheKey::of(job, text)).collect();
        let mut results: Vec<Option<Outcome>> = {
            let entries = cache.lock();
            keys.iter().map(|key| entries.get(key).cloned()).collect()
        };
        let misses: Vec<usize> = (0..jobs.len()).filter(|&i| results[i].is_none()).collect();
        let mut needed: Vec<usize> = misses.iter().map(|&i| jobs[i].unit).collect();
        needed.sort_unstable();
        needed.dedup();
        self.compile_parallel(&needed);
        cache.validated.fetch_add(misses.len(), Ordering::Relaxed);
        let computed = self.validate_all(&jobs, &misses);
        for (i, outcome) in misses.iter().zip(computed) {
            results[*i] = Some(outcome);
        }
        let results: Vec<Outcome> = results.into_iter().map(Option::unwrap_or_default).collect();
        {
            // Keep only what this version uses: the cache follows one document.
            let mut entries = cache.lock();
            entries.clear();
            entries.extend(keys.into_iter().zip(results.iter().cloned()));
        }
        jobs.into_iter()
            .zip(results)
            .map(|(job, outcome)| Checked {
                value: job.value,
                prefix: path_prefix_len(job.unit),
                outcome,
            })
            .collect()
    }

    /// The units of the document, parents before children, each with its nested units' ids.
    fn units_of<'t>(&self, root: Value<'t>, root_unit: usize) -> Vec<Job<'t>> {
        let mut jobs = vec![Job {
            unit: root_unit,
            value: root,
            holes: Vec::new(),
        }];
        let mut i = 0;
        while i < jobs.len() {
            let (unit, value) = (jobs[i].unit, jobs[i].value);
            let mut children = Vec::new();
            for slot in &self.units[unit].slots {
                let dispatcher = &self.dispatchers[slot.dispatcher];
                for child in matches(value, &slot.path) {
                    if child.kind() == NodeKind::Error {
                        continue;
                    }
                    let unit = child
                        .as_object()
                        .and_then(|object| object.get(&dispatcher.property))
                        .and_then(Value::as_str)
                        .and_then(|kind| dispatcher.kinds.get(kind))
                        .copied()
                        .unwrap_or(dispatcher.envelope);
                    children.push(Job {
                        unit,
                        value: child,
                        holes: Vec::new(),
                    });
                }
            }
            let mut holes: Vec<NodeId> = children.iter().map(|job| job.value.id()).collect();
            holes.sort();
            holes.dedup();
            jobs[i].holes = holes;
            jobs.extend(children);
            i += 1;
        }
        jobs
    }

    /// Validates the units at `which`, in parallel when there are many.
    fn validate_all(&self, jobs: &[Job<'_>], which: &[usize]) -> Vec<Outcome> {
        const PER_THREAD: usize = 64;
        let threads = std::thread::available_parallelism()
            .map_or(1, usize::from)
            .min(4)
            .min(which.len().div_ceil(PER_THREAD))
            .max(1);
        if threads == 1 {
            return which.iter().map(|&i| self.validate(&jobs[i])).collect();
        }
        let chunk = which.len().div_ceil(threads);
        std::thread::scope(|scope| {
            let handles: Vec<_> = which
                .chunks(chunk)
                .map(|part| {
                    scope.spawn(move || {
                        part.iter()
                            .map(|&i| self.validate(&jobs[i]))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|handle| {
                    handle
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect()
        })
    }

    fn validate(&self, job: &Job<'_>) -> Outcome {
        let validator = match self.validator(job.unit) {
            Ok(validator) => validator,
            Err(message) => return Outcome::Unavailable(Arc::from(message)),
        };
        // The tree itself is the instance (no copy of the unit): see `instance`.
        let instance = Instance::new(job.unit.to_string(), job.value, &job.holes);
        if validator.is_valid(instance.root()) {
            return Outcome::Valid;
        }
        let errors: Vec<ValidationError<'static>> = validator
            .iter_errors(instance.root())
            .map(ValidationError::to_owned)
            .collect();
        Outcome::Errors(Arc::new(errors))
    }
}

/// The length of the prefix (`/<index>`) that a unit's error paths carry.
pub(crate) fn path_prefix_len(unit: usize) -> usize {
    1 + unit.to_string().len()
}

impl Unit {
    fn new(uri: String) -> Unit {
        Unit {
            uri,
            slots: Vec::new(),
            validator: OnceLock::new(),
            claimed: AtomicBool::new(false),
        }
    }
}

/// One unit to validate.
struct Job<'t> {
    unit: usize,
    value: Value<'t>,
    /// The nested units, left out (`null`) when this one is validated.
    holes: Vec<NodeId>,
}

/// One unit of a document and what validating it found.
pub(crate) struct Checked<'t> {
    pub value: Value<'t>,
    /// The length of the prefix of the errors' instance paths (see [`Plan::compile`]).
    pub prefix: usize,
    pub outcome: Outcome,
}

/// What validating one unit found (paths relative to the unit).
#[derive(Clone, Debug, Default)]
pub(crate) enum Outcome {
    #[default]
    Valid,
    Errors(Arc<Vec<ValidationError<'static>>>),
    /// The unit's validator did not compile (a bug in our schemas; reported, never a panic).
    Unavailable(Arc<str>),
}

/// Validation results of one document's units from its last check, by unit text. Give each
/// open document its own: a check keeps only the entries its own units use.
#[derive(Debug, Default)]
pub struct ValidationCache {
    entries: Mutex<HashMap<CacheKey, Outcome>>,
    /// Units validated (not found in the cache) over the cache's life, for tests and logs.
    validated: std::sync::atomic::AtomicUsize,
}

impl ValidationCache {
    pub fn new() -> ValidationCache {
        ValidationCache::default()
    }

    /// How many units were validated, not taken from the cache, over the cache's life.
    pub fn validated_units(&self) -> usize {
        self.validated.load(Ordering::Relaxed)
    }

    /// How many units the cache holds.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<CacheKey, Outcome>> {
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A unit's identity for the cache: its definition, and a hash and the length of its text
/// without the nested units (which are `null` in what was validated).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct CacheKey {
    unit: usize,
    length: usize,
    hash: u64,
}

impl CacheKey {
    fn of(job: &Job<'_>, text: &[u8]) -> CacheKey {
        let range = job.value.range();
        let tree = job.value.tree();
        let mut holes: Vec<(usize, usize)> = job
            .holes
            .iter()
            .map(|hole| {
                let hole = tree.value(*hole).range();
                (hole.start as usize, hole.end as usize)
            })
            .collect();
        holes.sort_unstable();
        // A fast hash of good quality: the text of a whole document goes through it on each
        // check (SipHash took about a millisecond per megabyte).
        let mut hasher = foldhash::quality::FixedState::with_seed(0).build_hasher();
        let mut at = range.start as usize;
        let mut length = 0;
        for (start, end) in holes {
            // Holes are disjoint children of the unit; anything else is skipped, never sliced.
            if start < at || end > range.end as usize {
                continue;
            }
            let part = &text[at..start];
            part.hash(&mut hasher);
            length += part.len();
            at = end;
        }
        let part = &text[at..range.end as usize];
        part.hash(&mut hasher);
        length += part.len();
        CacheKey {
            unit: job.unit,
            length,
            hash: hasher.finish(),
        }
    }
}

/// The values at `path` below `value` (`*`/`[]` steps match every member/element; a repeated
/// key matches each occurrence).
fn matches<'t>(value: Value<'t>, path: &[Step]) -> Vec<Value<'t>> {
    let mut current = vec![value];
    for step in path {
        let mut next = Vec::new();
        for value in current {
            match step {
                Step::Key(key) => {
                    if let Some(object) = value.as_object() {
                        next.extend(
                            object
                                .members()
                                .filter(|member| member.key() == key)
                                .filter_map(|member| member.value()),
                        );
                    }
                }
                Step::AnyKey => {
                    if let Some(object) = value.as_object() {
                        next.extend(object.members().filter_map(|member| member.value()));
                    }
                }
                Step::AnyIndex => {
                    if let Some(array) = value.as_array() {
                        next.extend(array.elements());
                    }
                }
            }
        }
        current = next;
        if current.is_empty() {
            break;
        }
    }
    current
}

/// A definition of the form `{allOf: [{if: {properties: {P: {const: K}}}, then: {$ref: R}},
/// …]}`: the property P and each (K, R).
fn dispatch_of(definition: &Json) -> Option<(String, Vec<(String, String)>)> {
    let all = definition.get("allOf")?.as_array()?;
    let mut property: Option<String> = None;
    let mut kinds = Vec::new();
    for entry in all {
        let Some((name, kind, target)) = dispatch_entry(entry) else {
            continue;
        };
        if property.as_deref().is_some_and(|known| known != name) {
            return None;
        }
        property = Some(name.to_owned());
        kinds.push((kind.to_owned(), target.to_owned()));
    }
    Some((property?, kinds))
}

fn dispatch_entry(entry: &Json) -> Option<(&str, &str, &str)> {
    let condition = entry.get("if")?.get("properties")?.as_object()?;
    if condition.len() != 1 {
        return None;
    }
    let (name, test) = condition.iter().next()?;
    let kind = test.get("const")?.as_str()?;
    let target = entry.get("then")?.get("$ref")?.as_str()?;
    Some((name, kind, target))
}

/// A dispatcher without its dispatch: what every unit it picks must also satisfy.
fn envelope_of(dispatcher: &Json) -> Json {
    let mut envelope = dispatcher.clone();
    if let Some(object) = envelope.as_object_mut() {
        if let Some(all) = object.get_mut("allOf").and_then(Json::as_array_mut) {
            all.retain(|entry| dispatch_entry(entry).is_none());
        }
        if object
            .get("allOf")
            .and_then(Json::as_array)
            .is_some_and(Vec::is_empty)
        {
            object.shift_remove("allOf");
        }
    }
    envelope
}

/// JSON-pointer escaping of one reference token.
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

pub(crate) fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Walks the original schemas from a unit's definition to every `$ref` to a dispatcher.
struct SlotWalker<'s> {
    set: &'s SchemaSet,
    /// Where each dispatcher is → its index.
    dispatchers: HashMap<&'s Place, usize>,
    /// The slots found under a definition, with paths relative to it: many units reach the
    /// same definitions (the envelope, shared parts of specs), which are walked once.
    known: RefCell<HashMap<Place, Rc<[Slot]>>>,
    /// How many times a walk stopped at a `$ref` cycle or at the depth limit: what was found
    /// under a definition while that happened depends on the way in, so it is not kept.
    cuts: Cell<usize>,
}

impl SlotWalker<'_> {
    fn walk_ref(
        &self,
        base: &str,
        reference: &str,
        path: &[Step],
        stack: &mut Vec<Place>,
        out: &mut Vec<Slot>,
    ) {
        let Some((place, schema)) = self.resolve(base, reference) else {
            return;
        };
        if let Some(&dispatcher) = self.dispatchers.get(&place) {
            out.push(Slot {
                path: path.to_vec(),
                dispatcher,
            });
            return;
        }
        let known = self.known.borrow().get(&place).cloned();
        let found = match known {
            Some(found) => found,
            None => {
                if stack.len() >= MAX_SLOT_DEPTH || stack.contains(&place) {
                    self.cuts.set(self.cuts.get() + 1);
                    return;
                }
                stack.push(place.clone());
                let cuts = self.cuts.get();
                let mut found = Vec::new();
                self.walk(&place.0, schema, &mut Vec::new(), stack, &mut found);
                stack.pop();
                let found: Rc<[Slot]> = found.into();
                if self.cuts.get() == cuts {
                    self.known.borrow_mut().insert(place, Rc::clone(&found));
                }
                found
            }
        };
        out.extend(found.iter().map(|slot| Slot {
            path: path.iter().chain(&slot.path).cloned().collect(),
            dispatcher: slot.dispatcher,
        }));
    }

    fn walk(
        &self,
        base: &str,
        schema: &Json,
        path: &mut Vec<Step>,
        stack: &mut Vec<Place>,
        out: &mut Vec<Slot>,
    ) {
        let Some(object) = schema.as_object() else {
            return;
        };
        if let Some(reference) = object.get("$ref").and_then(Json::as_str) {
            self.walk_ref(base, reference, path, stack, out);
        }
        if let Some(properties) = object.get("properties").and_then(Json::as_object) {
            for (key, schema) in properties {
                path.push(Step::Key(key.clone()));
                self.walk(base, schema, path, stack, out);
                path.pop();
            }
        }
        for keyword in ["additionalProperties", "patternProperties"] {
            let Some(value) = object.get(keyword) else {
                continue;
            };
            let schemas: Vec<&Json> = if keyword == "patternProperties" {
                value
                    .as_object()
                    .map(|map| map.values().collect())
                    .unwrap_or_default()
            } else {
                vec![value]
            };
            for schema in schemas {
                path.push(Step::AnyKey);
                self.walk(base, schema, path, stack, out);
                path.pop();
            }
        }
        if let Some(items) = object.get("items") {
            path.push(Step::AnyIndex);
            self.walk(base, items, path, stack, out);
            path.pop();
        }
        for keyword in ["allOf", "anyOf", "oneOf"] {
            for schema in object
                .get(keyword)
                .and_then(Json::as_array)
                .into_iter()
                .flatten()
            {
                self.walk(base, schema, path, stack, out);
            }
        }
        for keyword in ["then", "else"] {
            if let Some(schema) = object.get(keyword) {
                self.walk(base, schema, path, stack, out);
            }
        }
    }

    /// A `$ref` from the document `base`: its place and schema.
    fn resolve<'s>(&'s self, base: &str, reference: &str) -> Option<(Place, &'s Json)> {
        let (target, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let id = if target.is_empty() {
            base.to_owned()
        } else if target.contains("://") || target.starts_with("urn:") {
            target.to_owned()
        } else {
            let file = target.rsplit('/').next().unwrap_or(target);
            self.set.ids.get(file)?.clone()
        };
        let document = self.set.documents.get(&id)?;
        let pointer = crate::percent_decode(fragment);
        let schema = if pointer.is_empty() {
            document
        } else {
            document.pointer(&pointer)?
        };
        Some(((id, pointer), schema))
    }
}

#[cfg(test)]
impl Plan {
    /// Every unit's slots, as `unit: path -> dispatcher` lines (schema file and definition, no
    /// base URL), sorted, for tests.
    pub(crate) fn describe_slots(&self) -> Vec<String> {
        let short = |uri: &str| {
            uri.rsplit_once("/schemas/")
                .map_or(uri, |(_, tail)| tail)
                .to_owned()
        };
        let mut out = Vec::new();
        for unit in &self.units {
            for slot in &unit.slots {
                let path: Vec<String> = slot
                    .path
                    .iter()
                    .map(|step| match step {
                        Step::Key(key) => key.clone(),
                        Step::AnyKey => "*".to_owned(),
                        Step::AnyIndex => "[]".to_owned(),
                    })
                    .collect();
                let dispatcher = &self.units[self.dispatchers[slot.dispatcher].envelope].uri;
                out.push(format!(
                    "{}: {} -> {}",
                    short(&unit.uri),
                    path.join("/"),
                    short(dispatcher).trim_end_matches('@')
                ));
            }
        }
        out.sort();
        out
    }

    /// Compiles every unit; returns those that failed, with the message.
    pub(crate) fn compile_everything(&self) -> Vec<(String, String)> {
        let all: Vec<usize> = (0..self.units.len()).collect();
        self.compile(&all);
        self.units
            .iter()
            .filter_map(
                |unit| match unit.validator.get().map(|shared| shared.as_ref()) {
                    Some(Ok(_)) => None,
                    Some(Err(message)) => Some((unit.uri.clone(), message.clone())),
                    None => Some((unit.uri.clone(), "not compiled".to_owned())),
                },
            )
            .collect()
    }

    pub(crate) fn unit_count(&self) -> usize {
        self.units.len()
    }

    /// The units compiled so far (schema file and definition), sorted.
    pub(crate) fn compiled_units(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .units
            .iter()
            .filter(|unit| unit.validator.get().is_some())
            .map(|unit| {
                unit.uri
                    .rsplit_once("/schemas/")
                    .map_or(unit.uri.as_str(), |(_, tail)| tail)
                    .to_owned()
            })
            .collect();
        out.sort();
        out
    }
}
