//! Quick fixes for schema problems (did-you-mean replacements, "add the missing required
//! properties", `apiVersion` `v1` → `v1.2`), and the JSON text helpers they share with
//! completion: placeholder values by type and the indentation of the surrounding document.

use nfls_schema::{
    DocumentKind, JsonType, PropertyInfo, SchemaInfo, SchemaProblem, SchemaSet, Suggestion,
};
use nfls_syntax::{Object, PathSegment, TextRange, Tree, Value};
use serde_json::Value as Json;

use crate::types::{Fix, TextEdit};

/// The fixes for one schema problem.
pub(crate) fn fixes(tree: &Tree, kind: DocumentKind, problem: &SchemaProblem) -> Vec<Fix> {
    match &problem.suggestion {
        Some(Suggestion::Replace { range, text }) => vec![Fix {
            title: format!("Change to `{text}`"),
            edits: vec![TextEdit::replace(*range, text.clone())],
            preferred: true,
        }],
        Some(Suggestion::AddProperties { object, properties }) => {
            add_properties(tree, kind, object, properties)
                .into_iter()
                .collect()
        }
        None => Vec::new(),
    }
}

/// `"apiVersion": "v1"` → `"v1.2"`: only the value changes.
pub(crate) fn api_version_fixes(version: Value<'_>) -> Vec<Fix> {
    let Some(range) = version.string_content_range() else {
        return Vec::new();
    };
    vec![Fix {
        title: "Change `apiVersion` to `v1.2`".to_owned(),
        edits: vec![TextEdit::replace(range, "v1.2")],
        preferred: true,
    }]
}

/// One fix that inserts every missing required property of the object at `path`, each with a
/// placeholder value by type, in the object's own layout (one line or one member per line).
fn add_properties(
    tree: &Tree,
    kind: DocumentKind,
    path: &[PathSegment],
    names: &[String],
) -> Option<Fix> {
    let object = tree.pointer(path)?.as_object()?;
    if !object.is_closed() {
        return None;
    }
    let info = SchemaSet::embedded().schema_at(kind, tree, path)?;
    let layout = Layout::of(tree, object);
    let mut members = Vec::new();
    for name in names {
        let mut child = path.to_vec();
        child.push(PathSegment::Key(name.clone()));
        let value = placeholder(
            tree,
            kind,
            &child,
            info.properties
                .iter()
                .find(|property| &property.name == name),
            &layout,
            1,
            0,
        );
        members.push(format!("{}: {value}", quote(name)));
    }
    let edit = layout.insert_members(tree.text(), object, &members);
    let title = match names {
        [one] => format!("Add the missing property `{one}`"),
        _ => format!("Add the {} missing properties", names.len()),
    };
    Some(Fix {
        title,
        edits: vec![edit],
        preferred: false,
    })
}

/// How an object is laid out: on one line, or one member per line with this indentation.
pub(crate) struct Layout {
    /// The indentation of the object's own line.
    pub base: String,
    /// One level of indentation in this document.
    pub unit: String,
    pub multiline: bool,
}

impl Layout {
    pub(crate) fn of(tree: &Tree, object: Object<'_>) -> Layout {
        let text = tree.text();
        let start = object.value().range().start;
        let base = line_indent(text, start).to_owned();
        let unit = indent_unit(text);
        let multiline = match object.members().next() {
            Some(first) => text[start as usize..first.key_range().start as usize].contains('\n'),
            // An empty object: a skeleton reads better one member per line.
            None => true,
        };
        Layout {
            base,
            unit,
            multiline,
        }
    }

    /// The edit that adds `members` (already rendered `"key": value`) at the end of `object`.
    fn insert_members(&self, text: &str, object: Object<'_>, members: &[String]) -> TextEdit {
        let range = object.value().range();
        let inner = format!("{}{}", self.base, self.unit);
        match object.members().last() {
            Some(last) => {
                let mut end = last.range().end;
                // A trailing comma already there is reused rather than doubled.
                let rest = &text[end as usize..range.end as usize - 1];
                let trailing = rest.trim_start().starts_with(',');
                if trailing {
                    end += rest.find(',').unwrap_or(0) as u32 + 1;
                }
                let comma = if trailing { "" } else { "," };
                let joined = if self.multiline {
                    members
                        .iter()
                        .map(|member| format!("\n{inner}{member}"))
                        .collect::<Vec<_>>()
                        .join(",")
                } else {
                    members
                        .iter()
                        .map(|member| format!(" {member}"))
                        .collect::<Vec<_>>()
                        .join(",")
                };
                TextEdit::insert(end, format!("{comma}{joined}"))
            }
            None => {
                let body = members
                    .iter()
                    .map(|member| format!("{inner}{member}"))
                    .collect::<Vec<_>>()
                    .join(",\n");
                TextEdit::replace(
                    TextRange::new(range.start + 1, range.end - 1),
                    format!("\n{body}\n{}", self.base),
                )
            }
        }
    }
}

