//! Hover on `${…}` expressions: an argument's value, a ref's node, a function's signature.

use crate::Analysis;
use crate::types::HoverResult;

pub(super) fn hover(_analysis: &Analysis, _offset: u32) -> Option<HoverResult> {
    None
}
