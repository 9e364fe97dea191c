//! Schema queries for hover, completion and fixes: what the schemas say about one place of a
//! document.
//!
//! A query walks the document kind's schema along a JSON path, next to the document itself:
//! `$ref`s are followed across our files, `allOf` members all apply, an `if`/`then` applies when
//! the document's value at that place matches the `if` (that is how a node's `kind`, an action's
//! `spec.kind` or a service action's `spec.spec.type` pick their definition), and of an
//! expression alternative (`anyOf: [X, {$ref: …#/$defs/expression}]`) only X is read. Other
//! `anyOf`/`oneOf` branches are merged variants: their properties and types are unioned, their
//! `required` lists are not. The path need not exist in the document yet (completion asks about
//! the value being typed); the walk then goes on without instance values, so no `if` applies
//! below that point.
//!
//! Everything is read from the already-parsed schema JSON: no compilation, no allocation beyond
//! the answer, a few microseconds per query on real paths.

use nfls_syntax::{PathSegment, Tree, Value};
use serde_json::Value as Json;

use crate::SchemaSet;
use crate::classify::DocumentKind;
use crate::nodes::NodeKindInfo;

/// A JSON type as the schemas name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum JsonType {
    Object,
    Array,
    String,
    Number,
    Integer,
    Boolean,
    Null,
}

impl JsonType {
    fn from_name(name: &str) -> Option<JsonType> {
        Some(match name {
            "object" => JsonType::Object,
            "array" => JsonType::Array,
            "string" => JsonType::String,
            "number" => JsonType::Number,
            "integer" => JsonType::Integer,
            "boolean" => JsonType::Boolean,
            "null" => JsonType::Null,
            _ => return None,
        })
    }

    /// The keyword spelling: `object`, `integer`, …
    pub fn name(self) -> &'static str {
        match self {
            JsonType::Object => "object",
            JsonType::Array => "array",
            JsonType::String => "string",
            JsonType::Number => "number",
            JsonType::Integer => "integer",
            JsonType::Boolean => "boolean",
            JsonType::Null => "null",
        }
    }
}

/// A place in the schemas that a later query can start from (e.g. the definition a
/// discriminator value selects). Opaque: hand it back to [`SchemaSet::schema_of`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SchemaRef {
    document: String,
    pointer: String,
}

/// Everything the schemas say about one place, merged over every schema that applies there.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SchemaInfo {
    /// Our description (the innermost `description` next to a `$ref` wins: it is the more
    /// specific one).
    pub description: Option<String>,
    /// A one-line summary (`x-nfls-summary`), on node and sub-kind definitions.
    pub summary: Option<String>,
    /// The Northflank docs page (`x-nfls-docs`).
    pub docs: Option<String>,
    /// Allowed JSON types (empty: any).
    pub types: Vec<JsonType>,
    /// Allowed values (`enum`, or a `const` as one value); empty: not restricted.
    pub enum_values: Vec<Json>,
    /// Values still accepted but older (`x-nfls-legacy-values`).
    pub legacy_values: Vec<Json>,
    /// A `${…}` expression is accepted instead of the value.
    pub accepts_expression: bool,
    pub pattern: Option<String>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub exclusive_minimum: Option<f64>,
    pub exclusive_maximum: Option<f64>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub format: Option<String>,
    pub default: Option<Json>,
    pub examples: Vec<Json>,
    /// Required property names, sorted.
    pub required: Vec<String>,
    /// Properties the schemas list, in schema order (alphabetical).
    pub properties: Vec<PropertyInfo>,
    /// False when an applying schema says `additionalProperties: false`.
    pub additional_properties: bool,
    /// The property whose value selects a definition (`kind`, `type`), with the choices.
    pub discriminator: Option<Discriminator>,
    /// The value is an array whose items are workflow nodes (`steps`).
    pub items_are_nodes: Option<NodePosition>,
}

/// One property an object may have.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PropertyInfo {
    pub name: String,
    pub description: Option<String>,
    pub types: Vec<JsonType>,
    pub enum_values: Vec<Json>,
    pub accepts_expression: bool,
    pub required: bool,
}

