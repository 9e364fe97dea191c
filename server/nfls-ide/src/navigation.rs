//! Go to definition, find references, rename and document highlight, for refs and arguments.

use nfls_syntax::TextRange;

use crate::Analysis;
use crate::types::{Highlight, TextEdit};

pub fn goto_definition(_analysis: &Analysis, _offset: u32) -> Vec<TextRange> {
    Vec::new()
}

pub fn references(
    _analysis: &Analysis,
    _offset: u32,
    _include_declaration: bool,
) -> Vec<TextRange> {
    Vec::new()
}

/// The range to rename and the current name, or a message why this cannot be renamed.
pub fn prepare_rename(_analysis: &Analysis, _offset: u32) -> Result<(TextRange, String), String> {
    Err("nothing to rename here".to_owned())
}

pub fn rename(
    _analysis: &Analysis,
    _offset: u32,
    _new_name: &str,
) -> Result<Vec<TextEdit>, String> {
    Err("nothing to rename here".to_owned())
}

pub fn highlights(_analysis: &Analysis, _offset: u32) -> Vec<Highlight> {
    Vec::new()
}
