//! Plain result types shared by the features: edits, completion items, hovers, symbols.
//! Ranges are byte ranges into the analysed text; the LSP layer converts them.

use nfls_syntax::TextRange;

/// Replace `range` with `new_text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextEdit {
    pub range: TextRange,
    pub new_text: String,
}

impl TextEdit {
    pub fn replace(range: TextRange, new_text: impl Into<String>) -> TextEdit {
        TextEdit {
            range,
            new_text: new_text.into(),
        }
    }
    pub fn insert(offset: u32, new_text: impl Into<String>) -> TextEdit {
        TextEdit {
            range: TextRange::empty(offset),
            new_text: new_text.into(),
        }
    }
}

/// A fix attached to a diagnostic, offered as a quick fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<TextEdit>,
    /// The one fix an editor may apply on "fix all" / auto-fix.
    pub preferred: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CompletionKind {
    Property,
    Value,
    Enum,
    NodeKind,
    Snippet,
    Reference,
    Argument,
    Function,
    Keyword,
    Field,
}

/// One completion item. `edit` replaces `edit.range` with the inserted text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletionItem {
    pub label: String,
    pub kind: CompletionKind,
    /// Short text shown next to the label (a type, a node kind, a signature).
    pub detail: Option<String>,
    /// Markdown.
    pub documentation: Option<String>,
    pub edit: TextEdit,
    /// `edit.new_text` is an LSP snippet (`$1`, `${1:placeholder}`, `$0`).
    pub is_snippet: bool,
    /// Extra edits elsewhere (e.g. a comma after the previous member).
    pub additional_edits: Vec<TextEdit>,
    pub sort_text: Option<String>,
    pub filter_text: Option<String>,
    pub deprecated: bool,
}

/// A hover: the range it applies to and Markdown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HoverResult {
    pub range: TextRange,
    pub markdown: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SymbolKind {
    Document,
    Workflow,
    Node,
    Trigger,
    Property,
    Array,
    Argument,
}

/// An entry of the outline: workflows, nodes, triggers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    /// The whole thing.
    pub range: TextRange,
    /// The part to reveal when the symbol is picked (e.g. the `ref` value or the `kind`).
    pub selection_range: TextRange,
    pub children: Vec<Symbol>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FoldKind {
    Region,
    Comment,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fold {
    pub range: TextRange,
    pub kind: FoldKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HighlightKind {
    /// Where a name is defined (a node's `ref`, an argument key).
    Write,
    /// Where it is used.
    Read,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Highlight {
    pub range: TextRange,
    pub kind: HighlightKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ActionKind {
    QuickFix,
    Refactor,
    Source,
}

/// A code action that is a plain edit of the document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeAction {
    pub title: String,
    pub kind: ActionKind,
    pub edits: Vec<TextEdit>,
    /// Codes of the diagnostics this action fixes.
    pub fixes_codes: Vec<String>,
    pub preferred: bool,
}

/// Token types for semantic highlighting of expressions inside strings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// `args`, `refs`, `fn`, `secrets`, `template`
    Keyword,
    /// A ref name
    Variable,
    /// An argument or secret name
    Parameter,
    /// An output path segment
    Property,
    Function,
    String,
    Number,
    /// `true` / `false`
    Boolean,
    Operator,
    /// `\${`
    Escape,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SemanticToken {
    pub range: TextRange,
    pub kind: TokenKind,
}

/// Formatting options from the editor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FormatOptions {
    pub tab_size: u32,
    pub insert_spaces: bool,
}

impl Default for FormatOptions {
    fn default() -> FormatOptions {
        FormatOptions {
            tab_size: 2,
            insert_spaces: true,
        }
    }
}
