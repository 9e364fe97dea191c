//! Conversion between byte offsets and line/character positions, in UTF-8 or UTF-16 code units.
//!
//! Built over a [`ropey::Rope`] compiled with only the `cr_lines` line-break feature, so the line
//! breaks are exactly the ones LSP knows: `\n`, `\r\n` and `\r`. U+2028, U+0085, form feed and
//! vertical tab are ordinary characters here, as they are for editors speaking LSP.

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

/// Line index of one text, answering offset ↔ position queries in O(log n).
#[derive(Clone, Debug)]
pub struct LineIndex {
    rope: Rope,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        LineIndex {
            rope: Rope::from_str(text),
        }
    }

    pub fn from_rope(rope: Rope) -> LineIndex {
        LineIndex { rope }
    }

    pub fn rope(&self) -> &Rope {
        &self.rope
    }

    pub fn len(&self) -> u32 {
        self.rope.len_bytes() as u32
    }

    pub fn is_empty(&self) -> bool {
        self.rope.len_bytes() == 0
    }

    /// Number of lines; text ending in a line break has an empty last line after it.
    pub fn line_count(&self) -> u32 {
        self.rope.len_lines() as u32
    }

    /// The byte range of `line` without its line break (empty at the end for lines past the
    /// last one).
    pub fn line_range(&self, line: u32) -> TextRange {
        if line >= self.line_count() {
            return TextRange::empty(self.len());
        }
        let start = self.rope.line_to_byte(line as usize);
        TextRange::new(start as u32, self.content_end(line as usize) as u32)
    }

    /// End of a line's content, before its line break.
    fn content_end(&self, line: usize) -> usize {
        let start = self.rope.line_to_byte(line);
        if line + 1 >= self.rope.len_lines() {
            return self.rope.len_bytes();
        }
        let mut end = self.rope.line_to_byte(line + 1);
        if end > start && self.rope.byte(end - 1) == b'\n' {
            end -= 1;
            if end > start && self.rope.byte(end - 1) == b'\r' {
                end -= 1;
            }
        } else if end > start && self.rope.byte(end - 1) == b'\r' {
            end -= 1;
        }
        end
    }

    /// The position of `offset`. Offsets past the end clamp to the end; an offset inside a
    /// multi-byte character snaps back to its start, one inside a `\r\n` to the line's end.
    pub fn position(&self, offset: u32, enc: Encoding) -> Position {
        let r = &self.rope;
        let len = r.len_bytes();
        let mut off = (offset as usize).min(len);
        // Back to the start of the character (continuation bytes are 0b10xx_xxxx).
        while off > 0 && off < len && r.byte(off) & 0xC0 == 0x80 {
            off -= 1;
        }
        let line = r.byte_to_line(off);
        let start = r.line_to_byte(line);
        let off = off.min(self.content_end(line));
        let character = match enc {
            Encoding::Utf8 => off - start,
            // Counted over the line's bytes: one unit per character, two for those outside
            // the BMP (4-byte sequences); a line is short, the rope's own counting is not.
            Encoding::Utf16 => r
                .byte_slice(start..off)
                .bytes()
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
        let r = &self.rope;
        if pos.line >= self.line_count() {
            return self.len();
        }
        let line = pos.line as usize;
        let start = r.line_to_byte(line);
        let end = self.content_end(line);
        let off = match enc {
            Encoding::Utf8 => {
                let target = start + (pos.character as usize).min(end - start);
                r.char_to_byte(r.byte_to_char(target))
            }
            Encoding::Utf16 => {
                let s16 = r.char_to_utf16_cu(r.line_to_char(line));
                let e16 = r.char_to_utf16_cu(r.byte_to_char(end));
                let t16 = (s16 + pos.character as usize).min(e16);
                r.char_to_byte(r.utf16_cu_to_char(t16))
            }
        };
        off as u32
    }

    /// Both ends of a byte range as positions.
    pub fn range(&self, range: TextRange, enc: Encoding) -> (Position, Position) {
        (
            self.position(range.start, enc),
            self.position(range.end, enc),
        )
    }
}
