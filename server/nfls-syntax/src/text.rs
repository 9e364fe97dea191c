//! Conversion between byte offsets and line/character positions, in UTF-8 or UTF-16 code units.
//!
//! The line breaks are exactly the ones LSP knows: `\n`, `\r\n` and `\r`. U+2028, U+0085, form
//! feed and vertical tab are ordinary characters here, as they are for editors speaking LSP.
//! [`LineIndex`] answers for a text (a document version); [`rope_offset`] for a
//! [`ropey::Rope`] being edited (compiled with only the `cr_lines` line-break feature, so its
//! lines are LSP's too).

use std::sync::Arc;

use ropey::Rope;

use crate::TextRange;

/// The unit of `Position::character`: UTF-8 bytes or UTF-16 code units (LSP's default).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

/// A 0-based line and character (in the units of some [`Encoding`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    pub line: u32,
    pub character: u32,
}

impl Position {
    pub const fn new(line: u32, character: u32) -> Position {
        Position { line, character }
    }
}

/// Line index of one text: the start of every line, so that offset ↔ position queries take a
/// binary search and a scan of one line.
#[derive(Clone, Debug)]
pub struct LineIndex {
    text: Arc<String>,
    /// Byte offset of each line's start; the first is 0.
    starts: Vec<u32>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        LineIndex::from_shared(Arc::new(text.to_owned()))
    }

    /// The index of a text shared with its owner (no copy). An `Arc<String>` rather than an
    /// `Arc<str>`: a server's text arrives as a `String` (decoded, or built from its edits),
    /// which an `Arc<str>` would copy once more.
    pub fn from_shared(text: Arc<String>) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = Vec::with_capacity(bytes.len() / 32 + 1);
        starts.push(0);
        for at in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            // `\r\n` is one break: its `\r` starts nothing.
            if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
                continue;
            }
            starts.push(at as u32 + 1);
        }
        LineIndex { text, starts }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn len(&self) -> u32 {
        self.text.len() as u32
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Number of lines; text ending in a line break has an empty last line after it.
    pub fn line_count(&self) -> u32 {
        self.starts.len() as u32
    }

    /// The byte range of `line` without its line break (empty at the end for lines past the
    /// last one).
    pub fn line_range(&self, line: u32) -> TextRange {
        if line >= self.line_count() {
            return TextRange::empty(self.len());
        }
        TextRange::new(
            self.starts[line as usize],
            self.content_end(line as usize) as u32,
        )
    }

    /// End of a line's content, before its line break.
    fn content_end(&self, line: usize) -> usize {
        let Some(&next) = self.starts.get(line + 1) else {
            return self.text.len();
        };
        let bytes = self.text.as_bytes();
        let mut end = next as usize;
        if bytes[end - 1] == b'\n' {
            end -= 1;
            if end > self.starts[line] as usize && bytes[end - 1] == b'\r' {
                end -= 1;
            }
        } else {
            // A lone `\r`.
            end -= 1;
        }
        end
    }

    /// The line holding byte `offset` (at most the text's length).
    fn line_of(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|&start| start as usize <= offset)
            - 1
    }

    /// The position of `offset`. Offsets past the end clamp to the end; an offset inside a
    /// multi-byte character snaps back to its start, one inside a `\r\n` to the line's end.
    pub fn position(&self, offset: u32, enc: Encoding) -> Position {
        let bytes = self.text.as_bytes();
        let mut off = (offset as usize).min(bytes.len());
        // Back to the start of the character (continuation bytes are 0b10xx_xxxx).
        while off > 0 && off < bytes.len() && bytes[off] & 0xC0 == 0x80 {
            off -= 1;
        }
        let line = self.line_of(off);
        let start = self.starts[line] as usize;
        let off = off.min(self.content_end(line));
        let prefix = &bytes[start..off];
        let character = match enc {
            Encoding::Utf8 => prefix.len(),
            Encoding::Utf16 if prefix.is_ascii() => prefix.len(),
            // One unit per character, two for those outside the BMP (4-byte sequences).
            Encoding::Utf16 => prefix
                .iter()
                .map(|byte| match byte {
                    0x80..=0xBF => 0,
                    0xF0..=0xFF => 2,
                    _ => 1,
                })
                .sum(),
        };
        Position {
            line: line as u32,
            character: character as u32,
        }
    }

    /// The offset of `pos`. A character past the line's end clamps to the end of the line
    /// (before its break); a line past the last one gives the text's length. A position inside a
    /// character (a UTF-8 continuation byte, the second half of a surrogate pair) snaps back to
    /// the character's start.
    pub fn offset(&self, pos: Position, enc: Encoding) -> u32 {
        if pos.line >= self.line_count() {
            return self.len();
        }
        let line = pos.line as usize;
        let start = self.starts[line] as usize;
        let content = &self.text[start..self.content_end(line)];
        let within = match enc {
            Encoding::Utf8 => {
                let mut at = (pos.character as usize).min(content.len());
                while !content.is_char_boundary(at) {
                    at -= 1;
                }
                at
            }
            Encoding::Utf16 => {
                let mut units = 0;
                content
                    .char_indices()
                    .find(|(_, ch)| {
                        units += ch.len_utf16();
                        units > pos.character as usize
                    })
                    .map_or(content.len(), |(at, _)| at)
            }
        };
        (start + within) as u32
    }

    /// Both ends of a byte range as positions.
    pub fn range(&self, range: TextRange, enc: Encoding) -> (Position, Position) {
        (
            self.position(range.start, enc),
            self.position(range.end, enc),
        )
    }
}

/// [`LineIndex::offset`] for a rope being edited, without flattening it: the same clamping and
/// snapping.
pub fn rope_offset(rope: &Rope, pos: Position, enc: Encoding) -> u32 {
    if pos.line as usize >= rope.len_lines() {
        return rope.len_bytes() as u32;
    }
    let line = pos.line as usize;
    let start = rope.line_to_byte(line);
    let end = rope_content_end(rope, line);
    let off = match enc {
        Encoding::Utf8 => {
            let target = start + (pos.character as usize).min(end - start);
            rope.char_to_byte(rope.byte_to_char(target))
        }
        Encoding::Utf16 => {
            let s16 = rope.char_to_utf16_cu(rope.line_to_char(line));
            let e16 = rope.char_to_utf16_cu(rope.byte_to_char(end));
            let t16 = (s16 + pos.character as usize).min(e16);
            rope.char_to_byte(rope.utf16_cu_to_char(t16))
        }
    };
    off as u32
}

/// End of a rope line's content, before its line break.
fn rope_content_end(rope: &Rope, line: usize) -> usize {
    let start = rope.line_to_byte(line);
    if line + 1 >= rope.len_lines() {
        return rope.len_bytes();
    }
    let mut end = rope.line_to_byte(line + 1);
    if end > start && rope.byte(end - 1) == b'\n' {
        end -= 1;
        if end > start && rope.byte(end - 1) == b'\r' {
            end -= 1;
        }
    } else if end > start && rope.byte(end - 1) == b'\r' {
        end -= 1;
    }
    end
}
