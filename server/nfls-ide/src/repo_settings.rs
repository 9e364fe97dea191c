//! Checks of a repository settings file (`.northflank-lsp.json`) open in the editor: every
//! editor gets them from the server, not only those that can be given a JSON schema.
//!
//! The file holds `files` (glob → document kind) and `diagnostics.severity` (code or family →
//! level); the server and `check` read nothing else from it. Its diagnostics are not subject
//! to the severity rules (they check those rules), so their codes are not in [`crate::CODES`].

use nfls_schema::{Association, Associations, suggest};
use nfls_syntax::{Member, Object, TextRange, Tree, Value};

use crate::diagnostic::{Diagnostic, Severity};
use crate::severity::SeverityRules;
use crate::types::{CompletionItem, CompletionKind, HoverResult, TextEdit};

/// The repository settings file's name.
pub const REPO_SETTINGS_FILE: &str = ".northflank-lsp.json";

/// Whether `path` (with `/` separators) names a repository settings file.
pub fn is_repo_settings_path(path: &str) -> bool {
    path.rsplit(['/', '\\']).next() == Some(REPO_SETTINGS_FILE)
}

/// What `files` may map a glob to (as [`Association::parse`] reads them).
const KIND_NAMES: [&str; 7] = [
    "template",
    "release-flow",
    "preview-template",
    "workflow",
    "preview-blueprint",
    "auto",
    "none",
];
const LEVELS: [&str; 5] = ["error", "warning", "information", "hint", "off"];

/// The problems of a repository settings file, syntax errors aside.
pub fn check_repo_settings(tree: &Tree) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let Some(root) = tree.root() else {
        return out;
    };
    let Some(object) = root.as_object() else {
        out.push(invalid(
            root.range(),
            format!("{REPO_SETTINGS_FILE} must hold a JSON object"),
        ));
        return out;
    };
    check_section(object, true, &mut out);
    out
}

/// The settings are the file's top level, or a `northflank` object in it (the form of an
/// editor's settings, which the server reads too).
fn check_section(object: Object<'_>, top: bool, out: &mut Vec<Diagnostic>) {
    for member in object.members() {
        let key = member.key();
        let value = member.value();
        match key {
            "$schema" if top => {}
            "northflank" if top => {
                if let Some(value) = value {
                    match value.as_object() {
                        Some(section) => check_section(section, false, out),
                        None => out.push(invalid(
                            value.range(),
                            "`northflank` must be an object holding the settings",
                        )),
                    }
                }
            }
            "files" => {
                if let Some(value) = value {
                    check_files(value, out);
                }
            }
            "diagnostics" => {
                if let Some(value) = value {
                    check_diagnostics(value, out);
                }
            }
            "api" => out.push(ignored(member.key_range(), "`api`")),
            _ => out.push(unknown(
                member.key_range(),
                key,
                &["files", "diagnostics", "$schema"],
            )),
        }
    }
}

/// Whether `object` holds the settings: the top level, or its `northflank` object.
fn is_section(object: Object<'_>) -> bool {
    match object.value().parent_member() {
        None => true,
        Some(member) => member.key() == "northflank" && member.object().value().parent().is_none(),
    }
}

/// Whether `member` is the settings' `key` (`files`, `diagnostics`), whose value is a map.
fn is_map_of(member: Member<'_>, key: &str) -> bool {
    member.key() == key && is_section(member.object())
}

/// Whether `member` is `diagnostics.severity` of the settings.
fn is_severity_map(member: Member<'_>) -> bool {
    member.key() == "severity"
        && member
            .object()
            .value()
            .parent_member()
            .is_some_and(|owner| is_map_of(owner, "diagnostics"))
}

fn check_files(value: Value<'_>, out: &mut Vec<Diagnostic>) {
    let Some(files) = value.as_object() else {
        out.push(invalid(
            value.range(),
            "`files` must map globs to document kinds, as in `{\"deploy/*.json\": \"template\"}`",
        ));
        return;
    };
    for member in files.members() {
        let glob = member.key();
        if let Err(err) = Associations::default().push(glob, Association::Auto) {
            out.push(invalid(
                member.key_range(),
                format!("`{glob}` is not a valid glob: {}", err.message),
            ));
        }
        let Some(kind) = member.value() else {
            continue;
        };
        match kind.as_str() {
            Some(name) if Association::parse(name).is_some() => {}
            Some(name) => out.push(invalid(
                kind.range(),
                format!(
                    "`{name}` is not a document kind: expected {}",
                    one_of(&KIND_NAMES)
                ),
            )),
            None => out.push(invalid(
                kind.range(),
                format!("a document kind must be a string: {}", one_of(&KIND_NAMES)),
            )),
        }
    }
}

