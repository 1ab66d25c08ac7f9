//! Keyword in context (KWIC, 语境索引): every occurrence of a query's words in the
//! bodies of the articles it matches, with the characters before and after it.
//!
//! [`Archive::kwic`] reads the matches one article at a time through an [`Export`]
//! (every match, reprints included) and finds the occurrences with the
//! [`Highlighter`] that highlights a search's hits: in the folded text, so that a
//! simplified query finds traditional text, and reported in characters of the body
//! as written. Lines in date order stream (memory holds one article's lines); lines
//! sorted by their left or right context are all read first, or, with a limit, only
//! the best `limit` of them are kept. Laying lines out is `output`'s; this module
//! must not print.

use super::export::Export;
use crate::analyze::normalize_str;
use crate::article::{Article, Date};
use crate::error::{Error, Result};
use crate::index::Archive;
use crate::search::{SearchRequest, Sort};
use crate::snippet::Highlighter;
use serde::{Deserialize, Serialize};
use std::collections::{BinaryHeap, VecDeque};
use std::fmt;
use std::str::FromStr;
use std::time::Instant;

/// Characters of context on each side of a match, when not told.
pub const DEFAULT_WIDTH: usize = 20;

/// The most characters of context on each side a line may have.
pub const MAX_WIDTH: usize = 500;

/// How keyword-in-context lines are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KwicSort {
    /// Newest articles first (as `search --sort date`), each article's lines in
    /// the order of its text.
    #[default]
    Date,
    /// Oldest articles first.
    Oldest,
    /// By the left context read backwards from the match (the words just before
    /// it first), so that the same preceding words stand together.
    Left,
    /// By the right context, so that the same following words stand together.
    Right,
}

impl KwicSort {
    /// Every order with its name.
    pub const ALL: [(&'static str, KwicSort); 4] = [
        ("date", KwicSort::Date),
        ("oldest", KwicSort::Oldest),
        ("left", KwicSort::Left),
        ("right", KwicSort::Right),
    ];
}

impl FromStr for KwicSort {
    type Err = String;

    /// `date`, `oldest`, `left` or `right`.
    fn from_str(text: &str) -> std::result::Result<KwicSort, String> {
        KwicSort::ALL
            .iter()
            .find(|(name, _)| *name == text)
            .map(|(_, sort)| *sort)
            .ok_or_else(|| format!("must be date, oldest, left or right, not {text:?}"))
    }
}

impl fmt::Display for KwicSort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = KwicSort::ALL
            .iter()
            .find(|(_, sort)| sort == self)
            .map_or("date", |(name, _)| name);
        f.write_str(name)
    }
}

/// How keyword-in-context lines are cut and ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct KwicOptions {
    /// Characters of context on each side of a match (at most [`MAX_WIDTH`]).
    pub width: usize,
    /// Most lines (the first in `sort` order); `None` for every occurrence.
    pub limit: Option<usize>,
    /// The order of the lines.
    pub sort: KwicSort,
}

impl Default for KwicOptions {
    fn default() -> Self {
        KwicOptions {
            width: DEFAULT_WIDTH,
            limit: None,
            sort: KwicSort::Date,
        }
    }
}

/// One occurrence of the query's words, in its context: the JSON of each line of
/// `baoku kwic --json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    /// The article's id.
    pub id: String,
    /// The article's date.
    pub date: Option<Date>,
    /// The article's outlet.
    pub source: Option<String>,
    /// Up to `width` characters of the body before the match, as written.
    pub left: String,
    /// The match, as written (traditional text stays traditional).
    #[serde(rename = "match")]
    pub matched: String,
    /// Up to `width` characters of the body after the match, as written.
    pub right: String,
    /// Where the match starts, in characters from the start of the body.
    pub offset: usize,
}

/// Keyword-in-context lines, read one article at a time (see [`Archive::kwic`]).
pub struct Kwic {
    /// Articles the query matches (reprints included): not all of them need hold an
    /// occurrence in their body (a match in the headline only gives no line).
    pub articles: u64,
    /// How the query was read (as a search's `notes`), synonyms applied included.
    pub notes: Vec<String>,
    lines: Lines,
    /// When [`Archive::kwic`] was asked, for `took_ms`.
    started: Instant,
}

