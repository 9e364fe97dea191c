//! The shape of a document: outline symbols, folding and selection ranges, formatting, and
//! semantic tokens for expressions inside strings.

use nfls_syntax::TextRange;

use crate::Analysis;
use crate::types::{Fold, FormatOptions, SemanticToken, Symbol, TextEdit};

pub fn document_symbols(_analysis: &Analysis) -> Vec<Symbol> {
    Vec::new()
}

pub fn folding_ranges(_analysis: &Analysis) -> Vec<Fold> {
    Vec::new()
}

/// For each offset, the ranges from the innermost outwards.
pub fn selection_ranges(_analysis: &Analysis, offsets: &[u32]) -> Vec<Vec<TextRange>> {
    offsets.iter().map(|_| Vec::new()).collect()
}

/// Edits that format the document (or only `range`) the way the platform writes files.
pub fn format(
    _analysis: &Analysis,
    _range: Option<TextRange>,
    _options: FormatOptions,
) -> Vec<TextEdit> {
    Vec::new()
}

pub fn semantic_tokens(_analysis: &Analysis) -> Vec<SemanticToken> {
    Vec::new()
}
