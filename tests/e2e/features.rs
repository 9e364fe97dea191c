//! The document features through the protocol: hover, completion, definition, references,
//! rename, symbols, formatting, semantic tokens and quick fixes, on one small template.

use serde_json::{Value, json};

use crate::support::{Fixture, Options, TestServer, position, range};

const URI: &str = "file:///w/features/northflank.json";

/// Markers: ⟦…⟧ ranges in order: 0 `type` key, 1 the `ref` value `builder`, 2 its use in
/// `${refs.builder.id}`, 3 the misspelt kind.
const TEMPLATE: &str = r#"{
  "apiVersion": "v1.2",
  "name": "Features",
  "arguments": {"BRANCH": "main"},
  "spec": {
    "kind": "Workflow",
    "spec": {
      ⟦"type"⟧: "sequential",
      "steps": [
        {"kind": "BuildService", "ref": "⟦builder⟧", "spec": {"name": "api-builder"}},
        {"kind": "Build", "ref": "build", "spec": {"id": "${refs.⟦builder⟧.id}", "type": "service", "branch": "${args.BRANCH}"}},
        {"kind": "⟦DeploymentSevice⟧", "spec": {"name": "api"}}
      ]
    }
  }
}
"#;

fn start() -> (TestServer, Fixture) {
    let (mut server, _) = TestServer::start(Options::default());
    let fixture = Fixture::parse(TEMPLATE);
    server.open(URI, &fixture.text);
    (server, fixture)
}

fn at(fixture: &Fixture, offset: usize) -> Value {
    json!({"textDocument": {"uri": URI}, "position": position(&fixture.text, offset, false)})
}

#[test]
fn hover_on_a_key_and_on_a_ref() {
    let (mut server, fixture) = start();
    let key = fixture.ranges[0];
    let hover = server
        .request("textDocument/hover", at(&fixture, key.0 + 2))
        .unwrap();
    assert_eq!(hover["range"], range(&fixture.text, key, false));
    let markdown = hover["contents"]["value"].as_str().unwrap();
    assert!(
        markdown.starts_with("**`type`** · `sequential` | `parallel` · required\n\n"),
        "{markdown}"
    );

    let used = fixture.ranges[2];
    let hover = server
        .request("textDocument/hover", at(&fixture, used.0 + 1))
        .unwrap();
    assert_eq!(
        hover["contents"]["value"],
        "**`refs.builder`**: the `BuildService` node `api-builder`, defined at line 10.\n\nKnown outputs (partial list): `id`, `name`."
    );
    server.shutdown();
}

#[test]
fn definition_references_and_rename_of_a_ref() {
    let (mut server, fixture) = start();
    let (definition, used) = (fixture.ranges[1], fixture.ranges[2]);
    let found = server
        .request("textDocument/definition", at(&fixture, used.0 + 2))
        .unwrap();
    assert_eq!(
        found,
        json!([{"uri": URI, "range": range(&fixture.text, definition, false)}])
    );

    let mut params = at(&fixture, definition.0);
    params["context"] = json!({"includeDeclaration": true});
    let references = server.request("textDocument/references", params).unwrap();
    assert_eq!(
        references,
        json!([
            {"uri": URI, "range": range(&fixture.text, definition, false)},
            {"uri": URI, "range": range(&fixture.text, used, false)},
        ])
    );

    let prepared = server
        .request("textDocument/prepareRename", at(&fixture, used.0 + 1))
        .unwrap();
    assert_eq!(
        prepared,
        json!({"range": range(&fixture.text, used, false), "placeholder": "builder"})
    );
    let mut params = at(&fixture, used.0 + 1);
    params["newName"] = json!("api-builder");
    let edit = server.request("textDocument/rename", params).unwrap();
    let mut edits = edit["changes"][URI].as_array().unwrap().clone();
    edits.sort_by_key(|edit| edit["range"]["start"]["line"].as_u64());
    assert_eq!(
        edits,
        vec![
            json!({"range": range(&fixture.text, definition, false), "newText": "api-builder"}),
            json!({"range": range(&fixture.text, used, false), "newText": "api-builder"}),
        ]
    );
    let mut params = at(&fixture, used.0 + 1);
    params["newName"] = json!("bad name!");
    let error = server.request("textDocument/rename", params).unwrap_err();
    assert_eq!(error["code"], -32602);
    server.shutdown();
}

