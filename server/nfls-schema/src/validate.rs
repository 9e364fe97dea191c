//! Schema validation mapped to exact ranges, with one clear message per problem.
//!
//! The `jsonschema` crate validates the document's JSON value and reports errors by JSON pointer;
//! we map each pointer back to our syntax tree (a missing property: the member key that holds
//! the object, or the node's `kind`; an unknown property: its key; anything else: the value) and
//! rewrite the error in plain words. Two schema conventions keep the errors targeted:
//!
//! - node kinds are dispatched with `if`/`then` on `kind`, so a node's errors are its own kind's
//!   errors, never a flood of alternatives;
//! - a scalar that also accepts a `${…}` expression is `anyOf: [X, {$ref: …#/$defs/expression}]`;
//!   when both fail we report X's error ("expected a number or a `${…}` expression").
//!
//! Severity policy (also in `schemas/README.md`): unknown properties are warnings (with a
//! did-you-mean); wrong types, values, patterns, lengths, ranges and missing required
//! properties are errors; a node kind that exists but is not allowed in this document is an
//! error that names the document kind.

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{ValidationError, Validator};
use nfls_syntax::{TextRange, Tree, Value};
use serde_json::Value as Json;

use crate::classify::DocumentKind;
use crate::nodes::{NodeKindInfo, camel_to_words};
use crate::{SchemaSet, suggest};

/// How bad a schema problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Level {
    Error,
    Warning,
    Information,
    Hint,
}

/// One problem found by schema validation, at an exact byte range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaProblem {
    pub range: TextRange,
    pub level: Level,
    pub code: &'static str,
    pub message: String,
    /// A docs page for the node kind involved, when there is one.
    pub docs_url: Option<String>,
    /// The value is deprecated (editors strike it through).
    pub deprecated: bool,
}

impl SchemaProblem {
    fn new(range: TextRange, level: Level, code: &'static str, message: String) -> SchemaProblem {
        SchemaProblem { range, level, code, message, docs_url: None, deprecated: false }
    }
}

/// The deepest nesting we hand to the JSON Schema validator (it recurses; so does dropping a
/// `serde_json::Value`). Real documents are far shallower.
pub const MAX_VALIDATION_DEPTH: u32 = nfls_syntax::MAX_JSON_DEPTH;

impl SchemaSet {
    /// Validates a parsed document as `kind`. Problems are sorted by position.
    pub fn validate(&self, tree: &Tree, kind: DocumentKind) -> Vec<SchemaProblem> {
        let Some(root) = tree.root() else { return Vec::new() };
        if tree.max_depth() > MAX_VALIDATION_DEPTH {
            return vec![SchemaProblem::new(
                TextRange::new(root.range().start, root.range().start + 1),
                Level::Information,
                "schema/too-deep",
                format!(
                    "schema checks skipped: the document nests {} levels deep (the limit is {MAX_VALIDATION_DEPTH})",
                    tree.max_depth()
                ),
            )];
        }
        let validator = match self.validator(kind) {
            Ok(validator) => validator,
            Err(message) => {
                return vec![SchemaProblem::new(
                    TextRange::new(root.range().start, root.range().start + 1),
                    Level::Information,
                    "schema/unavailable",
                    format!("schema checks skipped: the {} schema did not load: {message}", kind.label()),
                )];
            }
        };
        let instance = tree.to_json();
        let mapper = Mapper { tree, schemas: self, kind };
        let mut problems = Vec::new();
        for error in validator.iter_errors(&instance) {
            mapper.map(&error, false, &mut problems);
        }
        problems.sort_by(|a, b| (a.range.start, a.range.end, &a.message).cmp(&(b.range.start, b.range.end, &b.message)));
        problems.dedup();
        problems
    }

    fn validator(&self, kind: DocumentKind) -> Result<&Validator, &str> {
        self.compiled(kind).as_ref().map_err(String::as_str)
    }
}

