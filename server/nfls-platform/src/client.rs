//! The HTTP core: authentication, the `{data, pagination}` envelope, the error envelope, retries
//! with backoff, rate limits and cursor pagination.
//!
//! Every public method is a plain `async fn`. Dropping its future (a newer edit superseded the
//! request, the editor cancelled it, a `tokio::time::timeout` fired) cancels the request: the
//! connection is closed and no retry or backoff sleep continues in the background.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::config::ClientConfig;
use crate::error::ApiError;
use crate::models::{Page, PageRequest};
use crate::operation::{Call, Method};

/// A Northflank API client. Cheap to clone (the connection pool is shared).
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: reqwest::Url,
    config: ClientConfig,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base.as_str())
            .field("team_id", &self.config.team_id)
            .finish_non_exhaustive()
    }
}

/// A successful response: `data` and, for lists, `pagination`.
pub(crate) struct Envelope {
    pub data: Value,
    pub pagination: Option<Value>,
}

enum TransportFailure {
    Timeout,
    /// The request never reached the server: always safe to retry.
    Connect(String),
    /// The connection broke after the request may have been sent.
    Broken(String),
}

impl Client {
    /// Builds a client. Fails when the base URL is not an `http`/`https` URL or the token is empty.
    pub fn new(config: ClientConfig) -> Result<Self, ApiError> {
        let base = reqwest::Url::parse(config.base_url.trim()).map_err(|e| {
            ApiError::InvalidConfig(format!("`{}` is not a URL ({e})", config.base_url))
        })?;
        if !matches!(base.scheme(), "http" | "https") || base.cannot_be_a_base() {
            return Err(ApiError::InvalidConfig(format!(
                "`{}` is not an http or https URL",
                config.base_url
            )));
        }
        if config.token.is_empty() {
            return Err(ApiError::InvalidConfig("the API token is empty".into()));
        }
        if config.page_size == 0 || config.page_size > 100 {
            return Err(ApiError::InvalidConfig(format!(
                "page size {} is outside 1–100",
                config.page_size
            )));
        }
        let http = reqwest::Client::builder()
            .timeout(config.request_timeout)
            .connect_timeout(config.request_timeout.min(Duration::from_secs(10)))
            .user_agent(concat!("northflank-lsp/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ApiError::InvalidConfig(format!("cannot build the HTTP client: {e}")))?;
        Ok(Client { http, base, config })
    }

    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// `/v1/[teams/{teamId}/]<segments>` on the base URL, each segment percent-encoded.
    fn url(&self, segments: &[&str], query: &[(&str, String)]) -> reqwest::Url {
        let mut url = self.base.clone();
        {
            // `cannot_be_a_base` was ruled out in `new`, so this cannot fail.
            if let Ok(mut path) = url.path_segments_mut() {
                path.pop_if_empty().push("v1");
                if let Some(team) = &self.config.team_id {
                    path.push("teams").push(team);
                }
                path.extend(segments);
            }
        }
        url.set_query(None);
        url.set_fragment(None);
        if !query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (k, v) in query {
                pairs.append_pair(k, v);
            }
        }
        url
    }

    /// Replaces any occurrence of the token in server-provided text.
    pub(crate) fn redact(&self, text: &str) -> String {
        let secret = self.config.token.expose_secret();
        if secret.len() < MIN_REDACTED_LEN {
            text.to_owned()
        } else {
            text.replace(secret, "***")
        }
    }

    /// Sends one logical request, retrying within the configured bounds.
    pub(crate) async fn send<B: Serialize + ?Sized>(
        &self,
        call: &Call,
        segments: &[&str],
        query: &[(&str, String)],
        body: Option<&B>,
    ) -> Result<Envelope, ApiError> {
        let url = self.url(segments, query);
        let body = match body {
            Some(b) => Some(serde_json::to_vec(b).map_err(|e| {
                ApiError::InvalidConfig(format!("cannot encode the request body: {e}"))
            })?),
            None => None,
        };
        let method = match call.op.method() {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
        };
        let retry = &self.config.retry;
        let idempotent = call.op.is_idempotent();
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let may_retry = attempt <= retry.max_retries;
            let backoff = retry.backoff(attempt - 1);
            tracing::debug!(method = %method, path = url.path(), attempt, "northflank api request");

            let mut request = self
                .http
                .request(method.clone(), url.clone())
                .bearer_auth(self.config.token.expose_secret())
                .header(ACCEPT, "application/json");
            if let Some(bytes) = &body {
                request = request
                    .header(CONTENT_TYPE, "application/json")
                    .body(bytes.clone());
            }

            let response = match request.send().await {
                Ok(r) => r,
                Err(e) => {
                    let failure = classify(&e);
                    if may_retry && (idempotent || matches!(failure, TransportFailure::Connect(_)))
                    {
                        tracing::debug!(attempt, "transport failure, retrying");
                        tokio::time::sleep(backoff).await;
                        continue;
                    }
                    return Err(self.transport_error(call, failure, attempt));
                }
            };
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let bytes = match response.bytes().await {
                Ok(b) => b,
                Err(e) => {
                    let failure = match classify(&e) {
                        TransportFailure::Connect(r) => TransportFailure::Broken(r),
                        other => other,
                    };
                    if may_retry && idempotent {
                        tokio::time::sleep(backoff).await;
                        continue;
                    }
                    return Err(self.transport_error(call, failure, attempt));
                }
            };
            tracing::debug!(
                status,
                attempt,
                bytes = bytes.len(),
                "northflank api response"
            );

            if (200..300).contains(&status) {
                return self.parse_success(call, status, &headers, &bytes);
            }
            let server = parse_error_body(&bytes);
            let server_message = server
                .as_ref()
                .and_then(|e| e.message.as_deref())
                .map(|m| self.redact(m));
            return Err(match status {
                401 => ApiError::Unauthorized {
                    request_id: server.and_then(|e| e.id).map(|id| self.redact(&id)),
                },
                403 => ApiError::Forbidden {
                    action: call.action.clone(),
                    permission: call.op.permission(),
                    server_message,
                },
                404 => ApiError::NotFound {
                    object: call.object.clone(),
                    server_message,
                },
                429 => {
                    let wait = rate_limit_wait(&headers, SystemTime::now());
                    let too_long = wait.is_some_and(|w| w > retry.max_rate_limit_wait);
                    if may_retry && !too_long {
                        tracing::debug!(attempt, ?wait, "rate limited, waiting");
                        tokio::time::sleep(wait.unwrap_or(backoff)).await;
                        continue;
                    }
                    ApiError::RateLimited {
                        action: call.action.clone(),
                        retry_after: wait,
                        attempts: attempt,
                    }
                }
                500..=599 => {
                    if may_retry && idempotent {
                        tokio::time::sleep(backoff).await;
                        continue;
                    }
                    ApiError::Server {
                        action: call.action.clone(),
                        status,
                        message: server_message,
                        attempts: attempt,
                    }
                }
                _ => ApiError::Rejected {
                    action: call.action.clone(),
                    status,
                    message: server_message.unwrap_or_else(|| {
                        if server.is_some() {
                            "no reason given".to_owned()
                        } else {
                            "the response carried no error description".to_owned()
                        }
                    }),
                    details: server
                        .and_then(|e| e.details)
                        .map(|d| redact_value(d, self.config.token.expose_secret())),
                },
            });
        }
    }

