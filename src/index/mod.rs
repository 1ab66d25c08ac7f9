//! The archive: a tantivy index directory that baoku creates, checks and writes.
//!
//! [`Archive`] opens or creates the directory (refusing one built with another schema
//! or analyzer version) and hands out an [`ArchiveWriter`] that upserts articles by
//! id and commits atomically: a reader sees all of a commit or none of it.
//!
//! This module owns the index files; it must not parse inputs or queries.

mod check;
mod directory;
#[cfg(feature = "fault-injection")]
mod faults;
mod lock;
mod names;
mod rebuild;
mod stats;
mod version;
mod writer;

pub use check::{check_index, CheckReport, Damage};
use lock::WriterLock;
pub use lock::LOCK_FILE;
pub use rebuild::Built;
pub use stats::{SourceCount, Stats};
pub use version::IndexVersion;
pub use writer::{ArchiveWriter, Upsert, WriterOptions, DEFAULT_WRITER_MEMORY};

use crate::analyze::register_tokenizers;
use crate::article::Article;
use crate::error::{Error, Result};
use crate::schema::IndexSchema;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tantivy::schema::Value;
use tantivy::store::{Compressor, ZstdCompressor};
use tantivy::{Index, IndexReader, IndexSettings, ReloadPolicy, Searcher, TantivyDocument, Term};

/// zstd level of the stored articles.
const DOCSTORE_ZSTD_LEVEL: i32 = 3;
/// Bytes of stored articles compressed together. Every hit shown decompresses one
/// block: 16 KB instead of 32 KB cut the two-word p50 on 117k articles by a tenth
/// (1.16-1.24 -> 1.04-1.10 ms) for a store 6% larger (index +2%).
const DOCSTORE_BLOCK_BYTES: usize = 16 * 1024;

/// An archive of articles: the index directory that `baoku index` writes.
///
/// Cheap to clone and safe to share between threads; every clone sees the same index.
#[derive(Clone)]
pub struct Archive {
    inner: Arc<Inner>,
    /// Groups of names that find each other in this handle's queries.
    synonyms: Option<Arc<crate::search::Synonyms>>,
}

struct Inner {
    dir: PathBuf,
    index: Index,
    reader: IndexReader,
    schema: &'static IndexSchema,
    names: names::NameCache,
}

impl std::fmt::Debug for Archive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Archive")
            .field("dir", &self.inner.dir)
            .finish_non_exhaustive()
    }
}

/// The tantivy directory of the index in `dir` (`index/directory.rs`; in test builds,
/// one that can be told to fail its writes).
fn open_directory(dir: &Path) -> tantivy::Result<Box<dyn tantivy::Directory>> {
    #[cfg(feature = "fault-injection")]
    return faults::open_directory(dir);
    #[cfg(not(feature = "fault-injection"))]
    Ok(Box::new(directory::ArchiveDirectory::open(dir)?))
}

