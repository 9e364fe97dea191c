//! A large `didOpen` decoded while it arrives.
//!
//! A whole document arrives in pieces of at most 64 KB (a pipe's buffer), and between two
//! pieces the reader thread waits for the client. [`StreamedOpen`] uses that time: it finds the
//! `"text"` member of the message as soon as it arrives and decodes the literal's escapes piece
//! by piece into the document's buffer, so that when the last byte is in, the text is ready and
//! only the small rest of the message (`uri`, `languageId`, `version`) is left to decode.
//!
//! Nothing is taken on trust: the rest of the message, with the literal replaced by `""`, is
//! decoded as before ([`super::Decoded`]), and the text counts only if that decoding finds a
//! `didOpen` whose `text` is exactly that literal. Anything else — another method, a `"text"`
//! key elsewhere, a `\u` escape, a control character, an invalid escape, invalid UTF-8 — puts
//! back an equivalent message (the decoded part written again as a JSON string) for the
//! careful path ([`super::dispatch_owned`]).

use tower_lsp_server::ls_types::{DidOpenTextDocumentParams, TextDocumentItem};

use super::{Decoded, simple_escape};

/// How far into a message its text literal may start; a message whose literal starts later is
/// decoded whole, after it has arrived.
const MAX_PREFIX: usize = 64 * 1024;

/// The key whose string value is decoded as it arrives.
const TEXT_KEY: &[u8] = b"\"text\"";

/// A large message being received (see the module's documentation).
pub(super) struct StreamedOpen {
    /// The message as received, except the content of the text literal: up to and including
    /// the literal's opening quote, then (once the literal has ended) its closing quote and
    /// the rest of the message. Everything, once decoding as it arrives has been given up.
    body: Vec<u8>,
    /// The text literal's content, decoded so far.
    text: Vec<u8>,
    state: State,
    /// How long the whole message is.
    length: usize,
    /// Where the search for the text literal goes on in `body`.
    search_from: usize,
    /// Where the literal's opening quote is in `body`.
    literal: usize,
    /// The previous piece ended with the backslash of an escape.
    escape_pending: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Looking for the text literal.
    Prefix,
    /// Inside the text literal.
    Text,
    /// After the text literal.
    Suffix,
    /// Given up: `body` holds the message (equivalent to what was received).
    Whole,
}

/// A received message.
pub(super) enum Finished {
    /// A `didOpen`, decoded.
    Open(DidOpenTextDocumentParams),
    /// Anything else, for the careful path: the message as received, or one equivalent to it.
    Body(Vec<u8>),
}

impl StreamedOpen {
    /// A message of `length` bytes, to be fed as it arrives.
    pub(super) fn new(length: usize) -> StreamedOpen {
        StreamedOpen {
            body: Vec::with_capacity(length.min(MAX_PREFIX)),
            text: Vec::new(),
            state: State::Prefix,
            length,
            search_from: 0,
            literal: 0,
            escape_pending: false,
        }
    }

    /// The next piece of the message.
    pub(super) fn feed(&mut self, bytes: &[u8]) {
        match self.state {
            State::Prefix => {
                self.body.extend_from_slice(bytes);
                if let Some(content) = self.find_literal() {
                    let rest = self.body.split_off(content);
                    self.literal = content - 1;
                    self.state = State::Text;
                    // The rest of the message at most, most of it the text.
                    self.text
                        .reserve(self.length.saturating_sub(self.body.len()).min(1 << 30));
                    self.decode(&rest);
                } else if self.body.len() > MAX_PREFIX {
                    self.state = State::Whole;
                    self.body
                        .reserve(self.length.saturating_sub(self.body.len()));
                }
            }
            State::Text => self.decode(bytes),
            State::Suffix | State::Whole => self.body.extend_from_slice(bytes),
        }
    }

    /// The message, once all of it has been fed.
    pub(super) fn finish(mut self) -> Finished {
        match self.state {
            State::Prefix | State::Whole => Finished::Body(self.body),
            // The message ended inside the literal (it is not JSON).
            State::Text => {
                self.give_up(&[]);
                Finished::Body(self.body)
            }
            State::Suffix => match self.item() {
                Some(item) => match String::from_utf8(self.text) {
                    Ok(text) => Finished::Open(DidOpenTextDocumentParams {
                        text_document: TextDocumentItem { text, ..item },
                    }),
                    Err(err) => {
                        self.text = err.into_bytes();
                        Finished::Body(self.restored())
                    }
                },
                None => Finished::Body(self.restored()),
            },
        }
    }

    /// Where the content of a `"text": "` literal starts in `body`, if it has arrived.
    fn find_literal(&mut self) -> Option<usize> {
        let finder = memchr::memmem::Finder::new(TEXT_KEY);
        while let Some(found) = finder.find(&self.body[self.search_from..]) {
            let key = self.search_from + found;
            let mut at = key + TEXT_KEY.len();
            let mut colon = false;
            loop {
                match self.body.get(at) {
                    // Not arrived yet: look again from this key.
                    None => {
                        self.search_from = key;
                        return None;
                    }
                    Some(b' ' | b'\t' | b'\n' | b'\r') => at += 1,
                    Some(b':') if !colon => {
                        colon = true;
                        at += 1;
                    }
                    Some(b'"') if colon => return Some(at + 1),
                    Some(_) => break,
                }
            }
            self.search_from = key + 1;
        }
        // A key cut by the end of what arrived starts within the last few bytes.
        self.search_from = self.body.len().saturating_sub(TEXT_KEY.len() - 1);
        None
    }