#[test]
fn completion_in_an_expression_and_for_a_node_kind() {
    let (mut server, fixture) = start();
    // Right after `${refs.`: the refs that exist, `builder` first (it has run by then).
    let cursor = fixture.ranges[2].0;
    let list = server
        .request("textDocument/completion", at(&fixture, cursor))
        .unwrap();
    let labels: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels.first(), Some(&"builder"), "{labels:?}");
    assert!(labels.contains(&"build"), "{labels:?}");

    // Inside the misspelt kind: node kinds valid in a template, the right one among them.
    let kind = fixture.ranges[3];
    let list = server
        .request("textDocument/completion", at(&fixture, kind.0 + 3))
        .unwrap();
    let items = list["items"].as_array().unwrap();
    let deployment = items
        .iter()
        .find(|item| item["label"] == "DeploymentService")
        .expect("DeploymentService offered");
    assert_eq!(deployment["kind"], 7, "a class-like node kind item");
    assert!(
        !items.iter().any(|item| item["label"] == "Release"),
        "Release runs only in release flows"
    );
    server.shutdown();
}

#[test]
fn quick_fix_for_a_misspelt_node_kind() {
    let (mut server, fixture) = start();
    let kind = fixture.ranges[3];
    let diagnostics = server.diagnostics(URI, 1);
    let diagnostic = diagnostics
        .iter()
        .find(|diagnostic| diagnostic["code"] == "schema/unknown-node-kind")
        .expect("an unknown-kind diagnostic")
        .clone();
    let kind_range = json!({"start": position(&fixture.text, kind.0 - 1, false), "end": position(&fixture.text, kind.1 + 1, false)});
    assert_eq!(diagnostic["range"], kind_range);
    assert_eq!(
        diagnostic["message"],
        "unknown node kind `DeploymentSevice`: did you mean `DeploymentService`?"
    );
    let actions = server
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": URI}, "range": diagnostic["range"], "context": {"diagnostics": [diagnostic]}}),
        )
        .unwrap();
    let fix = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|action| action["kind"] == "quickfix")
        .expect("a quick fix");
    assert_eq!(fix["isPreferred"], true);
    assert_eq!(
        fix["edit"]["changes"][URI],
        json!([{"range": range(&fixture.text, kind, false), "newText": "DeploymentService"}])
    );
    server.shutdown();
}

