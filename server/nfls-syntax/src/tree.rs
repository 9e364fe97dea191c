//! The syntax tree: arena storage for nodes and members, and the whole-tree queries (root,
//! covering value/member at an offset, JSON pointers).
//!
//! Storage is a handful of flat `Vec`s indexed by `u32` ids, so a parse does one allocation per
//! vector rather than one per node, and the tree is cheap to share (`Arc`) between threads.
//! Strings without escapes are not copied: their content is sliced from the source text; only
//! strings that need unescaping get a slot in one shared side buffer.

use std::fmt;
use std::sync::Arc;

use crate::TextRange;
pub use crate::value::{Array, Member, Object, Value};

/// Marks an absent id (no parent, no value, no colon, ...).
pub(crate) const NONE: u32 = u32::MAX;

/// Advised nesting limit for [`Tree::to_json`] and [`Value::to_json`]: `serde_json::Value`
/// drops recursively, so callers must not materialise trees deeper than this.
pub const MAX_JSON_DEPTH: u32 = 128;

/// Identifies a value node inside one [`Tree`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub(crate) u32);

impl NodeId {
    /// The raw index, for callers that keep side tables keyed by node.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// What kind of value a node is. `Error` stands for something in a value position that is not a
/// JSON value (an unknown word such as `foo`, `NaN`, a malformed number).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeKind {
    Object,
    Array,
    String,
    Number,
    Bool,
    Null,
    Error,
}

/// One step of a path from the root: an object key or an array index.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PathSegment {
    Key(String),
    Index(usize),
}

impl fmt::Display for PathSegment {
    /// Formats the segment as one JSON-pointer reference token (without the leading `/`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathSegment::Key(k) => {
                for c in k.chars() {
                    match c {
                        '~' => f.write_str("~0")?,
                        '/' => f.write_str("~1")?,
                        c => fmt::Write::write_char(f, c)?,
                    }
                }
                Ok(())
            }
            PathSegment::Index(i) => write!(f, "{i}"),
        }
    }
}

/// Formats a path as an RFC 6901 JSON pointer: `""` for the root, `/spec/steps/0`, with `~`
/// and `/` inside keys escaped as `~0` and `~1`.
pub fn format_pointer(path: &[PathSegment]) -> String {
    let mut out = String::new();
    for seg in path {
        out.push('/');
        fmt::Write::write_fmt(&mut out, format_args!("{seg}")).expect("writing to a String");
    }
    out
}

// Node flags.
pub(crate) const F_CLOSED: u8 = 1; // containers: saw the closing bracket
pub(crate) const F_TERMINATED: u8 = 2; // strings: saw the closing quote
pub(crate) const F_ESCAPED: u8 = 4; // strings: unescaped text lives in `strings[a..a+b]`
pub(crate) const F_SINGLE: u8 = 8; // strings: single-quoted
pub(crate) const F_DUPLICATES: u8 = 16; // objects: some key appears more than once

#[derive(Clone, Copy, Debug)]
pub(crate) struct NodeData {
    pub start: u32,
    pub end: u32,
    /// Containing object/array node, or NONE for the root.
    pub parent: u32,
    /// The member whose value this is, or NONE.
    pub parent_member: u32,
    /// Containers: first index into `children`; escaped strings: offset into `strings`;
    /// bools: 0 or 1.
    pub a: u32,
    /// Containers: number of children; escaped strings: byte length in `strings`.
    pub b: u32,
    pub kind: NodeKind,
    pub flags: u8,
}

// Member flags.
pub(crate) const M_QUOTED: u8 = 1; // key written as a string (double or single quotes)
pub(crate) const M_TERMINATED: u8 = 2; // the key string saw its closing quote
pub(crate) const M_ESCAPED: u8 = 4; // unescaped key lives in `strings[key_a..key_a+key_b]`

#[derive(Clone, Copy, Debug)]
pub(crate) struct MemberData {
    pub key_start: u32,
    pub key_end: u32,
    pub key_a: u32,
    pub key_b: u32,
    pub colon: u32,
    pub value: u32,
    pub object: u32,
    pub index: u32,
    pub flags: u8,
}

