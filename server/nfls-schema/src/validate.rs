//! Schema validation mapped to exact ranges, with one clear message per problem.
//!
//! The `jsonschema` crate validates the document's JSON value and reports errors by JSON pointer;
//! we map each pointer back to our syntax tree and rewrite the error in plain words:
//!
//! | problem | code | level | range |
//! |---|---|---|---|
//! | unknown property (did-you-mean, or where the key belongs) | `schema/unknown-property` | warning | the key |
//! | missing required properties (one problem per object, all names) | `schema/missing-property` | error | the object's `kind` value, else the key holding the object, else its `{` |
//! | unknown node kind (did-you-mean) | `schema/unknown-node-kind` | error | the `kind` value |
//! | node kind not allowed here (document kind, teardown) | `schema/node-kind-not-allowed` | error | the `kind` value |
//! | value not in the enum (did-you-mean) | `schema/enum` | error | the value |
//! | wrong type | `schema/type` | error | the value |
//! | pattern / length / range / item count | `schema/pattern`, `schema/length`, `schema/range`, `schema/items` | error | the value |
//!
//! Two schema conventions keep the errors targeted:
//!
//! - node kinds (and action, condition, message, trigger kinds) are dispatched with `if`/`then`
//!   on `kind`, so a node's errors are its own kind's errors, never a flood of alternatives;
//! - a value that also accepts a `${…}` expression is `anyOf: [X, {$ref: …#/$defs/expression}]`;
//!   when both fail we report X's error and say that an expression would also do.
//!
//! Whether a `kind` stands at a node position, and which document's kind set applies there
//! (a release flow nested in a `Pipeline` node has release-flow rules), comes from the schema
//! query ([`SchemaSet::schema_at`]), the same walk hover and completion use.
//!
//! Problems that have an obvious repair carry a [`Suggestion`]; the IDE layer turns it into a
//! quick fix.

use jsonschema::ValidationError;
use jsonschema::error::{TypeKind, ValidationErrorKind};
use nfls_syntax::{PathSegment, TextRange, Tree, Value, format_pointer};
use serde_json::Value as Json;

use crate::classify::DocumentKind;
use crate::nodes::camel_to_words;
use crate::nodewise::{Outcome, ValidationCache};
use crate::query::NodePosition;
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
    /// An obvious repair, for a quick fix.
    pub suggestion: Option<Suggestion>,
}

/// A repair the validator can name; the IDE layer turns it into edits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Suggestion {
    /// Replace the text at `range` (a key's or a string's content, without quotes) with
    /// `text`: the did-you-mean of an unknown property, node kind or enum value.
    Replace { range: TextRange, text: String },
    /// The object at `object` (a JSON path) lacks these required properties.
    AddProperties {
        object: Vec<PathSegment>,
        properties: Vec<String>,
    },
}

impl SchemaProblem {
    fn new(range: TextRange, level: Level, code: &'static str, message: String) -> SchemaProblem {
        SchemaProblem {
            range,
            level,
            code,
            message,
            docs_url: None,
            deprecated: false,
            suggestion: None,
        }
    }

    fn with_suggestion(mut self, suggestion: Option<Suggestion>) -> SchemaProblem {
        self.suggestion = suggestion;
        self
    }
}

/// The deepest nesting we hand to the JSON Schema validator (it recurses; so does dropping a
/// `serde_json::Value`). Real documents are far shallower.
pub const MAX_VALIDATION_DEPTH: u32 = nfls_syntax::MAX_JSON_DEPTH;

impl SchemaSet {
    /// Validates a parsed document as `kind`. Problems are sorted by position.
    pub fn validate(&self, tree: &Tree, kind: DocumentKind) -> Vec<SchemaProblem> {
        self.validate_with(tree, kind, &ValidationCache::new())
    }

