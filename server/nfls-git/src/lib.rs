//! Read-only git facts through gix: repository, remote, branch, blobs, changed paths.
//!
//! Everything here is blocking (gix is a blocking library); async callers wrap calls in
//! `spawn_blocking`. Nothing in this crate writes to a repository: the working-tree diff hashes
//! files into an in-memory object store that is dropped afterwards, and there is no fetch (gix
//! needs its `blocking-network-client` feature and a credentials story for that, and the
//! workspace deliberately builds gix without networking).

mod changes;
mod facts;

pub use changes::{
    Change, ChangeKind, CommitInfo, PendingPush, RangeChanges, blob_at, commit_changes,
    pending_push, range_changes, working_tree_changes,
};
pub use facts::{RemoteFacts, Repo, RepoFacts, Upstream, discover, facts};

use std::path::PathBuf;

/// Everything that can go wrong while reading git facts.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// No repository was found in the given directory or any of its parents.
    #[error("no git repository contains `{path}`: {message}")]
    NotARepository { path: PathBuf, message: String },
    /// The repository has no work tree, so file paths cannot be related to it.
    #[error("the git repository at `{path}` is bare: it has no work tree")]
    Bare { path: PathBuf },
    /// A revision given by the caller does not name a commit.
    #[error("`{rev}` does not name a commit in this repository")]
    UnknownRevision { rev: String },
    /// Any other failure reported by gix (corrupt objects, unreadable files, bad config).
    #[error("git: {0}")]
    Git(String),
    /// A file in the work tree could not be read.
    #[error("cannot read `{path}`: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl From<gix::Error> for GitError {
    fn from(err: gix::Error) -> Self {
        GitError::Git(err.to_string())
    }
}

/// Result alias for this crate.
pub type Result<T, E = GitError> = std::result::Result<T, E>;