    /// Decodes the next piece of the text literal (and passes on what follows it).
    fn decode(&mut self, bytes: &[u8]) {
        let mut at = 0;
        if self.escape_pending && !bytes.is_empty() {
            match simple_escape(bytes[0]) {
                Some(byte) => {
                    self.escape_pending = false;
                    self.text.push(byte);
                    at = 1;
                }
                // The backslash goes back before these bytes.
                None => return self.give_up(bytes),
            }
        }
        while at < bytes.len() {
            let end = nfls_syntax::scan::string_stop(bytes, at);
            self.text.extend_from_slice(&bytes[at..end]);
            at = end;
            match bytes.get(at) {
                None => return,
                Some(&byte) if byte < 0x20 => {
                    // A control character must be escaped: not JSON, for the careful path to say.
                    return self.give_up(&bytes[at..]);
                }
                Some(b'"') => {
                    self.state = State::Suffix;
                    self.body.reserve(bytes.len() - at);
                    self.body.extend_from_slice(&bytes[at..]);
                    return;
                }
                Some(_) => match bytes.get(at + 1) {
                    None => {
                        self.escape_pending = true;
                        return;
                    }
                    Some(&escaped) => match simple_escape(escaped) {
                        Some(byte) => {
                            self.text.push(byte);
                            at += 2;
                        }
                        // `\u` escapes (and invalid ones) are left to the careful path.
                        None => return self.give_up(&bytes[at..]),
                    },
                },
            }
        }
    }

    /// Stops decoding inside the literal: `body` gets the decoded part written again as JSON,
    /// then `rest` (received bytes not decoded yet, from the literal's content).
    fn give_up(&mut self, rest: &[u8]) {
        let decoded = std::mem::take(&mut self.text);
        let mut body = std::mem::take(&mut self.body);
        let pending = std::mem::take(&mut self.escape_pending);
        body.reserve(self.length.saturating_sub(body.len()));
        escape_into(&mut body, &decoded);
        if pending {
            body.push(b'\\');
        }
        body.extend_from_slice(rest);
        self.body = body;
        self.state = State::Whole;
    }

    /// The message with the text literal written again (for the careful path).
    fn restored(&self) -> Vec<u8> {
        let (before, after) = self.body.split_at(self.literal + 1);
        let mut body = Vec::with_capacity(self.body.len() + self.text.len() + self.text.len() / 8);
        body.extend_from_slice(before);
        escape_into(&mut body, &self.text);
        body.extend_from_slice(after);
        body
    }

    /// The document item (without its text) if `body`, whose text literal is now `""`, is a
    /// `didOpen` whose text is that literal.
    fn item(&self) -> Option<TextDocumentItem> {
        let Ok(Decoded::Open(raw)) = serde_json::from_slice::<Decoded>(&self.body) else {
            return None;
        };
        let (item, range) = raw.locate(&self.body)?;
        (range == (self.literal..self.literal + 2)).then_some(item)
    }
}

