//! Reading the client's messages: a thread of its own reads stdin, checks each frame, and
//! decodes the document-sync notifications itself.
//!
//! Why not leave all of it to tower-lsp-server:
//! - *Robustness.* Only well-formed messages get through: each frame needs a `Content-Length`
//!   header and a body that is UTF-8 JSON. A bad frame is logged and dropped; garbage between
//!   frames is skipped up to the next `Content-Length`. One bad message from a client must not
//!   stop the server.
//! - *Latency.* `didOpen` and `didChange` carry whole documents. tower-lsp-server decodes each
//!   message twice (into a generic message, then into the handler's parameters) after reading it
//!   through tokio's blocking pool 64 KB at a time; for a 1 MB document that took about 20 ms
//!   before the analysis could start. Here the reader thread reads the body straight into its
//!   buffer and decodes a sync notification once, into its typed parameters, which it leaves in
//!   the [`Inbox`]; tower-lsp-server receives a small [`SYNC_METHOD`] notification naming the
//!   ticket. Sync notifications thus still pass through tower-lsp-server in the order they
//!   arrived, with its lifecycle rules (nothing before `initialize`, nothing after `shutdown`).
//!   Anything the fast decoder does not recognise — another method, `params` before `method`,
//!   parameters of the wrong shape — goes to tower-lsp-server unchanged, if tower-lsp-server
//!   can decode it: it stops reading for good after a frame it cannot (see [`dispatch`]).
//!   A `didOpen`'s text is unescaped by [`unescape`], twice as fast as serde_json's string
//!   decoding on a document whose every quote and line break is an escape; a large message's
//!   text is decoded while the message arrives ([`streamed`]), or else in the message's own
//!   buffer ([`dispatch_owned`]). The server's [`Inbox::set_preparer`] then parses the document
//!   on this thread.

mod streamed;

use std::collections::BTreeMap;
use std::io::{self, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use tokio::io::{AsyncWriteExt, DuplexStream};
use tower_lsp_server::jsonrpc;
use tower_lsp_server::ls_types::{DidChangeTextDocumentParams, DidOpenTextDocumentParams};

/// The notification that stands for a decoded sync notification; its params are [`Ticket`].
pub const SYNC_METHOD: &str = "northflank/internal/documentSync";

/// Bodies larger than this are dropped (and skipped without buffering them whole).
const MAX_BODY: usize = 512 * 1024 * 1024;
const MAX_HEADER: usize = 8 * 1024;
/// The input buffer's usual size; a body larger than what is buffered is read into a buffer
/// of its own.
const INITIAL_BUFFER: usize = 64 * 1024;

/// A `didOpen` or `didChange` decoded by the reader thread.
#[derive(Debug)]
pub enum SyncMessage {
    Open(DidOpenTextDocumentParams),
    /// A `didOpen` the reader also parsed (see [`Inbox::set_preparer`]); its text is in the
    /// preparation, not in the params.
    Prepared(Box<(DidOpenTextDocumentParams, super::documents::Prepared)>),
    Change(DidChangeTextDocumentParams),
}

/// What the reader thread runs on each decoded sync notification before passing it on.
pub type Preparer = Box<dyn Fn(&mut SyncMessage) + Send + Sync>;

/// The params of a [`SYNC_METHOD`] notification.
#[derive(Debug, Deserialize)]
pub struct Ticket {
    pub ticket: u64,
}

/// Decoded sync notifications waiting for their [`SYNC_METHOD`] notification to be handled.
#[derive(Default)]
pub struct Inbox {
    next: AtomicU64,
    waiting: Mutex<BTreeMap<u64, SyncMessage>>,
    preparer: OnceLock<Preparer>,
}

impl std::fmt::Debug for Inbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inbox")
            .field("next", &self.next)
            .field("waiting", &self.lock().len())
            .field("preparer", &self.preparer.get().is_some())
            .finish()
    }
}

impl Inbox {
    /// Has the reader thread run `preparer` on every sync notification it decodes from now on,
    /// before the notification takes its place in the message order: the server parses a
    /// just-opened document there, at once, instead of after the hand-over to its handler.
    pub fn set_preparer(&self, preparer: Preparer) {
        if self.preparer.set(preparer).is_err() {
            tracing::warn!("the sync preparer was set twice");
        }
    }

    fn put(&self, message: SyncMessage) -> u64 {
        let ticket = self.next.fetch_add(1, Ordering::Relaxed);
        self.lock().insert(ticket, message);
        ticket
    }

