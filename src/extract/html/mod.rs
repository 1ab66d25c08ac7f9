//! Extraction from HTML news pages.
//!
//! This module owns reading one HTML page: the headline, the date, the outlet, the
//! writers, the page's address and the article text without the site around it. It
//! reads text that is already decoded (charsets are [`crate::source`]'s job), never
//! fetches anything, and has no rules for particular sites: everything it decides comes
//! from the page's own structure and from how Chinese news pages are written.
//!
//! How it works:
//!
//! 1. The page is parsed (html5ever, through `scraper`) and copied into a flat tree
//!    without scripts, styles, form controls and hidden elements. Elements whose tag or
//!    class/id says they are site furniture (navigation, share bars, related articles,
//!    comments, footers) are marked, not deleted: their text still counts when looking
//!    for the date or the byline.
//! 2. The visible text is cut into blocks, the paragraphs a reader sees (block-level
//!    elements and `<br>` separate them).
//! 3. The article's container is found by scoring, in the manner of Readability and
//!    GNE: each block of prose credits its container and, less, the containers above
//!    it; prose is long text with sentence punctuation (Chinese punctuation counts);
//!    link text, furniture class names and lists of links count against. The best
//!    container's blocks, filtered line by line with the same furniture rules as plain
//!    text pages, are the body.
//! 4. Metadata is taken from the strongest evidence available: `<meta>` tags and
//!    JSON-LD first, then the lines between the headline and the body, then the
//!    address, then weaker hints (see [`extract_html_page`]).
//!
//! One file per step: `tree.rs` (1), `hints.rs` (class and id names), `blocks.rs` (2),
//! `content.rs` (3), `body.rs`, `title.rs`, `page_meta.rs` (lines around the article),
//! `head.rs` (the markup's metadata) and `url.rs` (4).

mod blocks;
mod body;
mod content;
mod head;
mod hints;
mod page_meta;
mod title;
mod tree;
mod url;

#[cfg(test)]
mod tests;

use self::body::assemble_body;
use self::content::find_content;
use self::head::HeadMeta;
use self::page_meta::{footer_meta, header_meta};
use self::title::{choose_title, key, subtitle_after};
use self::tree::{nesting_estimate, Doc, MAX_NESTING};
use self::url::choose_url;
use super::date::date_from_url;
use super::format::{Articles, FormatInfo, InputFormat};
use super::meta::{dateline_date, parse_dateline, parse_meta_line};
use crate::article::Article;
use crate::source::{Layout, RawDoc};
use scraper::Html;

/// HTML news pages (`.html`, `.htm`, `.shtml`): one article per page.
pub struct HtmlPages;

impl InputFormat for HtmlPages {
    fn info(&self) -> &'static FormatInfo {
        &FormatInfo {
            name: "html",
            aliases: &[],
            extensions: &["html", "htm", "shtml", "xhtml"],
            layout: Layout::Whole,
        }
    }

    fn read(&self, doc: &RawDoc, out: &mut Articles<'_>) {
        out.record(
            &doc.origin,
            extract_html_page(&doc.text, None).map(|a| (a, None)),
        );
    }
}

