//! The syntax tree as an instance representation for `jsonschema` ([`jsonschema::json::Json`]):
//! validation reads a unit straight from the error-tolerant tree instead of from a
//! `serde_json` copy of it.
//!
//! The tree is read exactly as [`nfls_syntax::Value::to_json_with_holes`] would convert it, so
//! that both give the same errors (a test holds them to it): a member without a value or whose
//! value is not a JSON value (an error node) is absent, and an earlier member of that key then
//! counts; of duplicate keys the last one counts (`JSON.parse`); an array element that is not a
//! JSON value is absent, so later elements move up; a number that does not convert (out of
//! range) and a nested unit (a hole) read as `null`. A unit's instance is the wrapper object
//! `{"<unit>": value}` its validator expects (see `nodewise`).

use std::borrow::Cow;

use jsonschema::JsonType;
use jsonschema::json::{Array, Json, Node, NodeIdentity, Object, cmp};
use nfls_syntax::{NodeId, NodeKind, Value};
use serde_json::Value as Serde;

/// The representation: nodes of our syntax tree.
pub(crate) struct SyntaxJson;

/// One unit's instance: the wrapper `{key: value}` where `holes` (sorted) read as `null`.
pub(crate) struct Instance<'t> {
    key: String,
    value: Value<'t>,
    holes: &'t [NodeId],
}

impl<'t> Instance<'t> {
    pub(crate) fn new(key: String, value: Value<'t>, holes: &'t [NodeId]) -> Instance<'t> {
        Instance { key, value, holes }
    }

    /// The wrapper object, the node a validator is given.
    pub(crate) fn root(&self) -> TreeNode<'_> {
        TreeNode::Root(self)
    }

    /// `value` as seen from its container: `None` when it is absent (not a JSON value).
    fn child<'a>(&'a self, value: Value<'a>) -> Option<TreeNode<'a>> {
        match value.kind() {
            NodeKind::Error => None,
            _ if !self.holes.is_empty() && self.holes.binary_search(&value.id()).is_ok() => {
                Some(TreeNode::Null)
            }
            NodeKind::Number => Some(match value.to_json() {
                Serde::Number(number) => TreeNode::Number(number),
                _ => TreeNode::Null,
            }),
            _ => Some(TreeNode::Value(self, value)),
        }
    }

    fn address(&self) -> usize {
        std::ptr::from_ref(self) as usize
    }
}

