//! Builds our JSON Schemas (2020-12) from the parsed API reference plus the hand-written overlay.
//!
//! Layout: `nodes.schema.json` holds everything shared (the `${…}` expression, every node kind
//! that does not contain other nodes, sub-kinds, gitops, triggers, rich inputs, teardown). Each
//! document schema holds its top level and its own `node` dispatcher plus the two recursive kinds
//! (`Workflow`, `LoopWorkflow`) whose `steps` must point back at that dispatcher.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde_json::{Map, Value, json};

use crate::model::{self, Required};
use crate::overlay::Overlay;
use crate::render::{self, Base, Facets, Field, Section, Ty};

/// Base of every `$id`; file names are appended.
pub const ID_BASE: &str = "https://northflank-lsp.dev/schemas/";
/// The shared definitions file.
pub const NODES_FILE: &str = "nodes.schema.json";
const DRAFT: &str = "https://json-schema.org/draft/2020-12/schema";

/// The five document kinds, in the order used for `documents` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DocKind {
    Template,
    ReleaseFlow,
    PreviewTemplate,
    Workflow,
    PreviewBlueprint,
}

impl DocKind {
    pub const ALL: [DocKind; 5] = [
        DocKind::Template,
        DocKind::ReleaseFlow,
        DocKind::PreviewTemplate,
        DocKind::Workflow,
        DocKind::PreviewBlueprint,
    ];

    /// Short name used in file names, overlay scopes and `x-nfls-node-kinds`.
    pub fn slug(self) -> &'static str {
        match self {
            DocKind::Template => "template",
            DocKind::ReleaseFlow => "release-flow",
            DocKind::PreviewTemplate => "preview-template",
            DocKind::Workflow => "workflow",
            DocKind::PreviewBlueprint => "preview-blueprint",
        }
    }

    pub fn file_name(self) -> String {
        format!("{}.schema.json", self.slug())
    }
}

/// The reference files we read, relative to the API folder.
pub mod sources {
    pub const CREATE_TEMPLATE: &str = "api/team/templates/create-template.md";
    pub const GET_TEMPLATE: &str = "api/team/templates/get-template.md";
    pub const UPDATE_RELEASE_FLOW: &str = "api/project/pipelines/update-release-flow.md";
    pub const GET_RELEASE_FLOW: &str = "api/project/pipelines/get-release-flow.md";
    pub const UPDATE_PREVIEW_TEMPLATE: &str = "api/project/pipelines/update-preview-template.md";
    pub const CREATE_WORKFLOW: &str = "api/project/workflows/create-workflow.md";
    pub const GET_WORKFLOW: &str = "api/project/workflows/get-workflow.md";
    pub const CREATE_PREVIEW_BLUEPRINT: &str =
        "api/project/preview-blueprints/create-preview-blueprint.md";
    pub const GET_PREVIEW_BLUEPRINT: &str =
        "api/project/preview-blueprints/get-preview-blueprint.md";
}

/// Parsed bodies of every source file.
struct Sources {
    create_template: Vec<Vec<Field>>,
    update_release_flow: Vec<Field>,
    get_release_flow: Vec<Field>,
    update_preview_template: Vec<Field>,
    create_workflow: Vec<Field>,
    get_workflow: Vec<Field>,
    create_preview_blueprint: Vec<Field>,
    get_preview_blueprint: Vec<Field>,
}

fn load(api_dir: &Path, rel: &str, section: Section) -> Result<Vec<Vec<Field>>> {
    let path = api_dir.join(rel);
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    render::parse_body(&text, section).with_context(|| format!("parsing {}", path.display()))
}

fn first(mut groups: Vec<Vec<Field>>, rel: &str) -> Result<Vec<Field>> {
    if groups.is_empty() {
        bail!("{rel}: empty body");
    }
    Ok(groups.swap_remove(0))
}

