//! The input formats baoku reads, in one table: [`FORMATS`].
//!
//! Each format is a unit type in its own file that implements [`InputFormat`]: its
//! [`FormatInfo`] — the name for `--format`, the file extensions that mean it, how its
//! files divide into documents ([`Layout`]: the whole file, or one line at a time) —
//! and how a document becomes articles. Everything else — recognising file names, `--format` and its help
//! text, archives, compression, encodings, ids, problems — comes from the table.
//!
//! # Adding a format
//!
//! 1. Write `extract/yourformat.rs` with a unit struct implementing [`InputFormat`].
//!    For one article per file, copy [`TextPages`](super::text::TextPages) (a dozen
//!    lines around an `extract_…` function); for many records in one file, copy
//!    [`Sogou`](super::sogou::Sogou), which cuts its records and hands each to
//!    [`Articles::record`] with the record's own origin.
//! 2. Add `mod yourformat;` in `extract/mod.rs` and one line to [`FORMATS`].
//! 3. Add a row to the README's table of inputs (a test here checks it is there).
//!
//! This module owns the table and the path from a document to articles with their ids;
//! it must not read any format itself.

use super::fields::FieldMap;
use super::html::HtmlPages;
use super::json::{Json, JsonLines};
use super::markdown::Markdown;
use super::sogou::Sogou;
use super::text::TextPages;
use crate::analyze::fingerprint::content_id;
use crate::article::Article;
use crate::source::{Format, Formats, Layout, Origin, Problem, ProblemKind, RawDoc};

/// What an input format is called, which files are in it, and how they divide into
/// documents.
#[derive(Debug)]
pub struct FormatInfo {
    /// The name `--format` takes and messages use (`jsonl`).
    pub name: &'static str,
    /// Other names `--format` takes (`ndjson`).
    pub aliases: &'static [&'static str],
    /// File extensions, lowercase and without the dot, that mean this format; the first
    /// is the one the README lists. Compressed (`.gz`, `.zst`) and archived (`.tar`)
    /// files are recognised by these inside them.
    pub extensions: &'static [&'static str],
    /// How a file divides into documents: the whole file, or each line.
    pub layout: Layout,
}

/// An input format: its [`FormatInfo`], and how a document in it becomes articles.
pub trait InputFormat: Sync {
    /// Its name, aliases, extensions and layout.
    fn info(&self) -> &'static FormatInfo;

    /// Reads the articles in one document (a whole file, or a line), handing each to
    /// [`Articles::record`], or a problem to [`Articles::problem`].
    fn read(&self, doc: &RawDoc, out: &mut Articles<'_>);

    /// The format as the reader sees it.
    fn format(&self) -> Format {
        Format::new(self.info().name, self.info().layout)
    }
}

/// Every format baoku reads, in the order messages and `--format` help list them.
pub static FORMATS: &[&dyn InputFormat] =
    &[&TextPages, &HtmlPages, &Markdown, &Json, &JsonLines, &Sogou];

/// [`FORMATS`] as the reader consults it.
pub(super) struct FormatTable;

impl Formats for FormatTable {
    fn by_extension(&self, extension: &str) -> Option<Format> {
        FORMATS
            .iter()
            .find(|f| f.info().extensions.contains(&extension))
            .map(|f| f.format())
    }
}

/// The format `--format NAME` names: a name or an alias, in any case.
pub fn format_named(name: &str) -> Result<Format, String> {
    let wanted = name.trim().to_ascii_lowercase();
    FORMATS
        .iter()
        .find(|f| {
            let info = f.info();
            info.name == wanted || info.aliases.contains(&wanted.as_str())
        })
        .map(|f| f.format())
        .ok_or_else(|| format!("unknown format {name:?}; one of: {}", names().join(", ")))
}

/// The formats' names as help text lists them: `text, html, … or sogou`.
pub fn format_names() -> String {
    match names().split_last() {
        Some((last, [])) => last.to_string(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

fn names() -> Vec<&'static str> {
    FORMATS.iter().map(|f| f.info().name).collect()
}

fn input_format(format: Format) -> Option<&'static dyn InputFormat> {
    FORMATS
        .iter()
        .copied()
        .find(|f| f.info().name == format.name())
}

/// Receives what an extraction yields, article by article; returns `false` to stop.
pub type Emit<'a> = dyn FnMut(Result<Article, Problem>) -> bool + 'a;

/// Where a format puts the articles it reads from a document: each gets its id and
/// path here, the same way for every format.
pub struct Articles<'a> {
    fields: &'a FieldMap,
    emit: &'a mut Emit<'a>,
    going: bool,
}

impl<'a> Articles<'a> {
    /// The field-name mapping of this run, for formats with named fields (JSON).
    pub fn fields(&self) -> &'a FieldMap {
        self.fields
    }

