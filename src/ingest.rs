//! Ingestion: the whole path from the files a user names to a committed index.
//!
//! [`index_paths`] walks the inputs ([`crate::source`]), extracts each article
//! ([`crate::extract`]), upserts it ([`crate::index`]) and commits once at the end, so
//! a run that fails leaves the archive exactly as it was. Inputs that cannot be read
//! are reported in the [`IndexReport`], never silently dropped.
//!
//! Progress is reported through the [`Progress`] trait; this module does not print.

use crate::error::{Error, Result};
use crate::extract::extract_file;
use crate::index::{is_empty_dir, Archive, IndexVersion, Upsert};
use crate::source::{collect_inputs, SkipReason, Skipped};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Receives progress while [`index_paths`] runs (the CLI draws a progress bar).
pub trait Progress {
    /// The inputs are known: `files` files, `bytes` bytes in all.
    fn start(&mut self, files: usize, bytes: u64);
    /// One input (of `bytes` bytes) was handled.
    fn advance(&mut self, path: &Path, bytes: u64);
    /// Everything was extracted; the commit starts.
    fn committing(&mut self);
}

/// A [`Progress`] that ignores everything.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&mut self, _files: usize, _bytes: u64) {}
    fn advance(&mut self, _path: &Path, _bytes: u64) {}
    fn committing(&mut self) {}
}

/// What an indexing run did.
#[derive(Debug, Clone, Default)]
pub struct IndexReport {
    /// Input files read.
    pub files: usize,
    /// Articles that were not in the archive before.
    pub added: usize,
    /// Articles that replaced one with the same id.
    pub replaced: usize,
    /// Inputs that were not indexed, with reasons.
    pub skipped: Vec<Skipped>,
    /// Bytes of input read.
    pub bytes: u64,
    /// Wall-clock time of the run, commit included.
    pub elapsed: Duration,
    /// Articles in the archive after the run.
    pub total_articles: u64,
}

impl IndexReport {
    /// Articles indexed by this run (added or replaced).
    pub fn indexed(&self) -> usize {
        self.added + self.replaced
    }

    /// Inputs that failed (unreadable, undecodable, no article), as opposed to files of
    /// a type baoku does not read.
    pub fn failures(&self) -> impl Iterator<Item = &Skipped> {
        self.skipped
            .iter()
            .filter(|s| matches!(s.reason, SkipReason::Failed(_)))
    }
}

/// Indexes every article found under `paths` into `archive` and commits.
pub fn index_paths(
    archive: &Archive,
    paths: &[PathBuf],
    progress: &mut dyn Progress,
) -> Result<IndexReport> {
    let started = Instant::now();
    let inputs = collect_inputs(paths)?;
    let mut report = IndexReport {
        skipped: inputs.skipped.clone(),
        ..IndexReport::default()
    };
    progress.start(inputs.files.len(), inputs.total_bytes());

    let mut writer = archive.writer()?;
    for input in &inputs.files {
        match extract_file(&input.path) {
            Ok(article) => match writer.upsert(&article)? {
                Upsert::Added => report.added += 1,
                Upsert::Replaced => report.replaced += 1,
            },
            Err(error) => report.skipped.push(Skipped {
                path: input.path.clone(),
                reason: SkipReason::Failed(reason_of(&error, &input.path)),
            }),
        }
        report.files += 1;
        report.bytes += input.size;
        progress.advance(&input.path, input.size);
    }
    progress.committing();
    writer.finish()?;
    archive.reload()?;
    report.total_articles = archive.num_articles();
    report.elapsed = started.elapsed();
    Ok(report)
}

/// The error's message without the path prefix (the report pairs it with the path).
fn reason_of(error: &crate::Error, path: &Path) -> String {
    let message = error.to_string();
    let prefix = format!("{}: ", path.display());
    message
        .strip_prefix(&prefix)
        .map_or(message.clone(), str::to_string)
}

/// Builds a new archive from `paths` beside `dir`, then puts it in place of `dir`.
///
/// The old archive stays searchable, untouched, until the new one is complete; if the
/// run fails, the old one is kept and the partial new one removed. This is also how an
/// archive built by another baoku version is upgraded. `dir` must be a baoku archive,
/// empty, or absent: any other folder is refused rather than replaced.
pub fn rebuild_index(
    dir: &Path,
    paths: &[PathBuf],
    progress: &mut dyn Progress,
) -> Result<IndexReport> {
    if dir.exists() && IndexVersion::read(dir)?.is_none() && !is_empty_dir(dir)? {
        return Err(Error::NotAnIndex {
            path: dir.to_path_buf(),
        });
    }
    let name = dir.file_name().map_or_else(
        || "baoku-index".into(),
        |n| n.to_string_lossy().into_owned(),
    );
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let fresh = parent.join(format!(".{name}.rebuild-{}", std::process::id()));
    if fresh.exists() {
        std::fs::remove_dir_all(&fresh).map_err(|e| Error::io(&fresh, e))?;
    }
    let built = Archive::create(&fresh).and_then(|archive| index_paths(&archive, paths, progress));
    let report = match built {
        Ok(report) => report,
        Err(error) => {
            // Best effort: the error that stopped the rebuild is the one to report.
            let _ = std::fs::remove_dir_all(&fresh);
            return Err(error);
        }
    };
    if dir.exists() {
        let old = parent.join(format!(".{name}.old-{}", std::process::id()));
        std::fs::rename(dir, &old).map_err(|e| Error::io(dir, e))?;
        std::fs::rename(&fresh, dir).map_err(|e| Error::io(dir, e))?;
        std::fs::remove_dir_all(&old).map_err(|e| Error::io(&old, e))?;
    } else {
        std::fs::rename(&fresh, dir).map_err(|e| Error::io(dir, e))?;
    }
    Ok(report)
}
