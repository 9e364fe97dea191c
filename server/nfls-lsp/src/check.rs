//! `northflank-lsp check`: the language server's analysis as a command-line checker for CI.

use std::ffi::OsString;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use nfls_ide::{Analysis, AnalysisConfig, Associations, Diagnostic, Severity, SeverityRules};
use nfls_schema::Association;
use nfls_syntax::TextRange;
use nfls_syntax::text::{Encoding, LineIndex};

use crate::repo_config;
use crate::server::settings::Settings;
use serde_json::json;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Human,
    Json,
}

struct Options {
    format: Format,
    paths: Vec<PathBuf>,
    /// `--file-kind` and `--severity`, checked and compiled when read: they apply after the
    /// repository file.
    file_kinds: Associations,
    severity: SeverityRules,
    config: ConfigChoice,
}

/// Which repository file applies.
enum ConfigChoice {
    /// The nearest [`repo_config::FILE_NAME`] at or above the current directory.
    Discover,
    File(PathBuf),
    /// `--no-config`.
    None,
}

/// One checked file: where it is, its text and what the analysis found.
struct Checked {
    display_path: String,
    text: String,
    index: LineIndex,
    diagnostics: Vec<Diagnostic>,
}

pub fn main(args: Vec<OsString>) -> ExitCode {
    let options = match parse_args(args) {
        Ok(options) => options,
        Err(message) => {
            let _ = writeln!(
                std::io::stderr(),
                "northflank-lsp check: {message}\n\nRun `northflank-lsp --help` for usage."
            );
            return ExitCode::from(2);
        }
    };
    let config = match analysis_config(&options) {
        Ok(config) => config,
        Err(message) => {
            let _ = writeln!(std::io::stderr(), "northflank-lsp check: {message}");
            return ExitCode::from(2);
        }
    };
    let mut checked = Vec::new();
    let mut io_failed = false;
    for path in &options.paths {
        if let Err(message) = check_path(path, &config, &mut checked) {
            let _ = writeln!(std::io::stderr(), "northflank-lsp check: {message}");
            io_failed = true;
        }
    }
    let errors = checked
        .iter()
        .flat_map(|file| &file.diagnostics)
        .filter(|diagnostic| diagnostic.severity == Severity::Error)
        .count();
    let output = match options.format {
        Format::Human => render_human(&checked),
        Format::Json => render_json(&checked),
    };
    let mut stdout = std::io::stdout().lock();
    if stdout
        .write_all(output.as_bytes())
        .and_then(|()| stdout.flush())
        .is_err()
    {
        return ExitCode::from(2);
    }
    if io_failed {
        ExitCode::from(2)
    } else if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The repository file's settings (its problems printed as warnings), then the flags.
fn analysis_config(options: &Options) -> Result<AnalysisConfig, String> {
    let path = match &options.config {
        ConfigChoice::Discover => std::env::current_dir()
            .ok()
            .and_then(|dir| repo_config::find(&dir)),
        ConfigChoice::File(path) => Some(path.clone()),
        ConfigChoice::None => None,
    };
    let repo = match path {
        Some(path) => {
            let (repo, problems) = repo_config::load(&path)?;
            for problem in problems {
                let _ = writeln!(
                    std::io::stderr(),
                    "northflank-lsp check: warning: {problem}"
                );
            }
            Some(repo)
        }
        None => None,
    };
    let (base, problems) = Settings::default().over(repo.as_ref()).analysis_config();
    for problem in problems {
        let _ = writeln!(
            std::io::stderr(),
            "northflank-lsp check: warning: {problem}"
        );
    }
    let mut config = AnalysisConfig::clone(&base);
    config.associations.extend(options.file_kinds.clone());
    config.severity.extend(options.severity.clone());
    Ok(config)
}

fn parse_args(args: Vec<OsString>) -> Result<Options, String> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_args(args);
    let mut format = Format::Human;
    let mut paths = Vec::new();
    let mut file_kinds = Associations::default();
    let mut severity = SeverityRules::default();
    let mut config = ConfigChoice::Discover;
    while let Some(arg) = parser.next().map_err(|err| err.to_string())? {
        match arg {
            Long("format") => {
                let value = parser.value().map_err(|err| err.to_string())?;
                format = match value.to_str() {
                    Some("human") => Format::Human,
                    Some("json") => Format::Json,
                    _ => {
                        return Err(format!(
                            "unknown format {value:?}: expected `human` or `json`"
                        ));
                    }
                };
            }
            Long("file-kind") => {
                let (glob, kind) = pair(&mut parser, "--file-kind takes GLOB=KIND")?;
                let association = Association::parse(&kind).ok_or_else(|| {
                    format!(
                        "unknown file kind `{kind}`: expected template, release-flow, preview-template, \
                         workflow, preview-blueprint, auto or none"
                    )
                })?;
                file_kinds
                    .push(&glob, association)
                    .map_err(|err| format!("invalid glob `{}`: {}", err.glob, err.message))?;
            }
            Long("severity") => {
                let (pattern, level) = pair(&mut parser, "--severity takes CODE=LEVEL")?;
                severity.set(&pattern, &level)?;
            }
            Long("config") => {
                config = ConfigChoice::File(PathBuf::from(
                    parser.value().map_err(|err| err.to_string())?,
                ));
            }
            Long("no-config") => config = ConfigChoice::None,
            Value(path) => paths.push(PathBuf::from(path)),
            other => return Err(other.unexpected().to_string()),
        }
    }
    if paths.is_empty() {
        return Err("no PATH given".to_owned());
    }
    Ok(Options {
        format,
        paths,
        file_kinds,
        severity,
        config,
    })
}

