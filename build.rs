//! Compiles jieba's word list (`data/jieba-dict.txt.gz`) into a sorted table the
//! binary embeds: query segmentation looks words up in it instead of building
//! jieba's full dictionary at start-up (see `src/analyze/segment.rs`).
//!
//! Table layout, little-endian: word count `n` (u32); `n + 1` byte offsets (u32) into
//! the word bytes; `n` frequencies (u32); the words' UTF-8 bytes, sorted.

use std::io::{Read, Write};
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=data/jieba-dict.txt.gz");
    let compressed = std::fs::read("data/jieba-dict.txt.gz").expect("data/jieba-dict.txt.gz");
    let mut text = String::new();
    flate2::read::GzDecoder::new(compressed.as_slice())
        .read_to_string(&mut text)
        .expect("a gzip-compressed UTF-8 word list");

    let mut entries: Vec<(&str, u32)> = text
        .lines()
        .map(|line| {
            let (word, freq) = line.split_once(' ').expect("`word frequency` lines");
            (word, freq.trim().parse().expect("a frequency"))
        })
        .collect();
    entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
    entries.dedup_by(|later, earlier| later.0 == earlier.0);

    let total: u64 = entries.iter().map(|(_, f)| u64::from(*f)).sum();
    let longest = entries
        .iter()
        .map(|(w, _)| w.chars().count())
        .max()
        .unwrap_or(1);

    let mut table = Vec::with_capacity(text.len() + entries.len() * 8);
    table.extend_from_slice(&(entries.len() as u32).to_le_bytes());
    let mut offset = 0u32;
    for (word, _) in &entries {
        table.extend_from_slice(&offset.to_le_bytes());
        offset += word.len() as u32;
    }
    table.extend_from_slice(&offset.to_le_bytes());
    for (_, freq) in &entries {
        table.extend_from_slice(&freq.to_le_bytes());
    }
    for (word, _) in &entries {
        table.extend_from_slice(word.as_bytes());
    }

    let out = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    std::fs::write(out.join("jieba_words.bin"), table).expect("write the table");
    let mut constants = std::fs::File::create(out.join("jieba_words.rs")).expect("create");
    writeln!(
        constants,
        "/// Sum of all word frequencies (jieba's `total`).\npub const TOTAL_FREQUENCY: u64 = {total};\n/// Characters in the longest word.\npub const LONGEST_WORD: usize = {longest};"
    )
    .expect("write the constants");
}
