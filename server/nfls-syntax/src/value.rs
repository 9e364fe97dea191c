//! Borrowed views into a [`Tree`]: values, objects, arrays and members, and their conversion to
//! `serde_json::Value`.
//!
//! Every view is a `Copy` pair of a tree reference and an id, so they are free to pass around;
//! all text they hand out borrows from the tree.

use std::fmt;

use crate::TextRange;
use crate::tree::{
    F_CLOSED, F_DUPLICATES, F_ESCAPED, F_SINGLE, F_TERMINATED, M_QUOTED, MemberData, NONE,
    NodeData, NodeId, NodeKind, PathSegment, Tree, TreeData, key_content_range,
};

/// Any value in the tree.
#[derive(Clone, Copy)]
pub struct Value<'t> {
    tree: &'t Tree,
    id: u32,
}

/// An object value, with its members in source order.
#[derive(Clone, Copy)]
pub struct Object<'t> {
    tree: &'t Tree,
    id: u32,
}

/// An array value, with its elements in source order.
#[derive(Clone, Copy)]
pub struct Array<'t> {
    tree: &'t Tree,
    id: u32,
}

/// One `key: value` pair of an object. The value may be missing in a half-typed file.
#[derive(Clone, Copy)]
pub struct Member<'t> {
    tree: &'t Tree,
    id: u32,
}

macro_rules! view_eq {
    ($t:ident) => {
        impl PartialEq for $t<'_> {
            fn eq(&self, other: &Self) -> bool {
                std::ptr::eq(&*self.tree.data, &*other.tree.data) && self.id == other.id
            }
        }
        impl Eq for $t<'_> {}
    };
}
view_eq!(Value);
view_eq!(Object);
view_eq!(Array);
view_eq!(Member);

impl fmt::Debug for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = self.range();
        write!(f, "{:?}@{}..{}", self.kind(), r.start, r.end)
    }
}
impl fmt::Debug for Object<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.value(), f)
    }
}
impl fmt::Debug for Array<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.value(), f)
    }
}
impl fmt::Debug for Member<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Member({:?}: {:?})", self.key(), self.value())
    }
}

