//! Turning a document fetched from the API into the shape of the file it was loaded from, so the
//! two can be diffed: API bookkeeping is dropped and response-only placements are undone.

use serde_json::{Map, Value};

/// Which kind of object a document is (decides which top-level fields are bookkeeping).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocumentKind {
    Template,
    ReleaseFlow,
    PreviewTemplate,
    Workflow,
    PreviewBlueprint,
}

/// Top-level fields that only exist in API responses, for every kind.
const RESPONSE_ONLY: &[&str] = &[
    "id",
    "createdAt",
    "updatedAt",
    "status",
    "stage",
    "concluded",
    "templateId",
    // Resolved node outputs of runs; never part of a file.
    "refs",
    // Stored encrypted on Northflank and never written to Git.
    "argumentOverrides",
];

/// Normalises a remote document for comparison with its file:
///
/// * drops `id`, `createdAt`, `updatedAt`, `status`, `stage`, `concluded`, `templateId`,
///   `refs` and `argumentOverrides`;
/// * drops the top-level `paused` of release flows, workflows and preview blueprints (a response
///   flag there; the file form is `options.paused`). Preview templates keep it: it is a field of
///   their update body;
/// * drops `gitops.templateSha`;
/// * moves a top-level `concurrencyPolicy` into `options` (where files keep it). When `options`
///   already names a policy, that one wins. A newly created `options` takes the place of the
///   moved field;
/// * keeps every other key in its original order. Values that are not objects are returned as is.
pub fn normalize_remote_document(kind: DocumentKind, value: Value) -> Value {
    let Value::Object(map) = value else {
        return value;
    };
    let drop_paused = matches!(
        kind,
        DocumentKind::ReleaseFlow | DocumentKind::Workflow | DocumentKind::PreviewBlueprint
    );
    let has_options = matches!(map.get("options"), Some(Value::Object(_)));

    let mut top_policy = None;
    let mut out = Map::with_capacity(map.len());
    for (key, value) in map {
        if RESPONSE_ONLY.contains(&key.as_str()) || (drop_paused && key == "paused") {
            continue;
        }
        match key.as_str() {
            "concurrencyPolicy" => {
                if has_options {
                    top_policy = Some(value);
                } else {
                    let mut options = Map::new();
                    options.insert(key, value);
                    out.insert("options".to_owned(), Value::Object(options));
                }
            }
            "gitops" => {
                let value = match value {
                    Value::Object(mut gitops) => {
                        gitops.remove("templateSha");
                        Value::Object(gitops)
                    }
                    other => other,
                };
                out.insert(key, value);
            }
            _ => {
                out.insert(key, value);
            }
        }
    }
    if let (Some(policy), Some(Value::Object(options))) = (top_policy, out.get_mut("options")) {
        options
            .entry("concurrencyPolicy".to_owned())
            .or_insert(policy);
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn keys(v: &Value) -> Vec<&str> {
        v.as_object().unwrap().keys().map(String::as_str).collect()
    }

    #[test]
    fn template_get_becomes_file_shape() {
        let remote = json!({
            "name": "Web",
            "description": "web app",
            "apiVersion": "v1.2",
            "arguments": {"region": "europe-west"},
            "spec": {"kind": "Workflow", "spec": {"type": "sequential", "steps": []}},
            "id": "web",
            "gitops": {"vcsService": "github", "repoUrl": "https://github.com/a/b", "branch": "main",
                       "filePath": "/web.json", "templateSha": "0123456789abcdef0123456789abcdef01234567"},
            "concurrencyPolicy": "queue",
            "options": {"autorun": true},
            "createdAt": "2026-01-01T00:00:00.000Z",
            "updatedAt": "2026-01-02T00:00:00.000Z"
        });
        let local = normalize_remote_document(DocumentKind::Template, remote);
        assert_eq!(
            local,
            json!({
                "name": "Web",
                "description": "web app",
                "apiVersion": "v1.2",
                "arguments": {"region": "europe-west"},
                "spec": {"kind": "Workflow", "spec": {"type": "sequential", "steps": []}},
                "gitops": {"vcsService": "github", "repoUrl": "https://github.com/a/b", "branch": "main", "filePath": "/web.json"},
                "options": {"autorun": true, "concurrencyPolicy": "queue"}
            })
        );
        assert_eq!(
            keys(&local),
            [
                "name",
                "description",
                "apiVersion",
                "arguments",
                "spec",
                "gitops",
                "options"
            ]
        );
        assert_eq!(keys(&local["options"]), ["autorun", "concurrencyPolicy"]);
    }

    #[test]
    fn options_policy_wins_over_top_level() {
        let remote =
            json!({"options": {"concurrencyPolicy": "forbid"}, "concurrencyPolicy": "allow"});
        assert_eq!(
            normalize_remote_document(DocumentKind::Template, remote),
            json!({"options": {"concurrencyPolicy": "forbid"}})
        );
    }

    #[test]
    fn policy_without_options_creates_options_in_place() {
        let remote = json!({"apiVersion": "v1.2", "concurrencyPolicy": "allow", "spec": {}});
        let local = normalize_remote_document(DocumentKind::ReleaseFlow, remote);
        assert_eq!(keys(&local), ["apiVersion", "options", "spec"]);
        assert_eq!(local["options"], json!({"concurrencyPolicy": "allow"}));
    }

    #[test]
    fn release_flow_bookkeeping_is_dropped() {
        let remote = json!({
            "apiVersion": "v1.2",
            "spec": {"kind": "Workflow"},
            "triggers": [],
            "options": {"paused": true},
            "stage": "Development",
            "status": "success",
            "paused": true,
            "createdAt": "x",
            "updatedAt": "y"
        });
        assert_eq!(
            normalize_remote_document(DocumentKind::ReleaseFlow, remote),
            json!({"apiVersion": "v1.2", "spec": {"kind": "Workflow"}, "triggers": [], "options": {"paused": true}})
        );
    }

    #[test]
    fn preview_template_keeps_paused_and_runs_lose_run_fields() {
        let remote = json!({"apiVersion": "v1.2", "paused": false, "id": "p", "spec": {}});
        assert_eq!(
            normalize_remote_document(DocumentKind::PreviewTemplate, remote),
            json!({"apiVersion": "v1.2", "paused": false, "spec": {}})
        );
        let run = json!({"name": "Web", "templateId": "web", "concluded": true, "refs": {"a": 1},
                         "argumentOverrides": {"x": "y"}, "spec": {}});
        assert_eq!(
            normalize_remote_document(DocumentKind::Template, run),
            json!({"name": "Web", "spec": {}})
        );
    }

    #[test]
    fn non_objects_and_odd_gitops_pass_through() {
        assert_eq!(
            normalize_remote_document(DocumentKind::Workflow, json!([1, 2])),
            json!([1, 2])
        );
        assert_eq!(
            normalize_remote_document(
                DocumentKind::Workflow,
                json!({"gitops": null, "paused": true})
            ),
            json!({"gitops": null})
        );
    }
}