    /// The message of `ticket`. Tickets are handled in the order they were issued, so older
    /// ones still waiting belong to notifications tower-lsp-server refused (before
    /// `initialize`, after `shutdown`): they are dropped here rather than kept forever.
    pub fn take(&self, ticket: u64) -> Option<SyncMessage> {
        let mut waiting = self.lock();
        let message = waiting.remove(&ticket);
        let newer = waiting.split_off(&ticket);
        if !waiting.is_empty() {
            tracing::debug!(
                count = waiting.len(),
                "dropped sync notifications never handled"
            );
        }
        *waiting = newer;
        message
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<u64, SyncMessage>> {
        self.waiting.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Starts the reader thread on stdin and returns the stream to hand to tower-lsp-server.
/// Must be called inside the tokio runtime.
pub fn start(inbox: Arc<Inbox>, output: super::output::Output) -> io::Result<DuplexStream> {
    let handle = tokio::runtime::Handle::current();
    let (server_side, mut filter_side) = tokio::io::duplex(INITIAL_BUFFER);
    std::thread::Builder::new()
        .name("stdin".to_owned())
        .spawn(move || {
            let forward = |bytes: &[u8]| {
                handle.block_on(async {
                    filter_side.write_all(bytes).await?;
                    filter_side.flush().await
                })
            };
            let answer = |id: serde_json::Value| output.refuse(id);
            if let Err(err) = pump(io::stdin().lock(), MAX_BODY, &inbox, forward, answer) {
                tracing::debug!("input reader stopped: {err}");
            }
            // Dropping `filter_side` ends the stream: the server sees the end of its input.
        })?;
    Ok(server_side)
}

/// Reads frames from `input` until it ends, passing each good one (or its ticket) to `forward`
/// and the id of each request it must drop to `answer`.
fn pump<R: Read>(
    mut input: R,
    max_body: usize,
    inbox: &Inbox,
    mut forward: impl FnMut(&[u8]) -> io::Result<()>,
    mut answer: impl FnMut(serde_json::Value),
) -> io::Result<()> {
    let mut buffer: Vec<u8> = Vec::with_capacity(INITIAL_BUFFER);
    let mut eof = false;
    loop {
        // Find the end of a header block.
        let header_end = loop {
            if let Some(end) = find(&buffer, b"\r\n\r\n") {
                break Some(end);
            }
            if buffer.len() > MAX_HEADER {
                // No header in sight: skip garbage up to the next candidate header.
                // Keep a tail that may be the start of a header cut by the read.
                let keep = b"Content-Length".len() - 1;
                let skip =
                    find(&buffer[1..], b"Content-Length").map_or(buffer.len() - keep, |at| at + 1);
                tracing::warn!("skipped {skip} bytes of input that are not an LSP message");
                buffer.drain(..skip);
                continue;
            }
            if eof {
                break None;
            }
            if read_more(&mut input, &mut buffer)? == 0 {
                eof = true;
            }
        };
        let Some(header_end) = header_end else {
            if !buffer.is_empty() {
                tracing::warn!("input ended inside a message header");
            }
            return Ok(());
        };
        let body_start = header_end + 4;
        let Some(length) = content_length(&buffer[..header_end]) else {
            tracing::warn!("dropped a message without a valid Content-Length header");
            let skip =
                find(&buffer[1..body_start], b"Content-Length").map_or(body_start, |at| at + 1);
            buffer.drain(..skip);
            continue;
        };
        buffer.drain(..body_start);
        if length > max_body {
            tracing::warn!("dropped a message of {length} bytes (limit {max_body})");
            let mut remaining = length;
            while remaining > 0 {
                if buffer.is_empty() && read_more(&mut input, &mut buffer)? == 0 {
                    return Ok(());
                }
                let take = remaining.min(buffer.len());
                buffer.drain(..take);
                remaining -= take;
            }
            continue;
        }
        if buffer.len() >= length {
            dispatch(&buffer[..length], inbox, &mut forward, &mut answer)?;
            buffer.drain(..length);
        } else {
            // A large message (a whole document): a `didOpen`'s text is decoded while the
            // rest arrives; anything else is read into a buffer of its own, which goes away
            // with the message.
            let mut message = streamed::StreamedOpen::new(length);
            message.feed(&buffer);
            let mut received = buffer.len();
            buffer.clear();
            buffer.resize(INITIAL_BUFFER, 0);
            while received < length {
                let want = (length - received).min(buffer.len());
                let read = read_some(&mut input, &mut buffer[..want])?;
                if read == 0 {
                    tracing::warn!("input ended inside a message body");
                    return Ok(());
                }
                message.feed(&buffer[..read]);
                received += read;
            }
            buffer.clear();
            let start = std::time::Instant::now();
            match message.finish() {
                streamed::Finished::Open(params) => {
                    tracing::debug!(bytes = length, elapsed = ?start.elapsed(), "sync notification decoded");
                    deliver(SyncMessage::Open(params), inbox, &mut forward)?;
                }
                streamed::Finished::Body(body) => {
                    dispatch_owned(body, inbox, &mut forward, &mut answer)?;
                }
            }
        }
    }
}

/// Passes on one body: a sync notification as a ticket, another message tower-lsp-server can
/// decode as it is. tower-lsp-server stops reading for good after a frame it cannot decode, so
/// anything else is repaired when that is possible (invalid UTF-8 and lone UTF-16 surrogate
/// escapes, which editors do send for half a surrogate pair, become U+FFFD: one UTF-16 unit, so
/// positions stay aligned) and dropped with a warning when it is not; a dropped request with
/// an id gets an "invalid request" error, so that the client does not wait for it.
fn dispatch(
    body: &[u8],
    inbox: &Inbox,
    forward: &mut impl FnMut(&[u8]) -> io::Result<()>,
    answer: &mut impl FnMut(serde_json::Value),
) -> io::Result<()> {
    if let Some(done) = try_dispatch(body, inbox, forward) {
        return done;
    }
    repair_or_drop(body, inbox, forward, answer)
}

/// The rest of [`dispatch`] for a body tower-lsp-server could not decode as it is.
fn repair_or_drop(
    body: &[u8],
    inbox: &Inbox,
    forward: &mut impl FnMut(&[u8]) -> io::Result<()>,
    answer: &mut impl FnMut(serde_json::Value),
) -> io::Result<()> {
    let repaired = repaired(body);
    if let Some(repaired) = &repaired
        && let Some(done) = try_dispatch(repaired, inbox, forward)
    {
        tracing::warn!("repaired a message with invalid UTF-8 or a lone surrogate");
        return done;
    }
    tracing::warn!(
        "dropped a message that is not a JSON-RPC message ({} bytes)",
        body.len()
    );
    let id = serde_json::from_slice::<serde_json::Value>(repaired.as_deref().unwrap_or(body))
        .ok()
        .and_then(|message| message.get("id").cloned())
        .filter(|id| id.is_number() || id.is_string());
    if let Some(id) = id {
        answer(id);
    }
    Ok(())
}

/// [`dispatch`] for a body as it is; `None` when tower-lsp-server could not decode it.
fn try_dispatch(
    body: &[u8],
    inbox: &Inbox,
    forward: &mut impl FnMut(&[u8]) -> io::Result<()>,
) -> Option<io::Result<()>> {
    let start = std::time::Instant::now();
    let decoded = serde_json::from_slice::<Decoded>(body).map_err(drop);
    pass_on(body, decoded, start, inbox, forward)
}

/// [`try_dispatch`] once `body` is decoded.
fn pass_on(
    body: &[u8],
    decoded: Result<Decoded<'_>, ()>,
    start: std::time::Instant,
    inbox: &Inbox,
    forward: &mut impl FnMut(&[u8]) -> io::Result<()>,
) -> Option<io::Result<()>> {
    let decoded = match decoded {
        Ok(Decoded::Open(raw)) => raw.decode().map_or(Err(()), |params| {
            Ok(Decoded::Sync(SyncMessage::Open(params)))
        }),
        other => other,
    };
    match decoded {
        Ok(Decoded::Sync(message)) => {
            tracing::debug!(bytes = body.len(), elapsed = ?start.elapsed(), "sync notification decoded");
            Some(deliver(message, inbox, forward))
        }
        Ok(Decoded::Internal) => {
            tracing::warn!("dropped a {SYNC_METHOD} message from the client");
            Some(Ok(()))
        }
        _ if tower_lsp_decodes(body) => Some(
            forward(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes())
                .and_then(|()| forward(body)),
        ),
        _ => None,
    }
}

/// Leaves a decoded sync notification in the inbox, prepared, and passes its ticket on.
fn deliver(
    mut message: SyncMessage,
    inbox: &Inbox,
    forward: &mut impl FnMut(&[u8]) -> io::Result<()>,
) -> io::Result<()> {
    if let Some(prepare) = inbox.preparer.get() {
        prepare(&mut message);
    }
    let ticket = inbox.put(message);
    let body =
        format!(r#"{{"jsonrpc":"2.0","method":"{SYNC_METHOD}","params":{{"ticket":{ticket}}}}}"#);
    forward(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes())
}

/// [`dispatch`] for a body the caller no longer needs: a `didOpen`'s text is decoded in the
/// body's own buffer, which becomes the document's `String` (no second buffer of the
/// document's size to allocate and fill).
fn dispatch_owned(
    mut body: Vec<u8>,
    inbox: &Inbox,
    forward: &mut impl FnMut(&[u8]) -> io::Result<()>,
    answer: &mut impl FnMut(serde_json::Value),
) -> io::Result<()> {
    let start = std::time::Instant::now();
    let decoded = serde_json::from_slice::<Decoded>(&body).map_err(drop);
    let located = match &decoded {
        Ok(Decoded::Open(raw)) => raw.locate(&body),
        _ => None,
    };
    let Some((item, text)) = located else {
        return match pass_on(&body, decoded, start, inbox, forward) {
            Some(done) => done,
            None => repair_or_drop(&body, inbox, forward, answer),
        };
    };
    drop(decoded);
    unescape_in_place(&mut body, text);
    match String::from_utf8(body) {
        Ok(text) => {
            tracing::debug!(bytes = text.len(), elapsed = ?start.elapsed(), "sync notification decoded");
            let params = DidOpenTextDocumentParams {
                text_document: tower_lsp_server::ls_types::TextDocumentItem { text, ..item },
            };
            deliver(SyncMessage::Open(params), inbox, forward)
        }
        // Cannot happen: the escapes decoded here make no invalid UTF-8 of valid UTF-8.
        Err(err) => {
            tracing::error!("a document decoded in place is not UTF-8: {err}");
            Ok(())
        }
    }
}

/// Whether tower-lsp-server can decode `body`: UTF-8 text holding a JSON-RPC 2.0 response, or
/// a request or notification.
fn tower_lsp_decodes(body: &[u8]) -> bool {
    std::str::from_utf8(body).is_ok_and(|text| {
        serde_json::from_str::<jsonrpc::Response>(text).is_ok()
            || serde_json::from_str::<jsonrpc::Request>(text).is_ok()
    })
}

/// `body` with invalid UTF-8 and lone surrogate escapes (`\ud83d` without its pair) replaced
/// by U+FFFD; `None` when it has neither.
fn repaired(body: &[u8]) -> Option<Vec<u8>> {
    let mut out = match String::from_utf8_lossy(body) {
        std::borrow::Cow::Borrowed(_) => None,
        std::borrow::Cow::Owned(text) => Some(text.into_bytes()),
    };
    let bytes = out.clone().unwrap_or_else(|| body.to_vec());
    let unit_at = |at: usize| -> Option<u32> {
        if bytes.get(at) != Some(&b'\\') || bytes.get(at + 1) != Some(&b'u') {
            return None;
        }
        let hex = std::str::from_utf8(bytes.get(at + 2..at + 6)?).ok()?;
        u32::from_str_radix(hex, 16).ok()
    };
    let (mut at, mut in_string) = (0, false);
    while at < bytes.len() {
        match bytes[at] {
            b'"' => {
                in_string = !in_string;
                at += 1;
            }
            b'\\' if in_string => match unit_at(at) {
                Some(0xD800..=0xDBFF)
                    if unit_at(at + 6).is_some_and(|low| (0xDC00..=0xDFFF).contains(&low)) =>
                {
                    at += 12
                }
                Some(0xD800..=0xDFFF) => {
                    out.get_or_insert_with(|| bytes.clone())[at..at + 6]
                        .copy_from_slice(b"\\ufffd");
                    at += 6;
                }
                Some(_) => at += 6,
                None => at += 2,
            },
            _ => at += 1,
        }
    }
    out
}

/// A message body as the reader thread sees it.
enum Decoded<'a> {
    Sync(SyncMessage),
    /// A `didOpen`, its text still as it stands in the message.
    Open(RawOpenParams<'a>),
    /// A message with our internal method: only the reader may send those.
    Internal,
    /// Valid JSON of any other kind.
    Other,
}

impl<'de> Deserialize<'de> for Decoded<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Decoded<'de>, D::Error> {
        deserializer.deserialize_any(DecodedVisitor)
    }
}

struct DecodedVisitor;

#[derive(Clone, Copy)]
enum SyncMethod {
    Open,
    Change,
}

impl<'de> Visitor<'de> for DecodedVisitor {
    type Value = Decoded<'de>;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("a JSON-RPC message")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Decoded<'de>, A::Error> {
        let mut version_ok = false;
        let mut method = None;
        let mut message = None;
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Jsonrpc => version_ok = map.next_value::<Key>()? == Key::Version2,
                Key::Method => {
                    method = match map.next_value::<Key>()? {
                        Key::DidOpen => Some(SyncMethod::Open),
                        Key::DidChange => Some(SyncMethod::Change),
                        Key::Internal => {
                            skip_entries(map)?;
                            return Ok(Decoded::Internal);
                        }
                        _ => return skip_entries(map),
                    }
                }
                Key::Params => match method {
                    Some(SyncMethod::Open) => message = Some(Decoded::Open(map.next_value()?)),
                    Some(SyncMethod::Change) => {
                        message = Some(Decoded::Sync(SyncMessage::Change(map.next_value()?)))
                    }
                    // `params` before `method`: not worth buffering; tower-lsp-server decodes it.
                    None => return skip_rest(map),
                },
                // A request or a response, or a member sync notifications do not have.
                _ => return skip_rest(map),
            }
        }
        Ok(match message {
            Some(message) if version_ok => message,
            _ => Decoded::Other,
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Decoded<'de>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Decoded::Other)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Decoded<'de>, E> {
        Ok(Decoded::Other)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Decoded<'de>, E> {
        Ok(Decoded::Other)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Decoded<'de>, E> {
        Ok(Decoded::Other)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Decoded<'de>, E> {
        Ok(Decoded::Other)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Decoded<'de>, E> {
        Ok(Decoded::Other)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Decoded<'de>, E> {
        Ok(Decoded::Other)
    }
}

/// Skips the value of the key just read and the rest of the object.
/// `didOpen` params with the document's text as it stands in the message (a JSON string,
/// escapes and all), which [`unescape`] decodes: serde_json's string decoding takes about twice
/// as long on a large document, whose quotes and line breaks are all escaped.
#[derive(Deserialize)]
struct RawOpenParams<'a> {
    #[serde(rename = "textDocument", borrow)]
    text_document: RawTextDocumentItem<'a>,
}

#[derive(Deserialize)]
struct RawTextDocumentItem<'a> {
    uri: tower_lsp_server::ls_types::Uri,
    #[serde(rename = "languageId")]
    language_id: String,
    version: i32,
    #[serde(borrow)]
    text: &'a serde_json::value::RawValue,
}

impl RawOpenParams<'_> {
    /// The typed params; `None` when the text is not a string this decoder handles (a lone
    /// surrogate escape, a value that is not a string): the caller then takes the careful path.
    fn decode(self) -> Option<DidOpenTextDocumentParams> {
        let item = self.text_document;
        let text = unescape(item.text.get())?;
        Some(DidOpenTextDocumentParams {
            text_document: tower_lsp_server::ls_types::TextDocumentItem {
                uri: item.uri,
                language_id: item.language_id,
                version: item.version,
                text,
            },
        })
    }
}