impl Sources {
    fn read(api_dir: &Path) -> Result<Sources> {
        use sources::*;
        let req =
            |rel: &str| -> Result<Vec<Field>> { first(load(api_dir, rel, Section::Request)?, rel) };
        let resp = |rel: &str| -> Result<Vec<Field>> {
            let body = first(load(api_dir, rel, Section::Response)?, rel)?;
            // Responses wrap the object in `data`.
            let data = model::find(&body, "data").with_context(|| format!("{rel}: no `data`"))?;
            match &data.ty {
                Ty::Object { variants } => Ok(model::fold_variants(variants)),
                _ => bail!("{rel}: `data` is not an object"),
            }
        };
        Ok(Sources {
            create_template: load(api_dir, CREATE_TEMPLATE, Section::Request)?,
            update_release_flow: req(UPDATE_RELEASE_FLOW)?,
            get_release_flow: resp(GET_RELEASE_FLOW)?,
            update_preview_template: req(UPDATE_PREVIEW_TEMPLATE)?,
            create_workflow: req(CREATE_WORKFLOW)?,
            get_workflow: resp(GET_WORKFLOW)?,
            create_preview_blueprint: req(CREATE_PREVIEW_BLUEPRINT)?,
            get_preview_blueprint: resp(GET_PREVIEW_BLUEPRINT)?,
        })
    }
}

/// Node kind sets per position, as listed in the reference.
pub struct KindSets {
    pub per_doc: BTreeMap<DocKind, BTreeSet<String>>,
    pub teardown: BTreeSet<String>,
}

/// Conversion context: where refs point and which positions are replaced.
struct Cx<'a> {
    /// Converting content that ends up in `nodes.schema.json`.
    in_nodes: bool,
    /// Name of the definition being built (for naming hoisted sub-kinds).
    def: String,
    /// Path → replacement schema.
    subst: &'a [(&'a str, Value)],
}

impl Cx<'_> {
    fn shared_ref(&self, name: &str) -> Value {
        if self.in_nodes {
            json!({ "$ref": format!("#/$defs/{name}") })
        } else {
            json!({ "$ref": format!("{NODES_FILE}#/$defs/{name}") })
        }
    }
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

/// The schema for one generation run.
struct Gen {
    /// Definitions of `nodes.schema.json`.
    shared: BTreeMap<String, Value>,
}

impl Gen {
    fn expr(&self, cx: &Cx) -> Value {
        cx.shared_ref("expression")
    }

    fn ty(&mut self, ty: &Ty, cx: &Cx, path: &str) -> Result<Value> {
        if let Some((_, v)) = cx.subst.iter().find(|(p, _)| *p == path) {
            return Ok(v.clone());
        }
        Ok(match ty {
            Ty::Scalar(base, facets) => scalar(*base, facets),
            Ty::Expr => self.expr(cx),
            Ty::Array(inner) => {
                let items = self.ty(inner, cx, &format!("{path}[]"))?;
                json!({ "type": "array", "items": items })
            }
            Ty::AnyOf(alts) => {
                let mut has_expr = false;
                let mut others: Vec<Value> = Vec::new();
                for alt in alts {
                    if *alt == Ty::Expr {
                        has_expr = true;
                        continue;
                    }
                    let v = self.ty(alt, cx, path)?;
                    if !others.contains(&v) {
                        others.push(v);
                    }
                }
                let x = collapse(others);
                match (x, has_expr) {
                    (Some(x), true) => json!({ "anyOf": [x, self.expr(cx)] }),
                    (Some(x), false) => x,
                    (None, _) => self.expr(cx),
                }
            }
            Ty::Object { variants } => self.object(variants, cx, path)?,
        })
    }

    fn object(&mut self, variants: &[Vec<Field>], cx: &Cx, path: &str) -> Result<Value> {
        if variants.iter().all(Vec::is_empty) {
            // Free-form in the reference: no property list, so no unknown-key warnings.
            return Ok(json!({ "type": "object" }));
        }
        if let Some((key, groups)) = model::discriminate(variants) {
            let prefix = hoist_prefix(&cx.def, path);
            let mut values = Vec::new();
            let mut all_of = Vec::new();
            for (value, fields) in groups {
                let name = format!("{prefix}.{value}");
                let inner = Cx {
                    in_nodes: true,
                    def: name.clone(),
                    subst: cx.subst,
                };
                let schema = self.fields(&fields, &inner, path)?;
                self.insert_shared(&name, schema)?;
                all_of.push(json!({
                    "if": { "properties": { key: { "const": value } }, "required": [key] },
                    "then": cx.shared_ref(&name),
                }));
                values.push(Value::String(value));
            }
            return Ok(json!({
                "type": "object",
                "required": [key],
                "properties": { key: { "enum": values } },
                "allOf": all_of,
            }));
        }
        let fields = model::fold_variants(variants);
        self.fields(&fields, cx, path)
    }