struct Mapper<'a> {
    tree: &'a Tree,
    schemas: &'a SchemaSet,
    kind: DocumentKind,
}

impl Mapper<'_> {
    /// Maps one validator error to problems. `or_expression`: the value could also have been a
    /// `${…}` expression (the error comes from the non-expression branch of such an `anyOf`).
    fn map(&self, error: &ValidationError<'_>, or_expression: bool, out: &mut Vec<SchemaProblem>) {
        let pointer = error.instance_path().as_str();
        let Some(value) = self.tree.pointer_str(pointer) else { return };
        match error.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                self.unknown_properties(value, unexpected, error, out);
            }
            ValidationErrorKind::Required { property } => {
                let property = property.as_str().unwrap_or_default();
                out.push(SchemaProblem::new(
                    missing_property_range(value),
                    Level::Error,
                    "schema/missing-property",
                    format!("missing required property `{property}`{}", self.context_suffix(value)),
                ));
            }
            ValidationErrorKind::Enum { options } => self.enum_problem(value, options, out),
            ValidationErrorKind::Constant { expected_value } => {
                let options = Json::Array(vec![(**expected_value).clone()]);
                self.enum_problem(value, &options, out);
            }
            ValidationErrorKind::Type { kind } => {
                let expected = describe_types(kind);
                let alternative = if or_expression { " or a `${…}` expression" } else { "" };
                out.push(SchemaProblem::new(
                    value.range(),
                    Level::Error,
                    "schema/type",
                    format!("expected {expected}{alternative}, found {}", describe_value(value)),
                ));
            }
            ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
                self.alternatives(context, out);
            }
            ValidationErrorKind::Pattern { pattern } => {
                out.push(SchemaProblem::new(
                    value.range(),
                    Level::Error,
                    "schema/pattern",
                    format!("{} is not a valid {}: it must match `{pattern}`", describe_value(value), self.label(value)),
                ));
            }
            ValidationErrorKind::MinLength { limit } => {
                let length = value.as_str().map_or(0, |text| text.chars().count());
                out.push(SchemaProblem::new(
                    value.range(),
                    Level::Error,
                    "schema/length",
                    format!("{} is too short: at least {limit} characters (it has {length})", self.label(value)),
                ));
            }
            ValidationErrorKind::MaxLength { limit } => {
                let length = value.as_str().map_or(0, |text| text.chars().count());
                out.push(SchemaProblem::new(
                    value.range(),
                    Level::Error,
                    "schema/length",
                    format!("{} is too long: at most {limit} characters (it has {length})", self.label(value)),
                ));
            }
            ValidationErrorKind::Minimum { limit } | ValidationErrorKind::ExclusiveMinimum { limit } => {
                out.push(SchemaProblem::new(
                    value.range(),
                    Level::Error,
                    "schema/range",
                    format!("{} must be at least {limit} (it is {})", self.label(value), number_text(value)),
                ));
            }
            ValidationErrorKind::Maximum { limit } | ValidationErrorKind::ExclusiveMaximum { limit } => {
                out.push(SchemaProblem::new(
                    value.range(),
                    Level::Error,
                    "schema/range",
                    format!("{} must be at most {limit} (it is {})", self.label(value), number_text(value)),
                ));
            }
            ValidationErrorKind::MinItems { limit } => out.push(SchemaProblem::new(
                value.range(),
                Level::Error,
                "schema/items",
                format!("{} needs at least {limit} item{}", self.label(value), if *limit == 1 { "" } else { "s" }),
            )),
            ValidationErrorKind::MaxItems { limit } => out.push(SchemaProblem::new(
                value.range(),
                Level::Error,
                "schema/items",
                format!("{} takes at most {limit} item{}", self.label(value), if *limit == 1 { "" } else { "s" }),
            )),
            ValidationErrorKind::UniqueItems => out.push(SchemaProblem::new(
                value.range(),
                Level::Error,
                "schema/items",
                format!("the items of {} must be unique", self.label(value)),
            )),
            ValidationErrorKind::FalseSchema => {
                // `false` marks a property that must not be there: report it like an unknown one.
                if let Some(member) = value.parent_member() {
                    out.push(SchemaProblem::new(
                        member.key_range(),
                        Level::Warning,
                        "schema/unknown-property",
                        format!("`{}` is not allowed here", member.key()),
                    ));
                }
            }
            _ => out.push(SchemaProblem::new(value.range(), Level::Error, "schema/invalid", error.to_string())),
        }
    }

    /// Of the alternatives of an `anyOf`/`oneOf`, report the most plausible one's errors: never
    /// the `${…}` expression branch (it only says "not an expression"), and otherwise the branch
    /// with the fewest errors.
    fn alternatives(&self, context: &[Vec<ValidationError<'static>>], out: &mut Vec<SchemaProblem>) {
        let is_expression_branch = |errors: &Vec<ValidationError<'static>>| {
            !errors.is_empty()
                && errors.iter().all(|error| error.evaluation_path().as_str().contains("/$defs/expression"))
        };
        let has_expression_branch = context.iter().any(is_expression_branch);
        let best = context
            .iter()
            .filter(|errors| !is_expression_branch(errors))
            .min_by_key(|errors| (errors.len(), errors.iter().map(|error| error.instance_path().as_str().len()).max()));
        if let Some(errors) = best {
            for error in errors {
                self.map(error, has_expression_branch, out);
            }
        }
    }

    fn unknown_properties(&self, object: Value<'_>, unexpected: &[String], error: &ValidationError<'_>, out: &mut Vec<SchemaProblem>) {
        let Some(object) = object.as_object() else { return };
        let allowed = self.schemas.allowed_properties(error);
        for key in unexpected {
            let Some(member) = object.member(key) else { continue };
            let mut message = format!("unknown property `{key}`{}", self.context_suffix(object.value()));
            if let Some(hint) = moved_property_hint(key, self.kind) {
                message.push_str(": ");
                message.push_str(hint);
            } else if let Some(suggestion) = suggest(key, allowed.iter().map(String::as_str)) {
                message.push_str(&format!(": did you mean `{suggestion}`?"));
            }
            // Every occurrence of a duplicated key is unknown; report each.
            for occurrence in object.members().filter(|other| other.key() == member.key()) {
                out.push(SchemaProblem::new(occurrence.key_range(), Level::Warning, "schema/unknown-property", message.clone()));
            }
        }
    }

    fn enum_problem(&self, value: Value<'_>, options: &Json, out: &mut Vec<SchemaProblem>) {
        let options: Vec<String> = options
            .as_array()
            .map(|options| options.iter().map(|option| option.as_str().map_or_else(|| option.to_string(), str::to_owned)).collect())
            .unwrap_or_default();
        let is_node_kind = value.parent_member().is_some_and(|member| member.key() == "kind")
            && value.parent().is_some_and(is_node_position);
        if is_node_kind && let Some(text) = value.as_str() {
            out.push(self.node_kind_problem(value, text, &options));
            return;
        }
        let shown = describe_value(value);
        let mut message = format!("{shown} is not a valid {}: expected {}", self.label(value), list_options(&options));
        if let Some(text) = value.as_str()
            && let Some(suggestion) = suggest(text, options.iter().map(String::as_str))
        {
            message = format!("{shown} is not a valid {}: did you mean `{suggestion}`? (expected {})", self.label(value), list_options(&options));
        }
        out.push(SchemaProblem::new(value.range(), Level::Error, "schema/enum", message));
    }

    fn node_kind_problem(&self, value: Value<'_>, text: &str, options: &[String]) -> SchemaProblem {
        let infos = self.schemas.node_kinds();
        if let Some(info) = infos.get(text) {
            let in_teardown = value.path().iter().any(|segment| matches!(segment, nfls_syntax::PathSegment::Key(key) if key == "teardownSpec"));
            let message = not_allowed_message(text, info, self.kind, in_teardown);
            let mut problem = SchemaProblem::new(value.range(), Level::Error, "schema/node-kind-not-allowed", message);
            problem.docs_url = info.docs.clone();
            return problem;
        }
        let candidates: Vec<&str> = if options.is_empty() { infos.keys().map(String::as_str).collect() } else { options.iter().map(String::as_str).collect() };
        let message = match suggest(text, candidates.iter().copied()).or_else(|| suggest(text, infos.keys().map(String::as_str))) {
            Some(suggestion) => format!("unknown node kind `{text}`: did you mean `{suggestion}`?"),
            None => format!("unknown node kind `{text}`"),
        };
        let mut problem = SchemaProblem::new(value.range(), Level::Error, "schema/unknown-node-kind", message);
        problem.docs_url = Some("https://northflank.com/docs/v1/application/infrastructure-as-code/template-nodes".to_owned());
        problem
    }

    /// What to call a value in a message: "workflow type" for `type` in a `Workflow` node's
    /// spec, else "`key`" (or "value" for array items).
    fn label(&self, value: Value<'_>) -> String {
        let Some(member) = value.parent_member() else { return "value".to_owned() };
        let key = member.key();
        if let Some(kind) = enclosing_node_kind(member.object().value()) {
            return format!("{} {key}", camel_to_words(kind));
        }
        format!("`{key}`")
    }

    /// " in a `Workflow` spec" and the like, for messages about an object's properties.
    fn context_suffix(&self, object: Value<'_>) -> String {
        if let Some(node) = object.as_object()
            && let Some(kind) = node.get("kind").and_then(Value::as_str)
            && node.get("spec").is_some()
        {
            return format!(" in a `{kind}` node");
        }
        match enclosing_node_kind(object) {
            Some(kind) => format!(" in a `{kind}` spec"),
            None => String::new(),
        }
    }
}

