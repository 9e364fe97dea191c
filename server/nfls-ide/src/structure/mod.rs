//! The shape of a document: outline symbols, folding and selection ranges, formatting, and
//! semantic tokens for expressions inside strings.
//!
//! Everything here walks the syntax tree with explicit stacks, never recursing on the input's
//! nesting, so a 10,000-deep document costs time but never the stack. Results are byte ranges
//! into the analysed text; `nfls-lsp` converts them to positions.

mod folding;
mod format;
mod selection;
mod symbols;
mod tokens;
mod walk;

use nfls_syntax::TextRange;

use crate::Analysis;
use crate::types::{Fold, FormatOptions, SemanticToken, Symbol, TextEdit};

/// The outline of a Northflank document: one [`crate::types::SymbolKind::Document`] symbol for
/// the file, holding its arguments, the workflow tree under `spec`, `teardownSpec`, triggers, and
/// the documents nested in `Pipeline`, `Template`, `WorkflowTemplate` and `PreviewBlueprint`
/// nodes. Empty for files that are not Northflank documents.
///
/// Symbols nest at most 32 levels; nodes below that level are listed as
/// siblings at the deepest level, so nothing disappears from the outline and the result stays
/// shallow enough for recursive consumers (drop, serialisation).
pub fn document_symbols(analysis: &Analysis) -> Vec<Symbol> {
    symbols::document_symbols(analysis)
}

/// Every object and array that spans more than one line, plus multi-line comments and runs of
/// line comments on consecutive lines, sorted by start.
///
/// A region's `range` runs from its opening bracket to just after its closing bracket (to the
/// end of the document when it is never closed); a comment's `range` is the comment itself. The
/// LSP layer folds from the line of `range.start` to the line before the one holding the last
/// byte of `range` (so the closing bracket stays visible), and for comments to the last line.
pub fn folding_ranges(analysis: &Analysis) -> Vec<Fold> {
    folding::folding_ranges(analysis)
}

/// For each offset, the ranges from the innermost outwards: expression token, enclosing
/// expressions, interpolation, string content, string (or key content, key), member (key and
/// value), object or array, and so on up to the root value and the whole document. Every range
/// contains the one before it and no two in a row are equal; the list is never empty.
pub fn selection_ranges(analysis: &Analysis, offsets: &[u32]) -> Vec<Vec<TextRange>> {
    offsets
        .iter()
        .map(|&offset| selection::selection_ranges(analysis, offset))
        .collect()
}

/// Edits that format the document (or only `range`) the way the platform writes files.
///
/// Only whitespace between tokens changes: 2-space indentation (or `options`), one member or
/// element per line, `"key": value`, `{}` and `[]` for empty containers, keys, strings and
/// numbers byte-identical. The line break is `\n`, or `\r\n` when most of the document's line
/// breaks are `\r\n`. The end of the file keeps its choice: one line break if it had any, none
/// if it had none (platform-written files end without one).
///
/// With `range`, only the smallest enclosing value — or the run of sibling members/elements the
/// range touches — is formatted, plus the indentation of its first line.
///
/// No edits when the document has syntax errors (formatting never guesses at broken text), or
/// when the result would be unreasonably large (very deep nesting written on one line).
pub fn format(
    analysis: &Analysis,
    range: Option<TextRange>,
    options: FormatOptions,
) -> Vec<TextEdit> {
    format::format(analysis, range, options)
}

/// Semantic tokens for the `${…}` expressions inside strings, in document order, non-empty,
/// non-overlapping and each on one line. Empty for files that are not Northflank documents.
pub fn semantic_tokens(analysis: &Analysis) -> Vec<SemanticToken> {
    tokens::semantic_tokens(analysis)
}
