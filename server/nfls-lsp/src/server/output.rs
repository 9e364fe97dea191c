//! Writing to the client: one thread owns stdout and writes whole frames in the order they
//! arrive. tower-lsp-server's output is cut into frames on the way; the server's own frames —
//! published diagnostics, serialised straight from their types — join between them.
//!
//! Why: tower-lsp-server turns a notification's parameters into a `serde_json::Value` before
//! writing it, and writes through tokio's blocking pool. For the 1,033 diagnostics of a 1 MB
//! template that cost 5–7 ms per publish; serialising the parameters directly takes about 1 ms.
//! Every `publishDiagnostics` and `northflank/documentKind` goes this way (never some through
//! tower-lsp-server), so a document's diagnostics and kind reach the client in the order they
//! were sent.

use std::io::{self, Write};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::io::{AsyncReadExt, DuplexStream};

use super::framing::{content_length, find};

enum Item {
    Frame(Vec<u8>),
    /// Answered once everything queued before it is written.
    Flush(mpsc::Sender<()>),
}

/// A notification serialised and framed, ready to be sent: serialising can take a
/// millisecond, so a caller that must decide and send atomically (under a lock) prepares the
/// frame before taking it.
pub struct Frame {
    method: String,
    bytes: Vec<u8>,
}

impl Frame {
    /// Serialises a notification straight from `params` (`None`, logged, if that fails).
    pub fn notification<P: Serialize>(method: &str, params: &P) -> Option<Frame> {
        #[derive(Serialize)]
        struct Notification<'a, P> {
            jsonrpc: &'static str,
            method: &'a str,
            params: &'a P,
        }
        let body = match serde_json::to_vec(&Notification {
            jsonrpc: "2.0",
            method,
            params,
        }) {
            Ok(body) => body,
            Err(err) => {
                tracing::error!("cannot serialise a {method} notification: {err}");
                return None;
            }
        };
        let mut bytes = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        bytes.extend_from_slice(&body);
        Some(Frame {
            method: method.to_owned(),
            bytes,
        })
    }
}

/// Sends the server's own messages to the client.
#[derive(Clone, Debug)]
pub struct Output {
    /// Unbounded: a sender never waits (`didClose` publishes on the thread that reads the
    /// client's messages; blocking it while the client blocks on us would deadlock).
    items: Sender<Item>,
}

/// The threads behind an [`Output`], to be finished when the server stops.
pub struct Writer {
    output: Output,
    forwarder: JoinHandle<()>,
}

/// Starts the writer on stdout. Returns the stream tower-lsp-server writes to, the [`Output`]
/// for the server's own messages, and the [`Writer`] to finish at the end. Must be called
/// inside the tokio runtime.
pub fn start() -> io::Result<(DuplexStream, Output, Writer)> {
    let (items, received) = mpsc::channel();
    std::thread::Builder::new()
        .name("stdout".to_owned())
        .spawn(move || write_all(io::stdout().lock(), received))?;
    let (server_side, our_side) = tokio::io::duplex(64 * 1024);
    let handle = tokio::runtime::Handle::current();
    let forward = items.clone();
    let forwarder = std::thread::Builder::new()
        .name("stdout-frames".to_owned())
        .spawn(move || forward_frames(&handle, our_side, &forward))?;
    let output = Output { items };
    Ok((server_side, output.clone(), Writer { output, forwarder }))
}

impl Output {
    /// Sends a notification, serialised straight from `params`.
    pub fn notify<P: Serialize>(&self, method: &str, params: &P) {
        if let Some(frame) = Frame::notification(method, params) {
            self.send(frame);
        }
    }

    /// Sends a notification serialised earlier (see [`Frame::notification`]).
    pub fn send(&self, frame: Frame) {
        if self.items.send(Item::Frame(frame.bytes)).is_err() {
            tracing::debug!("{} not sent: the writer has stopped", frame.method);
        }
    }

    /// Answers a request the server cannot read with an "invalid request" error.
    pub fn refuse(&self, id: serde_json::Value) {
        let body = serde_json::json!({
            "jsonrpc": "2.0",
            "id": id,
            "error": {"code": -32600, "message": "invalid request: not a JSON-RPC 2.0 message"},
        })
        .to_string();
        let frame = format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes();
        if self.items.send(Item::Frame(frame)).is_err() {
            tracing::debug!("refusal not sent: the writer has stopped");
        }
    }

