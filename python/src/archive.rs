//! `baoku.Archive`: an archive opened or created from Python, searched, read and
//! indexed through the library ([`baoku::Archive`], [`baoku::ingest::index_paths`]),
//! with the GIL released while the library works; and `baoku.Matches`, the iterator
//! over every match of a query (the library's export, [`baoku::research::Export`]).

use crate::convert::{extract_options, period};
use crate::errors::{invalid_argument, to_py};
use crate::results::{Article, IndexReport, Match, Problem, SearchResults, Stats};
use crate::writer::Writer;
use baoku::index::WriterOptions;
use baoku::ingest::{index_paths, IndexOptions, Progress, DEFAULT_BATCH_ARTICLES};
use baoku::research::{Export, Field};
use baoku::search::{Filters, Sort, MAX_LIMIT};
use baoku::snippet::FRAGMENT_CHARS;
use baoku::{SearchRequest, SnippetOptions};
use pyo3::prelude::*;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A baoku archive: the index directory that ``baoku index`` writes.
///
/// ``Archive(path)`` opens an existing archive (``baoku.IndexMissing`` if there is
/// none); ``Archive.create(path)`` makes a new, empty one. One archive may be shared
/// by threads: searches run in parallel, without the GIL, while at most one writer
/// (``archive.writer()`` or ``archive.index()``) writes.
#[pyclass(module = "baoku", frozen)]
pub(crate) struct Archive {
    pub(crate) inner: baoku::Archive,
}

/// How a search is asked, from the keyword arguments of `search` and `iter_matches`.
struct Ask<'a, 'py> {
    query: &'a str,
    since: Option<&'a Bound<'py, PyAny>>,
    until: Option<&'a Bound<'py, PyAny>>,
    source: Option<String>,
    author: Option<String>,
    sort: &'a str,
    recent: bool,
    collapse: bool,
    facets: bool,
    snippets: usize,
    snippet_chars: usize,
}

impl Ask<'_, '_> {
    fn request(self, limit: usize, offset: usize) -> PyResult<SearchRequest> {
        if !FRAGMENT_CHARS.contains(&self.snippet_chars) {
            return Err(invalid_argument(
                "snippet_chars",
                format!(
                    "must be from {} to {}, not {}",
                    FRAGMENT_CHARS.start(),
                    FRAGMENT_CHARS.end(),
                    self.snippet_chars
                ),
            ));
        }
        Ok(SearchRequest {
            query: self.query.to_string(),
            filters: Filters {
                since: period("since", self.since)?,
                until: period("until", self.until)?,
                source: self.source,
                author: self.author,
            },
            sort: self
                .sort
                .parse::<Sort>()
                .map_err(|reason| invalid_argument("sort", reason))?,
            recent: self.recent,
            limit,
            offset,
            snippets: SnippetOptions {
                max_snippets: self.snippets,
                fragment_chars: self.snippet_chars,
            },
            collapse: self.collapse,
            facets: self.facets,
            facet_set: Default::default(),
        })
    }
}

/// `paths` of `index()`: one path (str or os.PathLike) or an iterable of them.
fn paths_of(paths: &Bound<'_, PyAny>) -> PyResult<Vec<PathBuf>> {
    if let Ok(one) = paths.extract::<PathBuf>() {
        return Ok(vec![one]);
    }
    let mut all = Vec::new();
    for path in paths.try_iter()? {
        all.push(path?.extract::<PathBuf>()?);
    }
    Ok(all)
}

#[pymethods]
impl Archive {
    /// Opens the archive at ``path``, checking that it is a baoku index of this version.
    #[new]
    fn open(py: Python<'_>, path: PathBuf) -> PyResult<Archive> {
        let inner = py.detach(|| baoku::Archive::open(&path)).map_err(to_py)?;
        Ok(Archive { inner })
    }

    /// Creates a new, empty archive at ``path``, which must not exist or be empty.
    #[staticmethod]
    fn create(py: Python<'_>, path: PathBuf) -> PyResult<Archive> {
        let inner = py.detach(|| baoku::Archive::create(&path)).map_err(to_py)?;
        Ok(Archive { inner })
    }

    /// Opens the archive at ``path``, creating it if the directory does not exist or
    /// is empty (what ``baoku index`` does).
    #[staticmethod]
    fn open_or_create(py: Python<'_>, path: PathBuf) -> PyResult<Archive> {
        let inner = py
            .detach(|| baoku::Archive::open_or_create(&path))
            .map_err(to_py)?;
        Ok(Archive { inner })
    }

