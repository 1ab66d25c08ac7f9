//! One program for the index directory and for a cluster: it holds a
//! [`baoku::engine::Engine`] and does not know which one answers.
//!
//! ```sh
//! cargo run --release -- index sample_corpus/
//! cargo run --release --example engine -- "乡村振兴 收入"
//! # the same articles in an OpenSearch / Elasticsearch index (tests/cluster/start.sh
//! # starts one on this machine):
//! cargo run --release -- --engine http://127.0.0.1:9200/news index sample_corpus/
//! BAOKU_ENGINE=http://127.0.0.1:9200/news cargo run --release --example engine -- "乡村振兴 收入"
//! ```
//!
//! It prints what the engine holds, the best articles for each query with their
//! highlighted snippets, the best one's opening, and the query's matches per year.

use baoku::engine::Engine;
use baoku::research::{Interval, TrendRequest};
use baoku::SearchRequest;

fn main() {
    let dir = std::env::var("BAOKU_INDEX").unwrap_or_else(|_| "baoku-index".to_string());
    let url = std::env::var("BAOKU_ENGINE").ok();
    let engine = match Engine::open(&dir, url.as_deref()) {
        Ok(engine) => engine,
        Err(error) => {
            eprintln!("{error}");
            std::process::exit(2);
        }
    };
    let stats = match engine.stats() {
        Ok(stats) => stats,
        Err(error) => {
            eprintln!("{}: {error}", engine.location());
            std::process::exit(2);
        }
    };
    println!(
        "{}: {} articles, {} outlets",
        engine.location(),
        stats.articles,
        stats.sources
    );

    let mut queries: Vec<String> = std::env::args().skip(1).collect();
    if queries.is_empty() {
        queries.push("乡村振兴 收入".to_string());
    }
    for query in queries {
        let results = match engine.search(&SearchRequest::new(query.clone())) {
            Ok(results) => results,
            // A malformed query is the caller's to report; the engine is fine.
            Err(error) => {
                eprintln!("{query}: {error}");
                continue;
            }
        };
        println!("\n{query}: {} articles", results.total);
        for hit in results.hits.iter().take(5) {
            println!(
                "  {} {}",
                hit.date.map(|d| d.to_string()).unwrap_or_default(),
                hit.title.as_deref().unwrap_or("(untitled)")
            );
            if let Some(snippet) = hit.snippets.first() {
                println!("      {}", marked(&snippet.text, &snippet.highlights));
            }
        }
        if let Some(best) = results.hits.first() {
            if let Ok(Some(article)) = engine.get(&best.id) {
                let opening: String = article.body.chars().take(40).collect();
                println!("  best: {} {opening}…", article.id);
            }
        }
        let request = TrendRequest {
            by: Interval::Year,
            ..TrendRequest::new([query.clone()])
        };
        if let Ok(trend) = engine.trend(&request) {
            let years: Vec<String> = trend.series[0]
                .points
                .iter()
                .filter(|p| p.count > 0)
                .map(|p| format!("{} {}", p.period, p.count))
                .collect();
            println!("  by year: {}", years.join(", "));
        }
    }
}

/// `text` with its highlights (character ranges) in brackets.
fn marked(text: &str, highlights: &[[usize; 2]]) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if highlights.iter().any(|h| h[1] == i) {
            out.push(']');
        }
        if highlights.iter().any(|h| h[0] == i) {
            out.push('[');
        }
        out.push(c);
    }
    if highlights.iter().any(|h| h[1] == text.chars().count()) {
        out.push(']');
    }
    out
}