/// A node: the wrapper, a value of the tree, a string of its own (a property name being
/// checked by `propertyNames`), a converted number, or `null`.
#[derive(Clone)]
pub(crate) enum TreeNode<'a> {
    Root(&'a Instance<'a>),
    Value(&'a Instance<'a>, Value<'a>),
    Name(&'a str),
    Number(serde_json::Number),
    Null,
}

impl Json for SyntaxJson {
    type Node<'a> = TreeNode<'a>;
    type PreparedKey = Box<str>;
    type StringBuffer = ();

    /// A lookup is a scan of the members: a pass over them pays once several lookups would.
    const KEYS_PER_LOOKUP: usize = 2;
    const ACYCLIC: bool = true;

    fn prepare_key(key: &str) -> Box<str> {
        key.into()
    }

    fn with_string_node<T>((): &mut (), string: &str, f: impl FnOnce(TreeNode<'_>) -> T) -> T {
        f(TreeNode::Name(string))
    }
}

impl<'a> Node<'a, SyntaxJson> for TreeNode<'a> {
    type Object = TreeObject<'a>;
    type Array = TreeArray<'a>;
    type Number = serde_json::Number;

    fn as_object(&self) -> Option<TreeObject<'a>> {
        match self {
            TreeNode::Root(instance) => Some(TreeObject::Root(instance)),
            TreeNode::Value(instance, value) => value
                .as_object()
                .map(|object| TreeObject::Value(instance, object)),
            _ => None,
        }
    }

    fn as_array(&self) -> Option<TreeArray<'a>> {
        match self {
            TreeNode::Value(instance, value) => {
                value.as_array().map(|array| TreeArray { instance, array })
            }
            _ => None,
        }
    }

    fn as_string(&self) -> Option<Cow<'a, str>> {
        match self {
            TreeNode::Value(_, value) => value.as_str().map(Cow::Borrowed),
            TreeNode::Name(name) => Some(Cow::Borrowed(name)),
            _ => None,
        }
    }

    fn as_number(&self) -> Option<serde_json::Number> {
        match self {
            TreeNode::Number(number) => Some(number.clone()),
            _ => None,
        }
    }

    fn as_boolean(&self) -> Option<bool> {
        match self {
            TreeNode::Value(_, value) => value.as_bool(),
            _ => None,
        }
    }

    fn is_null(&self) -> bool {
        self.json_type() == JsonType::Null
    }

    fn is_number(&self) -> bool {
        matches!(self, TreeNode::Number(_))
    }

    fn json_type(&self) -> JsonType {
        match self {
            TreeNode::Root(_) => JsonType::Object,
            TreeNode::Name(_) => JsonType::String,
            TreeNode::Number(_) => JsonType::Number,
            TreeNode::Null => JsonType::Null,
            TreeNode::Value(_, value) => match value.kind() {
                NodeKind::Object => JsonType::Object,
                NodeKind::Array => JsonType::Array,
                NodeKind::String => JsonType::String,
                NodeKind::Bool => JsonType::Boolean,
                // Numbers and error nodes never become `Value` nodes (see `Instance::child`).
                NodeKind::Null | NodeKind::Number | NodeKind::Error => JsonType::Null,
            },
        }
    }

    fn equals_value(&self, expected: &Serde) -> bool {
        // `enum` and `const` mostly compare strings: no conversion for those.
        match (self.as_string(), expected) {
            (Some(string), Serde::String(expected)) => *string == **expected,
            (Some(_), _) => false,
            (None, _) => cmp::equal(&self.to_value(), expected),
        }
    }

    fn to_value(&self) -> Cow<'a, Serde> {
        Cow::Owned(match self {
            TreeNode::Root(instance) => {
                let mut wrapper = serde_json::Map::with_capacity(1);
                let value = match instance.child(instance.value) {
                    Some(node) => node.to_value().into_owned(),
                    None => Serde::Null,
                };
                wrapper.insert(instance.key.clone(), value);
                Serde::Object(wrapper)
            }
            TreeNode::Value(instance, value) => value.to_json_with_holes(instance.holes),
            TreeNode::Name(name) => Serde::String((*name).to_owned()),
            TreeNode::Number(number) => Serde::Number(number.clone()),
            TreeNode::Null => Serde::Null,
        })
    }

    fn identity(&self) -> Option<NodeIdentity> {
        match self {
            TreeNode::Root(instance) => Some(NodeIdentity::tagged(instance.address(), u32::MAX)),
            TreeNode::Value(instance, value) => Some(NodeIdentity::tagged(
                instance.address(),
                u32::try_from(value.id().index()).unwrap_or(u32::MAX - 1),
            )),
            TreeNode::Name(_) | TreeNode::Number(_) | TreeNode::Null => None,
        }
    }
}

/// An object: the wrapper or an object of the tree.
#[derive(Clone, Copy)]
pub(crate) enum TreeObject<'a> {
    Root(&'a Instance<'a>),
    Value(&'a Instance<'a>, nfls_syntax::Object<'a>),
}