    /// A closed object with the given properties.
    fn fields(&mut self, fields: &[Field], cx: &Cx, path: &str) -> Result<Value> {
        if fields.is_empty() {
            return Ok(json!({ "type": "object" }));
        }
        let mut props = Map::new();
        let mut required = Vec::new();
        for f in fields {
            let mut v = self.ty(&f.ty, cx, &join(path, &f.name))?;
            if f.name == "description" {
                allow_empty_description(&mut v);
            }
            props.insert(f.name.clone(), v);
            if f.required {
                required.push(Value::String(f.name.clone()));
            }
        }
        let mut out = json!({
            "type": "object",
            "properties": props,
            "additionalProperties": false,
        });
        if !required.is_empty() {
            out["required"] = Value::Array(required);
        }
        Ok(out)
    }

    fn insert_shared(&mut self, name: &str, schema: Value) -> Result<()> {
        match self.shared.get(name) {
            Some(existing) if *existing != schema => {
                bail!("definition `{name}` generated twice with different content")
            }
            _ => {
                self.shared.insert(name.to_string(), schema);
                Ok(())
            }
        }
    }

    /// `node.<Kind>`: the full object for one node kind (envelope keys that the dispatcher checks
    /// are listed as `true` so that `additionalProperties: false` accepts them).
    fn node_def(&mut self, kind: &str, fields: &[Field], cx: &Cx) -> Result<Value> {
        let mut props = Map::new();
        let mut required = vec![json!("kind"), json!("spec")];
        for f in fields {
            let v = match f.name.as_str() {
                "kind" => json!({ "const": kind }),
                "ref" | "skipNodeExecution" => Value::Bool(true),
                _ => self.ty(&f.ty, cx, &f.name)?,
            };
            if f.required && f.name != "kind" && f.name != "spec" {
                required.push(json!(f.name));
            }
            props.insert(f.name.clone(), v);
        }
        for lenient in ENVELOPE_LENIENT {
            props.insert((*lenient).to_string(), Value::Bool(true));
        }
        if kind == "AddonImport" {
            // Prose-only flag ("wait for the import to finish"); location unconfirmed.
            props.insert(
                "waitForCompletion".into(),
                json!({ "anyOf": [{ "type": "boolean" }, self.expr(cx)] }),
            );
        }
        props
            .entry("spec")
            .or_insert_with(|| json!({ "type": "object" }));
        Ok(json!({
            "type": "object",
            "properties": props,
            "required": required,
            "additionalProperties": false,
        }))
    }

    /// The kind dispatcher: envelope checks plus one `if kind = X then node.X` per kind.
    fn dispatcher(&self, kinds: &BTreeSet<String>, local: &[&str], prefix: &str, cx: &Cx) -> Value {
        let mut all_of = Vec::new();
        for k in kinds {
            let target = if local.contains(&k.as_str()) {
                json!({ "$ref": format!("#/$defs/{prefix}.{k}") })
            } else {
                cx.shared_ref(&format!("node.{k}"))
            };
            all_of.push(json!({
                "if": { "properties": { "kind": { "const": k } }, "required": ["kind"] },
                "then": target,
            }));
        }
        json!({
            "type": "object",
            "required": ["kind"],
            "properties": {
                "kind": { "enum": kinds.iter().collect::<Vec<_>>() },
                "ref": { "type": "string" },
                "skipNodeExecution": {
                    "anyOf": [{ "enum": ["true", "false", true, false] }, self.expr(cx)]
                },
                "runNodeOnce": { "anyOf": [{ "type": "boolean" }, self.expr(cx)] },
                "settings": { "type": "object" },
            },
            "allOf": all_of,
        })
    }
}

/// Envelope keys accepted on every node although the reference does not list them (see README).
const ENVELOPE_LENIENT: &[&str] = &["runNodeOnce", "settings"];

/// Collapses converted alternatives: one stays itself, several become `anyOf`; a plain
/// unconstrained type swallows constrained alternatives of the same type.
fn collapse(mut others: Vec<Value>) -> Option<Value> {
    if others.len() > 1 {
        let plain: Vec<Value> = others
            .iter()
            .filter(|v| {
                v.as_object()
                    .is_some_and(|o| o.len() == 1 && o.contains_key("type"))
            })
            .cloned()
            .collect();
        for p in plain {
            let t = p["type"].clone();
            others.retain(|v| v == &p || v.get("type") != Some(&t) || v.get("items").is_some());
        }
    }
    match others.len() {
        0 => None,
        1 => others.pop(),
        _ => Some(json!({ "anyOf": others })),
    }
}