    /// Validates a parsed document as `kind`, reusing what `cache` knows from the last check
    /// of the same document (see [`ValidationCache`]). Problems are sorted by position.
    pub fn validate_with(
        &self,
        tree: &Tree,
        kind: DocumentKind,
        cache: &ValidationCache,
    ) -> Vec<SchemaProblem> {
        let Some(root) = tree.root() else {
            return Vec::new();
        };
        let at_start = TextRange::new(root.range().start, root.range().start + 1);
        if tree.max_depth() > MAX_VALIDATION_DEPTH {
            return vec![SchemaProblem::new(
                at_start,
                Level::Information,
                "schema/too-deep",
                format!(
                    "schema checks skipped: the document nests {} levels deep (the limit is {MAX_VALIDATION_DEPTH})",
                    tree.max_depth()
                ),
            )];
        }
        let unavailable = |message: &str| {
            vec![SchemaProblem::new(
                at_start,
                Level::Information,
                "schema/unavailable",
                format!(
                    "schema checks skipped: the {} schema did not load: {message}",
                    kind.label()
                ),
            )]
        };
        let plan = match self.plan() {
            Ok(plan) => plan,
            Err(message) => return unavailable(message),
        };
        let mut problems = Vec::new();
        for unit in plan.check(root, kind, cache) {
            match &unit.outcome {
                Outcome::Valid => {}
                Outcome::Errors(errors) => {
                    let mapper = Mapper {
                        tree,
                        schemas: self,
                        kind,
                        base: format_pointer(&unit.value.path()),
                        prefix: unit.prefix,
                    };
                    for error in errors.iter() {
                        mapper.map(error, false, &mut problems);
                    }
                }
                Outcome::Unavailable(message) => return unavailable(message),
            }
        }
        let mut problems = merge_missing(problems);
        problems.sort_by(|a, b| {
            (a.range.start, a.range.end, &a.message).cmp(&(b.range.start, b.range.end, &b.message))
        });
        problems.dedup();
        problems
    }
}

#[cfg(test)]
impl SchemaSet {
    /// The whole document checked by one validator compiled from the original schemas: what
    /// node-wise validation must agree with.
    pub(crate) fn validate_whole_document(
        &self,
        tree: &Tree,
        kind: DocumentKind,
    ) -> Vec<SchemaProblem> {
        // Compiling a whole document schema takes a while in a debug build: once per kind.
        static VALIDATORS: std::sync::Mutex<
            Vec<(DocumentKind, std::sync::Arc<jsonschema::Validator>)>,
        > = std::sync::Mutex::new(Vec::new());
        let known = VALIDATORS
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .iter()
            .find(|(known, _)| *known == kind)
            .map(|(_, validator)| std::sync::Arc::clone(validator));
        let validator = known.unwrap_or_else(|| {
            // The schemas as written, dispatchers in place (see `nodewise::lay_out`).
            let root = crate::nodewise::original_form(
                self.document(kind).expect("the kind has a schema"),
                &self.layout,
            );
            let resources = self.documents.iter().map(|(id, document)| {
                (
                    id.clone(),
                    jsonschema::Resource::from_contents(crate::nodewise::original_form(
                        document,
                        &self.layout,
                    )),
                )
            });
            let registry = jsonschema::Registry::new()
                .extend(resources)
                .and_then(|builder| builder.prepare())
                .expect("the schemas load");
            let validator = std::sync::Arc::new(
                jsonschema::options()
                    .with_draft(jsonschema::Draft::Draft202012)
                    .with_registry(&registry)
                    .build(&root)
                    .expect("the schema compiles"),
            );
            VALIDATORS
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .push((kind, std::sync::Arc::clone(&validator)));
            validator
        });
        let instance = tree.to_json();
        let mapper = Mapper {
            tree,
            schemas: self,
            kind,
            base: String::new(),
            prefix: 0,
        };
        let mut problems = Vec::new();
        for error in validator.iter_errors(&instance) {
            mapper.map(&error, false, &mut problems);
        }
        let mut problems = merge_missing(problems);
        problems.sort_by(|a, b| {
            (a.range.start, a.range.end, &a.message).cmp(&(b.range.start, b.range.end, &b.message))
        });
        problems.dedup();
        problems
    }
}

