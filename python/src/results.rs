//! What the library answers, as Python objects: [`SearchResults`] with their [`Hit`]s
//! and [`Snippet`]s, an [`Article`] (and a [`Match`] of an export), [`Stats`] and an [`IndexReport`] with its
//! [`Problem`]s. Each wraps the library's own value and converts a field only when it
//! is read, so that a search costs Python no more than the hits it looks at.
//!
//! The attributes carry the names of `baoku search --json` (and `baoku stats --json`);
//! `to_dict()` is exactly that JSON (serialised by the library's serde), with dates
//! as `datetime.date`. Highlights are `[start, end)` offsets in characters — what
//! Python's `str` indexes, so `snippet.text[a:b]` is the highlighted word.

use crate::convert::{json_value, py_date, py_of_json, py_of_serde};
use baoku::research::{Field, Row};
use pyo3::exceptions::{PyImportError, PyIndexError};
use pyo3::prelude::*;
use pyo3::types::{PyDate, PyDict, PyList};
use std::sync::Arc;

type Ranges = Vec<(usize, usize)>;

fn ranges(highlights: &[[usize; 2]]) -> Ranges {
    highlights.iter().map(|[a, b]| (*a, *b)).collect()
}

/// `Hit('id', '在新起点上接续奋斗', 2022-05-17)`-style reprs: a few fields, shortened.
fn short(text: Option<&str>) -> String {
    match text {
        None => "None".to_string(),
        Some(t) if t.chars().count() > 30 => {
            format!(
                "{:?}",
                format!("{}…", t.chars().take(30).collect::<String>())
            )
        }
        Some(t) => format!("{t:?}"),
    }
}

/// A fragment of an article's text with the query words marked.
///
/// `highlights` are `[start, end)` offsets in characters of `text`, so
/// `[snippet.text[a:b] for a, b in snippet.highlights]` are the marked words.
#[pyclass(module = "baoku", frozen)]
pub(crate) struct Snippet(pub(crate) baoku::Snippet);

#[pymethods]
impl Snippet {
    /// The fragment, with ``……`` where text before or after it was left out.
    #[getter]
    fn text(&self) -> &str {
        &self.0.text
    }

    /// ``[(start, end), …]``: character offsets into ``text`` of the matched words.
    #[getter]
    fn highlights(&self) -> Ranges {
        ranges(&self.0.highlights)
    }

    /// The highlighted pieces of ``text``, in order.
    fn marked(&self) -> Vec<String> {
        let chars: Vec<char> = self.0.text.chars().collect();
        self.0
            .highlights
            .iter()
            .map(|[a, b]| {
                chars[(*a).min(chars.len())..(*b).min(chars.len())]
                    .iter()
                    .collect()
            })
            .collect()
    }

    /// ``{"text": …, "highlights": [[start, end], …]}``, as in ``search --json``.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_of_serde(py, &self.0)
    }

    fn __repr__(&self) -> String {
        format!(
            "Snippet({}, highlights={:?})",
            short(Some(&self.0.text)),
            self.highlights()
        )
    }
}

/// One matching article of a search, with the fields of ``baoku search --json``.
#[pyclass(module = "baoku", frozen)]
pub(crate) struct Hit(pub(crate) baoku::Hit);

