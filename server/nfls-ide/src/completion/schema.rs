//! Completion from the schemas: keys allowed at the cursor, values (enums, booleans, node and
//! sub-kinds), whole workflow steps with their required fields, and a whole-document skeleton.
//!
//! It works on half-typed files, reading the tolerant tree plus the text around the cursor:
//! an unquoted key being typed (`{ ty$0 }`), a key with an open quote (`{ "ty$0 }`), a missing
//! comma before the cursor (added by an additional edit), a cursor after `:` with no value yet,
//! and an unterminated string. The edit range always covers exactly what was typed for the
//! item (quotes included), so accepting an item never leaves a stray quote behind.
//!
//! Multi-line snippets (steps, documents) are indented for the cursor's line as is: the LSP
//! layer should send them with `InsertTextMode::AsIs`.

use nfls_schema::{
    Choice, DocumentKind, JsonType, NodePosition, PropertyInfo, SchemaInfo, SchemaSet,
};
use nfls_syntax::{Member, NodeKind, Object, PathSegment, TextRange, Tree, Value};
use serde_json::Value as Json;

use crate::Analysis;
use crate::schema_fixes::{indent_unit, line_indent, quote};
use crate::types::{CompletionItem, CompletionKind, TextEdit};

pub(super) fn completions(analysis: &Analysis, offset: u32) -> Vec<CompletionItem> {
    let Some(classification) = &analysis.classification else {
        return Vec::new();
    };
    let context = Context {
        kind: classification.kind,
        tree: &analysis.parse.tree,
        schemas: SchemaSet::embedded(),
        offset,
    };
    context.complete()
}

struct Context<'a> {
    kind: DocumentKind,
    tree: &'a Tree,
    schemas: &'static SchemaSet,
    offset: u32,
}

/// What is being typed, and where the item's text goes.
struct Edit {
    range: TextRange,
    /// Inserted after the item (a comma before a following member).
    suffix: &'static str,
    /// Edits elsewhere (a comma after the previous member).
    additional: Vec<TextEdit>,
}

