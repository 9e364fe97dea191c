//! User settings, under the `northflank` section: from `initializationOptions`,
//! `workspace/configuration` and `workspace/didChangeConfiguration`.
//!
//! Parsing is lenient: an unknown key is ignored, a value of the wrong type is skipped with a
//! problem message for the user, and the rest still applies.

use std::sync::Arc;

use nfls_ide::{AnalysisConfig, SeverityRules};
use nfls_schema::{Association, Associations};
use serde_json::Value;

use crate::remote::engine::ApiOptions;

/// How diagnostics reach the client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiagnosticsMode {
    /// Pull when the client supports `textDocument/diagnostic`, push otherwise.
    Auto,
    Push,
    Pull,
}

/// Ordered `key → value` settings: globs and kinds, codes and severities.
pub type Pairs = Vec<(String, String)>;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// Glob → document kind (`template`, `release-flow`, `preview-template`, `workflow`,
    /// `preview-blueprint`, `auto`, `none`), in the order given.
    pub files: Vec<(String, String)>,
    pub diagnostics_mode: DiagnosticsMode,
    pub debounce_ms: u64,
    /// Diagnostic code or family (`schema/*`) → severity or `off`, in the order given.
    pub severity: Vec<(String, String)>,
    /// Where the platform is and how to authenticate (the type the CLI uses too; its `Debug`
    /// never shows the token).
    pub api: ApiOptions,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            files: Vec::new(),
            diagnostics_mode: DiagnosticsMode::Auto,
            debounce_ms: 10,
            severity: Vec::new(),
            api: ApiOptions::default(),
        }
    }
}

impl Settings {
    /// Reads settings from a JSON value: either the section itself or an object holding a
    /// `northflank` key. Returns the settings and the problems found, for the user.
    pub fn from_json(value: &Value) -> (Settings, Vec<String>) {
        let section = value.get("northflank").unwrap_or(value);
        let mut settings = Settings::default();
        let mut problems = Vec::new();
        let Some(section) = section.as_object() else {
            if !section.is_null() {
                problems.push("`northflank` settings must be an object".to_owned());
            }
            return (settings, problems);
        };
        if let Some(files) = section.get("files") {
            match files.as_object() {
                Some(files) => {
                    for (glob, kind) in files {
                        match kind.as_str() {
                            Some(kind) if Association::parse(kind).is_some() => {
                                settings.files.push((glob.clone(), kind.to_owned()));
                            }
                            _ => problems.push(format!(
                                "`northflank.files[\"{glob}\"]` must be one of `template`, `release-flow`, \
                                 `preview-template`, `workflow`, `preview-blueprint`, `auto` or `none`"
                            )),
                        }
                    }
                }
                None => {
                    problems.push("`northflank.files` must map globs to document kinds".to_owned())
                }
            }
        }
        if let Some(diagnostics) = section.get("diagnostics").and_then(Value::as_object) {
            match diagnostics.get("mode").map(|mode| mode.as_str()) {
                None => {}
                Some(Some("auto")) => settings.diagnostics_mode = DiagnosticsMode::Auto,
                Some(Some("push")) => settings.diagnostics_mode = DiagnosticsMode::Push,
                Some(Some("pull")) => settings.diagnostics_mode = DiagnosticsMode::Pull,
                Some(_) => problems.push(
                    "`northflank.diagnostics.mode` must be `auto`, `push` or `pull`".to_owned(),
                ),
            }
            match diagnostics.get("debounceMs").map(Value::as_u64) {
                None => {}
                Some(Some(ms)) if ms <= 10_000 => settings.debounce_ms = ms,
                Some(_) => problems.push("`northflank.diagnostics.debounceMs` must be a number of milliseconds (0–10000)".to_owned()),
            }
            match diagnostics.get("severity") {
                None | Some(Value::Null) => {}
                Some(Value::Object(rules)) => {
                    for (pattern, level) in rules {
                        match level.as_str() {
                            Some(level) => settings
                                .severity
                                .push((pattern.clone(), level.to_owned())),
                            None => problems.push(format!(
                                "`northflank.diagnostics.severity[\"{pattern}\"]` must be `error`, `warning`, `information`, `hint` or `off`"
                            )),
                        }
                    }
                }
                Some(_) => problems.push(
                    "`northflank.diagnostics.severity` must map diagnostic codes to severities"
                        .to_owned(),
                ),
            }
        }
        if let Some(api) = section.get("api").and_then(Value::as_object) {
            let string = |key: &str, problems: &mut Vec<String>| match api.get(key) {
                None | Some(Value::Null) => None,
                Some(Value::String(value)) if !value.trim().is_empty() => {
                    Some(value.trim().to_owned())
                }
                Some(Value::String(_)) => None,
                Some(_) => {
                    problems.push(format!("`northflank.api.{key}` must be a string"));
                    None
                }
            };
            settings.api.base_url = string("baseUrl", &mut problems);
            settings.api.token = string("token", &mut problems);
            settings.api.token_file = string("tokenFile", &mut problems).map(Into::into);
            settings.api.team_id = string("teamId", &mut problems);
            settings.api.project_id = string("projectId", &mut problems);
        }
        (settings, problems)
    }