impl RawOpenParams<'_> {
    /// The params without their text, and where the text's literal is in `body` (the buffer
    /// these params were decoded from), if [`unescape_in_place`] can decode it: a string
    /// without `\u` escapes (`\\u`, an escaped backslash before a `u`, counts too: such a rare
    /// text takes the careful path).
    fn locate(
        &self,
        body: &[u8],
    ) -> Option<(
        tower_lsp_server::ls_types::TextDocumentItem,
        std::ops::Range<usize>,
    )> {
        let item = &self.text_document;
        let literal = item.text.get();
        if !literal.starts_with('"') || literal.contains("\\u") {
            return None;
        }
        let start = (literal.as_ptr() as usize).checked_sub(body.as_ptr() as usize)?;
        let range = start..start + literal.len();
        (body.get(range.clone())? == literal.as_bytes()).then(|| {
            let item = tower_lsp_server::ls_types::TextDocumentItem {
                uri: item.uri.clone(),
                language_id: item.language_id.clone(),
                version: item.version,
                text: String::new(),
            };
            (item, range)
        })
    }
}

/// Turns `body` into the decoded content of the string literal at `literal`, which
/// [`RawOpenParams::locate`] found: checked by serde_json, without `\u` escapes. Each escape
/// is shorter than what it stands for, so the decoded text fits where it was.
fn unescape_in_place(body: &mut Vec<u8>, literal: std::ops::Range<usize>) {
    let end = literal.end - 1;
    let mut read = literal.start + 1;
    let mut write = 0;
    while read < end {
        let run = memchr::memchr(b'\\', &body[read..end]).unwrap_or(end - read);
        body.copy_within(read..read + run, write);
        write += run;
        read += run;
        if read < end {
            body[write] = simple_escape(body[read + 1]).unwrap_or(body[read + 1]);
            write += 1;
            read += 2;
        }
    }
    body.truncate(write);
}