fn scalar(base: Base, facets: &Facets) -> Value {
    let mut out = Map::new();
    let ty = match base {
        Base::String => "string",
        Base::Integer => "integer",
        Base::Number => "number",
        Base::Boolean => "boolean",
        Base::Undefined => {
            if facets.enumeration.is_empty() {
                return json!({});
            }
            "string"
        }
    };
    out.insert("type".into(), json!(ty));
    if !facets.enumeration.is_empty() {
        let values: Vec<Value> = facets
            .enumeration
            .iter()
            .map(|e| typed_enum_value(base, e))
            .collect();
        out.insert("enum".into(), Value::Array(values));
    }
    if let Some(p) = &facets.pattern {
        out.insert("pattern".into(), json!(p));
    }
    if let Some(n) = facets.min_length {
        out.insert("minLength".into(), json!(n));
    }
    if let Some(n) = facets.max_length {
        out.insert("maxLength".into(), json!(n));
    }
    if let Some(f) = &facets.format
        && f != "float"
    {
        out.insert("format".into(), json!(f));
    }
    Value::Object(out)
}

fn typed_enum_value(base: Base, raw: &str) -> Value {
    match base {
        Base::Integer | Base::Number => {
            if let Ok(i) = raw.parse::<i64>() {
                json!(i)
            } else if let Ok(f) = raw.parse::<f64>() {
                json!(f)
            } else {
                json!(raw)
            }
        }
        Base::Boolean => match raw {
            "true" => json!(true),
            "false" => json!(false),
            other => json!(other),
        },
        _ => json!(raw),
    }
}

/// Names hoisted sub-kind definitions: `action.Service`, `action.Service.restart`, `trigger.cron`…
fn hoist_prefix(def: &str, path: &str) -> String {
    let sub = [
        ("node.Action", "action"),
        ("node.Condition", "condition"),
        ("node.Message", "message"),
        ("node.Template", "template"),
    ];
    if path == "spec"
        && let Some((_, p)) = sub.iter().find(|(d, _)| *d == def)
    {
        return (*p).to_string();
    }
    if (path == "spec" || path.ends_with(".spec"))
        && ["action.", "condition.", "message.", "template."]
            .iter()
            .any(|p| def.starts_with(p))
    {
        return def.to_string();
    }
    if path.ends_with("richInputs[]") {
        return "richInput".into();
    }
    if path.ends_with("triggers[]") {
        return "trigger".into();
    }
    let owner = def
        .strip_prefix("node.")
        .or_else(|| def.strip_prefix("teardownNode."))
        .unwrap_or(def);
    format!("{owner}.{}", path.replace("[]", ""))
}

fn item_fields(field: &Field) -> Result<Vec<Vec<Field>>> {
    fn walk(ty: &Ty) -> Option<&Vec<Vec<Field>>> {
        match ty {
            Ty::Array(inner) => walk(inner),
            Ty::Object { variants } => Some(variants),
            Ty::AnyOf(alts) => alts.iter().find_map(walk),
            _ => None,
        }
    }
    walk(&field.ty)
        .cloned()
        .with_context(|| format!("line {}: `{}` has no object items", field.line, field.name))
}

fn get<'a>(fields: &'a [Field], path: &str, what: &str) -> Result<&'a Field> {
    model::find(fields, path).with_context(|| format!("{what}: no `{path}`"))
}

fn bool_field(name: &str) -> Field {
    Field {
        name: name.into(),
        required: false,
        ty: Ty::Scalar(Base::Boolean, Facets::default()),
        line: 0,
    }
}

fn string_field(name: &str) -> Field {
    Field {
        name: name.into(),
        required: false,
        ty: Ty::Scalar(Base::String, Facets::default()),
        line: 0,
    }
}

/// Adds `extra` to the object field at `path` (creating nothing if absent).
fn add_to_object(fields: &mut [Field], name: &str, extra: Field) {
    if let Some(f) = fields.iter_mut().find(|f| f.name == name)
        && let Ty::Object { variants } = &mut f.ty
    {
        for v in variants.iter_mut() {
            if !v.iter().any(|g| g.name == extra.name) {
                v.push(extra.clone());
            }
        }
    }
}

/// Everything generated: file name → schema.
pub struct Output {
    pub files: BTreeMap<String, Value>,
    pub kinds: KindSets,
}

