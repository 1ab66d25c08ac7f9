//! Writing articles: upsert by id, exact duplicates stored once, then atomic commits.

use super::lock::WriterLock;
use super::Archive;
use crate::analyze::fingerprint::content_hash;
use crate::article::Article;
use crate::error::{Error, Result};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, DocSet, IndexWriter, Searcher, TantivyDocument, Term, TERMINATED};

/// Memory the tantivy writer may use for its in-memory segments, in total, by default.
pub const DEFAULT_WRITER_MEMORY: usize = 256 * 1024 * 1024;
/// Memory budget of the writer that only merges (tantivy's minimum is 15 MB a thread).
const MERGE_WRITER_MEMORY: usize = 16 * 1024 * 1024;

/// What an upsert did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Upsert {
    /// The id was not in the archive: the article was added.
    Added,
    /// An article with this id existed (or was added earlier in this batch): it is replaced.
    Replaced,
    /// Another article (`of`, its id) has exactly this title and body: it was not
    /// stored again.
    Duplicate {
        /// The id of the article already stored with this body.
        of: String,
    },
}

/// How a writer works.
#[derive(Debug, Clone, Copy)]
pub struct WriterOptions {
    /// Indexing threads (tantivy analyses documents on them).
    pub threads: usize,
    /// Memory budget of the in-memory segments, in bytes, for all threads together.
    pub memory_bytes: usize,
    /// Writing most of the archive at once (a first build): segments are not merged
    /// while the writer runs, only once at the end by
    /// [`ArchiveWriter::finish_compact`], instead of merging the early segments in the
    /// background and then again with the later ones. Leave it off for a writer that
    /// adds a little at a time: its segments would pile up until it finishes.
    pub bulk: bool,
}

impl Default for WriterOptions {
    fn default() -> Self {
        WriterOptions {
            threads: std::thread::available_parallelism()
                .map_or(1, |n| n.get())
                .clamp(1, 8),
            memory_bytes: DEFAULT_WRITER_MEMORY,
            bulk: false,
        }
    }
}

/// Adds, replaces and deletes articles; nothing is visible until [`ArchiveWriter::commit`].
///
/// Dropping a writer without committing discards its changes.
pub struct ArchiveWriter {
    archive: Archive,
    writer: IndexWriter<TantivyDocument>,
    committed: Searcher,
    ids_in_batch: HashSet<String>,
    /// Content hash → (id, input) of the articles written in this batch.
    bodies_in_batch: HashMap<u64, (String, Option<String>)>,
    deleted_ids: HashSet<String>,
    deleted_inputs: HashSet<String>,
    /// Inputs being read again (see [`ArchiveWriter::begin_reread`]), each with the
    /// ids upserted from it since.
    rereading: HashMap<String, HashSet<String>>,
    /// Whether anything was added or deleted since the last commit.
    changed: bool,
    /// Declared last, so that it is released after tantivy's writer.
    _lock: WriterLock,
}

impl ArchiveWriter {
    pub(super) fn new(archive: Archive, options: WriterOptions) -> Result<ArchiveWriter> {
        // tantivy needs at least 15 MB per thread.
        let threads = options.threads.max(1);
        let memory = options.memory_bytes.max(threads * 16 * 1024 * 1024);
        let lock = WriterLock::acquire(archive.dir())?;
        let writer = archive
            .tantivy_index()
            .writer_with_num_threads(threads, memory)?;
        if options.bulk {
            writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        }
        let committed = archive.searcher();
        Ok(ArchiveWriter {
            archive,
            writer,
            committed,
            ids_in_batch: HashSet::new(),
            bodies_in_batch: HashMap::new(),
            deleted_ids: HashSet::new(),
            deleted_inputs: HashSet::new(),
            rereading: HashMap::new(),
            changed: false,
            _lock: lock,
        })
    }

