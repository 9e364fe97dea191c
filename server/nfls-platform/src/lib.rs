//! Northflank REST API client: typed models and calls for templates, release flows, preview
//! templates, workflows, preview blueprints and Git lookups, plus the pure helpers the language
//! server needs around them (remote-document normalisation, GitOps link matching).
//!
//! All calls are plain `async fn`s on [`Client`]; dropping a call's future cancels the request.

mod api;
mod client;
pub mod config;
pub mod error;
pub mod gitops;
pub mod models;
pub mod normalize;
pub mod operation;

pub use client::Client;
pub use config::{
    ClientConfig, RetryPolicy, Token, TokenError, TokenSource, resolve_token,
    resolve_token_from_env,
};
pub use error::ApiError;
pub use gitops::{GitopsLink, Linked, find_linked, normalize_file_path, normalize_repo_url};
pub use models::*;
pub use normalize::{DocumentKind, normalize_remote_document};
pub use operation::Operation;