/// Runs the generator against the API reference folder (`shared/northflank-api`).
pub fn generate(api_dir: &Path) -> Result<Output> {
    let src = Sources::read(api_dir)?;
    let overlay = Overlay::load()?;
    let mut g = Gen {
        shared: BTreeMap::new(),
    };
    let nodes_cx_plain = Cx {
        in_nodes: true,
        def: String::new(),
        subst: &[],
    };
    g.shared.insert(
        "expression".into(),
        json!({ "type": "string", "pattern": r"\$\{" }),
    );

    // ---- node kinds per position -------------------------------------------------------------
    let tpl = src
        .create_template
        .first()
        .context("create-template: empty body")?
        .clone();
    let tpl_gitops_variant = src.create_template.get(1).cloned().unwrap_or_default();
    let template_nodes = model::node_kinds(get(&tpl, "spec", "create-template")?)?;
    let teardown_nodes = model::node_kinds(get(&tpl, "teardownSpec.spec", "create-template")?)?;
    let release_nodes = model::node_kinds(get(&src.get_release_flow, "spec", "get-release-flow")?)?;
    let preview_nodes = model::node_kinds(get(
        &src.update_preview_template,
        "spec",
        "update-preview-template",
    )?)?;
    let workflow_nodes = model::node_kinds(get(&src.get_workflow, "spec", "get-workflow")?)?;
    let blueprint_nodes = model::node_kinds(get(
        &src.get_preview_blueprint,
        "spec",
        "get-preview-blueprint",
    )?)?;
    let rf_teardown = model::node_kinds(get(
        &src.update_release_flow,
        "teardownSpec.spec",
        "update-release-flow",
    )?)?;

    let mut per_doc = BTreeMap::new();
    per_doc.insert(DocKind::Template, template_nodes.keys().cloned().collect());
    per_doc.insert(
        DocKind::ReleaseFlow,
        release_nodes.keys().cloned().collect(),
    );
    per_doc.insert(
        DocKind::PreviewTemplate,
        preview_nodes.keys().cloned().collect(),
    );
    per_doc.insert(DocKind::Workflow, workflow_nodes.keys().cloned().collect());
    per_doc.insert(
        DocKind::PreviewBlueprint,
        blueprint_nodes.keys().cloned().collect(),
    );
    let mut teardown: BTreeSet<String> = teardown_nodes.keys().cloned().collect();
    teardown.extend(rf_teardown.keys().cloned());
    let kinds = KindSets { per_doc, teardown };
    overlay.check_kinds(&kinds)?;

    // One definition per kind: the union of what every file says about it (lenient).
    let mut all: BTreeMap<String, Vec<Field>> = BTreeMap::new();
    for set in [
        &template_nodes,
        &release_nodes,
        &preview_nodes,
        &workflow_nodes,
        &blueprint_nodes,
        &teardown_nodes,
        &rf_teardown,
    ] {
        for (k, fields) in set {
            match all.get_mut(k) {
                Some(existing) => *existing = model::merge_fields(existing, fields, Required::Both),
                None => {
                    all.insert(k.clone(), fields.clone());
                }
            }
        }
    }

    // ---- shared pieces -----------------------------------------------------------------------
    let gitops_field = get(&tpl, "gitops", "create-template")?;
    let mut gitops_fields = model::fold_variants(&item_fields(gitops_field)?);
    // Response-only (GET template): the commit the platform last synced; tolerated in files.
    gitops_fields.push(string_field("templateSha"));
    let gitops = g.fields(&gitops_fields, &nodes_cx_plain, "")?;
    g.insert_shared("gitops", gitops)?;

    let teardown_ref = json!({ "$ref": "#/$defs/teardownNode" });
    let td_field = get(&tpl, "teardownSpec", "create-template")?;
    let td_subst = [("spec", teardown_ref.clone())];
    let td_cx = Cx {
        in_nodes: true,
        def: "teardownSpec".into(),
        subst: &td_subst,
    };
    let mut td = g.fields(&model::fold_variants(&item_fields(td_field)?), &td_cx, "")?;
    // The API accepts `null` to remove a teardown workflow.
    td["type"] = json!(["object", "null"]);
    g.insert_shared("teardownSpec", td)?;

    let legacy_rf = model::fold_variants(&item_fields(get(
        &src.update_release_flow,
        "triggers",
        "update-release-flow",
    )?)?);
    let legacy_pv = model::fold_variants(&item_fields(get(
        &src.update_preview_template,
        "triggers",
        "update-preview-template",
    )?)?);
    let mut legacy = model::merge_fields(&legacy_rf, &legacy_pv, Required::Both);
    for f in legacy.iter_mut() {
        // Required in both files; merging must not lose that.
        f.required = legacy_rf.iter().any(|g| g.name == f.name && g.required)
            && legacy_pv.iter().any(|g| g.name == f.name && g.required);
    }
    // Server-assigned id, seen in the docs' preview example.
    legacy.push(string_field("id"));
    let legacy_schema = g.fields(&legacy, &nodes_cx_plain, "")?;
    g.insert_shared("legacyTrigger", legacy_schema)?;

    let mut typed_variants =
        item_fields(get(&src.create_workflow, "triggers", "create-workflow")?)?;
    typed_variants.extend(item_fields(get(
        &src.create_preview_blueprint,
        "triggers",
        "create-preview-blueprint",
    )?)?);
    for v in typed_variants.iter_mut() {
        // `paused` is typed per trigger in the Python client (§5.2), not in the rendering.
        if !v.iter().any(|f| f.name == "paused") {
            v.push(bool_field("paused"));
        }
    }
    let typed_cx = Cx {
        in_nodes: true,
        def: String::new(),
        subst: &[],
    };
    let typed = g.object(&typed_variants, &typed_cx, "triggers[]")?;
    g.insert_shared("typedTrigger", typed)?;

    let mut rich_variants = item_fields(get(
        &src.update_release_flow,
        "richInputs",
        "update-release-flow",
    )?)?;
    rich_variants.extend(item_fields(get(
        &src.create_workflow,
        "richInputs",
        "create-workflow",
    )?)?);
    let rich = g.object(&rich_variants, &typed_cx, "richInputs[]")?;
    g.insert_shared("richInput", rich)?;

    // ---- node definitions --------------------------------------------------------------------
    let recursive = ["Workflow", "LoopWorkflow"];
    let wf_doc_subst = |doc: &str| -> Vec<(&'static str, Value)> {
        vec![
            ("spec.spec", json!({ "$ref": format!("{doc}#/$defs/node") })),
            ("spec.richInputs[]", json!({ "$ref": "#/$defs/richInput" })),
            (
                "spec.teardownSpec",
                json!({ "$ref": "#/$defs/teardownSpec" }),
            ),
            ("spec.triggers[]", json!({ "$ref": "#/$defs/typedTrigger" })),
            ("spec.gitops", json!({ "$ref": "#/$defs/gitops" })),
        ]
    };
    for (kind, fields) in &all {
        if recursive.contains(&kind.as_str()) {
            continue;
        }
        let subst: Vec<(&str, Value)> = match kind.as_str() {
            "Pipeline" => vec![
                (
                    "spec.preview.spec",
                    json!({ "$ref": DocKind::PreviewTemplate.file_name() }),
                ),
                (
                    "spec.stages[].releaseFlow.spec",
                    json!({ "$ref": DocKind::ReleaseFlow.file_name() }),
                ),
            ],
            "WorkflowTemplate" => wf_doc_subst(&DocKind::Workflow.file_name()),
            "PreviewBlueprint" => wf_doc_subst(&DocKind::PreviewBlueprint.file_name()),
            _ => Vec::new(),
        };
        let cx = Cx {
            in_nodes: true,
            def: format!("node.{kind}"),
            subst: &subst,
        };
        let def = g.node_def(kind, fields, &cx)?;
        g.insert_shared(&format!("node.{kind}"), def)?;
    }
    // Teardown set: its own dispatcher and recursive kinds.
    let td_kinds = kinds.teardown.clone();
    let td_disp = g.dispatcher(&td_kinds, &recursive, "teardownNode", &nodes_cx_plain);
    g.insert_shared("teardownNode", td_disp)?;
    for kind in recursive {
        let subst = [("spec.steps[]", teardown_ref.clone())];
        let cx = Cx {
            in_nodes: true,
            def: format!("teardownNode.{kind}"),
            subst: &subst,
        };
        let fields = all.get(kind).with_context(|| format!("no `{kind}` node"))?;
        let def = g.node_def(kind, fields, &cx)?;
        g.insert_shared(&format!("teardownNode.{kind}"), def)?;
    }

    relax_required(&mut g.shared);
    add_observed(&mut g.shared);

    // ---- documents ---------------------------------------------------------------------------
    let mut files = BTreeMap::new();
    for doc in DocKind::ALL {
        let (mut fields, required): (Vec<Field>, &[&str]) = match doc {
            DocKind::Template => {
                let mut f = model::merge_fields(&tpl, &tpl_gitops_variant, Required::Both);
                add_to_object(&mut f, "options", bool_field("runOnUpdate"));
                (f, &["apiVersion", "spec"])
            }
            DocKind::ReleaseFlow => {
                let mut f = src.update_release_flow.clone();
                f.push(get(&src.get_release_flow, "spec", "get-release-flow")?.clone());
                (f, &["apiVersion", "spec"])
            }
            DocKind::PreviewTemplate => {
                (src.update_preview_template.clone(), &["apiVersion", "spec"])
            }
            DocKind::Workflow => {
                let mut f = src.create_workflow.clone();
                f.retain(|x| x.name != "spec");
                f.push(get(&src.get_workflow, "spec", "get-workflow")?.clone());
                (f, &["apiVersion", "spec"])
            }
            DocKind::PreviewBlueprint => {
                let mut f = src.create_preview_blueprint.clone();
                f.retain(|x| x.name != "spec");
                f.push(get(&src.get_preview_blueprint, "spec", "get-preview-blueprint")?.clone());
                (f, &["apiVersion", "spec"])
            }
        };
        if !fields.iter().any(|f| f.name == "$schema") {
            fields.push(string_field("$schema"));
        }
        for f in fields.iter_mut() {
            f.required = required.contains(&f.name.as_str());
        }
        let trig = if matches!(doc, DocKind::ReleaseFlow | DocKind::PreviewTemplate) {
            "legacyTrigger"
        } else {
            "typedTrigger"
        };
        let shared = |n: &str| json!({ "$ref": format!("{NODES_FILE}#/$defs/{n}") });
        let subst: Vec<(&str, Value)> = vec![
            ("spec", json!({ "$ref": "#/$defs/node" })),
            ("teardownSpec", shared("teardownSpec")),
            ("gitops", shared("gitops")),
            ("triggers[]", shared(trig)),
            ("richInputs[]", shared("richInput")),
        ];
        let cx = Cx {
            in_nodes: false,
            def: doc.slug().into(),
            subst: &subst,
        };
        let mut top = g.fields(&fields, &cx, "")?;
        fix_top_level(doc, &mut top);

        let doc_kinds = kinds.per_doc[&doc].clone();
        let mut defs = Map::new();
        defs.insert(
            "node".into(),
            g.dispatcher(&doc_kinds, &recursive, "node", &cx),
        );
        for kind in recursive {
            if !doc_kinds.contains(kind) {
                continue;
            }
            let subst = [("spec.steps[]", json!({ "$ref": "#/$defs/node" }))];
            let kcx = Cx {
                in_nodes: false,
                def: format!("node.{kind}"),
                subst: &subst,
            };
            let fields = all.get(kind).with_context(|| format!("no `{kind}` node"))?;
            defs.insert(format!("node.{kind}"), g.node_def(kind, fields, &kcx)?);
        }

        let mut schema = Map::new();
        schema.insert("$schema".into(), json!(DRAFT));
        schema.insert("$id".into(), json!(format!("{ID_BASE}{}", doc.file_name())));
        schema.insert("title".into(), json!(overlay.document_title(doc.slug())?));
        if let Value::Object(o) = top {
            schema.extend(o);
        }
        schema.insert("$defs".into(), Value::Object(defs));
        schema.insert("x-nfls-document".into(), json!(doc.slug()));
        schema.insert(
            "x-nfls-node-kinds".into(),
            node_kinds_annotation(&kinds, &overlay)?,
        );
        files.insert(doc.file_name(), Value::Object(schema));
    }

    let mut nodes = Map::new();
    nodes.insert("$schema".into(), json!(DRAFT));
    nodes.insert("$id".into(), json!(format!("{ID_BASE}{NODES_FILE}")));
    nodes.insert("title".into(), json!(overlay.document_title("nodes")?));
    nodes.insert(
        "$defs".into(),
        Value::Object(g.shared.into_iter().collect()),
    );
    files.insert(NODES_FILE.to_string(), Value::Object(nodes));

    overlay.apply(&mut files, &kinds)?;
    for file in files.values_mut() {
        // On the canonical form, so that equal schemas are equal text.
        *file = crate::canon::canonical(file);
        crate::share::share_repeated(file);
    }
    Ok(Output { files, kinds })
}