    /// Hands on the article read from the record at `origin`, with the record's own id
    /// if it carries one, or why the record holds none. Returns whether to go on.
    ///
    /// The article's id is the record's own id, else its URL (when the URL names one
    /// article, not a site's home page), else a hash of what it is
    /// ([`content_id`]: headline, date, source, body), so that moving or copying an
    /// archive keeps its ids; its path is `origin`.
    pub fn record(
        &mut self,
        origin: &Origin,
        read: Result<(Article, Option<String>), String>,
    ) -> bool {
        let item = match read {
            Ok((mut article, record_id)) => {
                article.id = match (record_id, &article.url) {
                    (Some(id), _) => id,
                    (None, Some(url)) if is_article_url(url) => article_id(url.as_bytes()),
                    _ => content_id(&article),
                };
                article.path = Some(origin.to_string());
                Ok(article)
            }
            Err(reason) => Err(Problem::new(origin, ProblemKind::Malformed, reason)),
        };
        self.send(item)
    }

    /// Hands on a problem with the document or one of its records. Returns whether to
    /// go on.
    pub fn problem(&mut self, problem: Problem) -> bool {
        self.send(Err(problem))
    }

    /// Whether the receiver still wants articles.
    pub fn going(&self) -> bool {
        self.going
    }

    fn send(&mut self, item: Result<Article, Problem>) -> bool {
        if self.going {
            self.going = (self.emit)(item);
        }
        self.going
    }
}

/// Turns one document (or the problem that kept it from being read) into articles for
/// `emit`; `false` when `emit` wants no more.
pub(super) fn extract_document(
    doc: Result<RawDoc, Problem>,
    fields: &FieldMap,
    emit: &mut Emit<'_>,
) -> bool {
    let doc = match doc {
        Ok(doc) => doc,
        Err(problem) => return emit(Err(problem)),
    };
    let Some(format) = input_format(doc.format) else {
        let reason = format!("{} is not a format baoku reads", doc.format);
        return emit(Err(Problem::new(
            &doc.origin,
            ProblemKind::Unsupported,
            reason,
        )));
    };
    let mut out = Articles {
        fields,
        emit,
        going: true,
    };
    format.read(&doc, &mut out);
    out.going
}

/// The stable id of an article whose identity is `key` (a URL, a path): 16 hex digits
/// of its XXH3 hash.
pub fn article_id(key: &[u8]) -> String {
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(key))
}

/// Whether a URL can identify one article: it has a path beyond the site's root
/// (`https://site.com/` is a home page many articles link to).
fn is_article_url(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.split_once('/')
        .map(|(_, path)| path.trim_end_matches('/'))
        .is_some_and(|path| !path.is_empty() && !path.starts_with("index."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_article_urls_identify_articles() {
        assert!(is_article_url(
            "http://www.xinhuanet.com/2022-05/17/c_1128659123.htm"
        ));
        assert!(is_article_url("https://example.com/a"));
        assert!(!is_article_url("http://www.uppublications.biz"));
        assert!(!is_article_url("https://example.com/"));
        assert!(!is_article_url("https://example.com/index.html"));
    }

    #[test]
    fn formats_by_name_and_extension() {
        let name = |n: &str| format_named(n).map(|f| f.name());
        assert_eq!(name("JSONL"), Ok("jsonl"));
        assert_eq!(name("ndjson"), Ok("jsonl"));
        assert_eq!(name("txt"), Ok("text"));
        assert_eq!(name("md"), Ok("markdown"));
        let err = format_named("pdf").unwrap_err();
        assert_eq!(
            err,
            "unknown format \"pdf\"; one of: text, html, markdown, json, jsonl, sogou"
        );
        assert_eq!(format_names(), "text, html, markdown, json, jsonl or sogou");
        let kind = |n: &str| crate::source::kind_of_name(n, &FormatTable);
        use crate::source::Kind;
        assert_eq!(
            kind("cctv_xwlb.jsonl.zst"),
            Some(Kind::Document(JsonLines.format()))
        );
        assert_eq!(
            kind("a/b/Page.SHTML"),
            Some(Kind::Document(HtmlPages.format()))
        );
        assert_eq!(kind("notes.md.gz"), Some(Kind::Document(Markdown.format())));
        assert_eq!(kind("SogouCA.dat"), Some(Kind::Document(Sogou.format())));
        assert_eq!(kind("photo.jpg"), None);
    }

    /// Names, aliases and extensions are each one format's: the table never makes a
    /// name mean two things.
    #[test]
    fn the_table_is_unambiguous() {
        let mut names: Vec<&str> = FORMATS
            .iter()
            .flat_map(|f| std::iter::once(f.info().name).chain(f.info().aliases.iter().copied()))
            .collect();
        let mut extensions: Vec<&str> = FORMATS
            .iter()
            .flat_map(|f| f.info().extensions)
            .copied()
            .collect();
        for list in [&mut names, &mut extensions] {
            let before = list.len();
            list.sort();
            list.dedup();
            assert_eq!(list.len(), before, "{list:?}");
        }
        assert!(!extensions
            .iter()
            .any(|e| ["tar", "gz", "zst", "tgz"].contains(e)));
    }

    /// A new format needs a row in the README's table of inputs, which names its first
    /// extension.
    #[test]
    fn the_readme_lists_every_format() {
        let readme = include_str!("../../README.md");
        for format in FORMATS {
            let info = format.info();
            let extension = format!("`.{}`", info.extensions[0]);
            assert!(
                readme.contains(&extension),
                "add a row for the {} format ({extension}) to the README's table of inputs",
                info.name
            );
        }
    }
}
