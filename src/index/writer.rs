//! Writing articles: upsert by id, then one atomic commit.

use super::Archive;
use crate::article::Article;
use crate::error::Result;
use std::collections::HashSet;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocSet, IndexWriter, Searcher, TantivyDocument, Term, TERMINATED};

/// Memory the tantivy writer may use for its in-memory segments, in total.
const WRITER_MEMORY_BYTES: usize = 192 * 1024 * 1024;

/// What an upsert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upsert {
    /// The id was not in the archive: the article was added.
    Added,
    /// An article with this id existed (or was added earlier in this batch): it is replaced.
    Replaced,
}

/// Adds, replaces and deletes articles; nothing is visible until [`ArchiveWriter::commit`].
///
/// Dropping a writer without committing discards its changes.
pub struct ArchiveWriter {
    archive: Archive,
    writer: IndexWriter<TantivyDocument>,
    committed: Searcher,
    ids_in_batch: HashSet<String>,
}

impl ArchiveWriter {
    pub(super) fn new(archive: Archive) -> Result<ArchiveWriter> {
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, 4);
        let writer = archive
            .tantivy_index()
            .writer_with_num_threads(threads, WRITER_MEMORY_BYTES)?;
        let committed = archive.searcher();
        Ok(ArchiveWriter {
            archive,
            writer,
            committed,
            ids_in_batch: HashSet::new(),
        })
    }

    /// Adds `article`, replacing any article with the same id.
    pub fn upsert(&mut self, article: &Article) -> Result<Upsert> {
        let schema = self.archive.schema();
        let id_term = Term::from_field_text(schema.fields().id, &article.id);
        let existed =
            self.ids_in_batch.contains(&article.id) || is_live(&self.committed, &id_term)?;
        self.writer.delete_term(id_term);
        self.writer.add_document(schema.to_document(article))?;
        self.ids_in_batch.insert(article.id.clone());
        Ok(if existed {
            Upsert::Replaced
        } else {
            Upsert::Added
        })
    }

    /// Deletes the article with this id, if there is one.
    pub fn delete(&mut self, id: &str) {
        let term = Term::from_field_text(self.archive.schema().fields().id, id);
        self.writer.delete_term(term);
        self.ids_in_batch.remove(id);
    }

    /// Makes every change since the writer was made (or since the last commit)
    /// durable and visible, all at once.
    pub fn commit(&mut self) -> Result<()> {
        self.writer.commit()?;
        self.archive.reload()?;
        self.committed = self.archive.searcher();
        self.ids_in_batch.clear();
        Ok(())
    }

    /// Discards every change since the last commit.
    pub fn rollback(&mut self) -> Result<()> {
        self.writer.rollback()?;
        self.ids_in_batch.clear();
        Ok(())
    }

    /// Commits, then waits for the background merges to finish, so that the process
    /// can exit with a compact index.
    pub fn finish(mut self) -> Result<()> {
        self.commit()?;
        self.writer.wait_merging_threads()?;
        Ok(())
    }
}

/// Whether a live (not deleted) document holds `term`. Unlike `doc_freq`, this does not
/// count documents that were replaced but not yet merged away.
fn is_live(searcher: &Searcher, term: &Term) -> Result<bool> {
    for segment in searcher.segment_readers() {
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
                return Ok(true);
            }
            doc = postings.advance();
        }
    }
    Ok(false)
}
