//! Shares the repeated parts of a schema file: a schema written out at several places of one
//! file (the same ports, build settings or registry credentials in several node kinds) becomes a
//! definition of that file, `shared.<first place>`, which each place references. Validation,
//! hover and completion read the same schemas; the files are about a third smaller, and the
//! server parses, holds and compiles each shared part once (`jsonschema` compiles a `$ref`
//! target once per validator).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

/// Schemas shorter than this (compact JSON, in bytes) stay where they are: a reference would
/// save little and make the file harder to read.
pub const MIN_SHARED_LEN: usize = 150;

/// Keywords whose value is a schema.
const SCHEMA_KEYWORDS: &[&str] = &[
    "items",
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedProperties",
    "unevaluatedItems",
];
/// Keywords whose value is an array of schemas.
const SCHEMA_ARRAYS: &[&str] = &["anyOf", "oneOf", "allOf", "prefixItems"];
/// Keywords whose value maps names to schemas.
const SCHEMA_MAPS: &[&str] = &[
    "properties",
    "patternProperties",
    "dependentSchemas",
    "$defs",
];

/// Shares every schema of at least [`MIN_SHARED_LEN`] bytes that `file` holds more than once,
/// largest saving first (a part shared inside a larger shared part counts once). A repeated
/// schema equal to one of the file's definitions is replaced by a reference to that definition.
pub fn share_repeated(file: &mut Value) {
    // Rounds: each collects the file's schemas once and shares the candidates in order of
    // saving, skipping those an earlier one changed (they are found again in the next round).
    loop {
        let mut places: BTreeMap<String, Places> = BTreeMap::new();
        collect(file, "", Position::Root, &mut places);
        let mut candidates: Vec<(usize, String, Places)> = places
            .into_iter()
            .filter(|(text, places)| text.len() >= MIN_SHARED_LEN && places.saving(text) > 0)
            .map(|(text, places)| (places.saving(&text), text, places))
            .collect();
        candidates.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        let mut shared = false;
        for (_, text, found) in candidates {
            let schema: Value = serde_json::from_str(&text).expect("collected from a JSON value");
            let definition = found
                .definition
                .filter(|name| definitions(file).get(name) == Some(&schema));
            let copies = replace(file, Position::Root, &schema, None);
            if copies < if definition.is_some() { 1 } else { 2 } {
                continue;
            }
            let name = match &definition {
                Some(name) => name.clone(),
                None => unique_name(file, &found.inline[0]),
            };
            let reference = json!({ "$ref": format!("#/$defs/{name}") });
            replace(file, Position::Root, &schema, Some(&reference));
            if definition.is_none() {
                definitions(file).insert(name, schema);
            }
            shared = true;
        }
        if !shared {
            return;
        }
    }
}

/// Where one schema text stands in the file.
#[derive(Default)]
struct Places {
    /// The file's own definition with this content, if any.
    definition: Option<String>,
    /// Readable names of the other places, in document order.
    inline: Vec<String>,
}