fn check_diagnostics(value: Value<'_>, out: &mut Vec<Diagnostic>) {
    let Some(diagnostics) = value.as_object() else {
        out.push(invalid(
            value.range(),
            "`diagnostics` must be an object, as in `{\"severity\": {\"schema/*\": \"error\"}}`",
        ));
        return;
    };
    for member in diagnostics.members() {
        match member.key() {
            "severity" => {
                if let Some(value) = member.value() {
                    check_severity(value, out);
                }
            }
            "mode" | "debounceMs" => out.push(ignored(
                member.key_range(),
                &format!("`diagnostics.{}`", member.key()),
            )),
            key => out.push(unknown(
                member.key_range(),
                key,
                &["severity", "mode", "debounceMs"],
            )),
        }
    }
}

fn check_severity(value: Value<'_>, out: &mut Vec<Diagnostic>) {
    let Some(rules) = value.as_object() else {
        if !value.is_null() {
            out.push(invalid(
                value.range(),
                "`severity` must map diagnostic codes or families to levels, as in `{\"schema/*\": \"error\"}`",
            ));
        }
        return;
    };
    let expected = format!("expected {}", one_of(&LEVELS));
    for member in rules.members() {
        let Some(level) = member.value() else {
            continue;
        };
        let Some(name) = level.as_str() else {
            out.push(invalid(
                level.range(),
                format!("a level must be a string: {expected}"),
            ));
            continue;
        };
        if !LEVELS.contains(&name) {
            let mut diagnostic = invalid(
                level.range(),
                format!("`{name}` is not a severity: {expected}"),
            );
            if let Some(better) = suggest(name, LEVELS) {
                diagnostic
                    .message
                    .push_str(&format!(" (did you mean `{better}`?)"));
            }
            out.push(diagnostic);
            continue;
        }
        // The level is one of the five: what the rules refuse is the code or family (their
        // message suggests a known one).
        if let Err(message) = SeverityRules::default().set(member.key(), name) {
            out.push(invalid(member.key_range(), message));
        }
    }
}