    /// The index directory.
    #[getter]
    fn path(&self) -> PathBuf {
        self.inner.dir().to_path_buf()
    }

    /// Makes this handle see the latest commit now (another process's too), rather
    /// than shortly after it. A writer of this handle's own makes its commits seen at once.
    fn reload(&self, py: Python<'_>) -> PyResult<()> {
        py.detach(|| self.inner.reload()).map_err(to_py)
    }

    /// Searches the archive, as ``baoku search --json`` does.
    ///
    /// ``query`` is in baoku's query language: words (AND), ``"a phrase"``, ``-word``,
    /// ``OR``, ``field:value``; a long question or pasted text is answered in
    /// relaxed mode. ``since``/``until`` take ``"2021"``, ``"2021-03"``,
    /// ``"2021年3月8日"`` or a ``datetime.date``; ``source`` is a part of an outlet's
    /// name (``"=NAME"`` for exactly that outlet); ``sort`` is ``"relevance"``,
    /// ``"date"`` (newest first) or ``"oldest"``; ``collapse=False`` shows reprints
    /// apart; ``facets=True`` counts the matches by source and month; ``snippets``
    /// fragments of ``snippet_chars`` characters per hit. At most 1000 hits a call:
    /// ``iter_matches`` reads every match.
    ///
    /// The GIL is released while the engine works.
    #[pyo3(signature = (query = "", limit = 10, offset = 0, since = None, until = None,
                        source = None, author = None, sort = "relevance", recent = false,
                        collapse = true, facets = false, snippets = 3, snippet_chars = 80))]
    #[allow(clippy::too_many_arguments)]
    fn search(
        &self,
        py: Python<'_>,
        query: &str,
        limit: usize,
        offset: usize,
        since: Option<&Bound<'_, PyAny>>,
        until: Option<&Bound<'_, PyAny>>,
        source: Option<String>,
        author: Option<String>,
        sort: &str,
        recent: bool,
        collapse: bool,
        facets: bool,
        snippets: usize,
        snippet_chars: usize,
    ) -> PyResult<SearchResults> {
        if limit > MAX_LIMIT {
            return Err(invalid_argument(
                "limit",
                format!("at most {MAX_LIMIT} hits a search, not {limit}; iter_matches() reads every match"),
            ));
        }
        let request = Ask {
            query,
            since,
            until,
            source,
            author,
            sort,
            recent,
            collapse,
            facets,
            snippets,
            snippet_chars,
        }
        .request(limit, offset)?;
        let results = py.detach(|| self.inner.search(&request)).map_err(to_py)?;
        SearchResults::new(py, results)
    }

    /// Every article that matches ``query``, in the requested order, read one at a
    /// time: what ``baoku search --export`` writes, for exports
    /// (``pandas.DataFrame(m.to_dict() for m in archive.iter_matches(q))``).
    ///
    /// Takes the filters and order of ``search``; every matching article is yielded
    /// once, reprints too (as many as ``search(...).total``), and no partial matches.
    /// Each is a ``Match``: the stored ``Article`` with its ``score`` and, when
    /// ``fields`` names ``"snippet"``, its best fragment of ``snippet_chars``
    /// characters. ``fields`` (``"id,date,title"`` or a list of names, as
    /// ``--fields``; the export's default columns otherwise) are the keys of
    /// ``Match.to_dict()``. The matches are those of the commit seen when this is
    /// called: a commit made while iterating does not change them. The GIL is released
    /// while the engine works.
    #[pyo3(signature = (query = "", since = None, until = None, source = None,
                        author = None, sort = "relevance", recent = false, fields = None,
                        snippet_chars = 80))]
    #[allow(clippy::too_many_arguments)]
    fn iter_matches(
        &self,
        py: Python<'_>,
        query: &str,
        since: Option<&Bound<'_, PyAny>>,
        until: Option<&Bound<'_, PyAny>>,
        source: Option<String>,
        author: Option<String>,
        sort: &str,
        recent: bool,
        fields: Option<&Bound<'_, PyAny>>,
        snippet_chars: usize,
    ) -> PyResult<Matches> {
        let fields = export_fields(fields)?;
        let request = Ask {
            query,
            since,
            until,
            source,
            author,
            sort,
            recent,
            collapse: false,
            facets: false,
            snippets: 1,
            snippet_chars,
        }
        .request(MAX_LIMIT, 0)?;
        let snippets = fields.contains(&Field::Snippet);
        let export = py
            .detach(|| self.inner.export(&request, snippets))
            .map_err(to_py)?;
        Ok(Matches {
            export,
            fields: fields.into(),
        })
    }

    /// The article with this id, or None.
    fn get(&self, py: Python<'_>, id: &str) -> PyResult<Option<Article>> {
        let article = py.detach(|| self.inner.get(id)).map_err(to_py)?;
        Ok(article.map(Article))
    }

    /// What the archive holds, as ``baoku stats`` says.
    fn stats(&self, py: Python<'_>) -> PyResult<Stats> {
        let stats = py.detach(|| self.inner.stats()).map_err(to_py)?;
        Ok(Stats(stats))
    }

    /// Indexes every article found under ``paths`` (files, folders, archives such as
    /// ``.tar.gz``; one path or a list), as ``baoku index`` does: inputs already
    /// indexed and unchanged are skipped, the rest read on ``threads`` threads and
    /// committed every ``batch`` articles.
    ///
    /// ``format`` reads every input as that format (``"jsonl"``, ``"html"``…),
    /// ``encoding`` decodes every input with that encoding (``"gbk"``…), and
    /// ``fields`` maps article fields to the names of JSON fields
    /// (``{"body": "content"}``). Inputs that cannot be read are listed in the
    /// report's ``problems`` (with ``strict=True``, the first one raises); ``prune=True``
    /// removes the articles of inputs that no longer exist. Ctrl-C stops the run
    /// after committing what was read, then raises KeyboardInterrupt. The GIL is
    /// released while it runs.
    #[pyo3(signature = (paths, threads = None, format = None, encoding = None, fields = None,
                        batch = DEFAULT_BATCH_ARTICLES, memory_mb = None, prune = false,
                        strict = false))]
    #[allow(clippy::too_many_arguments)]
    fn index(
        &self,
        py: Python<'_>,
        paths: &Bound<'_, PyAny>,
        threads: Option<usize>,
        format: Option<&str>,
        encoding: Option<&str>,
        fields: Option<&Bound<'_, PyAny>>,
        batch: usize,
        memory_mb: Option<usize>,
        prune: bool,
        strict: bool,
    ) -> PyResult<IndexReport> {
        let paths = paths_of(paths)?;
        if batch == 0 {
            return Err(invalid_argument("batch", "must be at least 1"));
        }
        let options = IndexOptions {
            extract: extract_options(format, encoding, fields)?,
            writer: writer_options(threads, memory_mb)?,
            batch_articles: batch,
            prune,
            strict,
        };
        let mut progress = Collect {
            problems: Vec::new(),
            interrupt: None,
            checked: Instant::now(),
        };
        let report = py
            .detach(|| index_paths(&self.inner, &paths, &options, &mut progress))
            .map_err(to_py)?;
        if let Some(interrupt) = progress.interrupt.take() {
            return Err(interrupt);
        }
        let problems = progress
            .problems
            .iter()
            .map(|p| Py::new(py, Problem::new(p)))
            .collect::<PyResult<_>>()?;
        Ok(IndexReport { report, problems })
    }

    /// A writer for records built in Python; use it as a context manager::
    ///
    ///     with archive.writer() as w:
    ///         w.upsert({"title": "…", "body": "…", "date": "2022-05-17"})
    ///
    /// It commits when the block ends and discards everything when it raises. At most
    /// one writer at a time: a second raises ``baoku.IndexInUse``. ``threads`` and
    /// ``memory_mb`` size tantivy's indexing; ``fields`` maps article fields to the
    /// record's keys (``{"body": "content"}``), as ``index(fields=...)``. ``bulk=True``
    /// merges the new segments once, when the writer finishes, rather than in the
    /// background as they come: right for a first build, which is the default when the
    /// archive is empty (as ``baoku index`` does), wrong for a writer that commits a
    /// little at a time for long, whose segments would pile up meanwhile.
    #[pyo3(signature = (threads = None, memory_mb = None, fields = None, bulk = None))]
    fn writer(
        &self,
        py: Python<'_>,
        threads: Option<usize>,
        memory_mb: Option<usize>,
        fields: Option<&Bound<'_, PyAny>>,
        bulk: Option<bool>,
    ) -> PyResult<Writer> {
        let mut options = writer_options(threads, memory_mb)?;
        options.bulk = bulk.unwrap_or_else(|| self.inner.num_articles() == 0);
        let extract = extract_options(None, None, fields)?;
        let writer = py
            .detach(|| self.inner.writer_with(options))
            .map_err(to_py)?;
        Ok(Writer::new(writer, extract))
    }

    /// Number of articles (as of the latest commit this handle has seen).
    fn __len__(&self) -> usize {
        self.inner.num_articles() as usize
    }

    fn __repr__(&self) -> String {
        format!(
            "baoku.Archive({:?})",
            self.inner.dir().display().to_string()
        )
    }
}

