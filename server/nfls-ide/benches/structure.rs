//! Timing of the structure features (symbols, folding, selection, formatting, semantic tokens)
//! on a 1 MB template.
//!
//! The input is `shared/bench/gen_template.py --nodes 800` when the shared folder is next to the
//! repository, otherwise a template of a similar shape generated here. Run with
//! `cargo bench -p nfls-ide --bench structure`.

mod common;

use std::sync::LazyLock;

use nfls_ide::types::FormatOptions;
use nfls_ide::{Analysis, AnalysisConfig, analyze};

fn main() {
    divan::main();
}

struct Input {
    text: String,
    analysis: Analysis,
    /// The same document with all whitespace between tokens removed.
    minified: Analysis,
}

static INPUT: LazyLock<Input> = LazyLock::new(|| {
    let text = common::generated().unwrap_or_else(synthetic);
    let analysis = analyze(&text, Some("northflank.json"), &AnalysisConfig::default());
    let minified = analyze(
        &minify(&text),
        Some("northflank.json"),
        &AnalysisConfig::default(),
    );
    Input {
        text,
        analysis,
        minified,
    }
});

/// About 1 MB of workflow steps with expressions, in the platform's layout.
fn synthetic() -> String {
    let mut steps = Vec::new();
    let mut i = 0;
    while steps.iter().map(String::len).sum::<usize>() < 1_000_000 {
        steps.push(format!(
            r#"{{
          "kind": "DeploymentService",
          "ref": "svc-{i}",
          "spec": {{
            "name": "svc-{i}",
            "deployment": {{
              "instances": 1,
              "external": {{
                "imagePath": "registry.example.com/app:${{args.tag}}"
              }}
            }},
            "runtimeEnvironment": {{
              "DATABASE_URL": "${{refs.db-{i}.connectionString}}",
              "MODE": "${{fn.if(fn.eq(args.env, 'prod'), 'strict', 'lax')}}"
            }},
            "ports": [
              {{
                "name": "http",
                "internalPort": 8080,
                "public": true,
                "domains": []
              }}
            ]
          }}
        }}"#
        ));
        i += 1;
    }
    format!(
        "{{\n  \"apiVersion\": \"v1.2\",\n  \"name\": \"bench\",\n  \"spec\": {{\n    \"kind\": \"Workflow\",\n    \"spec\": {{\n      \"type\": \"sequential\",\n      \"steps\": [\n        {}\n      ]\n    }}\n  }}\n}}",
        steps.join(",\n        ")
    )
}

fn minify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in text.chars() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !c.is_ascii_whitespace() {
            out.push(c);
        }
    }
    out
}

#[divan::bench]
fn document_symbols(bencher: divan::Bencher) {
    let input = &*INPUT;
    bencher.bench(|| nfls_ide::document_symbols(divan::black_box(&input.analysis)));
}

#[divan::bench]
fn folding_ranges(bencher: divan::Bencher) {
    let input = &*INPUT;
    bencher.bench(|| nfls_ide::folding_ranges(divan::black_box(&input.analysis)));
}

#[divan::bench]
fn semantic_tokens(bencher: divan::Bencher) {
    let input = &*INPUT;
    bencher.bench(|| nfls_ide::semantic_tokens(divan::black_box(&input.analysis)));
}

/// The common case: the file is already in the platform's layout (no edits).
#[divan::bench]
fn format_formatted(bencher: divan::Bencher) {
    let input = &*INPUT;
    bencher.bench(|| {
        nfls_ide::format(
            divan::black_box(&input.analysis),
            None,
            FormatOptions::default(),
        )
    });
}

/// The worst case: every gap needs an edit.
#[divan::bench]
fn format_minified(bencher: divan::Bencher) {
    let input = &*INPUT;
    bencher.bench(|| {
        nfls_ide::format(
            divan::black_box(&input.minified),
            None,
            FormatOptions::default(),
        )
    });
}

/// One request with 100 cursors spread over the document.
#[divan::bench]
fn selection_ranges_100(bencher: divan::Bencher) {
    let input = &*INPUT;
    let len = input.text.len() as u32;
    let offsets: Vec<u32> = (0..100).map(|i| len / 100 * i).collect();
    bencher.bench(|| nfls_ide::selection_ranges(divan::black_box(&input.analysis), &offsets));
}