/// What a one-character escape (`\n`, `\"`, …) stands for.
fn simple_escape(byte: u8) -> Option<u8> {
    Some(match byte {
        b'"' => b'"',
        b'\\' => b'\\',
        b'/' => b'/',
        b'b' => 0x08,
        b'f' => 0x0c,
        b'n' => b'\n',
        b'r' => b'\r',
        b't' => b'\t',
        _ => return None,
    })
}

/// Decodes a JSON string literal (quotes included) that serde_json has already checked for
/// syntax. `None` for anything else, and for a `\u` escape of a lone surrogate (JSON allows
/// it; a Rust string cannot hold it).
fn unescape(literal: &str) -> Option<String> {
    let bytes = literal
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))?
        .as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while let Some(found) = memchr::memchr(b'\\', &bytes[at..]) {
        out.extend_from_slice(&bytes[at..at + found]);
        at += found + 1;
        let escape = *bytes.get(at)?;
        let byte = match escape {
            b'u' => {
                let unit = hex4(bytes, at + 1)?;
                at += 5;
                let scalar = match unit {
                    0xD800..=0xDBFF => {
                        if bytes.get(at..at + 2)? != b"\\u" {
                            return None;
                        }
                        let low = hex4(bytes, at + 2)?;
                        if !(0xDC00..=0xDFFF).contains(&low) {
                            return None;
                        }
                        at += 6;
                        0x10000 + ((u32::from(unit) - 0xD800) << 10) + (u32::from(low) - 0xDC00)
                    }
                    0xDC00..=0xDFFF => return None,
                    _ => u32::from(unit),
                };
                let mut buffer = [0; 4];
                out.extend_from_slice(char::from_u32(scalar)?.encode_utf8(&mut buffer).as_bytes());
                continue;
            }
            _ => simple_escape(escape)?,
        };
        out.push(byte);
        at += 1;
    }
    out.extend_from_slice(&bytes[at..]);
    String::from_utf8(out).ok()
}