/// The writer options of `threads=` and `memory_mb=`, the library's defaults otherwise.
fn writer_options(threads: Option<usize>, memory_mb: Option<usize>) -> PyResult<WriterOptions> {
    let mut options = WriterOptions::default();
    if let Some(threads) = threads {
        if !(1..=64).contains(&threads) {
            return Err(invalid_argument(
                "threads",
                format!("must be from 1 to 64, not {threads}"),
            ));
        }
        options.threads = threads;
    }
    if let Some(memory_mb) = memory_mb {
        if !(32..=65536).contains(&memory_mb) {
            return Err(invalid_argument(
                "memory_mb",
                format!("must be from 32 to 65536, not {memory_mb}"),
            ));
        }
        options.memory_bytes = memory_mb * 1_048_576;
    }
    Ok(options)
}

/// The [`Progress`] of `index()`: keeps the problems for the report, and asks Python
/// for a pending Ctrl-C now and then (the GIL is taken for a moment to do so).
struct Collect {
    problems: Vec<baoku::ingest::Problem>,
    interrupt: Option<PyErr>,
    checked: Instant,
}

/// How often an indexing run looks for a Ctrl-C.
const SIGNAL_CHECK: Duration = Duration::from_millis(100);

impl Progress for Collect {
    fn start(&mut self, _inputs: usize, _bytes: u64) {}