#[pymethods]
impl Hit {
    /// The article id (``archive.get(hit.id)`` reads the whole article).
    #[getter]
    fn id(&self) -> &str {
        &self.0.id
    }
    /// The headline.
    #[getter]
    fn title(&self) -> Option<&str> {
        self.0.title.as_deref()
    }
    /// ``[(start, end), …]``: character offsets of the query words in ``title``.
    #[getter]
    fn title_highlights(&self) -> Ranges {
        ranges(&self.0.title_highlights)
    }
    /// The subtitle, when the query words are in it.
    #[getter]
    fn subtitle(&self) -> Option<&str> {
        self.0.subtitle.as_deref()
    }
    /// Character offsets of the query words in ``subtitle``.
    #[getter]
    fn subtitle_highlights(&self) -> Ranges {
        ranges(&self.0.subtitle_highlights)
    }
    /// Publication date, or None.
    #[getter]
    fn date<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDate>>> {
        py_date(py, self.0.date)
    }
    /// The outlet.
    #[getter]
    fn source(&self) -> Option<&str> {
        self.0.source.as_deref()
    }
    /// The writer(s).
    #[getter]
    fn author(&self) -> Option<&str> {
        self.0.author.as_deref()
    }
    /// The article's web address.
    #[getter]
    fn url(&self) -> Option<&str> {
        self.0.url.as_deref()
    }
    /// Relevance (BM25, higher is better), comparable within one result list only.
    #[getter]
    fn score(&self) -> f64 {
        // As the JSON writes it: 58.773, not the f32's 58.77299880981445.
        self.0.score.to_string().parse().unwrap_or(f64::NAN)
    }
    /// Other matching articles that are reprints of this one (collapsed into it).
    #[getter]
    fn similar(&self) -> u64 {
        self.0.similar
    }
    /// It holds only some of the query's words (shown after too few exact matches).
    #[getter]
    fn partial(&self) -> bool {
        self.0.partial
    }
    /// Fragments of the body with the query words highlighted, best first.
    #[getter]
    fn snippets(&self) -> Vec<Snippet> {
        self.0.snippets.iter().cloned().map(Snippet).collect()
    }
    /// The file the article was indexed from (None for records upserted from Python).
    #[getter]
    fn path(&self) -> Option<&str> {
        self.0.path.as_deref()
    }
    /// The people the article names, folded to simplified characters (``person:`` finds
    /// them).
    #[getter]
    fn person(&self) -> Vec<String> {
        self.0.names.person.clone()
    }
    /// The places the article names (``place:``).
    #[getter]
    fn place(&self) -> Vec<String> {
        self.0.names.place.clone()
    }
    /// The organisations the article names (``org:``).
    #[getter]
    fn org(&self) -> Vec<String> {
        self.0.names.org.clone()
    }

    /// The hit as a dict with the keys of ``search --json`` (``date`` a datetime.date).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_of_serde(py, &self.0)
    }

    fn __repr__(&self) -> String {
        format!(
            "Hit(id={:?}, title={}, date={}, source={}, score={})",
            self.0.id,
            short(self.0.title.as_deref()),
            self.0.date.map_or("None".to_string(), |d| d.to_string()),
            short(self.0.source.as_deref()),
            self.0.score
        )
    }
}

/// Columns of ``to_pandas()`` when there is no hit to take them from.
const HIT_COLUMNS: [&str; 16] = [
    "id",
    "title",
    "title_highlights",
    "date",
    "source",
    "author",
    "url",
    "score",
    "similar",
    "partial",
    "snippets",
    "path",
    "subtitle",
    "person",
    "place",
    "org",
];

/// The answer to ``archive.search(...)``: the hits, the exact ``total``, and how the
/// query was answered. A sequence of its hits: ``len(results)``, ``results[0]``,
/// ``for hit in results``.
#[pyclass(module = "baoku", frozen)]
pub(crate) struct SearchResults {
    /// The results without their hits, which are `hits`.
    pub(crate) meta: baoku::SearchResults,
    pub(crate) hits: Vec<Py<Hit>>,
}

impl SearchResults {
    pub(crate) fn new(py: Python<'_>, mut results: baoku::SearchResults) -> PyResult<Self> {
        let hits = std::mem::take(&mut results.hits)
            .into_iter()
            .map(|hit| Py::new(py, Hit(hit)))
            .collect::<PyResult<_>>()?;
        Ok(SearchResults {
            meta: results,
            hits,
        })
    }
}

