//! Document sync and diagnostics: open, incremental changes (multi-byte text, rapid typing),
//! close, push and pull, which files are ours, and settings.

use std::time::Duration;

use serde_json::{Value, json};

use crate::support::{Fixture, Options, TestServer, helix_like_capabilities, range};

const TEMPLATE_URI: &str = "file:///w/infra/northflank.json";

/// A template with one missing comma (after `"name": "demo"`).
const MISSING_COMMA: &str = r#"{
  "apiVersion": "v1.2",
  "name": "demo"⟦⟧
  "spec": {"kind": "Workflow", "spec": {"type": "sequential", "steps": []}}
}
"#;

fn missing_comma_message() -> &'static str {
    "expected `,` between members"
}

#[test]
fn did_open_pushes_syntax_diagnostics_at_exact_ranges() {
    let (mut server, _) = TestServer::start(Options::default());
    let fixture = Fixture::parse(MISSING_COMMA);
    server.open(TEMPLATE_URI, &fixture.text);
    let diagnostics = server.diagnostics(TEMPLATE_URI, 1);
    assert_eq!(
        diagnostics,
        vec![json!({
            "range": range(&fixture.text, fixture.ranges[0], false),
            "severity": 1,
            "code": "syntax/missing-comma",
            "source": "northflank",
            "message": missing_comma_message(),
        })]
    );
    server.shutdown();
}

/// A template with a missing comma (syntax) and an unknown property (schema).
const SYNTAX_AND_SCHEMA: &str = r#"{
  "apiVersion": "v1.2",
  "name": "demo"⟦⟧
  "colour": "red",
  "spec": {"kind": "Workflow", "spec": {"type": "sequential", "steps": []}}
}
"#;

#[test]
fn an_opened_document_shows_its_syntax_errors_first_then_everything() {
    let (mut server, _) = TestServer::start(Options::default());
    let fixture = Fixture::parse(SYNTAX_AND_SCHEMA);
    server.open(TEMPLATE_URI, &fixture.text);
    let syntax_error = json!({
        "range": range(&fixture.text, fixture.ranges[0], false),
        "severity": 1,
        "code": "syntax/missing-comma",
        "source": "northflank",
        "message": missing_comma_message(),
    });
    // The first publish comes from the parse alone and names no version ...
    let early = server.notification("textDocument/publishDiagnostics", |params| {
        params["uri"] == TEMPLATE_URI
    });
    assert_eq!(early.get("version"), None, "{early}");
    assert_eq!(early["diagnostics"], json!([syntax_error]));
    // ... the complete one follows, for version 1.
    let complete = server.diagnostics(TEMPLATE_URI, 1);
    let codes: Vec<&str> = complete
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["syntax/missing-comma", "schema/unknown-property"]);
    assert_eq!(complete[0], syntax_error);
    // An edit publishes once, with its version: what is on screen never drops to the
    // syntax errors alone.
    let start = fixture.text.find("  \"colour\"").unwrap();
    let end = start + "  \"colour\": \"red\",\n".len();
    server.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": TEMPLATE_URI, "version": 2},
            "contentChanges": [{"range": range(&fixture.text, (start, end), false), "text": ""}],
        }),
    );
    let published = server.notification("textDocument/publishDiagnostics", |params| {
        params["uri"] == TEMPLATE_URI
    });
    assert_eq!(published["version"], 2, "{published}");
    assert_eq!(published["diagnostics"], json!([syntax_error]));
    server.shutdown();
}

