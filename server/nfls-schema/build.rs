//! Embeds every `schemas/*.schema.json` without its indentation: the committed files are
//! pretty-printed for people (860 KB); the binary needs only their content (about a third),
//! which also loads faster at start-up. Writes each compact file and `embedded.rs`, the list
//! `lib.rs` includes, so that a schema file added to the folder is embedded without naming it
//! anywhere else. A file that does not parse is embedded as written, so that loading reports
//! the problem as it would for the committed file.

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    let schemas = manifest.join("../../schemas");
    println!("cargo::rerun-if-changed={}", schemas.display());
    let mut files: Vec<String> = std::fs::read_dir(&schemas)
        .unwrap_or_else(|err| panic!("reading {}: {err}", schemas.display()))
        .map(|entry| entry.expect("a readable folder entry").file_name())
        .filter_map(|name| name.into_string().ok())
        .filter(|name| name.ends_with(".schema.json"))
        .collect();
    files.sort();
    let mut list = String::from("&[\n");
    for file in &files {
        let source = schemas.join(file);
        println!("cargo::rerun-if-changed={}", source.display());
        let text = std::fs::read_to_string(&source)
            .unwrap_or_else(|err| panic!("reading {}: {err}", source.display()));
        let compact = serde_json::from_str::<serde_json::Value>(&text)
            .map(|value| value.to_string())
            .unwrap_or(text);
        std::fs::write(out.join(file), compact)
            .unwrap_or_else(|err| panic!("writing {file}: {err}"));
        let _ = writeln!(
            list,
            "    ({file:?}, include_str!(concat!(env!(\"OUT_DIR\"), \"/{file}\"))),"
        );
    }
    list.push(']');
    std::fs::write(out.join("embedded.rs"), list).expect("writing embedded.rs");
}
