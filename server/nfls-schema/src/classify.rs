//! Which files are ours: decide per document whether it is a template, a release flow, a
//! preview-environment template, a workflow, a preview blueprint — or not a Northflank file.
//!
//! The evidence, strongest first:
//! 1. a user association (`northflank.files` setting: glob → kind, or `none` to opt a file out);
//! 2. the `$schema` URL (the documented `https://api.northflank.com/v1/schemas/…` URLs and the
//!    aliases seen in real repositories);
//! 3. the content: a root object whose `spec` is a node (`kind` + `spec`), and then the node kinds
//!    and top-level keys that only one document kind has.
//!
//! A `$schema` of `template` is weaker than distinctive content: the platform has no other way to
//! tell a preview template from a template in a file, and real repositories point preview
//! templates at the template schema. When content overrides `$schema` the classification says so,
//! and the analysis reports it as a hint.

use std::fmt;

use globset::{Glob, GlobMatcher};
use nfls_syntax::{Object, Tree, Value};

/// The kinds of Northflank document this server understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DocumentKind {
    Template,
    ReleaseFlow,
    PreviewTemplate,
    Workflow,
    PreviewBlueprint,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 5] = [
        DocumentKind::Template,
        DocumentKind::ReleaseFlow,
        DocumentKind::PreviewTemplate,
        DocumentKind::Workflow,
        DocumentKind::PreviewBlueprint,
    ];

    /// The stable identifier used in settings, CLI output and schema annotations.
    pub fn id(self) -> &'static str {
        match self {
            DocumentKind::Template => "template",
            DocumentKind::ReleaseFlow => "release-flow",
            DocumentKind::PreviewTemplate => "preview-template",
            DocumentKind::Workflow => "workflow",
            DocumentKind::PreviewBlueprint => "preview-blueprint",
        }
    }

    pub fn from_id(id: &str) -> Option<DocumentKind> {
        DocumentKind::ALL.into_iter().find(|kind| kind.id() == id)
    }

    /// How people call it, for messages ("… run only in release flows").
    pub fn label(self) -> &'static str {
        match self {
            DocumentKind::Template => "template",
            DocumentKind::ReleaseFlow => "release flow",
            DocumentKind::PreviewTemplate => "preview-environment template",
            DocumentKind::Workflow => "workflow",
            DocumentKind::PreviewBlueprint => "preview blueprint",
        }
    }

    /// The `$schema` URL the platform writes into files of this kind, where one is documented.
    pub fn schema_url(self) -> Option<&'static str> {
        match self {
            DocumentKind::Template => Some("https://api.northflank.com/v1/schemas/template"),
            DocumentKind::ReleaseFlow => Some("https://api.northflank.com/v1/schemas/release-flow"),
            DocumentKind::PreviewTemplate => {
                Some("https://api.northflank.com/v1/schemas/preview-env")
            }
            DocumentKind::Workflow | DocumentKind::PreviewBlueprint => None,
        }
    }
}

impl fmt::Display for DocumentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// Every node kind of the format reference (§3), plus the sub-document kinds that appear as
/// `kind` inside `Pipeline` and `Template` nodes. Used to recognise Northflank content; the
/// schemas hold the full rules.
pub const NODE_KINDS: &[&str] = &[
    "Action",
    "Addon",
    "AddonBackup",
    "AddonImport",
    "Approval",
    "BYOCCluster",
    "BYOCIntegration",
    "BYOCRegistry",
    "Build",
    "BuildService",
    "BuildSource",
    "CombinedService",
    "Condition",
    "CronJob",
    "CustomDockerCredentials",
    "CustomPlan",
    "DeploymentService",
    "EgressIp",
    "ExternalAddon",
    "Job",
    "JobRun",
    "LLMModelDeployment",
    "LoadBalancer",
    "LoopData",
    "LoopWorkflow",
    "ManualJob",
    "Message",
    "OpenTofu",
    "OpenTofuDestroy",
    "Pipeline",
    "PreviewBlueprint",
    "Project",
    "Release",
    "ReleaseStage",
    "ResourceTag",
    "RolloutStrategy",
    "RunTemplate",
    "SSHIdentity",
    "SecretGroup",
    "SecretInheritance",
    "Subdomain",
    "SubdomainPath",
    "Template",
    "Volume",
    "WorkloadIdentity",
    "Workflow",
    "WorkflowTemplate",
];