#[pymethods]
impl SearchResults {
    /// The query as given.
    #[getter]
    fn query(&self) -> &str {
        &self.meta.query
    }
    /// Exact number of matching articles (reprints included, not only those returned).
    #[getter]
    fn total(&self) -> u64 {
        self.meta.total
    }
    /// ``"all"``: everything matched as written; ``"relaxed"``: nothing did, and the
    /// articles holding the most of the query's content words answered.
    #[getter]
    fn mode(&self) -> &'static str {
        match self.meta.mode {
            baoku::search::Mode::All => "all",
            baoku::search::Mode::Relaxed => "relaxed",
        }
    }
    /// What in the query was read differently from how it looks, one line each.
    #[getter]
    fn notes(&self) -> Vec<String> {
        self.meta.notes.clone()
    }
    /// Milliseconds the engine spent answering (parse, match, rank, snippets).
    #[getter]
    fn took_ms(&self) -> f64 {
        self.meta.took_ms
    }
    /// The hits, in the requested order.
    #[getter]
    fn hits<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, self.hits.iter().map(|h| h.clone_ref(py)))
    }
    /// With ``facets=True``: ``{"source": {name: count, …}, "month": {"2022-05": count,
    /// …}}``, sources most first and months newest first (None counts articles without
    /// one); else None.
    #[getter]
    fn facets<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        let Some(facets) = &self.meta.facets else {
            return Ok(None);
        };
        let out = PyDict::new(py);
        for (name, counts) in [("source", &facets.source), ("month", &facets.month)] {
            let dict = PyDict::new(py);
            for count in counts {
                dict.set_item(count.value.as_deref(), count.count)?;
            }
            out.set_item(name, dict)?;
        }
        Ok(Some(out))
    }

    /// The hits as dicts with the keys of ``search --json`` (``date`` a datetime.date).
    fn to_dicts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for hit in &self.hits {
            list.append(py_of_serde(py, &hit.get().0)?)?;
        }
        Ok(list)
    }

    /// The whole answer as the dict of ``search --json`` (dates as datetime.date).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let mut json = json_value(&self.meta)?;
        let hits = self
            .hits
            .iter()
            .map(|h| json_value(&h.get().0))
            .collect::<PyResult<Vec<_>>>()?;
        json["hits"] = serde_json::Value::Array(hits);
        py_of_json(py, &json)
    }

    /// The hits as a pandas DataFrame, one row per hit, the columns of ``to_dicts()``.
    ///
    /// Needs pandas (``pip install pandas``); without it, an ImportError says so.
    fn to_pandas<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let pandas = py.import("pandas").map_err(|e| {
            PyImportError::new_err(format!(
                "SearchResults.to_pandas() needs pandas, which is not installed ({e}): pip install pandas"
            ))
        })?;
        let rows = self.to_dicts(py)?;
        let kwargs = PyDict::new(py);
        if rows.is_empty() {
            kwargs.set_item("columns", HIT_COLUMNS.to_vec())?;
        }
        pandas.getattr("DataFrame")?.call((rows,), Some(&kwargs))
    }

    fn __len__(&self) -> usize {
        self.hits.len()
    }

    fn __getitem__(&self, py: Python<'_>, index: isize) -> PyResult<Py<Hit>> {
        let len = self.hits.len() as isize;
        let at = if index < 0 { index + len } else { index };
        if !(0..len).contains(&at) {
            return Err(PyIndexError::new_err("hit index out of range"));
        }
        Ok(self.hits[at as usize].clone_ref(py))
    }

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(self.hits(py)?.try_iter()?.into_any())
    }

    fn __repr__(&self) -> String {
        format!(
            "SearchResults(query={:?}, total={}, mode={:?}, hits={}, took_ms={})",
            self.meta.query,
            self.meta.total,
            self.mode(),
            self.hits.len(),
            self.meta.took_ms
        )
    }
}

/// One article as stored in the archive (``archive.get(id)``).
#[pyclass(module = "baoku", frozen, subclass)]
pub(crate) struct Article(pub(crate) baoku::Article);

