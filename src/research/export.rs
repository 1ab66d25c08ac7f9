//! Export: every article a query matches, in the order of a search, one at a time.
//!
//! [`Archive::export`] collects every match as a search does (score, date,
//! fingerprint; no stored fields), puts them all in the request's order and hands
//! back an [`Export`], an iterator that reads one stored article at a time (a
//! cluster's export, a page of them per request): memory holds the ordered list of
//! matches (32 bytes each) and the articles of one batch, however many there are. Reprints are exported too (each is a matching article), so that an
//! export has as many rows as the search's `total`. Which columns are written is a
//! list of [`Field`]s; writing them is `output`'s (CSV, JSON lines). This module
//! must not print.

use crate::article::Article;
use crate::error::Result;
use crate::index::Archive;
use crate::schema::IndexSchema;
use crate::search::collect::{AllMatches, Candidate};
use crate::search::rank::comparator;
use crate::search::{strict_query, understand, SearchRequest, Sort};
use crate::snippet::{Highlighter, SnippetOptions};
use serde_json::Value;
use std::fmt;
use std::str::FromStr;
use tantivy::{Searcher, TantivyDocument};

/// A column of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// The article id.
    Id,
    /// Publication date, `YYYY-MM-DD`.
    Date,
    /// The outlet.
    Source,
    /// The writer(s).
    Author,
    /// The editor.
    Editor,
    /// The headline.
    Title,
    /// The subtitle.
    Subtitle,
    /// The web address.
    Url,
    /// Relevance score of the match (BM25; comparable within one export only).
    Score,
    /// The best fragment of the body around the query words (plain text).
    Snippet,
    /// The whole body.
    Body,
    /// The file the article was indexed from.
    Path,
}

impl Field {
    /// Every field with its name, in the order `--help` lists them.
    pub const ALL: [(&'static str, Field); 12] = [
        ("id", Field::Id),
        ("date", Field::Date),
        ("source", Field::Source),
        ("author", Field::Author),
        ("editor", Field::Editor),
        ("title", Field::Title),
        ("subtitle", Field::Subtitle),
        ("url", Field::Url),
        ("score", Field::Score),
        ("snippet", Field::Snippet),
        ("body", Field::Body),
        ("path", Field::Path),
    ];

    /// The columns of an export when none are chosen.
    pub const DEFAULT: [Field; 6] = [
        Field::Id,
        Field::Date,
        Field::Source,
        Field::Author,
        Field::Title,
        Field::Url,
    ];

    /// The field's name, as a CSV header or JSON key.
    pub fn name(self) -> &'static str {
        Field::ALL
            .iter()
            .find(|(_, field)| *field == self)
            .map_or("id", |(name, _)| name)
    }

    /// Reads a comma-separated list of field names (`id,date,title`), each once.
    ///
    /// ```
    /// use baoku::research::Field;
    ///
    /// assert_eq!(Field::list("id, title").unwrap(), [Field::Id, Field::Title]);
    /// assert!(Field::list("id,titel").unwrap_err().contains("titel"));
    /// assert!(Field::list("id,id").unwrap_err().contains("twice"));
    /// ```
    pub fn list(text: &str) -> std::result::Result<Vec<Field>, String> {
        let mut fields = Vec::new();
        for name in text.split(',').map(str::trim) {
            let field: Field = name.parse()?;
            if fields.contains(&field) {
                return Err(format!("{name} is named twice"));
            }
            fields.push(field);
        }
        Ok(fields)
    }
}

impl FromStr for Field {
    type Err = String;

