//! Scanning JSON text fast.

/// Where the first byte from `from` on that a JSON string cannot hold as it is (a quote, a
/// backslash, a control character) is in `bytes`; `bytes.len()` if there is none. Eight bytes
/// at a time: the runs of a document's strings (and between its escapes) are short, too short
/// for `memchr`'s set-up.
pub fn string_stop(bytes: &[u8], from: usize) -> usize {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGH: u64 = u64::from_le_bytes([0x80; 8]);
    // The high bit of each byte of `word` below `limit` (at least of the first such byte:
    // the borrow may mark bytes after it too, which does not matter here).
    let below = |word: u64, limit: u8| word.wrapping_sub(ONES * u64::from(limit)) & !word & HIGH;
    let mut at = from;
    while let Some(chunk) = bytes.get(at..at + 8) {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        let found = below(word, 0x20)
            | below(word ^ (ONES * u64::from(b'"')), 1)
            | below(word ^ (ONES * u64::from(b'\\')), 1);
        if found != 0 {
            return at + (found.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    bytes[at.min(bytes.len())..]
        .iter()
        .position(|&byte| byte < 0x20 || byte == b'"' || byte == b'\\')
        .map_or(bytes.len(), |found| at + found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_bytes_are_found_eight_at_a_time_as_one_by_one() {
        let naive = |bytes: &[u8], from: usize| {
            (from..bytes.len())
                .find(|&at| bytes[at] < 0x20 || bytes[at] == b'"' || bytes[at] == b'\\')
                .unwrap_or(bytes.len())
        };
        // Every byte value at every offset of a word, after every other byte value.
        for special in 0..=255u8 {
            for before in [
                b'a',
                0x1f,
                0x20,
                0x21,
                b'"' + 1,
                b'\\' + 1,
                0x7f,
                0x80,
                0xff,
            ] {
                for at in 0..20 {
                    let mut bytes = vec![before; 24];
                    bytes[at] = special;
                    if before < 0x20 || before == b'"' || before == b'\\' {
                        bytes[..at].fill(b'x');
                    }
                    for from in [0, 1, 7, 8, 9] {
                        assert_eq!(
                            string_stop(&bytes, from),
                            naive(&bytes, from),
                            "{special:#x} after {before:#x} at {at} from {from}"
                        );
                    }
                }
            }
        }
    }
}