/// The kinds of the typed trigger model (workflows and preview blueprints).
const TYPED_TRIGGER_KINDS: &[&str] = &[
    "vcs-push",
    "vcs-pr",
    "vcs-pr-label",
    "vcs-check-suite",
    "vcs-release",
    "webhook",
    "cron",
];

/// What a user association maps a glob to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Association {
    /// The file is this kind of document, whatever its content says.
    Kind(DocumentKind),
    /// The file is ours; its kind comes from `$schema` and content, a template by default.
    Auto,
    /// The file is not ours: no diagnostics, no features.
    None,
}

impl Association {
    pub fn parse(value: &str) -> Option<Association> {
        match value {
            "auto" => Some(Association::Auto),
            "none" | "ignore" => Some(Association::None),
            other => DocumentKind::from_id(other).map(Association::Kind),
        }
    }
}

/// A compiled set of glob → association rules. Later rules win over earlier ones.
#[derive(Clone, Debug, Default)]
pub struct Associations {
    rules: Vec<(String, GlobMatcher, Association)>,
}

/// A glob in the settings that could not be compiled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssociationError {
    pub glob: String,
    pub message: String,
}

impl Associations {
    /// The file names that are Northflank files by convention. They make an empty or half-typed
    /// file ours (so completion offers a skeleton); content still decides the kind.
    pub fn defaults() -> Associations {
        let mut associations = Associations::default();
        for glob in [
            "northflank.json",
            "northflank-template.json",
            "northflank.*.json",
            "*.northflank.json",
            "**/.northflank/*.json",
            "**/northflank/**/*.json",
        ] {
            associations
                .push(glob, Association::Auto)
                .expect("built-in globs compile");
        }
        associations
    }

    /// Adds a rule. A glob without `/` matches the file name; one with `/` matches the path
    /// (relative paths match at any depth, like VS Code's `fileMatch`).
    pub fn push(&mut self, glob: &str, association: Association) -> Result<(), AssociationError> {
        let pattern = if !glob.contains('/') {
            format!("**/{glob}")
        } else if glob.starts_with('/') || glob.starts_with("**/") {
            glob.to_owned()
        } else {
            format!("**/{glob}")
        };
        let matcher = Glob::new(&pattern)
            .map_err(|err| AssociationError {
                glob: glob.to_owned(),
                message: err.kind().to_string(),
            })?
            .compile_matcher();
        self.rules.push((glob.to_owned(), matcher, association));
        Ok(())
    }

    /// Adds `later`'s rules after these (so they win where both match).
    pub fn extend(&mut self, later: Associations) {
        self.rules.extend(later.rules);
    }

    /// The association of the last rule matching `path` (a file path with `/` separators).
    pub fn lookup(&self, path: &str) -> Option<(&str, Association)> {
        self.rules
            .iter()
            .rev()
            .find(|(_, matcher, _)| matcher.is_match(path))
            .map(|(glob, _, association)| (glob.as_str(), *association))
    }
}

