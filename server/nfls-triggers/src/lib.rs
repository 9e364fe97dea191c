//! Would a push run it? Template autorun and Git trigger rules as pure functions.
//!
//! No I/O: callers describe the push ([`PushEvent`], e.g. from `nfls-git`) and pass the
//! document as JSON. Every verdict lists the rules it evaluated and, separately, the
//! UNCONFIRMED semantics it rests on (see the format reference §4–§5), so that the editor can
//! label a preview "approximate" and say why.

mod document;
pub mod explain;
mod glob;
mod model;
pub mod rules;
mod triggers;
mod url;

pub use document::{Overall, evaluate_document, overall};
pub use explain::render as render_explanation;
pub use glob::{GlobMode, glob_match};
pub use model::{
    ChangedPath, DocKind, EventKind, LinkedObject, PathChange, PullRequest, PushEvent, RuleStep,
    RunOutcome, Verdict,
};
pub use triggers::{legacy_trigger, template_autorun, typed_trigger};
pub use url::normalize_repo_url;
