//! Hover from the schemas: on a key, what the property is (description, type, allowed values,
//! pattern and limits, default, whether required, docs link); on a value, the same for its
//! property; on a `kind` (or another discriminator such as a service action's `type`), what that
//! kind is, where it may run, and its docs page.

use nfls_schema::{DocumentKind, JsonType, NodeKindInfo, SchemaInfo, SchemaSet};
use nfls_syntax::{Member, NodeKind, PathSegment, Tree, Value};
use serde_json::Value as Json;

use crate::Analysis;
use crate::types::HoverResult;

pub(super) fn hover(analysis: &Analysis, offset: u32) -> Option<HoverResult> {
    let kind = analysis.classification.as_ref()?.kind;
    let tree = &analysis.parse.tree;
    let schemas = SchemaSet::embedded();
    if let Some(member) = tree.covering_member(offset)
        && member.key_range().contains_inclusive(offset)
    {
        let markdown = property_hover(schemas, kind, tree, member)?;
        return Some(HoverResult {
            range: member.key_range(),
            markdown,
        });
    }
    let value = tree.covering_value(offset)?;
    if matches!(value.kind(), NodeKind::Object | NodeKind::Array) {
        return None;
    }
    let member = value.parent_member()?;
    if let Some(markdown) = choice_hover(schemas, kind, tree, member, value) {
        return Some(HoverResult {
            range: value.range(),
            markdown,
        });
    }
    let markdown = property_hover(schemas, kind, tree, member)?;
    Some(HoverResult {
        range: value.range(),
        markdown,
    })
}

/// The hover of a property: `**`name`** · type · required`, description, facts, docs link.
fn property_hover(
    schemas: &SchemaSet,
    kind: DocumentKind,
    tree: &Tree,
    member: Member<'_>,
) -> Option<String> {
    let object_path = member.object().value().path();
    let mut path = object_path.clone();
    path.push(PathSegment::Key(member.key().to_owned()));
    let info = schemas.schema_at(kind, tree, &path)?;
    let parent = schemas.schema_at(kind, tree, &object_path);
    let required = parent
        .as_ref()
        .is_some_and(|parent| parent.required.iter().any(|name| name == member.key()));
    let mut out = format!("**`{}`** · {}", member.key(), type_summary(&info));
    if required {
        out.push_str(" · required");
    }
    if let Some(description) = &info.description {
        out.push_str("\n\n");
        out.push_str(description);
    }
    let facts = facts(&info);
    if !facts.is_empty() {
        out.push_str("\n\n");
        out.push_str(&facts.join(" · "));
    }
    let docs = info
        .docs
        .clone()
        .or_else(|| enclosing_docs(schemas, member.object().value()))
        .unwrap_or_else(|| document_docs(kind).to_owned());
    out.push_str(&format!("\n\n[Northflank docs]({docs})"));
    Some(out)
}

/// When `value` is the value of a discriminator (`kind`, a service action's `type`) and names
/// a known choice: what that choice is.
fn choice_hover(
    schemas: &SchemaSet,
    kind: DocumentKind,
    tree: &Tree,
    member: Member<'_>,
    value: Value<'_>,
) -> Option<String> {
    let text = value.as_str()?;
    let object = member.object().value();
    let info = schemas.schema_at(kind, tree, &object.path())?;
    let discriminator = info.discriminator?;
    if discriminator.property != member.key() {
        return None;
    }
    let choice = discriminator
        .choices
        .iter()
        .find(|choice| choice.value == text)?;
    let what = match discriminator.node {
        Some(_) => "node kind".to_owned(),
        None => match enclosing_kind(object) {
            Some(outer) => format!("{} {}", nfls_schema::camel_to_words(outer), member.key()),
            None => member.key().to_owned(),
        },
    };
    let mut out = format!("**`{text}`** · {what}");
    if let Some(summary) = choice.summary.as_ref().or(choice.description.as_ref()) {
        out.push_str("\n\n");
        out.push_str(summary);
    }
    if discriminator.node.is_some()
        && let Some(node) = schemas.node_kinds().get(text)
    {
        out.push_str("\n\n");
        out.push_str(&where_it_runs(node));
    } else if let (Some(summary), Some(description)) = (&choice.summary, &choice.description)
        && summary != description
    {
        out.push_str("\n\n");
        out.push_str(description);
    }
    if let Some(docs) = &choice.docs {
        out.push_str(&format!("\n\n[Northflank docs]({docs})"));
    }
    Some(out)
}

fn where_it_runs(node: &NodeKindInfo) -> String {
    let places: Vec<&str> = node
        .documents
        .iter()
        .map(|document| plural(*document))
        .collect();
    let mut out = if places.is_empty() {
        "Runs only in teardown specs".to_owned()
    } else {
        format!("Runs in {}", join(&places))
    };
    if !places.is_empty() {
        out.push_str(if node.teardown {
            "; also in teardown specs"
        } else {
            "; not in teardown specs"
        });
    }
    out.push('.');
    out
}

