//! The user's say over diagnostics: a severity per code or code family, or `off`.
//!
//! Rules come from the server's `northflank.diagnostics.severity` setting and the CLI's
//! `--severity CODE=LEVEL`: `"arg/not-in-arguments": "off"`, `"schema/*": "error"`. An exact
//! code wins over a family. Syntax errors are not the user's to change: a file with one is not
//! JSON the platform can read.

use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, Severity};
use crate::platform::{member_indent, render_value};
use crate::types::TextEdit;

/// Every diagnostic code outside the `syntax/` family, with what it reports (the codes a user
/// can configure; `syntax/…` codes are listed by `nfls_syntax::codes`).
pub const CODES: &[(&str, &str)] = &[
    ("schema/api-version-v1", "`apiVersion` is the older `v1`"),
    (
        "schema/enum",
        "a value that is not one of the allowed values",
    ),
    (
        "schema/invalid",
        "a value the schema rejects for another reason",
    ),
    ("schema/items", "an array with too few or too many items"),
    (
        "schema/kind-from-content",
        "`$schema` names another kind of document than the content shows",
    ),
    ("schema/length", "a string that is too short or too long"),
    ("schema/missing-property", "a required property is missing"),
    (
        "schema/node-kind-not-allowed",
        "a node kind that cannot run in this kind of document",
    ),
    ("schema/pattern", "a string that does not match its format"),
    ("schema/range", "a number out of its range"),
    ("schema/too-deep", "nesting deeper than validation follows"),
    ("schema/type", "a value of the wrong type"),
    (
        "schema/unavailable",
        "the schema for this document could not be used",
    ),
    (
        "schema/unknown-node-kind",
        "a `kind` that names no node kind",
    ),
    (
        "schema/unknown-property",
        "a property the schema does not know",
    ),
    ("ref/duplicate", "two nodes with the same `ref`"),
    (
        "ref/not-run-yet",
        "a `${refs.…}` to a node that cannot have run yet at that point",
    ),
    ("ref/undefined", "a `${refs.…}` to a `ref` no node has"),
    (
        "ref/unknown-output",
        "a `${refs.<ref>.<output>}` the node does not produce",
    ),
    (
        "arg/not-in-arguments",
        "an `${args.…}` that `arguments` does not declare",
    ),
    ("expr/unterminated", "`${` without its closing `}`"),
    ("expr/empty", "an empty `${}`"),
    ("expr/syntax", "an expression that does not parse"),
    ("expr/unbalanced", "unbalanced parentheses in an expression"),
    (
        "expr/string",
        "a string literal in an expression that is never closed or uses double quotes",
    ),
    ("expr/too-deep", "function calls nested too deeply"),
    (
        "expr/unknown-function",
        "a function the expression language does not have",
    ),
    (
        "expr/arity",
        "a function called with the wrong number of arguments",
    ),
    (
        "expr/unknown-root",
        "an expression that starts with an unknown name",
    ),
    (
        "expr/template-outside-nested",
        "a `${template.…}` outside a nested template",
    ),
    (
        "secret/argument-overrides",
        "`argumentOverrides` committed to the file: the platform keeps them out of Git",
    ),
    (
        "platform/drift",
        "a linked file whose content differs from what the platform runs",
    ),
];

/// Severity rules: code or family (`schema/*`) → severity, or `None` to drop the diagnostic.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SeverityRules {
    codes: HashMap<String, Option<Severity>>,
    families: HashMap<String, Option<Severity>>,
}

impl SeverityRules {
    /// Adds `later`'s rules over these (a code or family both name takes `later`'s level).
    pub fn extend(&mut self, later: SeverityRules) {
        self.codes.extend(later.codes);
        self.families.extend(later.families);
    }

    pub fn is_empty(&self) -> bool {
        self.codes.is_empty() && self.families.is_empty()
    }

    /// Adds a rule: `pattern` is a code (`ref/undefined`) or a family (`ref/*`), `level` one of
    /// `error`, `warning`, `information`, `hint` or `off`. A later rule for the same pattern
    /// replaces an earlier one. The error says what is wrong, in the user's terms.
    pub fn set(&mut self, pattern: &str, level: &str) -> Result<(), String> {
        let severity = match level {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "information" => Some(Severity::Information),
            "hint" => Some(Severity::Hint),
            "off" => None,
            other => {
                return Err(format!(
                    "`{other}` is not a severity: expected `error`, `warning`, `information`, `hint` or `off`"
                ));
            }
        };
        if pattern == "syntax/*" || pattern.starts_with("syntax/") {
            return Err(format!(
                "`{pattern}`: syntax errors cannot be changed (the platform cannot read a file that has one)"
            ));
        }
        if let Some(family) = pattern.strip_suffix("/*") {
            if !CODES
                .iter()
                .any(|(code, _)| code.split_once('/').is_some_and(|(f, _)| f == family))
            {
                return Err(format!(
                    "`{pattern}` names no family of diagnostic codes: expected one of {}",
                    families().join(", ")
                ));
            }
            self.families.insert(family.to_owned(), severity);
            return Ok(());
        }
        if !CODES.iter().any(|(code, _)| *code == pattern) {
            let suggestion = nfls_schema::suggest(pattern, CODES.iter().map(|(code, _)| *code))
                .map(|code| format!(" — did you mean `{code}`?"))
                .unwrap_or_default();
            return Err(format!("`{pattern}` is not a diagnostic code{suggestion}"));
        }
        self.codes.insert(pattern.to_owned(), severity);
        Ok(())
    }