impl Archive {
    /// Opens the archive in `dir`, checking that it is a baoku index of this version.
    ///
    /// A folder that holds no index is [`Error::IndexMissing`]; one that holds
    /// something else, [`Error::NotAnIndex`]; an index of another schema version names
    /// the `baoku index --rebuild` that upgrades it.
    ///
    /// ```
    /// use baoku::{Archive, Error};
    ///
    /// let dir = tempfile::tempdir()?;
    /// let missing = Archive::open(dir.path().join("nothing here"));
    /// assert!(matches!(missing, Err(Error::IndexMissing { .. })));
    ///
    /// Archive::create(dir.path().join("archive"))?;
    /// let archive = Archive::open(dir.path().join("archive"))?;
    /// assert_eq!(archive.num_articles(), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn open(dir: impl AsRef<Path>) -> Result<Archive> {
        let dir = dir.as_ref();
        if !dir.is_dir() || is_empty_dir(dir)? {
            return Err(Error::IndexMissing {
                path: dir.to_path_buf(),
            });
        }
        let Some(found) = IndexVersion::read(dir)? else {
            return Err(Error::NotAnIndex {
                path: dir.to_path_buf(),
            });
        };
        found.check(dir)?;
        let index = Index::open(open_directory(dir)?)?;
        Archive::from_index(dir, index)
    }

    /// Creates a new, empty archive in `dir`, which must not exist or be empty.
    pub fn create(dir: impl AsRef<Path>) -> Result<Archive> {
        let dir = dir.as_ref();
        if dir.exists() && !is_empty_dir(dir)? {
            return Err(if IndexVersion::read(dir)?.is_some() {
                Error::Io {
                    path: dir.to_path_buf(),
                    source: std::io::Error::new(
                        std::io::ErrorKind::AlreadyExists,
                        "an index already exists here",
                    ),
                }
            } else {
                Error::NotAnIndex {
                    path: dir.to_path_buf(),
                }
            });
        }
        // Built beside and renamed into place, so that a process killed half-way
        // leaves no half-made index in `dir` (only a hidden folder beside it).
        let staging = sibling(dir, "creating");
        if staging.exists() {
            std::fs::remove_dir_all(&staging).map_err(|e| Error::io(&staging, e))?;
        }
        let staged = create_files(&staging)
            .and_then(|()| std::fs::rename(&staging, dir).map_err(|e| Error::io(dir, e)));
        if staged.is_err() {
            // A folder that cannot be replaced (a mount point, say): made in place.
            let _ = std::fs::remove_dir_all(&staging);
            create_files(dir)?;
        }
        let index = Index::open(open_directory(dir)?)?;
        Archive::from_index(dir, index)
    }

    /// Opens the archive in `dir`, creating it if the directory does not exist or is empty.
    pub fn open_or_create(dir: impl AsRef<Path>) -> Result<Archive> {
        let dir = dir.as_ref();
        if dir.is_dir() && !is_empty_dir(dir)? {
            Archive::open(dir)
        } else {
            Archive::create(dir)
        }
    }

    fn from_index(dir: &Path, index: Index) -> Result<Archive> {
        register_tokenizers(&index);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .try_into()?;
        Ok(Archive {
            inner: Arc::new(Inner {
                dir: dir.to_path_buf(),
                index,
                reader,
                schema: IndexSchema::embedded(),
                names: names::NameCache::default(),
            }),
            synonyms: None,
        })
    }

    /// This handle with `synonyms` applied to every query it answers (search, trend,
    /// export, keyword in context), or none. Other handles of the same index keep
    /// their own.
    ///
    /// ```
    /// use baoku::search::Synonyms;
    /// use baoku::{Archive, Article, SearchRequest};
    ///
    /// # fn main() -> baoku::Result<()> {
    /// let dir = tempfile::tempdir().unwrap();
    /// let archive = Archive::create(dir.path().join("index"))?;
    /// let mut writer = archive.writer()?;
    /// for (id, body) in [("a", "川普抵达北京"), ("b", "特朗普总统发表讲话")] {
    ///     writer.upsert(&Article { id: id.into(), body: body.into(), ..Article::default() })?;
    /// }
    /// writer.commit()?;
    ///
    /// let synonyms = Synonyms::parse("特朗普,川普,特朗普总统", "synonyms.txt")?;
    /// let archive = archive.with_synonyms(Some(synonyms));
    /// let results = archive.search(&SearchRequest::new("川普"))?;
    /// assert_eq!(results.total, 2);
    /// assert_eq!(results.notes, ["川普 also as 特朗普, 特朗普总统 (synonyms.txt:1)"]);
    /// # Ok(())
    /// # }
    /// ```
    pub fn with_synonyms(mut self, synonyms: Option<crate::search::Synonyms>) -> Archive {
        self.synonyms = synonyms.map(Arc::new);
        self
    }

    /// The synonyms this handle applies, if any.
    pub fn synonyms(&self) -> Option<&crate::search::Synonyms> {
        self.synonyms.as_deref()
    }

    /// The index directory.
    pub fn dir(&self) -> &Path {
        &self.inner.dir
    }

    /// The underlying tantivy index (baoku's tokenizers are registered on it).
    pub fn tantivy_index(&self) -> &Index {
        &self.inner.index
    }

    /// The schema the archive was built with.
    pub fn schema(&self) -> &'static IndexSchema {
        self.inner.schema
    }

    /// A searcher on the latest commit this handle has seen.
    pub fn searcher(&self) -> Searcher {
        self.inner.reader.searcher()
    }

    /// Makes this handle see the latest commit now, rather than shortly after it.
    pub fn reload(&self) -> Result<()> {
        self.inner.reader.reload()?;
        Ok(())
    }

    /// Number of articles in the archive.
    pub fn num_articles(&self) -> u64 {
        self.searcher().num_docs()
    }

    /// Fetches one article by id (as search hits and `baoku search` give it).
    ///
    /// ```
    /// use baoku::{Archive, Article};
    ///
    /// let dir = tempfile::tempdir()?;
    /// let archive = Archive::create(dir.path())?;
    /// let mut writer = archive.writer()?;
    /// writer.upsert(&Article {
    ///     id: "jl-2022-05-17".into(),
    ///     title: Some("在新起点上接续奋斗".into()),
    ///     body: "全省脱贫地区农民收入达到12906元。".into(),
    ///     ..Article::default()
    /// })?;
    /// writer.commit()?;
    /// archive.reload()?;
    /// let article = archive.get("jl-2022-05-17")?.expect("stored");
    /// assert_eq!(article.title.as_deref(), Some("在新起点上接续奋斗"));
    /// assert!(archive.get("no-such-id")?.is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn get(&self, id: &str) -> Result<Option<Article>> {
        let searcher = self.searcher();
        let schema = self.schema();
        let Some(address) = self.address_of(&searcher, id)? else {
            return Ok(None);
        };
        let doc: TantivyDocument = searcher.doc(address)?;
        debug_assert_eq!(
            doc.get_first(schema.fields().id).and_then(|v| v.as_str()),
            Some(id)
        );
        Ok(Some(schema.to_article(&doc)))
    }

    /// The names an article holds, read from the `person`, `place` and `org` columns
    /// (folded, as indexing found them; in the order the column gives them, each
    /// once), through the handle's cache of decoded name dictionaries
    /// (`index/names.rs`).
    pub(crate) fn names_at(
        &self,
        searcher: &tantivy::Searcher,
        address: tantivy::DocAddress,
    ) -> Result<crate::analyze::Entities> {
        self.inner.names.names_at(searcher, address)
    }

    /// Where the article with this id is in `searcher`, if there is one.
    pub(crate) fn address_of(
        &self,
        searcher: &tantivy::Searcher,
        id: &str,
    ) -> Result<Option<tantivy::DocAddress>> {
        let term = Term::from_field_text(self.schema().fields().id, id);
        let query = tantivy::query::TermQuery::new(term, tantivy::schema::IndexRecordOption::Basic);
        let top = searcher.search(
            &query,
            &tantivy::collector::TopDocs::with_limit(1).order_by_score(),
        )?;
        Ok(top.first().map(|&(_, address)| address))
    }

    /// Starts writing: at most one writer per archive at a time (tantivy holds a lock
    /// file, so a second process gets an error rather than a corrupt index).
    ///
    /// ```
    /// use baoku::{Archive, Error};
    ///
    /// let dir = tempfile::tempdir()?;
    /// let archive = Archive::create(dir.path())?;
    /// let _writer = archive.writer()?;
    /// // A second writer, here or in another process, is refused while one is open.
    /// assert!(matches!(archive.writer(), Err(Error::IndexInUse { .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn writer(&self) -> Result<ArchiveWriter> {
        ArchiveWriter::new(self.clone(), WriterOptions::default())
    }

    /// Starts writing with the given threads and memory budget.
    pub fn writer_with(&self, options: WriterOptions) -> Result<ArchiveWriter> {
        ArchiveWriter::new(self.clone(), options)
    }
}

