//! Fuzz target: parse arbitrary bytes (decoded lossily, as the CLI and LSP do) and exercise the
//! tree queries, JSON conversion and line index on whatever comes out.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nfls_syntax::text::{Encoding, LineIndex};
use nfls_syntax::{MAX_JSON_DEPTH, format_pointer, parse};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let p = parse(&text);
    let tree = &p.tree;
    let len = text.len() as u32;

    // Diagnostics are sorted, in bounds and on char boundaries.
    let mut last = 0;
    for e in &p.errors {
        assert!(e.range.start <= e.range.end && e.range.end <= len, "{e:?}");
        assert!(
            text.is_char_boundary(e.range.start as usize)
                && text.is_char_boundary(e.range.end as usize)
        );
        assert!(e.range.start >= last);
        assert!(e.code.starts_with("syntax/") && !e.message.is_empty());
        last = e.range.start;
    }

    if tree.max_depth() <= MAX_JSON_DEPTH {
        let json = tree.to_json();
        // Valid JSON (by serde_json) must parse cleanly to the same value.
        if let Ok(expected) = serde_json::from_str::<serde_json::Value>(&text) {
            if !text.starts_with('\u{feff}') {
                assert!(
                    p.errors.iter().all(|e| e.code == "syntax/duplicate-key"),
                    "{:?}",
                    p.errors
                );
                assert_eq!(json, expected);
            }
        }
    }

    let has_duplicates = p.errors.iter().any(|e| e.code == "syntax/duplicate-key");
    let index = LineIndex::new(&text);
    let probes = [0, len / 3, len / 2, len.saturating_sub(1), len, len + 5];
    for off in probes {
        if let Some(v) = tree.covering_value(off) {
            assert!(v.range().contains_inclusive(off));
            if tree.max_depth() <= MAX_JSON_DEPTH {
                // Without duplicate keys, a value's own pointer leads back to it.
                let ptr = format_pointer(&v.path());
                if !has_duplicates {
                    assert_eq!(tree.pointer_str(&ptr), Some(v), "{ptr}");
                }
                let _ = v.to_json();
            }
            let _ = (
                v.as_str(),
                v.as_f64(),
                v.string_content_range(),
                v.parent(),
                v.parent_member(),
            );
        }
        if let Some(m) = tree.covering_member(off) {
            assert!(m.range().contains_inclusive(off));
            let _ = (m.key(), m.key_content_range(), m.value(), m.object().len());
        }
        for enc in [Encoding::Utf8, Encoding::Utf16] {
            let pos = index.position(off, enc);
            let back = index.offset(pos, enc);
            assert!(back <= len);
            if off <= len && text.is_char_boundary(off as usize) {
                // Round trip at char boundaries, except inside a `\r\n`.
                let inside_crlf = off > 0
                    && text.as_bytes()[off as usize - 1] == b'\r'
                    && text.as_bytes().get(off as usize) == Some(&b'\n');
                if !inside_crlf {
                    assert_eq!(back, off, "{pos:?} {enc:?}");
                }
            }
        }
    }
});
