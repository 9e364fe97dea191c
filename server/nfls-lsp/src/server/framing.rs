//! A guard in front of tower-lsp-server's reader: only well-formed messages get through.
//!
//! tower-lsp-server stops reading (and so the server ends) after the first frame it cannot
//! decode: its framed reader yields `None` after a decode error. One bad message from a client
//! must not kill the server, so we read stdin ourselves, check each frame (a `Content-Length`
//! header, then a body that is UTF-8 JSON) and pass on only the good ones. A bad frame is
//! logged and dropped; garbage between frames is skipped up to the next `Content-Length`.

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, DuplexStream};

/// Bodies larger than this are dropped (and skipped without buffering them whole).
const MAX_BODY: usize = 512 * 1024 * 1024;
const MAX_HEADER: usize = 8 * 1024;
/// The input buffer's usual size; it grows for a large message and shrinks back after it.
const INITIAL_BUFFER: usize = 64 * 1024;

/// Starts the filter on `input` and returns the stream to hand to the server.
pub fn filtered<R>(input: R) -> DuplexStream
where
    R: AsyncRead + Unpin + Send + 'static,
{
    let (server_side, filter_side) = tokio::io::duplex(1 << 20);
    tokio::spawn(async move {
        if let Err(err) = pump(input, filter_side, MAX_BODY).await {
            tracing::debug!("input filter stopped: {err}");
        }
    });
    server_side
}

async fn pump<R, W>(mut input: R, mut output: W, max_body: usize) -> std::io::Result<()>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
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
                let skip = find(&buffer[1..], b"Content-Length").map_or(buffer.len(), |at| at + 1);
                tracing::warn!("skipped {skip} bytes of input that are not an LSP message");
                buffer.drain(..skip);
                continue;
            }
            if eof {
                break None;
            }
            if read_more(&mut input, &mut buffer).await? == 0 {
                eof = true;
            }
        };
        let Some(header_end) = header_end else {
            if !buffer.is_empty() {
                tracing::warn!("input ended inside a message header");
            }
            output.shutdown().await?;
            return Ok(());
        };
        let header = &buffer[..header_end];
        let length = content_length(header);
        let body_start = header_end + 4;
        let Some(length) = length else {
            tracing::warn!("dropped a message without a valid Content-Length header");
            let skip =
                find(&buffer[1..body_start], b"Content-Length").map_or(body_start, |at| at + 1);
            buffer.drain(..skip);
            continue;
        };
        if length > max_body {
            tracing::warn!("dropped a message of {length} bytes (limit {max_body})");
            buffer.drain(..body_start);
            let mut remaining = length;
            while remaining > 0 {
                if buffer.is_empty() && read_more(&mut input, &mut buffer).await? == 0 {
                    output.shutdown().await?;
                    return Ok(());
                }
                let take = remaining.min(buffer.len());
                buffer.drain(..take);
                remaining -= take;
            }
            continue;
        }
        while buffer.len() < body_start + length {
            if read_more(&mut input, &mut buffer).await? == 0 {
                tracing::warn!("input ended inside a message body");
                output.shutdown().await?;
                return Ok(());
            }
        }
        let body = &buffer[body_start..body_start + length];
        if serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok() {
            output
                .write_all(format!("Content-Length: {length}\r\n\r\n").as_bytes())
                .await?;
            output.write_all(body).await?;
            output.flush().await?;
        } else {
            tracing::warn!("dropped a message whose body is not valid JSON ({length} bytes)");
        }
        buffer.drain(..body_start + length);
        // A large message (a whole document) grew the buffer; do not keep that memory.
        if buffer.capacity() > 4 * INITIAL_BUFFER && buffer.len() < INITIAL_BUFFER {
            buffer.shrink_to(INITIAL_BUFFER);
        }
    }
}

async fn read_more<R: AsyncRead + Unpin>(
    input: &mut R,
    buffer: &mut Vec<u8>,
) -> std::io::Result<usize> {
    let mut chunk = [0u8; 64 * 1024];
    let read = input.read(&mut chunk).await?;
    buffer.extend_from_slice(&chunk[..read]);
    Ok(read)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// The `Content-Length` of a header block; `None` when it is missing or malformed, or when
/// another header names a charset other than UTF-8.
fn content_length(header: &[u8]) -> Option<usize> {
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
    use tokio::io::AsyncReadExt;

    use super::*;

    async fn run(input: &[u8]) -> String {
        let mut filtered = filtered(std::io::Cursor::new(input.to_vec()));
        let mut out = String::new();
        filtered.read_to_string(&mut out).await.unwrap();
        out
    }

    #[tokio::test]
    async fn good_frames_pass_bad_ones_are_dropped() {
        let input = b"Content-Length: 2\r\n\r\n{}\
            Content-Length: 9\r\n\r\nnot json!\
            garbage garbage\
            Content-Length: 7\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n[1,2,3]\
            Content-Length: x\r\n\r\n{}\
            Content-Length: 4\r\n\r\nnull";
        assert_eq!(
            run(input).await,
            "Content-Length: 2\r\n\r\n{}Content-Length: 7\r\n\r\n[1,2,3]Content-Length: 4\r\n\r\nnull"
        );
    }

    #[tokio::test]
    async fn truncated_input_ends_cleanly() {
        assert_eq!(run(b"Content-Length: 10\r\n\r\n{\"a\"").await, "");
        assert_eq!(run(b"Content-Len").await, "");
    }

    #[tokio::test]
    async fn oversized_bodies_are_skipped() {
        let max_body = 100_000;
        let mut input = format!("Content-Length: {}\r\n\r\n", max_body + 1).into_bytes();
        input.extend(std::iter::repeat_n(b' ', max_body + 1));
        input.extend_from_slice(b"Content-Length: 2\r\n\r\n{}");
        let (mut server_side, filter_side) = tokio::io::duplex(1 << 20);
        pump(std::io::Cursor::new(input), filter_side, max_body)
            .await
            .unwrap();
        let mut out = String::new();
        server_side.read_to_string(&mut out).await.unwrap();
        assert_eq!(out, "Content-Length: 2\r\n\r\n{}");
    }
}
