//! Extraction: a document read from an input → an [`Article`].
//!
//! Each format has its reader: saved text pages ([`extract_text_page`]), HTML pages,
//! Markdown with front matter, JSON records with field aliases, Sogou records.
//! [`extract_document`] picks the right one and gives the article its stable id:
//! the record's own id, else its URL, else where it came from (file, archive member,
//! line). The `baoku extract` command prints exactly what this returns.
//!
//! This module owns the reading of layouts and fields; it must not index or search.

mod boilerplate;
mod date;
mod fields;
mod headline;
mod html;
mod html_fragment;
mod json;
mod markdown;
mod meta;
mod sogou;
mod text;

pub use date::{date_from_url, parse_date_value};
pub use fields::{ArticleField, FieldMap};
pub use html::extract_html_page;
pub use text::extract_text_page;

use crate::article::Article;
use crate::error::{Error, Result};
use crate::source::{
    read_documents, read_documents_from, Content, Format, Origin, RawDoc, ReadCounters,
    ReadOptions, SourceError,
};
use std::path::Path;

/// Where an article could not be extracted, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtractError {
    /// `path`, `path:line` or `archive:member`.
    pub place: String,
    /// Why, in words.
    pub reason: String,
}

impl std::fmt::Display for ExtractError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.place, self.reason)
    }
}

/// Reads every article in the file at `path` (any format baoku reads, compressed or
/// in a tar archive), handing each, or why it could not be extracted, to `emit`,
/// which returns `false` to stop. An error that ends the whole file is returned.
pub fn extract_path(
    path: &Path,
    read: &ReadOptions,
    fields: &FieldMap,
    emit: &mut dyn FnMut(std::result::Result<Article, ExtractError>) -> bool,
) -> std::result::Result<(), ExtractError> {
    let canonical = path.canonicalize().map_err(|e| ExtractError {
        place: path.display().to_string(),
        reason: e.to_string(),
    })?;
    let counters = ReadCounters::default();
    read_documents(&canonical, read, &counters, &mut extracting(fields, emit))
        .map_err(ExtractError::from)
}

/// Extracts the articles in `bytes`, content that did not come from a file (an upload,
/// a message, a database column). `name` is a file name that says what the bytes are
/// (`page.html`, `feed.jsonl.gz`, `pages.tar.zst`) unless `read` names a format; it
/// is also where the articles' ids come from when the records carry none.
pub fn extract_bytes(
    name: &str,
    bytes: &[u8],
    read: &ReadOptions,
    fields: &FieldMap,
) -> Vec<std::result::Result<Article, ExtractError>> {
    let mut items = Vec::new();
    let counters = ReadCounters::default();
    let outcome = read_documents_from(
        name,
        bytes,
        read,
        &counters,
        &mut extracting(fields, &mut |item| {
            items.push(item);
            true
        }),
    );
    if let Err(e) = outcome {
        items.push(Err(ExtractError::from(e)));
    }
    items
}

/// Turns the documents a source reads into articles for `emit`.
fn extracting<'a>(
    fields: &'a FieldMap,
    emit: &'a mut dyn FnMut(std::result::Result<Article, ExtractError>) -> bool,
) -> impl FnMut(std::result::Result<RawDoc, SourceError>) -> bool + 'a {
    move |doc| {
        let item = match doc {
            Ok(doc) => extract_document(&doc, fields).map_err(|reason| ExtractError {
                place: doc.origin.to_string(),
                reason,
            }),
            Err(e) => Err(ExtractError::from(e)),
        };
        emit(item)
    }
}

impl From<SourceError> for ExtractError {
    fn from(e: SourceError) -> ExtractError {
        ExtractError {
            place: e.origin.to_string(),
            reason: e.reason,
        }
    }
}

/// Every article in the file at `path`, with formats and encodings detected; the
/// first problem is an error.
pub fn extract_file(path: &Path) -> Result<Vec<Article>> {
    let mut articles = Vec::new();
    let mut failure = None;
    let outcome = extract_path(
        path,
        &ReadOptions::default(),
        &FieldMap::default(),
        &mut |item| {
            match item {
                Ok(article) => articles.push(article),
                Err(e) => failure = Some(e),
            }
            failure.is_none()
        },
    );
    match failure.map_or(outcome, Err) {
        Ok(()) => Ok(articles),
        Err(e) => Err(Error::Extract {
            path: std::path::PathBuf::from(e.place),
            reason: e.reason,
        }),
    }
}