/// An object whose definition depends on one property's value.
#[derive(Clone, Debug, PartialEq)]
pub struct Discriminator {
    /// `kind` (nodes, action/condition/message kinds, triggers) or `type` (service actions).
    pub property: String,
    pub choices: Vec<Choice>,
    /// Set when the object is a workflow node (the choices are node kinds).
    pub node: Option<NodePosition>,
}

/// Where a workflow node stands: which document's kind set applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NodePosition {
    /// The document whose kinds apply (for a release flow nested in a `Pipeline` node: the
    /// release flow). `None` for teardown positions, whose kinds every document shares.
    pub document: Option<DocumentKind>,
    pub teardown: bool,
}

/// One value of a discriminator and the definition it selects.
#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    pub value: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub docs: Option<String>,
    pub target: SchemaRef,
}

/// A schema object inside one of our documents, with the `$id` of the document (the base for
/// relative `$ref`s).
#[derive(Clone, Copy)]
struct Node<'s> {
    json: &'s Json,
    base: &'s str,
}

#[derive(Clone, Copy)]
struct Applied<'s> {
    node: Node<'s>,
    /// Reached through a variant branch (`anyOf`/`oneOf` that is not an expression pair): its
    /// assertions hold only for that variant.
    alternative: bool,
}

/// Schemas only nest so far; a `$ref` cycle without a step into the instance would otherwise
/// never end.
const MAX_EXPAND_DEPTH: u32 = 32;

impl SchemaSet {
    /// What the schemas say about the value at `path` in a document of `kind` (the path need
    /// not exist in `tree`). `None` when no schema describes that place (an unknown property).
    pub fn schema_at(
        &self,
        kind: DocumentKind,
        tree: &Tree,
        path: &[PathSegment],
    ) -> Option<SchemaInfo> {
        let applied = self.locate(kind, tree, path)?;
        Some(self.merge(&applied))
    }

    /// The schema a [`SchemaRef`] names, then `path` below it (by keys only; no instance, so
    /// no `if` applies below the start).
    pub fn schema_of(&self, start: &SchemaRef, path: &[&str]) -> Option<SchemaInfo> {
        let (base, document) = self.documents.get_key_value(&start.document)?;
        let json = crate::lookup(document, &start.pointer)?;
        let mut applied = Vec::new();
        self.expand(Node { json, base }, None, false, &mut applied, 0);
        for key in path {
            applied = self.step(&applied, &PathSegment::Key((*key).to_owned()), None);
            if applied.is_empty() {
                return None;
            }
        }
        Some(self.merge(&applied))
    }

    /// The node kinds a workflow node may have at `position`, by `x-nfls-node-kinds`, sorted.
    pub fn node_kinds_at(&self, position: NodePosition) -> Vec<(&str, &NodeKindInfo)> {
        let mut kinds: Vec<(&str, &NodeKindInfo)> = self
            .node_kinds
            .iter()
            .filter(|(_, info)| match position.document {
                _ if position.teardown => info.teardown,
                Some(document) => info.documents.contains(&document),
                None => false,
            })
            .map(|(name, info)| (name.as_str(), info))
            .collect();
        kinds.sort_by_key(|(name, _)| *name);
        kinds
    }

