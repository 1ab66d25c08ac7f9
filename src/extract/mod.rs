//! Extraction: the files, folders and archives a user names → [`Article`]s.
//!
//! This is the one path from inputs to articles, used by `baoku index`, `baoku
//! extract` and embedding programs alike: [`find_inputs`] walks the paths,
//! [`extract_path`] reads one input ([`crate::source`] opens, decompresses, walks
//! archives and decodes it) and hands each document to its format, which finds the
//! articles in it; [`extract_paths`] does both, [`extract_bytes`] reads content that
//! is not in a file. Every article gets its stable id — the record's own id, else its
//! URL, else where it came from (file, archive member, record) — and everything that
//! goes wrong is a [`Problem`] that says where and what kind.
//!
//! The formats (text pages, HTML pages, Markdown with front matter, JSON and JSON
//! Lines with field aliases, Sogou records) are one table, [`FORMATS`]; adding one is
//! a file and a line there (see `format.rs`). Rules every format shares have one home:
//! headlines (`headline.rs`), dates (`date.rs`), field names and people
//! (`fields.rs`), labelled metadata lines (`meta.rs`), site furniture
//! (`boilerplate.rs`), and the furniture a source repeats at the head and tail of its
//! bodies, learned from the inputs themselves (`furniture.rs`): reading a set of
//! inputs is one pass that learns it and one that extracts and cleans.
//!
//! This module owns the reading of layouts and fields; it must not index or search.

mod boilerplate;
mod date;
mod fields;
mod format;
mod furniture;
mod headline;
mod html;
mod html_fragment;
mod json;
mod markdown;
mod meta;
mod sogou;
mod text;

pub use date::{date_from_url, parse_date_value, parse_field_date, split_date};
pub use fields::{ArticleField, FieldMap};
pub use format::{
    article_id, format_named, format_names, Articles, Emit, FormatInfo, InputFormat, FORMATS,
};
pub use furniture::Furniture;
pub use html::extract_html_page;
pub use text::extract_text_page;

pub use crate::source::{Problem, ProblemKind};

use crate::article::Article;
use crate::error::{Error, Result};
use crate::source::{
    collect_inputs, read_documents, read_documents_from, Inputs, Origin, ReadCounters, ReadOptions,
};
use format::{extract_document, FormatTable};
use std::path::{Path, PathBuf};

/// How inputs are read and their articles extracted: what `--format`, `--encoding`
/// and `--field` say.
#[derive(Debug, Clone, Default)]
pub struct ExtractOptions {
    /// Format and encoding overrides.
    pub read: ReadOptions,
    /// Field-name mapping for JSON records.
    pub fields: FieldMap,
}

/// The input files under `paths` (folders walked recursively, in a stable order), and
/// those passed over as problems: of a type baoku does not read, or unreadable. With a
/// forced format every file is taken. A path that does not exist is an error.
pub fn find_inputs(paths: &[PathBuf], options: &ExtractOptions) -> Result<Inputs> {
    collect_inputs(paths, &FormatTable, options.read.format.is_some())
}

/// Extracts every article in the files, folders and archives at `paths`, walked as
/// [`find_inputs`] walks them, handing each — or a problem, including the files passed
/// over — to `emit`, which returns `false` to stop. This is what `baoku extract`
/// prints; a path that does not exist is an error.
pub fn extract_paths(
    paths: &[PathBuf],
    options: &ExtractOptions,
    emit: &mut Emit<'_>,
) -> Result<()> {
    let inputs = find_inputs(paths, options)?;
    for problem in inputs.skipped {
        if !emit(Err(problem)) {
            return Ok(());
        }
    }
    let furniture = learn_furniture(
        inputs.files.iter().map(|f| f.path.as_path()),
        options,
        &|| true,
    );
    let counters = ReadCounters::default();
    for input in &inputs.files {
        let mut going = true;
        let outcome = extract_input(&input.path, options, &counters, &mut |item| {
            going = emit(cleaned(&furniture, item));
            going
        });
        if let Err(problem) = outcome {
            going = emit(Err(problem));
        }
        if !going {
            break;
        }
    }
    Ok(())
}

/// Reads every article in the file at `path` (any format baoku reads, compressed or
/// in a tar archive), handing each, or the problem with a document or record, to
/// `emit`, which returns `false` to stop. A problem that ends the whole file is
/// returned.
pub fn extract_path(
    path: &Path,
    options: &ExtractOptions,
    emit: &mut Emit<'_>,
) -> std::result::Result<(), Problem> {
    let furniture = learn_furniture([path], options, &|| true);
    extract_input(path, options, &ReadCounters::default(), &mut |item| {
        emit(cleaned(&furniture, item))
    })
}

