//! Deterministic JSON output: fixed key order (schema keywords first, then alphabetical),
//! two-space indentation, trailing newline.

use serde_json::{Map, Value};

/// Keywords that read best at the top of a schema object, in this order; everything else
/// follows alphabetically.
const FIRST: &[&str] = &[
    "$schema",
    "$id",
    "$ref",
    "title",
    "description",
    "x-nfls-summary",
    "x-nfls-docs",
    "type",
    "const",
    "enum",
    "pattern",
    "format",
    "minLength",
    "maxLength",
    "examples",
    "required",
    "properties",
    "additionalProperties",
    "items",
    "anyOf",
    "if",
    "then",
    "allOf",
];

/// Maps whose keys are names (property names, definition names), sorted alphabetically.
const NAME_MAPS: &[&str] = &["properties", "$defs", "x-nfls-node-kinds"];

pub fn canonical(value: &Value) -> Value {
    canon(value, false)
}

fn canon(value: &Value, name_map: bool) -> Value {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            if name_map {
                keys.sort();
            } else {
                keys.sort_by_key(|k| {
                    let rank = FIRST.iter().position(|f| f == k).unwrap_or(FIRST.len());
                    (rank, (*k).clone())
                });
            }
            let mut out = Map::new();
            for k in keys {
                let child_is_map = !name_map && NAME_MAPS.contains(&k.as_str());
                let mut v = canon(&map[k], child_is_map);
                if !name_map
                    && k == "required"
                    && let Value::Array(items) = &mut v
                {
                    items.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
                    items.dedup();
                }
                out.insert(k.clone(), v);
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(|v| canon(v, false)).collect()),
        other => other.clone(),
    }
}

/// Pretty text of a schema as written to disk.
pub fn to_text(value: &Value) -> String {
    let mut s = serde_json::to_string_pretty(&canonical(value)).expect("serialisable");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keywords_first_names_sorted_required_sorted() {
        let v = json!({
            "properties": { "b": { "type": "string" }, "a": { "anyOf": [], "description": "x" } },
            "required": ["b", "a"],
            "type": "object",
            "$id": "i"
        });
        assert_eq!(
            to_text(&v),
            "{\n  \"$id\": \"i\",\n  \"type\": \"object\",\n  \"required\": [\n    \"a\",\n    \"b\"\n  ],\n  \"properties\": {\n    \"a\": {\n      \"description\": \"x\",\n      \"anyOf\": []\n    },\n    \"b\": {\n      \"type\": \"string\"\n    }\n  }\n}\n"
        );
    }

    #[test]
    fn property_named_like_a_keyword_is_sorted_as_a_name() {
        let v = json!({ "properties": { "type": {}, "enum": {}, "apiVersion": {} } });
        let keys: Vec<String> = canonical(&v)["properties"]
            .as_object()
            .expect("object")
            .keys()
            .cloned()
            .collect();
        assert_eq!(keys, ["apiVersion", "enum", "type"]);
    }
}