/// The value of an option that takes `A=B`, split at its last `=` (`usage` if it has none).
fn pair(parser: &mut lexopt::Parser, usage: &str) -> Result<(String, String), String> {
    let value = parser.value().map_err(|err| err.to_string())?;
    let (a, b) = value
        .to_str()
        .and_then(|value| value.rsplit_once('='))
        .ok_or(usage)?;
    Ok((a.to_owned(), b.to_owned()))
}

/// The JSON files under `dir`: `.gitignore` respected, `.git` and `node_modules` skipped,
/// sorted. `preview` walks repositories the same way.
pub fn json_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    let walker = ignore::WalkBuilder::new(dir)
        .hidden(false)
        .filter_entry(|entry| entry.file_name() != ".git" && entry.file_name() != "node_modules")
        .build();
    for entry in walker {
        let entry = entry.map_err(|err| err.to_string())?;
        let is_json = entry
            .path()
            .extension()
            .is_some_and(|extension| extension.eq_ignore_ascii_case("json"));
        if is_json && entry.file_type().is_some_and(|kind| kind.is_file()) {
            files.push(entry.into_path());
        }
    }
    files.sort();
    Ok(files)
}

/// Checks a file (always, and says when it is not a Northflank document) or a folder
/// (recursively, respecting `.gitignore`, taking only the JSON files that are ours).
fn check_path(path: &Path, config: &AnalysisConfig, out: &mut Vec<Checked>) -> Result<(), String> {
    let metadata = std::fs::metadata(path).map_err(|err| format!("{}: {err}", path.display()))?;
    if metadata.is_file() {
        let bytes = std::fs::read(path).map_err(|err| format!("{}: {err}", path.display()))?;
        match check_bytes(path, &bytes, config) {
            Some(checked) => out.push(checked),
            None => {
                let _ = writeln!(
                    std::io::stderr(),
                    "note: {}: not a Northflank document, skipped",
                    path.display()
                );
            }
        }
        return Ok(());
    }
    let files = json_files(path)?;
    for file in files {
        let bytes = std::fs::read(&file).map_err(|err| format!("{}: {err}", file.display()))?;
        if let Some(checked) = check_bytes(&file, &bytes, config) {
            out.push(checked);
        }
    }
    Ok(())
}

