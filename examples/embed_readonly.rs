//! Open an archive that `baoku index` built and answer queries from it.
//!
//! ```sh
//! cargo run --release -- index sample_corpus/
//! cargo run --example embed_readonly -- "乡村振兴 收入" "鄉村振興"
//! BAOKU_INDEX=/path/to/index cargo run --example embed_readonly -- 南京长江大桥
//! ```
//!
//! Only reads: several such programs can serve one archive while `baoku index` adds to
//! it, and they see its commits without reopening.

use baoku::{Archive, Error, SearchRequest};

fn main() {
    let dir = std::env::var("BAOKU_INDEX").unwrap_or_else(|_| "baoku-index".to_string());
    let archive = match Archive::open(&dir) {
        Ok(archive) => archive,
        Err(Error::IndexMissing { path }) => {
            eprintln!(
                "no archive at {}: run `baoku index sample_corpus/` first",
                path.display()
            );
            std::process::exit(2);
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let stats = archive.stats().expect("stats");
    println!(
        "{} articles, {:?} .. {:?}",
        stats.articles, stats.first_date, stats.last_date
    );

    let queries: Vec<String> = std::env::args().skip(1).collect();
    let queries = if queries.is_empty() {
        vec!["乡村振兴 收入".to_string()]
    } else {
        queries
    };
    for query in queries {
        match archive.search(&SearchRequest::new(query.clone())) {
            Ok(results) => {
                println!("\n{query}: {} articles", results.total);
                for hit in results.hits.iter().take(5) {
                    println!(
                        "  {:6.2} {}",
                        hit.score,
                        hit.title.as_deref().unwrap_or("(untitled)")
                    );
                }
                if let Some(best) = results.hits.first() {
                    // The whole article, by id.
                    let article = archive.get(&best.id).expect("get").expect("present");
                    let opening: String = article.body.chars().take(40).collect();
                    println!("  best: {} …{opening}", article.id);
                }
            }
            // A malformed query is the caller's to report; the archive is fine.
            Err(Error::Query(reason)) => println!("\n{query}: {reason}"),
            Err(e) => eprintln!("{e}"),
        }
    }
}