enum Lines {
    /// In the order of the articles: read as they are asked for.
    Streaming {
        export: Box<Export>,
        width: usize,
        pending: VecDeque<Line>,
        left: Option<usize>,
    },
    /// Read and ordered already.
    Sorted(std::vec::IntoIter<Line>),
}

impl Iterator for Kwic {
    type Item = Result<Line>;

    fn next(&mut self) -> Option<Result<Line>> {
        match &mut self.lines {
            Lines::Sorted(lines) => lines.next().map(Ok),
            Lines::Streaming {
                export,
                width,
                pending,
                left,
            } => {
                if *left == Some(0) {
                    return None;
                }
                while pending.is_empty() {
                    match export.next()? {
                        Ok(row) => {
                            pending.extend(lines_of(&row.article, export.highlighter(), *width))
                        }
                        Err(error) => return Some(Err(error)),
                    }
                }
                if let Some(n) = left {
                    *n -= 1;
                }
                pending.pop_front().map(Ok)
            }
        }
    }
}

/// The lines of [`Archive::kwic`] collected into one document: the JSON of
/// `/api/kwic`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KwicResults {
    /// The query as given.
    pub query: String,
    /// Articles the query matches.
    pub articles: u64,
    /// How the query was read.
    pub notes: Vec<String>,
    /// The lines, in the order asked for.
    pub lines: Vec<Line>,
    /// Milliseconds from the request to the last line.
    pub took_ms: f64,
}

impl Kwic {
    /// Reads every remaining line into one [`KwicResults`] for `query`.
    pub fn into_results(self, query: &str) -> Result<KwicResults> {
        let started = self.started;
        let (articles, notes) = (self.articles, self.notes.clone());
        let lines = self.collect::<Result<Vec<Line>>>()?;
        Ok(KwicResults {
            query: query.to_string(),
            articles,
            notes,
            lines,
            took_ms: (started.elapsed().as_secs_f64() * 1e6).round() / 1e3,
        })
    }
}

/// The occurrences of the highlighter's words in an article's body.
fn lines_of(article: &Article, highlighter: &Highlighter, width: usize) -> Vec<Line> {
    let ranges = highlighter.highlight(&article.body);
    if ranges.is_empty() {
        return Vec::new();
    }
    let chars: Vec<char> = article.body.chars().collect();
    let text = |from: usize, to: usize| chars[from..to].iter().collect::<String>();
    ranges
        .into_iter()
        .map(|[start, end]| Line {
            id: article.id.clone(),
            date: article.date,
            source: article.source.clone(),
            left: text(start.saturating_sub(width), start),
            matched: text(start, end),
            right: text(end, (end + width).min(chars.len())),
            offset: start,
        })
        .collect()
}

/// A line with what it is sorted by, ties kept in the order lines were read.
struct Ranked {
    key: String,
    seq: usize,
    line: Line,
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Ranked) -> bool {
        (&self.key, self.seq) == (&other.key, other.seq)
    }
}

impl Eq for Ranked {}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Ranked) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ranked {
    fn cmp(&self, other: &Ranked) -> std::cmp::Ordering {
        (&self.key, self.seq).cmp(&(&other.key, other.seq))
    }
}

impl Archive {
    /// Every occurrence of `request`'s words in the bodies of the articles it
    /// matches (its query and filters; every match, reprints included), with
    /// `options.width` characters of context on each side, in `options.sort` order.
    /// The request's own order, paging and snippet options are not used.
    ///
    /// ```
    /// use baoku::research::{KwicOptions, KwicSort};
    /// use baoku::{Archive, Article, Date, SearchRequest};
    ///
    /// # fn main() -> baoku::Result<()> {
    /// let dir = tempfile::tempdir().unwrap();
    /// let archive = Archive::create(dir.path().join("index"))?;
    /// let mut writer = archive.writer()?;
    /// for (id, day, body) in [
    ///     ("a", 1, "今年第3号台风登陆广东。"),
    ///     ("b", 2, "強颱風過後，颱風預警解除。"),
    /// ] {
    ///     writer.upsert(&Article {
    ///         id: id.into(),
    ///         date: Date::new(2022, 5, day),
    ///         body: body.into(),
    ///         ..Article::default()
    ///     })?;
    /// }
    /// writer.commit()?;
    ///
    /// let options = KwicOptions { width: 4, sort: KwicSort::Oldest, ..KwicOptions::default() };
    /// let lines: Vec<_> = archive
    ///     .kwic(&SearchRequest::new("台风"), &options)?
    ///     .collect::<baoku::Result<_>>()?;
    /// let shown: Vec<(&str, &str, &str, usize)> = lines
    ///     .iter()
    ///     .map(|l| (l.left.as_str(), l.matched.as_str(), l.right.as_str(), l.offset))
    ///     .collect();
    /// assert_eq!(
    ///     shown,
    ///     [("年第3号", "台风", "登陆广东", 5), ("強", "颱風", "過後，颱", 1), ("風過後，", "颱風", "預警解除", 6)]
    /// );
    /// # Ok(())
    /// # }
    /// ```
    pub fn kwic(&self, request: &SearchRequest, options: &KwicOptions) -> Result<Kwic> {
        let started = Instant::now();
        let export = self.export(&kwic_request(request, options)?, false)?;
        Kwic::of(export, options, started)
    }
}