    /// The analysis configuration these settings imply, and problems with the globs.
    pub fn analysis_config(&self) -> (Arc<AnalysisConfig>, Vec<String>) {
        let mut associations = Associations::defaults();
        let mut problems = Vec::new();
        for (glob, kind) in &self.files {
            let association = Association::parse(kind).unwrap_or(Association::Auto);
            if let Err(err) = associations.push(glob, association) {
                problems.push(format!(
                    "`northflank.files`: the glob `{}` is invalid: {}",
                    err.glob, err.message
                ));
            }
        }
        let mut severity = SeverityRules::default();
        for (pattern, level) in &self.severity {
            if let Err(message) = severity.set(pattern, level) {
                problems.push(format!("`northflank.diagnostics.severity`: {message}"));
            }
        }
        (
            Arc::new(AnalysisConfig {
                associations,
                severity,
            }),
            problems,
        )
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn reads_the_section_or_a_wrapper() {
        let section = json!({"files": {"deploy/*.json": "release-flow"}, "diagnostics": {"mode": "push", "debounceMs": 0}});
        let (direct, problems) = Settings::from_json(&section);
        assert!(problems.is_empty());
        let (wrapped, _) = Settings::from_json(&json!({ "northflank": section }));
        assert_eq!(direct, wrapped);
        assert_eq!(
            direct.files,
            vec![("deploy/*.json".to_owned(), "release-flow".to_owned())]
        );
        assert_eq!(direct.diagnostics_mode, DiagnosticsMode::Push);
        assert_eq!(direct.debounce_ms, 0);
    }

    #[test]
    fn bad_values_are_reported_and_skipped() {
        let (settings, problems) = Settings::from_json(&json!({
            "files": {"a.json": "nonsense", "b.json": "template"},
            "diagnostics": {"mode": 3},
            "api": {"token": 42, "baseUrl": "http://127.0.0.1:9"}
        }));
        assert_eq!(
            settings.files,
            vec![("b.json".to_owned(), "template".to_owned())]
        );
        assert_eq!(settings.api.base_url.as_deref(), Some("http://127.0.0.1:9"));
        assert_eq!(settings.api.token, None);
        assert_eq!(problems, vec![
            "`northflank.files[\"a.json\"]` must be one of `template`, `release-flow`, `preview-template`, `workflow`, `preview-blueprint`, `auto` or `none`".to_owned(),
            "`northflank.diagnostics.mode` must be `auto`, `push` or `pull`".to_owned(),
            "`northflank.api.token` must be a string".to_owned(),
        ]);
    }

    #[test]
    fn debug_never_shows_the_token() {
        let (settings, _) = Settings::from_json(&json!({"api": {"token": "nf-secret-token-123"}}));
        let shown = format!("{settings:?}");
        assert!(!shown.contains("nf-secret-token-123"), "{shown}");
        assert!(shown.contains("***"));
    }

    #[test]
    fn severity_rules_are_read_and_bad_ones_reported() {
        let (settings, problems) = Settings::from_json(&json!({"diagnostics": {"severity": {
            "arg/not-in-arguments": "off",
            "schema/*": "error",
            "ref/undefined": 3,
            "syntax/comment": "warning",
            "ref/undefind": "hint"
        }}}));
        assert_eq!(
            problems,
            vec![
                "`northflank.diagnostics.severity[\"ref/undefined\"]` must be `error`, `warning`, `information`, `hint` or `off`"
                    .to_owned()
            ]
        );
        assert_eq!(settings.severity.len(), 4);
        let (config, problems) = settings.analysis_config();
        assert_eq!(problems, vec![
            "`northflank.diagnostics.severity`: `syntax/comment`: syntax errors cannot be changed (the platform cannot read a file that has one)".to_owned(),
            "`northflank.diagnostics.severity`: `ref/undefind` is not a diagnostic code — did you mean `ref/undefined`?".to_owned(),
        ]);
        use nfls_ide::Severity;
        assert_eq!(
            config
                .severity
                .severity_of("arg/not-in-arguments", Severity::Information),
            None
        );
        assert_eq!(
            config
                .severity
                .severity_of("schema/enum", Severity::Warning),
            Some(Severity::Error)
        );
        assert_eq!(
            config
                .severity
                .severity_of("ref/undefined", Severity::Error),
            Some(Severity::Error)
        );
        let (_, problems) = Settings::from_json(&json!({"diagnostics": {"severity": ["arg/*"]}}));
        assert_eq!(
            problems,
            vec![
                "`northflank.diagnostics.severity` must map diagnostic codes to severities"
                    .to_owned()
            ]
        );
    }

    #[test]
    fn invalid_globs_are_reported() {
        let (settings, _) = Settings::from_json(&json!({"files": {"[": "template"}}));
        let (_, problems) = settings.analysis_config();
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].starts_with("`northflank.files`: the glob `[` is invalid: "),
            "{}",
            problems[0]
        );
    }
}
