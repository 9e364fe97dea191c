//! Property test over the real-world corpus: every `${…}` in every JSON string parses without
//! syntax problems and every range slices the document back to the expected text. Skips (with a
//! message) when `../shared/corpus` is not present next to the repository.
#![allow(clippy::print_stderr)]

mod common;

use std::path::{Path, PathBuf};

use common::check_invariants;
use nfls_expr::{ExprKind, ProblemCode, Segment, parse_string_literal};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus")
}

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            json_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

/// Byte ranges of every string token (quotes included): a tiny scanner, enough for JSON files.
fn string_tokens(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'"' {
            let start = i;
            i += 1;
            while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            let end = (i + 1).min(bytes.len());
            out.push((start, end));
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

/// The source text of each `${…}` in a token without JSON escapes: from `${` up to the first `}`,
/// or up to the next `${`/end when there is none (then `true` = unterminated).
fn expected_interpolations(token: &str) -> Vec<(&str, bool)> {
    let content = &token[1..token.len() - 1];
    let mut out = Vec::new();
    let mut rest = 0;
    while let Some(found) = content[rest..].find("${") {
        let start = rest + found;
        let after = start + 2;
        let next_open = content[after..]
            .find("${")
            .map_or(content.len(), |k| after + k);
        match content[after..next_open].find('}') {
            Some(k) => {
                out.push((&content[start..after + k + 1], false));
                rest = after + k + 1;
            }
            None => {
                out.push((&content[start..next_open], true));
                rest = next_open;
            }
        }
    }
    out
}

#[test]
fn corpus_expressions_parse_cleanly() {
    let dir = corpus_dir();
    if !dir.is_dir() {
        eprintln!("skipping corpus test: {} not found", dir.display());
        return;
    }
    let mut files = Vec::new();
    json_files(&dir, &mut files);
    files.sort();
    let (mut n_strings, mut n_interpolations, mut n_unterminated, mut n_references, mut n_escaped) =
        (0, 0, 0, 0, 0);
    for file in &files {
        let text = std::fs::read_to_string(file).expect("corpus file is UTF-8");
        for (start, end) in string_tokens(&text) {
            let token = &text[start..end];
            if !token.contains("${") || !token.ends_with('"') || token.len() < 2 {
                continue;
            }
            n_strings += 1;
            let parsed = parse_string_literal(token, start as u32);
            check_invariants(&text, &parsed);
            let where_ = format!("{}:{start} {token}", file.display());
            assert!(parsed.literal_problems.is_empty(), "{where_}");
            if token.contains('\\') {
                // JSON escapes: the text-based expectations below do not apply; the invariants
                // above and the absence of syntax problems do.
                n_escaped += 1;
                let bad: Vec<_> = parsed
                    .problems()
                    .filter(|p| p.code != ProblemCode::Unterminated)
                    .collect();
                assert!(bad.is_empty(), "{where_}: {bad:?}");
                continue;
            }

            let expected = expected_interpolations(token);
            let got: Vec<(&str, bool)> = parsed
                .interpolations()
                .map(|i| (&text[i.span.range()], i.close.is_none()))
                .collect();
            assert_eq!(got, expected, "{where_}");

            for interpolation in parsed.interpolations() {
                n_interpolations += 1;
                let codes: Vec<ProblemCode> =
                    interpolation.problems.iter().map(|p| p.code).collect();
                if interpolation.close.is_none() {
                    n_unterminated += 1;
                    assert_eq!(codes, [ProblemCode::Unterminated], "{where_}");
                } else {
                    assert!(codes.is_empty(), "{where_}: {:?}", interpolation.problems);
                }
                let expr = interpolation
                    .expr
                    .as_ref()
                    .expect("no empty `${}` in the corpus");
                // The expression covers the trimmed interior.
                assert_eq!(
                    &text[expr.span.range()],
                    text[interpolation.inner().range()].trim(),
                    "{where_}"
                );
                if let ExprKind::Path(path) = &expr.kind {
                    let mut rebuilt = text[path.root_span.range()].to_owned();
                    for segment in &path.segments {
                        assert_eq!(&text[segment.span.range()], segment.name, "{where_}");
                        rebuilt.push('.');
                        rebuilt.push_str(&segment.name);
                    }
                    if let Some(t) = path.template {
                        rebuilt = format!("{}.{rebuilt}", &text[t.range()]);
                    }
                    assert_eq!(rebuilt, &text[expr.span.range()], "{where_}");
                }
            }
            for reference in parsed.references() {
                n_references += 1;
                assert_eq!(
                    &text[reference.name_span.range()],
                    reference.name,
                    "{where_}"
                );
            }
            for segment in &parsed.segments {
                if let Segment::Text { span, value } = segment {
                    assert_eq!(&text[span.range()], value, "{where_}");
                }
            }
        }
    }
    eprintln!(
        "corpus: {} files, {n_strings} strings with `${{` ({n_escaped} with JSON escapes), {n_interpolations} interpolations \
         ({n_unterminated} unterminated in the source), {n_references} references",
        files.len()
    );
    assert!(
        n_interpolations > 100,
        "the corpus should have plenty of expressions"
    );
}