/// The platform itself writes `"description": ""` (e.g. GitOps files of `northflank/tigerbeetle-bun`)
/// although the reference pattern ends in `+$`; accept the empty string.
fn allow_empty_description(v: &mut Value) {
    let target = if v.get("anyOf").is_some() {
        &mut v["anyOf"][0]
    } else {
        v
    };
    if let Some(Value::String(p)) = target.get_mut("pattern")
        && p.starts_with('^')
        && p.ends_with("]+$")
    {
        let fixed = format!("{}*$", &p[..p.len() - 2]);
        *p = fixed;
    }
}

/// Moves the API's character pattern of a document-level `name`/`description` into the
/// `x-nfls-api-pattern` annotation: real files (and GitOps) use characters the API body pattern
/// excludes, and whether the file sync enforces it is unconfirmed.
fn pattern_to_annotation(v: &mut Value) {
    let target = if v.get("anyOf").is_some() {
        &mut v["anyOf"][0]
    } else {
        v
    };
    if let Some(obj) = target.as_object_mut()
        && let Some(p) = obj.remove("pattern")
    {
        obj.insert("x-nfls-api-pattern".into(), p);
    }
}

/// Required keys of the reference that legacy files omit; each is listed in the README.
fn relax_required(shared: &mut BTreeMap<String, Value>) {
    // `apiVersion: "v1"` files address the build target as `nfObjectId`/`nfObjectType`
    // (e.g. alexluong/remix-postgres-redis-demo); those keys stay unknown (warnings), but the
    // missing `type` must not be an error.
    for kind in ["node.Build", "node.BuildSource"] {
        if let Some(req) = shared
            .get_mut(kind)
            .and_then(|d| d["properties"]["spec"].get_mut("required"))
            .and_then(Value::as_array_mut)
        {
            req.retain(|r| r != "type");
        }
    }
}

