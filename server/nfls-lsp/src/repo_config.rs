//! `.northflank-lsp.json`: the settings a repository shares with everyone who checks it — in
//! any editor and in CI. It holds the `files` and `diagnostics.severity` keys of the server's
//! `northflank` settings section:
//!
//! ```json
//! { "files": { "deploy/**/*.json": "template" },
//!   "diagnostics": { "severity": { "arg/not-in-arguments": "off" } } }
//! ```
//!
//! The nearest such file at or above the workspace root (the server) or the current directory
//! (`check`) applies first; an editor's settings and `check`'s flags come after it and win
//! where they say something else (a later glob and a later severity rule win).

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::server::settings::Settings;

pub const FILE_NAME: &str = nfls_ide::REPO_SETTINGS_FILE;

/// The part of the settings a repository file gives.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RepoConfig {
    pub path: PathBuf,
    pub files: Vec<(String, String)>,
    pub severity: Vec<(String, String)>,
}

/// The nearest [`FILE_NAME`] in `start` or a folder above it.
pub fn find(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|dir| dir.join(FILE_NAME))
        .find(|candidate| candidate.is_file())
}

/// Reads a repository file. `Err` when it cannot be read or is not JSON; otherwise the
/// settings it gives and what is wrong with parts of it (those parts are skipped).
pub fn load(path: &Path) -> Result<(RepoConfig, Vec<String>), String> {
    parse(path, &read(path)?)
}

/// The text of the repository file at `path`.
pub fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|err| format!("cannot read {}: {err}", path.display()))
}

/// The settings in `text`, the content of the repository file at `path`: as [`load`].
pub fn parse(path: &Path, text: &str) -> Result<(RepoConfig, Vec<String>), String> {
    let shown = path.display();
    let value: Value =
        serde_json::from_str(text).map_err(|err| format!("{shown} is not valid JSON: {err}"))?;
    let (settings, problems) = Settings::from_json(&value);
    let mut problems: Vec<String> = problems
        .into_iter()
        .map(|problem| format!("{shown}: {problem}"))
        .collect();
    let ignored: Vec<&str> = ["api", "diagnostics.mode", "diagnostics.debounceMs"]
        .into_iter()
        .filter(|key| {
            key.split('.')
                .try_fold(&value, |value, part| value.get(part))
                .is_some()
        })
        .collect();
    if !ignored.is_empty() {
        problems.push(format!(
            "{shown}: only `files` and `diagnostics.severity` are read from {FILE_NAME}; ignored: {} (each editor's own settings)",
            ignored
                .iter()
                .map(|key| format!("`{key}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    Ok((
        RepoConfig {
            path: path.to_owned(),
            files: settings.files,
            severity: settings.severity,
        },
        problems,
    ))
}

impl Settings {
    /// These settings over a repository file's: its globs and rules first, these after (so
    /// these win where both speak).
    pub fn over(&self, repo: Option<&RepoConfig>) -> Settings {
        let mut merged = self.clone();
        if let Some(repo) = repo {
            merged.files = repo.files.iter().chain(&self.files).cloned().collect();
            merged.severity = repo
                .severity
                .iter()
                .chain(&self.severity)
                .cloned()
                .collect();
        }
        merged
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nearest_file_at_or_above_a_folder_is_found() {
        let dir = tempfile::tempdir().unwrap();
        let deep = dir.path().join("a/b/c");
        std::fs::create_dir_all(&deep).unwrap();
        assert_eq!(find(&deep), None);
        std::fs::write(dir.path().join(FILE_NAME), "{}").unwrap();
        assert_eq!(find(&deep), Some(dir.path().join(FILE_NAME)));
        std::fs::write(dir.path().join("a").join(FILE_NAME), "{}").unwrap();
        assert_eq!(find(&deep), Some(dir.path().join("a").join(FILE_NAME)));
        // A folder of that name is not a settings file.
        std::fs::create_dir_all(deep.join(FILE_NAME)).unwrap();
        assert_eq!(find(&deep), Some(dir.path().join("a").join(FILE_NAME)));
    }

    #[test]
    fn files_that_cannot_be_used_say_why() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        let shown = path.display().to_string();
        assert!(
            load(&path)
                .unwrap_err()
                .starts_with(&format!("cannot read {shown}: "))
        );
        std::fs::write(&path, "{\"files\": ").unwrap();
        assert!(
            load(&path)
                .unwrap_err()
                .starts_with(&format!("{shown} is not valid JSON: "))
        );
        std::fs::write(&path, "[1, 2]").unwrap();
        let (repo, problems) = load(&path).unwrap();
        assert_eq!(repo.files, Vec::new());
        assert_eq!(
            problems,
            vec![format!("{shown}: `northflank` settings must be an object")]
        );
        // A deeply nested value is only JSON to skip, never a crash.
        let deep = format!("{{\"x\": {}1{}}}", "[".repeat(100_000), "]".repeat(100_000));
        std::fs::write(&path, deep).unwrap();
        let _ = load(&path);
    }

    #[test]
    fn editor_settings_come_after_the_repository_file() {
        let repo = RepoConfig {
            path: PathBuf::from(FILE_NAME),
            files: vec![("a/*.json".to_owned(), "template".to_owned())],
            severity: vec![("ref/undefined".to_owned(), "off".to_owned())],
        };
        let (editor, _) = Settings::from_json(&serde_json::json!({
            "files": {"a/*.json": "none"},
            "diagnostics": {"severity": {"ref/undefined": "error"}, "debounceMs": 50}
        }));
        let merged = editor.over(Some(&repo));
        assert_eq!(
            merged.files,
            vec![
                ("a/*.json".to_owned(), "template".to_owned()),
                ("a/*.json".to_owned(), "none".to_owned())
            ]
        );
        assert_eq!(
            merged.severity,
            vec![
                ("ref/undefined".to_owned(), "off".to_owned()),
                ("ref/undefined".to_owned(), "error".to_owned())
            ]
        );
        assert_eq!(merged.debounce_ms, 50);
        assert_eq!(editor.over(None), editor);
    }
}