    /// Adds `article`, replacing any article with the same id. An article whose title
    /// and body another article already has is not stored (see [`Upsert::Duplicate`]).
    pub fn upsert(&mut self, article: &Article) -> Result<Upsert> {
        self.upsert_from(article, None)
    }

    /// Like [`ArchiveWriter::upsert`], recording the input the article was read from.
    pub fn upsert_from(&mut self, article: &Article, input: Option<&str>) -> Result<Upsert> {
        let schema = self.archive.schema();
        let hash = content_hash(article);
        if let Some(of) = self.duplicate_of(hash, &article.id, input)? {
            return Ok(Upsert::Duplicate { of });
        }
        let id_term = Term::from_field_text(schema.fields().id, &article.id);
        let live = self.is_live(&id_term)?;
        let existed = self.ids_in_batch.contains(&article.id)
            || (live && !self.deleted_ids.contains(&article.id));
        self.changed = true;
        if existed || live {
            self.writer.delete_term(id_term);
        }
        if let Err(error) = self.writer.add_document(schema.to_document(article, input)) {
            return Err(self.write_failed(error));
        }
        self.ids_in_batch.insert(article.id.clone());
        self.bodies_in_batch
            .insert(hash, (article.id.clone(), input.map(str::to_owned)));
        if let Some(seen) = input.and_then(|input| self.rereading.get_mut(input)) {
            seen.insert(article.id.clone());
        }
        Ok(if existed {
            Upsert::Replaced
        } else {
            Upsert::Added
        })
    }

    /// Deletes the article with this id, if there is one.
    pub fn delete(&mut self, id: &str) {
        let term = Term::from_field_text(self.archive.schema().fields().id, id);
        self.changed = true;
        self.writer.delete_term(term);
        self.ids_in_batch.remove(id);
        self.deleted_ids.insert(id.to_string());
    }

    /// Deletes every article read from `input` (before re-reading a changed input,
    /// or when it has disappeared).
    pub fn delete_input(&mut self, input: &str) {
        let term = Term::from_field_text(self.archive.schema().fields().input, input);
        self.changed = true;
        self.writer.delete_term(term);
        self.deleted_inputs.insert(input.to_string());
    }

    /// Starts reading `input` again — it changed, or an interrupted run left some of
    /// its articles committed — without deleting its articles first: each one read
    /// again replaces the stored one (same id, same commit), and
    /// [`ArchiveWriter::end_reread`] deletes those it no longer holds. So a commit
    /// made while the input is being read never takes away an article it still has.
    /// Until then its stored articles that were not read again do not count as
    /// duplicates of new ones.
    pub fn begin_reread(&mut self, input: &str) {
        self.rereading.entry(input.to_string()).or_default();
    }

    /// Ends a [`begin_reread`](ArchiveWriter::begin_reread) of `input` once it has
    /// been read to the end: deletes the stored articles from `input` that were not
    /// read again. Returns how many. Nothing to do for an input not being re-read.
    pub fn end_reread(&mut self, input: &str) -> Result<usize> {
        let Some(seen) = self.rereading.remove(input) else {
            return Ok(0);
        };
        let fields = self.archive.schema().fields();
        let term = Term::from_field_text(fields.input, input);
        let mut stale = Vec::new();
        for address in live_docs(&self.committed, &term, usize::MAX)? {
            let doc: TantivyDocument = self.committed.doc(address)?;
            let Some(id) = doc.get_first(fields.id).and_then(|v| v.as_str()) else {
                continue;
            };
            // An id upserted in this batch (from another input too) has replaced this
            // stored article already; deleting the id would delete the new one.
            if !seen.contains(id) && !self.ids_in_batch.contains(id) {
                stale.push(id.to_string());
            }
        }
        for id in &stale {
            self.delete(id);
        }
        Ok(stale.len())
    }