/// Decodes and analyses one file. `None` when it is not a Northflank document.
fn check_bytes(path: &Path, bytes: &[u8], config: &AnalysisConfig) -> Option<Checked> {
    let (text, invalid_at) = match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_owned(), None),
        Err(err) => (
            String::from_utf8_lossy(bytes).into_owned(),
            Some(err.valid_up_to()),
        ),
    };
    let path_text = path.to_string_lossy().replace('\\', "/");
    let absolute = std::path::absolute(path)
        .map(|absolute| absolute.to_string_lossy().replace('\\', "/"))
        .unwrap_or_else(|_| path_text.clone());
    let Analysis {
        classification,
        mut diagnostics,
        ..
    } = nfls_ide::analyze(&text, Some(&absolute), config);
    classification.as_ref()?;
    if let Some(offset) = invalid_at {
        // The replacement character that stands for the first invalid byte is 3 bytes long.
        let offset = offset as u32;
        diagnostics.insert(
            0,
            Diagnostic::new(
                TextRange::new(offset, offset + 3),
                Severity::Error,
                "file/not-utf8",
                format!("the file is not valid UTF-8 (first invalid byte at offset {offset}); the platform reads files as UTF-8"),
            ),
        );
    }
    let index = LineIndex::new(&text);
    Some(Checked {
        display_path: path_text,
        text,
        index,
        diagnostics,
    })
}

fn render_human(files: &[Checked]) -> String {
    let mut out = String::new();
    let (mut errors, mut warnings, mut others) = (0, 0, 0);
    for file in files {
        for diagnostic in &file.diagnostics {
            match diagnostic.severity {
                Severity::Error => errors += 1,
                Severity::Warning => warnings += 1,
                _ => others += 1,
            }
            render_one(&mut out, file, diagnostic);
        }
    }
    let plural =
        |count: usize, word: &str| format!("{count} {word}{}", if count == 1 { "" } else { "s" });
    let _ = writeln!(
        out,
        "checked {}: {}, {}, {}",
        plural(files.len(), "file"),
        plural(errors, "error"),
        plural(warnings, "warning"),
        plural(others, "note"),
    );
    out
}

/// `path:line:col: severity[code]: message`, then the source line with a caret under the range,
/// in the style of rustc. Lines and columns are 1-based; columns count characters.
fn render_one(out: &mut String, file: &Checked, diagnostic: &Diagnostic) {
    let start = file.index.position(diagnostic.range.start, Encoding::Utf8);
    let line_range = file.index.line_range(start.line);
    let line_text = &file.text[line_range.start as usize..line_range.end as usize];
    let prefix_end = (diagnostic.range.start - line_range.start) as usize;
    let column = line_text[..prefix_end.min(line_text.len())].chars().count() + 1;
    let underline_end = diagnostic
        .range
        .end
        .clamp(diagnostic.range.start, line_range.end);
    let underline = file.text[diagnostic.range.start as usize..underline_end as usize]
        .chars()
        .count()
        .max(1);
    let line_number = (start.line + 1).to_string();
    let gutter = " ".repeat(line_number.len());
    let _ = writeln!(
        out,
        "{}:{}:{}: {}[{}]: {}",
        file.display_path,
        start.line + 1,
        column,
        diagnostic.severity.as_str(),
        diagnostic.code,
        diagnostic.message
    );
    let _ = writeln!(out, "{gutter} |");
    let _ = writeln!(out, "{line_number} | {line_text}");
    let _ = writeln!(
        out,
        "{gutter} | {}{}",
        " ".repeat(column - 1),
        "^".repeat(underline)
    );
}

/// A JSON array of `{path, range, severity, code, message}` with LSP-style ranges (0-based
/// lines, UTF-16 characters).
fn render_json(files: &[Checked]) -> String {
    let items: Vec<_> = files
        .iter()
        .flat_map(|file| {
            file.diagnostics.iter().map(move |diagnostic| {
                let start = file.index.position(diagnostic.range.start, Encoding::Utf16);
                let end = file.index.position(diagnostic.range.end, Encoding::Utf16);
                json!({
                    "path": file.display_path,
                    "range": {
                        "start": {"line": start.line, "character": start.character},
                        "end": {"line": end.line, "character": end.character},
                    },
                    "severity": diagnostic.severity.as_str(),
                    "code": diagnostic.code,
                    "message": diagnostic.message,
                })
            })
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".to_owned());
    out.push('\n');
    out
}