/// Extracts the article in a document read from an input, with its id and path set.
pub fn extract_document(doc: &RawDoc, fields: &FieldMap) -> Result<Article, String> {
    let (mut article, record_id) = match (&doc.content, doc.format) {
        (Content::Json(record), _) => json::extract_json_record(record, fields)?,
        (Content::Text(text), Format::Markdown) => markdown::extract_markdown(text)?,
        (Content::Text(text), Format::Sogou) => sogou::extract_sogou_record(text)?,
        (Content::Text(text), Format::Html) => (extract_html_page(text, None)?, None),
        (Content::Text(text), _) => (extract_text_page(text)?, None),
    };
    article.id = match (record_id, &article.url) {
        (Some(id), _) => id,
        (None, Some(url)) if is_article_url(url) => article_id(url.as_bytes()),
        _ => article_id(origin_key(&doc.origin).as_bytes()),
    };
    article.path = Some(doc.origin.to_string());
    Ok(article)
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

/// What identifies a document by its place: the file (as given, made absolute by the
/// caller), the archive member and the record within it.
fn origin_key(origin: &Origin) -> String {
    let mut key = origin.path.to_string_lossy().into_owned();
    if let Some(member) = &origin.member {
        key.push_str("::");
        key.push_str(member);
    }
    if let Some(record) = &origin.record {
        key.push('#');
        key.push_str(record);
    }
    key
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
}

#[cfg(test)]
mod bytes_tests {
    use super::*;

    fn extracted(name: &str, content: &str) -> Article {
        let items = extract_bytes(
            name,
            content.as_bytes(),
            &ReadOptions::default(),
            &FieldMap::default(),
        );
        match items.into_iter().next() {
            Some(Ok(article)) => article,
            other => panic!("{name}: {other:?}"),
        }
    }

    /// One instant, 23:30 UTC on 16 May 2022, is 17 May in China time whichever format
    /// states it; a date written without a time stays as written.
    #[test]
    fn every_format_dates_an_instant_in_china_time() {
        let body = "<p>出国前后关注点大不同，在采访中，我们了解到不少学子在出国前就每年守在电脑前观看两会直播。</p>";
        let html = format!(
            "<html><head><meta property=\"article:published_time\" content=\"2022-05-16T23:30:00Z\"></head><body><div class=\"content\">{body}</div></body></html>"
        );
        let json_ld = format!(
            "<html><head><script type=\"application/ld+json\">{{\"@type\":\"NewsArticle\",\"datePublished\":\"2022-05-16T23:30:00Z\"}}</script></head><body><div class=\"content\">{body}</div></body></html>"
        );
        for (name, content) in [
            ("page.html", html.as_str()),
            ("ld.html", json_ld.as_str()),
            (
                "record.json",
                r#"{"title": "标题", "body": "正文。", "date": "2022-05-16T23:30:00Z"}"#,
            ),
            (
                "feed.jsonl",
                "{\"title\": \"标题\", \"body\": \"正文。\", \"pubdate\": \"2022-05-16T23:30:00Z\"}\n",
            ),
            (
                "epoch.jsonl",
                "{\"title\": \"标题\", \"body\": \"正文。\", \"time\": 1652743800}\n",
            ),
            (
                "post.md",
                "---\ntitle: 标题\ndate: 2022-05-16T23:30:00Z\n---\n\n正文。\n",
            ),
            (
                "post.md",
                "+++\ntitle = \"标题\"\ndate = 2022-05-16T23:30:00Z\n+++\n正文。\n",
            ),
        ] {
            let date = extracted(name, content).date.map(|d| d.to_string());
            assert_eq!(date.as_deref(), Some("2022-05-17"), "{name}: {content}");
        }
        // Sogou records carry no date field: theirs comes from the address, as written.
        let sogou = "<doc>\n<url>http://news.sohu.com/20220516/n1.shtml</url>\n<docno>s1</docno>\n<contenttitle>标题</contenttitle>\n<content>正文。</content>\n</doc>\n";
        let date = extracted("SogouCA.dat", sogou).date.map(|d| d.to_string());
        assert_eq!(date.as_deref(), Some("2022-05-16"));
        for (name, content) in [
            (
                "record.json",
                r#"{"title": "标题", "body": "正文。", "date": "2022-05-16"}"#,
            ),
            (
                "feed.jsonl",
                "{\"title\": \"标题\", \"body\": \"正文。\", \"date\": \"2022-05-16 23:30\"}\n",
            ),
            (
                "post.md",
                "---\ntitle: 标题\ndate: 2022-05-16\n---\n\n正文。\n",
            ),
        ] {
            let date = extracted(name, content).date.map(|d| d.to_string());
            assert_eq!(date.as_deref(), Some("2022-05-16"), "{name}: {content}");
        }
    }

    /// Every format cleans its headline the same way (see `headline.rs`).
    #[test]
    fn every_format_cleans_headlines() {
        for (name, content) in [
            ("page.txt", "春耕忙_科技_新华网\n\n正文第一段，写了很多内容。\n第二段。\n"),
            (
                "page.html",
                "<html><head><title>春耕忙_科技_新华网</title></head><body><div class=\"content\"><p>正文第一段，写了很多内容，也写了很多细节。</p></div></body></html>",
            ),
            ("record.json", r#"{"title": "春耕忙_科技_新华网", "body": "正文。"}"#),
            ("feed.jsonl", "{\"title\": \"[视频]春耕忙\", \"body\": \"正文。\"}\n"),
            ("post.md", "---\ntitle: 春耕忙 | 新华网\n---\n\n正文。\n"),
            (
                "SogouCA.dat",
                "<doc>\n<docno>s1</docno>\n<contenttitle>春耕忙_搜狐新闻</contenttitle>\n<content>正文。</content>\n</doc>\n",
            ),
        ] {
            let title = extracted(name, content).title;
            assert_eq!(title.as_deref(), Some("春耕忙"), "{name}: {content}");
        }
    }

    #[test]
    fn bytes_are_read_by_their_name() {
        let jsonl = "{\"id\": \"a\", \"title\": \"标题\", \"body\": \"正文\"}\nnot json\n";
        let items = extract_bytes(
            "feed.jsonl",
            jsonl.as_bytes(),
            &ReadOptions::default(),
            &FieldMap::default(),
        );
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].as_ref().unwrap().id, "a");
        assert_eq!(items[1].as_ref().unwrap_err().place, "feed.jsonl:2");
        let page = extract_bytes(
            "page.txt",
            "标题\n\n第一段正文。\n第二段。".as_bytes(),
            &ReadOptions::default(),
            &FieldMap::default(),
        );
        assert_eq!(page[0].as_ref().unwrap().title.as_deref(), Some("标题"));
        let unknown = extract_bytes(
            "photo.jpg",
            b"\xff\xd8",
            &ReadOptions::default(),
            &FieldMap::default(),
        );
        assert!(unknown[0].is_err());
    }
}
