//! One document, analysed: parse, classify, and every check that produces diagnostics.

use std::sync::Arc;

use nfls_schema::{
    Associations, Classification, Evidence, Level, SchemaSet, ValidationCache, classify,
};
use nfls_syntax::{Parse, Value};

use crate::diagnostic::{Diagnostic, Severity};
use crate::semantic::Model;
use crate::severity::SeverityRules;

/// Settings that change what the analysis reports.
#[derive(Clone, Debug)]
pub struct AnalysisConfig {
    pub associations: Associations,
    /// The user's severities per diagnostic code (applied to every diagnostic but syntax
    /// errors).
    pub severity: SeverityRules,
}

impl Default for AnalysisConfig {
    fn default() -> AnalysisConfig {
        AnalysisConfig {
            associations: Associations::defaults(),
            severity: SeverityRules::default(),
        }
    }
}

/// The analysis of one version of one document. Cheap to share behind an `Arc`.
#[derive(Debug)]
pub struct Analysis {
    pub parse: Parse,
    /// `None` when the file is not a Northflank document: then there are no diagnostics.
    pub classification: Option<Classification>,
    pub diagnostics: Vec<Diagnostic>,
    /// Scopes, expressions and references (empty when the file is not ours).
    pub semantic: Model,
    /// The file is a repository settings file (`.northflank-lsp.json`), checked as such.
    pub settings_file: bool,
}

/// Analyses `text`. `path` (with `/` separators) feeds the file associations.
pub fn analyze(text: &str, path: Option<&str>, config: &AnalysisConfig) -> Analysis {
    analyze_with_cache(text, path, config, &ValidationCache::new())
}

/// Analyses `text`, reusing the schema checks of the parts of the document that did not change
/// since the last analysis with the same `cache` (keep one cache per open document).
pub fn analyze_with_cache(
    text: &str,
    path: Option<&str>,
    config: &AnalysisConfig,
    cache: &ValidationCache,
) -> Analysis {
    parse_and_classify(Arc::new(text.to_owned()), path, config).finish(cache)
}

/// The first stage of an analysis: the syntax tree and what kind of document it is. Cheap
/// (a few milliseconds for a megabyte), so a server can show syntax errors before the
/// schema checks and the semantic model are done.
#[derive(Debug)]
pub struct Parsed {
    pub parse: Parse,
    /// `None` when the file is not a Northflank document: then there are no diagnostics
    /// (unless it is a repository settings file).
    pub classification: Option<Classification>,
    /// The file is a repository settings file (`.northflank-lsp.json`): its own checks apply.
    settings_file: bool,
    /// The configuration's severity rules, for [`Parsed::finish`].
    severity: SeverityRules,
}

/// Parses and classifies `text`; [`Parsed::finish`] completes the analysis. The tree shares
/// `text` (no copy of the document).
pub fn parse_and_classify(
    text: Arc<String>,
    path: Option<&str>,
    config: &AnalysisConfig,
) -> Parsed {
    let parse = nfls_syntax::parse_shared(text);
    let settings_file = path.is_some_and(crate::repo_settings::is_repo_settings_path);
    let classification = if settings_file {
        None
    } else {
        classify(&parse.tree, path, &config.associations)
    };
    Parsed {
        parse,
        classification,
        settings_file,
        severity: config.severity.clone(),
    }
}

impl Parsed {
    /// The syntax errors of a Northflank document (none for a file that is not ours): the
    /// first part of the complete analysis's diagnostics, with the same ranges and messages.
    pub fn syntax_diagnostics(&self) -> Vec<Diagnostic> {
        if self.classification.is_none() && !self.settings_file {
            return Vec::new();
        }
        let mut diagnostics: Vec<Diagnostic> =
            self.parse.errors.iter().map(Diagnostic::from).collect();
        diagnostics.sort_by_key(|diagnostic| (diagnostic.range.start, diagnostic.range.end));
        diagnostics
    }