/// The kind of the node whose `spec` is `object`.
fn enclosing_node_kind(object: Value<'_>) -> Option<&str> {
    let member = object.parent_member()?;
    if member.key() != "spec" {
        return None;
    }
    member.object().get("kind").and_then(Value::as_str)
}

/// Whether `object` stands where a workflow node goes: an item of `steps`, or the `spec` of
/// something that is not itself a node (the document, `teardownSpec`, a nested document).
/// The `kind` inside a node's own `spec` is a sub-kind (`Action`, `Condition`, `Message`).
fn is_node_position(object: Value<'_>) -> bool {
    if let Some(array) = object.parent() && array.as_array().is_some() {
        return array.parent_member().is_some_and(|member| member.key() == "steps");
    }
    object.parent_member().is_some_and(|member| member.key() == "spec") && enclosing_node_kind(object).is_none()
}

/// Where to report a missing property of `object`: the key of the member that holds it, or for
/// a node, its `kind`; for the root or an array item, its opening brace.
fn missing_property_range(object: Value<'_>) -> TextRange {
    if let Some(node) = object.as_object()
        && node.get("spec").is_some()
        && let Some(kind) = node.get("kind")
    {
        return kind.range();
    }
    if let Some(member) = object.parent_member() {
        return member.key_range();
    }
    if let Some(kind) = object.as_object().and_then(|node| node.get("kind")) {
        return kind.range();
    }
    TextRange::new(object.range().start, object.range().start + 1)
}

