//! Initialize, capabilities, settings, shutdown and exit, and protocol misuse.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::support::{Options, TestServer, helix_like_capabilities};

#[test]
fn initialize_negotiates_utf16_for_vscode_and_advertises_only_what_exists() {
    let (server, result) = TestServer::start(Options::default());
    let capabilities = &result["capabilities"];
    assert_eq!(capabilities["positionEncoding"], "utf-16");
    assert_eq!(
        capabilities["textDocumentSync"]["change"], 2,
        "incremental sync"
    );
    assert_eq!(capabilities["textDocumentSync"]["openClose"], true);
    assert_eq!(result["serverInfo"]["name"], "northflank-lsp");
    // VS Code's profile here declares no pull diagnostics: we push.
    assert!(capabilities.get("diagnosticProvider").is_none());
    let mut advertised: Vec<&str> = capabilities
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    advertised.sort_unstable();
    assert_eq!(
        advertised,
        vec![
            "codeActionProvider",
            "codeLensProvider",
            "completionProvider",
            "definitionProvider",
            "documentFormattingProvider",
            "documentHighlightProvider",
            "documentRangeFormattingProvider",
            "documentSymbolProvider",
            "executeCommandProvider",
            "foldingRangeProvider",
            "hoverProvider",
            "positionEncoding",
            "referencesProvider",
            "renameProvider",
            "selectionRangeProvider",
            "semanticTokensProvider",
            "textDocumentSync",
        ]
    );
    server.shutdown();
}

#[test]
fn initialize_picks_utf8_when_offered() {
    let (server, result) = TestServer::start(Options {
        capabilities: helix_like_capabilities(),
        ..Options::default()
    });
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-8");
    server.shutdown();
}

