//! Hover from the schemas: description, type, allowed values, default, docs link.

use crate::Analysis;
use crate::types::HoverResult;

pub(super) fn hover(_analysis: &Analysis, _offset: u32) -> Option<HoverResult> {
    None
}