fn not_allowed_message(kind: &str, info: &NodeKindInfo, document: DocumentKind, in_teardown: bool) -> String {
    if in_teardown && !info.teardown {
        return format!("`{kind}` nodes cannot run in a teardown spec");
    }
    if !in_teardown && info.documents.is_empty() && info.teardown {
        return format!("`{kind}` nodes run only in teardown specs");
    }
    let places: Vec<&str> = info.documents.iter().map(|kind| plural_label(*kind)).collect();
    match places.as_slice() {
        [] => format!("`{kind}` nodes are not allowed in a {}", document.label()),
        [one] => format!("`{kind}` nodes run only in {one}"),
        [init @ .., last] => format!("`{kind}` nodes run only in {} and {last}", init.join(", ")),
    }
}

fn plural_label(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::Template => "templates",
        DocumentKind::ReleaseFlow => "release flows",
        DocumentKind::PreviewTemplate => "preview-environment templates",
        DocumentKind::Workflow => "workflows",
        DocumentKind::PreviewBlueprint => "preview blueprints",
    }
}

/// Keys people put in the wrong place, with where they belong.
fn moved_property_hint(key: &str, kind: DocumentKind) -> Option<&'static str> {
    match (key, kind) {
        ("branchNamePatterns" | "filePaths" | "commitMessageFlags", DocumentKind::ReleaseFlow | DocumentKind::PreviewTemplate) => Some(
            "this key belongs to the typed triggers of workflows and preview blueprints; release-flow and preview-template triggers use `branchRestrictions`, `prRestrictions`, `pathIgnoreRules` and `ciIgnoreFlags`",
        ),
        ("branchRestrictions" | "prRestrictions" | "pathIgnoreRules" | "ciIgnoreFlags", DocumentKind::Workflow | DocumentKind::PreviewBlueprint) => Some(
            "this key belongs to release-flow triggers; typed triggers use `spec.branchNamePatterns`, `spec.filePaths` and `spec.commitMessageFlags`",
        ),
        _ => None,
    }
}

