//! The indexing pipeline: reader threads read and extract inputs and send articles in
//! chunks over a bounded channel; this thread upserts them and commits in batches.
//! tantivy's own threads analyse the documents, so on N cores there are N readers
//! and N indexing threads, and memory is bounded by the channel and the writer budget.

use super::manifest::{input_key, key_path, InputState, Manifest};
use super::{IndexOptions, IndexReport, Problem, ProblemKind, Progress};
use crate::article::Article;
use crate::error::{Error, Result};
use crate::extract::{cleaned, extract_input, find_inputs, learn_furniture, Furniture};
use crate::index::{Archive, ArchiveWriter, Upsert, WriterOptions};
use crate::source::{InputFile, Origin, ReadCounters};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::time::Instant;

/// Articles per message from a reader.
const CHUNK: usize = 256;

enum Message {
    /// A reader starts on input `index`.
    Begin { index: usize },
    /// Articles (or per-document problems) of input `index`, in order.
    Chunk {
        index: usize,
        items: Vec<std::result::Result<Article, Problem>>,
    },
    /// Input `index` is done; `fatal` if it ended in an error.
    End {
        index: usize,
        fatal: Option<Problem>,
    },
}

/// An input about to be read, with the key it is known by in the index.
struct Pending {
    file: InputFile,
    key: String,
    /// The canonical path, read from (the key may escape bytes that are not UTF-8).
    path: PathBuf,
}

pub(super) fn run(
    archive: &Archive,
    paths: &[PathBuf],
    options: &IndexOptions,
    progress: &mut dyn Progress,
) -> Result<IndexReport> {
    let started = Instant::now();
    let mut report = IndexReport::default();
    let inputs = find_inputs(paths, &options.extract)?;
    for problem in &inputs.skipped {
        handle_problem(problem, options, &mut report, progress)?;
    }

    let mut manifest = Manifest::load(archive.dir());
    let mut pending = Vec::new();
    let own_files = archive.dir().canonicalize().ok();
    for file in inputs.files {
        let (key, path) = match file.path.canonicalize() {
            // The index's own files, when it lies inside a folder being indexed.
            Ok(canonical)
                if own_files
                    .as_ref()
                    .is_some_and(|own| canonical.starts_with(own)) =>
            {
                continue
            }
            Ok(canonical) => (input_key(&canonical), canonical),
            Err(e) => {
                let problem = Problem::from_io(&Origin::file(&file.path), &e);
                count_problem(&mut report, &problem);
                progress.problem(&problem);
                continue;
            }
        };
        match manifest.get(&key) {
            Some(state) if state.size == file.size && state.mtime_ns == file.mtime_ns => {
                report.inputs_unchanged += 1;
                report.unchanged += state.articles;
            }
            _ => pending.push(Pending { file, key, path }),
        }
    }
    let total_bytes: u64 = pending.iter().map(|p| p.file.size).sum();
    progress.start(pending.len(), total_bytes);

    // A first build is merged once, at the end (see `finish_compact` below).
    let bulk = options.writer.bulk || archive.num_articles() == 0;
    let mut writer = archive.writer_with(WriterOptions {
        bulk,
        ..options.writer
    })?;
    let outcome = if pending.is_empty() {
        Ok(progress.interrupted())
    } else {
        // What each source repeats at the edges of its bodies, learned from the
        // inputs of this run before any article is written (see `extract/furniture.rs`).
        let furniture = learn_furniture(
            pending.iter().map(|p| p.path.as_path()),
            &options.extract,
            &|| !progress.interrupted(),
        );
        read_all(&mut Run {
            pending: &pending,
            furniture: &furniture,
            options,
            writer: &mut writer,
            manifest: &mut manifest,
            report: &mut report,
            progress,
        })
    };
    let interrupted = match outcome {
        Ok(interrupted) => interrupted,
        Err(error) => {
            // Nothing of the unfinished batch is kept; earlier batches are committed.
            // (Should the rollback fail too, dropping the writer discards the batch.)
            let _ = writer.rollback();
            return Err(error);
        }
    };
    if interrupted {
        // Interrupted (Ctrl-C): what was read is committed; inputs cut short are not
        // in the manifest, so the next run reads them again and replaces their articles.
        progress.committing();
        writer.commit()?;
        report.commits += 1;
        report.interrupted = true;
        manifest.save()?;
        drop(writer);
        archive.reload()?;
        report.total_articles = archive.num_articles();
        report.elapsed = started.elapsed();
        return Ok(report);
    }
    if options.prune {
        prune(archive, &mut writer, &mut manifest, &mut report)?;
    }
    progress.committing();
    writer.commit()?;
    report.commits += 1;
    manifest.save()?;
    // A run that wrote most of the archive leaves it in one segment; should that
    // fail, the articles and the manifest are already committed and saved.
    progress.finishing();
    writer.finish_compact(report.indexed())?;
    archive.reload()?;
    report.total_articles = archive.num_articles();
    report.elapsed = started.elapsed();
    Ok(report)
}