    fn from_str(text: &str) -> std::result::Result<Field, String> {
        Field::ALL
            .iter()
            .find(|(name, _)| *name == text)
            .map(|(_, field)| *field)
            .ok_or_else(|| {
                let names: Vec<&str> = Field::ALL.iter().map(|(n, _)| *n).collect();
                format!("no field {text:?}; the fields are {}", names.join(", "))
            })
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One exported article.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The article as stored.
    pub article: Article,
    /// Its relevance score.
    pub score: f32,
    /// Its best fragment around the query words, when the export asked for snippets.
    pub snippet: Option<String>,
}

impl Row {
    /// The value of one field: a string, a number, or null when the article has none.
    pub fn value(&self, field: Field) -> Value {
        let text = |v: &Option<String>| v.clone().map_or(Value::Null, Value::String);
        let a = &self.article;
        match field {
            Field::Id => Value::String(a.id.clone()),
            Field::Date => a.date.map_or(Value::Null, |d| Value::String(d.to_string())),
            Field::Source => text(&a.source),
            Field::Author => text(&a.author),
            Field::Editor => text(&a.editor),
            Field::Title => text(&a.title),
            Field::Subtitle => text(&a.subtitle),
            Field::Url => text(&a.url),
            Field::Score => serde_json::json!((f64::from(self.score) * 1000.0).round() / 1000.0),
            Field::Snippet => text(&self.snippet),
            Field::Body => Value::String(a.body.clone()),
            Field::Path => text(&a.path),
        }
    }
}

/// Where an export reads its matches' articles: the archive's store, or a cluster.
pub(crate) trait ArticleStore: Send + Sync {
    /// The articles of these matches, in their order.
    fn articles(&mut self, matches: &[Candidate]) -> Result<Vec<Article>>;
}

/// The embedded archive's stored documents, by address.
struct Stored {
    searcher: Searcher,
    schema: &'static IndexSchema,
}

impl ArticleStore for Stored {
    fn articles(&mut self, matches: &[Candidate]) -> Result<Vec<Article>> {
        matches
            .iter()
            .map(|m| {
                let doc: TantivyDocument = self.searcher.doc(m.address)?;
                Ok(self.schema.to_article(&doc))
            })
            .collect()
    }
}

/// Every match of a query, read a few articles at a time in the search's order.
pub struct Export {
    /// Matching articles: the number of rows this export yields.
    pub total: u64,
    /// How the query was read (as a search's `notes`).
    pub notes: Vec<String>,
    store: Box<dyn ArticleStore>,
    /// The matches not yet read, the next last.
    remaining: Vec<Candidate>,
    /// Rows read and not yet handed out, the next first.
    ready: std::collections::VecDeque<Row>,
    /// Articles read at a time.
    batch: usize,
    /// Finds the query's words in an article (as a search highlights them).
    highlighter: Highlighter,
    /// How snippets are cut, when the export gives them.
    snippets: Option<SnippetOptions>,
}

impl Iterator for Export {
    type Item = Result<Row>;

    fn next(&mut self) -> Option<Result<Row>> {
        if self.ready.is_empty() {
            if let Err(error) = self.read_batch() {
                self.remaining.clear();
                return Some(Err(error));
            }
        }
        self.ready.pop_front().map(Ok)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.remaining.len() + self.ready.len();
        (left, Some(left))
    }
}

impl Export {
    /// An export of `matches` (in the order they are to come out) read from `store`,
    /// `batch` articles at a time, marked and cut by `highlighter`.
    pub(crate) fn new(
        mut matches: Vec<Candidate>,
        notes: Vec<String>,
        store: Box<dyn ArticleStore>,
        batch: usize,
        highlighter: Highlighter,
        snippets: Option<SnippetOptions>,
    ) -> Export {
        // Last first: the iterator pops from the end.
        matches.reverse();
        Export {
            total: matches.len() as u64,
            notes,
            store,
            remaining: matches,
            ready: std::collections::VecDeque::new(),
            batch: batch.max(1),
            highlighter,
            snippets,
        }
    }

    /// What finds the query's words in the exported articles: the words a search
    /// highlights, synonyms included.
    pub(crate) fn highlighter(&self) -> &Highlighter {
        &self.highlighter
    }

