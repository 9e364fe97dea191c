//! Our own prose for the schemas (`overlay.json`): descriptions and docs links per node kind,
//! sub-kind and frequently edited field. Nothing here is copied from the reference.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::generate::{DocKind, KindSets, NODES_FILE};

const OVERLAY: &str = include_str!("overlay.json");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindInfo {
    pub summary: String,
    pub description: String,
    pub docs: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DocumentInfo {
    title: String,
    description: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overlay {
    documents: BTreeMap<String, DocumentInfo>,
    kinds: BTreeMap<String, KindInfo>,
    /// `action.Service`, `action.Service.restart`, `trigger.cron`, … → prose + docs.
    subkinds: BTreeMap<String, KindInfo>,
    /// `<scope>#<dotted path>` → description. Scopes: `document` (every document's top level),
    /// a document slug, `dispatch` (the node envelope), `node.*` (every node kind), `node.<Kind>`,
    /// or any shared definition name (`gitops`, `legacyTrigger`, `trigger.*`, …).
    fields: BTreeMap<String, String>,
}

impl Overlay {
    pub fn load() -> Result<Overlay> {
        serde_json::from_str(OVERLAY).context("parsing src/overlay.json")
    }

    pub fn kind(&self, kind: &str) -> Result<&KindInfo> {
        self.kinds
            .get(kind)
            .with_context(|| format!("overlay.json has no entry for node kind `{kind}`"))
    }

    pub fn document_title(&self, slug: &str) -> Result<&str> {
        Ok(&self
            .documents
            .get(slug)
            .with_context(|| format!("overlay.json has no entry for document `{slug}`"))?
            .title)
    }

    /// Every node kind of the reference has prose, and no prose describes a kind that does not
    /// exist.
    pub fn check_kinds(&self, kinds: &KindSets) -> Result<()> {
        let mut all_kinds: BTreeSet<&String> = kinds.per_doc.values().flatten().collect();
        all_kinds.extend(kinds.teardown.iter());
        let missing: Vec<&str> = all_kinds
            .iter()
            .filter(|k| !self.kinds.contains_key(**k))
            .map(|k| k.as_str())
            .collect();
        if !missing.is_empty() {
            bail!(
                "overlay.json has no entry for node kinds: {}",
                missing.join(", ")
            );
        }
        for k in self.kinds.keys() {
            if !all_kinds.contains(k) {
                bail!("overlay.json describes node kind `{k}`, which the reference does not have");
            }
        }
        Ok(())
    }

    /// Writes descriptions and docs links into the generated files. Fails on overlay entries
    /// that match nothing (stale keys) and on kinds or sub-kinds without prose.
    pub fn apply(&self, files: &mut BTreeMap<String, Value>, kinds: &KindSets) -> Result<()> {
        // Documents.
        for doc in DocKind::ALL {
            let info = self
                .documents
                .get(doc.slug())
                .with_context(|| format!("overlay.json: no document `{}`", doc.slug()))?;
            let file = files.get_mut(&doc.file_name()).context("document file")?;
            file["description"] = json!(info.description);
        }
        let nodes_info = self
            .documents
            .get("nodes")
            .context("overlay.json: no `nodes`")?;
        files.get_mut(NODES_FILE).context("nodes file")?["description"] =
            json!(nodes_info.description);

        self.check_kinds(kinds)?;
        for file in files.values_mut() {
            let Some(defs) = file.get_mut("$defs").and_then(Value::as_object_mut) else {
                continue;
            };
            for (name, def) in defs.iter_mut() {
                let kind = name
                    .strip_prefix("node.")
                    .or_else(|| name.strip_prefix("teardownNode."));
                if let Some(kind) = kind {
                    let info = self.kind(kind)?;
                    def["description"] = json!(info.description);
                    def["x-nfls-docs"] = json!(info.docs);
                }
            }
        }

        // Sub-kinds: every hoisted definition must be described, and every entry must exist.
        let nodes = files.get_mut(NODES_FILE).context("nodes file")?;
        let defs = nodes["$defs"].as_object_mut().context("nodes $defs")?;
        let missing: Vec<&str> = defs
            .keys()
            .filter(|n| is_subkind(n) && !self.subkinds.contains_key(*n))
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            bail!(
                "overlay.json has no sub-kind entries for: {}",
                missing.join(", ")
            );
        }
        for (name, def) in defs.iter_mut() {
            if let Some(info) = self.subkinds.get(name) {
                def["description"] = json!(info.description);
                def["x-nfls-docs"] = json!(info.docs);
                def["x-nfls-summary"] = json!(info.summary);
            }
        }
        for name in self.subkinds.keys() {
            if !defs.contains_key(name) {
                bail!("overlay.json describes sub-kind `{name}`, which is not generated");
            }
        }

        // Fields.
        for (key, text) in &self.fields {
            let (scope, path) = key
                .split_once('#')
                .with_context(|| format!("overlay field key `{key}` lacks `#`"))?;
            let mut hits = 0;
            for (file_name, file) in files.iter_mut() {
                let is_doc = file_name != NODES_FILE;
                let slug = file_name.trim_end_matches(".schema.json");
                if is_doc && (scope == "document" || scope == slug) {
                    hits += describe(file, path, text);
                }
                let Some(defs) = file.get_mut("$defs").and_then(Value::as_object_mut) else {
                    continue;
                };
                for (name, def) in defs.iter_mut() {
                    if scope_matches(scope, name) {
                        hits += describe(def, path, text);
                    }
                }
            }
            if hits == 0 {
                bail!("overlay.json field `{key}` matches nothing in the generated schemas");
            }
        }
        Ok(())
    }
}

/// Hoisted sub-kind definitions (as opposed to node kinds and structural helpers).
fn is_subkind(name: &str) -> bool {
    [
        "action.",
        "condition.",
        "message.",
        "template.",
        "trigger.",
        "richInput.",
    ]
    .iter()
    .any(|p| name.starts_with(p))
}

fn scope_matches(scope: &str, def: &str) -> bool {
    match scope {
        "dispatch" => def == "node" || def == "teardownNode",
        "node.*" => def.starts_with("node.") || def.starts_with("teardownNode."),
        s if s.starts_with("node.") => {
            def == s || def.strip_prefix("teardownNode.") == s.strip_prefix("node.")
        }
        s if s.ends_with(".*") => def.starts_with(&s[..s.len() - 1]),
        s => def == s,
    }
}

/// Sets `description` at a dotted path (`spec.billing.deploymentPlan`, `ports[].name`);
/// returns 1 when the path exists.
fn describe(schema: &mut Value, path: &str, text: &str) -> usize {
    match locate(schema, path) {
        Some(target) => {
            if target.is_boolean() {
                *target = json!({});
            }
            target["description"] = json!(text);
            1
        }
        None => 0,
    }
}

fn locate<'a>(schema: &'a mut Value, path: &str) -> Option<&'a mut Value> {
    let mut cur = schema;
    for seg in path.split('.') {
        let (name, items) = match seg.strip_suffix("[]") {
            Some(n) => (n, true),
            None => (seg, false),
        };
        cur = property(cur, name)?;
        if items {
            cur = items_of(cur)?;
        }
    }
    Some(cur)
}

