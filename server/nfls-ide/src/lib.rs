//! Editor features on plain data: diagnostics, completion, hover, navigation, code actions.
//!
//! Everything here is pure: functions take a parsed document plus facts (schemas, settings,
//! platform and git data) and return plain structs with byte ranges. No I/O, no LSP types:
//! the `nfls-lsp` crate converts at the edge, and the CLI uses the same results.

mod actions;
mod analysis;
mod completion;
mod diagnostic;
mod hover;
mod navigation;
pub mod platform;
mod repo_settings;
mod schema_fixes;
pub mod semantic;
mod severity;
mod structure;
pub mod types;

pub use actions::code_actions;
pub use analysis::{
    Analysis, AnalysisConfig, Parsed, analyze, analyze_syntax_only, analyze_with_cache,
    parse_and_classify,
};
pub use completion::completions;
pub use diagnostic::{Diagnostic, Severity};
pub use hover::hover;
pub use navigation::{goto_definition, highlights, prepare_rename, references, rename};
pub use nfls_schema::ValidationCache;
pub use nfls_schema::{Associations, Classification, DocumentKind, Evidence};
pub use repo_settings::{REPO_SETTINGS_FILE, check_repo_settings, is_repo_settings_path};
pub use severity::{CODES, SeverityRules, rule_edit};
pub use structure::{document_symbols, folding_ranges, format, selection_ranges, semantic_tokens};