    /// Whether the last commit holds articles read from `input`.
    pub fn has_input(&self, input: &str) -> Result<bool> {
        let term = Term::from_field_text(self.archive.schema().fields().input, input);
        Ok(!live_docs(&self.committed, &term, 1)?.is_empty())
    }

    /// The id of a stored article with this content hash, not deleted in this batch:
    /// another article, or this very one (same id: ids come from what an article is)
    /// held by another input that is still there — the same text in two files is
    /// stored once and stays with the file that brought it first, while an archive
    /// moved elsewhere takes its articles along.
    fn duplicate_of(&self, hash: u64, id: &str, input: Option<&str>) -> Result<Option<String>> {
        let elsewhere = |other: &str, other_input: Option<&str>| {
            other != id
                || match (input, other_input) {
                    (Some(this), Some(that)) => this != that && Path::new(that).exists(),
                    _ => false,
                }
        };
        if let Some((other, other_input)) = self.bodies_in_batch.get(&hash) {
            if elsewhere(other, other_input.as_deref()) && self.ids_in_batch.contains(other) {
                return Ok(Some(other.clone()));
            }
        }
        let fields = self.archive.schema().fields();
        let term = Term::from_field_u64(fields.content_hash, hash);
        for address in live_docs(&self.committed, &term, 16)? {
            let doc: TantivyDocument = self.committed.doc(address)?;
            let text = |field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .map(str::to_owned)
            };
            let Some(other) = text(fields.id) else {
                continue;
            };
            let input = text(fields.input);
            let input_deleted = input
                .as_ref()
                .is_some_and(|i| self.deleted_inputs.contains(i));
            // From an input being read again, and not read again yet: it may be gone
            // or changed by the end of the input.
            let maybe_stale = input
                .as_ref()
                .and_then(|i| self.rereading.get(i))
                .is_some_and(|seen| !seen.contains(&other));
            // Replaced in this batch: it may no longer have this body (if it still
            // has, `bodies_in_batch` found it above).
            let replaced = self.ids_in_batch.contains(&other);
            if elsewhere(&other, input.as_deref())
                && !self.deleted_ids.contains(&other)
                && !input_deleted
                && !maybe_stale
                && !replaced
            {
                return Ok(Some(other));
            }
        }
        Ok(None)
    }

    fn is_live(&self, term: &Term) -> Result<bool> {
        Ok(!live_docs(&self.committed, term, 1)?.is_empty())
    }

    /// Makes every change since the writer was made (or since the last commit)
    /// durable and visible, all at once.
    pub fn commit(&mut self) -> Result<()> {
        if let Err(error) = self.writer.commit() {
            return Err(self.write_failed(error));
        }
        self.changed = false;
        self.archive.reload()?;
        self.committed = self.archive.searcher();
        self.ids_in_batch.clear();
        self.bodies_in_batch.clear();
        self.deleted_ids.clear();
        self.deleted_inputs.clear();
        Ok(())
    }

    /// The error to report for a failed write. When an indexing thread failed (a full
    /// disk while it wrote a segment), tantivy says only that a thread died; preparing
    /// a commit joins the threads and brings out what actually went wrong. No commit
    /// is made.
    fn write_failed(&mut self, error: tantivy::TantivyError) -> Error {
        let cause = if matches!(error, tantivy::TantivyError::ErrorInThread(_)) {
            match self.writer.prepare_commit() {
                Err(cause) => cause,
                Ok(prepared) => {
                    let _ = prepared.abort();
                    error
                }
            }
        } else {
            error
        };
        Error::IndexWrite {
            path: self.archive.dir().to_path_buf(),
            cause,
        }
    }

    /// Discards every change since the last commit.
    pub fn rollback(&mut self) -> Result<()> {
        self.writer.rollback()?;
        self.changed = false;
        // The files of the discarded segments would otherwise stay until the next
        // commit: after a full disk, that space is what the next run needs.
        let _ = self.writer.garbage_collect_files().wait();
        self.ids_in_batch.clear();
        self.bodies_in_batch.clear();
        self.deleted_ids.clear();
        self.deleted_inputs.clear();
        // What was upserted from inputs being re-read is discarded, and which of
        // their stored articles were read again is no longer known: none is deleted
        // as stale (their inputs are read again by the next run).
        self.rereading.clear();
        Ok(())
    }

    /// Commits, then waits for the background merges to finish, so that the process
    /// can exit with a compact index.
    pub fn finish(self) -> Result<()> {
        self.finish_and_merge_if(|_| false).map(|_| ())
    }

    /// Like [`ArchiveWriter::finish`]; then, when `written` articles (those this
    /// writer added or replaced) are at least half of the archive, merges all its
    /// segments into one and returns `true`.
    ///
    /// One segment is smaller (one term dictionary instead of one per segment) and
    /// answers faster: a query looks each of its terms up once per segment. The merge
    /// rewrites the index, which pays after a run that wrote most of the archive, not
    /// after a small addition (tantivy's own background merges take care of those).
    /// Should the merge fail, every article is still committed.
    pub fn finish_compact(self, written: u64) -> Result<bool> {
        self.finish_and_merge_if(|total| written.saturating_mul(2) >= total)
    }

    fn finish_and_merge_if(mut self, merge: impl FnOnce(u64) -> bool) -> Result<bool> {
        // A commit with nothing new would still write `meta.json`: on a full disk it
        // would fail after every article was committed, and say the batch was lost.
        if self.changed {
            self.commit()?;
        }
        let total = self.committed.num_docs();
        let ArchiveWriter {
            archive,
            writer,
            _lock,
            ..
        } = self;
        // From here on every article is committed: what fails is only a merge.
        let failed = |cause| Error::Merge {
            path: archive.dir().to_path_buf(),
            cause,
        };
        writer.wait_merging_threads().map_err(failed)?;
        if !merge(total) {
            return Ok(false);
        }
        let index = archive.tantivy_index();
        let segments = index.searchable_segment_ids().map_err(failed)?;
        if segments.len() < 2 {
            return Ok(false);
        }
        release_freed_memory();
        let mut merger: IndexWriter<TantivyDocument> = index
            .writer_with_num_threads(1, MERGE_WRITER_MEMORY)
            .map_err(failed)?;
        merger.merge(&segments).wait().map_err(failed)?;
        merger.wait_merging_threads().map_err(failed)?;
        // Our lock is released last, after tantivy's writers.
        drop(_lock);
        Ok(true)
    }
}

