//! Formatting: the platform's layout, minimal edits, range formatting, idempotence, refusal on
//! syntax errors, and the platform-written corpus files unchanged.

// Skipped tests say so on stdout.
#![allow(clippy::print_stdout)]

mod structure_fixture;

use nfls_ide::format;
use nfls_ide::types::{FormatOptions, TextEdit};
use nfls_syntax::TextRange;
use structure_fixture::{Fixture, analyze_text, apply, shared_dir};

const TWO: FormatOptions = FormatOptions {
    tab_size: 2,
    insert_spaces: true,
};

fn formatted_with(text: &str, options: FormatOptions) -> String {
    apply(text, &format(&analyze_text(text), None, options))
}

fn formatted(text: &str) -> String {
    formatted_with(text, TWO)
}

/// Formats, checks that edits only touch whitespace, and that a second pass has nothing to do.
fn format_checked(text: &str, options: FormatOptions) -> String {
    let edits = format(&analyze_text(text), None, options);
    for edit in &edits {
        let old = &text[edit.range.start as usize..edit.range.end as usize];
        assert!(
            old.bytes()
                .chain(edit.new_text.bytes())
                .all(|b| b" \t\r\n".contains(&b)),
            "edit touches more than whitespace: {edit:?}"
        );
    }
    let once = apply(text, &edits);
    let again = format(&analyze_text(&once), None, options);
    assert_eq!(again, Vec::new(), "not idempotent on:\n{once}");
    once
}

/// Removes all whitespace between tokens (strings kept byte for byte).
fn minify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    for c in text.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !c.is_ascii_whitespace() {
            out.push(c);
        }
    }
    out
}

#[test]
fn minified_json_gets_the_platform_layout() {
    let input = r#"{"apiVersion":"v1.2","spec":{"kind":"Workflow","spec":{"type":"sequential","steps":[ ]}},"arr":[1,"a\u00e9\/\"",true,null,{ }],"n":-1.50e+3,"é☕":"🚀"}"#;
    let expected = r#"{
  "apiVersion": "v1.2",
  "spec": {
    "kind": "Workflow",
    "spec": {
      "type": "sequential",
      "steps": []
    }
  },
  "arr": [
    1,
    "a\u00e9\/\"",
    true,
    null,
    {}
  ],
  "n": -1.50e+3,
  "é☕": "🚀"
}"#;
    assert_eq!(format_checked(input, TWO), expected);
}

#[test]
fn oddly_spaced_json_gets_the_platform_layout() {
    let input = "  {\n\n\"a\" :1 ,\t\"b\":\n[\n\n]\n,\"c\":{\"d\"   :   [ 2 ,3 ]}}  \n\n\n";
    let expected = "{\n  \"a\": 1,\n  \"b\": [],\n  \"c\": {\n    \"d\": [\n      2,\n      3\n    ]\n  }\n}\n";
    assert_eq!(format_checked(input, TWO), expected);
}

#[test]
fn tab_size_and_tabs_are_honoured() {
    let input = r#"{"a":{"b":[1]}}"#;
    let four = FormatOptions {
        tab_size: 4,
        insert_spaces: true,
    };
    let tabs = FormatOptions {
        tab_size: 8,
        insert_spaces: false,
    };
    assert_eq!(
        format_checked(input, four),
        "{\n    \"a\": {\n        \"b\": [\n            1\n        ]\n    }\n}"
    );
    assert_eq!(
        format_checked(input, tabs),
        "{\n\t\"a\": {\n\t\t\"b\": [\n\t\t\t1\n\t\t]\n\t}\n}"
    );
}