/// Several `required` errors on one object become one problem that names them all (and one
/// fix that adds them all).
fn merge_missing(problems: Vec<SchemaProblem>) -> Vec<SchemaProblem> {
    let mut out: Vec<SchemaProblem> = Vec::with_capacity(problems.len());
    let mut missing: Vec<(SchemaProblem, Vec<String>, String)> = Vec::new();
    for problem in problems {
        let Some(Suggestion::AddProperties { object, properties }) = &problem.suggestion else {
            out.push(problem);
            continue;
        };
        let suffix = problem
            .message
            .split_once(MISSING_MARK)
            .map_or_else(String::new, |(_, rest)| rest.to_owned());
        match missing.iter_mut().find(|(known, _, _)| matches!(&known.suggestion, Some(Suggestion::AddProperties { object: other, .. }) if other == object)) {
            Some((_, names, _)) => {
                for name in properties {
                    if !names.contains(name) {
                        names.push(name.clone());
                    }
                }
            }
            None => {
                let names = properties.clone();
                missing.push((problem, names, suffix));
            }
        }
    }
    for (mut problem, mut names, suffix) in missing {
        names.sort();
        let quoted: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
        problem.message = match quoted.as_slice() {
            [one] => format!("missing required property {one}{suffix}"),
            _ => format!("missing required properties {}{suffix}", join_and(&quoted)),
        };
        if let Some(Suggestion::AddProperties { properties, .. }) = &mut problem.suggestion {
            *properties = names;
        }
        out.push(problem);
    }
    out
}

/// Separates the property name from the context in a provisional missing-property message.
const MISSING_MARK: &str = "\u{1}";

struct Mapper<'a> {
    tree: &'a Tree,
    schemas: &'a SchemaSet,
    kind: DocumentKind,
    /// The JSON pointer of the validated unit: error paths are relative to it.
    base: String,
    /// The length of the prefix the validator adds to error paths (see `nodewise`).
    prefix: usize,
}