/// Why a document got its kind. Shown in hovers and the CLI's `--explain`, and used to decide
/// whether to report a `$schema` that disagrees with the content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Evidence {
    Setting {
        glob: String,
    },
    SchemaUrl {
        url: String,
    },
    Content {
        reason: &'static str,
    },
    /// `$schema` said `schema_kind`, but the content is unmistakably another kind.
    ContentOverSchema {
        url: String,
        schema_kind: DocumentKind,
        reason: &'static str,
    },
    /// The file name is a Northflank convention and nothing says otherwise.
    FileName {
        glob: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Classification {
    pub kind: DocumentKind,
    pub evidence: Evidence,
}

/// Classifies a parsed document. `path` is the file's path (with `/` separators) when known.
/// Returns `None` when the file is not a Northflank document: it then gets no diagnostics.
pub fn classify(
    tree: &Tree,
    path: Option<&str>,
    associations: &Associations,
) -> Option<Classification> {
    let association = path.and_then(|path| associations.lookup(path));
    match association {
        Some((_, Association::None)) => return None,
        Some((glob, Association::Kind(kind))) => {
            return Some(Classification {
                kind,
                evidence: Evidence::Setting {
                    glob: glob.to_owned(),
                },
            });
        }
        _ => {}
    }
    let root = tree.root().and_then(Value::as_object);
    let schema_url = root
        .and_then(|root| root.get("$schema"))
        .and_then(Value::as_str);
    let schema_kind = schema_url.and_then(kind_from_schema_url);
    let content = root.and_then(classify_content);

    match (schema_kind, content) {
        (Some(DocumentKind::Template), Some((kind, reason)))
            if kind != DocumentKind::Template && reason.distinctive =>
        {
            Some(Classification {
                kind,
                evidence: Evidence::ContentOverSchema {
                    url: schema_url.unwrap_or_default().to_owned(),
                    schema_kind: DocumentKind::Template,
                    reason: reason.text,
                },
            })
        }
        (Some(kind), _) => Some(Classification {
            kind,
            evidence: Evidence::SchemaUrl {
                url: schema_url.unwrap_or_default().to_owned(),
            },
        }),
        (None, Some((kind, reason))) => Some(Classification {
            kind,
            evidence: Evidence::Content {
                reason: reason.text,
            },
        }),
        (None, None) => match association {
            Some((glob, Association::Auto)) => Some(Classification {
                kind: DocumentKind::Template,
                evidence: Evidence::FileName {
                    glob: glob.to_owned(),
                },
            }),
            _ => None,
        },
    }
}

/// Maps a `$schema` URL to a document kind. Accepts the documented URLs and the aliases seen in
/// real files: `northflank.com/schemas/v1/…`, `api.salvo.sh` (an older host name of the API), an
/// `http:` scheme, a trailing `/`, and `.json` / `-schema.json` suffixes. Any other host is not
/// ours, even if the path looks right.
pub fn kind_from_schema_url(url: &str) -> Option<DocumentKind> {
    let rest = url
        .trim()
        .strip_prefix("https://")
        .or_else(|| url.trim().strip_prefix("http://"))?;
    let (host, path) = rest.split_once('/')?;
    let host = host.to_ascii_lowercase();
    if !matches!(
        host.as_str(),
        "api.northflank.com" | "northflank.com" | "www.northflank.com" | "api.salvo.sh"
    ) {
        return None;
    }
    let path = path.trim_end_matches('/');
    let mut segments = path.split('/');
    let last = segments.next_back()?;
    if !path.contains("schemas") {
        return None;
    }
    let name = last.trim_end_matches(".json");
    let name = name.strip_suffix("-schema").unwrap_or(name);
    match name {
        "template" => Some(DocumentKind::Template),
        "release-flow" | "releaseflow" => Some(DocumentKind::ReleaseFlow),
        "preview-env" | "preview-template" | "preview" => Some(DocumentKind::PreviewTemplate),
        "workflow" => Some(DocumentKind::Workflow),
        "preview-blueprint" => Some(DocumentKind::PreviewBlueprint),
        _ => None,
    }
}

struct Reason {
    text: &'static str,
    /// Strong enough to override a `template` `$schema`.
    distinctive: bool,
}

fn classify_content(root: Object<'_>) -> Option<(DocumentKind, Reason)> {
    let spec = root.get("spec")?.as_object()?;
    let api_version = root.get("apiVersion").and_then(Value::as_str);
    let has_api_version = matches!(api_version, Some("v1" | "v1.2"));
    match spec.get("kind").and_then(Value::as_str) {
        Some(root_kind) => {
            let known_kind = NODE_KINDS.contains(&root_kind);
            let has_node_shape = spec
                .get("spec")
                .is_some_and(|inner| inner.as_object().is_some());
            if !(known_kind || (has_api_version && has_node_shape)) {
                return None;
            }
        }
        None => {
            // A skeleton being written (`"spec": {}`): ours only with a Northflank `apiVersion`,
            // a document key of ours beside it, and nothing of a Kubernetes manifest.
            let document_key = [
                "name",
                "arguments",
                "options",
                "gitops",
                "triggers",
                "teardownSpec",
            ]
            .iter()
            .any(|key| root.get(key).is_some());
            let manifest = root.get("kind").is_some() || root.get("metadata").is_some();
            if !has_api_version || !document_key || manifest {
                return None;
            }
        }
    }

    let kinds = KindsSeen::collect(spec.value());
    let triggers = root.get("triggers").and_then(Value::as_array);
    let typed_triggers = triggers.is_some_and(|triggers| {
        triggers.elements().any(|trigger| {
            trigger
                .as_object()
                .and_then(|trigger| trigger.get("kind"))
                .and_then(Value::as_str)
                .is_some_and(|kind| TYPED_TRIGGER_KINDS.contains(&kind))
        })
    });

    let found = if kinds.build_source {
        if typed_triggers {
            (
                DocumentKind::PreviewBlueprint,
                Reason {
                    text: "`BuildSource` nodes and typed triggers",
                    distinctive: true,
                },
            )
        } else {
            (
                DocumentKind::PreviewTemplate,
                Reason {
                    text: "`BuildSource` nodes run only in preview environments",
                    distinctive: true,
                },
            )
        }
    } else if typed_triggers {
        (
            DocumentKind::Workflow,
            Reason {
                text: "typed triggers (`vcs-push`, `vcs-pr`, …)",
                distinctive: true,
            },
        )
    } else if kinds.release_only {
        (
            DocumentKind::ReleaseFlow,
            Reason {
                text: "`Release` / `RunTemplate` nodes run only in release flows",
                distinctive: true,
            },
        )
    } else if triggers.is_some() || root.get("richInputs").is_some() {
        (
            DocumentKind::ReleaseFlow,
            Reason {
                text: "`triggers` / `richInputs` belong to release flows",
                distinctive: true,
            },
        )
    } else {
        (
            DocumentKind::Template,
            Reason {
                text: "a root `spec` node",
                distinctive: false,
            },
        )
    };
    Some(found)
}

/// Distinctive node kinds found in a spec tree, not looking inside the documents nested in
/// `Pipeline` (`stages[].releaseFlow`, `preview`) and `Template`/`WorkflowTemplate`/
/// `PreviewBlueprint` nodes: those are other documents. Iterative: nesting depth is unbounded.
#[derive(Default)]
struct KindsSeen {
    build_source: bool,
    release_only: bool,
}

impl KindsSeen {
    fn collect(spec_root: Value<'_>) -> KindsSeen {
        let mut seen = KindsSeen::default();
        let mut stack = vec![spec_root];
        while let Some(node) = stack.pop() {
            if let Some(array) = node.as_array() {
                stack.extend(array.elements());
                continue;
            }
            let Some(object) = node.as_object() else {
                continue;
            };
            let kind = object.get("kind").and_then(Value::as_str);
            match kind {
                Some("BuildSource") => seen.build_source = true,
                Some("Release" | "RunTemplate") => seen.release_only = true,
                // Nested documents are classified on their own.
                Some("Pipeline" | "Template" | "WorkflowTemplate" | "PreviewBlueprint") => continue,
                _ => {}
            }
            let is_node = kind.is_some_and(|kind| NODE_KINDS.contains(&kind));
            if is_node {
                // Only the `spec` of a workflow node holds further nodes (its `steps`): the
                // specs of other nodes (most of a large file) need no walk.
                if matches!(kind, Some("Workflow" | "LoopWorkflow"))
                    && let Some(inner) = object.get("spec")
                {
                    stack.push(inner);
                }
            } else {
                for member in object.members() {
                    if let Some(value) = member.value() {
                        stack.push(value);
                    }
                }
            }
        }
        seen
    }
}

#[cfg(test)]
mod tests;