fn describe_types(kind: &TypeKind) -> String {
    let name = |json_type: &jsonschema::JsonType| match json_type.to_string().as_str() {
        "array" => "an array",
        "boolean" => "a boolean",
        "integer" => "an integer",
        "null" => "null",
        "number" => "a number",
        "object" => "an object",
        "string" => "a string",
        _ => "a value",
    };
    match kind {
        TypeKind::Single(json_type) => name(json_type).to_owned(),
        TypeKind::Multiple(types) => {
            let names: Vec<&str> = types.iter().map(|json_type| name(&json_type)).collect();
            match names.as_slice() {
                [] => "a value".to_owned(),
                [one] => (*one).to_owned(),
                [init @ .., last] => format!("{} or {last}", init.join(", ")),
            }
        }
    }
}

fn describe_value(value: Value<'_>) -> String {
    use nfls_syntax::NodeKind;
    match value.kind() {
        NodeKind::String => {
            let text = value.as_str().unwrap_or_default();
            if text.chars().count() > 40 {
                let short: String = text.chars().take(37).collect();
                format!("the string `{short}…`")
            } else {
                format!("`{text}`")
            }
        }
        NodeKind::Number => format!("the number {}", value.number_text().unwrap_or_default()),
        NodeKind::Bool => format!("`{}`", value.as_bool().unwrap_or_default()),
        NodeKind::Null => "`null`".to_owned(),
        NodeKind::Object => "an object".to_owned(),
        NodeKind::Array => "an array".to_owned(),
        NodeKind::Error => "an invalid value".to_owned(),
    }
}

fn number_text(value: Value<'_>) -> String {
    value.number_text().map_or_else(|| describe_value(value), str::to_owned)
}

fn list_options(options: &[String]) -> String {
    let quoted: Vec<String> = options.iter().map(|option| format!("`{option}`")).collect();
    match quoted.as_slice() {
        [] => "another value".to_owned(),
        [one] => one.clone(),
        [a, b] => format!("{a} or {b}"),
        many if many.len() <= 8 => format!("{} or {}", many[..many.len() - 1].join(", "), many[many.len() - 1]),
        many => format!("one of {}, … ({} values)", many[..6].join(", "), many.len()),
    }
}