/// "Turn off `<code>` for this repository": creates `.northflank-lsp.json` at the workspace
/// root when there is none (the client can create files), edits the one in use otherwise, and
/// the rule applies once it is saved.
#[test]
fn a_code_can_be_turned_off_for_the_repository_from_a_quick_fix() {
    let repo = tempfile::tempdir().unwrap();
    let root_uri = format!("file://{}", repo.path().display());
    let config = repo.path().join(".northflank-lsp.json");
    let config_uri = format!("file://{}", config.display());
    let mut capabilities = crate::support::vscode_like_capabilities();
    capabilities["workspace"]["workspaceEdit"] =
        json!({"documentChanges": true, "resourceOperations": ["create", "rename", "delete"]});
    let (mut server, _) = TestServer::start(Options {
        capabilities,
        root_uri: json!(root_uri),
        ..Options::default()
    });
    let uri = format!("{root_uri}/northflank.json");
    let text = "{\"apiVersion\": \"v1.2\", \"spec\": {\"kind\": \"Project\", \"spec\": {\"name\": \"${refs.q.id}\"}}}";
    server.open(&uri, text);
    let diagnostics = server.diagnostics(&uri, 1);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0]["code"], "ref/undefined");
    let turn_off = |server: &mut TestServer| -> Value {
        let actions = server
            .request(
                "textDocument/codeAction",
                json!({"textDocument": {"uri": uri}, "range": diagnostics[0]["range"], "context": {"diagnostics": diagnostics}}),
            )
            .unwrap();
        actions
            .as_array()
            .unwrap()
            .iter()
            .find(|action| {
                action["title"]
                    == "Turn off `ref/undefined` for this repository (.northflank-lsp.json)"
            })
            .cloned()
            .unwrap_or_else(|| panic!("no turn-off action in {actions:#?}"))
    };
    // No file yet: created with the rule.
    let action = turn_off(&mut server);
    assert_eq!(action["kind"], "quickfix");
    assert_eq!(action["diagnostics"], json!(diagnostics));
    assert_eq!(
        action["edit"],
        json!({"documentChanges": [
            {"kind": "create", "uri": config_uri},
            {"textDocument": {"uri": config_uri, "version": null}, "edits": [{
                "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
                "newText": "{\n  \"diagnostics\": {\n    \"severity\": {\n      \"ref/undefined\": \"off\"\n    }\n  }\n}\n"
            }]}
        ]})
    );
    // The file exists (written by the client, then saved): the rule applies, and the action now
    // edits the file in place.
    std::fs::write(&config, "{\n  \"files\": {}\n}\n").unwrap();
    server.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": config_uri}}),
    );
    let action = turn_off(&mut server);
    assert_eq!(
        action["edit"],
        json!({"changes": {config_uri.clone(): [{
            "range": {"start": {"line": 1, "character": 13}, "end": {"line": 1, "character": 13}},
            "newText": ",\n  \"diagnostics\": {\n    \"severity\": {\n      \"ref/undefined\": \"off\"\n    }\n  }"
        }]}})
    );
    std::fs::write(
        &config,
        "{\"diagnostics\": {\"severity\": {\"ref/undefined\": \"off\"}}}",
    )
    .unwrap();
    server.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": config_uri}}),
    );
    server.notification("textDocument/publishDiagnostics", |params| {
        params["uri"] == uri.as_str()
            && params["version"] == 1
            && params["diagnostics"] == json!([])
    });
    // A file that cannot be edited safely: the action is there, disabled, saying why. (The
    // server edits the file as it last read it: at start, and on each save or change on disk.)
    std::fs::write(&config, "[]").unwrap();
    server.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": config_uri}}),
    );
    let action = turn_off(&mut server);
    assert_eq!(action["edit"], Value::Null);
    assert_eq!(
        action["disabled"]["reason"],
        format!(
            "{}: the file's top level is not a JSON object",
            config.display()
        )
    );
    server.shutdown();
}