    fn transport_error(&self, call: &Call, failure: TransportFailure, attempts: u32) -> ApiError {
        match failure {
            TransportFailure::Timeout => ApiError::Timeout {
                action: call.action.clone(),
                timeout: self.config.request_timeout,
                attempts,
            },
            TransportFailure::Connect(reason) | TransportFailure::Broken(reason) => {
                ApiError::Connection {
                    action: call.action.clone(),
                    reason: self.redact(&reason),
                    attempts,
                }
            }
        }
    }

    fn parse_success(
        &self,
        call: &Call,
        status: u16,
        headers: &HeaderMap,
        bytes: &[u8],
    ) -> Result<Envelope, ApiError> {
        let invalid = |reason: String| ApiError::InvalidResponse {
            action: call.action.clone(),
            status,
            reason,
        };
        // Some update endpoints document only "200 OK: success"; an empty body is a success.
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Envelope {
                data: Value::Null,
                pagination: None,
            });
        }
        let value: Value = serde_json::from_slice(bytes).map_err(|e| {
            let content_type = headers
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if e.is_eof() {
                invalid(format!(
                    "the JSON body ends early (truncated after {} bytes)",
                    bytes.len()
                ))
            } else if !content_type.contains("json") {
                let shown = if content_type.is_empty() {
                    "no content type".to_owned()
                } else {
                    format!("`{}`", self.redact(content_type))
                };
                invalid(format!("expected JSON but got {shown}"))
            } else {
                invalid(format!("the body is not valid JSON ({e})"))
            }
        })?;
        match value {
            Value::Object(mut map) => {
                if let Some(data) = map.remove("data") {
                    Ok(Envelope {
                        data,
                        pagination: map.remove("pagination"),
                    })
                } else if let Some(error) = map.get("error") {
                    let message = error
                        .get("message")
                        .and_then(Value::as_str)
                        .unwrap_or("no message");
                    Err(invalid(format!(
                        "a success status with an error body: {}",
                        self.redact(message)
                    )))
                } else {
                    // Not enveloped: take the object itself as the payload.
                    Ok(Envelope {
                        data: Value::Object(map),
                        pagination: None,
                    })
                }
            }
            other => Ok(Envelope {
                data: other,
                pagination: None,
            }),
        }
    }

    /// Decodes `data` (or `data[key]`) as `T`, reporting a shape mismatch as an invalid response.
    pub(crate) fn decode<T: DeserializeOwned>(
        &self,
        call: &Call,
        value: Value,
    ) -> Result<T, ApiError> {
        T::deserialize(&value).map_err(|e| ApiError::InvalidResponse {
            action: call.action.clone(),
            status: 200,
            reason: format!("unexpected shape: {}", self.redact(&e.to_string())),
        })
    }

    /// One page of a list endpoint whose items sit in `data[key]`.
    pub(crate) async fn list_page<T: DeserializeOwned>(
        &self,
        call: &Call,
        segments: &[&str],
        key: &str,
        page: &PageRequest,
        mut query: Vec<(&str, String)>,
    ) -> Result<Page<T>, ApiError> {
        if let Some(n) = page.per_page {
            query.push(("per_page", n.to_string()));
        }
        if let Some(n) = page.page {
            query.push(("page", n.to_string()));
        }
        if let Some(c) = &page.cursor {
            query.push(("cursor", c.clone()));
        }
        let envelope = self.send::<()>(call, segments, &query, None).await?;
        let items = match envelope.data {
            Value::Object(mut map) => map.remove(key).unwrap_or(Value::Array(Vec::new())),
            Value::Null => Value::Array(Vec::new()),
            other => {
                return Err(ApiError::InvalidResponse {
                    action: call.action.clone(),
                    status: 200,
                    reason: format!("expected an object with `{key}`, got {}", kind_of(&other)),
                });
            }
        };
        let items: Vec<T> = self.decode(call, items)?;
        let pagination = envelope.pagination.unwrap_or(Value::Null);
        Ok(Page {
            items,
            has_next_page: pagination
                .get("hasNextPage")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            cursor: pagination
                .get("cursor")
                .and_then(Value::as_str)
                .map(str::to_owned),
            count: pagination
                .get("count")
                .and_then(Value::as_f64)
                .map(|c| c as u64),
        })
    }

    /// Follows pages from the first one until `hasNextPage` is false, at most `max_pages` pages.
    /// Uses the returned cursor, or page numbers when the API returns none.
    pub(crate) async fn list_all<T>(
        &self,
        what: &str,
        mut fetch: impl AsyncFnMut(PageRequest) -> Result<Page<T>, ApiError>,
    ) -> Result<Vec<T>, ApiError> {
        let per_page = self.config.page_size;
        let mut request = PageRequest::first(per_page);
        let mut items = Vec::new();
        let mut pages: u32 = 0;
        loop {
            let page = fetch(request.clone()).await?;
            pages += 1;
            items.extend(page.items);
            if !page.has_next_page {
                return Ok(items);
            }
            if pages >= self.config.max_pages {
                return Err(ApiError::PageLimit {
                    what: what.to_owned(),
                    pages,
                });
            }
            request = match page.cursor {
                Some(cursor) => {
                    if request.cursor.as_deref() == Some(cursor.as_str()) {
                        return Err(ApiError::CursorLoop {
                            what: what.to_owned(),
                        });
                    }
                    PageRequest {
                        per_page: Some(per_page),
                        cursor: Some(cursor),
                        page: None,
                    }
                }
                None => PageRequest {
                    per_page: Some(per_page),
                    cursor: None,
                    page: Some(pages + 1),
                },
            };
        }
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Reduces a reqwest error to what we report. Its own `Display` names the URL (harmless) but
/// is long; the kind is what a user can act on.
fn classify(e: &reqwest::Error) -> TransportFailure {
    if e.is_timeout() {
        TransportFailure::Timeout
    } else if e.is_connect() {
        TransportFailure::Connect(source_text(e, "the connection could not be opened"))
    } else if e.is_body() || e.is_decode() {
        TransportFailure::Broken("the connection closed before the whole response arrived".into())
    } else {
        TransportFailure::Broken(source_text(e, "the connection failed"))
    }
}

/// The innermost cause of an error (e.g. "Connection refused (os error 111)").
fn source_text(e: &reqwest::Error, fallback: &str) -> String {
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(e);
    let mut last = None;
    while let Some(s) = source {
        last = Some(s.to_string());
        source = s.source();
    }
    match last {
        Some(cause) => format!("{fallback}: {cause}"),
        None => fallback.to_owned(),
    }
}

/// The `{"error": {status, message, id, details}}` envelope.
struct ErrorBody {
    message: Option<String>,
    id: Option<String>,
    details: Option<Value>,
}

fn parse_error_body(bytes: &[u8]) -> Option<ErrorBody> {
    let value: Value = serde_json::from_slice(bytes).ok()?;
    let error = value.get("error")?;
    Some(ErrorBody {
        message: error
            .get("message")
            .and_then(Value::as_str)
            .map(str::to_owned),
        id: error.get("id").and_then(Value::as_str).map(str::to_owned),
        details: error.get("details").cloned().filter(|d| !d.is_null()),
    })
}

/// Tokens shorter than this are not real API tokens (those are long random strings); replacing
/// every occurrence of, say, a one-letter test token would garble every message instead.
const MIN_REDACTED_LEN: usize = 8;

fn redact_value(value: Value, secret: &str) -> Value {
    if secret.len() < MIN_REDACTED_LEN {
        return value;
    }
    match value {
        Value::String(s) => Value::String(s.replace(secret, "***")),
        Value::Array(items) => {
            Value::Array(items.into_iter().map(|v| redact_value(v, secret)).collect())
        }
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k.replace(secret, "***"), redact_value(v, secret)))
                .collect(),
        ),
        other => other,
    }
}

