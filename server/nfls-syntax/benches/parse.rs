//! Parse throughput on realistic templates of about 100 KB, 1 MB and 10 MB.
//!
//! The inputs come from `shared/bench/gen_template.py` when the shared folder is next to the
//! repository (written to a temporary directory at bench time); otherwise a template of the same
//! shape is generated here. Run with `cargo bench -p nfls-syntax`; divan reports bytes/s.

use std::path::PathBuf;
use std::process::Command;
use std::sync::LazyLock;

fn main() {
    divan::main();
}

const SIZES: [&str; 3] = ["100KB", "1MB", "10MB"];

/// Node counts for gen_template.py (about 1.2 KB per node).
fn nodes_for(size: &str) -> usize {
    match size {
        "100KB" => 85,
        "1MB" => 850,
        _ => 8500,
    }
}

static INPUTS: LazyLock<Vec<(&'static str, String)>> = LazyLock::new(|| {
    let script =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/bench/gen_template.py");
    let dir = tempfile::tempdir().expect("temporary directory");
    SIZES
        .iter()
        .map(|&size| {
            let text = if script.is_file() {
                generate_with_script(
                    &script,
                    &dir.path().join(format!("{size}.json")),
                    nodes_for(size),
                )
            } else {
                None
            }
            .unwrap_or_else(|| synthetic(target_bytes(size)));
            (size, text)
        })
        .collect()
});

fn target_bytes(size: &str) -> usize {
    match size {
        "100KB" => 100_000,
        "1MB" => 1_000_000,
        _ => 10_000_000,
    }
}

fn generate_with_script(script: &PathBuf, out: &PathBuf, nodes: usize) -> Option<String> {
    let output = Command::new("python3")
        .arg(script)
        .args(["--nodes", &nodes.to_string(), "--seed", "1"])
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    std::fs::write(out, &output.stdout).ok()?;
    std::fs::read_to_string(out).ok()
}

/// A template-shaped document: a workflow of nested steps, each a service with ports,
/// environment, build settings and `${...}` references.
fn synthetic(target: usize) -> String {
    let mut s = String::from(
        "{\n  \"apiVersion\": \"v1.2\",\n  \"name\": \"bench\",\n  \"spec\": {\n    \"kind\": \"Workflow\",\n    \"spec\": {\n      \"type\": \"sequential\",\n      \"steps\": [\n",
    );
    let mut i = 0;
    while s.len() < target {
        if i > 0 {
            s.push_str(",\n");
        }
        s.push_str(&format!(
            r#"        {{
          "kind": "Workflow",
          "spec": {{
            "type": "parallel",
            "steps": [
              {{
                "kind": "CombinedService",
                "ref": "service-{i}",
                "spec": {{
                  "name": "service-{i}",
                  "description": "Runs part {i} of the app; see ${{refs.service-0.id}}",
                  "billing": {{ "deploymentPlan": "nf-compute-20" }},
                  "deployment": {{
                    "instances": {n},
                    "docker": {{ "configType": "customCommand", "customCommand": "node server.js --port 8080" }},
                    "storage": {{ "ephemeralStorage": {{ "storageSize": 1024 }} }}
                  }},
                  "buildSettings": {{ "dockerfile": {{ "buildEngine": "kaniko", "dockerFilePath": "/Dockerfile", "dockerWorkDir": "/" }} }},
                  "ports": [
                    {{ "name": "p01", "internalPort": 8080, "public": true, "protocol": "HTTP", "domains": [] }}
                  ],
                  "runtimeEnvironment": {{ "NODE_ENV": "production", "DATABASE_URL": "${{refs.db.connectionString}}" }},
                  "healthChecks": [
                    {{ "protocol": "HTTP", "type": "readinessProbe", "path": "/health", "port": 8080, "initialDelaySeconds": 10, "periodSeconds": 5, "timeoutSeconds": 1, "failureThreshold": 3 }}
                  ]
                }}
              }}
            ]
          }}
        }}"#,
            n = i % 3 + 1
        ));
        i += 1;
    }
    s.push_str("\n      ]\n    }\n  }\n}\n");
    s
}

fn input(size: &str) -> &'static str {
    &INPUTS
        .iter()
        .find(|(s, _)| *s == size)
        .expect("known size")
        .1
}

#[divan::bench(args = SIZES)]
fn parse(bencher: divan::Bencher, size: &str) {
    let text = input(size);
    bencher
        .counter(divan::counter::BytesCount::new(text.len()))
        .bench(|| nfls_syntax::parse(divan::black_box(text)));
}

#[divan::bench(args = SIZES)]
fn line_index(bencher: divan::Bencher, size: &str) {
    let text = input(size);
    bencher
        .counter(divan::counter::BytesCount::new(text.len()))
        .bench(|| nfls_syntax::text::LineIndex::new(divan::black_box(text)));
}

#[divan::bench(args = SIZES)]
fn serde_json_baseline(bencher: divan::Bencher, size: &str) {
    let text = input(size);
    bencher
        .counter(divan::counter::BytesCount::new(text.len()))
        .bench(|| serde_json::from_str::<serde_json::Value>(divan::black_box(text)).is_ok());
}