/// The repository settings file open in any editor gets its own diagnostics (not only in VS
/// Code, which also has its JSON schema), and they follow its edits.
#[test]
fn the_repository_settings_file_is_checked_in_the_editor() {
    let repo = tempfile::tempdir().unwrap();
    let root_uri = format!("file://{}", repo.path().display());
    let (mut server, _) = TestServer::start(Options {
        root_uri: json!(root_uri),
        ..Options::default()
    });
    let uri = format!("{root_uri}/.northflank-lsp.json");
    server.open(
        &uri,
        "{\"files\": {\"deploy/*.json\": \"pipeline\"}, \"api\": {}}",
    );
    let diagnostics = server.diagnostics(&uri, 1);
    assert_eq!(
        diagnostics,
        json!([
            {
                "range": {"start": {"line": 0, "character": 28}, "end": {"line": 0, "character": 38}},
                "severity": 1,
                "code": "settings/invalid",
                "source": "northflank",
                "message": "`pipeline` is not a document kind: expected `template`, `release-flow`, `preview-template`, `workflow`, `preview-blueprint`, `auto` or `none`"
            },
            {
                "range": {"start": {"line": 0, "character": 41}, "end": {"line": 0, "character": 46}},
                "severity": 2,
                "code": "settings/ignored",
                "source": "northflank",
                "message": "`api` is an editor setting: .northflank-lsp.json does not set it (only `files` and `diagnostics.severity` are read from here)"
            }
        ])
        .as_array()
        .unwrap()
        .clone()
    );
    // Hover on a key says what it does.
    let hover = server
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 3}}),
        )
        .unwrap();
    assert_eq!(
        hover["range"],
        json!({"start": {"line": 0, "character": 1}, "end": {"line": 0, "character": 8}})
    );
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .starts_with("**`files`** · glob → document kind"),
        "{hover}"
    );
    // Completion of a document kind in the value being typed.
    let items = server
        .request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 31}}),
        )
        .unwrap();
    let items = items
        .get("items")
        .unwrap_or(&items)
        .as_array()
        .unwrap()
        .clone();
    let labels: Vec<&str> = items
        .iter()
        .map(|item| item["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        [
            "template",
            "release-flow",
            "preview-template",
            "workflow",
            "preview-blueprint",
            "auto",
            "none"
        ]
    );
    assert_eq!(
        items[0]["textEdit"],
        json!({"range": {"start": {"line": 0, "character": 28}, "end": {"line": 0, "character": 38}}, "newText": "\"template\""})
    );
    // Fixed: the diagnostics go away.
    server.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": "{\"files\": {\"deploy/*.json\": \"release-flow\"}}"}]}),
    );
    assert_eq!(server.diagnostics(&uri, 2), Vec::<Value>::new());
    server.shutdown();
}

#[test]
fn symbols_formatting_and_semantic_tokens() {
    let (mut server, fixture) = start();
    let symbols = server
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": URI}}),
        )
        .unwrap();
    // VS Code's profile here declares no hierarchical support: a flat list with containers.
    let names: Vec<&str> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|symbol| symbol["name"].as_str().unwrap())
        .collect();
    assert_eq!(names[0], "Features");
    assert!(
        names.contains(&"builder") && names.contains(&"build"),
        "{names:?}"
    );

    let edits = server
        .request(
            "textDocument/formatting",
            json!({"textDocument": {"uri": URI}, "options": {"tabSize": 2, "insertSpaces": true}}),
        )
        .unwrap();
    // The platform's layout is `JSON.stringify(value, null, 2)`: applying the edits gives
    // exactly that, key order kept.
    let formatted = apply(&fixture.text, edits.as_array().unwrap());
    let value: Value = serde_json::from_str(&fixture.text).unwrap();
    assert_eq!(
        formatted,
        format!("{}\n", serde_json::to_string_pretty(&value).unwrap())
    );

    let tokens = server
        .request(
            "textDocument/semanticTokens/full",
            json!({"textDocument": {"uri": URI}}),
        )
        .unwrap();
    let tokens = decode_tokens(tokens["data"].as_array().unwrap());
    // In `${refs.builder.id}`: `refs` is a keyword (legend 0), `builder` a variable (1).
    let used = fixture.ranges[2];
    let at = |offset: usize| {
        let position = position(&fixture.text, offset, false);
        (
            position["line"].as_u64().unwrap(),
            position["character"].as_u64().unwrap(),
        )
    };
    let (line, column) = at(used.0);
    assert!(tokens.contains(&(line, column, 7, 1)), "{tokens:?}");
    let (line, column) = at(used.0 - "refs.".len());
    assert!(tokens.contains(&(line, column, 4, 0)), "{tokens:?}");
    server.shutdown();
}

