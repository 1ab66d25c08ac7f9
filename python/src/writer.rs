//! `baoku.Writer`: records built in Python upserted into an archive through
//! [`baoku::ArchiveWriter`]. A record (a dict) is read exactly as a line of a JSON
//! Lines file is — the same field names and aliases, dates, HTML bodies and ids — by
//! handing it to the library's extractor as JSON ([`baoku::extract_bytes`]).

use crate::convert::record_json;
use crate::errors::{to_py, Error, InvalidArticle};
use baoku::extract::ExtractOptions;
use baoku::{ArchiveWriter, Upsert};
use pyo3::prelude::*;
use pyo3::types::PyType;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

/// The name the records are read under: it makes them JSON.
const RECORD_NAME: &str = "record.json";

/// Writes records built in Python into an archive: ``archive.writer()``.
///
/// Nothing is visible to searches until ``commit()`` (or the end of a ``with``
/// block). Dropping a writer without committing discards its changes. The writer
/// holds the archive's lock: a second writer (in this process or another) raises
/// ``baoku.IndexInUse`` until this one is closed.
#[pyclass(module = "baoku", frozen)]
pub(crate) struct Writer {
    state: Mutex<Option<ArchiveWriter>>,
    extract: ExtractOptions,
    added: AtomicU64,
    replaced: AtomicU64,
    duplicates: AtomicU64,
}

impl Writer {
    pub(crate) fn new(writer: ArchiveWriter, extract: ExtractOptions) -> Writer {
        Writer {
            state: Mutex::new(Some(writer)),
            extract,
            added: AtomicU64::new(0),
            replaced: AtomicU64::new(0),
            duplicates: AtomicU64::new(0),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Option<ArchiveWriter>> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `f` on the open writer, without the GIL.
    fn with_writer<T: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&mut ArchiveWriter) -> PyResult<T> + Send,
    ) -> PyResult<T> {
        py.detach(|| match self.lock().as_mut() {
            Some(writer) => f(writer),
            None => Err(closed()),
        })
    }

    /// Commits (merging the segments when this writer wrote most of the archive) and
    /// releases the lock.
    fn finish(&self, py: Python<'_>) -> PyResult<()> {
        let written = self.added.load(Ordering::Relaxed) + self.replaced.load(Ordering::Relaxed);
        py.detach(|| match self.lock().take() {
            Some(writer) => writer.finish_compact(written).map(|_| ()).map_err(to_py),
            None => Ok(()),
        })
    }

    /// Discards what was not committed and releases the lock.
    fn discard(&self, py: Python<'_>) -> PyResult<()> {
        py.detach(|| match self.lock().take() {
            Some(mut writer) => writer.rollback().map_err(to_py),
            None => Ok(()),
        })
    }
}

fn closed() -> PyErr {
    Error::new_err("the writer is closed: open another with archive.writer()")
}

#[pymethods]
impl Writer {
    /// Adds the article in ``record``, replacing any article with the same id; returns
    /// its id.
    ///
    /// ``record`` is a dict with the keys of a JSON Lines record: ``title``, ``body``
    /// (or ``content``, ``正文``…), ``date`` (text such as ``"2022-05-17"``, a
    /// ``datetime.date``, or epoch seconds), ``source``, ``author``, ``url``, ``id``…
    /// Without an ``id`` the article's id is its URL's or its content's, as for a JSON
    /// Lines file. An article whose title and text another article already has is not
    /// stored again: the id returned is then that article's. A record without title or
    /// text raises ``baoku.InvalidArticle``.
    fn upsert(&self, py: Python<'_>, record: &Bound<'_, PyAny>) -> PyResult<String> {
        let record = serde_json::Value::Object(record_json(record)?);
        let bytes = serde_json::to_vec(&record)
            .map_err(|e| Error::new_err(format!("upsert: cannot write the record as JSON: {e}")))?;
        self.with_writer(py, |writer| {
            let mut items = baoku::extract_bytes(RECORD_NAME, &bytes, &self.extract);
            let mut article = match (items.pop(), items.is_empty()) {
                (Some(Ok(article)), true) => article,
                (Some(Err(problem)), _) => {
                    return Err(InvalidArticle::new_err(format!(
                        "upsert: {}",
                        problem.reason
                    )))
                }
                _ => {
                    return Err(InvalidArticle::new_err(
                        "upsert: the record holds no article",
                    ))
                }
            };
            // It came from Python, not from a file.
            article.path = None;
            Ok(match writer.upsert(&article).map_err(to_py)? {
                Upsert::Added => {
                    self.added.fetch_add(1, Ordering::Relaxed);
                    article.id
                }
                Upsert::Replaced => {
                    self.replaced.fetch_add(1, Ordering::Relaxed);
                    article.id
                }
                Upsert::Duplicate { of } => {
                    self.duplicates.fetch_add(1, Ordering::Relaxed);
                    of
                }
            })
        })
    }

    /// Deletes the article with this id, if there is one (at the next commit).
    fn delete(&self, py: Python<'_>, id: &str) -> PyResult<()> {
        self.with_writer(py, |writer| {
            writer.delete(id);
            Ok(())
        })
    }

    /// Makes every change so far durable and visible to searches, all at once.
    fn commit(&self, py: Python<'_>) -> PyResult<()> {
        self.with_writer(py, |writer| writer.commit().map_err(to_py))
    }

    /// Discards every change since the last commit.
    fn rollback(&self, py: Python<'_>) -> PyResult<()> {
        self.with_writer(py, |writer| writer.rollback().map_err(to_py))
    }

    /// Commits, waits for merges, and releases the archive's lock (what the end of a
    /// ``with`` block does).
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        self.finish(py)
    }

    /// Whether the writer is closed.
    #[getter]
    fn closed(&self) -> bool {
        self.lock().is_none()
    }

    /// Articles added by this writer (new ids).
    #[getter]
    fn added(&self) -> u64 {
        self.added.load(Ordering::Relaxed)
    }

    /// Articles that replaced one with the same id.
    #[getter]
    fn replaced(&self) -> u64 {
        self.replaced.load(Ordering::Relaxed)
    }

    /// Records not stored because another article has exactly their title and text.
    #[getter]
    fn duplicates(&self) -> u64 {
        self.duplicates.load(Ordering::Relaxed)
    }

    fn __enter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    /// Commits when the block ends normally; discards everything when it raises.
    #[pyo3(signature = (exc_type = None, _exc = None, _traceback = None))]
    fn __exit__(
        &self,
        py: Python<'_>,
        exc_type: Option<&Bound<'_, PyType>>,
        _exc: Option<&Bound<'_, PyAny>>,
        _traceback: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<bool> {
        match exc_type {
            None => self.finish(py)?,
            Some(_) => self.discard(py)?,
        }
        Ok(false)
    }

    fn __repr__(&self) -> String {
        format!(
            "baoku.Writer(added={}, replaced={}, duplicates={}{})",
            self.added(),
            self.replaced(),
            self.duplicates(),
            if self.closed() { ", closed" } else { "" }
        )
    }
}
