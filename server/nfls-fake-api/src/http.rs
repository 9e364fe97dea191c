//! The HTTP side of the fake: authentication, team prefixes, fault injection, permission
//! denials, the `{data, pagination}` / `{error}` envelopes and the rate-limit headers.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};

use crate::faults::{Fault, take_fault};
use crate::routes::{Matched, match_route, percent_decode};
use crate::store::Fail;
use crate::{RecordedRequest, Shared, lock};

const RATE_LIMIT: u64 = 1000;

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new().fallback(handle).with_state(shared)
}

/// Marks the logged request as abandoned when the handler future is dropped before finishing,
/// which is what happens when the client closes the connection (cancellation).
struct LogGuard {
    shared: Arc<Shared>,
    index: usize,
    finished: bool,
}

impl LogGuard {
    fn finish(&mut self, status: u16) {
        self.finished = true;
        if let Some(r) = lock(&self.shared.log).get_mut(self.index) {
            r.status = Some(status);
        }
    }
}

impl Drop for LogGuard {
    fn drop(&mut self) {
        if !self.finished
            && let Some(r) = lock(&self.shared.log).get_mut(self.index)
        {
            r.abandoned = true;
        }
    }
}

/// What to send: status, extra headers, content type and body, or a body that breaks off.
struct Answer {
    status: u16,
    headers: Vec<(&'static str, String)>,
    content_type: &'static str,
    body: Bytes,
    break_after: Option<usize>,
}

impl Answer {
    fn json(status: u16, value: &Value) -> Answer {
        Answer {
            status,
            headers: Vec::new(),
            content_type: "application/json; charset=utf-8",
            body: Bytes::from(serde_json::to_vec(value).unwrap_or_default()),
            break_after: None,
        }
    }

    fn error(shared: &Shared, fail: Fail) -> Answer {
        let mut error = serde_json::Map::new();
        error.insert("status".into(), json!(fail.status));
        error.insert("message".into(), json!(fail.message));
        error.insert("id".into(), json!(error_id(shared)));
        if let Some(details) = fail.details {
            error.insert("details".into(), details);
        }
        Answer::json(fail.status, &json!({ "error": error }))
    }
}

fn error_id(shared: &Shared) -> String {
    let n = lock(&shared.log).len();
    format!("err-{n:06}")
}

fn status_message(status: u16) -> &'static str {
    match status {
        400 => "Bad request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not found",
        409 => "Conflict",
        429 => "Too many requests",
        500 => "Internal server error",
        502 => "Bad gateway",
        503 => "Service unavailable",
        504 => "Gateway timeout",
        _ => "Error",
    }
}

async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let bytes = to_bytes(body, 16 * 1024 * 1024).await.unwrap_or_default();
    let method = parts.method.as_str().to_owned();
    let path = parts.uri.path().to_owned();
    let query_text = parts.uri.query().map(str::to_owned);
    let matched = match_route(&method, &path);
    let expected = format!("Bearer {}", shared.token);
    let authorized = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == expected);

    let index = {
        let mut log = lock(&shared.log);
        log.push(RecordedRequest {
            method: method.clone(),
            path: path.clone(),
            query: query_text.clone(),
            body: String::from_utf8_lossy(&bytes).into_owned(),
            route: matched.as_ref().map(|m| m.route),
            team: matched.as_ref().and_then(|m| m.team.clone()),
            authorized,
            status: None,
            abandoned: false,
        });
        log.len() - 1
    };
    let mut guard = LogGuard {
        shared: shared.clone(),
        index,
        finished: false,
    };
    let answer = answer(
        &shared, &method, &path, matched, authorized, query_text, bytes,
    )
    .await;
    guard.finish(answer.status);
    render(&shared, answer)
}