/// Applies LSP text edits (ASCII text: characters are bytes) to `text`.
fn apply(text: &str, edits: &[Value]) -> String {
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(index, _)| index + 1))
        .collect();
    let offset = |position: &Value| {
        line_starts[position["line"].as_u64().unwrap() as usize]
            + position["character"].as_u64().unwrap() as usize
    };
    let mut edits: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|edit| {
            (
                offset(&edit["range"]["start"]),
                offset(&edit["range"]["end"]),
                edit["newText"].as_str().unwrap(),
            )
        })
        .collect();
    edits.sort_by_key(|edit| std::cmp::Reverse(edit.0));
    let mut out = text.to_owned();
    for (start, end, new_text) in edits {
        out.replace_range(start..end, new_text);
    }
    out
}

/// Semantic tokens as absolute (line, start, length, type).
fn decode_tokens(data: &[Value]) -> Vec<(u64, u64, u64, u64)> {
    let numbers: Vec<u64> = data.iter().map(|number| number.as_u64().unwrap()).collect();
    let (mut line, mut start) = (0, 0);
    numbers
        .chunks(5)
        .map(|token| {
            if token[0] > 0 {
                line += token[0];
                start = token[1];
            } else {
                start += token[1];
            }
            (line, start, token[2], token[3])
        })
        .collect()
}

#[test]
fn highlights_folding_and_selection_ranges() {
    let (mut server, fixture) = start();
    let (definition, used) = (fixture.ranges[1], fixture.ranges[2]);
    let highlights = server
        .request("textDocument/documentHighlight", at(&fixture, used.0 + 1))
        .unwrap();
    assert_eq!(
        highlights,
        json!([
            {"range": range(&fixture.text, definition, false), "kind": 3},
            {"range": range(&fixture.text, used, false), "kind": 2},
        ])
    );

    let folds = server
        .request(
            "textDocument/foldingRange",
            json!({"textDocument": {"uri": URI}}),
        )
        .unwrap();
    // The root object (lines 0–15), `spec` (4–14), its `spec` (6–13) and `steps` (8–12), each
    // folded up to the line before its closing bracket.
    let lines: Vec<(u64, u64)> = folds
        .as_array()
        .unwrap()
        .iter()
        .map(|fold| {
            (
                fold["startLine"].as_u64().unwrap(),
                fold["endLine"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(lines, vec![(0, 14), (4, 13), (6, 12), (8, 11)]);

    let selection = server
        .request(
            "textDocument/selectionRange",
            json!({"textDocument": {"uri": URI}, "positions": [position(&fixture.text, used.0 + 2, false)]}),
        )
        .unwrap();
    // Innermost first: the ref name, and on the way out the whole string value.
    assert_eq!(selection[0]["range"], range(&fixture.text, used, false));
    let mut outer = &selection[0];
    let mut ranges = Vec::new();
    while let Some(parent) = outer.get("parent") {
        ranges.push(parent["range"].clone());
        outer = parent;
    }
    let string = (
        fixture.text[..used.0].rfind('"').unwrap(),
        fixture.text[used.1..].find('"').unwrap() + used.1 + 1,
    );
    assert!(
        ranges.contains(&range(&fixture.text, string, false)),
        "{ranges:#?}"
    );
    server.shutdown();
}

#[test]
fn semantic_diagnostics_reach_the_client() {
    let (mut server, _) = TestServer::start(Options::default());
    let fixture = Fixture::parse(
        r#"{
  "apiVersion": "v1.2",
  "spec": {"kind": "Workflow", "spec": {"type": "sequential", "steps": [
    {"kind": "Build", "ref": "build", "spec": {"id": "${refs.⟦buidler⟧.id}", "type": "service"}},
    {"kind": "BuildService", "ref": "builder", "spec": {"name": "api-builder"}}
  ]}}
}
"#,
    );
    server.open(URI, &fixture.text);
    let diagnostics = server.diagnostics(URI, 1);
    let reference = diagnostics
        .iter()
        .find(|diagnostic| diagnostic["code"] == "ref/undefined")
        .expect("ref/undefined");
    assert_eq!(
        reference["range"],
        range(&fixture.text, fixture.ranges[0], false)
    );
    assert_eq!(reference["severity"], 1);
    server.shutdown();
}