/// The export a keyword-in-context reads: `request` in the order of `options.sort`'s
/// articles (newest or oldest first), or a `width` refused.
pub(crate) fn kwic_request(
    request: &SearchRequest,
    options: &KwicOptions,
) -> Result<SearchRequest> {
    if options.width > MAX_WIDTH {
        return Err(Error::Request(format!(
            "a keyword-in-context line has at most {MAX_WIDTH} characters of context on each side, not {}",
            options.width
        )));
    }
    Ok(SearchRequest {
        sort: match options.sort {
            KwicSort::Oldest => Sort::Oldest,
            _ => Sort::Date,
        },
        recent: false,
        ..request.clone()
    })
}

impl Kwic {
    /// The lines of every match `export` gives (made by [`kwic_request`]), from
    /// `started`.
    pub(crate) fn of(mut export: Export, options: &KwicOptions, started: Instant) -> Result<Kwic> {
        let (articles, notes) = (export.total, std::mem::take(&mut export.notes));
        let width = options.width;
        let key: fn(&Line) -> String = match options.sort {
            KwicSort::Date | KwicSort::Oldest => {
                return Ok(Kwic {
                    articles,
                    notes,
                    lines: Lines::Streaming {
                        export: Box::new(export),
                        width,
                        pending: VecDeque::new(),
                        left: options.limit,
                    },
                    started,
                })
            }
            KwicSort::Left => |line| normalize_str(&line.left).chars().rev().collect(),
            KwicSort::Right => |line| normalize_str(&line.right),
        };
        // With a limit only the best lines are kept: a heap whose greatest is dropped.
        let mut kept: BinaryHeap<Ranked> = BinaryHeap::new();
        let mut seq = 0;
        while let Some(row) = export.next() {
            let row = row?;
            for line in lines_of(&row.article, export.highlighter(), width) {
                kept.push(Ranked {
                    key: key(&line),
                    seq,
                    line,
                });
                seq += 1;
                if options.limit.is_some_and(|limit| kept.len() > limit) {
                    kept.pop();
                }
            }
        }
        let lines: Vec<Line> = kept.into_sorted_vec().into_iter().map(|r| r.line).collect();
        Ok(Kwic {
            articles,
            notes,
            lines: Lines::Sorted(lines.into_iter()),
            started,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_holds_the_context_as_written_and_the_offset_in_characters() {
        let article = Article {
            id: "x".into(),
            body: "ab颱風c".into(),
            ..Article::default()
        };
        let lines = lines_of(&article, &Highlighter::new(&["台风"]), 1);
        assert_eq!(lines.len(), 1);
        let line = &lines[0];
        assert_eq!(
            (
                line.left.as_str(),
                line.matched.as_str(),
                line.right.as_str()
            ),
            ("b", "颱風", "c")
        );
        assert_eq!(line.offset, 2);
        let json = serde_json::to_string(line).unwrap();
        assert_eq!(
            json,
            r#"{"id":"x","date":null,"source":null,"left":"b","match":"颱風","right":"c","offset":2}"#
        );
    }

    #[test]
    fn orders_read_as_written() {
        for (name, sort) in KwicSort::ALL {
            assert_eq!(name.parse::<KwicSort>().unwrap(), sort);
            assert_eq!(sort.to_string(), name);
        }
        assert!("Left".parse::<KwicSort>().unwrap_err().contains("Left"));
    }
}