#[pymethods]
impl Article {
    /// Stable identifier: upserting an article with this id replaces it.
    #[getter]
    fn id(&self) -> &str {
        &self.0.id
    }
    /// The headline.
    #[getter]
    fn title(&self) -> Option<&str> {
        self.0.title.as_deref()
    }
    /// The sub-headline (副题).
    #[getter]
    fn subtitle(&self) -> Option<&str> {
        self.0.subtitle.as_deref()
    }
    /// Publication date, or None.
    #[getter]
    fn date<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDate>>> {
        py_date(py, self.0.date)
    }
    /// The outlet (来源).
    #[getter]
    fn source(&self) -> Option<&str> {
        self.0.source.as_deref()
    }
    /// The writer(s), names only.
    #[getter]
    fn author(&self) -> Option<&str> {
        self.0.author.as_deref()
    }
    /// The responsible editor (责任编辑).
    #[getter]
    fn editor(&self) -> Option<&str> {
        self.0.editor.as_deref()
    }
    /// The article's web address.
    #[getter]
    fn url(&self) -> Option<&str> {
        self.0.url.as_deref()
    }
    /// The text: one paragraph a line.
    #[getter]
    fn body(&self) -> &str {
        &self.0.body
    }
    /// The input it was indexed from (None for records upserted from Python).
    #[getter]
    fn path(&self) -> Option<&str> {
        self.0.path.as_deref()
    }
    /// The headline as the input wrote it, before cleaning (``baoku show --raw``):
    /// ``title`` when cleaning changed nothing.
    #[getter]
    fn raw_title(&self) -> Option<&str> {
        self.0.raw_title()
    }
    /// The body as the input wrote it, before cleaning removed the source's
    /// furniture, Markdown or HTML (``baoku show --raw``): ``body`` when cleaning
    /// changed nothing.
    #[getter]
    fn raw_body(&self) -> &str {
        self.0.raw_body()
    }
    /// Whether cleaning changed the headline or the body.
    #[getter]
    fn was_cleaned(&self) -> bool {
        self.0.was_cleaned()
    }

    /// The article as a dict, as ``baoku extract`` prints it (``date`` a datetime.date).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_of_serde(py, &self.0)
    }

    fn __repr__(&self) -> String {
        format!(
            "Article(id={:?}, title={}, date={}, source={})",
            self.0.id,
            short(self.0.title.as_deref()),
            self.0.date.map_or("None".to_string(), |d| d.to_string()),
            short(self.0.source.as_deref()),
        )
    }
}

/// One match of ``archive.iter_matches(...)``: the stored ``Article`` (every field of
/// it, ``body`` too) with its ``score`` and ``snippet``; ``to_dict()`` is the row
/// ``baoku search --export jsonl`` writes, with the iteration's ``fields``.
#[pyclass(module = "baoku", frozen, extends = Article)]
pub(crate) struct Match {
    /// Relevance (BM25, rounded as the export writes it), comparable within one
    /// iteration only.
    #[pyo3(get)]
    score: f64,
    /// The best fragment of the body around the query words (plain text), when the
    /// iteration's ``fields`` name ``"snippet"``; else None.
    #[pyo3(get)]
    snippet: Option<String>,
    /// The row's score as the library holds it, for `to_dict()`.
    raw_score: f32,
    fields: Arc<[Field]>,
}

impl Match {
    pub(crate) fn new(py: Python<'_>, row: Row, fields: &Arc<[Field]>) -> PyResult<Py<Match>> {
        let score = match row.value(Field::Score) {
            serde_json::Value::Number(n) => n.as_f64().unwrap_or(f64::NAN),
            _ => f64::NAN,
        };
        let this = Match {
            score,
            snippet: row.snippet,
            raw_score: row.score,
            fields: Arc::clone(fields),
        };
        Py::new(
            py,
            PyClassInitializer::from(Article(row.article)).add_subclass(this),
        )
    }
}

