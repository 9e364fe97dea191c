//! Times the steps of an analysis of a file, each the best of N runs, with a warm validation
//! cache (the steady state of typing): `cargo run --release -p nfls-ide --example analyze_loop
//! -- FILE [N]`. First it times one analysis as a server's first (the common validators compiled,
//! the file's other ones not). `MEMORY=1` prints the RSS after each step instead, in a fresh
//! process; `COMMON=1` with it compiles the common validators first, as the server does.
#![allow(clippy::print_stderr)]
use std::time::{Duration, Instant};

fn best<T>(n: usize, mut run: impl FnMut() -> T) -> Duration {
    (0..n)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(run());
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn rss() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .filter(|line| line.starts_with("VmRSS") || line.starts_with("VmHWM"))
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join(", ")
}

fn main() {
    if std::env::var_os("MEMORY").is_some() {
        return memory();
    }
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "/tmp/big.json".to_owned());
    let n: usize = std::env::args()
        .nth(2)
        .and_then(|n| n.parse().ok())
        .unwrap_or(20);
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let config = nfls_ide::AnalysisConfig::default();
    // The first analysis in a server that compiled the common validators at start-up.
    nfls_schema::SchemaSet::embedded().warm_up_common();
    let start = Instant::now();
    let first = nfls_ide::analyze(&text, Some("x.json"), &config);
    eprintln!(
        "first analysis ({} diagnostics): {:?}",
        first.diagnostics.len(),
        start.elapsed()
    );
    let cache = nfls_ide::ValidationCache::new();
    let parse = nfls_syntax::parse(&text);
    let schemas = nfls_schema::SchemaSet::embedded();
    let Some(classification) =
        nfls_schema::classify(&parse.tree, Some("x.json"), &config.associations)
    else {
        eprintln!("{path} is not a Northflank document");
        return;
    };
    let kind = classification.kind;
    eprintln!("parse: {:?}", best(n, || nfls_syntax::parse(&text)));
    eprintln!(
        "classify: {:?}",
        best(n, || nfls_schema::classify(
            &parse.tree,
            Some("x.json"),
            &config.associations
        ))
    );
    eprintln!(
        "validate, cold cache: {:?}",
        best(n, || schemas.validate(&parse.tree, kind))
    );
    eprintln!(
        "validate, warm cache: {:?}",
        best(n, || schemas.validate_with(&parse.tree, kind, &cache))
    );
    eprintln!(
        "semantic model: {:?}",
        best(n, || nfls_ide::semantic::Model::build(
            &parse,
            &classification
        ))
    );
    let model = nfls_ide::semantic::Model::build(&parse, &classification);
    eprintln!(
        "semantic diagnostics: {:?}",
        best(n, || model.diagnostics(&parse))
    );
    eprintln!(
        "whole analysis, warm cache: {:?}",
        best(n, || nfls_ide::analyze_with_cache(
            &text,
            Some("x.json"),
            &config,
            &cache
        ))
    );
}

/// RSS after each step of one analysis, in a fresh process.
fn memory() {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "/tmp/big.json".to_owned());
    eprintln!("start: {}", rss());
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    eprintln!("text read: {}", rss());
    let schemas = nfls_schema::SchemaSet::embedded();
    eprintln!("schemas: {}", rss());
    schemas.prepare();
    eprintln!("validation plan: {}", rss());
    if std::env::var_os("COMMON").is_some() {
        schemas.warm_up_common();
        eprintln!("common validators: {}", rss());
    }
    let parse = nfls_syntax::parse(&text);
    eprintln!("parsed: {}", rss());
    let config = nfls_ide::AnalysisConfig::default();
    let Some(classification) =
        nfls_schema::classify(&parse.tree, Some("x.json"), &config.associations)
    else {
        return;
    };
    let cache = nfls_ide::ValidationCache::new();
    let problems = schemas.validate_with(&parse.tree, classification.kind, &cache);
    eprintln!("validated ({} problems): {}", problems.len(), rss());
    let model = nfls_ide::semantic::Model::build(&parse, &classification);
    eprintln!("semantic model: {}", rss());
    let analysis = nfls_ide::analyze_with_cache(&text, Some("x.json"), &config, &cache);
    eprintln!(
        "a second whole analysis ({} diagnostics): {}",
        analysis.diagnostics.len(),
        rss()
    );
    drop((model, problems, parse));
}
