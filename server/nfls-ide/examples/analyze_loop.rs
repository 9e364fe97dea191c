//! Analyses a file many times with a warm validation cache (for profiling the steady state of
//! typing): `cargo run --release -p nfls-ide --example analyze_loop -- FILE [N]`.
#![allow(clippy::print_stderr)]
fn main() {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "/tmp/big.json".to_owned());
    let n: usize = std::env::args()
        .nth(2)
        .and_then(|n| n.parse().ok())
        .unwrap_or(50);
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let config = nfls_ide::AnalysisConfig::default();
    let cache = nfls_ide::ValidationCache::new();
    let start = std::time::Instant::now();
    for _ in 0..n {
        std::hint::black_box(nfls_ide::analyze_with_cache(
            &text,
            Some("x.json"),
            &config,
            &cache,
        ));
    }
    eprintln!("{:?} per analysis", start.elapsed() / n as u32);
}
