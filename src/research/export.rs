//! Export: every article a query matches, in the order of a search, one at a time.
//!
//! [`Archive::export`] collects every match as a search does (score, date,
//! fingerprint; no stored fields), puts them all in the request's order and hands
//! back an [`Export`], an iterator that reads one stored article at a time: memory
//! holds the ordered list of matches (32 bytes each) and one article, however many
//! there are. Reprints are exported too (each is a matching article), so that an
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

/// Every match of a query, read one article at a time in the search's order.
pub struct Export {
    /// Matching articles: the number of rows this export yields.
    pub total: u64,
    /// How the query was read (as a search's `notes`).
    pub notes: Vec<String>,
    searcher: Searcher,
    schema: &'static IndexSchema,
    /// The matches not yet read, the next last.
    remaining: Vec<Candidate>,
    /// Finds the query's words in an article (as a search highlights them).
    highlighter: Highlighter,
    /// How snippets are cut, when the export gives them.
    snippets: Option<SnippetOptions>,
}

impl Iterator for Export {
    type Item = Result<Row>;

    fn next(&mut self) -> Option<Result<Row>> {
        let candidate = self.remaining.pop()?;
        Some(self.read(candidate))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining.len(), Some(self.remaining.len()))
    }
}

impl Export {
    /// What finds the query's words in the exported articles: the words a search
    /// highlights, synonyms included.
    pub(crate) fn highlighter(&self) -> &Highlighter {
        &self.highlighter
    }

    fn read(&self, candidate: Candidate) -> Result<Row> {
        let doc: TantivyDocument = self.searcher.doc(candidate.address)?;
        let article = self.schema.to_article(&doc);
        let snippet = self.snippets.as_ref().and_then(|options| {
            self.highlighter
                .snippets(&article.body, options)
                .into_iter()
                .next()
                .map(|s| s.text)
        });
        Ok(Row {
            article,
            score: candidate.score,
            snippet,
        })
    }
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
        let sort = match (expr.has_no_words(), request.sort) {
            (true, Sort::Relevance) => Sort::Date,
            (_, sort) => sort,
        };
        if request.recent && sort == Sort::Relevance {
            crate::search::rank::blend_recency(&mut matches);
        }
        // Last first: the iterator pops from the end.
        let order = comparator(sort);
        matches.sort_unstable_by(|a, b| order(b, a));
        let terms: Vec<&str> = expr
            .positive_terms()
            .into_iter()
            .map(|t| t.normalized.as_str())
            .collect();
        let highlighter = Highlighter::new(&terms);
        let snippets = snippets.then_some(SnippetOptions {
            max_snippets: 1,
            ..request.snippets
        });
        Ok(Export {
            total: matches.len() as u64,
            notes,
            searcher,
            schema,
            remaining: matches,
            highlighter,
            snippets,
        })
    }
}
