//! The corpus gate: every real file in `../shared/corpus/public` and `../shared/corpus/docs`
//! that follows the API reference analyses with zero errors and zero warnings; every file that
//! deviates, and every look-alike in `../shared/corpus/nonconforming`, has its exact outcome
//! (document kind or "not ours", and each error and warning with line, column, code and message)
//! and a reason in `tests/corpus/expected.json`. Hints and information are allowed anywhere and
//! not recorded. Any difference fails the test.
//!
//! The corpus is test data outside the repository: without `../shared` the test prints why and
//! passes. After a deliberate change, `NFLS_BLESS_CORPUS=1 cargo test -p nfls-ide --test corpus`
//! rewrites the recorded outcomes and keeps each `why`; a file new to the manifest gets an empty
//! `why`, which fails the test until someone explains it.

// The skip notice and the bless notice are this test's only output.
#![allow(clippy::print_stdout)]

use std::path::{Path, PathBuf};

use nfls_ide::{AnalysisConfig, Severity, analyze};
use nfls_syntax::text::{Encoding, LineIndex};
use serde_json::{Value as Json, json};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the repository root exists")
}

/// One file's outcome as the manifest records it.
fn outcome(name: &str, text: &str) -> (String, Vec<Json>) {
    let analysis = analyze(text, Some(name), &AnalysisConfig::default());
    let Some(classification) = &analysis.classification else {
        return ("not ours".to_owned(), Vec::new());
    };
    let index = LineIndex::new(text);
    let diagnostics = analysis
        .diagnostics
        .iter()
        .filter(|diagnostic| matches!(diagnostic.severity, Severity::Error | Severity::Warning))
        .map(|diagnostic| {
            let start = index.position(diagnostic.range.start, Encoding::Utf8);
            let line_start = index.line_range(start.line).start as usize;
            let column = text[line_start..diagnostic.range.start as usize]
                .chars()
                .count()
                + 1;
            json!({
                "line": start.line + 1,
                "column": column,
                "severity": diagnostic.severity.as_str(),
                "code": diagnostic.code,
                "message": diagnostic.message,
            })
        })
        .collect();
    (classification.kind.id().to_owned(), diagnostics)
}

#[test]
fn corpus_matches_the_manifest() {
    let root = repo_root();
    let corpus = root.join("../shared/corpus");
    if !corpus.is_dir() {
        println!(
            "skipped: {} is absent (the corpus is not part of the repository)",
            corpus.display()
        );
        return;
    }
    let manifest_path = root.join("tests/corpus/expected.json");
    let manifest: Json = serde_json::from_str(
        &std::fs::read_to_string(&manifest_path).expect("tests/corpus/expected.json exists"),
    )
    .expect("the manifest is JSON");
    let recorded = manifest["files"].as_object().cloned().unwrap_or_default();

    let mut actual = serde_json::Map::new();
    let mut failures = Vec::new();
    for folder in ["public", "docs", "nonconforming"] {
        let mut names: Vec<String> = std::fs::read_dir(corpus.join(folder))
            .expect("corpus folder is readable")
            .filter_map(|entry| entry.ok())
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".json"))
            .collect();
        names.sort();
        for name in names {
            let key = format!("{folder}/{name}");
            let text = std::fs::read_to_string(corpus.join(folder).join(&name))
                .expect("corpus file is UTF-8");
            let (kind, diagnostics) = outcome(&name, &text);
            let entry = recorded.get(&key);
            let clean = folder != "nonconforming" && kind != "not ours" && diagnostics.is_empty();
            if clean && entry.is_none() {
                continue;
            }
            let why = entry
                .and_then(|entry| entry["why"].as_str())
                .unwrap_or_default()
                .to_owned();
            let new_entry = json!({"why": why, "outcome": kind, "diagnostics": diagnostics});
            match entry {
                None => failures.push(format!(
                    "{key}: not in the manifest, but it is {kind} with {} errors/warnings: {:#}",
                    new_entry["diagnostics"].as_array().map_or(0, Vec::len),
                    new_entry["diagnostics"]
                )),
                Some(entry) => {
                    if entry["outcome"] != new_entry["outcome"]
                        || entry["diagnostics"] != new_entry["diagnostics"]
                    {
                        failures.push(format!("{key}: recorded {:#}\nactual {:#}", json!({"outcome": entry["outcome"], "diagnostics": entry["diagnostics"]}), json!({"outcome": new_entry["outcome"], "diagnostics": new_entry["diagnostics"]})));
                    }
                    if why.trim().is_empty() {
                        failures.push(format!("{key}: the manifest gives no `why`"));
                    }
                }
            }
            actual.insert(key, new_entry);
        }
    }
    for key in recorded.keys() {
        if !actual.contains_key(key) {
            failures.push(format!(
                "{key}: in the manifest, but the file is clean or absent (remove the entry)"
            ));
        }
    }
    if std::env::var_os("NFLS_BLESS_CORPUS").is_some() {
        let mut out = manifest.as_object().cloned().unwrap_or_default();
        out.insert("files".to_owned(), Json::Object(actual));
        let text = serde_json::to_string_pretty(&Json::Object(out)).expect("serialisable") + "\n";
        std::fs::write(&manifest_path, text).expect("manifest is writable");
        println!("blessed {}", manifest_path.display());
        return;
    }
    assert!(
        failures.is_empty(),
        "the corpus differs from tests/corpus/expected.json:\n\n{}",
        failures.join("\n\n")
    );
}
