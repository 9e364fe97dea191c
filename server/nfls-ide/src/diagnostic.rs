//! The diagnostic type every check produces.

use std::borrow::Cow;

use nfls_syntax::TextRange;

use crate::types::Fix;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Information,
    Hint,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information => "information",
            Severity::Hint => "hint",
        }
    }
}

/// One problem at an exact byte range, with a stable code (`syntax/…`, `schema/…`, `ref/…`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub range: TextRange,
    pub severity: Severity,
    pub code: Cow<'static, str>,
    pub message: String,
    /// A page that explains the rule or the node kind involved.
    pub docs_url: Option<String>,
    /// Marks the range as deprecated (editors strike it through).
    pub deprecated: bool,
    /// Quick fixes for this problem.
    pub fixes: Vec<Fix>,
}

impl Diagnostic {
    pub fn new(
        range: TextRange,
        severity: Severity,
        code: impl Into<Cow<'static, str>>,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            range,
            severity,
            code: code.into(),
            message: message.into(),
            docs_url: None,
            deprecated: false,
            fixes: Vec::new(),
        }
    }

    pub fn with_docs(mut self, url: impl Into<String>) -> Diagnostic {
        self.docs_url = Some(url.into());
        self
    }
}

impl From<&nfls_syntax::SyntaxError> for Diagnostic {
    fn from(error: &nfls_syntax::SyntaxError) -> Diagnostic {
        let severity = match error.severity {
            nfls_syntax::Severity::Error => Severity::Error,
            nfls_syntax::Severity::Warning => Severity::Warning,
        };
        Diagnostic::new(error.range, severity, error.code, error.message.clone())
    }
}