fn plural(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::Template => "templates",
        DocumentKind::ReleaseFlow => "release flows",
        DocumentKind::PreviewTemplate => "preview-environment templates",
        DocumentKind::Workflow => "workflows",
        DocumentKind::PreviewBlueprint => "preview blueprints",
    }
}

fn join(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The first-line type: the allowed values when there is an enum, else the JSON types; plus
/// "`${…}`" when an expression may stand instead.
fn type_summary(info: &SchemaInfo) -> String {
    let mut parts: Vec<String> = if !info.enum_values.is_empty() && info.enum_values.len() <= 8 {
        info.enum_values
            .iter()
            .map(|value| format!("`{}`", show(value)))
            .collect()
    } else if !info.types.is_empty() {
        info.types
            .iter()
            .map(|json_type| type_name(*json_type).to_owned())
            .collect()
    } else {
        vec!["any value".to_owned()]
    };
    if info.accepts_expression {
        parts.push("`${…}`".to_owned());
    }
    parts.join(" | ")
}

fn type_name(json_type: JsonType) -> &'static str {
    match json_type {
        JsonType::Object => "object",
        JsonType::Array => "array",
        JsonType::String => "string",
        JsonType::Number => "number",
        JsonType::Integer => "integer",
        JsonType::Boolean => "boolean",
        JsonType::Null => "null",
    }
}

fn show(value: &Json) -> String {
    value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_owned)
}

/// The smaller facts, each short: long enums, pattern, limits, default, legacy values.
fn facts(info: &SchemaInfo) -> Vec<String> {
    let mut out = Vec::new();
    if info.enum_values.len() > 8 {
        let values: Vec<String> = info
            .enum_values
            .iter()
            .map(|value| format!("`{}`", show(value)))
            .collect();
        out.push(format!("Allowed: {}", values.join(", ")));
    }
    if let Some(pattern) = &info.pattern {
        out.push(format!("Pattern: `{pattern}`"));
    }
    match (info.min_length, info.max_length) {
        (Some(min), Some(max)) => out.push(format!("Length: {min}–{max} characters")),
        (Some(min), None) => out.push(format!("Length: at least {min} characters")),
        (None, Some(max)) => out.push(format!("Length: at most {max} characters")),
        (None, None) => {}
    }
    let low = info
        .minimum
        .map(|value| format!("≥ {value}"))
        .or_else(|| info.exclusive_minimum.map(|value| format!("> {value}")));
    let high = info
        .maximum
        .map(|value| format!("≤ {value}"))
        .or_else(|| info.exclusive_maximum.map(|value| format!("< {value}")));
    match (low, high) {
        (Some(low), Some(high)) => out.push(format!("Range: {low} and {high}")),
        (Some(bound), None) | (None, Some(bound)) => out.push(format!("Range: {bound}")),
        (None, None) => {}
    }
    match (info.min_items, info.max_items) {
        (Some(min), Some(max)) => out.push(format!("Items: {min}–{max}")),
        (Some(min), None) => out.push(format!("Items: at least {min}")),
        (None, Some(max)) => out.push(format!("Items: at most {max}")),
        (None, None) => {}
    }
    if let Some(default) = &info.default {
        out.push(format!("Default: `{}`", show(default)));
    }
    if !info.legacy_values.is_empty() {
        let values: Vec<String> = info
            .legacy_values
            .iter()
            .map(|value| format!("`{}`", show(value)))
            .collect();
        out.push(format!("Older: {}", values.join(", ")));
    }
    out
}

/// The docs page of the nearest enclosing node.
fn enclosing_docs(schemas: &SchemaSet, object: Value<'_>) -> Option<String> {
    let mut current = Some(object);
    while let Some(value) = current {
        if let Some(kind) = value
            .as_object()
            .and_then(|node| node.get("kind"))
            .and_then(Value::as_str)
            && let Some(info) = schemas.node_kinds().get(kind)
        {
            return info.docs.clone();
        }
        current = value.parent();
    }
    None
}

/// The kind of the node whose `spec` is `object` (`Action` for an action's spec).
fn enclosing_kind(object: Value<'_>) -> Option<&str> {
    let member = object.parent_member()?;
    if member.key() != "spec" {
        return None;
    }
    member.object().get("kind").and_then(Value::as_str)
}

