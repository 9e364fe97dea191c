//! Request handlers for the document features: each converts positions to offsets, calls one
//! pure function of `nfls-ide` on the snapshot's analysis, and converts the result back.

use std::collections::HashMap;

use nfls_ide::types::{
    self as ide, ActionKind, CompletionKind, FoldKind, SymbolKind as IdeSymbolKind, TokenKind,
};
use nfls_syntax::text::{Encoding, LineIndex};
use tower_lsp_server::jsonrpc::{self, Error as RpcError};
use tower_lsp_server::ls_types::*;

use super::documents::Snapshot;
use super::{Backend, convert, read};

/// The semantic token types we emit, in legend order.
pub const TOKEN_TYPES: [SemanticTokenType; 10] = [
    SemanticTokenType::KEYWORD,
    SemanticTokenType::VARIABLE,
    SemanticTokenType::PARAMETER,
    SemanticTokenType::PROPERTY,
    SemanticTokenType::FUNCTION,
    SemanticTokenType::STRING,
    SemanticTokenType::NUMBER,
    SemanticTokenType::ENUM_MEMBER,
    SemanticTokenType::OPERATOR,
    SemanticTokenType::MACRO,
];

fn token_index(kind: TokenKind) -> u32 {
    match kind {
        TokenKind::Keyword => 0,
        TokenKind::Variable => 1,
        TokenKind::Parameter => 2,
        TokenKind::Property => 3,
        TokenKind::Function => 4,
        TokenKind::String => 5,
        TokenKind::Number => 6,
        TokenKind::Boolean => 7,
        TokenKind::Operator => 8,
        TokenKind::Escape => 9,
    }
}

/// An open document's snapshot and its analysis.
type Analysed = (std::sync::Arc<Snapshot>, std::sync::Arc<nfls_ide::Analysis>);

/// Characters after which editors should ask for completion.
pub const COMPLETION_TRIGGERS: [&str; 5] = ["\"", ":", ".", "{", "("];

impl Backend {
    /// The snapshot and its analysis for a request, or `None` for an unknown document or one
    /// that is not a Northflank document (those get no features at all).
    async fn analysed_ours(&self, uri: &Uri) -> Option<Analysed> {
        self.analysed(uri)
            .await
            .filter(|(_, analysis)| analysis.classification.is_some())
    }

    /// [`Self::analysed_ours`], and the repository settings file too (completion and hover
    /// know its keys and codes).
    async fn analysed_ours_or_settings(&self, uri: &Uri) -> Option<Analysed> {
        self.analysed(uri)
            .await
            .filter(|(_, analysis)| analysis.classification.is_some() || analysis.settings_file)
    }

    async fn analysed(&self, uri: &Uri) -> Option<Analysed> {
        let snapshot = self.snapshot(uri)?;
        let analysis = snapshot.analysis().await;
        Some((snapshot, analysis))
    }

    fn encoding(&self) -> Encoding {
        self.client_info().encoding
    }

    pub(super) async fn handle_completion(
        &self,
        params: CompletionParams,
    ) -> jsonrpc::Result<Option<CompletionResponse>> {
        let position = params.text_document_position;
        let Some((snapshot, analysis)) = self
            .analysed_ours_or_settings(&position.text_document.uri)
            .await
        else {
            return Ok(None);
        };
        let encoding = self.encoding();
        let offset = convert::offset(&snapshot.index, position.position, encoding);
        let snippets = self.client_info().snippets;
        let items: Vec<CompletionItem> = nfls_ide::completions(&analysis, offset)
            .into_iter()
            .map(|item| completion_item(&snapshot.index, item, encoding, snippets))
            .collect();
        if items.is_empty() {
            return Ok(None);
        }
        Ok(Some(CompletionResponse::List(CompletionList {
            is_incomplete: false,
            items,
        })))
    }

