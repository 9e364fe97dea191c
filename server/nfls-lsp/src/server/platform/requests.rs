//! Requests to the client used by the platform commands: progress, questions, edits and
//! showing documents. Each has a time limit, and callers make them from spawned tasks only
//! (a handler awaiting the client can deadlock tower-lsp-server).

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tower_lsp_server::ls_types::{
    ApplyWorkspaceEditParams, MessageActionItem, MessageType, NumberOrString, ShowDocumentParams,
    Uri, WorkspaceEdit, request,
};

use crate::server::Backend;

/// How long the user has to answer a question before it counts as "Cancel".
const ANSWER_TIMEOUT: Duration = Duration::from_secs(600);
/// How long the client has for anything else.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(10);

static NEXT_PROGRESS: AtomicU64 = AtomicU64::new(1);

impl Backend {
    /// Runs `work` while the client shows `title` as progress (`$/progress` begin/end). The
    /// progress requests run in a spawned task; `work` itself never waits for the client.
    pub(super) async fn with_progress<T>(&self, title: &str, work: impl Future<Output = T>) -> T {
        let token = NumberOrString::String(format!(
            "northflank/platform/{}",
            NEXT_PROGRESS.fetch_add(1, Ordering::Relaxed)
        ));
        let client = self.client.clone();
        let title = title.to_owned();
        let (done, finished) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let created = tokio::time::timeout(
                CLIENT_TIMEOUT,
                client.create_work_done_progress(token.clone()),
            )
            .await;
            if !matches!(created, Ok(Ok(()))) {
                return;
            }
            let progress = client.progress(token, title).begin().await;
            let _ = finished.await;
            progress.finish().await;
        });
        let result = work.await;
        let _ = done.send(());
        result
    }

    /// Asks the user to pick one of `actions`; `None` when dismissed, refused or timed out.
    pub(super) async fn ask(
        &self,
        typ: MessageType,
        message: String,
        actions: &[String],
    ) -> Option<String> {
        let items = actions
            .iter()
            .map(|title| MessageActionItem {
                title: title.clone(),
                properties: Default::default(),
            })
            .collect();
        let answer = tokio::time::timeout(
            ANSWER_TIMEOUT,
            self.client.show_message_request(typ, message, Some(items)),
        )
        .await;
        match answer {
            Ok(Ok(Some(item))) => Some(item.title),
            _ => None,
        }
    }

    /// Sends `workspace/applyEdit`; `Err` says why it was not applied.
    pub(super) async fn apply(&self, label: &str, edit: WorkspaceEdit) -> Result<(), String> {
        let request =
            self.client
                .send_request::<request::ApplyWorkspaceEdit>(ApplyWorkspaceEditParams {
                    label: Some(label.to_owned()),
                    edit,
                });
        match tokio::time::timeout(ANSWER_TIMEOUT, request).await {
            Ok(Ok(response)) if response.applied => Ok(()),
            Ok(Ok(response)) => Err(response
                .failure_reason
                .unwrap_or_else(|| "the editor did not apply it".to_owned())),
            Ok(Err(err)) => Err(format!("the editor refused it ({})", err.message)),
            Err(_) => Err("the editor did not answer".to_owned()),
        }
    }

    /// Asks the client to show `uri` (a `northflank-remote:` document). Clients that cannot
    /// show it still have the text in the command result.
    pub(super) async fn show(&self, uri: Uri, take_focus: bool) {
        let params = ShowDocumentParams {
            uri,
            external: None,
            take_focus: Some(take_focus),
            selection: None,
        };
        let _ = tokio::time::timeout(CLIENT_TIMEOUT, self.client.show_document(params)).await;
    }

    pub(super) async fn tell(&self, typ: MessageType, message: String) {
        self.client.show_message(typ, message).await;
    }
}