/// The leading whitespace of the line that holds `offset`.
pub(crate) fn line_indent(text: &str, offset: u32) -> &str {
    let offset = (offset as usize).min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |index| index + 1);
    let line = &text[line_start..];
    let width = line.len() - line.trim_start_matches([' ', '\t']).len();
    &line[..width]
}

/// The document's indentation unit: the first indented line's indentation (two spaces when
/// nothing is indented yet).
pub(crate) fn indent_unit(text: &str) -> String {
    for line in text.lines().skip(1) {
        let width = line.len() - line.trim_start_matches([' ', '\t']).len();
        if width > 0 && !line.trim().is_empty() {
            return line[..width].to_owned();
        }
    }
    "  ".to_owned()
}

pub(crate) fn quote(text: &str) -> String {
    Json::String(text.to_owned()).to_string()
}

/// A placeholder value for the property at `path` (it need not exist): the first enum value,
/// `""`, `0`, `false`, `[]`, or an object with its own required properties filled in (two
/// levels deep at most), laid out like `layout` at `depth` levels below it.
pub(crate) fn placeholder(
    tree: &Tree,
    kind: DocumentKind,
    path: &[PathSegment],
    property: Option<&PropertyInfo>,
    layout: &Layout,
    depth: usize,
    nesting: usize,
) -> String {
    let info = SchemaSet::embedded().schema_at(kind, tree, path);
    let types = property
        .map(|property| property.types.as_slice())
        .filter(|types| !types.is_empty())
        .or(info.as_ref().map(|info| info.types.as_slice()))
        .unwrap_or_default();
    let values = property
        .map(|property| property.enum_values.as_slice())
        .filter(|values| !values.is_empty())
        .or(info.as_ref().map(|info| info.enum_values.as_slice()))
        .unwrap_or_default();
    if let Some(first) = values.first() {
        return first.to_string();
    }
    match types.first() {
        Some(JsonType::Object) => {
            let Some(info) = info.filter(|info| !info.required.is_empty() && nesting < 2) else {
                return "{}".to_owned();
            };
            object_placeholder(tree, kind, path, &info, layout, depth, nesting)
        }
        Some(JsonType::Array) => "[]".to_owned(),
        Some(JsonType::Integer | JsonType::Number) => "0".to_owned(),
        Some(JsonType::Boolean) => "false".to_owned(),
        Some(JsonType::Null) => "null".to_owned(),
        Some(JsonType::String) | None => "\"\"".to_owned(),
    }
}