#[test]
fn incremental_changes_with_multibyte_text_keep_ranges_exact() {
    for capabilities in [
        crate::support::vscode_like_capabilities(),
        helix_like_capabilities(),
    ] {
        let (mut server, _) = TestServer::start(Options {
            capabilities,
            ..Options::default()
        });
        let utf8 = server.utf8;
        let before = "{\n  \"description\": \"café 😀 ✓\",\n  \"apiVersion\": \"v1.2\",\n  \"spec\": {\"kind\": \"Workflow\", \"spec\": {\"type\": \"sequential\", \"steps\": []}}\n}\n";
        server.open(TEMPLATE_URI, before);
        assert_eq!(server.diagnostics(TEMPLATE_URI, 1), Vec::<Value>::new());

        // Insert `X` right after the emoji: the column depends on the encoding.
        let emoji_end = before.find('😀').unwrap() + '😀'.len_utf8();
        let at = crate::support::position(before, emoji_end, utf8);
        server.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": TEMPLATE_URI, "version": 2},
                "contentChanges": [{"range": {"start": at, "end": at}, "text": "X"}]
            }),
        );
        let after_first = before.replacen("😀", "😀X", 1);
        assert_eq!(
            server.server_text(TEMPLATE_URI),
            json!({"version": 2, "text": after_first})
        );

        // Delete the comma after the description value (on the line with the emoji): the
        // diagnostic lands right after the string, in the negotiated encoding.
        let comma = after_first.find("✓\",").unwrap() + "✓\"".len();
        let start = crate::support::position(&after_first, comma, utf8);
        let end = crate::support::position(&after_first, comma + 1, utf8);
        server.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": TEMPLATE_URI, "version": 3},
                "contentChanges": [{"range": {"start": start, "end": end}, "text": ""}]
            }),
        );
        let final_text = format!("{}{}", &after_first[..comma], &after_first[comma + 1..]);
        let diagnostics = server.diagnostics(TEMPLATE_URI, 3);
        assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
        assert_eq!(diagnostics[0]["code"], "syntax/missing-comma");
        assert_eq!(
            diagnostics[0]["range"],
            range(&final_text, (comma, comma), utf8)
        );
        server.shutdown();
    }
}

#[test]
fn many_rapid_changes_end_in_exactly_the_typed_text() {
    let (mut server, _) = TestServer::start(Options::default());
    let target = "{\n  \"apiVersion\": \"v1.2\",\n  \"name\": \"Ünïcødé 🚀 demo\",\n  \"spec\": {\"kind\": \"Workflow\", \"spec\": {\"type\": \"parallel\", \"steps\": []}}\n}\n";
    server.open(TEMPLATE_URI, "");
    // Type the document character by character, as fast as the pipe takes it.
    let mut typed = String::new();
    let mut version = 1;
    for ch in target.chars() {
        let at = crate::support::position(&typed, typed.len(), false);
        version += 1;
        server.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": TEMPLATE_URI, "version": version},
                "contentChanges": [{"range": {"start": at, "end": at}, "text": ch.to_string()}]
            }),
        );
        typed.push(ch);
    }
    assert_eq!(
        server.server_text(TEMPLATE_URI),
        json!({"version": version, "text": target})
    );
    // The newest version wins: its diagnostics arrive (clean), and no older version's
    // diagnostics are published after it. (Older versions may have published before it: the
    // first keystrokes, or the syntax errors of the empty document just opened.)
    assert_eq!(
        server.diagnostics(TEMPLATE_URI, version),
        Vec::<Value>::new()
    );
    for earlier in server.take_queued() {
        if earlier["method"] == "textDocument/publishDiagnostics" {
            let published = &earlier["params"]["version"];
            assert!(
                published.is_null() || published.as_i64() < Some(version),
                "{earlier:#?}"
            );
        }
    }
    let later = server.drain_matching(Duration::from_millis(300), |message| {
        message["method"] == "textDocument/publishDiagnostics"
    });
    assert!(
        later.is_empty(),
        "published after the newest version: {later:#?}"
    );
    server.shutdown();
}

/// The server decodes `didOpen`/`didChange` itself when `method` comes before `params` and
/// leaves other orders to tower-lsp-server: both kinds, interleaved, still apply in order.
#[test]
fn sync_notifications_apply_in_order_whatever_their_member_order() {
    let (mut server, _) = TestServer::start(Options::default());
    let large = format!("{{\"padding\": \"{}\"}}", "é".repeat(300_000));
    // `params` first: decoded by tower-lsp-server.
    server.send(&json!({
        "jsonrpc": "2.0",
        "params": {"textDocument": {"uri": TEMPLATE_URI, "languageId": "json", "version": 1, "text": large}},
        "method": "textDocument/didOpen",
    }));
    let mut expected = large.clone();
    for version in 2..40 {
        let end = crate::support::position(&expected, expected.len(), false);
        let change = json!({
            "textDocument": {"uri": TEMPLATE_URI, "version": version},
            "contentChanges": [{"range": {"start": end, "end": end}, "text": format!("{version} ")}]
        });
        expected.push_str(&format!("{version} "));
        if version % 3 == 0 {
            server.send(
                &json!({"params": change, "jsonrpc": "2.0", "method": "textDocument/didChange"}),
            );
        } else {
            server.notify("textDocument/didChange", change);
        }
    }
    assert_eq!(
        server.server_text(TEMPLATE_URI),
        json!({"version": 39, "text": expected})
    );
    server.shutdown();
}