    pub(super) async fn handle_hover(&self, params: HoverParams) -> jsonrpc::Result<Option<Hover>> {
        let position = params.text_document_position_params;
        let Some((snapshot, analysis)) = self
            .analysed_ours_or_settings(&position.text_document.uri)
            .await
        else {
            return Ok(None);
        };
        let encoding = self.encoding();
        let offset = convert::offset(&snapshot.index, position.position, encoding);
        Ok(nfls_ide::hover(&analysis, offset).map(|hover| Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: hover.markdown,
            }),
            range: Some(convert::range(&snapshot.index, hover.range, encoding)),
        }))
    }

    pub(super) async fn handle_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> jsonrpc::Result<Option<GotoDefinitionResponse>> {
        let position = params.text_document_position_params;
        let uri = position.text_document.uri;
        let Some((snapshot, analysis)) = self.analysed_ours(&uri).await else {
            return Ok(None);
        };
        let encoding = self.encoding();
        let offset = convert::offset(&snapshot.index, position.position, encoding);
        let locations: Vec<Location> = nfls_ide::goto_definition(&analysis, offset)
            .into_iter()
            .map(|range| Location {
                uri: uri.clone(),
                range: convert::range(&snapshot.index, range, encoding),
            })
            .collect();
        Ok((!locations.is_empty()).then_some(GotoDefinitionResponse::Array(locations)))
    }

    pub(super) async fn handle_references(
        &self,
        params: ReferenceParams,
    ) -> jsonrpc::Result<Option<Vec<Location>>> {
        let position = params.text_document_position;
        let uri = position.text_document.uri;
        let Some((snapshot, analysis)) = self.analysed_ours(&uri).await else {
            return Ok(None);
        };
        let encoding = self.encoding();
        let offset = convert::offset(&snapshot.index, position.position, encoding);
        let locations: Vec<Location> =
            nfls_ide::references(&analysis, offset, params.context.include_declaration)
                .into_iter()
                .map(|range| Location {
                    uri: uri.clone(),
                    range: convert::range(&snapshot.index, range, encoding),
                })
                .collect();
        Ok((!locations.is_empty()).then_some(locations))
    }

    pub(super) async fn handle_prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> jsonrpc::Result<Option<PrepareRenameResponse>> {
        let Some((snapshot, analysis)) = self.analysed_ours(&params.text_document.uri).await else {
            return Ok(None);
        };
        let encoding = self.encoding();
        let offset = convert::offset(&snapshot.index, params.position, encoding);
        match nfls_ide::prepare_rename(&analysis, offset) {
            Ok((range, placeholder)) => Ok(Some(PrepareRenameResponse::RangeWithPlaceholder {
                range: convert::range(&snapshot.index, range, encoding),
                placeholder,
            })),
            Err(message) => Err(RpcError::invalid_params(message)),
        }
    }

    pub(super) async fn handle_rename(
        &self,
        params: RenameParams,
    ) -> jsonrpc::Result<Option<WorkspaceEdit>> {
        let position = params.text_document_position;
        let uri = position.text_document.uri;
        let Some((snapshot, analysis)) = self.analysed_ours(&uri).await else {
            return Ok(None);
        };
        let encoding = self.encoding();
        let offset = convert::offset(&snapshot.index, position.position, encoding);
        match nfls_ide::rename(&analysis, offset, &params.new_name) {
            Ok(edits) => Ok(Some(workspace_edit(
                &uri,
                &snapshot.index,
                &edits,
                encoding,
            ))),
            Err(message) => Err(RpcError::invalid_params(message)),
        }
    }

    pub(super) async fn handle_document_highlight(
        &self,
        params: DocumentHighlightParams,
    ) -> jsonrpc::Result<Option<Vec<DocumentHighlight>>> {
        let position = params.text_document_position_params;
        let Some((snapshot, analysis)) = self.analysed_ours(&position.text_document.uri).await
        else {
            return Ok(None);
        };
        let encoding = self.encoding();
        let offset = convert::offset(&snapshot.index, position.position, encoding);
        let highlights: Vec<DocumentHighlight> = nfls_ide::highlights(&analysis, offset)
            .into_iter()
            .map(|highlight| DocumentHighlight {
                range: convert::range(&snapshot.index, highlight.range, encoding),
                kind: Some(match highlight.kind {
                    ide::HighlightKind::Write => DocumentHighlightKind::WRITE,
                    ide::HighlightKind::Read => DocumentHighlightKind::READ,
                }),
            })
            .collect();
        Ok((!highlights.is_empty()).then_some(highlights))
    }

    pub(super) async fn handle_document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> jsonrpc::Result<Option<DocumentSymbolResponse>> {
        let uri = params.text_document.uri;
        let Some((snapshot, analysis)) = self.analysed_ours(&uri).await else {
            return Ok(None);
        };
        let encoding = self.encoding();
        let symbols = nfls_ide::document_symbols(&analysis);
        if self.client_info().hierarchical_symbols {
            let symbols = symbols
                .into_iter()
                .map(|symbol| document_symbol(&snapshot.index, symbol, encoding))
                .collect();
            Ok(Some(DocumentSymbolResponse::Nested(symbols)))
        } else {
            let mut flat = Vec::new();
            flatten_symbols(&uri, &snapshot.index, symbols, None, encoding, &mut flat);
            Ok(Some(DocumentSymbolResponse::Flat(flat)))
        }
    }

    pub(super) async fn handle_folding_range(
        &self,
        params: FoldingRangeParams,
    ) -> jsonrpc::Result<Option<Vec<FoldingRange>>> {
        let Some((snapshot, analysis)) = self.analysed_ours(&params.text_document.uri).await else {
            return Ok(None);
        };
        let encoding = self.encoding();
        let mut folds = Vec::new();
        for fold in nfls_ide::folding_ranges(&analysis) {
            let start = convert::position(&snapshot.index, fold.range.start, encoding);
            let end = convert::position(&snapshot.index, fold.range.end, encoding);
            // Keep the closing bracket's line visible, as editors do for JSON.
            let end_line = if fold.kind == FoldKind::Comment {
                end.line
            } else {
                end.line.saturating_sub(1)
            };
            if end_line <= start.line {
                continue;
            }
            folds.push(FoldingRange {
                start_line: start.line,
                start_character: None,
                end_line,
                end_character: None,
                kind: Some(match fold.kind {
                    FoldKind::Region => FoldingRangeKind::Region,
                    FoldKind::Comment => FoldingRangeKind::Comment,
                }),
                collapsed_text: None,
            });
        }
        Ok(Some(folds))
    }

    pub(super) async fn handle_selection_range(
        &self,
        params: SelectionRangeParams,
    ) -> jsonrpc::Result<Option<Vec<SelectionRange>>> {
        let Some((snapshot, analysis)) = self.analysed_ours(&params.text_document.uri).await else {
            return Ok(None);
        };
        let encoding = self.encoding();
        let offsets: Vec<u32> = params
            .positions
            .iter()
            .map(|position| convert::offset(&snapshot.index, *position, encoding))
            .collect();
        let chains = nfls_ide::selection_ranges(&analysis, &offsets);
        let result = chains
            .into_iter()
            .zip(&params.positions)
            .map(|(chain, position)| {
                let mut selection: Option<SelectionRange> = None;
                for range in chain.into_iter().rev() {
                    selection = Some(SelectionRange {
                        range: convert::range(&snapshot.index, range, encoding),
                        parent: selection.map(Box::new),
                    });
                }
                selection.unwrap_or(SelectionRange {
                    range: Range {
                        start: *position,
                        end: *position,
                    },
                    parent: None,
                })
            })
            .collect();
        Ok(Some(result))
    }

    pub(super) async fn handle_formatting(
        &self,
        params: DocumentFormattingParams,
    ) -> jsonrpc::Result<Option<Vec<TextEdit>>> {
        self.format(&params.text_document.uri, None, &params.options)
            .await
    }

    pub(super) async fn handle_range_formatting(
        &self,
        params: DocumentRangeFormattingParams,
    ) -> jsonrpc::Result<Option<Vec<TextEdit>>> {
        self.format(
            &params.text_document.uri,
            Some(params.range),
            &params.options,
        )
        .await
    }

    async fn format(
        &self,
        uri: &Uri,
        range: Option<Range>,
        options: &FormattingOptions,
    ) -> jsonrpc::Result<Option<Vec<TextEdit>>> {
        let Some((snapshot, analysis)) = self.analysed_ours(uri).await else {
            return Ok(None);
        };
        let encoding = self.encoding();
        let range = range.map(|range| convert::text_range(&snapshot.index, range, encoding));
        let options = ide::FormatOptions {
            tab_size: options.tab_size,
            insert_spaces: options.insert_spaces,
        };
        let edits = nfls_ide::format(&analysis, range, options);
        Ok(Some(
            edits
                .iter()
                .map(|edit| text_edit(&snapshot.index, edit, encoding))
                .collect(),
        ))
    }

    pub(super) async fn handle_semantic_tokens(
        &self,
        params: SemanticTokensParams,
    ) -> jsonrpc::Result<Option<SemanticTokensResult>> {
        let Some((snapshot, analysis)) = self.analysed_ours(&params.text_document.uri).await else {
            return Ok(None);
        };
        let encoding = self.encoding();
        let mut data = Vec::new();
        let (mut previous_line, mut previous_start) = (0, 0);
        for token in nfls_ide::semantic_tokens(&analysis) {
            let start = convert::position(&snapshot.index, token.range.start, encoding);
            let end = convert::position(&snapshot.index, token.range.end, encoding);
            if end.line != start.line || end.character <= start.character {
                continue;
            }
            let delta_line = start.line - previous_line;
            let delta_start = if delta_line == 0 {
                start.character - previous_start
            } else {
                start.character
            };
            data.push(SemanticToken {
                delta_line,
                delta_start,
                length: end.character - start.character,
                token_type: token_index(token.kind),
                token_modifiers_bitset: 0,
            });
            previous_line = start.line;
            previous_start = start.character;
        }
        Ok(Some(SemanticTokensResult::Tokens(SemanticTokens {
            result_id: None,
            data,
        })))
    }

    pub(super) async fn handle_code_action(
        &self,
        params: CodeActionParams,
    ) -> jsonrpc::Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri;
        let Some((snapshot, analysis)) = self.analysed_ours(&uri).await else {
            return Ok(None);
        };
        let encoding = self.encoding();
        let range = convert::text_range(&snapshot.index, params.range, encoding);
        let only = params.context.only.unwrap_or_default();
        let mut actions: CodeActionResponse = Vec::new();
        for action in nfls_ide::code_actions(&analysis, range) {
            let kind = match action.kind {
                ActionKind::QuickFix => CodeActionKind::QUICKFIX,
                ActionKind::Refactor => CodeActionKind::REFACTOR,
                ActionKind::Source => CodeActionKind::SOURCE,
            };
            if !only.is_empty()
                && !only
                    .iter()
                    .any(|wanted| kind.as_str().starts_with(wanted.as_str()))
            {
                continue;
            }
            let diagnostics: Vec<Diagnostic> = params
                .context
                .diagnostics
                .iter()
                .filter(|diagnostic| {
                    matches!(&diagnostic.code, Some(NumberOrString::String(code)) if action.fixes_codes.contains(code))
                })
                .cloned()
                .collect();
            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: action.title,
                kind: Some(kind),
                diagnostics: (!diagnostics.is_empty()).then_some(diagnostics),
                edit: Some(workspace_edit(
                    &uri,
                    &snapshot.index,
                    &action.edits,
                    encoding,
                )),
                command: None,
                is_preferred: action.preferred.then_some(true),
                disabled: None,
                data: None,
            }));
        }
        actions.extend(self.platform_code_actions(&uri, &snapshot));
        let quick_fixes_wanted = only.is_empty()
            || only.iter().any(|wanted| {
                CodeActionKind::QUICKFIX
                    .as_str()
                    .starts_with(wanted.as_str())
            });
        if quick_fixes_wanted {
            actions.extend(self.turn_off_actions(&params.context.diagnostics));
        }
        Ok((!actions.is_empty()).then_some(actions))
    }

    /// "Turn off `<code>` for this repository": for each configurable code among the
    /// diagnostics the client names, an edit of the repository's settings file (the one in use,
    /// else a new one at the workspace root, if the client can create files) that sets the
    /// code to `off`. The rule applies once the file is saved.
    fn turn_off_actions(&self, diagnostics: &[Diagnostic]) -> Vec<CodeActionOrCommand> {
        let mut codes: Vec<&str> = diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.source.as_deref() == Some("northflank"))
            .filter_map(|diagnostic| match &diagnostic.code {
                Some(NumberOrString::String(code)) => Some(code.as_str()),
                _ => None,
            })
            .filter(|code| nfls_ide::CODES.iter().any(|(known, _)| known == code))
            .collect();
        codes.sort_unstable();
        codes.dedup();
        if codes.is_empty() {
            return Vec::new();
        }
        // The file as last read (when the server started, and each time it changed on disk),
        // else a new one at the workspace root.
        let (path, read_text) = match read(&self.state.repo_file) {
            Some((path, text)) => (path, Some(text)),
            None => match read(&self.state.root) {
                Some(root) => (root.join(crate::repo_config::FILE_NAME), None),
                None => return Vec::new(),
            },
        };
        let Some(file) = Uri::from_file_path(&path) else {
            return Vec::new();
        };
        // The editor's copy when the file is open (it may hold unsaved edits).
        let text: Option<String> = match self.snapshot(&file) {
            Some(snapshot) => Some(snapshot.text.to_string()),
            None => read_text,
        };
        if text.is_none() && !self.client_info().create_files {
            return Vec::new();
        }
        let encoding = self.encoding();
        codes
            .into_iter()
            .map(|code| {
                let title = format!(
                    "Turn off `{code}` for this repository ({})",
                    crate::repo_config::FILE_NAME
                );
                let fixed: Vec<Diagnostic> = diagnostics
                    .iter()
                    .filter(|d| matches!(&d.code, Some(NumberOrString::String(c)) if c == code))
                    .cloned()
                    .collect();
                let (edit, disabled) = match nfls_ide::rule_edit(text.as_deref(), code, "off") {
                    Ok(edit) => (
                        Some(file_edit(&file, text.as_deref(), &edit, encoding)),
                        None,
                    ),
                    Err(reason) => (
                        None,
                        Some(CodeActionDisabled {
                            reason: format!("{}: {reason}", path.display()),
                        }),
                    ),
                };
                CodeActionOrCommand::CodeAction(CodeAction {
                    title,
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(fixed),
                    edit,
                    command: None,
                    is_preferred: None,
                    disabled,
                    data: None,
                })
            })
            .collect()
    }
}