/// How long a 429 asks us to wait: `retry-after` (seconds) first, then `x-ratelimit-reset`.
///
/// Whether `x-ratelimit-reset` is a Unix time or a number of seconds is not documented; values
/// above 10⁹ are read as Unix seconds (above 10¹² as Unix milliseconds), smaller ones as a delay.
pub(crate) fn rate_limit_wait(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let number = |name: &str| -> Option<f64> {
        let n: f64 = headers.get(name)?.to_str().ok()?.trim().parse().ok()?;
        (n.is_finite() && n >= 0.0).then_some(n)
    };
    if let Some(secs) = number("retry-after") {
        return Some(Duration::from_secs_f64(secs));
    }
    let reset = number("x-ratelimit-reset")?;
    let now = now.duration_since(UNIX_EPOCH).ok()?.as_secs_f64();
    let wait = if reset > 1e12 {
        reset / 1000.0 - now
    } else if reset > 1e9 {
        reset - now
    } else {
        reset
    };
    Some(Duration::from_secs_f64(wait.max(0.0)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        map
    }

    #[test]
    fn rate_limit_headers() {
        let now = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let wait = |pairs: &[(&'static str, &str)]| rate_limit_wait(&headers(pairs), now);
        assert_eq!(wait(&[("retry-after", "7")]), Some(Duration::from_secs(7)));
        assert_eq!(
            wait(&[("retry-after", "2"), ("x-ratelimit-reset", "90")]),
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            wait(&[("x-ratelimit-reset", "90")]),
            Some(Duration::from_secs(90))
        );
        assert_eq!(
            wait(&[("x-ratelimit-reset", "1800000030")]),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            wait(&[("x-ratelimit-reset", "1800000030000")]),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            wait(&[("x-ratelimit-reset", "1700000000")]),
            Some(Duration::ZERO)
        );
        assert_eq!(
            wait(&[("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT")]),
            None
        );
        assert_eq!(wait(&[("retry-after", "-3")]), None);
        assert_eq!(wait(&[]), None);
    }

    #[test]
    fn urls_are_prefixed_and_encoded() {
        use crate::config::{ClientConfig, Token};
        let client = Client::new(
            ClientConfig::new(Token::new("t")).with_base_url("http://127.0.0.1:1/proxy/"),
        )
        .unwrap();
        let url = client.url(&["templates", "a b/c"], &[("per_page", "5".into())]);
        assert_eq!(
            url.as_str(),
            "http://127.0.0.1:1/proxy/v1/templates/a%20b%2Fc?per_page=5"
        );
        let client = Client::new(
            ClientConfig::new(Token::new("t"))
                .with_base_url("http://127.0.0.1:1")
                .with_team("my-team"),
        )
        .unwrap();
        assert_eq!(
            client.url(&["templates"], &[]).as_str(),
            "http://127.0.0.1:1/v1/teams/my-team/templates"
        );
    }

    #[test]
    fn bad_configs_are_refused() {
        use crate::config::{ClientConfig, Token};
        let err =
            Client::new(ClientConfig::new(Token::new("t")).with_base_url("ftp://x")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid API client configuration: `ftp://x` is not an http or https URL"
        );
        let err = Client::new(ClientConfig::new(Token::new(" "))).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid API client configuration: the API token is empty"
        );
    }
}
