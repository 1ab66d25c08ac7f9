//! baoku (报库): full-text search for Chinese news archives, built on tantivy.
//!
//! The library does everything the `baoku` command does; the command is one client of
//! it. The data flow, one module per step:
//!
//! | step | module | what it owns |
//! |---|---|---|
//! | source | [`source`] | finding input files, decoding UTF-8 / UTF-16 / GBK |
//! | extract | [`extract`] | page layout → [`Article`] (title, date, source, author, body…) |
//! | analyze | [`analyze`] | normalisation, jieba words, CJK bigrams, character positions |
//! | index | [`index`], [`schema`], [`ingest`] | the archive directory, upserts, commits |
//! | search | [`search`] | query language → ranked hits with an exact total |
//! | snippet | [`snippet`] | fragments and highlights in characters |
//! | research | [`research`] | counts over all matches: trends over time |
//! | output | [`output`] | terminal and JSON rendering |
//!
//! [`engine::Engine`] chooses who stores and searches: the embedded archive (the
//! default) or, with the `cluster` feature, an OpenSearch / Elasticsearch index
//! ([`cluster`]) with the same analysis, query language and results.
//!
//! # Example
//!
//! Build an archive from code and search it:
//!
//! ```
//! use baoku::{Archive, Article, Date, SearchRequest};
//!
//! # fn main() -> baoku::Result<()> {
//! let dir = tempfile::tempdir().unwrap();
//! let archive = Archive::create(dir.path().join("index"))?;
//!
//! let mut writer = archive.writer()?;
//! writer.upsert(&Article {
//!     id: "jl-2022-0517".into(),
//!     title: Some("在新起点上接续奋斗".into()),
//!     date: Date::new(2022, 5, 17),
//!     source: Some("吉林日报".into()),
//!     body: "全省脱贫群众人均收入达到12079元，乡村振兴良好开局。".into(),
//!     ..Article::default()
//! })?;
//! writer.commit()?;
//!
//! // Traditional characters find simplified text; the words may be anywhere.
//! let results = archive.search(&SearchRequest::new("鄉村振興 收入"))?;
//! assert_eq!(results.total, 1);
//! let hit = &results.hits[0];
//! assert_eq!(hit.title.as_deref(), Some("在新起点上接续奋斗"));
//! assert_eq!(hit.date.map(|d| d.to_string()).as_deref(), Some("2022-05-17"));
//!
//! // Highlights are [start, end) offsets in characters of the snippet text.
//! let snippet = &hit.snippets[0];
//! let chars: Vec<char> = snippet.text.chars().collect();
//! let marked: Vec<String> = snippet
//!     .highlights
//!     .iter()
//!     .map(|[s, e]| chars[*s..*e].iter().collect())
//!     .collect();
//! assert_eq!(marked, ["收入", "乡村振兴"]);
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]

pub mod analyze;
pub mod article;
#[cfg(feature = "cluster")]
pub mod cluster;
pub mod engine;
pub mod error;
pub mod extract;
pub mod index;
pub mod ingest;
mod line_delta;
pub mod output;
pub mod research;
pub mod schema;
pub mod search;
pub mod snippet;
pub mod source;

pub use article::{Article, Date, Original};
pub use error::{Error, Result};
pub use extract::{extract_bytes, extract_file, extract_path};
pub use index::{Archive, ArchiveWriter, Stats, Upsert};
pub use search::{Hit, SearchRequest, SearchResults};
pub use snippet::{Snippet, SnippetOptions};

// The README's examples are compiled as doctests, so they cannot go stale.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
