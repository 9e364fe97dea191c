//! Tests for version-ordered edits.

use nfls_syntax::text::Encoding;
use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent, Uri};

use super::*;

fn uri() -> Uri {
    "file:///w/northflank.json".parse().unwrap()
}

fn edit(start: (u32, u32), end: (u32, u32), text: &str) -> TextDocumentContentChangeEvent {
    TextDocumentContentChangeEvent {
        range: Some(Range {
            start: Position {
                line: start.0,
                character: start.1,
            },
            end: Position {
                line: end.0,
                character: end.1,
            },
        }),
        range_length: None,
        text: text.to_owned(),
    }
}

fn text(documents: &Documents) -> String {
    documents.snapshot(&uri()).unwrap().text.to_string()
}

#[test]
fn edits_apply_in_utf16_and_utf8_units() {
    let mut documents = Documents::default();
    documents.open(uri(), 1, "{\"é😀\": 1}\r\n".to_owned(), Arc::default());
    // UTF-16: `{"` is 2, `é` 1, `😀` 2 code units: the closing quote is at character 5.
    let outcome = documents.change(&uri(), 2, vec![edit((0, 5), (0, 5), "x")], Encoding::Utf16);
    assert_eq!(outcome, ChangeOutcome::Applied(2));
    assert_eq!(text(&documents), "{\"é😀x\": 1}\r\n");
    // UTF-8: `{"` 2 + é 2 + 😀 4 + x 1 = 9 bytes.
    documents.change(&uri(), 3, vec![edit((0, 9), (0, 9), "y")], Encoding::Utf8);
    assert_eq!(text(&documents), "{\"é😀xy\": 1}\r\n");
    // Past the end of a line clamps to the line end, before the CRLF.
    documents.change(
        &uri(),
        4,
        vec![edit((0, 99), (0, 99), "!")],
        Encoding::Utf16,
    );
    assert_eq!(text(&documents), "{\"é😀xy\": 1}!\r\n");
    // A full replacement.
    documents.change(
        &uri(),
        5,
        vec![TextDocumentContentChangeEvent {
            range: None,
            range_length: None,
            text: "{}".into(),
        }],
        Encoding::Utf16,
    );
    assert_eq!(text(&documents), "{}");
    assert_eq!(documents.snapshot(&uri()).unwrap().version, 5);
}

#[test]
fn out_of_order_changes_wait_for_their_predecessor() {
    let mut documents = Documents::default();
    documents.open(uri(), 1, "".to_owned(), Arc::default());
    assert_eq!(
        documents.change(&uri(), 3, vec![edit((0, 1), (0, 1), "b")], Encoding::Utf16),
        ChangeOutcome::Parked
    );
    assert_eq!(
        documents.change(&uri(), 4, vec![edit((0, 2), (0, 2), "c")], Encoding::Utf16),
        ChangeOutcome::Parked
    );
    assert_eq!(text(&documents), "");
    assert_eq!(
        documents.change(&uri(), 2, vec![edit((0, 0), (0, 0), "a")], Encoding::Utf16),
        ChangeOutcome::Applied(4)
    );
    assert_eq!(text(&documents), "abc");
    assert_eq!(
        documents.change(&uri(), 3, vec![edit((0, 0), (0, 0), "z")], Encoding::Utf16),
        ChangeOutcome::Stale { current: 4 }
    );
    assert_eq!(text(&documents), "abc");
}