/// A workspace edit of another file than the document: `text` is its content (`None`: the
/// file does not exist yet and is created).
fn file_edit(
    uri: &Uri,
    text: Option<&str>,
    edit: &ide::TextEdit,
    encoding: Encoding,
) -> WorkspaceEdit {
    match text {
        Some(text) => {
            let index = LineIndex::new(text);
            workspace_edit(uri, &index, std::slice::from_ref(edit), encoding)
        }
        None => WorkspaceEdit {
            changes: None,
            document_changes: Some(DocumentChanges::Operations(vec![
                DocumentChangeOperation::Op(ResourceOp::Create(CreateFile {
                    uri: uri.clone(),
                    options: None,
                    annotation_id: None,
                })),
                DocumentChangeOperation::Edit(TextDocumentEdit {
                    text_document: OptionalVersionedTextDocumentIdentifier {
                        uri: uri.clone(),
                        version: None,
                    },
                    edits: vec![OneOf::Left(TextEdit {
                        range: Range::default(),
                        new_text: edit.new_text.clone(),
                    })],
                }),
            ])),
            change_annotations: None,
        },
    }
}

fn text_edit(index: &LineIndex, edit: &ide::TextEdit, encoding: Encoding) -> TextEdit {
    TextEdit {
        range: convert::range(index, edit.range, encoding),
        new_text: edit.new_text.clone(),
    }
}