/// Appends `text` as the content of a JSON string literal: quotes, backslashes and control
/// characters escaped, everything else (invalid UTF-8 included) as it is.
fn escape_into(out: &mut Vec<u8>, text: &[u8]) {
    for &byte in text {
        match byte {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            0..0x20 => out.extend_from_slice(format!("\\u{byte:04x}").as_bytes()),
            _ => out.push(byte),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    /// `message` fed `chunk` bytes at a time.
    fn received(message: &[u8], chunk: usize) -> Finished {
        let mut stream = StreamedOpen::new(message.len());
        for piece in message.chunks(chunk) {
            stream.feed(piece);
        }
        stream.finish()
    }

    /// What serde_json makes of a message (invalid UTF-8 replaced first, as the careful path
    /// does).
    fn meaning(message: &[u8]) -> Option<Value> {
        serde_json::from_str(&String::from_utf8_lossy(message)).ok()
    }

    const CHUNKS: [usize; 8] = [1, 2, 3, 5, 7, 64, 4096, usize::MAX];

    /// Checks that `message` is decoded as it arrives, into what serde_json makes of it.
    fn streams(message: &[u8]) {
        let expected = meaning(message).expect("a JSON message");
        let document = &expected["params"]["textDocument"];
        for chunk in CHUNKS {
            let Finished::Open(params) = received(message, chunk) else {
                panic!("not decoded as it arrived ({chunk}-byte pieces)");
            };
            let item = params.text_document;
            assert_eq!(item.text, document["text"].as_str().unwrap(), "{chunk}");
            assert_eq!(item.uri.as_str(), document["uri"].as_str().unwrap());
            assert_eq!(item.language_id, document["languageId"].as_str().unwrap());
            assert_eq!(
                i64::from(item.version),
                document["version"].as_i64().unwrap()
            );
        }
    }

    /// Checks that `message` is left to the careful path, as itself or an equivalent.
    fn left_whole(message: &[u8]) {
        for chunk in CHUNKS {
            let Finished::Body(body) = received(message, chunk) else {
                panic!("decoded as it arrived ({chunk}-byte pieces)");
            };
            assert_eq!(meaning(&body), meaning(message), "{chunk}");
            assert_eq!(
                String::from_utf8(body.clone()).is_ok(),
                String::from_utf8(message.to_vec()).is_ok()
            );
        }
    }

    fn open(text: &str) -> Vec<u8> {
        serde_json::to_vec(&json!({
            "jsonrpc": "2.0",
            "method": "textDocument/didOpen",
            "params": {"textDocument": {
                "uri": "file:///w/a.json", "languageId": "json", "version": 4, "text": text,
            }},
        }))
        .unwrap()
    }

    const TEXT: &str = "{\n  \"a\\b\": \"é😀 ${refs.x.id}\",\r\n\t\"c\": \"/\u{8}\u{c}\"\n}\n";

    #[test]
    fn a_did_open_is_decoded_as_it_arrives() {
        streams(&open(TEXT));
        streams(&open(""));
        streams(&open("\\\\\"\"\n"));
        // Members in another order, spaces, members after the text, `"text"` as a value.
        streams(
            br#"{ "jsonrpc" : "2.0" , "method" : "textDocument/didOpen" , "params" : { "textDocument" : { "languageId" : "text" , "text" : "a\"b\\" , "version" : 1 , "uri" : "file:///a" , "extra" : {"text": "x"} } } }"#,
        );
    }

    #[test]
    fn anything_else_is_left_whole_or_written_again_equivalently() {
        let unicode = String::from_utf8(open("a\"b"))
            .unwrap()
            .replace("a\\\"b", "a\\\"\\u00e9b");
        let cases: Vec<Vec<u8>> = vec![
            // A `\u` escape; a lone surrogate.
            unicode.clone().into_bytes(),
            unicode.replace("\\u00e9", "\\ud83d").into_bytes(),
            // A raw control character and an invalid escape: not JSON.
            String::from_utf8(open("a\"b")).unwrap().replace("a\\\"b", "a\\\"\tb").into_bytes(),
            String::from_utf8(open("a\"b")).unwrap().replace("a\\\"b", "a\\\"\\xb").into_bytes(),
            // Invalid UTF-8 in the text.
            String::from_utf8(open("a\"b"))
                .unwrap()
                .replace("a\\\"b", "a\\\"\u{1}b")
                .into_bytes()
                .into_iter()
                .map(|byte| if byte == 1 { 0xff } else { byte })
                .collect(),
            // `params` before `method`; another method; a `"text"` key elsewhere first.
            br#"{"jsonrpc":"2.0","params":{"textDocument":{"uri":"file:///a","languageId":"json","version":1,"text":"a\"b"}},"method":"textDocument/didOpen"}"#.to_vec(),
            br#"{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"file:///a","version":2},"contentChanges":[{"text":"a\"b\n"}]}}"#.to_vec(),
            br#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"meta":{"text":"x\n"},"textDocument":{"uri":"file:///a","languageId":"json","version":1,"text":"a\"b"}}}"#.to_vec(),
            // Two texts; a text that is not a string; no text; cut inside the text.
            br#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///a","languageId":"json","version":1,"text":"a\"b","text":"c"}}}"#.to_vec(),
            br#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///a","languageId":"json","version":1,"text":12}}}"#.to_vec(),
            br#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///a","languageId":"json","version":1}}}"#.to_vec(),
            br#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///a","languageId":"json","version":1,"text":"a\"b\"#.to_vec(),
            b"\"text\": \"".to_vec(),
            Vec::new(),
        ];
        for message in cases {
            left_whole(&message);
        }
    }

    #[test]
    fn a_text_literal_starting_late_is_decoded_after_it_has_arrived() {
        let padding = " ".repeat(2 * MAX_PREFIX);
        let message = format!(
            r#"{{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{{"textDocument":{{"uri":"file:///a","languageId":"json","version":1,{padding}"text":"a\"b"}}}}}}"#
        );
        for chunk in [1, 4096] {
            let Finished::Body(body) = received(message.as_bytes(), chunk) else {
                panic!("decoded as it arrived ({chunk}-byte pieces)");
            };
            assert_eq!(String::from_utf8(body).unwrap(), message);
        }
        // Unless it is all there at once.
        let Finished::Open(params) = received(message.as_bytes(), usize::MAX) else {
            panic!("a whole message is decoded");
        };
        assert_eq!(params.text_document.text, "a\"b");
    }

    #[test]
    fn escaping_again_gives_the_same_string() {
        let bytes: Vec<u8> = (0..=255).collect();
        let mut literal = b"\"".to_vec();
        escape_into(&mut literal, &bytes);
        literal.push(b'"');
        let lossy = String::from_utf8_lossy(&literal);
        let decoded: String = serde_json::from_str(&lossy).unwrap();
        assert_eq!(decoded, String::from_utf8_lossy(&bytes));
    }
}