fn object_placeholder(
    tree: &Tree,
    kind: DocumentKind,
    path: &[PathSegment],
    info: &SchemaInfo,
    layout: &Layout,
    depth: usize,
    nesting: usize,
) -> String {
    let members: Vec<String> = info
        .required
        .iter()
        .map(|name| {
            let mut child = path.to_vec();
            child.push(PathSegment::Key(name.clone()));
            let property = info
                .properties
                .iter()
                .find(|property| &property.name == name);
            // A node's kind: a `Workflow` is what a new node position most often holds.
            let node_kind = info
                .discriminator
                .as_ref()
                .filter(|found| &found.property == name && found.node.is_some());
            if let Some(found) = node_kind
                && found
                    .choices
                    .iter()
                    .any(|choice| choice.value == "Workflow")
            {
                return format!("{}: \"Workflow\"", quote(name));
            }
            format!(
                "{}: {}",
                quote(name),
                placeholder(tree, kind, &child, property, layout, depth + 1, nesting + 1)
            )
        })
        .collect();
    if layout.multiline {
        let inner = format!("{}{}", layout.base, layout.unit.repeat(depth + 1));
        let outer = format!("{}{}", layout.base, layout.unit.repeat(depth));
        format!(
            "{{\n{}\n{outer}}}",
            members
                .iter()
                .map(|member| format!("{inner}{member}"))
                .collect::<Vec<_>>()
                .join(",\n")
        )
    } else {
        format!("{{{}}}", members.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AnalysisConfig, analyze};

    fn apply(text: &str, edits: &[TextEdit]) -> String {
        let mut out = text.to_owned();
        let mut edits = edits.to_vec();
        edits.sort_by_key(|edit| std::cmp::Reverse(edit.range.start));
        for edit in edits {
            out.replace_range(
                edit.range.start as usize..edit.range.end as usize,
                &edit.new_text,
            );
        }
        out
    }

    fn fixes_for(text: &str, code: &str) -> Vec<Fix> {
        let analysis = analyze(text, None, &AnalysisConfig::default());
        analysis
            .diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.code == code)
            .flat_map(|diagnostic| diagnostic.fixes.clone())
            .collect()
    }

    #[test]
    fn did_you_mean_fixes_replace_the_content() {
        let text = r#"{"apiVersion": "v1.2", "spec": {"kind": "Workflow", "spec": {"type": "paralel", "stepz": [{"kind": "DeploymentSevice", "spec": {}}]}}}"#;
        let enum_fix = &fixes_for(text, "schema/enum")[0];
        assert_eq!(enum_fix.title, "Change to `parallel`");
        assert!(apply(text, &enum_fix.edits).contains(r#""type": "parallel""#));
        let key_fix = &fixes_for(text, "schema/unknown-property")[0];
        assert!(apply(text, &key_fix.edits).contains(r#""steps": ["#));
        // The steps are not validated under an unknown key, so check the kind in a real step.
        let text = r#"{"apiVersion": "v1.2", "spec": {"kind": "DeploymentSevice", "spec": {}}}"#;
        let kind_fix = &fixes_for(text, "schema/unknown-node-kind")[0];
        assert_eq!(
            apply(text, &kind_fix.edits),
            r#"{"apiVersion": "v1.2", "spec": {"kind": "DeploymentService", "spec": {}}}"#
        );
    }

    #[test]
    fn api_version_fix_edits_only_the_value() {
        let text = "{\"apiVersion\": \"v1\", \"spec\": {\"kind\": \"Workflow\", \"spec\": {\"type\": \"parallel\"}}}";
        let fix = &fixes_for(text, "schema/api-version-v1")[0];
        assert_eq!(
            fix.edits,
            vec![TextEdit::replace(TextRange::new(16, 18), "v1.2")]
        );
    }

    #[test]
    fn add_missing_properties_multiline() {
        let text = "{\n  \"apiVersion\": \"v1.2\",\n  \"spec\": {\n    \"kind\": \"Workflow\",\n    \"spec\": {\n      \"steps\": []\n    }\n  }\n}\n";
        let fix = &fixes_for(text, "schema/missing-property")[0];
        assert_eq!(fix.title, "Add the missing property `type`");
        assert_eq!(
            apply(text, &fix.edits),
            "{\n  \"apiVersion\": \"v1.2\",\n  \"spec\": {\n    \"kind\": \"Workflow\",\n    \"spec\": {\n      \"steps\": [],\n      \"type\": \"sequential\"\n    }\n  }\n}\n"
        );
    }

    #[test]
    fn add_missing_properties_with_nested_skeleton_and_trailing_comma() {
        // A node without `spec`: the spec comes with its own required `type`.
        let text =
            "{\n  \"apiVersion\": \"v1.2\",\n  \"spec\": {\n    \"kind\": \"Workflow\",\n  }\n}";
        let fix = &fixes_for(text, "schema/missing-property")[0];
        assert_eq!(
            apply(text, &fix.edits),
            "{\n  \"apiVersion\": \"v1.2\",\n  \"spec\": {\n    \"kind\": \"Workflow\",\n    \"spec\": {\n      \"type\": \"sequential\"\n    }\n  }\n}"
        );
    }

    #[test]
    fn add_missing_properties_inline_and_empty() {
        let text = r#"{"apiVersion": "v1.2", "spec": {"kind": "Workflow", "spec": {"steps": []}}}"#;
        let fix = &fixes_for(text, "schema/missing-property")[0];
        assert_eq!(
            apply(text, &fix.edits),
            r#"{"apiVersion": "v1.2", "spec": {"kind": "Workflow", "spec": {"steps": [], "type": "sequential"}}}"#
        );
        let text = "{}";
        let analysis = analyze(text, Some("northflank.json"), &AnalysisConfig::default());
        let fix = &analysis
            .diagnostics
            .iter()
            .find(|diagnostic| diagnostic.code == "schema/missing-property")
            .unwrap()
            .fixes[0];
        assert_eq!(fix.title, "Add the 2 missing properties");
        assert_eq!(
            apply(text, &fix.edits),
            "{\n  \"apiVersion\": \"v1.2\",\n  \"spec\": {\n    \"kind\": \"Workflow\"\n  }\n}"
        );
    }
}