impl Context<'_> {
    fn text(&self) -> &str {
        self.tree.text()
    }

    fn complete(&self) -> Vec<CompletionItem> {
        let Some(root) = self.tree.root() else {
            return self.document_skeleton(TextRange::new(0, self.text().len() as u32));
        };
        if let Some(member) = self.tree.covering_member(self.offset)
            && member.key_range().start < self.offset
            && member.key_range().contains_inclusive(self.offset)
        {
            return self.key_being_typed(member);
        }
        if let Some(member) = self.member_after_colon() {
            let edit = Edit {
                range: TextRange::empty(self.offset),
                suffix: "",
                additional: Vec::new(),
            };
            return self.value_items(member, &edit);
        }
        let Some(value) = self.tree.covering_value(self.offset) else {
            return Vec::new();
        };
        match value.kind() {
            NodeKind::Object => {
                let object = value.as_object().expect("an object value");
                if !self.inside(value) {
                    return Vec::new();
                }
                let edit = self.edit_between_members(object);
                let mut items = self.key_items(object, None, &edit, false);
                if value == root && object.is_empty() {
                    items.extend(self.document_skeleton(value.range()));
                }
                items
            }
            NodeKind::Array => {
                if !self.inside(value) {
                    return Vec::new();
                }
                self.array_items(value)
            }
            _ => {
                let Some(member) = value.parent_member() else {
                    return Vec::new();
                };
                let edit = Edit {
                    range: self.typed_range(
                        value.range(),
                        value.is_terminated_string() || value.kind() != NodeKind::String,
                    ),
                    suffix: "",
                    additional: Vec::new(),
                };
                self.value_items(member, &edit)
            }
        }
    }

    /// The cursor is between a container's brackets (not on them).
    fn inside(&self, container: Value<'_>) -> bool {
        let range = container.range();
        let closed = container.as_object().map_or_else(
            || container.as_array().is_some_and(|array| array.is_closed()),
            |object| object.is_closed(),
        );
        self.offset > range.start && (!closed || self.offset < range.end)
    }

    /// What was typed of a key or string (see [`super::typed_range`]).
    fn typed_range(&self, range: TextRange, closed: bool) -> TextRange {
        super::typed_range(self.text(), self.offset, range, closed, "_-.$/")
    }

    fn key_being_typed(&self, member: Member<'_>) -> Vec<CompletionItem> {
        let object = member.object();
        let closed = super::key_closed(member);
        let range = self.typed_range(member.key_range(), closed);
        let mut additional = Vec::new();
        if let Some(previous) = member
            .index()
            .checked_sub(1)
            .and_then(|index| object.members().nth(index))
        {
            let between =
                &self.text()[previous.range().end as usize..member.key_range().start as usize];
            if !between.contains(',') {
                additional.push(TextEdit::insert(previous.range().end, ","));
            }
        }
        let edit = Edit {
            range,
            suffix: "",
            additional,
        };
        self.key_items(object, Some(member), &edit, member.colon().is_some())
    }

    /// A member whose `:` is the last thing before the cursor and that has no value yet.
    fn member_after_colon(&self) -> Option<Member<'_>> {
        let before = self.text()[..self.offset as usize].trim_end_matches([' ', '\t', '\r', '\n']);
        if !before.ends_with(':') {
            return None;
        }
        let colon = before.len() as u32 - 1;
        let member = self.tree.covering_member(colon)?;
        (member.colon() == Some(colon) && member.value().is_none()).then_some(member)
    }

    /// The edit for a new member at the cursor inside `object`: commas before and after as
    /// needed to keep the JSON valid.
    fn edit_between_members(&self, object: Object<'_>) -> Edit {
        let text = self.text();
        let mut additional = Vec::new();
        if let Some(previous) = object
            .members()
            .rev()
            .find(|member| member.range().end <= self.offset)
            && !text[previous.range().end as usize..self.offset as usize].contains(',')
        {
            additional.push(TextEdit::insert(previous.range().end, ","));
        }
        let suffix = match object
            .members()
            .find(|member| member.key_range().start >= self.offset)
        {
            Some(next)
                if !text[self.offset as usize..next.key_range().start as usize].contains(',') =>
            {
                ","
            }
            _ => "",
        };
        Edit {
            range: TextRange::empty(self.offset),
            suffix,
            additional,
        }
    }

    /// Keys of `object` the schemas allow and the object does not have yet.
    fn key_items(
        &self,
        object: Object<'_>,
        typing: Option<Member<'_>>,
        edit: &Edit,
        has_colon: bool,
    ) -> Vec<CompletionItem> {
        let path = object.value().path();
        let Some(info) = self.schemas.schema_at(self.kind, self.tree, &path) else {
            return Vec::new();
        };
        let typed = &self.text()[edit.range.start as usize..edit.range.end as usize];
        let quoted = typed.starts_with('"');
        let mut items = Vec::new();
        for property in &info.properties {
            let present = object
                .members()
                .any(|member| Some(member) != typing && member.key() == property.name);
            if present {
                continue;
            }
            let (new_text, is_snippet) = if has_colon {
                (quote(&property.name), false)
            } else {
                (
                    format!(
                        "{}: {}{}",
                        snippet_escape(&quote(&property.name)),
                        value_snippet(&info, property),
                        edit.suffix
                    ),
                    true,
                )
            };
            items.push(CompletionItem {
                label: property.name.clone(),
                kind: CompletionKind::Property,
                detail: Some(type_detail(property)),
                documentation: property.description.clone(),
                edit: TextEdit::replace(edit.range, new_text),
                is_snippet,
                additional_edits: edit.additional.clone(),
                sort_text: Some(format!(
                    "{}{}",
                    if property.required { 0 } else { 1 },
                    property.name
                )),
                filter_text: Some(if quoted {
                    quote(&property.name)
                } else {
                    property.name.clone()
                }),
                deprecated: false,
            });
        }
        items
    }

    /// Values for the member's value: discriminator choices (node kinds, sub-kinds), enum
    /// values, booleans.
    fn value_items(&self, member: Member<'_>, edit: &Edit) -> Vec<CompletionItem> {
        let object_path = member.object().value().path();
        let mut path = object_path.clone();
        path.push(PathSegment::Key(member.key().to_owned()));
        let typed = &self.text()[edit.range.start as usize..edit.range.end as usize];
        let quoted = typed.starts_with('"');
        if let Some(parent) = self.schemas.schema_at(self.kind, self.tree, &object_path)
            && let Some(discriminator) = parent
                .discriminator
                .filter(|found| found.property == member.key())
        {
            let node = discriminator.node.is_some();
            return discriminator
                .choices
                .iter()
                .map(|choice| {
                    self.value_item(
                        &Json::String(choice.value.clone()),
                        choice_detail(choice, node),
                        choice
                            .summary
                            .clone()
                            .or_else(|| choice.description.clone()),
                        if node {
                            CompletionKind::NodeKind
                        } else {
                            CompletionKind::Enum
                        },
                        edit,
                        quoted,
                    )
                })
                .collect();
        }
        let Some(info) = self.schemas.schema_at(self.kind, self.tree, &path) else {
            return Vec::new();
        };
        let mut values = info.enum_values.clone();
        if values.is_empty() && info.types.contains(&JsonType::Boolean) {
            values = vec![Json::Bool(true), Json::Bool(false)];
        }
        values
            .iter()
            .map(|value| {
                let legacy = info.legacy_values.contains(value);
                let mut item = self.value_item(
                    value,
                    if legacy {
                        Some("older value".to_owned())
                    } else {
                        None
                    },
                    info.description.clone(),
                    CompletionKind::Enum,
                    edit,
                    quoted,
                );
                item.deprecated = legacy;
                item
            })
            .collect()
    }

    fn value_item(
        &self,
        value: &Json,
        detail: Option<String>,
        documentation: Option<String>,
        kind: CompletionKind,
        edit: &Edit,
        quoted: bool,
    ) -> CompletionItem {
        let text = value.to_string();
        let label = value.as_str().map_or_else(|| text.clone(), str::to_owned);
        CompletionItem {
            label: label.clone(),
            kind,
            detail,
            documentation,
            edit: TextEdit::replace(edit.range, format!("{text}{}", edit.suffix)),
            is_snippet: false,
            additional_edits: edit.additional.clone(),
            sort_text: None,
            filter_text: Some(if quoted && value.is_string() {
                text
            } else {
                label
            }),
            deprecated: false,
        }
    }

    /// Inside an array: whole steps where the items are workflow nodes, else enum values.
    fn array_items(&self, array: Value<'_>) -> Vec<CompletionItem> {
        let Some(elements) = array.as_array() else {
            return Vec::new();
        };
        let index = elements
            .elements()
            .filter(|element| element.range().end <= self.offset)
            .count();
        let mut path = array.path();
        path.push(PathSegment::Index(index));
        let Some(info) = self.schemas.schema_at(self.kind, self.tree, &path) else {
            return Vec::new();
        };
        let text = self.text();
        let mut additional = Vec::new();
        if let Some(previous) = elements
            .elements()
            .rev()
            .find(|element| element.range().end <= self.offset)
            && !text[previous.range().end as usize..self.offset as usize].contains(',')
        {
            additional.push(TextEdit::insert(previous.range().end, ","));
        }
        let suffix = match elements
            .elements()
            .find(|element| element.range().start >= self.offset)
        {
            Some(next)
                if !text[self.offset as usize..next.range().start as usize].contains(',') =>
            {
                ","
            }
            _ => "",
        };
        let edit = Edit {
            range: TextRange::empty(self.offset),
            suffix,
            additional,
        };
        match info
            .discriminator
            .as_ref()
            .filter(|found| found.node.is_some())
        {
            Some(discriminator) => discriminator
                .choices
                .iter()
                .map(|choice| self.step_item(choice, discriminator.node, &edit))
                .collect(),
            None => info
                .enum_values
                .iter()
                .map(|value| {
                    self.value_item(
                        value,
                        None,
                        info.description.clone(),
                        CompletionKind::Enum,
                        &edit,
                        false,
                    )
                })
                .collect(),
        }
    }

    /// A whole workflow step: `{"kind": "X", "ref": "$1", "spec": {…required…}}`, indented for
    /// the cursor's line.
    fn step_item(
        &self,
        choice: &Choice,
        position: Option<NodePosition>,
        edit: &Edit,
    ) -> CompletionItem {
        let text = self.text();
        let unit = indent_unit(text);
        let line = line_indent(text, self.offset);
        let line_start = text[..self.offset as usize]
            .rfind('\n')
            .map_or(0, |index| index + 1);
        let alone = text[line_start..self.offset as usize].trim().is_empty();
        let element = if alone {
            line.to_owned()
        } else {
            format!("{line}{unit}")
        };
        let lead = if alone {
            String::new()
        } else {
            format!("\n{element}")
        };
        let inner = format!("{element}{unit}");
        let mut tabstop = 2;
        let spec = self.schemas.schema_of(&choice.target, &["spec"]);
        let spec_text = match &spec {
            Some(spec) if !spec.required.is_empty() => {
                let members: Vec<String> = spec
                    .required
                    .iter()
                    .map(|name| {
                        let property = spec
                            .properties
                            .iter()
                            .find(|property| &property.name == name);
                        let value = property.map_or_else(
                            || "$9".to_owned(),
                            |property| numbered_snippet(spec, property, &mut tabstop),
                        );
                        format!("{inner}{unit}{}: {value}", snippet_escape(&quote(name)))
                    })
                    .collect();
                format!("{{\n{}\n{inner}}}", members.join(",\n"))
            }
            _ => format!("{{${tabstop}}}"),
        };
        let new_text = format!(
            "{lead}{{\n{inner}\"kind\": {},\n{inner}\"ref\": \"$1\",\n{inner}\"spec\": {spec_text}\n{element}}}{}",
            snippet_escape(&quote(&choice.value)),
            edit.suffix
        );
        let teardown = position.is_some_and(|position| position.teardown);
        CompletionItem {
            label: choice.value.clone(),
            kind: CompletionKind::NodeKind,
            detail: Some(if teardown {
                "teardown step".to_owned()
            } else {
                "workflow step".to_owned()
            }),
            documentation: choice.summary.clone().map(|summary| match &choice.docs {
                Some(docs) => format!("{summary}\n\n[Northflank docs]({docs})"),
                None => summary,
            }),
            edit: TextEdit::replace(edit.range, new_text),
            is_snippet: true,
            additional_edits: edit.additional.clone(),
            sort_text: Some(if choice.value == "Workflow" {
                "0".to_owned()
            } else {
                format!("1{}", choice.value)
            }),
            filter_text: Some(choice.value.clone()),
            deprecated: false,
        }
    }

    /// A whole document of this kind: the keys its schema has, with a `Workflow` root.
    fn document_skeleton(&self, range: TextRange) -> Vec<CompletionItem> {
        let parse = nfls_syntax::parse("{}");
        let Some(root) = self.schemas.schema_at(self.kind, &parse.tree, &[]) else {
            return Vec::new();
        };
        let has = |name: &str| root.properties.iter().any(|property| property.name == name);
        let options = self.schemas.schema_at(
            self.kind,
            &parse.tree,
            &[PathSegment::Key("options".to_owned())],
        );
        let policy = options
            .as_ref()
            .and_then(|options| {
                options
                    .properties
                    .iter()
                    .find(|property| property.name == "concurrencyPolicy")
            })
            .map(|property| choice_list(&property.enum_values));
        let mut lines: Vec<String> = vec!["  \"apiVersion\": \"v1.2\"".to_owned()];
        let mut tabstop = 1;
        let mut next = || {
            let current = tabstop;
            tabstop += 1;
            current
        };
        let named = matches!(
            self.kind,
            DocumentKind::Template | DocumentKind::Workflow | DocumentKind::PreviewBlueprint
        );
        if named && has("name") {
            lines.push(format!("  \"name\": \"${{{}:name}}\"", next()));
        }
        if named && has("description") {
            lines.push(format!("  \"description\": \"${}\"", next()));
        }
        if has("arguments") {
            lines.push("  \"arguments\": {}".to_owned());
        }
        if has("options")
            && let Some(policy) = &policy
        {
            lines.push(format!(
                "  \"options\": {{\n    \"concurrencyPolicy\": \"${{{}|{policy}|}}\"\n  }}",
                next()
            ));
        }
        if has("triggers") && !named {
            lines.push("  \"triggers\": []".to_owned());
        }
        let workflow_types = self
            .schemas
            .schema_at(
                self.kind,
                &nfls_syntax::parse(r#"{"spec": {"kind": "Workflow"}}"#).tree,
                &[
                    PathSegment::Key("spec".to_owned()),
                    PathSegment::Key("spec".to_owned()),
                    PathSegment::Key("type".to_owned()),
                ],
            )
            .map(|info| choice_list(&info.enum_values))
            .unwrap_or_else(|| "sequential,parallel".to_owned());
        lines.push(format!(
            "  \"spec\": {{\n    \"kind\": \"Workflow\",\n    \"spec\": {{\n      \"type\": \"${{{}|{workflow_types}|}}\",\n      \"steps\": [$0]\n    }}\n  }}",
            next()
        ));
        let new_text = format!("{{\n{}\n}}", lines.join(",\n"));
        vec![CompletionItem {
            label: format!("{} skeleton", self.kind.label()),
            kind: CompletionKind::Snippet,
            detail: Some(format!("a whole {}", self.kind.label())),
            documentation: None,
            edit: TextEdit::replace(range, new_text),
            is_snippet: true,
            additional_edits: Vec::new(),
            sort_text: Some("~".to_owned()),
            filter_text: None,
            deprecated: false,
        }]
    }
}