/// The four hex digits at `at`, as a UTF-16 code unit.
fn hex4(bytes: &[u8], at: usize) -> Option<u16> {
    let digits = std::str::from_utf8(bytes.get(at..at + 4)?).ok()?;
    if !digits.bytes().all(|digit| digit.is_ascii_hexdigit()) {
        return None;
    }
    u16::from_str_radix(digits, 16).ok()
}

fn skip_rest<'de, A: MapAccess<'de>>(mut map: A) -> Result<Decoded<'de>, A::Error> {
    map.next_value::<IgnoredAny>()?;
    skip_entries(map)
}

/// Skips the rest of the object.
fn skip_entries<'de, A: MapAccess<'de>>(mut map: A) -> Result<Decoded<'de>, A::Error> {
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(Decoded::Other)
}

/// The keys and string values the fast decoder looks at; anything else is `Other`.
#[derive(PartialEq, Eq)]
enum Key {
    Jsonrpc,
    Method,
    Params,
    Version2,
    DidOpen,
    DidChange,
    Internal,
    Other,
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Key, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;

            fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
                formatter.write_str("a string")
            }

            fn visit_str<E: de::Error>(self, value: &str) -> Result<Key, E> {
                Ok(match value {
                    "jsonrpc" => Key::Jsonrpc,
                    "method" => Key::Method,
                    "params" => Key::Params,
                    "2.0" => Key::Version2,
                    "textDocument/didOpen" => Key::DidOpen,
                    "textDocument/didChange" => Key::DidChange,
                    SYNC_METHOD => Key::Internal,
                    _ => Key::Other,
                })
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

fn read_more<R: Read>(input: &mut R, buffer: &mut Vec<u8>) -> io::Result<usize> {
    let mut chunk = [0u8; INITIAL_BUFFER];
    let read = read_some(input, &mut chunk)?;
    buffer.extend_from_slice(&chunk[..read]);
    Ok(read)
}

/// One read into `buffer` (retried when interrupted); 0 at the end of the input.
fn read_some<R: Read>(input: &mut R, buffer: &mut [u8]) -> io::Result<usize> {
    loop {
        match input.read(buffer) {
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

pub(super) fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// The `Content-Length` of a header block; `None` when it is missing or malformed, or when
/// another header names a charset other than UTF-8.
pub(super) fn content_length(header: &[u8]) -> Option<usize> {
    let header = std::str::from_utf8(header).ok()?;
    let mut length = None;
    for line in header.split("\r\n") {
        let (name, value) = line.split_once(':')?;
        let value = value.trim();
        if name.eq_ignore_ascii_case("Content-Length") {
            length = Some(value.parse().ok()?);
        } else if name.eq_ignore_ascii_case("Content-Type") {
            let charset = value
                .split(';')
                .skip(1)
                .map(str::trim)
                .find_map(|param| param.strip_prefix("charset="));
            if !matches!(charset, None | Some("utf-8" | "utf8")) {
                return None;
            }
        }
    }
    length
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// What the server side receives for `input` read `chunk` bytes at a time, the ids of the
    /// requests answered with an error, and the inbox.
    fn run_answered(
        input: &[u8],
        chunk: usize,
        max_body: usize,
    ) -> (String, Vec<serde_json::Value>, Inbox) {
        struct Chunked<'a>(&'a [u8], usize);
        impl Read for Chunked<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = self.0.len().min(self.1).min(buf.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let inbox = Inbox::default();
        let mut out = Vec::new();
        let mut answered = Vec::new();
        let forward = |bytes: &[u8]| {
            out.extend_from_slice(bytes);
            Ok(())
        };
        pump(Chunked(input, chunk), max_body, &inbox, forward, |id| {
            answered.push(id)
        })
        .unwrap();
        (String::from_utf8(out).unwrap(), answered, inbox)
    }

    fn run_chunked(input: &[u8], chunk: usize, max_body: usize) -> (String, Inbox) {
        let (out, _, inbox) = run_answered(input, chunk, max_body);
        (out, inbox)
    }

    fn run(input: &[u8]) -> String {
        let (out, _) = run_chunked(input, usize::MAX, MAX_BODY);
        out
    }

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    const SHUTDOWN: &str = r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#;
    const ANSWER: &str = r#"{"jsonrpc":"2.0","id":0,"result":null}"#;

    #[test]
    fn good_frames_pass_bad_ones_are_dropped() {
        let input = format!(
            "{}Content-Length: 9\r\n\r\nnot json!\
             garbage garbage\
             Content-Length: {}\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{ANSWER}\
             Content-Length: x\r\n\r\n{{}}{}",
            frame(SHUTDOWN),
            ANSWER.len(),
            frame("null"),
        );
        assert_eq!(run(input.as_bytes()), frame(SHUTDOWN) + &frame(ANSWER));
    }

    /// JSON that tower-lsp-server cannot decode would stop it for good: such frames are dropped.
    #[test]
    fn json_that_is_not_json_rpc_is_dropped() {
        for body in [
            "{}",
            "[1,2,3]",
            "null",
            r#"{"jsonrpc":"1.0","id":1,"method":"shutdown"}"#,
            r#"{"jsonrpc":"2.0","method":"northflank/internal/documentSync","params":{"ticket":99}}"#,
        ] {
            let (out, answered, _) = run_answered(
                (frame(body) + &frame(SHUTDOWN)).as_bytes(),
                usize::MAX,
                MAX_BODY,
            );
            assert_eq!(out, frame(SHUTDOWN), "{body}");
            // A request with a usable id is answered with an error; nothing else is.
            let expected = if body.contains("\"1.0\"") {
                vec![json!(1)]
            } else {
                vec![]
            };
            assert_eq!(answered, expected, "{body}");
        }
    }

    /// Invalid UTF-8 and lone surrogate escapes (half an emoji from an editor) become U+FFFD;
    /// a paired surrogate and an escaped backslash before `u` stay as they are.
    #[test]
    fn invalid_text_is_repaired_not_dropped() {
        let open = r#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///a.json","languageId":"json","version":1,"text":"a\ud83d b\udc00 \ud83d\ude00 \\ud83d"}}}"#;
        let (out, inbox) = run_chunked(frame(open).as_bytes(), usize::MAX, MAX_BODY);
        assert!(out.contains("northflank/internal/documentSync"), "{out}");
        let Some(SyncMessage::Open(opened)) = inbox.take(0) else {
            panic!("the didOpen was not decoded")
        };
        assert_eq!(
            opened.text_document.text,
            "a\u{FFFD} b\u{FFFD} \u{1F600} \\ud83d"
        );
        let mut request = br#"{"jsonrpc":"2.0","id":2,"method":"x","params":{"q":""#.to_vec();
        request.extend_from_slice(b"\xe9t\xe9\"}}");
        let mut input = format!("Content-Length: {}\r\n\r\n", request.len()).into_bytes();
        input.extend_from_slice(&request);
        assert_eq!(
            run(&input),
            frame(
                "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"x\",\"params\":{\"q\":\"\u{FFFD}t\u{FFFD}\"}}"
            )
        );
    }

    #[test]
    fn truncated_input_ends_cleanly() {
        assert_eq!(run(b"Content-Length: 10\r\n\r\n{\"a\""), "");
        assert_eq!(run(b"Content-Len"), "");
        // The body is larger than what is buffered when the input ends.
        let (out, _) = run_chunked(b"Content-Length: 100000\r\n\r\n{\"a\"", 3, MAX_BODY);
        assert_eq!(out, "");
    }

    #[test]
    fn oversized_bodies_are_skipped() {
        let max_body = 100_000;
        let mut input = format!("Content-Length: {}\r\n\r\n", max_body + 1).into_bytes();
        input.extend(std::iter::repeat_n(b' ', max_body + 1));
        input.extend_from_slice(frame(SHUTDOWN).as_bytes());
        let (out, _) = run_chunked(&input, 4096, max_body);
        assert_eq!(out, frame(SHUTDOWN));
    }

    #[test]
    fn sync_notifications_become_tickets_in_order() {
        let text = "x".repeat(200_000);
        let open = format!(
            r#"{{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{{"textDocument":{{"uri":"file:///a.json","languageId":"json","version":1,"text":"{text}\"é"}}}}}}"#
        );
        let change = r#"{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"file:///a.json","version":2},"contentChanges":[{"text":"{}"}]}}"#;
        let hover = r#"{"jsonrpc":"2.0","id":7,"method":"textDocument/hover","params":{}}"#;
        let input = frame(&open) + &frame(hover) + &frame(change);
        // Read in small pieces too: the large body is completed from the input directly.
        for chunk in [usize::MAX, 1000, 7] {
            let (out, inbox) = run_chunked(input.as_bytes(), chunk, MAX_BODY);
            assert_eq!(
                out,
                frame(
                    r#"{"jsonrpc":"2.0","method":"northflank/internal/documentSync","params":{"ticket":0}}"#
                ) + &frame(hover)
                    + &frame(
                        r#"{"jsonrpc":"2.0","method":"northflank/internal/documentSync","params":{"ticket":1}}"#
                    )
            );
            let Some(SyncMessage::Open(opened)) = inbox.take(0) else {
                panic!("ticket 0 is the didOpen")
            };
            assert_eq!(opened.text_document.text, format!("{text}\"é"));
            assert_eq!(opened.text_document.version, 1);
            let Some(SyncMessage::Change(changed)) = inbox.take(1) else {
                panic!("ticket 1 is the didChange")
            };
            assert_eq!(changed.text_document.version, 2);
            assert_eq!(changed.content_changes[0].text, "{}");
        }
    }

    #[test]
    fn sync_notifications_the_fast_decoder_does_not_take_pass_unchanged() {
        let cases = [
            // `params` before `method`
            r#"{"jsonrpc":"2.0","params":{"textDocument":{"uri":"file:///a.json","version":2},"contentChanges":[]},"method":"textDocument/didChange"}"#,
            // params of the wrong shape
            r#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///a.json"}}}"#,
            // a request that happens to use the method name
            r#"{"jsonrpc":"2.0","id":1,"method":"textDocument/didOpen","params":{}}"#,
            r#"{"jsonrpc":"2.0","method":"textDocument/didOpenX","params":{}}"#,
        ];
        for body in cases {
            let (out, inbox) = run_chunked(frame(body).as_bytes(), usize::MAX, MAX_BODY);
            assert_eq!(out, frame(body));
            assert!(inbox.lock().is_empty(), "{body}");
        }
    }

    /// Any bytes, cut anywhere: the reader never panics, and everything it passes on is a
    /// whole frame tower-lsp-server can decode.
    #[test]
    fn arbitrary_input_passes_only_whole_json_frames() {
        let good = [
            frame(r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#),
            frame(
                r#"{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"file:///a","version":3},"contentChanges":[{"text":"\"é\u00e9"}]}}"#,
            ),
            frame(
                r#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///a","languageId":"json","version":1,"text":"{}"}}}"#,
            ),
        ];
        let garbage: [&[u8]; 9] = [
            b"Content-Length: ",
            b"17\r\n\r\n",
            br#"{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"#,
            b"\xff\xfe\x00",
            b"Content-Type: text/plain; charset=latin1\r\n",
            b"\"\\u12",
            b"[1,{\"a\":",
            b"Content-Length: 99999999999999999999\r\n\r\n",
            b"\r\n",
        ];
        let pieces: Vec<&[u8]> = good.iter().map(String::as_bytes).chain(garbage).collect();
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut frames = 0;
        for _ in 0..2000 {
            let mut input = Vec::new();
            for _ in 0..next() % 12 {
                input.extend_from_slice(pieces[next() as usize % pieces.len()]);
            }
            let chunk = 1 + (next() % 40) as usize;
            let (out, _) = run_chunked(&input, chunk, 1 << 20);
            let mut rest = out.as_bytes();
            while !rest.is_empty() {
                let header_end = find(rest, b"\r\n\r\n").expect("a header");
                let length = content_length(&rest[..header_end]).expect("a length");
                let body = &rest[header_end + 4..header_end + 4 + length];
                assert!(
                    serde_json::from_slice::<serde_json::Value>(body).is_ok(),
                    "{input:?}"
                );
                rest = &rest[header_end + 4 + length..];
                frames += 1;
            }
        }
        // Not only rejections: a good share of the inputs hold whole messages.
        assert!(frames > 200, "only {frames} frames passed");
    }

    #[test]
    fn taking_a_ticket_drops_older_ones_never_handled() {
        let inbox = Inbox::default();
        let change = |version| {
            SyncMessage::Change(DidChangeTextDocumentParams {
                text_document: tower_lsp_server::ls_types::VersionedTextDocumentIdentifier {
                    uri: "file:///a.json".parse().unwrap(),
                    version,
                },
                content_changes: Vec::new(),
            })
        };
        for version in 0..4 {
            inbox.put(change(version));
        }
        assert!(
            matches!(inbox.take(2), Some(SyncMessage::Change(c)) if c.text_document.version == 2)
        );
        assert_eq!(inbox.lock().keys().copied().collect::<Vec<_>>(), [3]);
        assert!(inbox.take(0).is_none());
        assert!(inbox.take(3).is_some());
        assert!(inbox.lock().is_empty());
    }

    #[test]
    fn unescape_decodes_every_escape_of_json() {
        assert_eq!(
            unescape(r#""a\"b\\c\/d\be\ff\ng\rh\ti""#).as_deref(),
            Some("a\"b\\c/d\u{8}e\u{c}f\ng\rh\ti")
        );
        assert_eq!(unescape(r#""""#).as_deref(), Some(""));
        assert_eq!(
            unescape(r#""\u00e9\u0000\uFFFD""#).as_deref(),
            Some("é\u{0}\u{FFFD}")
        );
        // A surrogate pair is one character.
        assert_eq!(unescape(r#""x\ud83d\ude00y""#).as_deref(), Some("x😀y"));
        // Raw UTF-8 passes as it is.
        assert_eq!(unescape("\"é😀\"").as_deref(), Some("é😀"));
    }

    #[test]
    fn unescape_leaves_what_it_cannot_decode_to_the_careful_path() {
        for literal in [
            r#""\ud83d""#,       // a lone high surrogate
            r#""\ud83dx""#,      // followed by no escape
            r#""\ud83d\u0041""#, // followed by no low surrogate
            r#""\ude00""#,       // a lone low surrogate
            r#""\u12g4""#,       // not hex
            r#""\u12""#,         // cut short
            r#""\x""#,           // no such escape
            r#""\""#,            // a backslash at the end
            "12",                // not a string
        ] {
            assert_eq!(unescape(literal), None, "{literal}");
        }
    }

    #[test]
    fn unescape_agrees_with_serde_json() {
        let texts = [
            "{\n  \"kind\": \"Workflow\",\r\n\t\"a\\b\": \"${refs.x.id}\"\n}\n",
            "\u{1}\u{1f}\u{7f}\u{80}\u{7ff}\u{800}\u{ffff}\u{10000}\u{10ffff}",
            "a line\u{2028}and\u{2029}separators, é and 😀",
        ];
        for text in texts {
            let literal = serde_json::to_string(text).unwrap();
            assert_eq!(unescape(&literal).as_deref(), Some(text), "{literal}");
            // serde_json writes no `\u` escapes for these; JSON written by others may.
            let escaped: String = text
                .encode_utf16()
                .map(|unit| format!("\\u{unit:04x}"))
                .collect();
            assert_eq!(unescape(&format!("\"{escaped}\"")).as_deref(), Some(text));
        }
    }

    #[test]
    fn a_did_open_decodes_to_its_typed_params() {
        let text = "{\n  \"a\": \"é\\\"😀\"\n}";
        let body = serde_json::to_vec(&json!({
            "jsonrpc": "2.0",
            "method": "textDocument/didOpen",
            "params": {"textDocument": {
                "uri": "file:///w/a.json", "languageId": "json", "version": 7, "text": text,
                "extra": true,
            }},
        }))
        .unwrap();
        let Ok(Decoded::Open(raw)) = serde_json::from_slice::<Decoded>(&body) else {
            panic!("not decoded as a didOpen");
        };
        let params = raw.decode().unwrap();
        let document = params.text_document;
        assert_eq!(document.uri.as_str(), "file:///w/a.json");
        assert_eq!(document.language_id, "json");
        assert_eq!(document.version, 7);
        assert_eq!(document.text, text);
    }

    #[test]
    fn unescape_in_place_agrees_with_unescape() {
        for literal in [
            r#""""#,
            r#""plain""#,
            r#""\\""#,
            r#""a\"b\\c\/d\be\ff\ng\rh\ti""#,
            r#""\n\n\n""#,
            r#""é😀 and \"${refs.x}\"""#,
            r#""eight by eight: 12345678\n12345678\"1234567\\""#,
        ] {
            // The literal in a message, as the reader holds it.
            let mut body = format!(r#"{{"text":{literal},"x":1}}"#).into_bytes();
            let start = body.iter().position(|&byte| byte == b':').unwrap() + 1;
            unescape_in_place(&mut body, start..start + literal.len());
            assert_eq!(String::from_utf8(body).ok(), unescape(literal), "{literal}");
        }
    }

    #[test]
    fn a_large_did_open_is_decoded_in_its_own_buffer_or_else_carefully() {
        let line = "  \"name\": \"é😀\\\\ ${args.x}\",\n";
        let text = format!("{{\n{}}}\r\n", line.repeat(5_000));
        let open = |text: &str| {
            frame(&format!(
                r#"{{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{{"textDocument":{{"uri":"file:///a.json","languageId":"json","version":3,"text":{text}}}}}}}"#
            ))
        };
        let escaped = |text: &str| {
            text.encode_utf16()
                .map(|unit| format!("\\u{unit:04x}"))
                .collect::<String>()
        };
        let cases = [
            // No `\u` escapes: decoded in place.
            (open(&serde_json::to_string(&text).unwrap()), text.clone()),
            // `\u` escapes: decoded into a new buffer.
            (open(&format!("\"{}\"", escaped(&text))), text.clone()),
            // A lone surrogate: repaired, then decoded.
            (
                open(&format!("\"{}\\ud83d\"", escaped(&text))),
                format!("{text}\u{FFFD}"),
            ),
        ];
        for (input, expected) in cases {
            assert!(input.len() > 2 * INITIAL_BUFFER);
            for chunk in [usize::MAX, 4096] {
                let (out, inbox) = run_chunked(input.as_bytes(), chunk, MAX_BODY);
                assert!(out.contains("northflank/internal/documentSync"), "{out}");
                let Some(SyncMessage::Open(opened)) = inbox.take(0) else {
                    panic!("ticket 0 is the didOpen")
                };
                assert_eq!(opened.text_document.text, expected);
                assert_eq!(opened.text_document.uri.as_str(), "file:///a.json");
                assert_eq!(opened.text_document.language_id, "json");
                assert_eq!(opened.text_document.version, 3);
            }
        }
    }

    /// Large bodies go through [`dispatch_owned`]: whatever is not a `didOpen` it can decode in
    /// place has the same outcome as a small body.
    #[test]
    fn large_bodies_that_are_not_a_did_open_pass_or_drop_as_small_ones_do() {
        let padding = " ".repeat(3 * INITIAL_BUFFER);
        let hover = format!(
            r#"{{"jsonrpc":"2.0","id":7,"method":"textDocument/hover","params":{{}}}}{padding}"#
        );
        let not_rpc = format!("{{}}{padding}");
        let mut not_utf8 = format!(r#"{{"jsonrpc":"2.0","id":8,"method":"x{padding}"#).into_bytes();
        not_utf8.extend_from_slice(b"\xff\"}");
        // A didOpen whose text is not a string, and one without a text.
        let open_number = format!(
            r#"{{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{{"textDocument":{{"uri":"file:///a.json","languageId":"json","version":1,"text":12}}}}}}{padding}"#
        );
        let open_without_text = format!(
            r#"{{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{{"textDocument":{{"uri":"file:///a.json","languageId":"json","version":1}}}}}}{padding}"#
        );
        let mut input = frame(&hover).into_bytes();
        input.extend_from_slice(frame(&not_rpc).as_bytes());
        input.extend_from_slice(format!("Content-Length: {}\r\n\r\n", not_utf8.len()).as_bytes());
        input.extend_from_slice(&not_utf8);
        input.extend_from_slice(frame(&open_number).as_bytes());
        input.extend_from_slice(frame(&open_without_text).as_bytes());
        input.extend_from_slice(frame(SHUTDOWN).as_bytes());
        for chunk in [usize::MAX, 5000] {
            let (out, answered, inbox) = run_answered(&input, chunk, MAX_BODY);
            // The hover and the malformed didOpens pass to tower-lsp-server as they are (it
            // rejects those didOpens itself), the others are dropped; the request with invalid
            // UTF-8 is repaired and passes too.
            let repaired = String::from_utf8_lossy(&not_utf8).into_owned();
            assert_eq!(
                out,
                frame(&hover)
                    + &frame(&repaired)
                    + &frame(&open_number)
                    + &frame(&open_without_text)
                    + &frame(SHUTDOWN)
            );
            assert!(answered.is_empty(), "{answered:?}");
            assert!(inbox.take(0).is_none());
        }
    }
}