/// The page that explains a whole document of this kind.
fn document_docs(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::Template => {
            "https://northflank.com/docs/v1/application/infrastructure-as-code/write-a-template"
        }
        DocumentKind::ReleaseFlow | DocumentKind::Workflow => {
            "https://northflank.com/docs/v1/application/release/configure-a-release-flow"
        }
        DocumentKind::PreviewTemplate | DocumentKind::PreviewBlueprint => {
            "https://northflank.com/docs/v1/application/release/set-up-a-preview-environment"
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{AnalysisConfig, analyze, hover};

    /// `$0` marks the cursor.
    fn hover_at(fixture: &str) -> Option<(String, String)> {
        let offset = fixture.find("$0").expect("fixture has a cursor") as u32;
        let text = fixture.replace("$0", "");
        let analysis = analyze(&text, None, &AnalysisConfig::default());
        hover(&analysis, offset).map(|result| {
            (
                text[result.range.start as usize..result.range.end as usize].to_owned(),
                result.markdown,
            )
        })
    }

    const DOC: &str = r#"{"apiVersion": "v1.2", "name": "demo", "spec": {"kind": "Workflow", "spec": {"ty$0pe": "parallel", "steps": [{"kind": "Proj$1ect", "spec": {"name": "demo", "color": "blue"}}]}}}"#;

    /// `DOC` with the cursor at `marker` and the other markers removed.
    fn at(marker: &str) -> String {
        let mut text = DOC.to_owned();
        for other in ["$0", "$1"] {
            if other != marker {
                text = text.replace(other, "");
            }
        }
        text.replace(marker, "$0")
    }

    #[test]
    fn hover_on_a_key() {
        let (range, markdown) = hover_at(&at("$0")).unwrap();
        assert_eq!(range, "\"type\"");
        assert_eq!(
            markdown,
            "**`type`** · `sequential` | `parallel` · required\n\n`sequential` runs steps in order, each after the previous succeeded; `parallel` starts them all at once.\n\n[Northflank docs](https://northflank.com/docs/v1/application/infrastructure-as-code/template-nodes)"
        );
    }

    #[test]
    fn hover_on_a_node_kind() {
        let (range, markdown) = hover_at(&at("$1")).unwrap();
        assert_eq!(range, "\"Project\"");
        assert_eq!(
            markdown,
            "**`Project`** · node kind\n\nCreates or updates a project.\n\nRuns in templates; not in teardown specs.\n\n[Northflank docs](https://northflank.com/docs/v1/application/infrastructure-as-code/template-nodes)"
        );
    }

    #[test]
    fn hover_on_a_value_with_limits_and_expression() {
        let text = r#"{"apiVersion": "v1.2", "name": "de$0mo", "spec": {"kind": "Workflow", "spec": {"type": "parallel"}}}"#;
        let (range, markdown) = hover_at(text).unwrap();
        assert_eq!(range, "\"demo\"");
        assert!(
            markdown.starts_with("**`name`** · string\n\n"),
            "{markdown}"
        );
        assert!(markdown.contains("Length: 3–100 characters"), "{markdown}");
        assert!(markdown.ends_with("[Northflank docs](https://northflank.com/docs/v1/application/infrastructure-as-code/write-a-template)"), "{markdown}");
        let text = r#"{"apiVersion": "v1.2", "spec": {"kind": "Workflow", "spec": {"type": "parallel", "context": {"proj$0ectId": "x"}}}}"#;
        let (_, markdown) = hover_at(text).unwrap();
        assert!(
            markdown.starts_with("**`projectId`** · string | `${…}`\n\n"),
            "{markdown}"
        );
        assert!(
            markdown.contains("Pattern: `^[A-Za-z0-9-]+$`"),
            "{markdown}"
        );
    }

    #[test]
    fn hover_on_a_sub_kind_and_legacy_api_version() {
        let text = r#"{"apiVersion": "v1", "spec": {"kind": "Action", "spec": {"kind": "Ser$0vice", "spec": {"type": "restart"}}}}"#;
        let (_, markdown) = hover_at(text).unwrap();
        assert!(
            markdown.starts_with(
                "**`Service`** · action kind\n\nRestart a service or run a command in it."
            ),
            "{markdown}"
        );
        let text =
            r#"{"apiVer$0sion": "v1", "spec": {"kind": "Workflow", "spec": {"type": "parallel"}}}"#;
        let (_, markdown) = hover_at(text).unwrap();
        assert!(
            markdown.starts_with("**`apiVersion`** · `v1.2` | `v1` · required\n\n"),
            "{markdown}"
        );
        assert!(markdown.contains("Older: `v1`"), "{markdown}");
    }

    #[test]
    fn no_hover_on_unknown_keys_or_outside_ours() {
        assert_eq!(
            hover_at(
                r#"{"apiVersion": "v1.2", "bo$0gus": 1, "spec": {"kind": "Workflow", "spec": {"type": "parallel"}}}"#
            ),
            None
        );
        assert_eq!(hover_at(r#"{"na$0me": "not ours"}"#), None);
    }
}
