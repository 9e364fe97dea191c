//! End-to-end tests: the built `northflank-lsp` binary, driven over stdio like an editor.

mod support;

mod features;
mod lifecycle;
mod platform;
mod preview;
mod sync;