impl<'a> TreeObject<'a> {
    /// The members that count, in source order, each with its node.
    fn counted(self) -> MembersIter<'a> {
        match self {
            TreeObject::Root(instance) => MembersIter::One(
                instance
                    .child(instance.value)
                    .map(|node| (instance.key.as_str(), node)),
            ),
            TreeObject::Value(instance, object) if !object.has_duplicate_keys() => {
                MembersIter::Unique {
                    instance,
                    object,
                    next: 0,
                }
            }
            TreeObject::Value(instance, object) => {
                // Of a repeated key, the last member that has a value counts.
                let mut seen = std::collections::HashSet::new();
                let mut members: Vec<(&'a str, TreeNode<'a>)> = object
                    .members()
                    .rev()
                    .filter_map(|member| {
                        let node = instance.child(member.value()?)?;
                        seen.insert(member.key()).then_some((member.key(), node))
                    })
                    .collect();
                members.reverse();
                MembersIter::List(members.into_iter())
            }
        }
    }
}

/// The members of an object that count (see the module docs).
pub(crate) enum MembersIter<'a> {
    /// An object without repeated keys, read in place.
    Unique {
        instance: &'a Instance<'a>,
        object: nfls_syntax::Object<'a>,
        next: usize,
    },
    /// An object with repeated keys: the members that count, collected.
    List(std::vec::IntoIter<(&'a str, TreeNode<'a>)>),
    /// The wrapper's one member.
    One(Option<(&'a str, TreeNode<'a>)>),
}

impl<'a> Iterator for MembersIter<'a> {
    type Item = (&'a str, TreeNode<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            MembersIter::List(members) => members.next(),
            MembersIter::One(member) => member.take(),
            MembersIter::Unique {
                instance,
                object,
                next,
            } => {
                while let Some(member) = object.member_at(*next) {
                    *next += 1;
                    if let Some(node) = member.value().and_then(|value| instance.child(value)) {
                        return Some((member.key(), node));
                    }
                }
                None
            }
        }
    }
}

impl<'a> Object<'a, SyntaxJson> for TreeObject<'a> {
    type Node = TreeNode<'a>;
    type MemberName = &'a str;
    type MembersIter = MembersIter<'a>;

    fn len(&self) -> usize {
        match self {
            TreeObject::Root(_) => 1,
            TreeObject::Value(..) => self.counted().count(),
        }
    }

    fn get(&self, key: &Box<str>) -> Option<TreeNode<'a>> {
        match *self {
            TreeObject::Root(instance) => (instance.key == **key)
                .then(|| instance.child(instance.value))
                .flatten(),
            TreeObject::Value(instance, object) => object
                .members()
                .rev()
                .filter(|member| member.key() == &**key)
                .find_map(|member| instance.child(member.value()?)),
        }
    }

    fn members(&self) -> MembersIter<'a> {
        self.counted()
    }
}

/// An array of the tree.
#[derive(Clone, Copy)]
pub(crate) struct TreeArray<'a> {
    instance: &'a Instance<'a>,
    array: nfls_syntax::Array<'a>,
}

/// The elements of an array that are JSON values.
pub(crate) struct ElementsIter<'a> {
    instance: &'a Instance<'a>,
    array: nfls_syntax::Array<'a>,
    next: usize,
}

impl<'a> Iterator for ElementsIter<'a> {
    type Item = TreeNode<'a>;

    fn next(&mut self) -> Option<TreeNode<'a>> {
        while let Some(element) = self.array.get(self.next) {
            self.next += 1;
            if let Some(node) = self.instance.child(element) {
                return Some(node);
            }
        }
        None
    }
}