#[test]
fn line_endings_follow_the_document() {
    // Consistent CRLF stays CRLF.
    let crlf = "{\r\n    \"a\": [1,2],\r\n\"b\": {}\r\n}\r\n";
    assert_eq!(
        format_checked(crlf, TWO),
        "{\r\n  \"a\": [\r\n    1,\r\n    2\r\n  ],\r\n  \"b\": {}\r\n}\r\n"
    );
    // Mostly LF (one stray CRLF): LF.
    let mixed = "{\n\"a\": 1,\r\n\"b\": 2,\n\"c\": 3\n}";
    assert_eq!(
        format_checked(mixed, TWO),
        "{\n  \"a\": 1,\n  \"b\": 2,\n  \"c\": 3\n}"
    );
    // No line break at all: LF.
    assert_eq!(format_checked(r#"{"a":1}"#, TWO), "{\n  \"a\": 1\n}");
}

#[test]
fn the_end_of_file_keeps_its_choice() {
    assert_eq!(formatted("{}"), "{}");
    assert_eq!(formatted("{}\n\n\n"), "{}\n");
    assert_eq!(formatted("{}   "), "{}");
    assert_eq!(formatted("{}  \r\n "), "{}\r\n");
    assert_eq!(formatted("\u{feff}  {} "), "\u{feff}{}");
}

#[test]
fn edits_are_minimal() {
    let text = "{\n  \"a\": {\n      \"b\": 1,\n    \"c\":2\n  }\n}";
    let edits = format(&analyze_text(text), None, TWO);
    // Two spaces too many before "b"; one space missing after the colon of "c".
    let b = text.find("      \"b\"").unwrap() as u32;
    let c_colon = text.find(":2").unwrap() as u32;
    assert_eq!(
        edits,
        vec![
            TextEdit::replace(TextRange::new(b + 4, b + 6), ""),
            TextEdit::insert(c_colon + 1, " "),
        ]
    );
}

#[test]
fn formatted_documents_produce_no_edits() {
    let text = "{\n  \"a\": [\n    1,\n    {}\n  ],\n  \"b\": \"x\"\n}\n";
    assert_eq!(format(&analyze_text(text), None, TWO), Vec::new());
}

#[test]
fn syntax_errors_refuse_formatting() {
    for broken in [
        r#"{"a": 1,}"#,
        r#"{"a": 1 "b": 2}"#,
        r#"{"a": // note
1}"#,
        r#"{"a": [1, 2"#,
        r#"{'a': 1}"#,
        "",
        "   ",
        r#"{"a": "unterminated}"#,
    ] {
        assert_eq!(
            format(&analyze_text(broken), None, TWO),
            Vec::new(),
            "{broken:?}"
        );
    }
    // Warnings (duplicate key) do not stop formatting.
    assert_eq!(
        formatted(r#"{"a":1,"a":2}"#),
        "{\n  \"a\": 1,\n  \"a\": 2\n}"
    );
}

#[test]
fn range_formatting_formats_the_smallest_enclosing_value() {
    let f = Fixture::parse(
        "{\n  \"a\":   [1,2],\n  \"b\": {\"c\":   [ $03 ,4$0],\"d\":5},\n  \"e\":   6\n}",
    );
    let analysis = f.analyze();
    let range = TextRange::new(f.cursors[0], f.cursors[1]);
    let edited = apply(&f.text, &format(&analysis, Some(range), TWO));
    // Only the array holding the range changes (indented for where it is).
    assert_eq!(
        edited,
        "{\n  \"a\":   [1,2],\n  \"b\": {\"c\":   [\n      3,\n      4\n    ],\"d\":5},\n  \"e\":   6\n}"
    );
}

#[test]
fn range_formatting_covers_the_members_the_range_touches() {
    let f = Fixture::parse("{\n  \"a\":1,\n  \"b\":  $02,   \"c\":3$0,\n   \"d\":4\n}");
    let range = TextRange::new(f.cursors[0], f.cursors[1]);
    let edited = apply(&f.text, &format(&f.analyze(), Some(range), TWO));
    assert_eq!(
        edited,
        "{\n  \"a\":1,\n  \"b\": 2,\n  \"c\": 3,\n   \"d\":4\n}"
    );
    // A range on one member's line also fixes that line's indentation.
    let f = Fixture::parse("{\n  \"a\":1,\n      $0\"d\":4$0\n}");
    let range = TextRange::new(f.cursors[0], f.cursors[1]);
    let edited = apply(&f.text, &format(&f.analyze(), Some(range), TWO));
    assert_eq!(edited, "{\n  \"a\":1,\n  \"d\": 4\n}");
    // A range over the whole root formats the whole document.
    let text = "{\"a\":1}\n\n";
    let whole = TextRange::new(0, text.len() as u32);
    assert_eq!(
        apply(text, &format(&analyze_text(text), Some(whole), TWO)),
        "{\n  \"a\": 1\n}\n"
    );
}

#[test]
fn deep_nesting_on_one_line_is_refused_not_exploded() {
    // 10,000 levels on one line would need 100 MB of indentation.
    let depth = 10_000;
    let text = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let analysis = analyze_text(&text);
    assert_eq!(format(&analysis, None, TWO), Vec::new());
    // 200 levels are fine.
    let text = format!("{}1{}", "[".repeat(200), "]".repeat(200));
    let once = format_checked(&text, TWO);
    assert_eq!(once.lines().count(), 401);
    assert_eq!(
        once.lines().nth(200).unwrap(),
        format!("{}1", "  ".repeat(200))
    );
}

#[test]
fn platform_written_corpus_files_are_unchanged() {
    let Some(shared) = shared_dir() else {
        println!("skipped: ../shared is absent");
        return;
    };
    // The files the corpus marks **P** (platform-written, with a `gitops` block).
    let platform_written = [
        "DeciderWill__git-ops-demo__northflank.json",
        "creativecommons__northflank-learning__public-wiki_northflank.json",
        "jas-atwal__northflank__northflank.json",
        "Vita-strategies__vendure__northflank.json",
        "Aji-hubStudio__Aji__northflank.json",
        "ewdurbin__toy-app__northflank.json",
        "dmikalova__email-unsubscribe__northflank.json",
        "Davidfastferrari__repo__northflank.json",
        "acarranoqovery__javascript-tetris__northflank.json",
        "ademcodesproducts__OpenEnv-Inventory-Simulations__northflank.json",
        "alrufaaey-yahoo__northflank-xhttp-relay__northflank.json",
        "monodiego__FireRed-Image-Edit-1.0-Fast__northflank.json",
        "rustwoodagent-ops__NorthflankClaw__northflank.json",
        "northflank__tigerbeetle-bun__northflank-template.json",
    ];
    for name in platform_written {
        let text = std::fs::read_to_string(shared.join("corpus/public").join(name)).unwrap();
        assert!(text.contains("\"gitops\""), "{name}");
        let analysis = analyze_text(&text);
        assert_eq!(format(&analysis, None, TWO), Vec::new(), "{name} changed");
        // Formatting the minified file gives the platform's file back, byte for byte (apart
        // from the final line break, which minifying drops).
        let again = formatted(&minify(&text));
        assert_eq!(again, text.trim_end_matches('\n'), "{name}");
    }
}

#[test]
fn every_corpus_file_formats_idempotently() {
    let Some(shared) = shared_dir() else {
        println!("skipped: ../shared is absent");
        return;
    };
    let mut count = 0;
    for folder in ["corpus/public", "corpus/docs", "corpus/nonconforming"] {
        for entry in std::fs::read_dir(shared.join(folder)).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            if !analyze_text(&text).parse.errors.is_empty() {
                assert_eq!(format(&analyze_text(&text), None, TWO), Vec::new());
                continue;
            }
            let once = format_checked(&text, TWO);
            // The layout does not depend on the input's whitespace.
            assert_eq!(
                formatted(&minify(&text)),
                once.trim_end_matches('\n'),
                "{}",
                path.display()
            );
            // CRLF copies stay CRLF and format the same way.
            let crlf = text.replace('\n', "\r\n");
            assert_eq!(format_checked(&crlf, TWO), once.replace('\n', "\r\n"));
            let tabs = FormatOptions {
                tab_size: 4,
                insert_spaces: false,
            };
            format_checked(&text, tabs);
            count += 1;
        }
    }
    assert!(count > 60, "{count}");
}

#[test]
fn range_formatting_of_a_one_line_container_or_a_scalar() {
    // Touching members of a container written on one line formats the whole container.
    let f = Fixture::parse("{\n  \"o\": {\"a\":1,\"b\":$02,\"c\":3$0}\n}");
    let range = TextRange::new(f.cursors[0], f.cursors[1]);
    let edited = apply(&f.text, &format(&f.analyze(), Some(range), TWO));
    assert_eq!(
        edited,
        "{\n  \"o\": {\n    \"a\": 1,\n    \"b\": 2,\n    \"c\": 3\n  }\n}"
    );
    // A range inside a string formats its member.
    let f = Fixture::parse("{\n  \"a\"  :  \"x$0y\",\"b\" :2\n}");
    let range = TextRange::empty(f.cursors[0]);
    let edited = apply(&f.text, &format(&f.analyze(), Some(range), TWO));
    assert_eq!(edited, "{\n  \"a\": \"xy\",\"b\" :2\n}");
}

/// Inserts pseudo-random whitespace between the tokens of formatted text.
fn scramble(text: &str, seed: u64) -> String {
    let mut state = seed;
    let mut next = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as usize
    };
    let pieces = ["", " ", "\t", "\n", "\r\n", "   \n\n  "];
    let mut out = String::new();
    let mut in_string = false;
    let mut escaped = false;
    for c in minify(text).chars() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        if matches!(c, '{' | '}' | '[' | ']' | ':' | ',' | '"') {
            out.push_str(pieces[next() % pieces.len()]);
        }
        out.push(c);
        if c == '"' {
            in_string = true;
        }
    }
    out
}

#[test]
fn scrambled_whitespace_formats_back_to_the_same_layout() {
    let documents = [
        r#"{"apiVersion":"v1.2","name":"café ☕","spec":{"kind":"Workflow","spec":{"type":"parallel","steps":[{"kind":"Addon","ref":"db","spec":{"name":"db","tags":[],"n":[1,2.5e3,-0],"s":"${refs.x.id} \"q\" \\ \u00e9"}},{}]}},"arguments":{}}"#,
        r#"[[],[[]],{"a":{"b":{"c":[true,false,null]}}},"日本"]"#,
        r#""just a string""#,
        "-12.5e-3",
    ];
    for document in documents {
        let expected = formatted(document);
        for seed in 0..50 {
            let scrambled = scramble(document, seed);
            let once = format_checked(&scrambled, TWO);
            // The final line break follows the scrambled text's own choice and line ending.
            let body = once.trim_end_matches(['\r', '\n']);
            let expected_body = if body.contains("\r\n") {
                expected.replace('\n', "\r\n")
            } else {
                expected.clone()
            };
            assert_eq!(body, expected_body, "seed {seed}: {scrambled:?}");
        }
    }
}