/// One run's inputs and options, and what it writes to: what the writer side works
/// with.
struct Run<'a> {
    pending: &'a [Pending],
    furniture: &'a Furniture,
    options: &'a IndexOptions,
    writer: &'a mut ArchiveWriter,
    manifest: &'a mut Manifest,
    report: &'a mut IndexReport,
    progress: &'a mut dyn Progress,
}

/// Reads every pending input on reader threads and upserts what they send; `true`
/// when it stopped early because the run was interrupted.
fn read_all(run: &mut Run<'_>) -> Result<bool> {
    let (pending, options, furniture) = (run.pending, run.options, run.furniture);
    let readers = options.writer.threads.clamp(1, pending.len());
    let (sender, receiver) = sync_channel::<Message>(readers * 4);
    let next = AtomicUsize::new(0);
    let counters = ReadCounters::default();
    let stop = AtomicBool::new(false);

    std::thread::scope(|scope| {
        for _ in 0..readers {
            let sender = sender.clone();
            let (next, counters, stop) = (&next, &counters, &stop);
            scope.spawn(move || reader(pending, options, furniture, next, counters, stop, &sender));
        }
        drop(sender);
        // Owned here, so that if this thread unwinds the channel closes and the
        // readers' sends fail instead of blocking the join forever.
        let receiver = receiver;
        let result = consume(run, &receiver, &counters);
        if !matches!(result, Ok(false)) {
            stop.store(true, Ordering::Relaxed);
            // Let blocked readers finish their send and see the stop flag.
            while receiver.recv().is_ok() {}
        }
        run.report.bytes = counters.file_bytes.load(Ordering::Relaxed);
        run.report.text_bytes = counters.text_bytes.load(Ordering::Relaxed);
        result
    })
}

/// One reader thread: takes inputs until there are none left or it is told to stop.
fn reader(
    pending: &[Pending],
    options: &IndexOptions,
    furniture: &Furniture,
    next: &AtomicUsize,
    counters: &ReadCounters,
    stop: &AtomicBool,
    sender: &SyncSender<Message>,
) {
    loop {
        let index = next.fetch_add(1, Ordering::Relaxed);
        let Some(input) = pending.get(index) else {
            return;
        };
        if stop.load(Ordering::Relaxed) || sender.send(Message::Begin { index }).is_err() {
            return;
        }
        let mut chunk = Vec::with_capacity(CHUNK);
        let mut emit = |item: std::result::Result<Article, Problem>| {
            chunk.push(cleaned(furniture, item));
            if chunk.len() >= CHUNK {
                let items = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK));
                if sender.send(Message::Chunk { index, items }).is_err() {
                    return false;
                }
            }
            !stop.load(Ordering::Relaxed)
        };
        let fatal = extract_input(&input.path, &options.extract, counters, &mut emit).err();
        let items = std::mem::take(&mut chunk);
        if !items.is_empty() && sender.send(Message::Chunk { index, items }).is_err() {
            return;
        }
        if sender.send(Message::End { index, fatal }).is_err() {
            return;
        }
    }
}

/// Per input, while it is being read.
#[derive(Default)]
struct InputTally {
    articles: u64,
    failed: bool,
}

