//! The API operations the client performs, with the facts error messages need about each one:
//! HTTP method, the permission the API role must grant, and whether a retry is safe.

/// One Northflank API operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    ListTemplates,
    GetTemplate,
    CreateTemplate,
    UpdateTemplate,
    RunTemplate,
    ListTemplateRuns,
    GetTemplateRun,
    ListPipelines,
    GetPipeline,
    GetReleaseFlow,
    UpdateReleaseFlow,
    RunReleaseFlow,
    ListReleaseFlowRuns,
    GetReleaseFlowRun,
    GetPreviewTemplate,
    UpdatePreviewTemplate,
    RunPreviewTemplate,
    ListPreviewTemplateRuns,
    GetPreviewTemplateRun,
    ListWorkflows,
    GetWorkflow,
    ListPreviewBlueprints,
    GetPreviewBlueprint,
    ListVcsLinks,
    ListRepos,
    ListBranches,
}

/// HTTP method of an operation (the API uses only these two for what we call).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

impl Operation {
    pub fn method(self) -> Method {
        use Operation::*;
        match self {
            CreateTemplate
            | UpdateTemplate
            | RunTemplate
            | UpdateReleaseFlow
            | RunReleaseFlow
            | UpdatePreviewTemplate
            | RunPreviewTemplate => Method::Post,
            _ => Method::Get,
        }
    }

    /// The permission the token's API role needs, spelled as in Northflank's API reference.
    pub fn permission(self) -> &'static str {
        use Operation::*;
        match self {
            ListTemplates | GetTemplate | ListTemplateRuns | GetTemplateRun => {
                "Account > Templates > General > Read"
            }
            CreateTemplate => "Account > Templates > General > Create",
            UpdateTemplate => "Account > Templates > General > Update",
            RunTemplate => "Account > Templates > General > Run",
            ListPipelines | GetPipeline | GetReleaseFlow | ListReleaseFlowRuns
            | GetReleaseFlowRun => "Project > Pipelines > General > Read",
            UpdateReleaseFlow | RunReleaseFlow => "Project > Pipelines > General > Update",
            GetPreviewTemplate | ListPreviewTemplateRuns | GetPreviewTemplateRun => {
                "Account > Templates > General > Read"
            }
            // The reference lists "Create" (not "Update"/"Run") for both of these.
            UpdatePreviewTemplate | RunPreviewTemplate => "Account > Templates > General > Create",
            ListWorkflows | GetWorkflow => "Project > Workflows > General > Read",
            ListPreviewBlueprints | GetPreviewBlueprint => {
                "Project > PreviewBlueprints > General > Read"
            }
            ListVcsLinks | ListRepos | ListBranches => "Account > Git > General > Read",
        }
    }

    /// Whether sending the request twice has the same effect as sending it once.
    ///
    /// Creating a template or starting a run is not: after a timeout or a 5xx the first request
    /// may have succeeded, and a blind retry would start a second run. Those operations are
    /// retried only when the server certainly did not act on them (connection refused, 429).
    /// Updates replace the whole object, so repeating one is harmless.
    pub fn is_idempotent(self) -> bool {
        use Operation::*;
        !matches!(
            self,
            CreateTemplate | RunTemplate | RunReleaseFlow | RunPreviewTemplate
        )
    }
}

/// One concrete call: the operation plus human descriptions used in error messages.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    pub op: Operation,
    /// What the call does, as a verb phrase: "get template `web`".
    pub action: String,
    /// The object a 404 refers to: "template `web`".
    pub object: String,
}

impl Call {
    pub fn new(op: Operation, action: impl Into<String>, object: impl Into<String>) -> Self {
        Call {
            op,
            action: action.into(),
            object: object.into(),
        }
    }
}