    fn update(&mut self, _bytes: u64, _articles: u64, _inputs_done: usize) {
        if self.interrupt.is_none() && self.checked.elapsed() >= SIGNAL_CHECK {
            self.checked = Instant::now();
            self.interrupt = Python::attach(|py| py.check_signals().err());
        }
    }

    fn problem(&mut self, problem: &baoku::ingest::Problem) {
        self.problems.push(problem.clone());
    }

    fn committing(&mut self) {}

    fn interrupted(&self) -> bool {
        self.interrupt.is_some()
    }
}

/// `fields=` of `iter_matches`: a comma-separated str or a list of names, read by
/// the library's own list parser; the export's default columns when None.
fn export_fields(fields: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<Field>> {
    let Some(fields) = fields.filter(|f| !f.is_none()) else {
        return Ok(Field::DEFAULT.to_vec());
    };
    let text = match fields.extract::<String>() {
        Ok(text) => text,
        Err(_) => fields
            .extract::<Vec<String>>()
            .map_err(|_| {
                invalid_argument(
                    "fields",
                    "expected a str (\"id,date,title\") or a list of field names",
                )
            })?
            .join(","),
    };
    Field::list(&text).map_err(|reason| invalid_argument("fields", reason))
}

/// Every match of a query (``archive.iter_matches(...)``): an iterator of ``Match``,
/// over the library's [`Export`], which holds the ordered matches (32 bytes each) and
/// reads one stored article a step.
#[pyclass(module = "baoku")]
pub(crate) struct Matches {
    export: Export,
    /// The columns of each match's `to_dict()`.
    fields: Arc<[Field]>,
}

#[pymethods]
impl Matches {
    /// Matching articles in all: how many this iterator yields (reprints included).
    #[getter]
    fn total(&self) -> u64 {
        self.export.total
    }

    /// How the query was read, as ``SearchResults.notes``.
    #[getter]
    fn notes(&self) -> Vec<String> {
        self.export.notes.clone()
    }

    /// The keys of each match's ``to_dict()``, in order.
    #[getter]
    fn fields(&self) -> Vec<&'static str> {
        self.fields.iter().map(|f| f.name()).collect()
    }

    /// Matches not yet yielded.
    fn __len__(&self) -> usize {
        self.export.size_hint().0
    }

    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&mut self, py: Python<'_>) -> PyResult<Option<Py<Match>>> {
        let export = &mut self.export;
        match py.detach(|| export.next()) {
            None => Ok(None),
            Some(row) => Match::new(py, row.map_err(to_py)?, &self.fields).map(Some),
        }
    }
}