    fn root_node(&self, kind: DocumentKind) -> Option<Node<'_>> {
        let id = self.ids.get(crate::file_of(kind))?;
        let (base, json) = self.documents.get_key_value(id)?;
        Some(Node { json, base })
    }

    /// The schemas that apply at `path`, or `None` when a step leaves the schemas.
    fn locate(
        &self,
        kind: DocumentKind,
        tree: &Tree,
        path: &[PathSegment],
    ) -> Option<Vec<Applied<'_>>> {
        let mut instance = tree.root();
        let mut applied = Vec::new();
        self.expand(self.root_node(kind)?, instance, false, &mut applied, 0);
        for segment in path {
            instance = instance.and_then(|value| child(value, segment));
            applied = self.step(&applied, segment, instance);
            if applied.is_empty() {
                return None;
            }
        }
        Some(applied)
    }

    /// The schemas of the child at `segment`, expanded against the child's value.
    fn step<'s>(
        &'s self,
        applied: &[Applied<'s>],
        segment: &PathSegment,
        instance: Option<Value<'_>>,
    ) -> Vec<Applied<'s>> {
        let mut out = Vec::new();
        for parent in applied {
            let Some(object) = parent.node.json.as_object() else {
                continue;
            };
            let next = match segment {
                PathSegment::Key(key) => object
                    .get("properties")
                    .and_then(|properties| properties.get(key.as_str()))
                    .or_else(|| {
                        object
                            .get("additionalProperties")
                            .filter(|schema| schema.is_object())
                    }),
                PathSegment::Index(_) => object.get("items").filter(|schema| schema.is_object()),
            };
            if let Some(json) = next {
                self.expand(
                    Node {
                        json,
                        base: parent.node.base,
                    },
                    instance,
                    parent.alternative,
                    &mut out,
                    0,
                );
            }
        }
        out
    }

    /// Adds `node` and every schema it brings in at the same place to `out`.
    fn expand<'s>(
        &'s self,
        node: Node<'s>,
        instance: Option<Value<'_>>,
        alternative: bool,
        out: &mut Vec<Applied<'s>>,
        depth: u32,
    ) {
        if depth > MAX_EXPAND_DEPTH
            || out
                .iter()
                .any(|seen| std::ptr::eq(seen.node.json, node.json))
        {
            return;
        }
        // `true` (the envelope keys of `node.<Kind>`) says nothing; `false` never appears.
        let Some(object) = node.json.as_object() else {
            return;
        };
        out.push(Applied { node, alternative });
        if let Some(reference) = object.get("$ref").and_then(Json::as_str)
            && let Some(target) = self.resolve(node.base, reference)
        {
            self.expand(target, instance, alternative, out, depth + 1);
        }
        if let Some(all) = object.get("allOf").and_then(Json::as_array) {
            for json in all {
                self.expand(
                    Node {
                        json,
                        base: node.base,
                    },
                    instance,
                    alternative,
                    out,
                    depth + 1,
                );
            }
        }
        if let Some(condition) = object.get("if") {
            let branch = if matches(condition, instance) {
                object.get("then")
            } else {
                object.get("else")
            };
            if let Some(json) = branch {
                self.expand(
                    Node {
                        json,
                        base: node.base,
                    },
                    instance,
                    alternative,
                    out,
                    depth + 1,
                );
            }
        }
        for keyword in ["anyOf", "oneOf"] {
            let Some(branches) = object.get(keyword).and_then(Json::as_array) else {
                continue;
            };
            if is_expression_pair(branches) {
                self.expand(
                    Node {
                        json: &branches[0],
                        base: node.base,
                    },
                    instance,
                    alternative,
                    out,
                    depth + 1,
                );
            } else {
                for json in branches {
                    self.expand(
                        Node {
                            json,
                            base: node.base,
                        },
                        instance,
                        true,
                        out,
                        depth + 1,
                    );
                }
            }
        }
    }

    /// Follows a `$ref` from a document with `$id` `base`: `#/…` stays in it, `file.json#/…`
    /// names a sibling file, an absolute URI names a document by `$id`.
    fn resolve(&self, base: &str, reference: &str) -> Option<Node<'_>> {
        let (target, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let id = if target.is_empty() {
            base
        } else if target.contains("://") || target.starts_with("urn:") {
            target
        } else {
            let file = target.rsplit('/').next().unwrap_or(target);
            self.ids.get(file).map(String::as_str)?
        };
        let (base, document) = self.documents.get_key_value(id)?;
        let json = crate::lookup(document, &crate::percent_decode(fragment))?;
        Some(Node { json, base })
    }

    fn merge(&self, applied: &[Applied<'_>]) -> SchemaInfo {
        let mut info = SchemaInfo {
            additional_properties: true,
            ..SchemaInfo::default()
        };
        let mut required: Vec<String> = Vec::new();
        let mut variant_types: Vec<JsonType> = Vec::new();
        let mut variant_values: Vec<Json> = Vec::new();
        let mut has_types = false;
        let mut has_values = false;
        for entry in applied {
            let Some(object) = entry.node.json.as_object() else {
                continue;
            };
            let text = |key: &str| object.get(key).and_then(Json::as_str).map(str::to_owned);
            info.description = info.description.take().or_else(|| text("description"));
            info.summary = info.summary.take().or_else(|| text("x-nfls-summary"));
            info.docs = info.docs.take().or_else(|| text("x-nfls-docs"));
            info.pattern = info.pattern.take().or_else(|| text("pattern"));
            info.format = info.format.take().or_else(|| text("format"));
            let number = |key: &str| object.get(key).and_then(Json::as_f64);
            let count = |key: &str| object.get(key).and_then(Json::as_u64);
            info.min_length = info.min_length.or_else(|| count("minLength"));
            info.max_length = info.max_length.or_else(|| count("maxLength"));
            info.min_items = info.min_items.or_else(|| count("minItems"));
            info.max_items = info.max_items.or_else(|| count("maxItems"));
            info.minimum = info.minimum.or_else(|| number("minimum"));
            info.maximum = info.maximum.or_else(|| number("maximum"));
            info.exclusive_minimum = info
                .exclusive_minimum
                .or_else(|| number("exclusiveMinimum"));
            info.exclusive_maximum = info
                .exclusive_maximum
                .or_else(|| number("exclusiveMaximum"));
            if info.default.is_none() {
                info.default = object.get("default").cloned();
            }
            if let Some(examples) = object.get("examples").and_then(Json::as_array) {
                push_unique(&mut info.examples, examples);
            }
            if let Some(legacy) = object.get("x-nfls-legacy-values").and_then(Json::as_array) {
                push_unique(&mut info.legacy_values, legacy);
            }
            if object
                .get("anyOf")
                .or_else(|| object.get("oneOf"))
                .and_then(Json::as_array)
                .is_some_and(|branches| is_expression_pair(branches))
            {
                info.accepts_expression = true;
            }
            let types = types_of(object);
            let values = values_of(object);
            if entry.alternative {
                push_unique(&mut variant_types, &types);
                push_unique(&mut variant_values, &values);
            } else {
                if !has_types && !types.is_empty() {
                    info.types = types;
                    has_types = true;
                }
                if !has_values && !values.is_empty() {
                    info.enum_values = values;
                    has_values = true;
                }
                if let Some(names) = object.get("required").and_then(Json::as_array) {
                    for name in names.iter().filter_map(Json::as_str) {
                        if !required.iter().any(|known| known == name) {
                            required.push(name.to_owned());
                        }
                    }
                }
                if object.get("additionalProperties") == Some(&Json::Bool(false)) {
                    info.additional_properties = false;
                }
            }
            if let Some(properties) = object.get("properties").and_then(Json::as_object) {
                for (name, schema) in properties {
                    self.add_property(
                        &mut info.properties,
                        name,
                        Node {
                            json: schema,
                            base: entry.node.base,
                        },
                    );
                }
            }
            if info.discriminator.is_none() {
                info.discriminator = self.discriminator(entry.node);
            }
            if info.items_are_nodes.is_none()
                && let Some(items) = object.get("items")
            {
                let mut inner = Vec::new();
                self.expand(
                    Node {
                        json: items,
                        base: entry.node.base,
                    },
                    None,
                    false,
                    &mut inner,
                    0,
                );
                info.items_are_nodes = inner
                    .iter()
                    .find_map(|item| self.discriminator(item.node))
                    .and_then(|found| found.node);
            }
        }
        if !has_types {
            info.types = variant_types;
        }
        if !has_values {
            info.enum_values = variant_values;
        }
        required.sort();
        for property in &mut info.properties {
            property.required = required.contains(&property.name);
        }
        info.required = required;
        info
    }

    fn add_property(&self, properties: &mut Vec<PropertyInfo>, name: &str, node: Node<'_>) {
        let index = match properties.iter().position(|known| known.name == name) {
            Some(index) => index,
            None => {
                properties.push(PropertyInfo {
                    name: name.to_owned(),
                    ..PropertyInfo::default()
                });
                properties.len() - 1
            }
        };
        let property = &mut properties[index];
        if property.description.is_some() && !property.types.is_empty() {
            return;
        }
        let mut applied = Vec::new();
        self.expand(node, None, false, &mut applied, 0);
        let merged = self.merge_shallow(&applied);
        property.description = property.description.take().or(merged.description);
        if property.types.is_empty() {
            property.types = merged.types;
        }
        if property.enum_values.is_empty() {
            property.enum_values = merged.enum_values;
        }
        property.accepts_expression |= merged.accepts_expression;
    }

    /// The few facts a property list needs, without descending into the property's own
    /// properties (that would read a whole subtree for every key).
    fn merge_shallow(&self, applied: &[Applied<'_>]) -> PropertyInfo {
        let mut info = PropertyInfo::default();
        let mut variant_types = Vec::new();
        let mut variant_values = Vec::new();
        for entry in applied {
            let Some(object) = entry.node.json.as_object() else {
                continue;
            };
            if info.description.is_none() {
                info.description = object
                    .get("description")
                    .and_then(Json::as_str)
                    .map(str::to_owned);
            }
            if object
                .get("anyOf")
                .and_then(Json::as_array)
                .is_some_and(|branches| is_expression_pair(branches))
            {
                info.accepts_expression = true;
            }
            let types = types_of(object);
            let values = values_of(object);
            if entry.alternative {
                push_unique(&mut variant_types, &types);
                push_unique(&mut variant_values, &values);
            } else {
                if info.types.is_empty() {
                    info.types = types;
                }
                if info.enum_values.is_empty() {
                    info.enum_values = values;
                }
            }
        }
        if info.types.is_empty() {
            info.types = variant_types;
        }
        if info.enum_values.is_empty() {
            info.enum_values = variant_values;
        }
        info
    }

    /// The discriminator of a dispatcher schema: an `allOf` of `if: {required: [p],
    /// properties: {p: {const: v}}}, then: {$ref: …}` entries, all on the same `p`.
    fn discriminator(&self, node: Node<'_>) -> Option<Discriminator> {
        let all = node.json.get("allOf")?.as_array()?;
        let mut property: Option<&str> = None;
        let mut choices = Vec::new();
        let mut node_kinds = false;
        let mut teardown = false;
        for entry in all {
            let condition = entry.get("if")?;
            let (name, schema) = condition.get("properties")?.as_object()?.iter().next()?;
            let value = schema.get("const")?.as_str()?;
            if property.is_some_and(|known| known != name) {
                return None;
            }
            property = Some(name);
            let reference = entry.get("then")?.get("$ref")?.as_str()?;
            let definition = reference.rsplit('/').next().unwrap_or_default();
            node_kinds |=
                definition.starts_with("node.") || definition.starts_with("teardownNode.");
            teardown |= definition.starts_with("teardownNode.");
            let target = self.resolve(node.base, reference)?;
            let text = |key: &str| {
                target
                    .json
                    .get(key)
                    .and_then(Json::as_str)
                    .map(str::to_owned)
            };
            let (_, fragment) = reference.split_once('#').unwrap_or((reference, ""));
            choices.push(Choice {
                value: value.to_owned(),
                summary: text("x-nfls-summary"),
                description: text("description"),
                docs: text("x-nfls-docs"),
                target: SchemaRef {
                    document: target.base.to_owned(),
                    pointer: crate::percent_decode(fragment),
                },
            });
        }
        let property = property?.to_owned();
        let node = node_kinds.then(|| NodePosition {
            document: if teardown {
                None
            } else {
                self.documents
                    .get(node.base)
                    .and_then(|document| document.get("x-nfls-document"))
                    .and_then(Json::as_str)
                    .and_then(DocumentKind::from_id)
            },
            teardown,
        });
        if node.is_some() {
            // Node kinds: the summaries and links live in `x-nfls-node-kinds`.
            for choice in &mut choices {
                if let Some(info) = self.node_kinds.get(&choice.value) {
                    choice.summary = choice.summary.take().or_else(|| info.summary.clone());
                    choice.docs = choice.docs.take().or_else(|| info.docs.clone());
                }
            }
        }
        Some(Discriminator {
            property,
            choices,
            node,
        })
    }
}

fn child<'t>(value: Value<'t>, segment: &PathSegment) -> Option<Value<'t>> {
    match segment {
        PathSegment::Key(key) => value.as_object()?.get(key),
        PathSegment::Index(index) => value.as_array()?.get(*index),
    }
}