/// Extracts the article from an HTML news page. `url` is the page's address when known
/// (from a crawl record or archive member name); it helps find the date.
///
/// The article's `id` is left empty and its `path` unset: they depend on where the page
/// came from. The body's paragraphs are separated by `\n`.
///
/// Where the fields come from, strongest evidence first:
/// - title: a visible heading that the `<title>` confirms (it contains it), else
///   `og:title`/JSON-LD `headline`, else the first `<h1>`, else `<title>`; site suffixes
///   (`_新华网`, ` - 人民网`, `|…`) and media markers (`[视频]`, `(组图)`) removed;
/// - date: published-time `<meta>` tags and JSON-LD/microdata `datePublished`, then a
///   date stated around the headline (a labelled `发布时间：…`/`发表于 …`/`Posted …`
///   before a bare date line; a date split over elements, `2019` / `09/07`), then the
///   dateline that opens the text (`【看中国2005年07月03日报道】`), then a date stated
///   just under the text (before any comments or lists of links), a date alone on the
///   last line, then a date in the address (`/2022-05/17/`, `/20220517/`,
///   `/2022/0517/`), then the publication time a script sets (`var ct = "…"`,
///   `publish_time: …`, which also dates pages that show only `10-08 12:00` or
///   `昨天`), then `<time>` elements and update times. Dates in comments, archives
///   (`2005年9月 (606)`) and lists of related articles are never taken; a page that
///   states no date gets none;
/// - source: `来源` stated on the page, then `<meta name="source">`, then the agency of a
///   dateline (`新华社北京5月17日电`), then the site's own name (`og:site_name`, JSON-LD
///   publisher), since the site that publishes an article is its outlet when the page
///   names no other;
/// - author: a byline stated on the page (`作者：`, `记者 …`), then the dateline's
///   reporter, then JSON-LD or `<meta name="author">` (unless it names a site);
/// - url: `<link rel="canonical">`, then `og:url`, then `url`.
pub fn extract_html_page(html: &str, url: Option<&str>) -> Result<Article, String> {
    let html = html.strip_prefix('\u{feff}').unwrap_or(html);
    let depth = nesting_estimate(html);
    if depth > MAX_NESTING {
        // html5ever's tree builder takes time quadratic in the nesting depth (50 000
        // levels: seconds); no real page comes near this.
        return Err(format!("markup nested about {depth} levels deep"));
    }
    let parsed = Html::parse_document(html);
    let head = HeadMeta::read(&parsed);
    let doc = Doc::build(&parsed);
    drop(parsed);
    let blocks = doc.blocks();

    let content = find_content(&doc, &blocks);
    let title = choose_title(&blocks, &head);
    let title_key = title.text.as_deref().map(key);
    let subtitle = title.block.and_then(|t| subtitle_after(&blocks, t));
    let subtitle_key = subtitle.as_deref().map(key);

    let body = assemble_body(
        &doc,
        &blocks,
        &content,
        [title_key.as_deref(), subtitle_key.as_deref()],
    );
    if body.paragraphs.is_empty() {
        return Err("no article text found".to_string());
    }

    let first_body_block = body.first_block.unwrap_or(blocks.len());
    let header = header_meta(&doc, &blocks, title.block, first_body_block);
    let footer = footer_meta(&blocks, body.last_block);
    let dateline = body.paragraphs.first().and_then(|p| parse_dateline(p));

    let page_url = choose_url(&head, url);
    let first_line_date = body.paragraphs.first().and_then(|p| dateline_date(p));
    // A date alone on the last line of the text: the date a notice or letter is signed.
    let last_line_date = body
        .paragraphs
        .last()
        .filter(|p| p.chars().count() <= 24)
        .and_then(|p| parse_meta_line(p))
        .filter(|m| m.source.is_none() && m.author.is_none())
        .and_then(|m| m.date);
    let date = head
        .published_date()
        .or(header.date)
        .or(body.meta.date)
        .or(first_line_date)
        .or(body.date_below)
        .or(footer.date)
        .or(last_line_date)
        .or_else(|| url.and_then(date_from_url))
        .or_else(|| page_url.as_deref().and_then(date_from_url))
        .or(head.script_date)
        .or(head.time_element_date)
        .or(header.updated)
        .or(footer.updated)
        .or_else(|| head.modified_date());

    let source = header
        .meta
        .source
        .clone()
        .or(body.meta.source.clone())
        .or(footer.meta.source.clone())
        .or_else(|| head.stated_source())
        .or_else(|| dateline.as_ref().and_then(|d| d.source.clone()))
        .or_else(|| head.site_name());

    let author = header
        .meta
        .author
        .clone()
        .or(body.meta.author.clone())
        .or_else(|| dateline.as_ref().and_then(|d| d.author.clone()))
        .or(footer.meta.author.clone())
        .or_else(|| head.stated_author(source.as_deref()));

    let editor = body
        .meta
        .editor
        .clone()
        .or(footer.meta.editor.clone())
        .or(header.meta.editor.clone());

    Ok(Article {
        id: String::new(),
        title: title.text,
        subtitle,
        date,
        source,
        author,
        editor,
        url: page_url,
        body: body.paragraphs.join("\n"),
        path: None,
        // A page's original is its file (`path`); only furniture is kept.
        original: Default::default(),
    })
}
