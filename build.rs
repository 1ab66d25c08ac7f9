//! Tables the binary embeds, so that nothing is built at start-up or looked up in a
//! hash map per character:
//!
//! * jieba's word list (`data/jieba-dict.txt.gz`) as a sorted table: query
//!   segmentation looks words up in it instead of building jieba's full dictionary
//!   (see `src/analyze/segment.rs`). Layout, little-endian: word count `n` (u32);
//!   `n + 1` byte offsets (u32) into the word bytes; `n` frequencies (u32); `n`
//!   entity kinds (u8: 0 none, 1 person `nr`/`nrfg`/`nrt`, 2 place `ns`, 3
//!   organisation `nt`, from jieba's part-of-speech tags); the words' UTF-8 bytes,
//!   sorted.
//! * fast2s's traditional → simplified mapping of every character of the Basic
//!   Multilingual Plane, taken from `fast2s::convert` itself: 65,536 little-endian
//!   u16, the simplified form of each code point (itself when unchanged). See
//!   `src/analyze/normalize.rs` for the few characters whose mapping depends on their
//!   neighbours.
//! * What NFKC and lowercasing make of every BMP character on its own (`fold.bin`:
//!   65,536 little-endian u16, `0xFFFF` where the answer is not one BMP character),
//!   and which BMP characters are combining marks (`combining.bin`: a bitmap, 8 KB),
//!   from the same `unicode-normalization` and standard library the crate uses.

use std::io::{Read, Write};
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    jieba_words(&out);
    t2s_table(&out);
    fold_tables(&out);
}

/// The per-character folding of `src/analyze/normalize.rs`, precomputed.
fn fold_tables(out: &std::path::Path) {
    use unicode_normalization::char::canonical_combining_class;
    use unicode_normalization::UnicodeNormalization;
    write_bmp_table(&out.join("fold.bin"), |c| {
        let chars: Vec<char> = std::iter::once(c)
            .nfkc()
            .flat_map(char::to_lowercase)
            .collect();
        match chars[..] {
            [one] => u16::try_from(u32::from(one)).unwrap_or(0xFFFF),
            _ => 0xFFFF,
        }
    });
    let mut combining = vec![0u8; 65_536 / 8];
    for c in (0..=0xFFFFu32).filter_map(char::from_u32) {
        if canonical_combining_class(c) != 0 {
            let point = u32::from(c) as usize;
            combining[point / 8] |= 1 << (point % 8);
        }
    }
    std::fs::write(out.join("combining.bin"), combining).expect("write the combining table");
}

/// Every BMP code point's conversion by fast2s, alone (no neighbours). fast2s only
/// converts characters of three UTF-8 bytes (U+0800..=U+FFFF) into characters of
/// three bytes; everything else maps to itself.
fn t2s_table(out: &std::path::Path) {
    write_bmp_table(&out.join("t2s.bin"), |c| {
        let converted = fast2s::convert(c.encode_utf8(&mut [0; 4]));
        let mut chars = converted.chars();
        let first = chars.next().expect("one character in, one out");
        assert!(chars.next().is_none(), "fast2s keeps the character count");
        u16::try_from(u32::from(first)).expect("a BMP character maps into the BMP")
    });
}

/// Writes `entry` of every BMP code point as little-endian u16, indexed by code
/// point; the surrogates, which are no characters, map to themselves.
fn write_bmp_table(path: &std::path::Path, entry: impl Fn(char) -> u16) {
    let mut table = Vec::with_capacity(65_536 * 2);
    for point in 0..=0xFFFFu32 {
        let value = char::from_u32(point).map_or(point as u16, &entry);
        table.extend_from_slice(&value.to_le_bytes());
    }
    std::fs::write(path, table).expect("write a BMP table");
}

fn jieba_words(out: &std::path::Path) {
    println!("cargo:rerun-if-changed=data/jieba-dict.txt.gz");
    let compressed = std::fs::read("data/jieba-dict.txt.gz").expect("data/jieba-dict.txt.gz");
    let mut text = String::new();
    flate2::read::GzDecoder::new(compressed.as_slice())
        .read_to_string(&mut text)
        .expect("a gzip-compressed UTF-8 word list");

    let mut entries: Vec<(&str, u32, u8)> = text
        .lines()
        .map(|line| {
            let mut parts = line.split(' ');
            let word = parts.next().expect("`word frequency tag` lines");
            let freq = parts.next().expect("a frequency").trim();
            let kind = match parts.next().map(str::trim) {
                Some("nr" | "nrfg" | "nrt") => 1,
                Some("ns") => 2,
                Some("nt") => 3,
                _ => 0,
            };
            (word, freq.parse().expect("a frequency"), kind)
        })
        .collect();
    entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
    entries.dedup_by(|later, earlier| later.0 == earlier.0);

    let total: u64 = entries.iter().map(|(_, f, _)| u64::from(*f)).sum();
    let longest = entries
        .iter()
        .map(|(w, _, _)| w.chars().count())
        .max()
        .unwrap_or(1);

    let mut table = Vec::with_capacity(text.len() + entries.len() * 8);
    table.extend_from_slice(&(entries.len() as u32).to_le_bytes());
    let mut offset = 0u32;
    for (word, _, _) in &entries {
        table.extend_from_slice(&offset.to_le_bytes());
        offset += word.len() as u32;
    }
    table.extend_from_slice(&offset.to_le_bytes());
    for (_, freq, _) in &entries {
        table.extend_from_slice(&freq.to_le_bytes());
    }
    for (_, _, kind) in &entries {
        table.push(*kind);
    }
    for (word, _, _) in &entries {
        table.extend_from_slice(word.as_bytes());
    }

    std::fs::write(out.join("jieba_words.bin"), table).expect("write the table");
    let mut constants = std::fs::File::create(out.join("jieba_words.rs")).expect("create");
    writeln!(
        constants,
        "/// Sum of all word frequencies (jieba's `total`).\npub const TOTAL_FREQUENCY: u64 = {total};\n/// Characters in the longest word.\npub const LONGEST_WORD: usize = {longest};"
    )
    .expect("write the constants");
}