/// The writer side: upserts articles, reports problems, commits batches, and records
/// inputs in the manifest once all their articles are committed. Returns `true` if
/// it stopped because [`Progress::interrupted`] said so.
fn consume(
    run: &mut Run<'_>,
    receiver: &Receiver<Message>,
    counters: &ReadCounters,
) -> Result<bool> {
    let Run {
        pending,
        options,
        furniture: _,
        writer,
        manifest,
        report,
        progress,
    } = run;
    let (pending, options) = (*pending, *options);
    let mut open: HashMap<usize, InputTally> = HashMap::new();
    let mut finished: Vec<(String, InputState)> = Vec::new();
    let mut since_commit = 0usize;
    let mut inputs_done = 0usize;
    for message in receiver {
        if progress.interrupted() {
            for (key, state) in finished {
                manifest.set(key, state);
            }
            return Ok(true);
        }
        match message {
            Message::Begin { index } => {
                let key = &pending[index].key;
                // A changed input replaces its articles; an input cut short by an
                // interrupted run has some of them committed. They are replaced one by
                // one, and those it no longer holds are deleted once it has been read
                // to the end: a commit in between never takes away an article that
                // the input still has.
                if manifest.remove(key).is_some() || writer.has_input(key)? {
                    writer.begin_reread(key);
                }
                open.insert(index, InputTally::default());
            }
            Message::Chunk { index, items } => {
                let key = pending[index].key.as_str();
                let tally = open.entry(index).or_default();
                for item in items {
                    match item {
                        Ok(article) => {
                            match writer.upsert_from(&article, Some(key))? {
                                Upsert::Added => report.added += 1,
                                Upsert::Replaced => report.replaced += 1,
                                Upsert::Duplicate { .. } => {
                                    report.duplicates += 1;
                                    continue;
                                }
                            }
                            tally.articles += 1;
                            since_commit += 1;
                        }
                        Err(problem) => {
                            tally.failed |= problem.is_failure();
                            handle_problem(&problem, options, report, *progress)?;
                        }
                    }
                }
            }
            Message::End { index, fatal } => {
                let mut tally = open.remove(&index).unwrap_or_default();
                if let Some(problem) = fatal {
                    tally.failed |= problem.is_failure();
                    handle_problem(&problem, options, report, *progress)?;
                }
                writer.end_reread(&pending[index].key)?;
                report.inputs_read += 1;
                inputs_done += 1;
                // An input with problems is read again next time, so they are reported again.
                if !tally.failed {
                    let file = &pending[index].file;
                    finished.push((
                        pending[index].key.clone(),
                        InputState {
                            size: file.size,
                            mtime_ns: file.mtime_ns,
                            articles: tally.articles,
                        },
                    ));
                }
            }
        }
        progress.update(
            counters.file_bytes.load(Ordering::Relaxed),
            report.indexed() + report.duplicates,
            inputs_done,
        );
        if since_commit >= options.batch_articles {
            progress.committing();
            writer.commit()?;
            report.commits += 1;
            since_commit = 0;
            for (key, state) in finished.drain(..) {
                manifest.set(key, state);
            }
            manifest.save()?;
        }
    }
    for (key, state) in finished {
        manifest.set(key, state);
    }
    Ok(false)
}

fn handle_problem(
    problem: &Problem,
    options: &IndexOptions,
    report: &mut IndexReport,
    progress: &mut dyn Progress,
) -> Result<()> {
    count_problem(report, problem);
    progress.problem(problem);
    if options.strict && problem.is_failure() {
        return Err(strict_error(problem));
    }
    Ok(())
}

pub(crate) fn count_problem(report: &mut IndexReport, problem: &Problem) {
    match problem.kind {
        ProblemKind::Unsupported => report.unsupported += 1,
        ProblemKind::Unreadable | ProblemKind::Malformed | ProblemKind::TooLarge => {
            report.failed += 1
        }
    }
}

pub(crate) fn strict_error(problem: &Problem) -> Error {
    Error::Extract {
        path: PathBuf::from(problem.origin.to_string()),
        reason: format!("{} (stopped: --strict)", problem.reason),
    }
}

/// Removes the articles of inputs that no longer exist. Every input the index holds
/// is found in the `input` field's terms, so inputs missing from the manifest (read
/// with problems, or cut short) are pruned too.
fn prune(
    archive: &Archive,
    writer: &mut ArchiveWriter,
    manifest: &mut Manifest,
    report: &mut IndexReport,
) -> Result<()> {
    let searcher = archive.searcher();
    let field = archive.schema().fields().input;
    let mut keys: Vec<String> = Vec::new();
    for segment in searcher.segment_readers() {
        let index = segment.inverted_index(field)?;
        let mut terms = index
            .terms()
            .stream()
            .map_err(tantivy::TantivyError::from)?;
        while terms.advance() {
            keys.push(String::from_utf8_lossy(terms.key()).into_owned());
        }
    }
    keys.sort();
    keys.dedup();
    for key in keys {
        if key_path(&key).exists() {
            continue;
        }
        let term = tantivy::Term::from_field_text(field, &key);
        let query = tantivy::query::TermQuery::new(term, tantivy::schema::IndexRecordOption::Basic);
        report.pruned += searcher.search(&query, &tantivy::collector::Count)? as u64;
        writer.delete_input(&key);
        manifest.remove(&key);
    }
    Ok(())
}
