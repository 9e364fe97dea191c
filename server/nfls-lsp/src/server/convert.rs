//! Conversions between our plain results (byte ranges) and LSP types (positions in the
//! negotiated encoding). The only place where both meet.

use nfls_ide::{Diagnostic, Severity};
use nfls_syntax::TextRange;
use nfls_syntax::text::{Encoding, LineIndex, Position};
use tower_lsp_server::ls_types::{
    self as lsp, CodeDescription, DiagnosticSeverity, DiagnosticTag, NumberOrString,
};

/// The `source` of every diagnostic: tells our findings apart from other servers'.
pub const SOURCE: &str = "northflank";

pub fn position(index: &LineIndex, offset: u32, encoding: Encoding) -> lsp::Position {
    let Position { line, character } = index.position(offset, encoding);
    lsp::Position { line, character }
}

pub fn range(index: &LineIndex, range: TextRange, encoding: Encoding) -> lsp::Range {
    lsp::Range {
        start: position(index, range.start, encoding),
        end: position(index, range.end, encoding),
    }
}

pub fn offset(index: &LineIndex, position: lsp::Position, encoding: Encoding) -> u32 {
    index.offset(
        Position {
            line: position.line,
            character: position.character,
        },
        encoding,
    )
}

pub fn text_range(index: &LineIndex, range: lsp::Range, encoding: Encoding) -> TextRange {
    let start = offset(index, range.start, encoding);
    let end = offset(index, range.end, encoding);
    TextRange::new(start.min(end), start.max(end))
}

pub fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Information => DiagnosticSeverity::INFORMATION,
        Severity::Hint => DiagnosticSeverity::HINT,
    }
}

pub fn diagnostic(
    index: &LineIndex,
    diagnostic: &Diagnostic,
    encoding: Encoding,
) -> lsp::Diagnostic {
    lsp::Diagnostic {
        range: range(index, diagnostic.range, encoding),
        severity: Some(severity(diagnostic.severity)),
        code: Some(NumberOrString::String(diagnostic.code.to_string())),
        code_description: diagnostic
            .docs_url
            .as_deref()
            .and_then(|url| url.parse().ok())
            .map(|href| CodeDescription { href }),
        source: Some(SOURCE.to_owned()),
        message: diagnostic.message.clone(),
        related_information: None,
        tags: diagnostic
            .deprecated
            .then(|| vec![DiagnosticTag::DEPRECATED]),
        data: None,
    }
}