fn property<'a>(schema: &'a mut Value, name: &str) -> Option<&'a mut Value> {
    if schema.get("properties").and_then(|p| p.get(name)).is_some() {
        return schema.get_mut("properties")?.get_mut(name);
    }
    let idx = schema
        .get("anyOf")?
        .as_array()?
        .iter()
        .position(|b| b.get("properties").and_then(|p| p.get(name)).is_some())?;
    schema
        .get_mut("anyOf")?
        .get_mut(idx)?
        .get_mut("properties")?
        .get_mut(name)
}

fn items_of(schema: &mut Value) -> Option<&mut Value> {
    if schema.get("items").is_some() {
        return schema.get_mut("items");
    }
    let idx = schema
        .get("anyOf")?
        .as_array()?
        .iter()
        .position(|b| b.get("items").is_some())?;
    schema.get_mut("anyOf")?.get_mut(idx)?.get_mut("items")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes() {
        assert!(scope_matches("node.*", "node.Addon"));
        assert!(scope_matches("node.*", "teardownNode.Workflow"));
        assert!(!scope_matches("node.*", "node"));
        assert!(scope_matches("node.Workflow", "teardownNode.Workflow"));
        assert!(!scope_matches("node.Workflow", "node.LoopWorkflow"));
        assert!(scope_matches("trigger.*", "trigger.cron"));
        assert!(!scope_matches("trigger.*", "typedTrigger"));
        assert!(scope_matches("dispatch", "teardownNode"));
        assert!(scope_matches("gitops", "gitops"));
    }

    #[test]
    fn describe_walks_properties_items_and_expression_wrappers() {
        let mut v = json!({ "properties": { "ports": { "anyOf": [
            { "type": "array", "items": { "properties": { "name": { "anyOf": [
                { "type": "string" }, { "$ref": "#/$defs/expression" } ] } } } },
            { "$ref": "#/$defs/expression" } ] } } });
        assert_eq!(describe(&mut v, "ports[].name", "port name"), 1);
        assert_eq!(
            v["properties"]["ports"]["anyOf"][0]["items"]["properties"]["name"]["description"],
            "port name"
        );
        // The expression shape itself is untouched.
        assert_eq!(
            v["properties"]["ports"]["anyOf"][0]["items"]["properties"]["name"]["anyOf"][1],
            json!({ "$ref": "#/$defs/expression" })
        );
        assert_eq!(describe(&mut v, "ports[].missing", "x"), 0);
    }

    #[test]
    fn overlay_parses_and_every_description_is_short_plain_prose() {
        let o = Overlay::load().expect("overlay.json parses");
        assert_eq!(o.kinds.len(), 47);
        for (name, k) in o.kinds.iter().chain(o.subkinds.iter()) {
            assert!(
                k.docs
                    .starts_with("https://northflank.com/docs/v1/application/"),
                "{name}"
            );
            let sentences = k.description.matches(". ").count() + 1;
            assert!(sentences <= 3, "{name}: at most three sentences");
            assert!(!k.summary.is_empty(), "{name}");
        }
        assert!(
            o.fields.len() >= 100,
            "{} field descriptions",
            o.fields.len()
        );
    }
}