fn workspace_edit(
    uri: &Uri,
    index: &LineIndex,
    edits: &[ide::TextEdit],
    encoding: Encoding,
) -> WorkspaceEdit {
    let edits = edits
        .iter()
        .map(|edit| text_edit(index, edit, encoding))
        .collect();
    WorkspaceEdit {
        changes: Some(HashMap::from([(uri.clone(), edits)])),
        document_changes: None,
        change_annotations: None,
    }
}

fn completion_item(
    index: &LineIndex,
    item: ide::CompletionItem,
    encoding: Encoding,
    snippets: bool,
) -> CompletionItem {
    let (new_text, format) = if item.is_snippet && snippets {
        (item.edit.new_text.clone(), InsertTextFormat::SNIPPET)
    } else if item.is_snippet {
        (
            strip_snippet(&item.edit.new_text),
            InsertTextFormat::PLAIN_TEXT,
        )
    } else {
        (item.edit.new_text.clone(), InsertTextFormat::PLAIN_TEXT)
    };
    let kind = match item.kind {
        CompletionKind::Property => CompletionItemKind::PROPERTY,
        CompletionKind::Value => CompletionItemKind::VALUE,
        CompletionKind::Enum => CompletionItemKind::ENUM_MEMBER,
        CompletionKind::NodeKind => CompletionItemKind::CLASS,
        CompletionKind::Snippet => CompletionItemKind::SNIPPET,
        CompletionKind::Reference => CompletionItemKind::VARIABLE,
        CompletionKind::Argument => CompletionItemKind::CONSTANT,
        CompletionKind::Function => CompletionItemKind::FUNCTION,
        CompletionKind::Keyword => CompletionItemKind::KEYWORD,
        CompletionKind::Field => CompletionItemKind::FIELD,
    };
    CompletionItem {
        label: item.label,
        kind: Some(kind),
        detail: item.detail,
        documentation: item.documentation.map(|value| {
            Documentation::MarkupContent(MarkupContent {
                kind: MarkupKind::Markdown,
                value,
            })
        }),
        deprecated: None,
        tags: item.deprecated.then(|| vec![CompletionItemTag::DEPRECATED]),
        sort_text: item.sort_text,
        filter_text: item.filter_text,
        insert_text_format: Some(format),
        // Multi-line items are already indented for the cursor's line.
        insert_text_mode: Some(InsertTextMode::AS_IS),
        text_edit: Some(CompletionTextEdit::Edit(TextEdit {
            range: convert::range(index, item.edit.range, encoding),
            new_text,
        })),
        additional_text_edits: (!item.additional_edits.is_empty()).then(|| {
            item.additional_edits
                .iter()
                .map(|edit| text_edit(index, edit, encoding))
                .collect()
        }),
        ..CompletionItem::default()
    }
}

