//! Parses the shared corpus of real Northflank files (skipped when `../shared` is absent) and
//! large generated documents.

// Skipping a test because the shared corpus is absent must say so.
#![allow(clippy::print_stderr)]

use std::path::PathBuf;

use nfls_syntax::{codes, parse, text::Encoding, text::LineIndex, text::Position};

fn shared_corpus() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipping: {} is absent", dir.display());
        None
    }
}

#[test]
fn published_invalid_doc_has_exactly_one_missing_comma() {
    let Some(dir) = shared_corpus() else { return };
    let path = dir.join("docs/docs__gitops-on-northflank__1__INVALID-AS-PUBLISHED.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("skipping: {} is absent", path.display());
        return;
    };
    let p = parse(&text);
    let anchor = "\"GIT_BRANCH\": \"main\"";
    let at = (text.find(anchor).expect("anchor in the file") + anchor.len()) as u32;
    assert_eq!(p.errors.len(), 1, "{:?}", p.errors);
    let e = &p.errors[0];
    assert_eq!(e.code, codes::MISSING_COMMA);
    assert_eq!(e.message, "expected `,` between members");
    assert_eq!((e.range.start, e.range.end), (at, at));
    assert_eq!(
        LineIndex::new(&text).position(at, Encoding::Utf16),
        Position::new(9, 24)
    );
    // The rest of the document is intact: it converts to what a lenient reader would produce.
    let json = p.tree.to_json();
    assert_eq!(json["arguments"]["API_KEY"], "");
    assert_eq!(json["arguments"]["GIT_BRANCH"], "main");
}

#[test]
fn every_valid_corpus_file_parses_without_errors_and_matches_serde_json() {
    let Some(dir) = shared_corpus() else { return };
    let mut count = 0;
    for sub in ["public", "docs", "nonconforming"] {
        let mut entries: Vec<_> = std::fs::read_dir(dir.join(sub))
            .expect("corpus folder is readable")
            .map(|e| e.expect("readable entry").path())
            .collect();
        entries.sort();
        for path in entries {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.contains("INVALID") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("corpus files are UTF-8");
            let p = parse(&text);
            assert!(p.errors.is_empty(), "{name}: {:?}", p.errors);
            let expected: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
            assert_eq!(p.tree.to_json(), expected, "{name}");
            // Every value's pointer resolves back to it.
            let root = p.tree.root().unwrap();
            let mut stack = vec![root];
            while let Some(v) = stack.pop() {
                assert_eq!(
                    p.tree.pointer_str(&nfls_syntax::format_pointer(&v.path())),
                    Some(v),
                    "{name}"
                );
                if let Some(o) = v.as_object() {
                    // Only the last of duplicate keys is reachable by pointer.
                    stack.extend(
                        o.members()
                            .filter_map(|m| m.value())
                            .filter(|c| o.get(c.parent_member().unwrap().key()) == Some(*c)),
                    );
                }
                if let Some(a) = v.as_array() {
                    stack.extend(a.elements());
                }
            }
            count += 1;
        }
    }
    assert!(count >= 70, "only {count} corpus files found");
}

/// A multi-megabyte template-shaped document, built here so the test needs nothing outside.
fn big_document(services: usize) -> String {
    let mut s = String::from(
        "{\n  \"apiVersion\": \"v1.2\",\n  \"spec\": {\n    \"kind\": \"Workflow\",\n    \"spec\": {\n      \"type\": \"sequential\",\n      \"steps\": [\n",
    );
    for i in 0..services {
        if i > 0 {
            s.push_str(",\n");
        }
        s.push_str(&format!(
            r#"        {{
          "kind": "CombinedService",
          "ref": "svc-{i}",
          "spec": {{
            "name": "service-{i}",
            "description": "Service number {i} with a \"quoted\" word and \u00e9",
            "billing": {{ "deploymentPlan": "nf-compute-20" }},
            "deployment": {{ "instances": {n}, "docker": {{ "configType": "default" }} }},
            "ports": [{{ "name": "p{i}", "internalPort": 8080, "public": true, "protocol": "HTTP" }}],
            "runtimeEnvironment": {{ "A": "${{refs.svc-{i}.id}}", "RATIO": 0.25, "ON": false, "X": null }}
          }}
        }}"#,
            n = i % 7
        ));
    }
    s.push_str("\n      ]\n    }\n  }\n}\n");
    s
}

#[test]
fn multi_megabyte_document() {
    let text = big_document(7000);
    assert!(text.len() > 4_000_000, "{}", text.len());
    let p = parse(&text);
    assert!(
        p.errors.is_empty(),
        "{:?}",
        &p.errors[..p.errors.len().min(3)]
    );
    let steps = p
        .tree
        .pointer_str("/spec/spec/steps")
        .unwrap()
        .as_array()
        .unwrap();
    assert_eq!(steps.len(), 7000);
    let last = steps.get(6999).unwrap();
    assert_eq!(
        last.as_object().unwrap().get("ref").unwrap().as_str(),
        Some("svc-6999")
    );
    let expected: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(p.tree.to_json(), expected);

    // Break it in the middle: one missing comma, the rest still parses.
    let cut = text.find("\"ref\": \"svc-3000\",").unwrap() + "\"ref\": \"svc-3000\"".len();
    let broken = format!("{}{}", &text[..cut], &text[cut + 1..]);
    let p = parse(&broken);
    let errs: Vec<_> = p.errors.iter().map(|e| (e.code, e.range.start)).collect();
    assert_eq!(errs, [(codes::MISSING_COMMA, cut as u32)]);
    assert_eq!(
        p.tree
            .pointer_str("/spec/spec/steps")
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        7000
    );
}

#[test]
fn fifty_megabyte_document() {
    let text = big_document(86_000);
    assert!(text.len() > 50_000_000, "{}", text.len());
    let p = parse(&text);
    assert!(p.errors.is_empty());
    assert_eq!(
        p.tree
            .pointer_str("/spec/spec/steps")
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        86_000
    );
    let end = text.len() as u32 - 2;
    assert_eq!(p.tree.covering_value(end), p.tree.root());
}