/// Creates the files of an empty archive in `dir`.
fn create_files(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let schema = IndexSchema::embedded();
    Index::builder()
        .schema(schema.tantivy_schema().clone())
        .settings(IndexSettings {
            // Chinese text compresses about twice as well with zstd as with lz4;
            // larger blocks help it further, at a cost on every stored-document read.
            docstore_compression: Compressor::Zstd(ZstdCompressor {
                compression_level: Some(DOCSTORE_ZSTD_LEVEL),
            }),
            docstore_blocksize: DOCSTORE_BLOCK_BYTES,
            ..IndexSettings::default()
        })
        .create_in_dir(dir)?;
    IndexVersion::current().write(dir)
}

/// A hidden folder beside `dir`, named after it, this process and `purpose`.
fn sibling(dir: &Path, purpose: &str) -> PathBuf {
    let (parent, name) = parent_and_name(dir);
    parent.join(format!(".{name}.{purpose}-{}", std::process::id()))
}

/// Removes the hidden [`sibling`] folders that rebuilds and creations of the index in
/// `dir` left behind when their process was killed (`.NAME.rebuild-PID`,
/// `.NAME.creating-PID`, `.NAME.old-PID`), once that process is gone. Best effort:
/// a folder that cannot be removed is left.
fn remove_leftovers(dir: &Path) {
    let (parent, name) = parent_and_name(dir);
    let Ok(entries) = std::fs::read_dir(&parent) else {
        return;
    };
    let prefix = format!(".{name}.");
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file_name.strip_prefix(&prefix) else {
            continue;
        };
        let Some((purpose, pid)) = rest.rsplit_once('-') else {
            continue;
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        let alive = Path::new("/proc").join(pid.to_string()).exists();
        if matches!(purpose, "rebuild" | "creating" | "old") && pid != std::process::id() && !alive
        {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// The folder that holds `dir` (`.` for a bare name) and `dir`'s own name, which
/// [`sibling`] folders are named after.
fn parent_and_name(dir: &Path) -> (PathBuf, String) {
    let name = dir.file_name().map_or_else(
        || "baoku-index".into(),
        |n| n.to_string_lossy().into_owned(),
    );
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    (parent, name)
}

fn is_empty_dir(dir: &Path) -> Result<bool> {
    let mut entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    Ok(entries.next().is_none())
}