fn choice_detail(choice: &Choice, node: bool) -> Option<String> {
    if node {
        Some("node kind".to_owned())
    } else {
        choice.summary.clone()
    }
}

/// `a,b,c` for a snippet choice (`${1|a,b,c|}`), each value escaped.
fn choice_list(values: &[Json]) -> String {
    values
        .iter()
        .map(|value| {
            value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_owned)
        })
        .map(|value| {
            value
                .replace('\\', "\\\\")
                .replace(',', "\\,")
                .replace('|', "\\|")
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// Escapes text that goes literally into a snippet.
fn snippet_escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('$', "\\$")
        .replace('}', "\\}")
}

/// The value snippet for a new key, by the property's type (tab stop 1, cursor after it).
fn value_snippet(object: &SchemaInfo, property: &PropertyInfo) -> String {
    if let Some(discriminator) = &object.discriminator
        && discriminator.property == property.name
    {
        let values: Vec<Json> = discriminator
            .choices
            .iter()
            .map(|choice| Json::String(choice.value.clone()))
            .collect();
        return format!("\"${{1|{}|}}\"", choice_list(&values));
    }
    let mut tabstop = 1;
    numbered_snippet(object, property, &mut tabstop)
}

/// A value snippet using tab stop `*tabstop` (advanced past it).
fn numbered_snippet(_object: &SchemaInfo, property: &PropertyInfo, tabstop: &mut u32) -> String {
    let n = *tabstop;
    *tabstop += 1;
    if !property.enum_values.is_empty() {
        let all_strings = property.enum_values.iter().all(Json::is_string);
        let list = choice_list(&property.enum_values);
        return if all_strings {
            format!("\"${{{n}|{list}|}}\"")
        } else {
            format!("${{{n}|{list}|}}")
        };
    }
    match property.types.as_slice() {
        [JsonType::String] => format!("\"${n}\""),
        [JsonType::Object] | [JsonType::Object, JsonType::Null] => format!("{{${n}}}"),
        [JsonType::Array] => format!("[${n}]"),
        [JsonType::Integer] | [JsonType::Number] => format!("${{{n}:0}}"),
        [JsonType::Boolean] => format!("${{{n}|true,false|}}"),
        _ if property.accepts_expression && property.types.contains(&JsonType::String) => {
            format!("\"${n}\"")
        }
        _ => format!("${n}"),
    }
}

fn type_detail(property: &PropertyInfo) -> String {
    let mut parts: Vec<&str> = property
        .types
        .iter()
        .map(|json_type| json_type.name())
        .collect();
    if parts.is_empty() {
        parts.push("any");
    }
    let mut out = parts.join(" | ");
    if property.accepts_expression {
        out.push_str(" | ${…}");
    }
    if property.required {
        out.push_str(" · required");
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::types::{CompletionItem, TextEdit};
    use crate::{AnalysisConfig, analyze, completions};
    use nfls_syntax::TextRange;

    /// `$0` marks the cursor; the file is a `northflank.json` (ours even when empty).
    fn complete(fixture: &str) -> (String, Vec<CompletionItem>) {
        let offset = fixture.find("$0").expect("fixture has a cursor") as u32;
        let text = fixture.replacen("$0", "", 1);
        let analysis = analyze(&text, Some("northflank.json"), &AnalysisConfig::default());
        (text, completions(&analysis, offset))
    }

    fn find<'a>(items: &'a [CompletionItem], label: &str) -> &'a CompletionItem {
        items
            .iter()
            .find(|item| item.label == label)
            .unwrap_or_else(|| {
                panic!(
                    "no item {label} in {:?}",
                    items.iter().map(|item| &item.label).collect::<Vec<_>>()
                )
            })
    }

    fn labels(items: &[CompletionItem]) -> Vec<&str> {
        let mut labels: Vec<&str> = items.iter().map(|item| item.label.as_str()).collect();
        labels.sort();
        labels
    }

    fn range_of(text: &str, needle: &str) -> TextRange {
        let start = text
            .find(needle)
            .unwrap_or_else(|| panic!("{needle} not in {text}")) as u32;
        TextRange::new(start, start + needle.len() as u32)
    }

    const WORKFLOW: &str =
        r#"{"apiVersion": "v1.2", "spec": {"kind": "Workflow", "spec": {CURSOR}}}"#;

    #[test]
    fn unquoted_key_being_typed() {
        let (text, items) = complete(&WORKFLOW.replace("CURSOR", " ty$0 "));
        assert_eq!(labels(&items), vec!["context", "steps", "type"]);
        let item = find(&items, "type");
        assert_eq!(
            item.edit,
            TextEdit::replace(
                range_of(&text, "ty"),
                "\"type\": \"${1|sequential,parallel|}\""
            )
        );
        assert!(item.is_snippet);
        assert_eq!(item.filter_text.as_deref(), Some("type"));
        assert_eq!(find(&items, "steps").edit.new_text, "\"steps\": [$1]");
        assert_eq!(find(&items, "context").edit.new_text, "\"context\": {$1}");
    }

    #[test]
    fn key_with_an_open_quote() {
        let (text, items) = complete(&WORKFLOW.replace("CURSOR", "\"ty$0"));
        let item = find(&items, "type");
        assert_eq!(item.edit.range, range_of(&text, "\"ty"));
        assert_eq!(item.filter_text.as_deref(), Some("\"type\""));
        // A closed key with a colon: only the key is replaced.
        let (text, items) = complete(&WORKFLOW.replace("CURSOR", "\"ty$0pe\": \"parallel\""));
        let item = find(&items, "steps");
        assert_eq!(
            item.edit,
            TextEdit::replace(range_of(&text, "\"type\""), "\"steps\"")
        );
        assert!(!item.is_snippet);
        assert!(
            items.iter().any(|item| item.label == "type"),
            "the key being edited is offered again"
        );
    }

    #[test]
    fn missing_comma_before_the_cursor() {
        let (text, items) =
            complete(&WORKFLOW.replace("CURSOR", "\"type\": \"parallel\"\n  \"st$0"));
        assert_eq!(labels(&items), vec!["context", "steps"]);
        let item = find(&items, "steps");
        assert_eq!(item.edit.range, range_of(&text, "\"st"));
        let after_value = range_of(&text, "\"parallel\"").end;
        assert_eq!(
            item.additional_edits,
            vec![TextEdit::insert(after_value, ",")]
        );
    }

    #[test]
    fn between_members_adds_commas_both_sides() {
        let (text, items) =
            complete(&WORKFLOW.replace("CURSOR", "\"type\": \"parallel\" $0 \"context\": {}"));
        let item = find(&items, "steps");
        assert_eq!(
            item.edit,
            TextEdit::insert(range_of(&text, "\"parallel\"").end + 1, "\"steps\": [$1],")
        );
        assert_eq!(
            item.additional_edits,
            vec![TextEdit::insert(range_of(&text, "\"parallel\"").end, ",")]
        );
    }

    #[test]
    fn value_after_colon_and_in_strings() {
        let (text, items) = complete(&WORKFLOW.replace("CURSOR", "\"type\": $0"));
        assert_eq!(labels(&items), vec!["parallel", "sequential"]);
        let offset = text.find("\"type\": ").unwrap() as u32 + 8;
        assert_eq!(
            find(&items, "parallel").edit,
            TextEdit::insert(offset, "\"parallel\"")
        );
        // Inside a closed string the whole string is replaced.
        let (text, items) = complete(&WORKFLOW.replace("CURSOR", "\"type\": \"par$0\""));
        assert_eq!(
            find(&items, "parallel").edit,
            TextEdit::replace(range_of(&text, "\"par\""), "\"parallel\"")
        );
        assert_eq!(
            find(&items, "parallel").filter_text.as_deref(),
            Some("\"parallel\"")
        );
        // Inside an unterminated string: up to the end of the word, not of the line.
        let (text, items) = complete(&WORKFLOW.replace("CURSOR", "\"type\": \"par$0 }"));
        assert_eq!(
            find(&items, "parallel").edit.range,
            range_of(&text, "\"par")
        );
    }

    #[test]
    fn node_kinds_at_a_kind_value() {
        let (_, items) = complete(&WORKFLOW.replace(
            "CURSOR",
            "\"type\": \"parallel\", \"steps\": [{\"kind\": \"$0\"}]",
        ));
        assert!(items.iter().any(|item| item.label == "DeploymentService"));
        assert!(
            !items.iter().any(|item| item.label == "Release"),
            "release-flow kinds are not offered in a template"
        );
        assert!(!items.iter().any(|item| item.label == "OpenTofuDestroy"));
        assert_eq!(find(&items, "Project").detail.as_deref(), Some("node kind"));
        assert_eq!(
            find(&items, "Project").documentation.as_deref(),
            Some("Creates or updates a project.")
        );
    }

    #[test]
    fn whole_steps_in_steps() {
        let fixture = "{\n  \"apiVersion\": \"v1.2\",\n  \"spec\": {\n    \"kind\": \"Workflow\",\n    \"spec\": {\n      \"type\": \"parallel\",\n      \"steps\": [\n        $0\n      ]\n    }\n  }\n}";
        let (_, items) = complete(fixture);
        let workflow = find(&items, "Workflow");
        assert_eq!(
            workflow.edit.new_text,
            "{\n          \"kind\": \"Workflow\",\n          \"ref\": \"$1\",\n          \"spec\": {\n            \"type\": \"${2|sequential,parallel|}\"\n          }\n        }"
        );
        assert!(
            find(&items, "Project")
                .edit
                .new_text
                .contains("\"spec\": {$2}")
        );
        assert!(
            find(&items, "Approval")
                .edit
                .new_text
                .contains("\"spec\": {\n            \"amount\": ${2:0}\n          }")
        );
        let template = find(&items, "WorkflowTemplate");
        assert!(template.edit.new_text.contains("\"spec\": {\n            \"apiVersion\": \"${2|v1.2|}\",\n            \"name\": \"$3\"\n          }"), "{}", template.edit.new_text);
        assert!(!items.iter().any(|item| item.label == "Release"));
    }

    #[test]
    fn teardown_steps_offer_teardown_kinds() {
        let (_, items) = complete(
            r#"{"apiVersion": "v1.2", "spec": {"kind": "Workflow", "spec": {"type": "parallel"}}, "teardownSpec": {"spec": {"kind": "Workflow", "spec": {"type": "sequential", "steps": [$0]}}}}"#,
        );
        assert_eq!(
            labels(&items),
            vec![
                "Action",
                "Approval",
                "Condition",
                "JobRun",
                "LoopData",
                "LoopWorkflow",
                "Message",
                "OpenTofuDestroy",
                "Workflow"
            ]
        );
        assert_eq!(
            find(&items, "OpenTofuDestroy").detail.as_deref(),
            Some("teardown step")
        );
    }

    #[test]
    fn empty_file_gets_a_document_skeleton() {
        let (_, items) = complete("$0");
        assert_eq!(items.len(), 1);
        assert_eq!(
            items[0].edit.new_text,
            "{\n  \"apiVersion\": \"v1.2\",\n  \"name\": \"${1:name}\",\n  \"description\": \"$2\",\n  \"arguments\": {},\n  \"options\": {\n    \"concurrencyPolicy\": \"${3|allow,queue,forbid,latest,replace|}\"\n  },\n  \"spec\": {\n    \"kind\": \"Workflow\",\n    \"spec\": {\n      \"type\": \"${4|sequential,parallel|}\",\n      \"steps\": [$0]\n    }\n  }\n}"
        );
        let (text, items) = complete("{$0}");
        let skeleton = items
            .iter()
            .find(|item| item.label == "template skeleton")
            .unwrap();
        assert_eq!(skeleton.edit.range, TextRange::new(0, text.len() as u32));
        assert!(items.iter().any(|item| item.label == "apiVersion"));
    }

    #[test]
    fn release_flow_skeleton_has_triggers_and_no_name() {
        let analysis = analyze(
            "{}",
            Some("release.json"),
            &AnalysisConfig {
                associations: release_flow_association(),
                ..AnalysisConfig::default()
            },
        );
        let items = completions(&analysis, 1);
        let skeleton = items
            .iter()
            .find(|item| item.label == "release flow skeleton")
            .unwrap();
        assert!(skeleton.edit.new_text.contains("\"triggers\": []"));
        assert!(!skeleton.edit.new_text.contains("\"name\""));
    }

    /// Deep nesting, garbage and every offset of a half-typed file: no panic, no overflow.
    #[test]
    fn hostile_input_never_panics() {
        let deep = format!(
            "{{\"spec\": {}{}",
            "{\"spec\": ".repeat(10_000),
            "}".repeat(10_001)
        );
        let analysis = analyze(&deep, Some("northflank.json"), &AnalysisConfig::default());
        for offset in [0, 1, 9, 5_000, 60_000, deep.len() as u32] {
            let _ = completions(&analysis, offset);
            let _ = crate::hover(&analysis, offset);
        }
        let messy = "{\"apiVersion\": \"v1.2\", \"spec\": {\"kind\": \"Workflow\", \"spec\": {\"type\": \"par\n  \"steps\": [ {\"kind\": , ty \"é\": [1,, ]}";
        let analysis = analyze(messy, Some("northflank.json"), &AnalysisConfig::default());
        for offset in (0..=messy.len()).filter(|offset| messy.is_char_boundary(*offset)) {
            let _ = completions(&analysis, offset as u32);
            let _ = crate::hover(&analysis, offset as u32);
        }
    }

    fn release_flow_association() -> nfls_schema::Associations {
        let mut associations = nfls_schema::Associations::defaults();
        associations
            .push(
                "release.json",
                nfls_schema::Association::Kind(nfls_schema::DocumentKind::ReleaseFlow),
            )
            .unwrap();
        associations
    }
}
