//! The one table of known output paths: what `${refs.<ref>.…}` can read from a node of a given
//! kind, or from a trigger.
//!
//! A node's outputs are the `data` of the API response for what it did, which is not published
//! per kind. This table lists only the paths the documentation and its examples use, so it is
//! **partial**: completion offers these paths, and a path outside the table is reported (as a
//! hint, never more) only when it is a likely typo of a listed name at a level the table knows.

/// One level of an output path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutputField {
    /// The key; [`INDEX`] for an array index, [`ANY_NAME`] for a key the user chooses.
    pub name: &'static str,
    /// One line, in our own words.
    pub doc: &'static str,
    pub children: &'static [OutputField],
}

/// Marks a level that is an array index (`0` in `ports.0.dns`).
pub const INDEX: &str = "*";
/// Marks a level whose key is a name the user chose (`<name>` in `outputs.<name>.value`).
pub const ANY_NAME: &str = "<name>";

const fn field(
    name: &'static str,
    doc: &'static str,
    children: &'static [OutputField],
) -> OutputField {
    OutputField {
        name,
        doc,
        children,
    }
}

const ID: OutputField = field(
    "id",
    "The id of the resource the node created or updated.",
    &[],
);
const NAME: OutputField = field("name", "The resource's name.", &[]);

const PORTS: OutputField = field(
    "ports",
    "The service's ports, in the order of `spec.ports`.",
    &[field(
        INDEX,
        "A port, by position.",
        &[field("dns", "The port's public or private DNS name.", &[])],
    )],
);

const SERVICE: &[OutputField] = &[ID, NAME, PORTS];
const RESOURCE: &[OutputField] = &[ID, NAME];
const BUILD: &[OutputField] = &[
    field("id", "The id of the build.", &[]),
    field("branch", "The branch that was built.", &[]),
    field("sha", "The commit that was built.", &[]),
    field(
        "nfObjectId",
        "The id of the build service the build belongs to.",
        &[],
    ),
];
const SUBDOMAIN: &[OutputField] = &[ID, field("name", "The full subdomain name.", &[])];
const OPEN_TOFU: &[OutputField] = &[field(
    "outputs",
    "The OpenTofu outputs declared under `spec.spec.output`.",
    &[field(
        ANY_NAME,
        "An output, by the name it was declared with.",
        &[field("value", "The output's value.", &[])],
    )],
)];
const ADDON_BACKUP: &[OutputField] = &[
    field("id", "The id of the backup.", &[]),
    field("addonId", "The id of the addon that was backed up.", &[]),
    field(
        "config",
        "Details of the backup.",
        &[field(
            "addonVersion",
            "The addon version the backup was taken from.",
            &[],
        )],
    ),
];

/// What a legacy Git trigger (release flows, preview templates) exposes.
pub const LEGACY_TRIGGER: &[OutputField] = &[
    field(
        "branch",
        "The branch of the push or pull request that started the run.",
        &[],
    ),
    field("sha", "The commit that started the run.", &[]),
    field(
        "repoUrl",
        "The repository the push or pull request came from.",
        &[],
    ),
    field(
        "pullRequestId",
        "The pull request's number, when a pull request started the run.",
        &[],
    ),
];

/// The known outputs of a node kind; `None` when the table knows nothing about the kind.
pub fn node_outputs(kind: &str) -> Option<&'static [OutputField]> {
    Some(match kind {
        "CombinedService" | "DeploymentService" => SERVICE,
        "Project" | "BuildService" | "Addon" | "SecretGroup" | "Volume" | "ManualJob"
        | "CronJob" | "Job" | "ExternalAddon" | "Pipeline" | "ResourceTag"
        | "SecretInheritance" => RESOURCE,
        "Build" | "BuildSource" => BUILD,
        "Subdomain" | "SubdomainPath" => SUBDOMAIN,
        "OpenTofu" => OPEN_TOFU,
        "AddonBackup" => ADDON_BACKUP,
        _ => return None,
    })
}

/// The fields one level below `path` (the segments after the ref), or `None` when the table
/// does not know that level. An empty `path` gives the top level.
pub fn fields_at<'p>(
    top: &'static [OutputField],
    path: impl IntoIterator<Item = &'p str>,
) -> Option<&'static [OutputField]> {
    let mut level = top;
    for segment in path {
        level = step(level, segment)?.children;
    }
    Some(level)
}

/// The field of `level` that `segment` selects.
pub fn step(level: &'static [OutputField], segment: &str) -> Option<&'static OutputField> {
    let is_index = !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit());
    level.iter().find(|f| {
        f.name == segment || (f.name == INDEX && is_index) || (f.name == ANY_NAME && !is_index)
    })
}