/// The debounce applies to bursts only: a change that arrives when nothing is being
/// computed for its document is checked at once, even with a long configured pause.
#[test]
fn a_lone_change_is_checked_without_waiting_for_the_debounce() {
    let (mut server, _) = TestServer::start(Options {
        initialization_options: Some(json!({"northflank": {"diagnostics": {"debounceMs": 10000}}})),
        ..Options::default()
    });
    let fixture = Fixture::parse(MISSING_COMMA);
    server.open(TEMPLATE_URI, &fixture.text);
    assert_eq!(server.diagnostics(TEMPLATE_URI, 1).len(), 1);
    // Insert the missing comma.
    let at = crate::support::position(&fixture.text, fixture.ranges[0].0, false);
    server.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": TEMPLATE_URI, "version": 2},
            "contentChanges": [{"range": {"start": at, "end": at}, "text": ","}]
        }),
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    let published = loop {
        let found = server.drain_matching(Duration::from_millis(50), |message| {
            message["method"] == "textDocument/publishDiagnostics"
                && message["params"]["version"] == 2
        });
        if !found.is_empty() || std::time::Instant::now() > deadline {
            break found;
        }
    };
    assert_eq!(
        published.len(),
        1,
        "no diagnostics within 5 s of a lone change"
    );
    assert_eq!(published[0]["params"]["diagnostics"], json!([]));
    server.shutdown();
}

#[test]
fn files_that_are_not_ours_stay_silent() {
    let (mut server, _) = TestServer::start(Options::default());
    let broken = "{\n  \"name\": \"pkg\"\n  \"version\": \"1.0.0\",\n}\n";
    server.open("file:///w/package.json", broken);
    server.open(
        "file:///w/tsconfig.json",
        "{\"compilerOptions\": {\"strict\": true,}}",
    );
    for uri in ["file:///w/package.json", "file:///w/tsconfig.json"] {
        let published = server.drain_matching(Duration::from_millis(400), |message| {
            message["method"] == "textDocument/publishDiagnostics"
                && message["params"]["uri"] == uri
        });
        for message in published {
            assert_eq!(message["params"]["diagnostics"], json!([]), "{uri}");
        }
    }
    server.shutdown();
}

#[test]
fn close_clears_pushed_diagnostics() {
    let (mut server, _) = TestServer::start(Options::default());
    let fixture = Fixture::parse(MISSING_COMMA);
    server.open(TEMPLATE_URI, &fixture.text);
    assert_eq!(server.diagnostics(TEMPLATE_URI, 1).len(), 1);
    server.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": TEMPLATE_URI}}),
    );
    let params = server.notification("textDocument/publishDiagnostics", |params| {
        params["uri"] == TEMPLATE_URI && params["diagnostics"] == json!([])
    });
    assert!(params.get("version").is_none_or(Value::is_null));
    server.shutdown();
}

#[test]
fn pull_diagnostics_when_the_client_supports_them() {
    let mut capabilities = crate::support::vscode_like_capabilities();
    capabilities["textDocument"]["diagnostic"] = json!({"dynamicRegistration": false});
    let (mut server, result) = TestServer::start(Options {
        capabilities,
        ..Options::default()
    });
    assert_eq!(
        result["capabilities"]["diagnosticProvider"]["identifier"],
        "northflank"
    );
    let fixture = Fixture::parse(MISSING_COMMA);
    server.open(TEMPLATE_URI, &fixture.text);
    let report = server
        .request(
            "textDocument/diagnostic",
            json!({"textDocument": {"uri": TEMPLATE_URI}}),
        )
        .unwrap();
    assert_eq!(report["kind"], "full");
    assert_eq!(report["items"][0]["code"], "syntax/missing-comma");
    assert_eq!(
        report["items"][0]["range"],
        range(&fixture.text, fixture.ranges[0], false)
    );
    // Nothing is pushed in pull mode.
    let pushed = server.drain_matching(Duration::from_millis(300), |message| {
        message["method"] == "textDocument/publishDiagnostics"
    });
    assert!(pushed.is_empty(), "{pushed:#?}");
    server.shutdown();
}