impl<'a> Array<'a, SyntaxJson> for TreeArray<'a> {
    type Node = TreeNode<'a>;
    type ElementsIter = ElementsIter<'a>;

    fn len(&self) -> usize {
        self.array
            .elements()
            .filter(|element| element.kind() != NodeKind::Error)
            .count()
    }

    fn elements(&self) -> ElementsIter<'a> {
        ElementsIter {
            instance: self.instance,
            array: self.array,
            next: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The instance read back through the representation's accessors alone.
    fn read_back(node: &TreeNode<'_>) -> Serde {
        if let Some(object) = node.as_object() {
            let mut map = serde_json::Map::new();
            for (key, value) in object.members() {
                assert_eq!(
                    object
                        .get(&SyntaxJson::prepare_key(key))
                        .map(|n| read_back(&n)),
                    Some(read_back(&value)),
                    "`get` and `members` disagree on `{key}`"
                );
                map.insert(key.to_owned(), read_back(&value));
            }
            assert_eq!(object.len(), map.len());
            return Serde::Object(map);
        }
        if let Some(array) = node.as_array() {
            let elements: Vec<Serde> = array.elements().map(|n| read_back(&n)).collect();
            assert_eq!(array.len(), elements.len());
            return Serde::Array(elements);
        }
        if let Some(string) = node.as_string() {
            assert_eq!(node.json_type(), JsonType::String);
            return Serde::String(string.into_owned());
        }
        if let Some(number) = node.as_number() {
            assert!(node.is_number());
            return Serde::Number(number);
        }
        if let Some(boolean) = node.as_boolean() {
            return Serde::Bool(boolean);
        }
        assert!(node.is_null(), "a node of no JSON type");
        Serde::Null
    }

    /// The unit's value as the tree reads it through the representation, and as
    /// `to_json_with_holes` converts it; `holes` are the ids of the values at these pointers.
    fn both(text: &str, holes: &[&str]) -> (Serde, Serde) {
        let parse = nfls_syntax::parse(text);
        let root = parse.tree.root().expect("a value");
        let mut ids: Vec<NodeId> = holes
            .iter()
            .map(|pointer| find(root, pointer).expect("the hole's node").id())
            .collect();
        ids.sort();
        let instance = Instance::new("7".to_owned(), root, &ids);
        let read = read_back(&instance.root());
        assert_eq!(read, instance.root().to_value().into_owned());
        let expected = json!({ "7": root.to_json_with_holes(&ids) });
        (read, expected)
    }

    /// The node at a JSON pointer, found by walking the tree like `to_json` does.
    fn find<'t>(value: Value<'t>, pointer: &str) -> Option<Value<'t>> {
        let mut current = value;
        for token in pointer.split('/').skip(1) {
            current = match current.as_object() {
                Some(object) => object.get(token)?,
                None => current
                    .as_array()?
                    .elements()
                    .filter(|element| element.kind() != NodeKind::Error)
                    .nth(token.parse().ok()?)?,
            };
        }
        Some(current)
    }

    #[test]
    fn the_tree_reads_as_its_json_conversion() {
        for (text, holes) in [
            (
                r#"{"a": 1, "b": [true, null, "x"], "c": {"d": -2.5}}"#,
                &[][..],
            ),
            // The last of repeated keys counts.
            (r#"{"a": 1, "b": 0, "a": 2}"#, &[]),
            // A member without a value, or with one that is not JSON, leaves the earlier one.
            (r#"{"a": 1, "a": }"#, &[]),
            (r#"{"a": 1, "a": foo, "b": 2}"#, &[]),
            (r#"{"a": , "b": 2}"#, &[]),
            // Array elements that are not JSON are absent; later ones move up.
            (r#"[1, foo, 3, NaN, {"x": [bar, 4]}]"#, &[]),
            // Numbers: a sign, negative zero, large, out of range, exponents.
            (
                r#"[+1, -0, 18446744073709551615, -9223372036854775808, 1e999, 2E-3, 1.0]"#,
                &[],
            ),
            // Escapes in keys and strings.
            (
                r#"{"\u00e9t\u00e9": "a\nb\u00e9\ud83e\udd80", "\"": "\\"}"#,
                &[],
            ),
            // Half-typed text.
            (r#"{"a": [1, 2, {"b": "unterminated"#, &[]),
            // Nested units read as `null`.
            (
                r#"{"spec": {"steps": [{"kind": "A"}, {"kind": "B"}], "x": 1}}"#,
                &["/spec/steps/0"],
            ),
            (r#"{"a": {"b": 1}, "c": [{"d": 2}]}"#, &["/a", "/c/0"]),
        ] {
            let (read, expected) = both(text, holes);
            assert_eq!(read, expected, "{text}");
        }
    }

    #[test]
    fn large_objects_with_repeated_keys_read_as_their_conversion() {
        let members: Vec<String> = (0..100)
            .map(|i| format!(r#""k{}": {i}"#, i % 40))
            .chain([r#""k3": oops"#.to_owned()])
            .collect();
        let text = format!("{{{}}}", members.join(", "));
        let (read, expected) = both(&text, &[]);
        assert_eq!(read, expected);
        assert_eq!(read["7"]["k3"], json!(83));
    }

    #[test]
    fn validation_on_the_tree_agrees_with_validation_of_its_conversion() {
        let schema = json!({
            "type": "object",
            "properties": {
                "kind": {"enum": ["Build", "Deploy", 3, null]},
                "count": {"type": "integer", "minimum": 1, "maximum": 10, "multipleOf": 1},
                "ratio": {"type": "number", "exclusiveMaximum": 1},
                "name": {"type": "string", "pattern": "^[a-z]+$", "minLength": 2, "maxLength": 5},
                "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": true, "maxItems": 3},
                "fixed": {"const": {"a": [1, 2]}},
                "map": {"type": "object", "propertyNames": {"pattern": "^[A-Z]"}, "minProperties": 2},
                "either": {"anyOf": [{"type": "string"}, {"type": "boolean"}]}
            },
            "required": ["kind", "name"],
            "additionalProperties": false
        });
        let tree_validator = jsonschema::options_for::<SyntaxJson>()
            .with_draft(jsonschema::Draft::Draft202012)
            .build(&json!({"properties": {"7": schema.clone()}}))
            .expect("the schema compiles");
        let serde_validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .build(&json!({"properties": {"7": schema}}))
            .expect("the schema compiles");
        for text in [
            r#"{"kind": "Build", "name": "abc"}"#,
            r#"{"kind": "Buidl", "name": "a", "extra": 1}"#,
            r#"{"kind": 3.0, "name": "abcdef", "count": 11, "ratio": 1}"#,
            r#"{"kind": null, "name": "ABC", "count": 2.5, "tags": ["a", "a", 1, "b"]}"#,
            r#"{"kind": "Deploy", "name": "ab", "fixed": {"a": [1.0, 2]}, "map": {"Ab": 1}}"#,
            r#"{"kind": "Deploy", "name": "ab", "fixed": {"a": [2, 1]}, "map": {"ab": 1, "Cd": 2}}"#,
            r#"{"kind": "Deploy", "name": "ab", "either": 1, "name": 5, "tags": [x, "t"]}"#,
            r#"{"name": "ab", "kind": , "count": +3}"#,
            r#"[1, 2]"#,
        ] {
            let parse = nfls_syntax::parse(text);
            let root = parse.tree.root().expect("a value");
            let instance = Instance::new("7".to_owned(), root, &[]);
            let converted = json!({ "7": root.to_json() });
            let mut on_tree: Vec<_> = tree_validator
                .iter_errors(instance.root())
                .map(|error| summary(&error))
                .collect();
            let mut on_copy: Vec<_> = serde_validator
                .iter_errors(&converted)
                .map(|error| summary(&error))
                .collect();
            on_tree.sort();
            on_copy.sort();
            assert_eq!(on_tree, on_copy, "{text}");
            assert_eq!(
                tree_validator.is_valid(instance.root()),
                serde_validator.is_valid(&converted),
                "{text}"
            );
        }
    }

    /// What tells errors apart: where, which keyword, and the message.
    fn summary(error: &jsonschema::ValidationError<'_>) -> (String, String, String) {
        (
            error.instance_path().as_str().to_owned(),
            error.schema_path().as_str().to_owned(),
            error.to_string(),
        )
    }
}