/// Learns the furniture of the inputs at `paths` ([`Furniture`]): one pass that
/// extracts every article and counts the lines at the edges of its body. Problems are
/// left to the pass that extracts. It stops, with what it has learned, as soon as
/// `going` says no (an interrupted run must not read the whole archive first).
pub fn learn_furniture<'a>(
    paths: impl IntoIterator<Item = &'a Path>,
    options: &ExtractOptions,
    going: &dyn Fn() -> bool,
) -> Furniture {
    let mut furniture = Furniture::default();
    let counters = ReadCounters::default();
    for path in paths {
        if !going() {
            break;
        }
        let _ = extract_input(path, options, &counters, &mut |item| {
            if let Ok(article) = item {
                furniture.learn(&article);
            }
            going()
        });
    }
    furniture
}

/// An extracted article with its source's furniture removed ([`Furniture::clean`]);
/// the body as it was read is kept in [`Article::original`] when furniture went
/// (unless the format kept the record's own first).
pub fn cleaned(
    furniture: &Furniture,
    item: std::result::Result<Article, Problem>,
) -> std::result::Result<Article, Problem> {
    item.map(|mut article| {
        furniture.clean(&mut article);
        article
    })
}

/// [`extract_path`], adding the bytes read to `counters` (for a progress bar).
pub(crate) fn extract_input(
    path: &Path,
    options: &ExtractOptions,
    counters: &ReadCounters,
    emit: &mut Emit<'_>,
) -> std::result::Result<(), Problem> {
    // Ids of articles without their own come from the absolute path.
    let canonical = path
        .canonicalize()
        .map_err(|e| Problem::from_io(&Origin::file(path), &e))?;
    read_documents(
        &canonical,
        &options.read,
        &FormatTable,
        counters,
        &mut |doc| extract_document(doc, &options.fields, emit),
    )
}

/// Extracts the articles in `bytes`, content that did not come from a file (an upload,
/// a message, a database column). `name` is a file name that says what the bytes are
/// (`page.html`, `feed.jsonl.gz`, `pages.tar.zst`) unless `options` name a format; it
/// is also where the articles' ids come from when the records carry none.
pub fn extract_bytes(
    name: &str,
    bytes: &[u8],
    options: &ExtractOptions,
) -> Vec<std::result::Result<Article, Problem>> {
    let mut items = Vec::new();
    let outcome = read_documents_from(
        name,
        bytes,
        &options.read,
        &FormatTable,
        &ReadCounters::default(),
        &mut |doc| {
            extract_document(doc, &options.fields, &mut |item| {
                items.push(item);
                true
            })
        },
    );
    if let Err(problem) = outcome {
        items.push(Err(problem));
    }
    let mut furniture = Furniture::default();
    for article in items.iter().flatten() {
        furniture.learn(article);
    }
    items
        .into_iter()
        .map(|item| cleaned(&furniture, item))
        .collect()
}

/// Every article in the file at `path`, with formats and encodings detected; the
/// first problem (a file of a type baoku does not read included) is an error.
pub fn extract_file(path: &Path) -> Result<Vec<Article>> {
    let mut articles = Vec::new();
    let mut failure = None;
    let outcome = extract_path(path, &ExtractOptions::default(), &mut |item| {
        match item {
            Ok(article) => articles.push(article),
            Err(problem) => failure = Some(problem),
        }
        failure.is_none()
    });
    match failure.map_or(outcome, Err) {
        Ok(()) => Ok(articles),
        Err(problem) => Err(Error::Extract {
            path: PathBuf::from(problem.origin.to_string()),
            reason: problem.reason,
        }),
    }
}

#[cfg(test)]
mod bytes_tests {
    use super::*;