#[pymethods]
impl Match {
    /// ``{field: value}`` for the iteration's ``fields``, in order: the row of
    /// ``baoku search --export jsonl`` (``date`` a datetime.date, a missing value None).
    fn to_dict<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyDict>> {
        let py = slf.py();
        let this = slf.get();
        let article = &slf.as_super().get().0;
        let row = Row {
            article: article.clone(),
            score: this.raw_score,
            snippet: this.snippet.clone(),
        };
        let dict = PyDict::new(py);
        for field in this.fields.iter() {
            let value = match field {
                Field::Date => py_date(py, article.date)?
                    .map_or_else(|| py.None().into_bound(py), Bound::into_any),
                _ => py_of_json(py, &row.value(*field))?,
            };
            dict.set_item(field.name(), value)?;
        }
        Ok(dict)
    }

    fn __repr__(slf: &Bound<'_, Self>) -> String {
        let article = &slf.as_super().get().0;
        format!(
            "Match(id={:?}, title={}, date={}, score={})",
            article.id,
            short(article.title.as_deref()),
            article.date.map_or("None".to_string(), |d| d.to_string()),
            slf.get().score
        )
    }
}

/// What an archive holds (``baoku stats``).
#[pyclass(module = "baoku", frozen)]
pub(crate) struct Stats(pub(crate) baoku::Stats);

#[pymethods]
impl Stats {
    /// Number of articles.
    #[getter]
    fn articles(&self) -> u64 {
        self.0.articles
    }
    /// Earliest publication date.
    #[getter]
    fn first_date<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDate>>> {
        py_date(py, self.0.first_date)
    }
    /// Latest publication date.
    #[getter]
    fn last_date<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDate>>> {
        py_date(py, self.0.last_date)
    }
    /// Articles without a date.
    #[getter]
    fn undated(&self) -> u64 {
        self.0.undated
    }
    /// Number of distinct sources.
    #[getter]
    fn sources(&self) -> u64 {
        self.0.sources
    }
    /// ``{source: articles}`` for the sources with the most articles, most first.
    #[getter]
    fn top_sources<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        for source in &self.0.top_sources {
            dict.set_item(&source.value, source.count)?;
        }
        Ok(dict)
    }
    /// Articles without a source.
    #[getter]
    fn without_source(&self) -> u64 {
        self.0.without_source
    }
    /// Articles with the same body fingerprint as another: reprints that search collapses.
    #[getter]
    fn near_duplicates(&self) -> u64 {
        self.0.near_duplicates
    }
    /// Bytes the index takes on disk.
    #[getter]
    fn index_bytes(&self) -> u64 {
        self.0.index_bytes
    }
    /// Segments of the index (fewer is faster to search).
    #[getter]
    fn segments(&self) -> usize {
        self.0.segments
    }
    /// Schema version the index was built with.
    #[getter]
    fn schema_version(&self) -> u32 {
        self.0.schema_version
    }
    /// Analyzer version the index was built with.
    #[getter]
    fn analyzer_version(&self) -> u32 {
        self.0.analyzer_version
    }

    /// The dict of ``baoku stats --json`` (dates as datetime.date).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_of_serde(py, &self.0)
    }

    fn __repr__(&self) -> String {
        format!(
            "Stats(articles={}, first_date={}, last_date={}, sources={})",
            self.0.articles,
            self.0
                .first_date
                .map_or("None".to_string(), |d| d.to_string()),
            self.0
                .last_date
                .map_or("None".to_string(), |d| d.to_string()),
            self.0.sources
        )
    }
}

/// An input or record that could not be read, as ``baoku index`` reports it.
#[pyclass(module = "baoku", frozen, get_all)]
pub(crate) struct Problem {
    /// Where: ``path[:member][:line]``.
    origin: String,
    /// ``"unreadable"``, ``"malformed"``, ``"unsupported"`` (a file of another type,
    /// skipped; not a failure) or ``"too_large"``.
    kind: &'static str,
    /// What, in words.
    reason: String,
}

