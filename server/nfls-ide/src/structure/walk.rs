//! Depth-independent traversal of the syntax tree and a line-start table, shared by the
//! structure features.

use nfls_syntax::{NodeKind, Value};

/// Every value under (and including) `root`, parents before children, in document order.
/// Uses an explicit stack, so nesting depth costs heap, not call stack.
pub(crate) fn preorder(root: Value<'_>) -> Preorder<'_> {
    Preorder { stack: vec![root] }
}

pub(crate) struct Preorder<'t> {
    stack: Vec<Value<'t>>,
}

impl<'t> Iterator for Preorder<'t> {
    type Item = Value<'t>;

    fn next(&mut self) -> Option<Value<'t>> {
        let value = self.stack.pop()?;
        match value.kind() {
            NodeKind::Object => {
                if let Some(object) = value.as_object() {
                    // Reversed, so that the first member is popped first.
                    self.stack
                        .extend(object.members().rev().filter_map(|member| member.value()));
                }
            }
            NodeKind::Array => {
                if let Some(array) = value.as_array() {
                    self.stack.extend(array.elements().rev());
                }
            }
            _ => {}
        }
        Some(value)
    }
}

/// Byte offsets where lines start, with the line breaks LSP knows (`\n`, `\r\n`, `\r`).
pub(crate) struct LineStarts {
    starts: Vec<u32>,
}

impl LineStarts {
    pub(crate) fn new(text: &str) -> LineStarts {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => starts.push(i as u32 + 1),
                b'\r' => {
                    if bytes.get(i + 1) == Some(&b'\n') {
                        i += 1;
                    }
                    starts.push(i as u32 + 1);
                }
                _ => {}
            }
            i += 1;
        }
        LineStarts { starts }
    }

    /// The 0-based line holding `offset`.
    pub(crate) fn line_of(&self, offset: u32) -> usize {
        self.starts.partition_point(|&start| start <= offset) - 1
    }
}
