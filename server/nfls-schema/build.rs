//! Embeds the schemas of `schemas/` without their indentation: the committed files are
//! pretty-printed for people (860 KB); the binary needs only their content (about a third),
//! which also loads faster at start-up. A file that does not parse is embedded as written,
//! so that loading reports the problem as it would for the committed file.

use std::path::PathBuf;

const FILES: &[&str] = &[
    "nodes.schema.json",
    "template.schema.json",
    "release-flow.schema.json",
    "preview-template.schema.json",
    "workflow.schema.json",
    "preview-blueprint.schema.json",
];

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    let schemas = manifest.join("../../schemas");
    for file in FILES {
        let source = schemas.join(file);
        println!("cargo::rerun-if-changed={}", source.display());
        let text = std::fs::read_to_string(&source)
            .unwrap_or_else(|err| panic!("reading {}: {err}", source.display()));
        let compact = serde_json::from_str::<serde_json::Value>(&text)
            .map(|value| value.to_string())
            .unwrap_or(text);
        std::fs::write(out.join(file), compact)
            .unwrap_or_else(|err| panic!("writing {file}: {err}"));
    }
}
