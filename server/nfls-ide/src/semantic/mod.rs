//! The meaning of a document beyond its schema: which refs and arguments exist where (scopes),
//! the `${…}` expressions in its strings, and what follows from them: diagnostics, navigation,
//! rename, and their quick fixes.

use nfls_schema::Classification;
use nfls_syntax::Parse;

use crate::diagnostic::Diagnostic;

/// Everything semantic about one document version, computed once by `analyze`.
#[derive(Debug, Default)]
pub struct Model {}

impl Model {
    pub fn build(_parse: &Parse, _classification: &Classification) -> Model {
        Model::default()
    }

    /// Ref, argument, expression and secret-hygiene diagnostics.
    pub fn diagnostics(&self, _parse: &Parse) -> Vec<Diagnostic> {
        Vec::new()
    }
}