impl<'t> Value<'t> {
    pub(crate) fn new(tree: &'t Tree, id: u32) -> Value<'t> {
        Value { tree, id }
    }
    fn data(self) -> &'t TreeData {
        &self.tree.data
    }
    fn node(self) -> &'t NodeData {
        self.data().node(self.id)
    }

    pub fn id(self) -> NodeId {
        NodeId(self.id)
    }
    pub fn kind(self) -> NodeKind {
        self.node().kind
    }
    /// The value's byte range; a string's range includes its quotes. An object or array that is
    /// never closed extends to the end of the document.
    pub fn range(self) -> TextRange {
        let n = self.node();
        TextRange::new(n.start, n.end)
    }
    /// The source text of the value.
    pub fn text(self) -> &'t str {
        let r = self.range();
        &self.data().text[r.start as usize..r.end as usize]
    }
    pub fn tree(self) -> &'t Tree {
        self.tree
    }
    /// The object or array that contains this value.
    pub fn parent(self) -> Option<Value<'t>> {
        let p = self.node().parent;
        (p != NONE).then(|| Value::new(self.tree, p))
    }
    /// The member whose value this is (when the parent is an object).
    pub fn parent_member(self) -> Option<Member<'t>> {
        let m = self.node().parent_member;
        (m != NONE).then(|| Member::new(self.tree, m))
    }
    pub fn as_object(self) -> Option<Object<'t>> {
        (self.kind() == NodeKind::Object).then_some(Object {
            tree: self.tree,
            id: self.id,
        })
    }
    pub fn as_array(self) -> Option<Array<'t>> {
        (self.kind() == NodeKind::Array).then_some(Array {
            tree: self.tree,
            id: self.id,
        })
    }
    /// The unescaped content of a string. For an unterminated string, whatever was there up to
    /// the end of its line.
    pub fn as_str(self) -> Option<&'t str> {
        let n = self.node();
        if n.kind != NodeKind::String {
            return None;
        }
        let d = self.data();
        if n.flags & F_ESCAPED != 0 {
            Some(&d.strings[n.a as usize..(n.a + n.b) as usize])
        } else {
            let r = self.string_content_range()?;
            Some(&d.text[r.start as usize..r.end as usize])
        }
    }
    /// The range between a string's quotes (to the line end when unterminated).
    pub fn string_content_range(self) -> Option<TextRange> {
        let n = self.node();
        if n.kind != NodeKind::String {
            return None;
        }
        let end = if n.flags & F_TERMINATED != 0 {
            n.end - 1
        } else {
            n.end
        };
        Some(TextRange::new(n.start + 1, end))
    }
    /// Whether a string value saw its closing quote.
    pub fn is_terminated_string(self) -> bool {
        self.kind() == NodeKind::String && self.node().flags & F_TERMINATED != 0
    }
    /// Whether a string value was written with single quotes (an error, recovered).
    pub fn is_single_quoted(self) -> bool {
        self.kind() == NodeKind::String && self.node().flags & F_SINGLE != 0
    }
    pub fn as_bool(self) -> Option<bool> {
        let n = self.node();
        (n.kind == NodeKind::Bool).then_some(n.a != 0)
    }
    /// The number's value. Numbers recovered from non-JSON spellings (`+1`, `.5`, `01`) give
    /// the value they obviously meant.
    pub fn as_f64(self) -> Option<f64> {
        lenient_f64(self.number_text()?)
    }
    /// The number exactly as written.
    pub fn number_text(self) -> Option<&'t str> {
        (self.kind() == NodeKind::Number).then(|| self.text())
    }
    pub fn is_null(self) -> bool {
        self.kind() == NodeKind::Null
    }

    /// Keys and indexes from the root to this value.
    pub fn path(self) -> Vec<PathSegment> {
        let d = self.data();
        let mut out = Vec::new();
        let mut cur = self.id;
        loop {
            let n = d.node(cur);
            if n.parent == NONE {
                break;
            }
            if n.parent_member != NONE {
                out.push(PathSegment::Key(
                    d.key_str(d.member(n.parent_member)).to_owned(),
                ));
            } else {
                let p = d.node(n.parent);
                // Children are sorted by start, so the index is a binary search away.
                let kids = d.kids(p);
                let i = kids.partition_point(|&e| d.node(e).start < n.start);
                out.push(PathSegment::Index(i));
            }
            cur = n.parent;
        }
        out.reverse();
        out
    }

    /// Converts the value to `serde_json::Value`, leaving out members whose value is missing or
    /// an error node, and array elements that are error nodes, so a half-typed file converts to
    /// the JSON it is heading towards (its syntax errors are already reported).
    ///
    /// The conversion is iterative, but dropping a `serde_json::Value` recurses once per level:
    /// callers must check [`Tree::max_depth`] against [`crate::MAX_JSON_DEPTH`] first.
    pub fn to_json(self) -> serde_json::Value {
        to_json(self.data(), self.id, &[])
    }

    /// Like [`Value::to_json`], but each descendant whose id is in `holes` (sorted) becomes
    /// `null` instead of being converted: schema validation checks a workflow node without the
    /// nodes nested in it, which it checks on their own (it reads the tree in place; this
    /// conversion is the same reading, as a value).
    pub fn to_json_with_holes(self, holes: &[NodeId]) -> serde_json::Value {
        to_json(self.data(), self.id, holes)
    }
}