    /// What the rules make of a diagnostic with `code`: `Some(severity)` to keep it at that
    /// severity (its own when no rule applies), `None` to drop it.
    pub fn severity_of(&self, code: &str, own: Severity) -> Option<Severity> {
        if code.starts_with("syntax/") {
            return Some(own);
        }
        if let Some(rule) = self.codes.get(code) {
            return *rule;
        }
        let family = code.split_once('/').map_or(code, |(family, _)| family);
        match self.families.get(family) {
            Some(rule) => *rule,
            None => Some(own),
        }
    }

    /// Applies the rules: changes severities and drops what is `off`.
    pub fn apply(&self, diagnostics: &mut Vec<Diagnostic>) {
        if self.is_empty() {
            return;
        }
        diagnostics.retain_mut(|diagnostic| {
            match self.severity_of(&diagnostic.code, diagnostic.severity) {
                Some(severity) => {
                    diagnostic.severity = severity;
                    true
                }
                None => false,
            }
        });
    }
}

/// The code families (`schema/*`, …) in [`CODES`], in order.
fn families() -> Vec<String> {
    let mut families: Vec<String> = Vec::new();
    for (code, _) in CODES {
        let family = format!("`{}/*`", code.split_once('/').map_or(*code, |(f, _)| f));
        if !families.contains(&family) {
            families.push(family);
        }
    }
    families
}

/// The edit to a repository settings file (its text, or `None` when there is none yet) that
/// sets the rule for `code` to `level` in `diagnostics.severity`: the rule's value replaced, or
/// a member added (with `diagnostics` and `severity` around it when they are missing), in the
/// file's own indentation and line endings. A new file gets its whole text. `Err` says why the
/// file cannot be edited safely.
pub fn rule_edit(text: Option<&str>, code: &str, level: &str) -> Result<TextEdit, String> {
    let rule = serde_json::json!({ code: level });
    let Some(text) = text else {
        let whole = serde_json::json!({ "diagnostics": { "severity": rule } });
        return Ok(TextEdit::insert(
            0,
            format!("{}\n", render_value(&whole, "  ", 1, "\n")),
        ));
    };
    let parsed = nfls_syntax::parse(text);
    if parsed
        .errors
        .iter()
        .any(|error| error.severity == nfls_syntax::Severity::Error)
    {
        return Err("the file has JSON syntax errors: fix them first".to_owned());
    }
    let root = parsed
        .tree
        .root()
        .and_then(|root| root.as_object())
        .ok_or("the file's top level is not a JSON object")?;
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let unit = member_indent(text, root).unwrap_or_else(|| "  ".to_owned());
    // A member added at the end of `object`, which stands at `depth`.
    let insert =
        |object: nfls_syntax::Object<'_>, depth: usize, key: &str, value: &serde_json::Value| {
            let rendered = render_value(value, &unit, depth + 1, eol);
            let member = format!("{}: {rendered}", serde_json::json!(key));
            let indent = unit.repeat(depth);
            match object.members().last() {
                Some(last) => TextEdit::insert(last.range().end, format!(",{eol}{indent}{member}")),
                None => TextEdit::replace(
                    object.value().range(),
                    format!("{{{eol}{indent}{member}{eol}{}}}", unit.repeat(depth - 1)),
                ),
            }
        };
    // Down `diagnostics` and `severity`: the first one missing is added with the rule inside.
    let mut object = root;
    let mut depth = 1;
    for (key, inside) in [
        ("diagnostics", serde_json::json!({ "severity": rule })),
        ("severity", rule.clone()),
    ] {
        let Some(member) = object.member(key) else {
            return Ok(insert(object, depth, key, &inside));
        };
        object = member
            .value()
            .and_then(|value| value.as_object())
            .ok_or_else(|| format!("`{key}` in the file is not an object"))?;
        depth += 1;
    }
    Ok(
        match object.member(code).and_then(|member| member.value()) {
            Some(value) => TextEdit::replace(value.range(), serde_json::json!(level).to_string()),
            None => insert(object, depth, code, &serde_json::json!(level)),
        },
    )
}