    fn read_batch(&mut self) -> Result<()> {
        let take = self.batch.min(self.remaining.len());
        let mut matches = self.remaining.split_off(self.remaining.len() - take);
        matches.reverse();
        let articles = self.store.articles(&matches)?;
        for (candidate, article) in matches.iter().zip(articles) {
            let snippet = self.snippets.as_ref().and_then(|options| {
                self.highlighter
                    .snippets(&article.body, options)
                    .into_iter()
                    .next()
                    .map(|s| s.text)
            });
            self.ready.push_back(Row {
                article,
                score: candidate.score,
                snippet,
            });
        }
        Ok(())
    }
}

/// The order an export gives `matches` in: the search's (`sort`, `recent`; a query
/// without words newest first).
pub(crate) fn export_order(matches: &mut [Candidate], request: &SearchRequest, no_words: bool) {
    let sort = match (no_words, request.sort) {
        (true, Sort::Relevance) => Sort::Date,
        (_, sort) => sort,
    };
    if request.recent && sort == Sort::Relevance {
        crate::search::rank::blend_recency(matches);
    }
    let order = comparator(sort);
    matches.sort_unstable_by(|a, b| order(a, b));
}

/// The highlighter and snippet options of an export of `expr`'s matches.
pub(crate) fn marking(
    expr: &crate::search::query::Expr,
    request: &SearchRequest,
    snippets: bool,
) -> (Highlighter, Option<SnippetOptions>) {
    let terms: Vec<&str> = expr
        .positive_terms()
        .into_iter()
        .map(|t| t.normalized.as_str())
        .collect();
    let options = snippets.then_some(SnippetOptions {
        max_snippets: 1,
        ..request.snippets
    });
    (Highlighter::new(&terms), options)
}

impl Archive {
    /// Every article `request` matches as written (not capped by `limit` or
    /// `offset`, reprints included), in its order (`sort`, `recent`), read one at a
    /// time. `snippets` cuts each article's best fragment around the query words
    /// (`request.snippets.fragment_chars` long), which costs a little per article.
    ///
    /// ```
    /// use baoku::{Archive, Article, Date, SearchRequest};
    /// use baoku::research::Field;
    ///
    /// # fn main() -> baoku::Result<()> {
    /// let dir = tempfile::tempdir().unwrap();
    /// let archive = Archive::create(dir.path().join("index"))?;
    /// let mut writer = archive.writer()?;
    /// for n in 1..=3 {
    ///     writer.upsert(&Article {
    ///         id: format!("a{n}"),
    ///         date: Date::new(2022, 5, n),
    ///         body: format!("第{n}号台风登陆"),
    ///         ..Article::default()
    ///     })?;
    /// }
    /// writer.commit()?;
    ///
    /// let mut request = SearchRequest::new("台风");
    /// request.sort = baoku::search::Sort::Oldest;
    /// let export = archive.export(&request, false)?;
    /// assert_eq!(export.total, 3);
    /// let ids: Vec<String> = export
    ///     .map(|row| row.map(|r| r.value(Field::Id).as_str().unwrap().to_string()))
    ///     .collect::<baoku::Result<_>>()?;
    /// assert_eq!(ids, ["a1", "a2", "a3"]);
    /// # Ok(())
    /// # }
    /// ```
    pub fn export(&self, request: &SearchRequest, snippets: bool) -> Result<Export> {
        let schema = self.schema();
        let searcher = self.searcher();
        let (expr, notes) = understand(self, &searcher, &request.query, &request.filters)?;
        let mut matches = match strict_query(&searcher, schema, &expr)? {
            Some(query) => {
                searcher
                    .search(
                        &*query,
                        &AllMatches {
                            facets: false,
                            names: false,
                            scores: true,
                        },
                    )?
                    .candidates
            }
            None => Vec::new(),
        };
        export_order(&mut matches, request, expr.has_no_words());
        let (highlighter, snippets) = marking(&expr, request, snippets);
        // One stored article at a time: it is read from the archive's own files.
        let store = Box::new(Stored { searcher, schema });
        Ok(Export::new(matches, notes, store, 1, highlighter, snippets))
    }
}