impl<'t> Object<'t> {
    pub fn value(self) -> Value<'t> {
        Value::new(self.tree, self.id)
    }
    fn kids(self) -> &'t [u32] {
        let d: &'t TreeData = &self.tree.data;
        d.kids(d.node(self.id))
    }
    /// Members in source order, including members without a value and duplicates.
    pub fn members(self) -> impl DoubleEndedIterator<Item = Member<'t>> + ExactSizeIterator {
        let tree = self.tree;
        self.kids().iter().map(move |&m| Member::new(tree, m))
    }
    pub fn len(self) -> usize {
        self.kids().len()
    }
    pub fn is_empty(self) -> bool {
        self.kids().is_empty()
    }
    /// The value of the last member with this key that has a value (like `JSON.parse`).
    pub fn get(self, key: &str) -> Option<Value<'t>> {
        self.members()
            .rev()
            .filter(|m| m.key() == key)
            .find_map(|m| m.value())
    }
    /// The last member with this key, with or without a value.
    pub fn member(self, key: &str) -> Option<Member<'t>> {
        self.members().rev().find(|m| m.key() == key)
    }
    /// Whether the object saw its closing `}`.
    pub fn is_closed(self) -> bool {
        self.tree.data.node(self.id).flags & F_CLOSED != 0
    }
    /// The member at `index` in source order.
    pub fn member_at(self, index: usize) -> Option<Member<'t>> {
        self.kids().get(index).map(|&m| Member::new(self.tree, m))
    }
    /// Whether some key appears in more than one member.
    pub fn has_duplicate_keys(self) -> bool {
        self.tree.data.node(self.id).flags & F_DUPLICATES != 0
    }
}

impl<'t> Array<'t> {
    pub fn value(self) -> Value<'t> {
        Value::new(self.tree, self.id)
    }
    fn kids(self) -> &'t [u32] {
        let d: &'t TreeData = &self.tree.data;
        d.kids(d.node(self.id))
    }
    pub fn elements(self) -> impl DoubleEndedIterator<Item = Value<'t>> + ExactSizeIterator {
        let tree = self.tree;
        self.kids().iter().map(move |&e| Value::new(tree, e))
    }
    pub fn len(self) -> usize {
        self.kids().len()
    }
    pub fn is_empty(self) -> bool {
        self.kids().is_empty()
    }
    pub fn get(self, i: usize) -> Option<Value<'t>> {
        self.kids().get(i).map(|&e| Value::new(self.tree, e))
    }
    /// Whether the array saw its closing `]`.
    pub fn is_closed(self) -> bool {
        self.tree.data.node(self.id).flags & F_CLOSED != 0
    }
}

impl<'t> Member<'t> {
    pub(crate) fn new(tree: &'t Tree, id: u32) -> Member<'t> {
        Member { tree, id }
    }
    fn m(self) -> &'t MemberData {
        self.tree.data.member(self.id)
    }
    /// The unescaped key (for an unquoted key, its text).
    pub fn key(self) -> &'t str {
        self.tree.data.key_str(self.m())
    }
    /// The key's range, including its quotes.
    pub fn key_range(self) -> TextRange {
        let m = self.m();
        TextRange::new(m.key_start, m.key_end)
    }
    /// The key's range without its quotes.
    pub fn key_content_range(self) -> TextRange {
        key_content_range(self.m())
    }
    /// False for a key typed without quotes (`{ name: 1 }`), an error that was recovered.
    /// Single-quoted keys count as quoted.
    pub fn key_is_quoted(self) -> bool {
        self.m().flags & M_QUOTED != 0
    }
    pub fn value(self) -> Option<Value<'t>> {
        let v = self.m().value;
        (v != NONE).then(|| Value::new(self.tree, v))
    }
    /// Offset of the `:`, if there is one.
    pub fn colon(self) -> Option<u32> {
        let c = self.m().colon;
        (c != NONE).then_some(c)
    }
    /// From the key's start to the value's end (or to the colon or key when the value is missing).
    pub fn range(self) -> TextRange {
        let m = self.m();
        TextRange::new(m.key_start, self.tree.data.member_end(m))
    }
    pub fn object(self) -> Object<'t> {
        Object {
            tree: self.tree,
            id: self.m().object,
        }
    }
    /// Position among the object's members (0-based, duplicates and value-less members count).
    pub fn index(self) -> usize {
        self.m().index as usize
    }
}

