//! Ingestion: the whole path from the files a user names to a committed index.
//!
//! [`index_paths`] walks the inputs ([`crate::source`]), skips those already indexed
//! and unchanged, reads and extracts the others on worker threads
//! ([`crate::extract`]), and upserts the articles ([`crate::index`]), committing in
//! batches: an interruption loses at most the current batch, and running again
//! completes the work without duplicates. Bad inputs are reported one by one through
//! [`Progress::problem`] and counted in the [`IndexReport`], never silently dropped;
//! they are the [`Problem`]s `baoku extract` and [`crate::extract`] report.
//!
//! This module does not print.

mod manifest;
pub(crate) mod pipeline;

pub use crate::source::{Problem, ProblemKind};
#[cfg(feature = "cluster")]
pub(crate) use manifest::input_key;
pub use manifest::{InputState, Manifest};

use crate::error::Result;
use crate::extract::ExtractOptions;
use crate::index::{Archive, Built, WriterOptions};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How an indexing run reads and writes.
#[derive(Debug, Clone)]
pub struct IndexOptions {
    /// How inputs are read and extracted: format, encoding, field names.
    pub extract: ExtractOptions,
    /// Threads and memory of the index writer; also the number of reader threads.
    pub writer: WriterOptions,
    /// Commit after this many articles (a crash loses at most one batch).
    pub batch_articles: usize,
    /// Remove the articles of inputs that no longer exist.
    pub prune: bool,
    /// Stop at the first bad input, keeping only what was committed before it.
    pub strict: bool,
}

/// Articles committed together by default: an interrupted run loses at most these.
pub const DEFAULT_BATCH_ARTICLES: usize = 20_000;

impl Default for IndexOptions {
    fn default() -> Self {
        IndexOptions {
            extract: ExtractOptions::default(),
            writer: WriterOptions::default(),
            batch_articles: DEFAULT_BATCH_ARTICLES,
            prune: false,
            strict: false,
        }
    }
}

/// Receives progress while [`index_paths`] runs (the CLI draws a progress bar).
pub trait Progress {
    /// The inputs to read are known: `inputs` files, `bytes` bytes in all.
    fn start(&mut self, inputs: usize, bytes: u64);
    /// Progress so far: bytes read from the inputs, articles indexed, inputs done.
    fn update(&mut self, bytes: u64, articles: u64, inputs_done: usize);
    /// A problem was found (already counted in the report).
    fn problem(&mut self, problem: &Problem);
    /// A batch is being committed.
    fn committing(&mut self);
    /// Everything is committed; merges are finishing (for a first build or a rebuild,
    /// the merge into one segment, the last quarter of the run).
    fn finishing(&mut self) {}
    /// Whether the run should stop now (Ctrl-C): the articles read so far are then
    /// committed and the report says [`IndexReport::interrupted`].
    fn interrupted(&self) -> bool {
        false
    }
}

/// A [`Progress`] that ignores everything.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&mut self, _inputs: usize, _bytes: u64) {}
    fn update(&mut self, _bytes: u64, _articles: u64, _inputs_done: usize) {}
    fn problem(&mut self, _problem: &Problem) {}
    fn committing(&mut self) {}
}

/// What an indexing run did.
#[derive(Debug, Clone, Default)]
pub struct IndexReport {
    /// Inputs read (changed or new).
    pub inputs_read: usize,
    /// Inputs skipped because they are indexed and unchanged.
    pub inputs_unchanged: usize,
    /// Articles that were not in the archive before.
    pub added: u64,
    /// Articles that replaced one with the same id.
    pub replaced: u64,
    /// Articles of unchanged inputs, left as they were.
    pub unchanged: u64,
    /// Articles not stored because another article has exactly the same body.
    pub duplicates: u64,
    /// Inputs or records that failed.
    pub failed: u64,
    /// Files (or archive members) of a type baoku does not read.
    pub unsupported: u64,
    /// Articles removed because their input disappeared (`--prune`).
    pub pruned: u64,
    /// Bytes read from inputs (compressed size for compressed inputs).
    pub bytes: u64,
    /// Bytes of text processed (after decompression).
    pub text_bytes: u64,
    /// Commits made.
    pub commits: u64,
    /// Wall-clock time of the run.
    pub elapsed: Duration,
    /// Articles in the archive after the run.
    pub total_articles: u64,
    /// The run was interrupted ([`Progress::interrupted`]): what was read before is
    /// committed, the rest is left for the next run.
    pub interrupted: bool,
}

impl IndexReport {
    /// Articles indexed by this run (added or replaced).
    pub fn indexed(&self) -> u64 {
        self.added + self.replaced
    }

    /// Whether every input baoku reads was read without a problem.
    pub fn complete(&self) -> bool {
        self.failed == 0
    }
}

/// Indexes every article found under `paths` into `archive`, committing in batches.
pub fn index_paths(
    archive: &Archive,
    paths: &[PathBuf],
    options: &IndexOptions,
    progress: &mut dyn Progress,
) -> Result<IndexReport> {
    pipeline::run(archive, paths, options, progress)
}

/// Builds a new archive from `paths` beside `dir`, then puts it in place of `dir`
/// ([`Archive::rebuild`]: the old one stays searchable and whole until the new one is
/// complete, and is kept if the run fails). An interrupted rebuild
/// ([`Progress::interrupted`]) is abandoned, and `dir` left as it was.
pub fn rebuild_index(
    dir: &Path,
    paths: &[PathBuf],
    options: &IndexOptions,
    progress: &mut dyn Progress,
) -> Result<IndexReport> {
    Archive::rebuild(dir, |fresh| {
        let report = index_paths(fresh, paths, options, progress)?;
        Ok(match report.interrupted {
            true => Built::Abandoned(report),
            false => Built::Complete(report),
        })
    })
}