/// Turns an LSP snippet into plain text for clients without snippet support: placeholders
/// keep their default text, choices their first option, tab stops vanish.
pub fn strip_snippet(snippet: &str) -> String {
    let mut out = String::with_capacity(snippet.len());
    let mut chars = snippet.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '\\' => {
                if let Some(next) = chars.next() {
                    out.push(next);
                }
            }
            '$' => match chars.peek() {
                Some(digit) if digit.is_ascii_digit() => {
                    while chars.peek().is_some_and(char::is_ascii_digit) {
                        chars.next();
                    }
                }
                Some('{') => {
                    chars.next();
                    while chars.peek().is_some_and(char::is_ascii_digit) {
                        chars.next();
                    }
                    match chars.next() {
                        Some(':') => {
                            // Placeholder text up to the matching `}` (may hold nested ones).
                            let mut depth = 1;
                            let mut inner = String::new();
                            for ch in chars.by_ref() {
                                match ch {
                                    '{' => depth += 1,
                                    '}' => {
                                        depth -= 1;
                                        if depth == 0 {
                                            break;
                                        }
                                    }
                                    _ => {}
                                }
                                inner.push(ch);
                            }
                            out.push_str(&strip_snippet(&inner));
                        }
                        Some('|') => {
                            let choices: String =
                                chars.by_ref().take_while(|ch| *ch != '|').collect();
                            out.push_str(choices.split(',').next().unwrap_or_default());
                            // The closing `}`.
                            chars.next();
                        }
                        _ => {}
                    }
                }
                _ => out.push('$'),
            },
            _ => out.push(ch),
        }
    }
    out
}

