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
use crate::extract::{cleaned, extract_input, find_inputs, learn_furniture, ExtractOptions};
use crate::index::Archive;
use crate::ingest::{input_key, pipeline, IndexReport, InputState, Problem, Progress};
use crate::source::ReadCounters;
use crate::source::{InputFile, Origin};
use serde_json::json;
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
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
        // Inputs held as they are now are not read again (`inputs.rs`).
        let held = self.held_inputs()?;
        let mut pending: Vec<(InputFile, String)> = Vec::new();
        for file in inputs.files {
            let key = match file.path.canonicalize() {
                Ok(canonical) => input_key(&canonical),
                Err(e) => {
                    let problem = Problem::from_io(&Origin::file(&file.path), &e);
                    count_problem(&mut report, &problem, options, progress)?;
                    continue;
                }
            };
            match held.get(&key) {
                Some(state) if state.size == file.size && state.mtime_ns == file.mtime_ns => {
                    report.inputs_unchanged += 1;
                    report.unchanged += state.articles;
                }
                _ => pending.push((file, key)),
            }
        }
        let total_bytes: u64 = pending.iter().map(|(f, _)| f.size).sum();
        progress.start(pending.len(), total_bytes);
        let mut finished: Vec<(String, InputState)> = Vec::new();
        let counters = ReadCounters::default();
        let shared = Shared::new(self, options);
        let mut seen_bodies: HashSet<u64> = HashSet::new();
        // Furniture is learned from the run's inputs, as for the embedded archive.
        let furniture = learn_furniture(
            pending.iter().map(|(f, _)| f.path.as_path()),
            &options.extract,
            &|| !progress.interrupted(),
        );
        let outcome = shared.send_all(|feed| -> Result<()> {
            let mut inputs_done = 0;
            'inputs: for (file, key) in &pending {
                let mut problems: Vec<Problem> = Vec::new();
                let mut articles = 0;
                let mut emit = |item: std::result::Result<Article, Problem>| {
                    match cleaned(&furniture, item) {
                        Ok(article) => {
                            // Exactly the same text under another id is not stored, as
                            // in the embedded archive.
                            if !seen_bodies.insert(content_hash(&article)) {
                                report.duplicates += 1;
                            } else if !feed.push(article) {
                                return false;
                            } else {
                                articles += 1;
                            }
                        }
                        Err(problem) => problems.push(problem),
                    }
                    !feed.stopped() && !progress.interrupted()
                };
                let fatal = extract_input(&file.path, &options.extract, &counters, &mut emit).err();
                for problem in problems.iter().chain(fatal.as_ref()) {
                    count_problem(&mut report, problem, options, progress)?;
                }
                // Read to its end without a failure: recorded once the cluster holds
                // all of it. One with problems is read again, and they are reported again.
                let cut_short = feed.stopped() || progress.interrupted();
                if !cut_short
                    && !problems
                        .iter()
                        .chain(fatal.as_ref())
                        .any(Problem::is_failure)
                {
                    let (size, mtime_ns) = (file.size, file.mtime_ns);
                    let state = InputState {
                        size,
                        mtime_ns,
                        articles,
                    };
                    finished.push((key.clone(), state));
                }
                report.inputs_read += 1;
                inputs_done += 1;
                progress.update(
                    counters.file_bytes.load(Ordering::Relaxed),
                    feed.sent(),
                    inputs_done,
                );
                if feed.stopped() {
                    break 'inputs;
                }
                if progress.interrupted() {
                    report.interrupted = true;
                    break 'inputs;
                }
            }
            Ok(())
        });
        report.bytes = counters.file_bytes.load(Ordering::Relaxed);
        report.text_bytes = counters.text_bytes.load(Ordering::Relaxed);
        shared.finish(outcome, &mut report)?;
        self.refreshed(&mut report, started, progress)?;
        self.record_inputs(&finished)?;
        Ok(report)
    }

    /// Copies every article of an embedded archive into this index (`baoku export
    /// --engine URL`), creating it if needed: the articles as stored, analysed as
    /// `index --engine` analyses them. Articles the index already holds exactly so are
    /// not sent again, so a run cut short (Ctrl-C, a node gone) is completed by running
    /// it again; one whose copy differs is replaced.
    pub fn copy_archive(
        &self,
        archive: &Archive,
        options: &ClusterIndexOptions,
        progress: &mut dyn Progress,
    ) -> Result<IndexReport> {
        let started = Instant::now();
        let mut report = IndexReport::default();
        let searcher = archive.searcher();
        let schema = archive.schema();
        let total = searcher.num_docs();
        // The bar counts text bytes; their total is estimated from the first chunk.
        let text_bytes = |a: &Article| {
            let optional = |text: &Option<String>| text.as_ref().map_or(0, String::len);
            (optional(&a.title) + optional(&a.subtitle) + a.body.len()) as u64
        };
        let (mut read, mut bytes) = (0u64, 0u64);
        let shared = Shared::new(self, options);
        let outcome = shared.send_all(|feed| -> Result<()> {
            let mut pending: Vec<Article> = Vec::with_capacity(CHUNK);
            let flush = |pending: &mut Vec<Article>,
                         report: &mut IndexReport,
                         feed: &mut Feed<'_, '_>|
             -> Result<bool> {
                let held = self.held_as_they_are(pending)?;
                for article in pending.drain(..) {
                    if held.contains(&article.id) {
                        report.unchanged += 1;
                    } else if !feed.push(article) {
                        return Ok(false);
                    }
                }
                Ok(!feed.stopped())
            };
            for (ordinal, segment) in searcher.segment_readers().iter().enumerate() {
                let alive = segment.alive_bitset();
                for doc in 0..segment.max_doc() {
                    if alive.is_some_and(|alive| !alive.is_alive(doc)) {
                        continue;
                    }
                    let stored: tantivy::TantivyDocument =
                        searcher.doc(tantivy::DocAddress::new(ordinal as u32, doc))?;
                    let article = schema.to_article(&stored);
                    read += 1;
                    bytes += text_bytes(&article);
                    if read == (CHUNK as u64).min(total) {
                        progress.start(1, bytes / read * total);
                    }
                    pending.push(article);
                    if pending.len() == CHUNK {
                        if !flush(&mut pending, &mut report, feed)? {
                            return Ok(());
                        }
                        progress.update(bytes, feed.sent() + report.unchanged, 0);
                        if progress.interrupted() {
                            report.interrupted = true;
                            return Ok(());
                        }
                    }
                }
            }
            flush(&mut pending, &mut report, feed)?;
            Ok(())
        });
        report.bytes = bytes;
        report.text_bytes = bytes;
        shared.finish(outcome, &mut report)?;
        self.refreshed(&mut report, started, progress)?;
        Ok(report)
    }

    /// The ids of those `articles` that the index holds exactly as they are.
    fn held_as_they_are(&self, articles: &[Article]) -> Result<HashSet<String>> {
        let ids: Vec<&str> = articles.iter().map(|a| a.id.as_str()).collect();
        let held = self.articles(&ids)?;
        Ok(articles
            .iter()
            .filter(|a| held.get(&a.id) == Some(*a))
            .map(|a| a.id.clone())
            .collect())
    }

    /// Makes what was sent searchable and completes the report.
    fn refreshed(
        &self,
        report: &mut IndexReport,
        started: Instant,
        progress: &mut dyn Progress,
    ) -> Result<()> {
        progress.committing();
        self.client.json("POST", "/_refresh", &json!({}))?;
        report.commits = 1;
        report.total_articles = self.count()?;
        report.elapsed = started.elapsed();
        Ok(())
    }
}