#[test]
fn file_associations_from_initialization_options() {
    let options = Options {
        initialization_options: Some(
            json!({"northflank": {"files": {"deploy/*.json": "release-flow"}}}),
        ),
        ..Options::default()
    };
    let (mut server, _) = TestServer::start(options);
    // Not a conventional name and no Northflank content: ours only through the setting.
    let uri = "file:///w/deploy/prod.json";
    server.open(uri, "{\"apiVersion\": \"v1.2\" \"spec\": {\"kind\": \"Workflow\", \"spec\": {\"type\": \"parallel\"}}}");
    let diagnostics = server.diagnostics(uri, 1);
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(diagnostics[0]["code"], "syntax/missing-comma");
    server.shutdown();
}

#[test]
fn file_associations_from_workspace_configuration_and_did_change_configuration() {
    let options = Options {
        configuration: json!({"files": {"custom/*.json": "template"}}),
        ..Options::default()
    };
    let (mut server, _) = TestServer::start(options);
    // The server asks for its section after `initialized`.
    let request = server.server_request("workspace/configuration");
    assert_eq!(
        request["params"]["items"],
        json!([{"section": "northflank"}])
    );
    let uri = "file:///w/custom/a.json";
    server.open(uri, "{\"apiVersion\": \"v1.2\" \"spec\": {\"kind\": \"Workflow\", \"spec\": {\"type\": \"parallel\"}}}");
    // The answer may be applied just after the open: then the document is analysed again.
    let params = server.notification("textDocument/publishDiagnostics", |params| {
        params["uri"] == uri
            && params["version"] == 1
            && params["diagnostics"]
                .as_array()
                .is_some_and(|items| items.len() == 1)
    });
    assert_eq!(params["diagnostics"][0]["code"], "syntax/missing-comma");

    // Settings pushed with the notification replace the old ones: the file is no longer ours.
    // Publishes from before may still be queued (the early one, a re-analysis): the test
    // waits for the empty one, and fails if it never comes.
    server.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"northflank": {"files": {"custom/*.json": "none"}}}}),
    );
    server.notification("textDocument/publishDiagnostics", |params| {
        params["uri"] == uri && params["version"] == 1 && params["diagnostics"] == json!([])
    });
    server.shutdown();
}

/// `northflank.diagnostics.severity` changes what is published: from the first settings, and
/// again when they change (the open document is checked anew).
#[test]
fn severity_settings_change_and_silence_diagnostics() {
    let (mut server, _) = TestServer::start(Options {
        initialization_options: Some(json!({"northflank": {"diagnostics": {"severity": {
            "schema/unknown-property": "error"
        }}}})),
        ..Options::default()
    });
    let fixture = Fixture::parse(
        "{\"apiVersion\": \"v1.2\", \"spec\": {\"kind\": \"Workflow\", \"spec\": {\"type\": \"parallel\", \"steps\": [
  {\"kind\": \"Project\", \"ref\": \"p\", \"spec\": {\"name\": \"shop\", ⟦\"colour\"⟧: \"blue\", \"description\": \"${refs.⟦q⟧.id}\"}}]}}}",
    );
    server.open(TEMPLATE_URI, &fixture.text);
    let summary = |diagnostics: Vec<Value>| -> Vec<(Value, Value, Value)> {
        diagnostics
            .into_iter()
            .map(|d| (d["range"].clone(), d["severity"].clone(), d["code"].clone()))
            .collect()
    };
    let colour = range(&fixture.text, fixture.ranges[0], false);
    let reference = range(&fixture.text, fixture.ranges[1], false);
    assert_eq!(
        summary(server.diagnostics(TEMPLATE_URI, 1)),
        vec![
            (colour.clone(), json!(1), json!("schema/unknown-property")),
            (reference.clone(), json!(1), json!("ref/undefined")),
        ]
    );
    server.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"northflank": {"diagnostics": {"severity": {"ref/*": "off"}}}}}),
    );
    // The unknown property is back to a warning (2) and the undefined ref is gone.
    server.notification("textDocument/publishDiagnostics", |params| {
        params["uri"] == TEMPLATE_URI
            && params["version"] == 1
            && summary(
                params["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default(),
            ) == vec![(colour.clone(), json!(2), json!("schema/unknown-property"))]
    });
    server.shutdown();
}