    /// Waits, up to `limit`, until everything sent before is written. False on time-out or
    /// when the writer has stopped.
    fn flush(&self, limit: Duration) -> bool {
        let (done, wait) = mpsc::channel();
        self.items.send(Item::Flush(done)).is_ok() && wait.recv_timeout(limit).is_ok()
    }
}

impl Writer {
    /// Once tower-lsp-server has stopped writing: waits, up to `limit` in all, until its last
    /// messages and the server's own are written.
    pub fn finish(self, limit: Duration) {
        let deadline = Instant::now() + limit;
        while !self.forwarder.is_finished() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if !self.output.flush(left) {
            tracing::debug!("output not flushed before exit");
        }
    }
}

fn write_all(mut stdout: impl Write, items: Receiver<Item>) {
    for item in items {
        match item {
            Item::Frame(frame) => {
                if let Err(err) = stdout.write_all(&frame).and_then(|()| stdout.flush()) {
                    tracing::debug!("output closed: {err}");
                    return;
                }
            }
            Item::Flush(done) => {
                let _ = done.send(());
            }
        }
    }
}

/// Reads tower-lsp-server's output and passes it on frame by frame.
fn forward_frames(handle: &tokio::runtime::Handle, mut input: DuplexStream, items: &Sender<Item>) {
    let mut buffer = Vec::with_capacity(64 * 1024);
    loop {
        match handle.block_on(input.read_buf(&mut buffer)) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        for frame in take_frames(&mut buffer) {
            if items.send(Item::Frame(frame)).is_err() {
                return;
            }
        }
    }
}

/// Removes the complete frames at the start of `buffer`. tower-lsp-server writes well-formed
/// frames; should a header ever not parse, the bytes up to the next header pass on as they are.
fn take_frames(buffer: &mut Vec<u8>) -> Vec<Vec<u8>> {
    let mut frames = Vec::new();
    let mut start = 0;
    while let Some(header_end) = find(&buffer[start..], b"\r\n\r\n") {
        let body_start = start + header_end + 4;
        let end = match content_length(&buffer[start..start + header_end]) {
            Some(length) if buffer.len() >= body_start + length => body_start + length,
            Some(_) => break,
            None => find(&buffer[body_start..], b"Content-Length")
                .map_or(buffer.len(), |at| body_start + at),
        };
        frames.push(buffer[start..end].to_vec());
        start = end;
    }
    buffer.drain(..start);
    frames
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_is_cut_into_whole_frames_however_it_arrives() {
        let stream = b"Content-Length: 2\r\n\r\n{}Content-Length: 12\r\n\r\n{\"a\":\"\\r\\n\"}Content-Length: 4\r\n\r\nnull";
        for chunk in [1, 3, 7, stream.len()] {
            let mut buffer = Vec::new();
            let mut frames = Vec::new();
            for piece in stream.chunks(chunk) {
                buffer.extend_from_slice(piece);
                frames.extend(take_frames(&mut buffer));
            }
            assert!(buffer.is_empty(), "{chunk}");
            assert_eq!(
                frames,
                [
                    b"Content-Length: 2\r\n\r\n{}".to_vec(),
                    b"Content-Length: 12\r\n\r\n{\"a\":\"\\r\\n\"}".to_vec(),
                    b"Content-Length: 4\r\n\r\nnull".to_vec(),
                ],
                "{chunk}"
            );
        }
    }

    #[test]
    fn notifications_and_flushes_are_written_in_order() {
        let (items, received) = mpsc::channel();
        let output = Output { items };
        output.notify("a/b", &serde_json::json!({"x": [1, "é"]}));
        let (done, flushed) = mpsc::channel();
        output.items.send(Item::Flush(done)).unwrap();
        output.notify("c", &());
        drop(output);
        let mut written = Vec::new();
        write_all(&mut written, received);
        assert_eq!(flushed.try_recv(), Ok(()));
        let a = r#"{"jsonrpc":"2.0","method":"a/b","params":{"x":[1,"é"]}}"#;
        let c = r#"{"jsonrpc":"2.0","method":"c","params":null}"#;
        assert_eq!(
            String::from_utf8(written).unwrap(),
            format!(
                "Content-Length: {}\r\n\r\n{a}Content-Length: {}\r\n\r\n{c}",
                a.len(),
                c.len()
            )
        );
    }
}
