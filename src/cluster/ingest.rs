//! `baoku index --engine URL`: the inputs are found and extracted by the same code as
//! for the embedded archive (`extract::find_inputs`, `extract::extract_input`); the
//! articles are turned into documents (folding and jieba, `mapping.rs`) and sent in
//! `_bulk` requests sized by bytes, by several threads at once. Each article's `_id`
//! is its baoku id and the action is `index`, so a re-run replaces, never duplicates.
//! Items the cluster could not take for now (429, 5xx) and whole requests lost with
//! their connection are sent again with backoff; an item it refuses (4xx) stops the
//! run with the article's id and the cluster's reason. This module does not print.

use super::client::error_reason;
use super::mapping::document;
use super::Cluster;
use crate::analyze::fingerprint::content_hash;
use crate::article::Article;
use crate::error::{Error, Result};
use crate::extract::{extract_input, find_inputs, ExtractOptions};
use crate::ingest::{pipeline, IndexReport, Problem, Progress};
use crate::source::ReadCounters;
use serde_json::json;
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How an indexing run into a cluster reads and sends.
#[derive(Debug, Clone)]
pub struct ClusterIndexOptions {
    /// How inputs are read and extracted.
    pub extract: ExtractOptions,
    /// A `_bulk` request holds about this many bytes of NDJSON.
    pub bulk_bytes: usize,
    /// Requests in flight at once (each sender thread also folds and segments).
    pub senders: usize,
    /// Stop at the first bad input.
    pub strict: bool,
}

impl Default for ClusterIndexOptions {
    fn default() -> Self {
        ClusterIndexOptions {
            extract: ExtractOptions::default(),
            bulk_bytes: 5 * 1024 * 1024,
            senders: std::thread::available_parallelism().map_or(2, |n| n.get().max(2)),
            strict: false,
        }
    }
}

/// Attempts at one batch's items before the run stops.
const ITEM_ATTEMPTS: u32 = 8;

/// What the sender threads share.
struct Shared<'a> {
    cluster: &'a Cluster,
    options: &'a ClusterIndexOptions,
    added: AtomicU64,
    replaced: AtomicU64,
    retries: AtomicU64,
    stop: AtomicBool,
    error: Mutex<Option<Error>>,
}

impl Cluster {
    /// Indexes every article found under `paths`, creating the index (with baoku's
    /// analysis) if it does not exist; refreshes at the end so that everything sent
    /// is searchable.
    pub fn index_paths(
        &self,
        paths: &[PathBuf],
        options: &ClusterIndexOptions,
        progress: &mut dyn Progress,
    ) -> Result<IndexReport> {
        let started = Instant::now();
        let mut report = IndexReport::default();
        let inputs = find_inputs(paths, &options.extract)?;
        for problem in &inputs.skipped {
            count_problem(&mut report, problem, options, progress)?;
        }
        let total_bytes: u64 = inputs.files.iter().map(|f| f.size).sum();
        progress.start(inputs.files.len(), total_bytes);
        let counters = ReadCounters::default();
        let shared = Shared {
            cluster: self,
            options,
            added: AtomicU64::new(0),
            replaced: AtomicU64::new(0),
            retries: AtomicU64::new(0),
            stop: AtomicBool::new(false),
            error: Mutex::new(None),
        };
        let senders = options.senders.max(1);
        let (sender, receiver) = sync_channel::<Vec<Article>>(senders * 2);
        let receiver = Mutex::new(receiver);
        let mut seen_bodies: HashSet<u64> = HashSet::new();
        let outcome = std::thread::scope(|scope| -> Result<()> {
            for _ in 0..senders {
                let (shared, receiver) = (&shared, &receiver);
                scope.spawn(move || send_loop(shared, receiver));
            }
            let mut chunk: Vec<Article> = Vec::with_capacity(256);
            let mut inputs_done = 0;
            let mut result = Ok(());
            'inputs: for file in &inputs.files {
                let mut problems: Vec<Problem> = Vec::new();
                let mut emit = |item: std::result::Result<Article, Problem>| {
                    match item {
                        Ok(article) => {
                            // Exactly the same text under another id is not stored, as
                            // in the embedded archive.
                            if seen_bodies.insert(content_hash(&article)) {
                                chunk.push(article);
                            } else {
                                report.duplicates += 1;
                            }
                        }
                        Err(problem) => problems.push(problem),
                    }
                    if chunk.len() >= 256 {
                        let full = std::mem::replace(&mut chunk, Vec::with_capacity(256));
                        if sender.send(full).is_err() {
                            return false;
                        }
                    }
                    !shared.stop.load(Ordering::Relaxed) && !progress.interrupted()
                };
                let fatal = extract_input(&file.path, &options.extract, &counters, &mut emit).err();
                for problem in problems.iter().chain(fatal.as_ref()) {
                    if let Err(error) = count_problem(&mut report, problem, options, progress) {
                        result = Err(error);
                        break 'inputs;
                    }
                }
                report.inputs_read += 1;
                inputs_done += 1;
                progress.update(
                    counters.file_bytes.load(Ordering::Relaxed),
                    shared.added.load(Ordering::Relaxed) + shared.replaced.load(Ordering::Relaxed),
                    inputs_done,
                );
                if shared.stop.load(Ordering::Relaxed) {
                    break;
                }
                if progress.interrupted() {
                    report.interrupted = true;
                    break;
                }
            }
            if !chunk.is_empty() {
                let _ = sender.send(chunk);
            }
            drop(sender);
            result
        });
        report.bytes = counters.file_bytes.load(Ordering::Relaxed);
        report.text_bytes = counters.text_bytes.load(Ordering::Relaxed);
        report.added = shared.added.load(Ordering::Relaxed);
        report.replaced = shared.replaced.load(Ordering::Relaxed);
        if let Some(error) = shared.error.into_inner().unwrap_or_else(|e| e.into_inner()) {
            return Err(error);
        }
        outcome?;
        progress.committing();
        self.client.json("POST", "/_refresh", &json!({}))?;
        report.commits = 1;
        report.total_articles = self.count()?;
        report.elapsed = started.elapsed();
        Ok(report)
    }
}

