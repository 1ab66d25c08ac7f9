//! One archive shared across threads: one thread indexes in batches while others
//! search, and the searchers see each commit without reopening anything.
//!
//! ```sh
//! cargo run --release --example concurrent
//! ```
//!
//! `Archive` is `Send + Sync` and cheap to clone (an `Arc` inside): give every thread
//! a clone. One `ArchiveWriter` at a time writes; wrap it in a `Mutex` if several
//! threads must add articles.

use baoku::{Archive, Article, SearchRequest};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

const BATCHES: usize = 5;
const PER_BATCH: usize = 200;

fn main() -> baoku::Result<()> {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let archive = Archive::create(dir.path().join("archive"))?;
    let done = Arc::new(AtomicBool::new(false));

    let searchers: Vec<_> = (0..3)
        .map(|n| {
            let archive = archive.clone();
            let done = done.clone();
            std::thread::spawn(move || {
                let mut seen = Vec::new();
                loop {
                    let finished = done.load(Ordering::Acquire);
                    let results = archive
                        .search(&SearchRequest::new("快讯 收入"))
                        .expect("search");
                    if seen.last() != Some(&results.total) {
                        seen.push(results.total);
                    }
                    if finished {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(5));
                }
                println!("searcher {n} saw totals {seen:?}");
                *seen.last().unwrap_or(&0)
            })
        })
        .collect();

    let writer_archive = archive.clone();
    let indexer = std::thread::spawn(move || -> baoku::Result<()> {
        let mut writer = writer_archive.writer()?;
        for batch in 0..BATCHES {
            for i in 0..PER_BATCH {
                let n = batch * PER_BATCH + i;
                writer.upsert(&Article {
                    id: format!("wire-{n}"),
                    title: Some(format!("第{n}号快讯")),
                    body: format!("第{n}号快讯：某地农民人均收入增长{}%，编号{n}。", n % 17),
                    ..Article::default()
                })?;
            }
            // Every handle on this archive sees the commit at once.
            writer.commit()?;
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(())
    });

    indexer.join().expect("indexer thread")?;
    done.store(true, Ordering::Release);
    for searcher in searchers {
        let last = searcher.join().expect("searcher thread");
        assert_eq!(last, (BATCHES * PER_BATCH) as u64);
    }
    println!(
        "{} articles indexed while being searched",
        archive.num_articles()
    );
    Ok(())
}