    /// The rest of the analysis: schema checks (reusing `cache`), the semantic model and its
    /// checks.
    pub fn finish(self, cache: &ValidationCache) -> Analysis {
        let mut diagnostics = self.syntax_diagnostics();
        let Parsed {
            parse,
            classification,
            settings_file,
            severity,
        } = self;
        if settings_file {
            // Checked as what it is; the severity rules do not apply to it (it holds them).
            diagnostics.extend(crate::repo_settings::check_repo_settings(&parse.tree));
            diagnostics.sort_by_key(|diagnostic| (diagnostic.range.start, diagnostic.range.end));
            return Analysis {
                parse,
                classification,
                diagnostics,
                semantic: Model::default(),
                settings_file,
            };
        }
        let mut semantic = Model::default();
        if let Some(classification) = &classification {
            let schemas = SchemaSet::embedded();
            // The semantic model and the schema checks are independent: on two cores they
            // take the time of the longer one.
            let (problems, model) = std::thread::scope(|scope| {
                let model = scope.spawn(|| Model::build(&parse, classification));
                let problems = schemas.validate_with(&parse.tree, classification.kind, cache);
                let model = model
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                (problems, model)
            });
            semantic = model;
            diagnostics.extend(problems.into_iter().map(|problem| {
                let fixes = crate::schema_fixes::fixes(&parse.tree, classification.kind, &problem);
                let severity = match problem.level {
                    Level::Error => Severity::Error,
                    Level::Warning => Severity::Warning,
                    Level::Information => Severity::Information,
                    Level::Hint => Severity::Hint,
                };
                Diagnostic {
                    range: problem.range,
                    severity,
                    code: problem.code.into(),
                    message: problem.message,
                    docs_url: problem.docs_url,
                    deprecated: problem.deprecated,
                    fixes,
                }
            }));
            document_hints(&parse, classification, &mut diagnostics);
            diagnostics.extend(semantic.diagnostics(&parse));
        }
        severity.apply(&mut diagnostics);
        diagnostics.sort_by_key(|diagnostic| (diagnostic.range.start, diagnostic.range.end));
        Analysis {
            parse,
            classification,
            diagnostics,
            semantic,
            settings_file,
        }
    }
}

/// A parse-only analysis: the fallback when a later stage failed unexpectedly. The document is
/// treated as not ours, so no half-finished diagnostics reach the user.
pub fn analyze_syntax_only(text: &str) -> Analysis {
    Analysis {
        parse: nfls_syntax::parse(text),
        classification: None,
        diagnostics: Vec::new(),
        semantic: Model::default(),
        settings_file: false,
    }
}

/// Hints about the document as a whole: an older `apiVersion`, and a `$schema` that names
/// another kind than the content shows.
fn document_hints(parse: &Parse, classification: &Classification, out: &mut Vec<Diagnostic>) {
    let Some(root) = parse.tree.root().and_then(Value::as_object) else {
        return;
    };
    if let Some(version) = root.get("apiVersion")
        && version.as_str() == Some("v1")
    {
        let mut hint = Diagnostic::new(
            version.range(),
            Severity::Hint,
            "schema/api-version-v1",
            "`v1` is the older format; the platform now writes `v1.2` (whether it still accepts `v1` is unconfirmed)",
        );
        hint.deprecated = true;
        hint.fixes = crate::schema_fixes::api_version_fixes(version);
        out.push(hint);
    }
    if let Evidence::ContentOverSchema {
        schema_kind,
        reason,
        ..
    } = &classification.evidence
        && let Some(schema) = root.get("$schema")
    {
        out.push(Diagnostic::new(
            schema.range(),
            Severity::Hint,
            "schema/kind-from-content",
            format!(
                "`$schema` names a {}, but the file holds {reason}: checking it as a {}",
                schema_kind.label(),
                classification.kind.label()
            ),
        ));
    }
}