fn count_problem(
    report: &mut IndexReport,
    problem: &Problem,
    options: &ClusterIndexOptions,
    progress: &mut dyn Progress,
) -> Result<()> {
    pipeline::count_problem(report, problem);
    progress.problem(problem);
    match options.strict && problem.is_failure() {
        true => Err(pipeline::strict_error(problem)),
        false => Ok(()),
    }
}

/// One sender thread: folds and segments chunks of articles into NDJSON and sends a
/// `_bulk` whenever it holds `bulk_bytes`.
fn send_loop(shared: &Shared<'_>, receiver: &Mutex<Receiver<Vec<Article>>>) {
    let mut batch: Vec<(String, String)> = Vec::new();
    let mut bytes = 0usize;
    loop {
        let chunk = match receiver.lock() {
            Ok(receiver) => receiver.recv(),
            Err(_) => return,
        };
        let Ok(chunk) = chunk else {
            break;
        };
        if shared.stop.load(Ordering::Relaxed) {
            continue;
        }
        for article in chunk {
            let action = json!({"index": {"_id": article.id}});
            let line = format!("{action}\n{}\n", document(&article));
            bytes += line.len();
            batch.push((article.id, line));
            if bytes >= shared.options.bulk_bytes {
                if let Err(error) = send_batch(shared, std::mem::take(&mut batch)) {
                    fail(shared, error);
                }
                bytes = 0;
            }
        }
    }
    if !batch.is_empty() && !shared.stop.load(Ordering::Relaxed) {
        if let Err(error) = send_batch(shared, batch) {
            fail(shared, error);
        }
    }
}

fn fail(shared: &Shared<'_>, error: Error) {
    shared.stop.store(true, Ordering::Relaxed);
    if let Ok(mut slot) = shared.error.lock() {
        slot.get_or_insert(error);
    }
}

/// Sends one batch until every item is in, again (only the items that failed) while
/// the cluster answers 429 or 5xx for some.
fn send_batch(shared: &Shared<'_>, mut items: Vec<(String, String)>) -> Result<()> {
    let client = &shared.cluster.client;
    let mut wait = Duration::from_millis(500);
    for attempt in 1..=ITEM_ATTEMPTS {
        let body: String = items.iter().map(|(_, line)| line.as_str()).collect();
        // The server's own timeout is shorter than the client's, so that a cluster
        // without a manager answers (with per-item 5xx) rather than hangs.
        let answer = client.request_with(
            "POST",
            "/_bulk?timeout=30s",
            Some(("application/x-ndjson", &body)),
            &mut |_| {
                shared.retries.fetch_add(1, Ordering::Relaxed);
            },
        )?;
        if !(200..300).contains(&answer.status) {
            return Err(Error::Engine(format!(
                "POST {}/_bulk: HTTP {}: {}",
                client.index_url(),
                answer.status,
                error_reason(&answer.body)
            )));
        }
        let results = answer.body["items"].as_array().cloned().unwrap_or_default();
        if results.len() != items.len() {
            return Err(Error::Engine(format!(
                "POST {}/_bulk: the cluster answered {} items for {} articles",
                client.index_url(),
                results.len(),
                items.len()
            )));
        }
        let mut again = Vec::new();
        let mut last_reason = String::new();
        for (item, result) in items.into_iter().zip(results) {
            let result = &result["index"];
            let status = result["status"].as_u64().unwrap_or(0);
            match status {
                200..=299 => {
                    let counter = match result["result"].as_str() {
                        Some("created") => &shared.added,
                        _ => &shared.replaced,
                    };
                    counter.fetch_add(1, Ordering::Relaxed);
                }
                429 | 500..=599 => {
                    last_reason = error_reason(result);
                    again.push(item);
                }
                _ => {
                    return Err(Error::Engine(format!(
                        "article {}: the cluster refused it (HTTP {status}): {}",
                        item.0,
                        error_reason(result)
                    )))
                }
            }
        }
        if again.is_empty() {
            return Ok(());
        }
        if attempt == ITEM_ATTEMPTS {
            return Err(Error::Engine(format!(
                "POST {}/_bulk: {} articles still not taken after {ITEM_ATTEMPTS} attempts ({last_reason}); what was taken is kept: run the same command again when the cluster is healthy",
                client.index_url(),
                again.len()
            )));
        }
        shared.retries.fetch_add(1, Ordering::Relaxed);
        std::thread::sleep(wait);
        wait = (wait * 2).min(Duration::from_secs(15));
        items = again;
    }
    unreachable!("the last attempt returns")
}
