//! Benchmarks of the schema-driven features on a 1 MB template: `analyze` (parse, classify,
//! validate, semantic checks), and hover and completion at many positions.
//!
//! Input: the file named by `NFLS_BENCH_FILE` (default `/tmp/big.json`, made with
//! `python3 ../shared/bench/gen_template.py --nodes 800 > /tmp/big.json`); without it, a
//! template of the same size built here. Before divan runs, the per-position latencies of hover
//! and completion are measured one by one and their p50/p95/max printed, since divan reports
//! per-benchmark statistics rather than percentiles over positions.

// Printing the percentiles is this benchmark's output.
#![allow(clippy::print_stderr)]

use std::time::{Duration, Instant};

use nfls_ide::{Analysis, AnalysisConfig, analyze, completions, hover};

fn main() {
    report_percentiles();
    divan::main();
}

fn input() -> &'static str {
    static TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TEXT.get_or_init(|| {
        let path = std::env::var("NFLS_BENCH_FILE").unwrap_or_else(|_| "/tmp/big.json".to_owned());
        std::fs::read_to_string(&path).unwrap_or_else(|_| generated())
    })
}

/// A template of about 1 MB: 800 steps of a few kinds in nested workflows.
fn generated() -> String {
    let mut steps = Vec::new();
    for i in 0..800 {
        steps.push(match i % 4 {
            0 => format!(r#"{{"kind": "Project", "ref": "p{i}", "spec": {{"name": "project-{i}", "description": "A generated project for benchmarks with a longer description", "region": "europe-west", "color": "blue"}}}}"#),
            1 => format!(r#"{{"kind": "Volume", "ref": "v{i}", "spec": {{"name": "volume-{i}", "mounts": [{{"containerMountPath": "/data", "volumeMountPath": ""}}], "spec": {{"accessMode": "ReadWriteOnce", "storageSize": 2048}}, "attachedObjects": [{{"id": "${{refs.p{}.id}}", "type": "service"}}]}}}}"#, i - 1),
            2 => format!(r#"{{"kind": "Workflow", "spec": {{"type": "parallel", "context": {{"projectId": "${{refs.p{}.id}}"}}, "steps": [{{"kind": "Action", "spec": {{"kind": "Service", "spec": {{"type": "restart", "data": {{"serviceId": "svc-{i}"}}}}}}}}]}}}}"#, i - 2),
            _ => format!(r#"{{"kind": "SecretGroup", "ref": "s{i}", "spec": {{"name": "secrets-{i}", "secretType": "environment-arguments", "priority": 10, "secrets": {{"variables": {{"A": "1", "B": "${{args.region}}"}}}}}}}}"#),
        });
    }
    let mut text = format!(
        "{{\"apiVersion\": \"v1.2\", \"name\": \"bench\", \"arguments\": {{\"region\": \"europe-west\"}}, \"spec\": {{\"kind\": \"Workflow\", \"spec\": {{\"type\": \"sequential\", \"steps\": [\n{}\n]}}}}}}\n",
        steps.join(",\n")
    );
    while text.len() < 1_000_000 {
        text.push(' ');
    }
    text
}

fn analysis() -> &'static Analysis {
    static ANALYSIS: std::sync::OnceLock<Analysis> = std::sync::OnceLock::new();
    ANALYSIS.get_or_init(|| analyze(input(), Some("northflank.json"), &AnalysisConfig::default()))
}

/// 400 positions spread over the document: inside keys, inside values, and between members.
fn positions() -> Vec<u32> {
    let text = input();
    let mut out = Vec::new();
    let step = text.len() / 400;
    for k in 0..400 {
        let mut offset = k * step;
        while !text.is_char_boundary(offset) {
            offset += 1;
        }
        // Land just after a quote, inside the next key or string.
        if let Some(quote) = text[offset..].find('"') {
            offset += quote + 2;
        }
        out.push(offset.min(text.len()) as u32);
    }
    out
}

fn report_percentiles() {
    let analysis = analysis();
    let positions = positions();
    for (name, run) in [
        (
            "hover",
            &(|offset| hover(analysis, offset).is_some() as usize) as &dyn Fn(u32) -> usize,
        ),
        ("completions", &|offset| completions(analysis, offset).len()),
    ] {
        let mut times: Vec<Duration> = positions
            .iter()
            .map(|&offset| {
                let start = Instant::now();
                std::hint::black_box(run(offset));
                start.elapsed()
            })
            .collect();
        times.sort();
        let at = |fraction: f64| times[((times.len() - 1) as f64 * fraction) as usize];
        eprintln!(
            "{name}: {} positions, p50 {:?}, p95 {:?}, max {:?}",
            times.len(),
            at(0.5),
            at(0.95),
            at(1.0)
        );
    }
    let best = |run: &dyn Fn()| {
        (0..5)
            .map(|_| {
                let start = Instant::now();
                run();
                start.elapsed()
            })
            .min()
            .unwrap_or_default()
    };
    let parse = nfls_syntax::parse(input());
    let schemas = nfls_schema::SchemaSet::embedded();
    schemas.warm_up(nfls_schema::DocumentKind::Template, true);
    eprintln!(
        "analyze: {} bytes; best of 5: parse {:?}, classify {:?}, to_json {:?}, schema validation {:?}, whole analyze {:?}",
        input().len(),
        best(&|| drop(std::hint::black_box(nfls_syntax::parse(input())))),
        best(&|| drop(std::hint::black_box(nfls_schema::classify(
            &parse.tree,
            Some("northflank.json"),
            &nfls_schema::Associations::default()
        )))),
        best(&|| drop(std::hint::black_box(parse.tree.to_json()))),
        best(&|| drop(std::hint::black_box(
            schemas.validate(&parse.tree, nfls_schema::DocumentKind::Template)
        ))),
        best(&|| drop(std::hint::black_box(analyze(
            input(),
            Some("northflank.json"),
            &AnalysisConfig::default()
        )))),
    );
}

#[divan::bench(sample_count = 20)]
fn analyze_1mb() -> Analysis {
    analyze(
        divan::black_box(input()),
        Some("northflank.json"),
        &AnalysisConfig::default(),
    )
}

#[divan::bench]
fn hover_all_positions(bencher: divan::Bencher) {
    let analysis = analysis();
    let positions = positions();
    bencher.counter(positions.len()).bench(|| {
        positions
            .iter()
            .filter(|&&offset| hover(analysis, offset).is_some())
            .count()
    });
}

#[divan::bench]
fn completions_all_positions(bencher: divan::Bencher) {
    let analysis = analysis();
    let positions = positions();
    bencher.counter(positions.len()).bench(|| {
        positions
            .iter()
            .map(|&offset| completions(analysis, offset).len())
            .sum::<usize>()
    });
}
