//! Where the bytes of an archive go: the document store, and per field the term
//! dictionary, postings and positions (tantivy's own accounting).
//!
//! ```sh
//! cargo run --release --example space_usage -- baoku-index
//! ```
//!
//! This is the profile behind the index-size figures of `bench/`: with every
//! article's text stored and Chinese indexed twice (jieba words, and character
//! pairs with positions for phrases), it shows which part to weigh a change against.

use baoku::Archive;

fn main() {
    let dir = std::env::args()
        .nth(1)
        .or_else(|| std::env::var("BAOKU_INDEX").ok())
        .unwrap_or_else(|| "baoku-index".to_string());
    let archive = match Archive::open(&dir) {
        Ok(archive) => archive,
        Err(error) => {
            eprintln!("{error}");
            std::process::exit(2);
        }
    };
    let reader = match archive.tantivy_index().reader() {
        Ok(reader) => reader,
        Err(error) => {
            eprintln!("{dir}: {error}");
            std::process::exit(2);
        }
    };
    let usage = match reader.searcher().space_usage() {
        Ok(usage) => usage,
        Err(error) => {
            eprintln!("{dir}: {error}");
            std::process::exit(2);
        }
    };

    // Summed over segments: (part, field) -> bytes.
    let mut parts: std::collections::BTreeMap<(&str, String), u64> = Default::default();
    let mut store = 0u64;
    let mut other = 0u64;
    for segment in usage.segments() {
        let fields = [
            ("terms", segment.termdict()),
            ("postings", segment.postings()),
            ("positions", segment.positions()),
            ("fast fields", segment.fast_fields()),
            ("field norms", segment.fieldnorms()),
        ];
        for (part, per_field) in fields {
            for field in per_field.fields() {
                *parts
                    .entry((part, field.field_name().to_string()))
                    .or_default() += field.total().get_bytes();
            }
        }
        store += segment.store().total().get_bytes();
        other += segment.deletes().get_bytes();
    }
    let total = usage.total().get_bytes().max(1);
    let mb = |bytes: u64| bytes as f64 / 1_000_000.0;
    let share = |bytes: u64| 100.0 * bytes as f64 / total as f64;
    let segments = usage.segments().len();
    println!(
        "{dir}: {:.1} MB in {segments} segment{}",
        mb(total),
        if segments == 1 { "" } else { "s" }
    );
    println!(
        "{:>9.1} MB {:>5.1}%  stored articles (zstd)",
        mb(store),
        share(store)
    );
    let mut rows: Vec<_> = parts.into_iter().filter(|(_, bytes)| *bytes > 0).collect();
    rows.sort_by_key(|row| std::cmp::Reverse(row.1));
    for ((part, field), bytes) in rows {
        if share(bytes) < 0.1 {
            other += bytes;
            continue;
        }
        println!(
            "{:>9.1} MB {:>5.1}%  {part} of {field}",
            mb(bytes),
            share(bytes)
        );
    }
    println!(
        "{:>9.1} MB {:>5.1}%  the rest (small fields, deletes)",
        mb(other),
        share(other)
    );
}