impl Mapper<'_> {
    /// Maps one validator error to problems. `or_expression`: the value could also have been a
    /// `${…}` expression (the error comes from the non-expression branch of such an `anyOf`).
    fn map(&self, error: &ValidationError<'_>, or_expression: bool, out: &mut Vec<SchemaProblem>) {
        let Some(pointer) = error.instance_path().as_str().get(self.prefix..) else {
            return;
        };
        let found = if self.base.is_empty() {
            self.tree.pointer_str(pointer)
        } else {
            self.tree.pointer_str(&format!("{}{pointer}", self.base))
        };
        let Some(value) = found else {
            return;
        };
        let alternative = if or_expression {
            " (or a `${…}` expression)"
        } else {
            ""
        };
        match error.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                self.unknown_properties(value, unexpected, error, out);
            }
            ValidationErrorKind::Required { property } => {
                let property = property.as_str().unwrap_or_default();
                out.push(
                    SchemaProblem::new(
                        missing_property_range(value),
                        Level::Error,
                        "schema/missing-property",
                        format!(
                            "missing required property `{property}`{MISSING_MARK}{}",
                            self.context_suffix(value)
                        ),
                    )
                    .with_suggestion(Some(Suggestion::AddProperties {
                        object: value.path(),
                        properties: vec![property.to_owned()],
                    })),
                );
            }
            ValidationErrorKind::Enum { options } => {
                self.enum_problem(value, options, or_expression, out)
            }
            ValidationErrorKind::Constant { expected_value } => {
                let options = Json::Array(vec![(**expected_value).clone()]);
                self.enum_problem(value, &options, or_expression, out);
            }
            ValidationErrorKind::Type { kind } => {
                let expected = describe_types(kind);
                let alternative = if or_expression {
                    " or a `${…}` expression"
                } else {
                    ""
                };
                out.push(SchemaProblem::new(
                    value.range(),
                    Level::Error,
                    "schema/type",
                    format!(
                        "{} must be {expected}{alternative}, found {}",
                        self.subject(value),
                        describe_value(value)
                    ),
                ));
            }
            ValidationErrorKind::AnyOf { context }
            | ValidationErrorKind::OneOfNotValid { context } => {
                self.alternatives(context, or_expression, out);
            }
            ValidationErrorKind::Pattern { pattern } => {
                out.push(SchemaProblem::new(
                    value.range(),
                    Level::Error,
                    "schema/pattern",
                    format!(
                        "{} is not {}: it must match `{pattern}`{alternative}",
                        describe_value(value),
                        self.label(value)
                    ),
                ));
            }
            ValidationErrorKind::MinLength { limit } => {
                let length = value.as_str().map_or(0, |text| text.chars().count());
                out.push(SchemaProblem::new(
                    value.range(),
                    Level::Error,
                    "schema/length",
                    format!(
                        "{} is too short: at least {limit} character{} (it has {length})",
                        self.subject(value),
                        plural(*limit)
                    ),
                ));
            }
            ValidationErrorKind::MaxLength { limit } => {
                let length = value.as_str().map_or(0, |text| text.chars().count());
                out.push(SchemaProblem::new(
                    value.range(),
                    Level::Error,
                    "schema/length",
                    format!(
                        "{} is too long: at most {limit} character{} (it has {length})",
                        self.subject(value),
                        plural(*limit)
                    ),
                ));
            }
            ValidationErrorKind::Minimum { limit } => {
                out.push(self.range_problem(value, format!("at least {limit}")))
            }
            ValidationErrorKind::ExclusiveMinimum { limit } => {
                out.push(self.range_problem(value, format!("greater than {limit}")))
            }
            ValidationErrorKind::Maximum { limit } => {
                out.push(self.range_problem(value, format!("at most {limit}")))
            }
            ValidationErrorKind::ExclusiveMaximum { limit } => {
                out.push(self.range_problem(value, format!("less than {limit}")))
            }
            ValidationErrorKind::MinItems { limit } => out.push(SchemaProblem::new(
                value.range(),
                Level::Error,
                "schema/items",
                format!(
                    "{} needs at least {limit} item{}",
                    self.subject(value),
                    plural(*limit)
                ),
            )),
            ValidationErrorKind::MaxItems { limit } => out.push(SchemaProblem::new(
                value.range(),
                Level::Error,
                "schema/items",
                format!(
                    "{} takes at most {limit} item{}",
                    self.subject(value),
                    plural(*limit)
                ),
            )),
            ValidationErrorKind::UniqueItems => out.push(SchemaProblem::new(
                value.range(),
                Level::Error,
                "schema/items",
                format!("the items of {} must be unique", self.subject(value)),
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
            _ => out.push(SchemaProblem::new(
                value.range(),
                Level::Error,
                "schema/invalid",
                error.to_string(),
            )),
        }
    }

    fn range_problem(&self, value: Value<'_>, bound: String) -> SchemaProblem {
        SchemaProblem::new(
            value.range(),
            Level::Error,
            "schema/range",
            format!(
                "{} must be {bound} (it is {})",
                self.subject(value),
                number_text(value)
            ),
        )
    }

    /// Of the alternatives of an `anyOf`/`oneOf`, report the most plausible one's errors: never
    /// the `${…}` expression branch (it only says "not an expression"), and otherwise the branch
    /// with the fewest errors, preferring errors deeper in the value (they say more).
    fn alternatives(
        &self,
        context: &[Vec<ValidationError<'static>>],
        or_expression: bool,
        out: &mut Vec<SchemaProblem>,
    ) {
        let is_expression_branch = |errors: &Vec<ValidationError<'static>>| {
            !errors.is_empty()
                && errors.iter().all(|error| {
                    error
                        .absolute_keyword_location()
                        .is_some_and(|location| location.as_str().contains("/$defs/expression"))
                })
        };
        let has_expression_branch = or_expression || context.iter().any(is_expression_branch);
        let best = context
            .iter()
            .filter(|errors| !is_expression_branch(errors))
            .min_by_key(|errors| {
                let deepest = errors
                    .iter()
                    .map(|error| error.instance_path().as_str().len())
                    .max()
                    .unwrap_or(0);
                (errors.len(), std::cmp::Reverse(deepest))
            });
        if let Some(errors) = best {
            for error in errors {
                self.map(error, has_expression_branch, out);
            }
        }
    }

    fn unknown_properties(
        &self,
        object: Value<'_>,
        unexpected: &[String],
        error: &ValidationError<'_>,
        out: &mut Vec<SchemaProblem>,
    ) {
        let Some(object) = object.as_object() else {
            return;
        };
        let allowed = self.schemas.allowed_properties(error);
        for key in unexpected {
            if object.member(key).is_none() {
                continue;
            }
            let mut message = format!(
                "unknown property `{key}`{}",
                self.context_suffix(object.value())
            );
            let mut replacement = None;
            if let Some(hint) = moved_property_hint(key, self.kind) {
                message.push_str(": ");
                message.push_str(hint);
            } else if let Some(suggestion) = suggest(key, allowed.iter().map(String::as_str)) {
                message.push_str(&format!(": did you mean `{suggestion}`?"));
                replacement = Some(suggestion.to_owned());
            }
            // Every occurrence of a duplicated key is unknown; report each.
            for occurrence in object.members().filter(|other| other.key() == key) {
                let suggestion = replacement.as_ref().map(|text| Suggestion::Replace {
                    range: occurrence.key_content_range(),
                    text: text.clone(),
                });
                out.push(
                    SchemaProblem::new(
                        occurrence.key_range(),
                        Level::Warning,
                        "schema/unknown-property",
                        message.clone(),
                    )
                    .with_suggestion(suggestion),
                );
            }
        }
    }

    fn enum_problem(
        &self,
        value: Value<'_>,
        options: &Json,
        or_expression: bool,
        out: &mut Vec<SchemaProblem>,
    ) {
        let options: Vec<String> = options
            .as_array()
            .map(|options| {
                options
                    .iter()
                    .map(|option| {
                        option
                            .as_str()
                            .map_or_else(|| option.to_string(), str::to_owned)
                    })
                    .collect()
            })
            .unwrap_or_default();
        if let Some(text) = value.as_str()
            && let Some(position) = self.node_position(value)
        {
            out.push(self.node_kind_problem(value, text, &options, position));
            return;
        }
        let shown = describe_value(value);
        let label = self.label(value);
        let alternative = if or_expression {
            " or a `${…}` expression"
        } else {
            ""
        };
        let suggestion = value
            .as_str()
            .and_then(|text| suggest(text, options.iter().map(String::as_str)));
        let message = match suggestion {
            Some(suggestion) => format!(
                "{shown} is not {label}: did you mean `{suggestion}`? (expected {}{alternative})",
                list_options(&options)
            ),
            None => format!(
                "{shown} is not {label}: expected {}{alternative}",
                list_options(&options)
            ),
        };
        let fix = suggestion
            .zip(value.string_content_range())
            .map(|(text, range)| Suggestion::Replace {
                range,
                text: text.to_owned(),
            });
        out.push(
            SchemaProblem::new(value.range(), Level::Error, "schema/enum", message)
                .with_suggestion(fix),
        );
    }

    /// Where `value` is the `kind` of a workflow node, the position's kind set.
    fn node_position(&self, value: Value<'_>) -> Option<NodePosition> {
        let member = value.parent_member()?;
        let object = member.object().value();
        let info = self
            .schemas
            .schema_at(self.kind, self.tree, &object.path())?;
        let discriminator = info.discriminator?;
        if discriminator.property != member.key() {
            return None;
        }
        discriminator.node
    }

    fn node_kind_problem(
        &self,
        value: Value<'_>,
        text: &str,
        options: &[String],
        position: NodePosition,
    ) -> SchemaProblem {
        let infos = self.schemas.node_kinds();
        if let Some(info) = infos.get(text) {
            let document = position.document.unwrap_or(self.kind);
            let message = if position.teardown {
                format!("`{text}` nodes cannot run in a teardown spec")
            } else if info.documents.is_empty() && info.teardown {
                format!("`{text}` nodes run only in teardown specs")
            } else {
                let places: Vec<String> = info
                    .documents
                    .iter()
                    .map(|kind| plural_label(*kind).to_owned())
                    .collect();
                format!(
                    "`{text}` nodes cannot run in {}: they run only in {}",
                    with_article(document.label()),
                    join_and(&places)
                )
            };
            let mut problem = SchemaProblem::new(
                value.range(),
                Level::Error,
                "schema/node-kind-not-allowed",
                message,
            );
            problem.docs_url = info.docs.clone();
            return problem;
        }
        let suggestion = suggest(text, options.iter().map(String::as_str));
        let message = match suggestion {
            Some(suggestion) => format!("unknown node kind `{text}`: did you mean `{suggestion}`?"),
            None => format!("unknown node kind `{text}`"),
        };
        let fix = suggestion
            .zip(value.string_content_range())
            .map(|(text, range)| Suggestion::Replace {
                range,
                text: text.to_owned(),
            });
        let mut problem = SchemaProblem::new(
            value.range(),
            Level::Error,
            "schema/unknown-node-kind",
            message,
        )
        .with_suggestion(fix);
        problem.docs_url = Some(NODES_DOCS.to_owned());
        problem
    }

    /// What to call a value in an "is not" message, with its article: "a workflow type" for
    /// `type` in a `Workflow` node's spec, "an action kind", else "a valid `key`" (or "a valid
    /// value" for array items).
    fn label(&self, value: Value<'_>) -> String {
        let Some(member) = value.parent_member() else {
            return "a valid value".to_owned();
        };
        let key = member.key();
        if let Some(kind) = enclosing_node_kind(member.object().value()) {
            return with_article(&format!("{} {key}", camel_to_words(kind)));
        }
        format!("a valid `{key}`")
    }

    /// What to call a value as the subject of a sentence: "the workflow type", "`name`".
    fn subject(&self, value: Value<'_>) -> String {
        let Some(member) = value.parent_member() else {
            return "the value".to_owned();
        };
        let key = member.key();
        if let Some(kind) = enclosing_node_kind(member.object().value()) {
            return format!("the {} {key}", camel_to_words(kind));
        }
        format!("`{key}`")
    }

    /// " in a `Workflow` spec" and the like, for messages about an object's properties.
    fn context_suffix(&self, object: Value<'_>) -> String {
        if let Some(kind) = enclosing_node_kind(object) {
            return format!(" in {} spec", with_article(&format!("`{kind}`")));
        }
        match object
            .as_object()
            .and_then(|node| node.get("kind"))
            .and_then(Value::as_str)
        {
            Some(kind) => format!(" in {} node", with_article(&format!("`{kind}`"))),
            None => String::new(),
        }
    }
}