/// Articles handed to the sender threads at a time.
const CHUNK: usize = 256;

impl<'a> Shared<'a> {
    fn new(cluster: &'a Cluster, options: &'a ClusterIndexOptions) -> Shared<'a> {
        Shared {
            cluster,
            options,
            added: AtomicU64::new(0),
            replaced: AtomicU64::new(0),
            retries: AtomicU64::new(0),
            stop: AtomicBool::new(false),
            error: Mutex::new(None),
        }
    }

    /// Runs `produce` with a [`Feed`] whose articles the sender threads send; returns
    /// when every article pushed was sent (or the run stopped).
    fn send_all<T>(&self, produce: impl FnOnce(&mut Feed<'_, '_>) -> T) -> T {
        let senders = self.options.senders.max(1);
        let (sender, receiver) = sync_channel::<Vec<Article>>(senders * 2);
        let receiver = Mutex::new(receiver);
        std::thread::scope(|scope| {
            for _ in 0..senders {
                let receiver = &receiver;
                scope.spawn(move || send_loop(self, receiver));
            }
            let mut feed = Feed {
                sender: Some(sender),
                chunk: Vec::with_capacity(CHUNK),
                shared: self,
            };
            let outcome = produce(&mut feed);
            feed.close();
            outcome
        })
    }

    /// The first error of a sender thread, else the producer's outcome; the counts
    /// of what the cluster took go into `report`.
    fn finish(self, outcome: Result<()>, report: &mut IndexReport) -> Result<()> {
        report.added = self.added.load(Ordering::Relaxed);
        report.replaced = self.replaced.load(Ordering::Relaxed);
        if let Some(error) = self.error.into_inner().unwrap_or_else(|e| e.into_inner()) {
            return Err(error);
        }
        outcome
    }
}

/// Where a producer puts the articles to send.
struct Feed<'s, 'a> {
    sender: Option<SyncSender<Vec<Article>>>,
    chunk: Vec<Article>,
    shared: &'s Shared<'a>,
}

impl Feed<'_, '_> {
    /// Queues `article`; `false` when nothing more will be sent (a sender failed).
    fn push(&mut self, article: Article) -> bool {
        self.chunk.push(article);
        if self.chunk.len() >= CHUNK {
            let full = std::mem::replace(&mut self.chunk, Vec::with_capacity(CHUNK));
            if let Some(sender) = &self.sender {
                if sender.send(full).is_err() {
                    return false;
                }
            }
        }
        !self.stopped()
    }

    /// Whether the run stopped on a sender's error.
    fn stopped(&self) -> bool {
        self.shared.stop.load(Ordering::Relaxed)
    }

    /// Articles the cluster took so far.
    fn sent(&self) -> u64 {
        self.shared.added.load(Ordering::Relaxed) + self.shared.replaced.load(Ordering::Relaxed)
    }

    /// Sends what is queued and lets the senders finish.
    fn close(&mut self) {
        if let Some(sender) = self.sender.take() {
            if !self.chunk.is_empty() {
                let _ = sender.send(std::mem::take(&mut self.chunk));
            }
        }
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