/// Parses a number token leniently: JSON numbers, plus the obvious meaning of `+1`, `.5`, `1.`
/// and `01`. Anything with letters other than an exponent gives `None`.
pub(crate) fn lenient_f64(text: &str) -> Option<f64> {
    if !text
        .bytes()
        .all(|b| matches!(b, b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-'))
    {
        return None;
    }
    text.parse::<f64>().ok()
}

fn number_json(text: &str) -> Option<serde_json::Value> {
    // Same integer/float split as serde_json's own parser (without arbitrary_precision).
    if let Ok(u) = text.parse::<u64>() {
        return Some(u.into());
    }
    // `-0` stays a float so its sign survives, as serde_json does.
    if let Ok(i) = text.parse::<i64>()
        && i != 0
    {
        return Some(i.into());
    }
    serde_json::Number::from_f64(lenient_f64(text)?).map(serde_json::Value::Number)
}

fn scalar_json(d: &TreeData, id: u32) -> Option<serde_json::Value> {
    let n = d.node(id);
    Some(match n.kind {
        NodeKind::String => {
            let s = if n.flags & F_ESCAPED != 0 {
                &d.strings[n.a as usize..(n.a + n.b) as usize]
            } else {
                let end = if n.flags & F_TERMINATED != 0 {
                    n.end - 1
                } else {
                    n.end
                };
                &d.text[(n.start + 1) as usize..end as usize]
            };
            serde_json::Value::String(s.to_owned())
        }
        NodeKind::Number => {
            let text = &d.text[n.start as usize..n.end as usize];
            let t = text.strip_prefix('+').unwrap_or(text);
            number_json(t).unwrap_or(serde_json::Value::Null)
        }
        NodeKind::Bool => serde_json::Value::Bool(n.a != 0),
        NodeKind::Null => serde_json::Value::Null,
        NodeKind::Error => return None,
        NodeKind::Object => serde_json::Value::Object(serde_json::Map::new()),
        NodeKind::Array => serde_json::Value::Array(Vec::new()),
    })
}

enum Acc {
    Obj(serde_json::Map<String, serde_json::Value>),
    Arr(Vec<serde_json::Value>),
}

struct Frame<'d> {
    kids: &'d [u32],
    next: usize,
    is_object: bool,
    acc: Acc,
    /// Key under which this container goes into its parent object.
    key: Option<&'d str>,
}

fn to_json(d: &TreeData, id: u32, holes: &[NodeId]) -> serde_json::Value {
    fn open<'d>(d: &'d TreeData, id: u32, key: Option<&'d str>) -> Option<Frame<'d>> {
        let n = d.node(id);
        let (is_object, acc) = match n.kind {
            NodeKind::Object => (true, Acc::Obj(serde_json::Map::new())),
            NodeKind::Array => (false, Acc::Arr(Vec::with_capacity(n.b as usize))),
            _ => return None,
        };
        Some(Frame {
            kids: d.kids(n),
            next: 0,
            is_object,
            acc,
            key,
        })
    }
    let Some(first) = open(d, id, None) else {
        return scalar_json(d, id).unwrap_or(serde_json::Value::Null);
    };
    let mut stack = vec![first];
    loop {
        let top = stack
            .last_mut()
            .expect("stack is non-empty inside the loop");
        if top.next < top.kids.len() {
            let kid = top.kids[top.next];
            top.next += 1;
            let (child, key) = if top.is_object {
                let m = d.member(kid);
                if m.value == NONE {
                    continue;
                }
                (m.value, Some(d.key_str(m)))
            } else {
                (kid, None)
            };
            if !holes.is_empty() && holes.binary_search(&NodeId(child)).is_ok() {
                insert(&mut top.acc, key, serde_json::Value::Null);
                continue;
            }
            if let Some(frame) = open(d, child, key) {
                stack.push(frame);
                continue;
            }
            if let Some(v) = scalar_json(d, child) {
                insert(&mut top.acc, key, v);
            }
        } else {
            let done = stack.pop().expect("stack is non-empty inside the loop");
            let v = match done.acc {
                Acc::Obj(m) => serde_json::Value::Object(m),
                Acc::Arr(a) => serde_json::Value::Array(a),
            };
            match stack.last_mut() {
                Some(parent) => insert(&mut parent.acc, done.key, v),
                None => return v,
            }
        }
    }
}

fn insert(acc: &mut Acc, key: Option<&str>, v: serde_json::Value) {
    match acc {
        // With `preserve_order`, re-inserting a duplicate key keeps its first position and takes
        // the new value, as `JSON.parse` does.
        Acc::Obj(m) => {
            m.insert(key.unwrap_or_default().to_owned(), v);
        }
        Acc::Arr(a) => a.push(v),
    }
}