/// Keys missing from the API reference but written by Northflank itself (platform-written GitOps
/// files, the official docs and Northflank-owned example repositories). Each is in the README.
fn add_observed(shared: &mut BTreeMap<String, Value>) {
    let expr = json!({ "$ref": "#/$defs/expression" });
    if let Some(addon) = shared.get_mut("node.Addon") {
        // Platform-written node option (creativecommons/northflank-learning, a GitOps file).
        addon["properties"]["options"] = json!({ "type": "object" });
        // Point-in-time recovery flag in the docs' fork-an-addon page and northflank-examples.
        addon["properties"]["spec"]["properties"]["pitrEnabled"] =
            json!({ "anyOf": [{ "type": "boolean" }, expr] });
    }
}

/// Top-level adjustments that the reference does not express (each one listed in the README).
fn fix_top_level(doc: DocKind, top: &mut Value) {
    let props = &mut top["properties"];
    for key in ["name", "description"] {
        if let Some(v) = props.get_mut(key) {
            pattern_to_annotation(v);
        }
    }
    // `v1` is what older files (and some docs examples) use; the validator adds a hint.
    match doc {
        DocKind::Template | DocKind::PreviewTemplate => {
            props["apiVersion"] = json!({
                "type": "string",
                "enum": ["v1.2", "v1"],
                "x-nfls-legacy-values": ["v1"],
            });
        }
        _ => {
            props["apiVersion"] = json!({ "type": "string", "examples": ["v1.2"] });
        }
    }
    let url = match doc {
        DocKind::Template => "https://api.northflank.com/v1/schemas/template",
        DocKind::ReleaseFlow => "https://api.northflank.com/v1/schemas/release-flow",
        DocKind::PreviewTemplate => "https://api.northflank.com/v1/schemas/preview-env",
        DocKind::Workflow => "https://api.northflank.com/v1/schemas/workflow",
        DocKind::PreviewBlueprint => "https://api.northflank.com/v1/schemas/preview-blueprint",
    };
    props["$schema"] = json!({ "type": "string", "examples": [url] });
    if let Some(p) = props.get_mut("project") {
        // Legacy default-project block; its shape is unconfirmed.
        *p = json!({ "type": "object" });
    } else {
        props["project"] = json!({ "type": "object" });
    }
}

fn node_kinds_annotation(kinds: &KindSets, overlay: &Overlay) -> Result<Value> {
    let mut all: BTreeSet<&String> = kinds.per_doc.values().flatten().collect();
    all.extend(kinds.teardown.iter());
    let mut out = Map::new();
    for k in all {
        let docs: Vec<&str> = DocKind::ALL
            .iter()
            .filter(|d| kinds.per_doc[d].contains(k))
            .map(|d| d.slug())
            .collect();
        let info = overlay.kind(k)?;
        out.insert(
            k.clone(),
            json!({
                "documents": docs,
                "teardown": kinds.teardown.contains(k),
                "summary": info.summary,
                "docs": info.docs,
            }),
        );
    }
    Ok(Value::Object(out))
}