/// A repository's `.northflank-lsp.json` (at or above the workspace root) applies under the
/// editor's settings, and is read again when the client reports it changed or saved it.
#[test]
fn the_repository_settings_file_applies_under_the_editor_settings() {
    let repo = tempfile::tempdir().unwrap();
    let root = repo.path().join("infra");
    std::fs::create_dir_all(root.join("deploy")).unwrap();
    let config = repo.path().join(".northflank-lsp.json");
    let config_uri = format!("file://{}", config.display());
    std::fs::write(
        &config,
        r#"{"diagnostics": {"severity": {"ref/undefined": "off", "schema/unknown-property": "error"}}}"#,
    )
    .unwrap();
    let root_uri = format!("file://{}", root.display());
    let (mut server, _) = TestServer::start(Options {
        root_uri: json!(root_uri),
        // The editor's rule for the same code wins over the file's.
        initialization_options: Some(
            json!({"northflank": {"diagnostics": {"severity": {"schema/unknown-property": "hint"}}}}),
        ),
        ..Options::default()
    });
    let uri = format!("{root_uri}/deploy/app.json");
    let fixture = Fixture::parse(
        "{\"apiVersion\": \"v1.2\", \"spec\": {\"kind\": \"Workflow\", \"spec\": {\"type\": \"parallel\", \"steps\": [
  {\"kind\": \"Project\", \"spec\": {\"name\": \"shop\", ⟦\"colour\"⟧: \"blue\", \"description\": \"${refs.⟦q⟧.id}\"}}]}}}",
    );
    server.open(&uri, &fixture.text);
    let summary = |diagnostics: &Value| -> Vec<(Value, Value, Value)> {
        diagnostics
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .map(|d| (d["range"].clone(), d["severity"].clone(), d["code"].clone()))
            .collect()
    };
    let colour = range(&fixture.text, fixture.ranges[0], false);
    let reference = range(&fixture.text, fixture.ranges[1], false);
    // Each wait takes the complete (versioned) publish that follows the step, never an
    // earlier one still queued.
    let after = |server: &mut TestServer, expected: Vec<(Value, Value, Value)>| {
        server.take_queued();
        server.notification("textDocument/publishDiagnostics", |params| {
            params["uri"] == uri.as_str()
                && params["version"] == 1
                && summary(&params["diagnostics"]) == expected
        });
    };
    after(
        &mut server,
        vec![(colour.clone(), json!(4), json!("schema/unknown-property"))],
    );
    // The file changes on disk (a `git pull`) and opts the folder out: nothing is reported.
    std::fs::write(&config, r#"{"files": {"deploy/*.json": "none"}}"#).unwrap();
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": config_uri, "type": 2}]}),
    );
    after(&mut server, vec![]);
    // Deleted (reported by a save): the editor's rule alone; the undefined ref is an error.
    std::fs::remove_file(&config).unwrap();
    server.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": config_uri}}),
    );
    after(
        &mut server,
        vec![
            (colour.clone(), json!(4), json!("schema/unknown-property")),
            (reference.clone(), json!(1), json!("ref/undefined")),
        ],
    );
    server.shutdown();
}