#[test]
fn skipped_version_numbers_are_flushed_in_order() {
    let mut documents = Documents::default();
    documents.open(uri(), 1, "".to_owned(), Arc::default());
    documents.change(&uri(), 5, vec![edit((0, 0), (0, 0), "a")], Encoding::Utf16);
    documents.change(&uri(), 9, vec![edit((0, 1), (0, 1), "b")], Encoding::Utf16);
    assert_eq!(documents.flush_parked(&uri(), Encoding::Utf16), Some(9));
    assert_eq!(text(&documents), "ab");
    assert_eq!(documents.flush_parked(&uri(), Encoding::Utf16), None);
    // From now on this document's versions apply as they come, gaps and all.
    assert_eq!(
        documents.change(&uri(), 14, vec![edit((0, 2), (0, 2), "c")], Encoding::Utf16),
        ChangeOutcome::Applied(14)
    );
    assert_eq!(text(&documents), "abc");
    assert_eq!(
        documents.change(&uri(), 12, vec![edit((0, 0), (0, 0), "z")], Encoding::Utf16),
        ChangeOutcome::Stale { current: 14 }
    );
}

#[test]
fn several_edits_in_one_notification_see_each_other() {
    let mut documents = Documents::default();
    documents.open(uri(), 1, "line one\nline two\n".to_owned(), Arc::default());
    documents.change(
        &uri(),
        2,
        vec![edit((0, 0), (1, 0), ""), edit((0, 5), (0, 8), "2")],
        Encoding::Utf16,
    );
    assert_eq!(text(&documents), "line 2\n");
}

#[test]
fn unknown_documents_and_inverted_ranges_do_not_panic() {
    let mut documents = Documents::default();
    assert_eq!(
        documents.change(&uri(), 2, vec![], Encoding::Utf16),
        ChangeOutcome::Unknown
    );
    documents.open(uri(), 1, "abcdef".to_owned(), Arc::default());
    documents.change(&uri(), 2, vec![edit((0, 4), (0, 2), "X")], Encoding::Utf16);
    assert_eq!(text(&documents), "abXef");
    documents.change(
        &uri(),
        3,
        vec![edit((50, 0), (60, 3), "!")],
        Encoding::Utf16,
    );
    assert_eq!(text(&documents), "abXef!");
}

/// A preparation whose parse is of `parsed_text`, not of `text`: which of the two the analysis
/// reports shows whether it started from the reader's parse.
fn prepared(text: &str, parsed_text: &str, config: &Arc<AnalysisConfig>) -> Prepared {
    let text = Arc::new(text.to_owned());
    Prepared {
        index: LineIndex::from_shared(Arc::clone(&text)),
        parsed: nfls_ide::parse_and_classify(
            Arc::new(parsed_text.to_owned()),
            file_path(&uri()).as_deref(),
            config,
        ),
        text,
        config: Arc::clone(config),
        published: true,
    }
}

#[tokio::test]
async fn an_opened_document_is_analysed_from_the_readers_parse() {
    let config: Arc<AnalysisConfig> = Arc::default();
    let mut documents = Documents::default();
    let snapshot = documents.open_prepared(
        uri(),
        1,
        prepared("{}", "{\"a\" 1}", &config),
        Arc::clone(&config),
    );
    assert!(snapshot.syntax_published);
    assert_eq!(&*snapshot.text, "{}");
    let analysis = snapshot.analysis().await;
    assert_eq!(analysis.parse.tree.text(), "{\"a\" 1}");
    let syntax: Vec<_> = analysis
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.code.starts_with("syntax/"))
        .map(|diagnostic| &*diagnostic.code)
        .collect();
    assert_eq!(syntax, ["syntax/missing-colon"]);
}

#[tokio::test]
async fn settings_changed_since_the_readers_parse_parse_the_document_again() {
    let before: Arc<AnalysisConfig> = Arc::default();
    let mut documents = Documents::default();
    // The same settings, but not the same `Arc`: they were replaced meanwhile.
    let snapshot = documents.open_prepared(
        uri(),
        1,
        prepared("{}", "{\"a\" 1}", &before),
        Arc::default(),
    );
    assert!(snapshot.syntax_published);
    let analysis = snapshot.analysis().await;
    assert!(
        analysis.parse.errors.is_empty(),
        "{:?}",
        analysis.parse.errors
    );
    assert_eq!(analysis.parse.tree.text(), "{}");
}