async fn answer(
    shared: &Shared,
    method: &str,
    path: &str,
    matched: Option<Matched>,
    authorized: bool,
    query_text: Option<String>,
    bytes: Bytes,
) -> Answer {
    let Some(matched) = matched else {
        return Answer::error(
            shared,
            Fail {
                status: 404,
                message: format!("no route for {method} {path}"),
                details: None,
            },
        );
    };
    if !authorized {
        return Answer::error(
            shared,
            Fail {
                status: 401,
                message: status_message(401).into(),
                details: None,
            },
        );
    }
    if let Some(team) = &matched.team
        && *team != shared.team_id
    {
        return Answer::error(
            shared,
            Fail {
                status: 404,
                message: format!("team `{team}` not found"),
                details: None,
            },
        );
    }

    let fault = take_fault(&mut lock(&shared.faults), matched.route);
    let mut mangle = None;
    match fault {
        None => {}
        Some(Fault::Delay(d)) => tokio::time::sleep(d).await,
        Some(Fault::Status(status)) => {
            return Answer::error(
                shared,
                Fail {
                    status,
                    message: status_message(status).into(),
                    details: None,
                },
            );
        }
        Some(Fault::RateLimit { retry_after, reset }) => {
            let mut a = Answer::error(
                shared,
                Fail {
                    status: 429,
                    message: status_message(429).into(),
                    details: None,
                },
            );
            if let Some(s) = retry_after {
                a.headers.push(("retry-after", s.to_string()));
            }
            if let Some(r) = reset {
                a.headers.push(("x-ratelimit-reset", r.to_string()));
                a.headers.push(("x-ratelimit-remaining", "0".into()));
            }
            return a;
        }
        Some(Fault::NonJson(status)) => {
            let html = format!(
                "<html><head><title>{status} {m}</title></head><body><h1>{status} {m}</h1></body></html>",
                m = status_message(status)
            );
            return Answer {
                status,
                headers: Vec::new(),
                content_type: "text/html",
                body: Bytes::from(html),
                break_after: None,
            };
        }
        Some(Fault::Raw {
            status,
            content_type,
            body,
        }) => {
            let mut a = Answer {
                status,
                headers: Vec::new(),
                content_type: "application/octet-stream",
                body: Bytes::from(body),
                break_after: None,
            };
            a.headers.push(("content-type", content_type));
            return a;
        }
        Some(f @ (Fault::TruncatedJson | Fault::DropConnection)) => mangle = Some(f),
    }

    if lock(&shared.denied).contains(&matched.route) {
        let permission = matched.route.permission();
        return Answer::error(
            shared,
            Fail {
                status: 403,
                message: format!("Forbidden: missing permission {permission}"),
                details: Some(json!({ "requiredPermission": permission })),
            },
        );
    }

    let body = if bytes.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(v) => Some(v),
            Err(e) => {
                return Answer::error(
                    shared,
                    Fail {
                        status: 400,
                        message: format!("the request body is not valid JSON: {e}"),
                        details: None,
                    },
                );
            }
        }
    };
    let query = parse_query(query_text.as_deref());
    let result = lock(&shared.store).handle(matched.route, &matched.params, &query, body);
    let mut answer = match result {
        Ok(reply) => {
            let mut envelope = serde_json::Map::new();
            envelope.insert("data".into(), reply.data);
            if let Some(p) = reply.pagination {
                envelope.insert("pagination".into(), p);
            }
            Answer::json(200, &Value::Object(envelope))
        }
        Err(fail) => Answer::error(shared, fail),
    };
    match mangle {
        Some(Fault::TruncatedJson) => {
            let half = answer.body.len() / 2;
            answer.body = answer.body.slice(..half);
        }
        Some(Fault::DropConnection) => answer.break_after = Some(answer.body.len() / 2),
        _ => {}
    }
    answer
}

fn parse_query(query: Option<&str>) -> Vec<(String, String)> {
    let Some(query) = query else {
        return Vec::new();
    };
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .filter_map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            Some((
                percent_decode(&k.replace('+', " "))?,
                percent_decode(&v.replace('+', " "))?,
            ))
        })
        .collect()
}

fn render(shared: &Shared, answer: Answer) -> Response {
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = match answer.break_after {
        None => Body::from(answer.body),
        Some(n) => {
            use futures::StreamExt;
            let first = answer.body.slice(..n);
            let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
                Ok(first),
                Err(std::io::Error::other(
                    "connection dropped by fault injection",
                )),
            ];
            // Pause before failing so the status line, headers and first half reach the client:
            // the break then happens mid-body, as when a connection dies during a download.
            let stream = futures::stream::iter(chunks).then(|chunk| async move {
                if chunk.is_err() {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                chunk
            });
            Body::from_stream(stream)
        }
    };
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(answer.content_type),
    );
    for (name, value) in answer.headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            headers.insert(name, value);
        }
    }
    add_rate_limit_headers(shared, headers);
    response
}

/// `x-ratelimit-*` on every response (unless a fault already set them): 1000 per hour,
/// remaining counted from the requests received, reset at the next full hour (Unix seconds).
fn add_rate_limit_headers(shared: &Shared, headers: &mut HeaderMap) {
    let used = lock(&shared.log).len() as u64;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_secs();
    let reset = (now / 3600 + 1) * 3600;
    for (name, value) in [
        ("x-ratelimit-limit", RATE_LIMIT),
        ("x-ratelimit-remaining", RATE_LIMIT.saturating_sub(used)),
        ("x-ratelimit-reset", reset),
    ] {
        if !headers.contains_key(name)
            && let Ok(v) = HeaderValue::from_str(&value.to_string())
        {
            headers.insert(HeaderName::from_static(name), v);
        }
    }
}
