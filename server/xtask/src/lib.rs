//! Project chores. `schemas`: generate `schemas/*.json` from the Northflank API reference.

pub mod canon;
pub mod generate;
pub mod model;
pub mod overlay;
pub mod render;
pub mod share;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

pub use generate::{DocKind, ID_BASE, NODES_FILE};

/// Repository root (two levels above this crate).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."))
}

/// Default API reference folder: `../shared/northflank-api` relative to the repository root.
pub fn default_api_dir() -> PathBuf {
    repo_root().join("../shared/northflank-api")
}

/// Default output folder: `schemas/` in the repository.
pub fn default_out_dir() -> PathBuf {
    repo_root().join("schemas")
}

/// Generates every schema file in memory: file name → exact file text.
pub fn render_schemas(api_dir: &Path) -> Result<BTreeMap<String, String>> {
    let out = generate::generate(api_dir)?;
    Ok(out
        .files
        .iter()
        .map(|(name, v)| (name.clone(), canon::to_text(v)))
        .collect())
}

/// Files under `out_dir` that differ from (or are missing compared to) `expected`, plus
/// generated-looking files that should not be there.
pub fn stale_files(expected: &BTreeMap<String, String>, out_dir: &Path) -> Result<Vec<String>> {
    let mut stale = Vec::new();
    for (name, text) in expected {
        let path = out_dir.join(name);
        match std::fs::read_to_string(&path) {
            Ok(on_disk) if on_disk == *text => {}
            _ => stale.push(name.clone()),
        }
    }
    if out_dir.exists() {
        for entry in std::fs::read_dir(out_dir).with_context(|| out_dir.display().to_string())? {
            let name = entry?.file_name().to_string_lossy().into_owned();
            if name.ends_with(".schema.json") && !expected.contains_key(&name) {
                stale.push(name);
            }
        }
    }
    stale.sort();
    Ok(stale)
}