/// `` `a`, `b` or `c` ``.
fn one_of(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
    match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

fn invalid(range: TextRange, message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(range, Severity::Error, "settings/invalid", message)
}

fn ignored(range: TextRange, what: &str) -> Diagnostic {
    Diagnostic::new(
        range,
        Severity::Warning,
        "settings/ignored",
        format!(
            "{what} is an editor setting: {REPO_SETTINGS_FILE} does not set it (only `files` and `diagnostics.severity` are read from here)"
        ),
    )
}

fn unknown(range: TextRange, key: &str, known: &[&str]) -> Diagnostic {
    let mut message = format!("unknown setting `{key}`");
    if let Some(better) = suggest(key, known.iter().copied()) {
        message.push_str(&format!(": did you mean `{better}`?"));
    }
    Diagnostic::new(range, Severity::Warning, "settings/unknown", message)
}

/// Hover in a repository settings file: what a key of the file does, and on a code or family
/// of `diagnostics.severity`, what its diagnostics report.
pub(crate) fn hover(tree: &Tree, offset: u32) -> Option<HoverResult> {
    let member = tree.covering_member(offset)?;
    if !member.key_range().contains_inclusive(offset) {
        return None;
    }
    let key = member.key();
    let object = member.object();
    let owner = object.value().parent_member();
    let markdown = if is_section(object) {
        match key {
            "files" => "**`files`** · glob → document kind\n\nMarks files that neither their `$schema`, their name nor their content identify as a kind of Northflank document (`template`, `release-flow`, `preview-template`, `workflow`, `preview-blueprint`), as `auto` (ours, the content decides the kind) or `none` (never ours). A glob without `/` matches file names; a later glob wins. Editors' own `files` settings apply after these.".to_owned(),
            "diagnostics" => "**`diagnostics`**\n\nOnly `severity` is read from this file; how diagnostics reach the editor (`mode`, `debounceMs`) is each editor's own setting.".to_owned(),
            _ => return None,
        }
    } else if key == "severity" && owner.is_some_and(|owner| is_map_of(owner, "diagnostics")) {
        "**`severity`** · code or family → level\n\nThe level of each diagnostic code (`ref/undefined`) or family (`schema/*`): `error`, `warning`, `information`, `hint` or `off`. An exact code wins over its family; syntax errors cannot be changed. Editors' own rules and `check --severity` apply after these.".to_owned()
    } else if owner.is_some_and(is_severity_map) {
        code_docs(key)?
    } else {
        return None;
    };
    Some(HoverResult {
        range: member.key_range(),
        markdown,
    })
}

/// What the diagnostics of a code, or of each code of a family, report.
fn code_docs(key: &str) -> Option<String> {
    if let Some(family) = key.strip_suffix("/*") {
        let codes: Vec<String> = crate::CODES
            .iter()
            .filter(|(code, _)| code.split_once('/').is_some_and(|(f, _)| f == family))
            .map(|(code, what)| format!("- `{code}`: {what}"))
            .collect();
        if codes.is_empty() {
            return None;
        }
        return Some(format!(
            "**`{key}`** · every `{family}/…` diagnostic\n\n{}",
            codes.join("\n")
        ));
    }
    let (code, what) = crate::CODES.iter().find(|(code, _)| *code == key)?;
    Some(format!("**`{code}`** · diagnostic code\n\n{what}."))
}

/// Completion in a repository settings file, in a key or a string value being typed (or
/// after a `:`): the file's keys, the codes and families of `diagnostics.severity` with what
/// they report, its levels, and the document kinds of `files`.
pub(crate) fn completions(tree: &Tree, offset: u32) -> Vec<CompletionItem> {
    let text = tree.text();
    if let Some(member) = tree.covering_member(offset)
        && member.key_range().start < offset
        && member.key_range().contains_inclusive(offset)
    {
        let range = crate::completion::typed_range(
            text,
            offset,
            member.key_range(),
            crate::completion::key_closed(member),
            WORD,
        );
        return key_items(member, range);
    }
    // After `key:` with no value yet.
    let before = text[..offset as usize].trim_end_matches([' ', '\t', '\r', '\n']);
    if before.ends_with(':')
        && let Some(member) = tree.covering_member(before.len() as u32 - 1)
        && member.value().is_none()
    {
        return value_items(member, TextRange::empty(offset));
    }
    let Some(value) = tree.covering_value(offset) else {
        return Vec::new();
    };
    if value.as_str().is_none() || offset == value.range().start {
        return Vec::new();
    }
    let Some(member) = value.parent_member() else {
        return Vec::new();
    };
    let range = crate::completion::typed_range(
        text,
        offset,
        value.range(),
        value.is_terminated_string(),
        WORD,
    );
    value_items(member, range)
}

/// The characters of a code, a family, a level or a kind besides letters and digits.
const WORD: &str = "_-./*";

/// Keys for `typing`, a member whose key is being typed (`range`: what was typed of it); with
/// no `:` after it yet, the item brings one and a value to fill in.
fn key_items(typing: Member<'_>, range: TextRange) -> Vec<CompletionItem> {
    let object = typing.object();
    let add_colon = typing.colon().is_none();
    let owner = object.value().parent_member();
    let mut choices: Vec<(String, Option<String>, String)> = Vec::new();
    if is_section(object) {
        for (key, what) in [
            ("files", "glob → document kind"),
            ("diagnostics", "`severity`: code or family → level"),
        ] {
            choices.push((key.to_owned(), Some(what.to_owned()), "{$1}".to_owned()));
        }
    } else if owner.is_some_and(|owner| is_map_of(owner, "diagnostics")) {
        choices.push((
            "severity".to_owned(),
            Some("code or family → level".to_owned()),
            "{$1}".to_owned(),
        ));
    } else if owner.is_some_and(is_severity_map) {
        let mut families: Vec<&str> = crate::CODES
            .iter()
            .filter_map(|(code, _)| code.split_once('/').map(|(family, _)| family))
            .collect();
        families.dedup();
        for family in families {
            let key = format!("{family}/*");
            choices.push((key.clone(), code_docs(&key), "\"$1\"".to_owned()));
        }
        for (code, _) in crate::CODES {
            choices.push(((*code).to_owned(), code_docs(code), "\"$1\"".to_owned()));
        }
    }
    // Keys the object has already (the one being typed aside) are not offered again.
    let present: Vec<&str> = object
        .members()
        .filter(|member| member.index() != typing.index())
        .map(|member| member.key())
        .collect();
    choices
        .into_iter()
        .filter(|(key, _, _)| !present.contains(&key.as_str()))
        .enumerate()
        .map(|(index, (key, documentation, value))| {
            let quoted = format!("\"{key}\"");
            let (new_text, is_snippet) = if add_colon {
                (format!("{quoted}: {value}"), true)
            } else {
                (quoted.clone(), false)
            };
            CompletionItem {
                label: key.clone(),
                kind: CompletionKind::Property,
                detail: None,
                documentation,
                edit: TextEdit::replace(range, new_text),
                is_snippet,
                additional_edits: Vec::new(),
                sort_text: Some(format!("{index:04}")),
                filter_text: Some(quoted),
                deprecated: false,
            }
        })
        .collect()
}

fn value_items(member: Member<'_>, range: TextRange) -> Vec<CompletionItem> {
    let object = member.object();
    let owner = object.value().parent_member();
    let choices: &[&str] = if owner.is_some_and(|owner| is_map_of(owner, "files")) {
        &KIND_NAMES
    } else if owner.is_some_and(is_severity_map) {
        &LEVELS
    } else {
        return Vec::new();
    };
    choices
        .iter()
        .enumerate()
        .map(|(index, choice)| {
            let quoted = format!("\"{choice}\"");
            CompletionItem {
                label: (*choice).to_owned(),
                kind: CompletionKind::Enum,
                detail: None,
                documentation: None,
                edit: TextEdit::replace(range, quoted.clone()),
                is_snippet: false,
                additional_edits: Vec::new(),
                sort_text: Some(format!("{index:04}")),
                filter_text: Some(quoted),
                deprecated: false,
            }
        })
        .collect()
}
