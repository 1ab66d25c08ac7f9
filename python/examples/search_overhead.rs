//! The Rust side of `bench/python/overhead.py`: one search at a time through the
//! library, timed around the call, beside the engine's own `took_ms`, so that the
//! Python binding's cost per query can be told from the engine's.
//!
//! ```sh
//! cargo build --release -p baoku-python --example search_overhead
//! target/release/examples/search_overhead INDEX QUERIES.tsv [ROUNDS]
//! ```
//!
//! `QUERIES.tsv` is a query set of `bench/relevance/queries` (`id<TAB>query`, `#`
//! comments). Every query is searched once to warm the caches, then `ROUNDS` times
//! (default 1) with the defaults of `archive.search()` in Python (10 hits, 3 snippets
//! of 80 characters); each timed call prints `id<TAB>wall_ns<TAB>took_ms` on stdout.

use baoku::{Archive, SearchRequest};
use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (index, queries) = match args.as_slice() {
        [index, queries, ..] => (index, queries),
        _ => {
            eprintln!("usage: search_overhead INDEX QUERIES.tsv [ROUNDS]");
            return ExitCode::from(2);
        }
    };
    let rounds: usize = match args.get(2).map(|r| r.parse()) {
        None => 1,
        Some(Ok(rounds)) => rounds,
        Some(Err(_)) => {
            eprintln!(
                "search_overhead: ROUNDS must be a number, not {:?}",
                args[2]
            );
            return ExitCode::from(2);
        }
    };
    let text = match std::fs::read_to_string(queries) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("search_overhead: {queries}: {e}");
            return ExitCode::from(2);
        }
    };
    let mut set = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        match line.split_once('\t') {
            Some((id, query)) => set.push((id.to_string(), SearchRequest::new(query))),
            None => {
                eprintln!(
                    "search_overhead: {queries}:{}: expected id<TAB>query",
                    n + 1
                );
                return ExitCode::from(2);
            }
        }
    }
    let archive = match Archive::open(index) {
        Ok(archive) => archive,
        Err(e) => {
            eprintln!("search_overhead: {e}");
            return ExitCode::from(2);
        }
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for round in 0..=rounds {
        for (id, request) in &set {
            let started = Instant::now();
            let results = archive.search(request);
            let wall = started.elapsed();
            let results = match results {
                Ok(results) => results,
                Err(e) => {
                    eprintln!("search_overhead: {id}: {e}");
                    return ExitCode::from(2);
                }
            };
            // Round 0 warms the caches and is not printed.
            if round > 0 && writeln!(out, "{id}\t{}\t{}", wall.as_nanos(), results.took_ms).is_err()
            {
                return ExitCode::from(2);
            }
        }
    }
    ExitCode::SUCCESS
}