/// The docs page that lists every node kind.
const NODES_DOCS: &str =
    "https://northflank.com/docs/v1/application/infrastructure-as-code/template-nodes";

/// The kind of the node whose `spec` is `object`.
fn enclosing_node_kind(object: Value<'_>) -> Option<&str> {
    let member = object.parent_member()?;
    if member.key() != "spec" {
        return None;
    }
    member.object().get("kind").and_then(Value::as_str)
}

/// Where to report missing properties of `object`: its `kind` value (a node names itself
/// there), else the key of the member that holds it, else its opening brace.
fn missing_property_range(object: Value<'_>) -> TextRange {
    if let Some(kind) = object.as_object().and_then(|node| node.get("kind")) {
        return kind.range();
    }
    if let Some(member) = object.parent_member() {
        return member.key_range();
    }
    TextRange::new(object.range().start, object.range().start + 1)
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

fn with_article(noun: &str) -> String {
    let vowel = noun
        .trim_start_matches('`')
        .chars()
        .next()
        .is_some_and(|first| "aeiouAEIOU".contains(first));
    format!("{} {noun}", if vowel { "an" } else { "a" })
}

fn plural(count: u64) -> &'static str {
    if count == 1 { "" } else { "s" }
}

fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Keys people put in the wrong place, with where they belong.
fn moved_property_hint(key: &str, kind: DocumentKind) -> Option<&'static str> {
    match (key, kind) {
        (
            "branchNamePatterns" | "filePaths" | "commitMessageFlags",
            DocumentKind::ReleaseFlow | DocumentKind::PreviewTemplate,
        ) => Some(
            "this key belongs to the typed triggers of workflows and preview blueprints; release-flow and preview-template triggers use `branchRestrictions`, `prRestrictions`, `pathIgnoreRules` and `ciIgnoreFlags`",
        ),
        (
            "branchRestrictions" | "prRestrictions" | "pathIgnoreRules" | "ciIgnoreFlags",
            DocumentKind::Workflow | DocumentKind::PreviewBlueprint,
        ) => Some(
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
    value
        .number_text()
        .map_or_else(|| describe_value(value), str::to_owned)
}

fn list_options(options: &[String]) -> String {
    let quoted: Vec<String> = options.iter().map(|option| format!("`{option}`")).collect();
    match quoted.as_slice() {
        [] => "another value".to_owned(),
        [one] => one.clone(),
        [a, b] => format!("{a} or {b}"),
        many if many.len() <= 8 => format!(
            "{} or {}",
            many[..many.len() - 1].join(", "),
            many[many.len() - 1]
        ),
        many => format!("one of {}, … ({} values)", many[..6].join(", "), many.len()),
    }
}