#[derive(Debug, Default)]
pub(crate) struct TreeData {
    /// The source text, shared with whoever handed it to [`crate::parse_shared`].
    pub text: Arc<String>,
    pub nodes: Vec<NodeData>,
    pub members: Vec<MemberData>,
    /// Children of every container, contiguous per container: member ids for objects, node ids
    /// for arrays.
    pub children: Vec<u32>,
    /// Unescaped text of strings and keys that contained escapes.
    pub strings: String,
    pub root: u32,
    pub max_depth: u32,
}

impl TreeData {
    pub(crate) fn node(&self, id: u32) -> &NodeData {
        &self.nodes[id as usize]
    }
    pub(crate) fn member(&self, id: u32) -> &MemberData {
        &self.members[id as usize]
    }
    pub(crate) fn kids(&self, node: &NodeData) -> &[u32] {
        &self.children[node.a as usize..(node.a + node.b) as usize]
    }
    pub(crate) fn key_str(&self, m: &MemberData) -> &str {
        if m.flags & M_ESCAPED != 0 {
            &self.strings[m.key_a as usize..(m.key_a + m.key_b) as usize]
        } else {
            let r = key_content_range(m);
            &self.text[r.start as usize..r.end as usize]
        }
    }
    /// End of a member: its value, else its colon, else its key.
    pub(crate) fn member_end(&self, m: &MemberData) -> u32 {
        if m.value != NONE {
            self.node(m.value).end
        } else if m.colon != NONE {
            m.colon + 1
        } else {
            m.key_end
        }
    }
}

pub(crate) fn key_content_range(m: &MemberData) -> TextRange {
    if m.flags & M_QUOTED == 0 {
        TextRange::new(m.key_start, m.key_end)
    } else if m.flags & M_TERMINATED != 0 {
        TextRange::new(m.key_start + 1, m.key_end - 1)
    } else {
        TextRange::new(m.key_start + 1, m.key_end)
    }
}

/// A parsed document: the source text plus every recovered value. Cloning is cheap (shared).
#[derive(Clone)]
pub struct Tree {
    pub(crate) data: Arc<TreeData>,
}

impl fmt::Debug for Tree {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tree")
            .field("len", &self.data.text.len())
            .field("nodes", &self.data.nodes.len())
            .field("members", &self.data.members.len())
            .field("max_depth", &self.data.max_depth)
            .finish()
    }
}

impl Tree {
    pub(crate) fn new(data: TreeData) -> Tree {
        Tree {
            data: Arc::new(data),
        }
    }

    /// The source text the tree was parsed from.
    pub fn text(&self) -> &str {
        &self.data.text
    }