fn symbol_kind(kind: IdeSymbolKind) -> SymbolKind {
    match kind {
        IdeSymbolKind::Document => SymbolKind::FILE,
        IdeSymbolKind::Workflow => SymbolKind::NAMESPACE,
        IdeSymbolKind::Node => SymbolKind::CLASS,
        IdeSymbolKind::Trigger => SymbolKind::EVENT,
        IdeSymbolKind::Property => SymbolKind::PROPERTY,
        IdeSymbolKind::Array => SymbolKind::ARRAY,
        IdeSymbolKind::Argument => SymbolKind::CONSTANT,
    }
}

#[allow(deprecated)] // `DocumentSymbol::deprecated` must be spelled out.
fn document_symbol(index: &LineIndex, symbol: ide::Symbol, encoding: Encoding) -> DocumentSymbol {
    DocumentSymbol {
        name: if symbol.name.is_empty() {
            "(unnamed)".to_owned()
        } else {
            symbol.name
        },
        detail: symbol.detail,
        kind: symbol_kind(symbol.kind),
        tags: None,
        deprecated: None,
        range: convert::range(index, symbol.range, encoding),
        selection_range: convert::range(index, symbol.selection_range, encoding),
        children: (!symbol.children.is_empty()).then(|| {
            symbol
                .children
                .into_iter()
                .map(|child| document_symbol(index, child, encoding))
                .collect()
        }),
    }
}