    fn extracted(name: &str, content: &str) -> Article {
        let items = extract_bytes(name, content.as_bytes(), &ExtractOptions::default());
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
        // Sogou records carry no date field: theirs comes from the address, as written.
        let sogou = "<doc>\n<url>http://news.sohu.com/20220516/n1.shtml</url>\n<docno>s1</docno>\n<contenttitle>标题</contenttitle>\n<content>正文。</content>\n</doc>\n";
        let record = |field: &str, value: &str| {
            format!("{{\"title\": \"标题\", \"body\": \"正文。\", \"{field}\": {value}}}\n")
        };
        for (name, content, expected) in [
            ("page.html", html, "2022-05-17"),
            ("ld.html", json_ld, "2022-05-17"),
            (
                "record.json",
                record("date", "\"2022-05-16T23:30:00Z\""),
                "2022-05-17",
            ),
            (
                "feed.jsonl",
                record("pubdate", "\"2022-05-16T23:30:00Z\""),
                "2022-05-17",
            ),
            ("epoch.jsonl", record("time", "1652743800"), "2022-05-17"),
            (
                "post.md",
                "---\ntitle: 标题\ndate: 2022-05-16T23:30:00Z\n---\n\n正文。\n".into(),
                "2022-05-17",
            ),
            (
                "post.md",
                "+++\ntitle = \"标题\"\ndate = 2022-05-16T23:30:00Z\n+++\n正文。\n".into(),
                "2022-05-17",
            ),
            ("SogouCA.dat", sogou.into(), "2022-05-16"),
            (
                "record.json",
                record("date", "\"2022-05-16\""),
                "2022-05-16",
            ),
            (
                "feed.jsonl",
                record("date", "\"2022-05-16 23:30\""),
                "2022-05-16",
            ),
            (
                "post.md",
                "---\ntitle: 标题\ndate: 2022-05-16\n---\n\n正文。\n".into(),
                "2022-05-16",
            ),
        ] {
            let date = extracted(name, &content).date.map(|d| d.to_string());
            assert_eq!(date.as_deref(), Some(expected), "{name}: {content}");
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

    /// Cleaning keeps what the input wrote: the body before learned furniture went
    /// (a record's own body when Markdown went first); tidied whitespace alone and a
    /// page's body are not kept.
    #[test]
    fn cleaning_keeps_the_original_where_it_changed_something() {
        let mut feed = String::new();
        for n in 0..12 {
            let body = match n {
                0 => "第0段正文，講述碼頭。\n\n  第二段。  \n歡迎訂閱本報。".to_string(),
                1 => "第1段正文，**講述**碼頭。\n歡迎訂閱本報。".to_string(),
                n => format!("第{n}段正文，講述碼頭。\n歡迎訂閱本報。"),
            };
            let record = serde_json::json!({"id": format!("a{n}"), "title": format!("第{n}篇"), "source": "本報", "body": body});
            feed.push_str(&format!("{record}\n"));
        }
        feed.push_str(&format!(
            "{}\n",
            serde_json::json!({"id": "alone", "title": "獨篇", "source": "他報", "body": "第一段。\n\n第二段。"})
        ));
        let items = extract_bytes("feed.jsonl", feed.as_bytes(), &ExtractOptions::default());
        let article = |id: &str| {
            items
                .iter()
                .flatten()
                .find(|a| a.id == id)
                .unwrap_or_else(|| panic!("{id}: {items:?}"))
        };
        let furnished = article("a0");
        assert_eq!(furnished.body, "第0段正文，講述碼頭。\n第二段。");
        assert_eq!(
            furnished.raw_body(),
            "第0段正文，講述碼頭。\n第二段。\n歡迎訂閱本報。"
        );
        assert!(furnished.original.title.is_none());
        let marked = article("a1");
        assert_eq!(marked.body, "第1段正文，講述碼頭。");
        assert_eq!(
            marked.raw_body(),
            "第1段正文，**講述**碼頭。\n歡迎訂閱本報。"
        );
        let alone = article("alone");
        assert_eq!(alone.body, "第一段。\n第二段。");
        assert!(!alone.was_cleaned(), "{alone:?}");
        assert_eq!(alone.raw_body(), alone.body);

        let page = extract_bytes(
            "page.txt",
            "標題\n\n第一段正文。\n第二段。".as_bytes(),
            &ExtractOptions::default(),
        );
        assert!(!page[0].as_ref().unwrap().was_cleaned());
    }

    #[test]
    fn bytes_are_read_by_their_name() {
        let jsonl = "{\"id\": \"a\", \"title\": \"标题\", \"body\": \"正文\"}\nnot json\n";
        let items = extract_bytes("feed.jsonl", jsonl.as_bytes(), &ExtractOptions::default());
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].as_ref().unwrap().id, "a");
        let problem = items[1].as_ref().unwrap_err();
        assert_eq!(problem.origin.to_string(), "feed.jsonl:2");
        assert_eq!(problem.kind, ProblemKind::Malformed);
        let page = extract_bytes(
            "page.txt",
            "标题\n\n第一段正文。\n第二段。".as_bytes(),
            &ExtractOptions::default(),
        );
        assert_eq!(page[0].as_ref().unwrap().title.as_deref(), Some("标题"));
        let unknown = extract_bytes("photo.jpg", b"\xff\xd8", &ExtractOptions::default());
        assert_eq!(
            unknown[0].as_ref().unwrap_err().kind,
            ProblemKind::Unsupported
        );
    }
}
