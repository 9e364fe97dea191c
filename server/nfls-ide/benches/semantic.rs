//! Timing of the semantic model (scopes, expressions, references) and of completion and hover
//! inside expressions, on a 1 MB template.
//!
//! The input is `shared/bench/gen_template.py --nodes 800` when the shared folder is next to the
//! repository, otherwise a template of a similar shape generated here. Run with
//! `cargo bench -p nfls-ide --bench semantic`. Before the divan table, the run prints the
//! p50/p95/max of completion and hover at every expression name in the document (divan reports
//! medians, the requirement is a p95).

mod common;

use std::sync::LazyLock;
use std::time::{Duration, Instant};

use nfls_ide::semantic::Model;
use nfls_ide::{Analysis, AnalysisConfig, analyze};

fn main() {
    report_percentiles();
    divan::main();
}

struct Input {
    analysis: Analysis,
    /// Offsets just after the first two letters of every name used in an expression (where an
    /// editor asks while the user types), and after every `${`.
    cursors: Vec<u32>,
}

static INPUT: LazyLock<Input> = LazyLock::new(|| {
    let text = common::generated().unwrap_or_else(synthetic);
    let analysis = analyze(&text, Some("northflank.json"), &AnalysisConfig::default());
    let mut cursors: Vec<u32> = analysis
        .semantic
        .uses()
        .iter()
        .map(|u| (u.range.start + 2).min(u.range.end))
        .collect();
    cursors.extend(text.match_indices("${").map(|(i, _)| i as u32 + 2));
    cursors.sort_unstable();
    Input { analysis, cursors }
});

/// About 1 MB of workflow steps that reference each other.
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
            "deployment": {{ "internal": {{ "id": "${{refs.svc-{prev}.id}}", "branch": "${{args.branch}}" }} }},
            "runtimeEnvironment": {{
              "URL": "https://${{refs.svc-{prev}.ports.0.dns}}",
              "MODE": "${{fn.if(fn.eq(args.env, 'prod'), 'strict', 'lax')}}"
            }}
          }}
        }}"#,
            prev = i.max(1) - 1
        ));
        i += 1;
    }
    format!(
        "{{\n  \"apiVersion\": \"v1.2\",\n  \"name\": \"bench\",\n  \"arguments\": {{\"branch\": \"main\"}},\n  \"spec\": {{\n    \"kind\": \"Workflow\",\n    \"spec\": {{\n      \"type\": \"sequential\",\n      \"steps\": [\n        {}\n      ]\n    }}\n  }}\n}}",
        steps.join(",\n        ")
    )
}

fn percentiles(mut samples: Vec<Duration>) -> (Duration, Duration, Duration) {
    samples.sort_unstable();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.95), *samples.last().expect("samples"))
}

#[allow(clippy::print_stderr)]
fn report_percentiles() {
    let input = &*INPUT;
    let analysis = &input.analysis;
    let mut completion = Vec::with_capacity(input.cursors.len());
    let mut hover = Vec::with_capacity(input.cursors.len());
    for &offset in &input.cursors {
        let start = Instant::now();
        divan::black_box(nfls_ide::completions(analysis, offset));
        completion.push(start.elapsed());
        let start = Instant::now();
        divan::black_box(nfls_ide::hover(analysis, offset));
        hover.push(start.elapsed());
    }
    let classification = analysis.classification.as_ref().expect("a template");
    let mut build = Vec::new();
    for _ in 0..30 {
        let start = Instant::now();
        divan::black_box(Model::build(&analysis.parse, classification));
        build.push(start.elapsed());
    }
    let show = |what: &str, samples: Vec<Duration>| {
        let n = samples.len();
        let (p50, p95, max) = percentiles(samples);
        eprintln!("{what:<22} n={n:<5} p50={p50:>10.2?} p95={p95:>10.2?} max={max:>10.2?}");
    };
    eprintln!(
        "document: {} bytes, {} expression strings, {} uses, {} nodes",
        analysis.parse.tree.text().len(),
        analysis.semantic.strings().len(),
        analysis.semantic.uses().len(),
        analysis.semantic.nodes().len()
    );
    show("model build", build);
    show("completion in ${…}", completion);
    show("hover in ${…}", hover);
}

#[divan::bench]
fn model_build(bencher: divan::Bencher) {
    let analysis = &INPUT.analysis;
    let classification = analysis.classification.as_ref().expect("a template");
    bencher.bench(|| Model::build(divan::black_box(&analysis.parse), classification));
}

/// Completion at 100 expression cursors spread over the document (one call each).
#[divan::bench]
fn completion_100(bencher: divan::Bencher) {
    let input = &*INPUT;
    let step = (input.cursors.len() / 100).max(1);
    let cursors: Vec<u32> = input
        .cursors
        .iter()
        .step_by(step)
        .take(100)
        .copied()
        .collect();
    bencher.bench(|| {
        for &offset in &cursors {
            divan::black_box(nfls_ide::completions(&input.analysis, offset));
        }
    });
}

/// Hover at 100 expression cursors spread over the document (one call each).
#[divan::bench]
fn hover_100(bencher: divan::Bencher) {
    let input = &*INPUT;
    let step = (input.cursors.len() / 100).max(1);
    let cursors: Vec<u32> = input
        .cursors
        .iter()
        .step_by(step)
        .take(100)
        .copied()
        .collect();
    bencher.bench(|| {
        for &offset in &cursors {
            divan::black_box(nfls_ide::hover(&input.analysis, offset));
        }
    });
}

/// The whole analysis, for comparison (parse, schema validation, model, diagnostics).
#[divan::bench(sample_count = 20)]
fn analyze_whole(bencher: divan::Bencher) {
    let text = INPUT.analysis.parse.tree.text().to_owned();
    bencher.bench(|| {
        analyze(
            divan::black_box(&text),
            Some("northflank.json"),
            &AnalysisConfig::default(),
        )
    });
}