#[allow(deprecated)] // `SymbolInformation::deprecated` must be spelled out.
fn flatten_symbols(
    uri: &Uri,
    index: &LineIndex,
    symbols: Vec<ide::Symbol>,
    container: Option<&str>,
    encoding: Encoding,
    out: &mut Vec<SymbolInformation>,
) {
    // Iterative: the outline of a deeply nested document must not recurse deeply.
    let mut stack: Vec<(ide::Symbol, Option<String>)> = symbols
        .into_iter()
        .rev()
        .map(|symbol| (symbol, container.map(str::to_owned)))
        .collect();
    while let Some((symbol, container)) = stack.pop() {
        let name = symbol.name.clone();
        out.push(SymbolInformation {
            name: symbol.name,
            kind: symbol_kind(symbol.kind),
            tags: None,
            deprecated: None,
            location: Location {
                uri: uri.clone(),
                range: convert::range(index, symbol.range, encoding),
            },
            container_name: container,
        });
        stack.extend(
            symbol
                .children
                .into_iter()
                .rev()
                .map(|child| (child, Some(name.clone()))),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::strip_snippet;

    #[test]
    fn snippets_become_plain_text() {
        assert_eq!(strip_snippet("\"name\": \"$1\""), "\"name\": \"\"");
        assert_eq!(
            strip_snippet("\"type\": \"${1|sequential,parallel|}\"$0"),
            "\"type\": \"sequential\""
        );
        assert_eq!(
            strip_snippet("{\"kind\": \"${1:Workflow}\", \"spec\": {${2}}}"),
            "{\"kind\": \"Workflow\", \"spec\": {}}"
        );
        assert_eq!(strip_snippet("${1:a ${2:b} c}"), "a b c");
        assert_eq!(
            strip_snippet("cost: \\$5 and $ sign"),
            "cost: $5 and $ sign"
        );
    }
}