/// `[X, {$ref: …#/$defs/expression}]`: a value or a `${…}` string.
fn is_expression_pair(branches: &[Json]) -> bool {
    branches.len() == 2
        && branches[1]
            .get("$ref")
            .and_then(Json::as_str)
            .is_some_and(|reference| reference.ends_with("#/$defs/expression"))
}

fn types_of(object: &serde_json::Map<String, Json>) -> Vec<JsonType> {
    match object.get("type") {
        Some(Json::String(name)) => JsonType::from_name(name).into_iter().collect(),
        Some(Json::Array(names)) => names
            .iter()
            .filter_map(Json::as_str)
            .filter_map(JsonType::from_name)
            .collect(),
        _ => Vec::new(),
    }
}

fn values_of(object: &serde_json::Map<String, Json>) -> Vec<Json> {
    if let Some(values) = object.get("enum").and_then(Json::as_array) {
        return values.clone();
    }
    object
        .get("const")
        .map(|value| vec![value.clone()])
        .unwrap_or_default()
}

fn push_unique<T: PartialEq + Clone>(into: &mut Vec<T>, items: &[T]) {
    for item in items {
        if !into.contains(item) {
            into.push(item.clone());
        }
    }
}

/// Whether `instance` satisfies an `if` schema. Our conditions use `required`, `properties`
/// with `const`/`enum`/`type`; other keywords are not evaluated (they count as satisfied).
/// No instance never matches: without a value there is nothing to dispatch on.
fn matches(condition: &Json, instance: Option<Value<'_>>) -> bool {
    let Some(instance) = instance else {
        return false;
    };
    let Some(condition) = condition.as_object() else {
        return condition.as_bool().unwrap_or(false);
    };
    if let Some(names) = condition.get("required").and_then(Json::as_array) {
        let Some(object) = instance.as_object() else {
            return false;
        };
        if !names
            .iter()
            .filter_map(Json::as_str)
            .all(|name| object.get(name).is_some())
        {
            return false;
        }
    }
    if let Some(properties) = condition.get("properties").and_then(Json::as_object)
        && let Some(object) = instance.as_object()
    {
        for (name, schema) in properties {
            if let Some(value) = object.get(name)
                && !matches(schema, Some(value))
            {
                return false;
            }
        }
    }
    if let Some(expected) = condition.get("const")
        && !same_value(instance, expected)
    {
        return false;
    }
    if let Some(values) = condition.get("enum").and_then(Json::as_array)
        && !values.iter().any(|expected| same_value(instance, expected))
    {
        return false;
    }
    if let Some(types) = condition.get("type") {
        let wanted: Vec<&str> = match types {
            Json::String(name) => vec![name.as_str()],
            Json::Array(names) => names.iter().filter_map(Json::as_str).collect(),
            _ => Vec::new(),
        };
        if !wanted.is_empty() && !wanted.iter().any(|name| has_type(instance, name)) {
            return false;
        }
    }
    true
}

fn same_value(value: Value<'_>, expected: &Json) -> bool {
    match expected {
        Json::String(text) => value.as_str() == Some(text.as_str()),
        Json::Bool(flag) => value.as_bool() == Some(*flag),
        Json::Null => value.is_null(),
        Json::Number(number) => value.as_f64().is_some() && value.as_f64() == number.as_f64(),
        _ => false,
    }
}

fn has_type(value: Value<'_>, name: &str) -> bool {
    use nfls_syntax::NodeKind;
    match (value.kind(), name) {
        (NodeKind::Object, "object")
        | (NodeKind::Array, "array")
        | (NodeKind::String, "string") => true,
        (NodeKind::Bool, "boolean") | (NodeKind::Null, "null") | (NodeKind::Number, "number") => {
            true
        }
        (NodeKind::Number, "integer") => value.as_f64().is_some_and(|number| number.fract() == 0.0),
        _ => false,
    }
}
