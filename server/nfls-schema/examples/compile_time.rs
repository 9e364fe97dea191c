//! Prints how long the schema checks of a file take in a fresh process, step by step, and the
//! memory they use: `cargo run --release -p nfls-schema --example compile_time -- FILE`.
#![allow(clippy::print_stderr)]
use std::time::Instant;

fn rss() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .filter(|l| l.starts_with("VmHWM") || l.starts_with("VmRSS"))
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join(", ")
}

fn main() {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "/tmp/big.json".to_owned());
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    eprintln!("start: {}", rss());
    let t = Instant::now();
    let schemas = nfls_schema::SchemaSet::embedded();
    eprintln!("schemas parsed in {:?}: {}", t.elapsed(), rss());
    let t = Instant::now();
    let parse = nfls_syntax::parse(&text);
    eprintln!("{path} parsed in {:?}: {}", t.elapsed(), rss());
    let cache = nfls_schema::ValidationCache::new();
    for round in ["cold", "cached", "uncached"] {
        let t = Instant::now();
        let problems = if round == "uncached" {
            schemas.validate(&parse.tree, nfls_schema::DocumentKind::Template)
        } else {
            schemas.validate_with(&parse.tree, nfls_schema::DocumentKind::Template, &cache)
        };
        eprintln!(
            "{round} validation: {} problems in {:?}: {}",
            problems.len(),
            t.elapsed(),
            rss()
        );
    }
    let t = Instant::now();
    schemas.warm_up(nfls_schema::DocumentKind::Template, true);
    eprintln!(
        "the rest of the template warm-up in {:?}: {}",
        t.elapsed(),
        rss()
    );
}
