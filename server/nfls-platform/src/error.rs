//! The client's error type: every failure mode of a Northflank API call, with messages that say
//! what went wrong and what to do, and that never contain the API token.

use std::time::Duration;

use serde_json::Value;

/// A failed API call.
///
/// Messages never contain the token: server-provided text is redacted before it is stored, and
/// transport errors are reduced to their kind.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// HTTP 401.
    #[error("the API token was rejected: create a new one in Team settings → API → Tokens")]
    Unauthorized { request_id: Option<String> },

    /// HTTP 403.
    #[error("the API token may not {action}: give its API role the permission `{permission}`")]
    Forbidden {
        action: String,
        permission: &'static str,
        server_message: Option<String>,
    },

    /// HTTP 404.
    #[error("{object} was not found")]
    NotFound {
        object: String,
        server_message: Option<String>,
    },

    /// HTTP 429 that could not be waited out within the retry bounds.
    #[error("the Northflank API rate limit was hit while trying to {action} ({}): {}", attempts_text(*.attempts), retry_text(*.retry_after))]
    RateLimited {
        action: String,
        retry_after: Option<Duration>,
        attempts: u32,
    },

    /// HTTP 5xx after the allowed retries (or at once for calls that are not safe to repeat).
    #[error("the Northflank API failed to {action} with HTTP {status}{} ({})", message_suffix(.message.as_deref()), attempts_text(*.attempts))]
    Server {
        action: String,
        status: u16,
        message: Option<String>,
        attempts: u32,
    },

    /// Any other 4xx: the request itself was refused (validation errors, conflicts).
    #[error("the Northflank API refused to {action} (HTTP {status}): {message}")]
    Rejected {
        action: String,
        status: u16,
        message: String,
        details: Option<Value>,
    },

    /// Every attempt ran out of time.
    #[error("the request to {action} timed out after {} ({})", duration_text(*.timeout), attempts_text(*.attempts))]
    Timeout {
        action: String,
        timeout: Duration,
        attempts: u32,
    },

    /// The connection failed or broke off before a complete response arrived.
    #[error("could not reach the Northflank API to {action} ({}): {reason}", attempts_text(*.attempts))]
    Connection {
        action: String,
        reason: String,
        attempts: u32,
    },

    /// The response arrived but is not the JSON the API documents (truncated, HTML, wrong shape).
    #[error("the Northflank API sent an unreadable response to {action} (HTTP {status}): {reason}")]
    InvalidResponse {
        action: String,
        status: u16,
        reason: String,
    },

    /// A `list_all_*` helper hit the page cap.
    #[error("stopped listing {what} after {pages} pages: the list is longer than the page limit")]
    PageLimit { what: String, pages: u32 },

    /// The server returned the same cursor twice; following it would loop forever.
    #[error("the Northflank API returned the same page cursor twice while listing {what}")]
    CursorLoop { what: String },

    /// The configuration cannot produce a working client.
    #[error("invalid API client configuration: {0}")]
    InvalidConfig(String),
}

impl ApiError {
    /// The HTTP status behind the error, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Unauthorized { .. } => Some(401),
            ApiError::Forbidden { .. } => Some(403),
            ApiError::NotFound { .. } => Some(404),
            ApiError::RateLimited { .. } => Some(429),
            ApiError::Server { status, .. }
            | ApiError::Rejected { status, .. }
            | ApiError::InvalidResponse { status, .. } => Some(*status),
            _ => None,
        }
    }
}

fn attempts_text(attempts: u32) -> String {
    if attempts == 1 {
        "1 attempt".to_owned()
    } else {
        format!("{attempts} attempts")
    }
}

fn retry_text(retry_after: Option<Duration>) -> String {
    match retry_after {
        Some(wait) => format!("try again in {}", duration_text(wait)),
        None => "try again later".to_owned(),
    }
}

fn message_suffix(message: Option<&str>) -> String {
    match message {
        Some(m) if !m.is_empty() => format!(": {m}"),
        _ => String::new(),
    }
}

/// "250 ms" below two seconds, whole seconds above (rounded up, so a wait is never understated).
pub(crate) fn duration_text(d: Duration) -> String {
    if d < Duration::from_secs(2) {
        format!("{} ms", d.as_millis())
    } else {
        let secs = d.as_secs() + u64::from(d.subsec_nanos() > 0);
        format!("{secs} s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_read_well() {
        let e = ApiError::Server {
            action: "get template `web`".into(),
            status: 502,
            message: None,
            attempts: 4,
        };
        assert_eq!(
            e.to_string(),
            "the Northflank API failed to get template `web` with HTTP 502 (4 attempts)"
        );
        let e = ApiError::RateLimited {
            action: "list templates".into(),
            retry_after: Some(Duration::from_secs(3600)),
            attempts: 1,
        };
        assert_eq!(
            e.to_string(),
            "the Northflank API rate limit was hit while trying to list templates (1 attempt): try again in 3600 s"
        );
        assert_eq!(duration_text(Duration::from_millis(150)), "150 ms");
        assert_eq!(duration_text(Duration::from_millis(2500)), "3 s");
    }
}