impl Problem {
    pub(crate) fn new(problem: &baoku::ingest::Problem) -> Problem {
        use baoku::ingest::ProblemKind;
        Problem {
            origin: problem.origin.to_string(),
            kind: match problem.kind {
                ProblemKind::Unreadable => "unreadable",
                ProblemKind::Malformed => "malformed",
                ProblemKind::Unsupported => "unsupported",
                ProblemKind::TooLarge => "too_large",
            },
            reason: problem.reason.clone(),
        }
    }
}

#[pymethods]
impl Problem {
    fn __str__(&self) -> String {
        format!("{}: {}", self.origin, self.reason)
    }

    fn __repr__(&self) -> String {
        format!(
            "Problem({:?}, {:?}, {:?})",
            self.origin, self.kind, self.reason
        )
    }
}

/// What ``archive.index(...)`` did; ``str(report)`` is the summary line ``baoku index``
/// prints.
#[pyclass(module = "baoku", frozen)]
pub(crate) struct IndexReport {
    pub(crate) report: baoku::ingest::IndexReport,
    pub(crate) problems: Vec<Py<Problem>>,
}

#[pymethods]
impl IndexReport {
    /// Inputs read (changed or new).
    #[getter]
    fn inputs_read(&self) -> usize {
        self.report.inputs_read
    }
    /// Inputs skipped because they are indexed and unchanged.
    #[getter]
    fn inputs_unchanged(&self) -> usize {
        self.report.inputs_unchanged
    }
    /// Articles added or replaced by this run.
    #[getter]
    fn indexed(&self) -> u64 {
        self.report.indexed()
    }
    /// Articles that were not in the archive before.
    #[getter]
    fn added(&self) -> u64 {
        self.report.added
    }
    /// Articles that replaced one with the same id.
    #[getter]
    fn replaced(&self) -> u64 {
        self.report.replaced
    }
    /// Articles of unchanged inputs, left as they were.
    #[getter]
    fn unchanged(&self) -> u64 {
        self.report.unchanged
    }
    /// Articles not stored because another article has exactly the same text.
    #[getter]
    fn duplicates(&self) -> u64 {
        self.report.duplicates
    }
    /// Inputs or records that failed (each is in ``problems``).
    #[getter]
    fn failed(&self) -> u64 {
        self.report.failed
    }
    /// Files of a type baoku does not read, skipped.
    #[getter]
    fn unsupported(&self) -> u64 {
        self.report.unsupported
    }
    /// Articles removed because their input disappeared (``prune=True``).
    #[getter]
    fn pruned(&self) -> u64 {
        self.report.pruned
    }
    /// Bytes read from the inputs (compressed size for compressed inputs).
    #[getter]
    fn bytes(&self) -> u64 {
        self.report.bytes
    }
    /// Bytes of text processed (after decompression).
    #[getter]
    fn text_bytes(&self) -> u64 {
        self.report.text_bytes
    }
    /// Commits made.
    #[getter]
    fn commits(&self) -> u64 {
        self.report.commits
    }
    /// Wall-clock seconds of the run.
    #[getter]
    fn elapsed(&self) -> f64 {
        self.report.elapsed.as_secs_f64()
    }
    /// Articles in the archive after the run.
    #[getter]
    fn total_articles(&self) -> u64 {
        self.report.total_articles
    }
    /// The run was interrupted (Ctrl-C): what was read before is committed.
    #[getter]
    fn interrupted(&self) -> bool {
        self.report.interrupted
    }
    /// Whether every input baoku reads was read without a problem.
    #[getter]
    fn complete(&self) -> bool {
        self.report.complete()
    }
    /// Every input or record that could not be read, in the order found.
    #[getter]
    fn problems<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, self.problems.iter().map(|p| p.clone_ref(py)))
    }
    /// The summary line of ``baoku index``.
    #[getter]
    fn summary(&self) -> String {
        baoku::output::summary_line(&self.report)
    }

    fn __str__(&self) -> String {
        self.summary()
    }

    fn __repr__(&self) -> String {
        format!("IndexReport({:?})", self.summary())
    }
}