#[test]
fn exit_ends_the_process_promptly() {
    let (mut server, _) = TestServer::start(Options::default());
    server.request("shutdown", Value::Null).unwrap();
    let started = Instant::now();
    server.notify("exit", Value::Null);
    let status = server.wait_exit(Duration::from_secs(5)).expect("exited");
    assert!(status.success());
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn documents_opened_before_initialize_or_after_shutdown_get_no_diagnostics() {
    // A template with a syntax error: a served open publishes that at once.
    let text = "{\"apiVersion\": \"v1.2\" \"spec\": {}}";
    let published = |server: &mut TestServer, uri: &str| {
        let uri = uri.to_owned();
        server.drain_matching(Duration::from_millis(300), move |message| {
            message["method"] == "textDocument/publishDiagnostics"
                && message["params"]["uri"] == uri.as_str()
        })
    };
    let mut server = TestServer::spawn(Options::default());
    server.open("file:///w/early/northflank.json", text);
    server
        .request(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": {}}),
        )
        .unwrap();
    server.notify("initialized", json!({}));
    assert_eq!(
        published(&mut server, "file:///w/early/northflank.json"),
        Vec::<Value>::new()
    );
    server.open("file:///w/served/northflank.json", text);
    let served = published(&mut server, "file:///w/served/northflank.json");
    assert_eq!(served.len(), 2, "{served:#?}");
    server.request("shutdown", Value::Null).unwrap();
    server.open("file:///w/late/northflank.json", text);
    assert_eq!(
        published(&mut server, "file:///w/late/northflank.json"),
        Vec::<Value>::new()
    );
    server.notify("exit", Value::Null);
    assert!(
        server
            .wait_exit(Duration::from_secs(5))
            .expect("exited")
            .success()
    );
}

#[test]
fn closing_stdin_ends_the_process() {
    let (mut server, _) = TestServer::start(Options::default());
    server.close_stdin();
    let status = server
        .wait_exit(Duration::from_secs(5))
        .expect("exits within 5 s after stdin closed");
    assert!(status.success());
}

#[test]
fn a_panic_in_a_handler_is_an_error_response_and_the_server_keeps_serving() {
    let (mut server, _) = TestServer::start(Options::default());
    let error = server
        .request("northflank/test/panic", json!({}))
        .unwrap_err();
    assert_eq!(error["code"], -32603);
    assert_eq!(
        error["message"],
        "northflank-lsp: internal error in northflank/test/panic: test hook: deliberate panic"
    );
    // Still alive and answering.
    let uri = "file:///w/northflank.json";
    server.open(uri, "{}");
    assert_eq!(server.server_text(uri)["text"], "{}");
    let log = server.shutdown();
    assert!(
        log.contains("northflank/test/panic panicked: test hook: deliberate panic"),
        "{log}"
    );
}

#[test]
fn cancel_request_answers_request_cancelled() {
    let (mut server, _) = TestServer::start(Options::default());
    let started = Instant::now();
    let id = server.send_request("northflank/test/sleep", json!({"ms": 10_000}));
    server.notify("$/cancelRequest", json!({"id": id}));
    let error = server.response(id).unwrap_err();
    assert_eq!(error["code"], -32800);
    assert!(started.elapsed() < Duration::from_secs(5));
    server.shutdown();
}

#[test]
fn garbage_on_the_wire_and_unknown_methods_do_not_kill_the_server() {
    let (mut server, _) = TestServer::start(Options::default());
    // A frame whose body is not JSON.
    server.send_raw(b"Content-Length: 9\r\n\r\nnot json!");
    let error = server.request("no/suchMethod", json!({})).unwrap_err();
    assert_eq!(error["code"], -32601);
    // A well-formed request with wrong params.
    let error = server
        .request("textDocument/diagnostic", json!({"textDocument": 42}))
        .unwrap_err();
    assert_eq!(error["code"], -32602);
    // JSON that is not JSON-RPC, and invalid UTF-8 inside a request: tower-lsp-server would stop
    // reading after either.
    for body in [
        "{}".as_bytes(),
        b"[1,2,3]",
        b"null",
        b"{\"jsonrpc\":\"1.0\",\"id\":9005,\"method\":\"shutdown\"}",
    ] {
        server.send_raw(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
        server.send_raw(body);
    }
    // The request among them is refused, so that the client does not wait for it.
    assert_eq!(server.response(9005).unwrap_err()["code"], -32600);
    let mut request =
        b"{\"jsonrpc\":\"2.0\",\"id\":77,\"method\":\"no/such\",\"params\":{\"q\":\"\xe9\"}}"
            .to_vec();
    let mut frame = format!("Content-Length: {}\r\n\r\n", request.len()).into_bytes();
    frame.append(&mut request);
    server.send_raw(&frame);
    assert_eq!(server.response(77).unwrap_err()["code"], -32601);
    let uri = "file:///w/northflank.json";
    server.open(uri, "{}");
    assert_eq!(server.server_text(uri)["version"], 1);
    // Half an emoji (a lone surrogate escape, as editors send it) opens as U+FFFD, one UTF-16
    // unit like the half it stands for.
    let body = r#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///w/half.json","languageId":"json","version":1,"text":"[\"\ud83d\"]"}}}"#;
    server.send_raw(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes());
    assert_eq!(
        server.server_text("file:///w/half.json"),
        json!({"version": 1, "text": "[\"\u{FFFD}\"]"})
    );
    server.shutdown();
}

#[test]
fn requests_before_initialize_are_refused() {
    let mut server = TestServer::spawn(Options::default());
    // A document opened before `initialize` is ignored, like any notification then.
    server.open("file:///early.json", "{}");
    let error = server
        .request(
            "textDocument/diagnostic",
            json!({"textDocument": {"uri": "file:///x.json"}}),
        )
        .unwrap_err();
    assert_eq!(error["code"], -32002);
    let result = server
        .request(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": {}}),
        )
        .unwrap();
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-16");
    server.notify("initialized", json!({}));
    assert_eq!(server.server_text("file:///early.json"), Value::Null);
    server.open("file:///late.json", "[]");
    assert_eq!(
        server.server_text("file:///late.json"),
        json!({"version": 1, "text": "[]"})
    );
}