    /// The top-level value, if the document has one.
    pub fn root(&self) -> Option<Value<'_>> {
        (self.data.root != NONE).then(|| Value::new(self, self.data.root))
    }

    /// The value with this id. Panics if the id comes from another tree with fewer nodes.
    pub fn value(&self, id: NodeId) -> Value<'_> {
        assert!(
            (id.0 as usize) < self.data.nodes.len(),
            "NodeId {} is not in this tree",
            id.0
        );
        Value::new(self, id.0)
    }

    /// Number of value nodes in the tree.
    pub fn node_count(&self) -> usize {
        self.data.nodes.len()
    }

    /// Deepest nesting of objects and arrays (`{}` is 1, a scalar root is 0).
    pub fn max_depth(&self) -> u32 {
        self.data.max_depth
    }

    /// The deepest value whose range contains `offset` (a value's end offset counts as inside).
    pub fn covering_value(&self, offset: u32) -> Option<Value<'_>> {
        let d = &*self.data;
        let mut cur = d.root;
        if cur == NONE || !node_range(d, cur).contains_inclusive(offset) {
            return None;
        }
        loop {
            let n = d.node(cur);
            let next = match n.kind {
                NodeKind::Object => {
                    let kids = d.kids(n);
                    let i = kids.partition_point(|&m| d.member(m).key_start <= offset);
                    // Ranges touch only at boundaries, so the candidates are the last member
                    // starting at or before `offset` and the one before it.
                    kids[..i]
                        .iter()
                        .rev()
                        .take(2)
                        .map(|&m| d.member(m).value)
                        .find(|&v| v != NONE && node_range(d, v).contains_inclusive(offset))
                }
                NodeKind::Array => {
                    let kids = d.kids(n);
                    let i = kids.partition_point(|&e| d.node(e).start <= offset);
                    kids[..i]
                        .iter()
                        .rev()
                        .take(2)
                        .copied()
                        .find(|&e| node_range(d, e).contains_inclusive(offset))
                }
                _ => None,
            };
            match next {
                Some(v) => cur = v,
                None => return Some(Value::new(self, cur)),
            }
        }
    }

    /// The deepest member whose range (key start to value end) contains `offset` inclusively.
    pub fn covering_member(&self, offset: u32) -> Option<Member<'_>> {
        let d = &*self.data;
        let mut cur = d.root;
        let mut found = None;
        while cur != NONE && node_range(d, cur).contains_inclusive(offset) {
            let n = d.node(cur);
            cur = match n.kind {
                NodeKind::Object => {
                    let kids = d.kids(n);
                    let i = kids.partition_point(|&m| d.member(m).key_start <= offset);
                    match kids[..i].iter().rev().take(2).copied().find(|&m| {
                        let md = d.member(m);
                        TextRange::new(md.key_start, d.member_end(md)).contains_inclusive(offset)
                    }) {
                        Some(m) => {
                            found = Some(m);
                            d.member(m).value
                        }
                        None => NONE,
                    }
                }
                NodeKind::Array => {
                    let kids = d.kids(n);
                    let i = kids.partition_point(|&e| d.node(e).start <= offset);
                    kids[..i]
                        .iter()
                        .rev()
                        .take(2)
                        .copied()
                        .find(|&e| node_range(d, e).contains_inclusive(offset))
                        .unwrap_or(NONE)
                }
                _ => NONE,
            };
        }
        found.map(|m| Member::new(self, m))
    }

    /// Follows `path` from the root; object steps use [`Object::get`] (last key wins).
    pub fn pointer(&self, path: &[PathSegment]) -> Option<Value<'_>> {
        let mut cur = self.root()?;
        for seg in path {
            cur = match seg {
                PathSegment::Key(k) => cur.as_object()?.get(k)?,
                PathSegment::Index(i) => cur.as_array()?.get(*i)?,
            };
        }
        Some(cur)
    }

    /// Resolves an RFC 6901 JSON pointer (`""` is the root; `~0` and `~1` stand for `~` and
    /// `/`). Array steps take decimal indexes without leading zeros; `-` never resolves.
    pub fn pointer_str(&self, json_pointer: &str) -> Option<Value<'_>> {
        let mut cur = self.root()?;
        if json_pointer.is_empty() {
            return Some(cur);
        }
        let rest = json_pointer.strip_prefix('/')?;
        for raw in rest.split('/') {
            let token = unescape_pointer_token(raw)?;
            cur = match cur.kind() {
                NodeKind::Object => cur.as_object()?.get(&token)?,
                NodeKind::Array => {
                    let valid = !token.is_empty()
                        && token.bytes().all(|b| b.is_ascii_digit())
                        && (token == "0" || !token.starts_with('0'));
                    if !valid {
                        return None;
                    }
                    cur.as_array()?.get(token.parse().ok()?)?
                }
                _ => return None,
            };
        }
        Some(cur)
    }

    /// The whole document as a `serde_json::Value` (`Null` when there is no root), leaving out
    /// members without a value and error nodes; see [`Value::to_json`].
    ///
    /// Building is iterative, but `serde_json::Value`'s `Drop` recurses: check
    /// [`Tree::max_depth`] against [`MAX_JSON_DEPTH`] before calling this on untrusted input.
    pub fn to_json(&self) -> serde_json::Value {
        match self.root() {
            Some(v) => v.to_json(),
            None => serde_json::Value::Null,
        }
    }
}

pub(crate) fn node_range(d: &TreeData, id: u32) -> TextRange {
    let n = d.node(id);
    TextRange::new(n.start, n.end)
}

/// `~1` → `/`, `~0` → `~`; any other `~` makes the pointer invalid.
fn unescape_pointer_token(raw: &str) -> Option<std::borrow::Cow<'_, str>> {
    if !raw.contains('~') {
        return Some(raw.into());
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '~' {
            match chars.next() {
                Some('0') => out.push('~'),
                Some('1') => out.push('/'),
                _ => return None,
            }
        } else {
            out.push(c);
        }
    }
    Some(out.into())
}
