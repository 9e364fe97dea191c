//! End-to-end tests: the built `northflank-lsp` binary, driven over stdio like an editor.

mod support;

/// Real git repositories for the tests (shared with the CLI tests and `nfls-git`).
#[path = "../support/git.rs"]
mod git_support;

mod features;
mod lifecycle;
mod platform;
mod preview;
mod sync;
