//! CPU time of the structure features on the 1 MB benchmark template, measured as time on the
//! CPU (so a busy machine does not distort it). Ignored by default; run in release:
//! `cargo test --release -p nfls-ide --test structure_perf -- --ignored --nocapture`.

// Skipped tests say so on stdout.
#![allow(clippy::print_stdout)]

mod structure_fixture;

use std::time::Duration;

use nfls_ide::types::FormatOptions;
use structure_fixture::{analyze_text, shared_dir};

/// Nanoseconds this thread has spent on a CPU (Linux `/proc/thread-self/schedstat`).
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

/// The mean CPU time of `runs` calls. The kernel updates the counter at scheduler ticks, so
/// single short calls cannot be timed one by one.
fn measure(runs: u32, mut f: impl FnMut()) -> Option<Duration> {
    f();
    let start = cpu_time()?;
    for _ in 0..runs {
        f();
    }
    Some((cpu_time()? - start) / runs)
}

#[test]
#[ignore = "timing; run in release with --ignored"]
fn one_megabyte_template_is_fast() {
    if cfg!(debug_assertions) {
        println!("skipped: timing needs a release build");
        return;
    }
    let Some(shared) = shared_dir() else {
        println!("skipped: ../shared is absent");
        return;
    };
    let output = std::process::Command::new("python3")
        .arg(shared.join("bench/gen_template.py"))
        .args(["--nodes", "800"])
        .output()
        .expect("python3 runs");
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.len() > 900_000, "{}", text.len());
    let analysis = analyze_text(&text);
    let minified: String = {
        let mut out = String::new();
        let (mut s, mut e) = (false, false);
        for c in text.chars() {
            if s {
                out.push(c);
                match (e, c) {
                    (true, _) => e = false,
                    (false, '\\') => e = true,
                    (false, '"') => s = false,
                    _ => {}
                }
            } else if c == '"' {
                s = true;
                out.push(c);
            } else if !c.is_ascii_whitespace() {
                out.push(c);
            }
        }
        out
    };
    let minified = analyze_text(&minified);
    let options = FormatOptions::default();
    let Some(_) = cpu_time() else {
        println!("skipped: no /proc/thread-self/schedstat");
        return;
    };
    let figures = [
        (
            "document_symbols",
            measure(100, || drop(nfls_ide::document_symbols(&analysis))),
        ),
        (
            "folding_ranges",
            measure(100, || drop(nfls_ide::folding_ranges(&analysis))),
        ),
        (
            "semantic_tokens",
            measure(100, || drop(nfls_ide::semantic_tokens(&analysis))),
        ),
        (
            "format (formatted)",
            measure(100, || drop(nfls_ide::format(&analysis, None, options))),
        ),
        (
            "format (minified)",
            measure(100, || drop(nfls_ide::format(&minified, None, options))),
        ),
    ];
    for (name, time) in figures {
        let time = time.unwrap();
        println!("{name}: {:.2} ms", time.as_secs_f64() * 1000.0);
        let limit = if name == "semantic_tokens" { 10 } else { 20 };
        assert!(time < Duration::from_millis(limit), "{name} took {time:?}");
    }
}