impl Places {
    /// Bytes saved by sharing: every inline copy but one becomes a reference (all of them when
    /// a definition already holds the schema).
    fn saving(&self, text: &str) -> usize {
        let kept = usize::from(self.definition.is_none());
        self.inline.len().saturating_sub(kept) * text.len()
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Position {
    /// The file itself.
    Root,
    /// A definition of the file (`$defs` at the top).
    Definition,
    /// Any other schema.
    Inline,
}

fn collect(schema: &Value, place: &str, position: Position, places: &mut BTreeMap<String, Places>) {
    let Value::Object(map) = schema else {
        return;
    };
    match position {
        Position::Root => {}
        Position::Definition => {
            let text = serde_json::to_string(schema).expect("serialisable");
            places.entry(text).or_default().definition = Some(place.to_owned());
        }
        Position::Inline => {
            let text = serde_json::to_string(schema).expect("serialisable");
            places
                .entry(text)
                .or_default()
                .inline
                .push(place.to_owned());
        }
    }
    for (key, value) in map {
        if SCHEMA_KEYWORDS.contains(&key.as_str()) {
            collect(value, &format!("{place}.{key}"), Position::Inline, places);
        } else if SCHEMA_ARRAYS.contains(&key.as_str()) {
            for (index, item) in value.as_array().into_iter().flatten().enumerate() {
                collect(
                    item,
                    &format!("{place}.{key}{index}"),
                    Position::Inline,
                    places,
                );
            }
        } else if SCHEMA_MAPS.contains(&key.as_str()) {
            for (name, item) in value.as_object().into_iter().flatten() {
                if position == Position::Root && key == "$defs" {
                    collect(item, name, Position::Definition, places);
                } else {
                    collect(item, &format!("{place}.{name}"), Position::Inline, places);
                }
            }
        }
    }
}

/// Counts the inline copies of `schema` under `value`, replacing each by `reference` if given.
fn replace(
    value: &mut Value,
    position: Position,
    schema: &Value,
    reference: Option<&Value>,
) -> usize {
    let Value::Object(map) = value else {
        return 0;
    };
    let mut copies = 0;
    for (key, child) in map.iter_mut() {
        let visit = |child: &mut Value, position: Position| {
            if position == Position::Inline && child == schema {
                if let Some(reference) = reference {
                    *child = reference.clone();
                }
                1
            } else {
                replace(child, position, schema, reference)
            }
        };
        if SCHEMA_KEYWORDS.contains(&key.as_str()) {
            copies += visit(child, Position::Inline);
        } else if SCHEMA_ARRAYS.contains(&key.as_str()) {
            if let Value::Array(items) = child {
                copies += items
                    .iter_mut()
                    .map(|item| visit(item, Position::Inline))
                    .sum::<usize>();
            }
        } else if SCHEMA_MAPS.contains(&key.as_str())
            && let Value::Object(items) = child
        {
            let top = position == Position::Root && key == "$defs";
            for item in items.values_mut() {
                copies += visit(
                    item,
                    if top {
                        Position::Definition
                    } else {
                        Position::Inline
                    },
                );
            }
        }
    }
    copies
}

/// `shared.<place>` (the owning node kind without its `node.` prefix; characters a URI fragment
/// would need escaped become `_`), made unique in the file.
fn unique_name(file: &Value, place: &str) -> String {
    let place: String = place
        .strip_prefix("node.")
        .unwrap_or(place)
        .chars()
        // What a URI fragment (and a JSON pointer) takes as it is.
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let taken: BTreeSet<&str> = file
        .get("$defs")
        .and_then(Value::as_object)
        .map(|defs| defs.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let base = format!("shared.{place}");
    (1..)
        .map(|n| {
            if n == 1 {
                base.clone()
            } else {
                format!("{base}-{n}")
            }
        })
        .find(|name| !taken.contains(name.as_str()))
        .expect("an unused name")
}

fn definitions(file: &mut Value) -> &mut Map<String, Value> {
    let root = file.as_object_mut().expect("a schema file is an object");
    root.entry("$defs")
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()
        .expect("`$defs` is an object")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn big(name: &str) -> Value {
        json!({
            "type": "object",
            "description": format!("{name}: a schema long enough to be worth sharing between places"),
            "properties": { "a": { "type": "string" }, "b": { "type": "integer" } },
            "additionalProperties": false
        })
    }

    #[test]
    fn repeated_schemas_become_one_shared_definition() {
        let mut file = json!({
            "$defs": {
                "node.A": { "properties": { "spec": { "properties": { "ports": big("ports") } } } },
                "node.B": { "properties": { "spec": { "properties": {
                    "ports": big("ports"),
                    "other": { "anyOf": [big("ports"), { "type": "null" }] }
                } } } },
                "node.C": { "properties": { "once": big("once") } }
            }
        });
        share_repeated(&mut file);
        let reference = json!({ "$ref": "#/$defs/shared.A.spec.ports" });
        assert_eq!(file["$defs"]["shared.A.spec.ports"], big("ports"));
        assert_eq!(
            file["$defs"]["node.A"]["properties"]["spec"]["properties"]["ports"],
            reference
        );
        assert_eq!(
            file["$defs"]["node.B"]["properties"]["spec"]["properties"]["ports"],
            reference
        );
        assert_eq!(
            file["$defs"]["node.B"]["properties"]["spec"]["properties"]["other"]["anyOf"][0],
            reference
        );
        // Written once: left in place.
        assert_eq!(file["$defs"]["node.C"]["properties"]["once"], big("once"));
        assert_eq!(file["$defs"].as_object().unwrap().len(), 4);
    }

    #[test]
    fn a_copy_of_a_definition_references_it_and_small_or_non_schema_values_stay() {
        let small = json!({ "type": "string", "minLength": 1 });
        let mut file = json!({
            "$defs": {
                "credentials": big("credentials"),
                "node.A": { "properties": {
                    "login": big("credentials"),
                    "x": small.clone(),
                    "y": small.clone(),
                    // Not a schema position: an example that happens to look like one.
                    "z": { "examples": [big("credentials")], "type": "object" }
                } }
            }
        });
        share_repeated(&mut file);
        let node = &file["$defs"]["node.A"]["properties"];
        assert_eq!(node["login"], json!({ "$ref": "#/$defs/credentials" }));
        assert_eq!(node["x"], small);
        assert_eq!(node["y"], small);
        assert_eq!(node["z"]["examples"][0], big("credentials"));
        assert_eq!(file["$defs"].as_object().unwrap().len(), 2);
    }

    #[test]
    fn a_part_repeated_only_inside_a_shared_part_is_not_shared_again() {
        let outer = json!({ "type": "object", "properties": { "inner": big("inner"), "more": big("more") } });
        let mut file = json!({
            "$defs": {
                "node.A": { "properties": { "p": outer.clone() } },
                "node.B": { "properties": { "q": outer.clone() } }
            }
        });
        share_repeated(&mut file);
        assert_eq!(file["$defs"]["shared.A.p"], outer);
        assert_eq!(file["$defs"].as_object().unwrap().len(), 3);
    }
}