#[test]
fn document_kind_is_announced_to_clients_that_ask() {
    let mut capabilities = crate::support::vscode_like_capabilities();
    capabilities["experimental"] = json!({"northflankDocumentKind": true});
    let (mut server, _) = TestServer::start(Options {
        capabilities,
        ..Options::default()
    });
    let release_flow = "{\"apiVersion\": \"v1.2\", \"triggers\": [], \"spec\": {\"kind\": \"Workflow\", \"spec\": {}}}";
    server.open("file:///w/release.json", release_flow);
    server.open("file:///w/package.json", "{\"name\": \"x\"}");
    let params = server.notification("northflank/documentKind", |params| {
        params["uri"] == "file:///w/release.json"
    });
    assert_eq!(params["kind"], "release-flow");
    let params = server.notification("northflank/documentKind", |params| {
        params["uri"] == "file:///w/package.json"
    });
    assert_eq!(params["kind"], Value::Null);
    // Editing the file into a template changes the kind, and the client is told.
    server.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": "file:///w/release.json", "version": 2},
            "contentChanges": [{"text": "{\"apiVersion\": \"v1.2\", \"spec\": {\"kind\": \"Workflow\", \"spec\": {}}}"}]
        }),
    );
    let params = server.notification("northflank/documentKind", |params| {
        params["uri"] == "file:///w/release.json"
    });
    assert_eq!(params["kind"], "template");
    server.shutdown();
}

/// Opens [`MISSING_COMMA`] at version 0, waits for its diagnostics, and sends the change that
/// adds the comma as version 4 (a gap in the numbering, so the change is parked at first).
/// Returns the position of the comma.
fn open_at_0_and_fix_as_version_4(server: &mut TestServer) -> Value {
    let fixture = Fixture::parse(MISSING_COMMA);
    server.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": TEMPLATE_URI, "languageId": "json", "version": 0, "text": fixture.text}}),
    );
    assert_eq!(server.diagnostics(TEMPLATE_URI, 0).len(), 1);
    let at = crate::support::position(&fixture.text, fixture.ranges[0].0, false);
    server.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": TEMPLATE_URI, "version": 4}, "contentChanges": [{"range": {"start": at, "end": at}, "text": ","}]}),
    );
    at
}

#[test]
fn clients_that_skip_version_numbers_still_get_fresh_diagnostics() {
    // Neovim 0.7 numbers versions by its change ticks: 0, 4, 8, …
    let (mut server, _) = TestServer::start(Options::default());
    // Add the missing comma, then a space: both with gaps in the numbering.
    let at = open_at_0_and_fix_as_version_4(&mut server);
    assert_eq!(server.diagnostics(TEMPLATE_URI, 4), Vec::<Value>::new());
    server.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": TEMPLATE_URI, "version": 8}, "contentChanges": [{"range": {"start": at, "end": at}, "text": " "}]}),
    );
    assert_eq!(server.diagnostics(TEMPLATE_URI, 8), Vec::<Value>::new());
    assert_eq!(server.server_text(TEMPLATE_URI)["version"], 8);
    server.shutdown();
}

/// A change parked for its missing predecessor is applied by the first thing that needs the
/// text — here a request straight after it — and its diagnostics still come.
#[test]
fn a_parked_change_applied_by_a_request_still_gets_its_diagnostics() {
    let (mut server, _) = TestServer::start(Options::default());
    open_at_0_and_fix_as_version_4(&mut server);
    // Sooner than the pause after which a parked change is applied anyway.
    assert_eq!(server.server_text(TEMPLATE_URI)["version"], 4);
    assert_eq!(server.diagnostics(TEMPLATE_URI, 4), Vec::<Value>::new());
    server.shutdown();
}

#[test]
fn large_documents_arrive_exactly_as_sent() {
    let (mut server, _) = TestServer::start(Options::default());
    // Quotes, backslashes, tabs, CRLF and characters outside the BMP: every escape JSON has,
    // in a message large enough to be decoded inside its own buffer.
    let line = "\t\"name\": \"é😀 \\\\ ${args.x}\", \"/\": \"a/b\"\r\n";
    let text = format!("{{\n{}}}\n", line.repeat(8_000));
    assert!(text.len() > 300_000);
    server.open("file:///w/large.json", &text);
    assert_eq!(
        server.server_text("file:///w/large.json"),
        json!({"version": 1, "text": text})
    );
    // A control character is sent as a `\u` escape: decoded the careful way.
    let text = format!("{text}\u{1}");
    server.open("file:///w/large-escaped.json", &text);
    assert_eq!(
        server.server_text("file:///w/large-escaped.json"),
        json!({"version": 1, "text": text})
    );
    server.shutdown();
}