/// Gives the heap memory the indexing threads freed back to the system, before the
/// final merge maps every file of the index. glibc keeps freed memory for reuse, and
/// during the merge it would count on top of the mapped index: peak RSS of a cctv
/// build 402-444 MB without this, 335-344 MB with it (3 runs each); 1,041 -> 861 MB
/// on all three corpora (one run each).
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free pages of the allocator's arenas to the
    // system; no live allocation is touched.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Up to `limit` live (not deleted) documents holding `term`. Unlike `doc_freq`, this
/// does not count documents that were replaced but not yet merged away.
fn live_docs(searcher: &Searcher, term: &Term, limit: usize) -> Result<Vec<DocAddress>> {
    let mut found = Vec::new();
    for (ordinal, segment) in searcher.segment_readers().iter().enumerate() {
        let index = segment.inverted_index(term.field())?;
        let postings = index
            .read_postings(term, IndexRecordOption::Basic)
            .map_err(tantivy::TantivyError::from)?;
        let Some(mut postings) = postings else {
            continue;
        };
        let mut doc = postings.doc();
        while doc != TERMINATED {
            if !segment.is_deleted(doc) {
                found.push(DocAddress::new(ordinal as u32, doc));
                if found.len() >= limit {
                    return Ok(found);
                }
            }
            doc = postings.advance();
        }
    }
    Ok(found)
}
