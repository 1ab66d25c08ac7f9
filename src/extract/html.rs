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

use super::boilerplate::{compact, is_end_marker, is_footer_start, is_widget};
use super::date::{date_from_url, find_date, parse_field_date};
use super::fields::field_text;
use super::headline::{clean_headline, collapse_spaces, looks_like_site, strip_media_markers};
use super::meta::{clean_people, parse_dateline, parse_meta_line, strip_trailing_metadata, Meta};
use crate::analyze::normalize_str;
use crate::article::{Article, Date};
use regex::Regex;
use scraper::{Html, Node, Selector};
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

/// Elements whose content is never page text.
const SKIPPED_TAGS: &[&str] = &[
    "head", "script", "style", "noscript", "template", "iframe", "object", "embed", "svg",
    "canvas", "math", "select", "option", "textarea", "button", "input", "video", "audio", "map",
    "title", "meta", "link", "frameset", "frame", "dialog",
];

/// Elements that start and end a paragraph. Everything else is inline.
const BLOCK_TAGS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "caption",
    "center",
    "dd",
    "details",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "html",
    "li",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
    "legend",
];

/// Block elements that hold one paragraph: their prose credits the element around them,
/// as Readability credits the parent of a `<p>`.
const PARAGRAPH_TAGS: &[&str] = &[
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "dt",
    "dd",
    "pre",
    "figcaption",
    "caption",
    "th",
    "address",
    "summary",
    "legend",
];

/// Elements that are site furniture by their tag alone.
/// A `<figcaption>` describes an image rather than telling the story; captions written
/// as paragraphs of the text stay.
const FURNITURE_TAGS: &[&str] = &["nav", "footer", "aside", "header", "menu", "figcaption"];

/// Class/id fragments of furniture, matched inside a class or id (`share-bar`,
/// `relatedNews`). Pinyin names are common on Chinese sites (分享 fenxiang, 推荐
/// tuijian, 评论 pinglun, 相关 xiangguan, 热门 remen).
const NEGATIVE_FRAGMENTS: &[&str] = &[
    "comment",
    "footer",
    "copyright",
    "share",
    "social",
    "related",
    "recommend",
    "sidebar",
    "breadcrumb",
    "crumb",
    "advert",
    "sponsor",
    "popup",
    "subscribe",
    "toolbar",
    "pagination",
    "pager",
    "qrcode",
    "hotnews",
    "navbar",
    "menu",
    "banner",
    "login",
    "fenxiang",
    "tuijian",
    "pinglun",
    "xiangguan",
    "remen",
    "ranking",
    "guess",
    "disclaimer",
    "masthead",
    "logo",
    "header",
    "widget",
    "bottom",
    "topbar",
    "weixin",
    "weibo",
    "caption",
    "loading",
    "player",
    "pinglun",
    "reply",
    "replies",
];

/// Whole class/id words of furniture, too short to match inside other words.
const NEGATIVE_WORDS: &[&str] = &[
    "nav", "ad", "ads", "adv", "gg", "foot", "side", "tag", "tags", "hot", "more", "top", "tool",
    "tools", "links", "rank", "xgxw", "xgwz", "ewm", "fx", "tj", "print", "zan", "search",
];

/// Class/id fragments of article containers (正文 zhengwen, 文章 wenzhang, 内容 neirong;
/// `TRS_Editor` is the body of pages made with the TRS CMS, common in China).
const POSITIVE_FRAGMENTS: &[&str] = &[
    "article",
    "content",
    "main",
    "text",
    "entry",
    "story",
    "detail",
    "zhengwen",
    "wenzhang",
    "neirong",
    "trs_editor",
    "post",
];

/// Whole class/id words of article containers.
const POSITIVE_WORDS: &[&str] = &["art", "con", "cont", "body", "nr", "zw", "txt"];

/// Class/id fragments of headline elements (标题 biaoti).
const TITLE_FRAGMENTS: &[&str] = &["title", "headline", "biaoti", "tit"];

/// Prose shorter than this (non-space characters) does not vote for a container.
const MIN_PROSE_CHARS: usize = 10;
/// How many containers above a paragraph its score reaches.
const SCORE_LEVELS: usize = 5;
/// Headlines longer than this are paragraphs.
const MAX_TITLE_CHARS: usize = 120;
/// How many blocks after the headline may still be its metadata lines.
const HEADER_SCAN_BLOCKS: usize = 30;
/// How many blocks after the body may still hold its editor or source line.
const FOOTER_SCAN_BLOCKS: usize = 6;

/// Pages whose tags nest deeper than this are refused rather than parsed.
const MAX_NESTING: usize = 10_000;

/// Elements that never stay open (void elements) or that the parser closes by itself
/// when the next one starts; they do not deepen the tree.
const NON_NESTING_TAGS: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "p", "li", "td", "th", "tr", "dt", "dd", "option", "!doctype",
];

/// How deep the page's tags nest, counted cheaply from the tags alone (script and
/// style contents skipped), without building a tree.
fn nesting_estimate(html: &str) -> usize {
    let bytes = html.as_bytes();
    let (mut depth, mut deepest, mut i) = (0usize, 0usize, 0usize);
    while let Some(offset) = bytes[i..].iter().position(|&b| b == b'<') {
        i += offset + 1;
        let closing = bytes.get(i) == Some(&b'/');
        let start = i + usize::from(closing);
        let len = bytes[start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'!')
            .count();
        if len == 0 {
            continue;
        }
        let name = html[start..start + len].to_ascii_lowercase();
        if NON_NESTING_TAGS.contains(&name.as_str()) {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
            continue;
        }
        if name == "script" || name == "style" {
            let end_tag = format!("</{name}");
            let rest = &bytes[start + len..];
            i = start
                + len
                + rest
                    .windows(end_tag.len())
                    .position(|w| w.eq_ignore_ascii_case(end_tag.as_bytes()))
                    .unwrap_or(rest.len());
            continue;
        }
        depth += 1;
        deepest = deepest.max(depth);
    }
    deepest
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
///   date stated between the headline and the body (`发布时间：…`, a bare date line),
///   then a date in the address (`/2022-05/17/`, `/20220517/`, `/2022/0517/`), then
///   `<time>` elements and update times;
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
    let date = head
        .published_date()
        .or(header.date)
        .or(body.meta.date)
        .or_else(|| url.and_then(date_from_url))
        .or_else(|| page_url.as_deref().and_then(date_from_url))
        .or(head.time_element_date)
        .or(header.updated)
        .or_else(|| head.modified_date());

    let source = header
        .meta
        .source
        .clone()
        .or(body.meta.source.clone())
        .or(footer.source.clone())
        .or_else(|| head.stated_source())
        .or_else(|| dateline.as_ref().and_then(|d| d.source.clone()))
        .or_else(|| head.site_name());

    let author = header
        .meta
        .author
        .clone()
        .or(body.meta.author.clone())
        .or_else(|| dateline.as_ref().and_then(|d| d.author.clone()))
        .or(footer.author.clone())
        .or_else(|| head.stated_author(source.as_deref()));

    let editor = body
        .meta
        .editor
        .clone()
        .or(footer.editor.clone())
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
    })
}

// ---------------------------------------------------------------------------------
// The document: a flat copy of the parsed tree, in document order.

struct Element {
    tag: String,
    /// Lowercased `id` and `class`, for the furniture and content hints.
    hints: String,
    /// Marked as site furniture by its tag or its class/id.
    furniture: bool,
}

enum Data {
    Root,
    Element(Element),
    Text(String),
}

struct DocNode {
    parent: Option<usize>,
    children: Vec<usize>,
    data: Data,
}

/// The page's elements and texts in document (pre-)order, so that a subtree is the
/// index range `i..=end[i]` and children always come after their parent.
struct Doc {
    nodes: Vec<DocNode>,
    /// The last index inside each node's subtree.
    end: Vec<usize>,
    /// Whether a block-level element is inside the node.
    holds_blocks: Vec<bool>,
}

impl Doc {
    fn build(parsed: &Html) -> Doc {
        let mut nodes = vec![DocNode {
            parent: None,
            children: Vec::new(),
            data: Data::Root,
        }];
        let mut index = HashMap::new();
        let root = parsed.tree.root();
        index.insert(root.id(), 0usize);
        // `descendants` walks without recursion, so deeply nested markup cannot
        // overflow the stack; skipped elements drop out because their children find
        // no parent.
        for node in root.descendants().skip(1) {
            let Some(parent) = node.parent().and_then(|p| index.get(&p.id()).copied()) else {
                continue;
            };
            let data = match node.value() {
                Node::Element(e) => {
                    let tag = e.name().to_ascii_lowercase();
                    if SKIPPED_TAGS.contains(&tag.as_str()) || is_hidden(e) {
                        continue;
                    }
                    let mut hints = String::new();
                    for value in [e.id(), e.attr("class")].into_iter().flatten() {
                        hints.push_str(&value.to_ascii_lowercase());
                        hints.push(' ');
                    }
                    let furniture = FURNITURE_TAGS.contains(&tag.as_str())
                        || (hint_weight(&hints) < 0
                            && !["html", "body", "article", "main"].contains(&tag.as_str()));
                    Data::Element(Element {
                        tag,
                        hints,
                        furniture,
                    })
                }
                Node::Text(t) => Data::Text(t.to_string()),
                _ => continue,
            };
            let is_element = matches!(data, Data::Element(_));
            let at = nodes.len();
            nodes.push(DocNode {
                parent: Some(parent),
                children: Vec::new(),
                data,
            });
            nodes[parent].children.push(at);
            if is_element {
                index.insert(node.id(), at);
            }
        }
        let mut end: Vec<usize> = (0..nodes.len()).collect();
        let mut punct: Vec<usize> = nodes
            .iter()
            .map(|n| match &n.data {
                Data::Text(t) => t.chars().filter(|&c| is_sentence_punct(c)).count(),
                _ => 0,
            })
            .collect();
        let mut holds_blocks = vec![false; nodes.len()];
        for i in (1..nodes.len()).rev() {
            if let Some(p) = nodes[i].parent {
                end[p] = end[p].max(end[i]);
                punct[p] += punct[i];
                let is_block = match &nodes[i].data {
                    Data::Element(e) => BLOCK_TAGS.contains(&e.tag.as_str()),
                    _ => false,
                };
                holds_blocks[p] |= is_block || holds_blocks[i];
            }
        }
        // Broken markup (an unclosed <div class="top-nav">) can put the whole page
        // inside a furniture element. Real furniture never holds most of the page's
        // sentences, so such an element is not furniture.
        let total = punct[0];
        for (i, node) in nodes.iter_mut().enumerate() {
            if let Data::Element(e) = &mut node.data {
                if e.furniture && total >= 3 && punct[i] * 2 >= total {
                    e.furniture = false;
                }
            }
        }
        Doc {
            nodes,
            end,
            holds_blocks,
        }
    }

    fn element(&self, i: usize) -> Option<&Element> {
        match &self.nodes[i].data {
            Data::Element(e) => Some(e),
            _ => None,
        }
    }

    fn tag(&self, i: usize) -> &str {
        self.element(i).map_or("", |e| e.tag.as_str())
    }

    fn contains(&self, ancestor: usize, node: usize) -> bool {
        ancestor <= node && node <= self.end[ancestor]
    }

    /// Cuts the visible text into blocks, in document order. The walk keeps its own
    /// stack, so no input can overflow the call stack.
    fn blocks(&self) -> Vec<Block> {
        let mut builder = BlockBuilder::default();
        let mut open = OpenElements::default();
        let mut stack: Vec<(usize, bool)> = vec![(0, true)];
        while let Some((i, entering)) = stack.pop() {
            match &self.nodes[i].data {
                Data::Root => {
                    if entering {
                        stack.push((i, false));
                        stack.extend(self.nodes[i].children.iter().rev().map(|&c| (c, true)));
                    }
                }
                Data::Text(text) => {
                    if entering {
                        builder.push_text(text, open.links > 0, open.pre > 0);
                    }
                }
                Data::Element(e) => {
                    let tag = e.tag.as_str();
                    let is_block = BLOCK_TAGS.contains(&tag);
                    if entering && (tag == "img" || tag == "hr" || tag == "br") {
                        // Empty elements: no text, but a line break ends the paragraph.
                        if is_block || tag == "br" {
                            builder.flush(open.context());
                        }
                        continue;
                    }
                    if is_block {
                        builder.flush(open.context());
                    } else {
                        builder.segment_break();
                    }
                    if entering {
                        open.enter(i, e);
                        stack.push((i, false));
                        stack.extend(self.nodes[i].children.iter().rev().map(|&c| (c, true)));
                    } else {
                        open.leave(e);
                    }
                }
            }
        }
        builder.flush(open.context());
        builder.blocks
    }

    /// The text of a subtree, whitespace collapsed. A subtree is a contiguous range of
    /// the document order, so this is a slice walk.
    fn text_of(&self, i: usize) -> String {
        let mut text = String::new();
        for node in &self.nodes[i..=self.end[i]] {
            if let Data::Text(t) = &node.data {
                text.push_str(t);
                text.push(' ');
            }
        }
        collapse_spaces(&text)
    }
}

/// What the walk is inside of: the block elements around the text, and counts of the
/// open elements that change how text is read.
#[derive(Default)]
struct OpenElements {
    owners: Vec<usize>,
    furniture: usize,
    links: usize,
    pre: usize,
    headings: Vec<u8>,
    titled: usize,
    subtitled: usize,
}

impl OpenElements {
    fn enter(&mut self, i: usize, e: &Element) {
        let tag = e.tag.as_str();
        if BLOCK_TAGS.contains(&tag) {
            self.owners.push(i);
        }
        self.furniture += usize::from(e.furniture);
        self.links += usize::from(tag == "a");
        self.pre += usize::from(tag == "pre");
        self.titled += usize::from(is_title_hint(&e.hints));
        self.subtitled += usize::from(is_subtitle_hint(&e.hints));
        if let Some(level) = heading_level(tag) {
            self.headings.push(level);
        }
    }

    fn leave(&mut self, e: &Element) {
        let tag = e.tag.as_str();
        if BLOCK_TAGS.contains(&tag) {
            self.owners.pop();
        }
        self.furniture -= usize::from(e.furniture);
        self.links -= usize::from(tag == "a");
        self.pre -= usize::from(tag == "pre");
        self.titled -= usize::from(is_title_hint(&e.hints));
        self.subtitled -= usize::from(is_subtitle_hint(&e.hints));
        if heading_level(tag).is_some() {
            self.headings.pop();
        }
    }

    fn context(&self) -> BlockContext {
        BlockContext {
            owner: self.owners.last().copied().unwrap_or(0),
            furniture: self.furniture > 0,
            heading: self.headings.last().copied(),
            titled: self.titled > 0,
            subtitled: self.subtitled > 0,
        }
    }
}

fn is_hidden(e: &scraper::node::Element) -> bool {
    if e.attr("hidden").is_some() {
        return true;
    }
    e.attr("style").is_some_and(|style| {
        let style: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        style.contains("display:none") || style.contains("visibility:hidden")
    })
}

fn heading_level(tag: &str) -> Option<u8> {
    match tag {
        "h1" => Some(1),
        "h2" => Some(2),
        "h3" => Some(3),
        "h4" => Some(4),
        "h5" => Some(5),
        "h6" => Some(6),
        _ => None,
    }
}

fn hint_words(hints: &str) -> impl Iterator<Item = &str> {
    hints
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// -1 for a furniture hint, +1 for a content hint, 0 for neither. Furniture wins a
/// tie: `sidebar-content`, `comment-text` and `article-footer` are not the text. A
/// wrapper around the whole article that carries a furniture word is rescued in
/// [`Doc::build`], because it holds most of the page's sentences.
fn hint_weight(hints: &str) -> i32 {
    if hints.trim().is_empty() {
        return 0;
    }
    let negative = NEGATIVE_FRAGMENTS.iter().any(|f| hints.contains(f))
        || hint_words(hints).any(|w| NEGATIVE_WORDS.contains(&w));
    if negative {
        return -1;
    }
    let positive = POSITIVE_FRAGMENTS.iter().any(|f| hints.contains(f))
        || hint_words(hints).any(|w| POSITIVE_WORDS.contains(&w));
    i32::from(positive)
}

fn is_title_hint(hints: &str) -> bool {
    !hints.contains("sub")
        && hint_words(hints).any(|w| TITLE_FRAGMENTS.iter().any(|f| w.contains(f)))
}

/// `subtitle`, `sub-title`, `subhead`, 副标题 `fubiaoti`/`fbt`.
fn is_subtitle_hint(hints: &str) -> bool {
    [
        "subtitle",
        "sub-title",
        "sub_title",
        "subhead",
        "fubiaoti",
        "fu-title",
    ]
    .iter()
    .any(|f| hints.contains(f))
        || hint_words(hints).any(|w| w == "fbt")
}

/// Elements that hold the outlet's name without a `来源` label (`<a class="source">`).
fn is_source_hint(hints: &str) -> bool {
    hints.contains("laiyuan")
        || hint_words(hints)
            .any(|w| w.starts_with("source") || ["ly", "from", "comefrom"].contains(&w))
}

/// Elements that hold the writer's name without a `作者` label.
fn is_author_hint(hints: &str) -> bool {
    ["author", "zuozhe", "byline", "writer", "reporter", "jizhe"]
        .iter()
        .any(|f| hints.contains(f))
}

// ---------------------------------------------------------------------------------
// Blocks: the paragraphs a reader sees.

#[derive(Clone, Copy)]
struct BlockContext {
    /// The innermost block element around the text.
    owner: usize,
    furniture: bool,
    heading: Option<u8>,
    /// Inside an element whose class/id says "title".
    titled: bool,
    /// Inside an element whose class/id says "subtitle".
    subtitled: bool,
}

struct Block {
    text: String,
    /// The text with ` | ` where inline elements begin and end, so that fields set in
    /// separate `<span>`s stay apart when the line is read as metadata.
    meta_text: String,
    /// Non-space characters, and how many of them are link text.
    chars: usize,
    link_chars: usize,
    /// Sentence punctuation, Chinese or Western.
    punct: usize,
    context: BlockContext,
}

impl Block {
    fn link_density(&self) -> f64 {
        if self.chars == 0 {
            0.0
        } else {
            self.link_chars as f64 / self.chars as f64
        }
    }
}

#[derive(Default)]
struct BlockBuilder {
    text: String,
    meta_text: String,
    chars: usize,
    link_chars: usize,
    punct: usize,
    /// Whitespace seen since the last character: `Some(true)` when it held a line
    /// break.
    pending_space: Option<bool>,
    blocks: Vec<Block>,
}

impl BlockBuilder {
    fn push_text(&mut self, text: &str, in_link: bool, preformatted: bool) {
        for c in text.chars() {
            if matches!(
                c,
                '\u{feff}' | '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}'
            ) {
                continue;
            }
            if preformatted && c == '\n' {
                self.pending_space = None;
                self.text.push('\n');
                self.meta_text.push('\n');
                continue;
            }
            if c.is_whitespace() || c.is_control() {
                let newline = c == '\n' || c == '\r';
                self.pending_space = Some(self.pending_space.unwrap_or(false) || newline);
                continue;
            }
            if let Some(newline) = self.pending_space.take() {
                let last = self.text.chars().next_back();
                // A line break in the source between two Chinese characters is not a
                // space a reader sees; a typed space is kept.
                let joins_cjk = newline && last.is_some_and(is_cjk) && is_cjk(c);
                if last.is_some_and(|l| l != '\n') && !joins_cjk {
                    self.text.push(' ');
                    self.meta_text.push(' ');
                }
            }
            self.text.push(c);
            self.meta_text.push(c);
            self.chars += 1;
            if in_link {
                self.link_chars += 1;
            }
            if is_sentence_punct(c) {
                self.punct += 1;
            }
        }
    }

    fn segment_break(&mut self) {
        if !self.meta_text.is_empty() && !self.meta_text.ends_with(" | ") {
            self.meta_text.push_str(" | ");
        }
    }

    fn flush(&mut self, context: BlockContext) {
        self.pending_space = None;
        if self.chars > 0 {
            let text = std::mem::take(&mut self.text);
            let text = text
                .lines()
                .map(|l| l.trim())
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join("\n");
            let meta_text = std::mem::take(&mut self.meta_text);
            self.blocks.push(Block {
                text,
                meta_text: meta_text.trim_matches([' ', '|']).to_string(),
                chars: self.chars,
                link_chars: self.link_chars,
                punct: self.punct,
                context,
            });
        }
        self.text.clear();
        self.meta_text.clear();
        self.chars = 0;
        self.link_chars = 0;
        self.punct = 0;
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{2E80}'..='\u{2FDF}'
        | '\u{3000}'..='\u{303F}'
        | '\u{3040}'..='\u{30FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FF00}'..='\u{FFEF}'
        | '\u{201C}'..='\u{201D}'
        | '\u{2018}'..='\u{2019}')
}

fn is_sentence_punct(c: char) -> bool {
    matches!(
        c,
        '，' | '。' | '！' | '？' | '；' | '：' | '、' | ',' | ';' | '!' | '?' | '.' | '．'
    )
}

// ---------------------------------------------------------------------------------
// Finding the article's container.

/// The containers that hold the article, in document order.
struct Content {
    roots: Vec<usize>,
    /// Elements inside the roots that are mostly links: lists of other articles.
    link_lists: HashSet<usize>,
}

/// What a block of prose is worth to the containers above it: one for being prose,
/// one per punctuation mark (sentences make articles), and up to six more for length.
fn prose_score(block: &Block) -> f64 {
    let prose = block.chars - block.link_chars;
    if prose < MIN_PROSE_CHARS || block.context.furniture {
        return 0.0;
    }
    1.0 + block.punct as f64 + (prose as f64 / 50.0).min(6.0)
}

fn find_content(doc: &Doc, blocks: &[Block]) -> Content {
    let n = doc.nodes.len();
    let mut score = vec![0.0f64; n];
    let mut scored = vec![false; n];
    // Text and link characters in each subtree, furniture left out.
    let mut chars = vec![0usize; n];
    let mut link_chars = vec![0usize; n];

    // Articles written as one <div> per paragraph: such divs are paragraphs (as
    // Readability turns them into <p>), otherwise one long paragraph would make its
    // own <div> the article. It takes two prose divs side by side to say so; a lone
    // div of text (or of <br>-separated paragraphs) stays a container.
    let mut blocks_owned = vec![0usize; n];
    let mut prose_owned = vec![0usize; n];
    for block in blocks {
        blocks_owned[block.context.owner] += 1;
        prose_owned[block.context.owner] += block.chars - block.link_chars;
    }
    let leaf_div = |i: usize| {
        ["div", "section"].contains(&doc.tag(i)) && blocks_owned[i] == 1 && !doc.holds_blocks[i]
    };
    let mut prose_div_children = vec![0usize; n];
    for (i, &prose) in prose_owned.iter().enumerate().skip(1) {
        if leaf_div(i) && prose >= MIN_PROSE_CHARS {
            if let Some(p) = doc.nodes[i].parent {
                prose_div_children[p] += 1;
            }
        }
    }
    let is_paragraph = |owner: usize| {
        PARAGRAPH_TAGS.contains(&doc.tag(owner))
            || (leaf_div(owner)
                && doc.nodes[owner]
                    .parent
                    .is_some_and(|p| prose_div_children[p] >= 2))
    };

    for block in blocks {
        if !block.context.furniture {
            chars[block.context.owner] += block.chars;
            link_chars[block.context.owner] += block.link_chars;
        }
        let s = prose_score(block);
        if s <= 0.0 {
            continue;
        }
        let owner = block.context.owner;
        let mut at = if is_paragraph(owner) {
            doc.nodes[owner].parent
        } else {
            Some(owner)
        };
        for level in 0..SCORE_LEVELS {
            let Some(node) = at else { break };
            if node == 0 {
                break;
            }
            let divider = match level {
                0 => 1.0,
                1 => 2.0,
                l => l as f64 * 3.0,
            };
            score[node] += s / divider;
            scored[node] = true;
            at = doc.nodes[node].parent;
        }
    }
    for i in (1..n).rev() {
        if let Some(p) = doc.nodes[i].parent {
            chars[p] += chars[i];
            link_chars[p] += link_chars[i];
        }
    }

    let final_score = |i: usize| -> f64 {
        let Some(e) = doc.element(i) else {
            return 0.0;
        };
        if !scored[i] || e.furniture {
            return 0.0;
        }
        let base = match e.tag.as_str() {
            "div" | "article" | "section" | "main" => 5.0,
            "td" | "blockquote" | "pre" => 3.0,
            "ul" | "ol" | "dl" | "dd" | "dt" | "li" | "form" | "address" => -3.0,
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "th" => -5.0,
            _ => 0.0,
        };
        // A class name is a hint, not evidence: it scales what the text earned, so a
        // `text_box` holding two labels cannot beat an unnamed box of paragraphs.
        let hint = match hint_weight(&e.hints) {
            1 => 1.3,
            -1 => 0.5,
            _ => 1.0,
        };
        let density = if chars[i] == 0 {
            0.0
        } else {
            link_chars[i] as f64 / chars[i] as f64
        };
        (score[i] + base) * hint * (1.0 - density)
    };

    let mut best: Option<(usize, f64)> = None;
    for i in 1..n {
        let s = final_score(i);
        if s > 0.0 && best.is_none_or(|(_, b)| s > b) {
            best = Some((i, s));
        }
    }
    let Some((top, top_score)) = best else {
        // No prose anywhere: take the whole page and let the line filters decide.
        return Content {
            roots: vec![0],
            link_lists: link_lists(doc, &[0], &chars, &link_chars),
        };
    };

    // The article may be split over sibling containers (a lead box and the text, or
    // pages of text around an advertisement).
    let Some(parent) = doc.nodes[top].parent else {
        return Content {
            roots: vec![top],
            link_lists: link_lists(doc, &[top], &chars, &link_chars),
        };
    };
    let threshold = (top_score * 0.2).max(10.0);
    // Paragraph elements whose text ends a sentence: a lone `<p>` beside the
    // container that does is part of the story.
    let ends_sentence: HashSet<usize> = blocks
        .iter()
        .filter(|b| b.text.ends_with(['。', '！', '？', '.']))
        .map(|b| b.context.owner)
        .collect();
    let top_hints = doc.element(top).map_or("", |e| e.hints.as_str());
    let mut roots = Vec::new();
    for &sibling in &doc.nodes[parent].children {
        if sibling == top {
            roots.push(top);
            continue;
        }
        let Some(e) = doc.element(sibling) else {
            continue;
        };
        if e.furniture {
            continue;
        }
        let bonus = if !top_hints.trim().is_empty() && e.hints == top_hints {
            top_score * 0.2
        } else {
            0.0
        };
        let s = final_score(sibling) + bonus;
        let mut keep = s >= threshold;
        if !keep && e.tag == "p" {
            let density = if chars[sibling] == 0 {
                1.0
            } else {
                link_chars[sibling] as f64 / chars[sibling] as f64
            };
            let long_prose = chars[sibling] >= 80 && density < 0.25;
            let short_sentence =
                chars[sibling] >= 20 && density == 0.0 && ends_sentence.contains(&sibling);
            keep = long_prose || short_sentence;
        }
        if keep {
            roots.push(sibling);
        }
    }
    let link_lists = link_lists(doc, &roots, &chars, &link_chars);
    Content { roots, link_lists }
}

/// Elements inside the roots whose text is mostly links and holds at least three of
/// them: related articles, tags, share bars that carry no furniture class name.
fn link_lists(doc: &Doc, roots: &[usize], chars: &[usize], link_chars: &[usize]) -> HashSet<usize> {
    let mut anchors = vec![0usize; doc.nodes.len()];
    for i in (1..doc.nodes.len()).rev() {
        if doc.tag(i) == "a" {
            anchors[i] += 1;
        }
        if let Some(p) = doc.nodes[i].parent {
            anchors[p] += anchors[i];
        }
    }
    let mut lists = HashSet::new();
    for &root in roots {
        for i in root + 1..=doc.end[root] {
            if doc.element(i).is_none() || chars[i] == 0 {
                continue;
            }
            let density = link_chars[i] as f64 / chars[i] as f64;
            if density > 0.5 && anchors[i] >= 3 {
                lists.insert(i);
            }
        }
    }
    lists
}

// ---------------------------------------------------------------------------------
// The body: the content's blocks, filtered line by line.

struct Body {
    paragraphs: Vec<String>,
    /// Index in the page's blocks of the first and last paragraph kept.
    first_block: Option<usize>,
    last_block: Option<usize>,
    /// Metadata lines found inside the content (a header above the text, an editor
    /// line below it).
    meta: Meta,
}

/// `headings` are the keys of the headline and subtitle, which the content may repeat
/// above the text.
fn assemble_body(
    doc: &Doc,
    blocks: &[Block],
    content: &Content,
    headings: [Option<&str>; 2],
) -> Body {
    let mut body = Body {
        paragraphs: Vec::new(),
        first_block: None,
        last_block: None,
        meta: Meta::default(),
    };
    for (index, block) in blocks.iter().enumerate() {
        if block.context.furniture || !content.holds(doc, block) {
            continue;
        }
        let text = block.text.as_str();
        let norm = normalize_str(text);
        let compact_text = compact(&norm);
        if compact_text.is_empty() || is_widget(&compact_text) {
            continue;
        }
        let started = !body.paragraphs.is_empty();
        if !started
            && headings
                .iter()
                .flatten()
                .any(|t| is_title_repeat(&compact_text, t))
        {
            continue;
        }
        if is_footer_start(&compact_text) || is_end_marker(&compact_text) {
            if started {
                break;
            }
            continue;
        }
        match parse_meta_line(text) {
            // Inside the text, a line that is only a date belongs to the text (a
            // timeline, a signature), and says nothing about when it was published.
            Some(line_meta)
                if started
                    && line_meta.date.is_some()
                    && Meta {
                        date: None,
                        ..line_meta.clone()
                    }
                    .is_empty() => {}
            Some(mut line_meta) => {
                let ends_article = started && line_meta.editor.is_some();
                if started {
                    line_meta.date = None;
                }
                body.meta.fill_from(line_meta);
                if ends_article {
                    break;
                }
                continue;
            }
            None => {}
        }
        if block.link_density() > 0.5 && block.chars - block.link_chars < 20 {
            continue;
        }
        if body.first_block.is_none() {
            body.first_block = Some(index);
        }
        body.last_block = Some(index);
        body.paragraphs.push(text.to_string());
    }
    strip_trailing_metadata(&mut body.paragraphs, &mut body.meta);
    body
}

impl Content {
    /// Whether the block belongs to the content: inside one of its roots, and not
    /// inside a list of links within it (a related-articles box in the text column).
    fn holds(&self, doc: &Doc, block: &Block) -> bool {
        let owner = block.context.owner;
        let Some(&root) = self.roots.iter().find(|&&r| doc.contains(r, owner)) else {
            return false;
        };
        let mut at = Some(owner);
        let mut steps = 0;
        while let Some(node) = at {
            if node == root || steps > 64 {
                break;
            }
            if self.link_lists.contains(&node) {
                return false;
            }
            steps += 1;
            at = doc.nodes[node].parent;
        }
        true
    }
}

/// The key headlines are compared by: normalised, without whitespace.
fn key(text: &str) -> String {
    compact(&normalize_str(text))
}

/// A block repeating the headline (maybe with a site name or media marker around it).
fn is_title_repeat(compact_text: &str, title_key: &str) -> bool {
    !title_key.is_empty()
        && compact_text.contains(title_key)
        && compact_text.chars().count() <= title_key.chars().count() + 20
}

// ---------------------------------------------------------------------------------
// The headline.

struct TitleChoice {
    text: Option<String>,
    /// The block that shows the headline on the page, when one does.
    block: Option<usize>,
}

/// Chooses the headline. Most news sites write `<title>` as the headline plus site
/// and channel names, and show the headline alone in a heading: a heading that the
/// `<title>` contains is the headline, without any guessing about suffixes.
fn choose_title(blocks: &[Block], head: &HeadMeta) -> TitleChoice {
    let doc_title = head
        .title
        .as_deref()
        .map(collapse_spaces)
        .unwrap_or_default();
    let doc_key = key(&strip_media_markers(&doc_title));
    let cleaned_doc_title = clean_headline(&doc_title);
    let cleaned_key_len = key(&cleaned_doc_title).chars().count();
    let cleaned_key = key(&cleaned_doc_title);

    let mut best: Option<(usize, String, usize)> = None;
    for (i, block) in blocks.iter().enumerate() {
        let heading = block.context.heading.is_some_and(|level| level <= 3);
        if !(heading || block.context.titled) || block.chars > MAX_TITLE_CHARS {
            continue;
        }
        let text = strip_media_markers(&collapse_spaces(&block.text));
        let k = key(&text);
        let len = k.chars().count();
        if len < 2 || doc_key.is_empty() {
            continue;
        }
        let confirmed = doc_key.contains(&k)
            || (cleaned_key_len >= 6 && k.contains(&cleaned_key) && len <= 2 * cleaned_key_len);
        // A site logo in an <h1> is contained in <title> too, but is short.
        if confirmed && len * 2 >= cleaned_key_len && best.as_ref().is_none_or(|b| len > b.2) {
            best = Some((i, text, len));
        }
    }
    if let Some((block, text, _)) = best {
        return TitleChoice {
            text: Some(text),
            block: Some(block),
        };
    }

    let site = head.site_name().map(|s| key(&s));
    let stated = head
        .headline()
        .map(|t| clean_headline(&t))
        .filter(|t| key(t).chars().count() >= 2 && site.as_deref() != Some(key(t).as_str()));
    if let Some(text) = stated {
        let k = key(&text);
        let block = blocks
            .iter()
            .position(|b| b.chars <= MAX_TITLE_CHARS && is_title_repeat(&key(&b.text), &k));
        return TitleChoice {
            text: Some(text),
            block,
        };
    }

    let h1 = blocks.iter().position(|b| {
        b.context.heading == Some(1) && !b.context.furniture && (2..=80).contains(&b.chars)
    });
    if let Some(i) = h1 {
        return TitleChoice {
            text: Some(strip_media_markers(&collapse_spaces(&blocks[i].text))),
            block: Some(i),
        };
    }
    if !cleaned_doc_title.is_empty() {
        let k = key(&cleaned_doc_title);
        let block = blocks
            .iter()
            .position(|b| b.chars <= MAX_TITLE_CHARS && is_title_repeat(&key(&b.text), &k));
        return TitleChoice {
            text: Some(cleaned_doc_title),
            block,
        };
    }
    TitleChoice {
        text: None,
        block: None,
    }
}

/// The sub-headline just below the headline: a block marked as a subtitle by its
/// class, or a short heading or line that starts with a dash (`——记…`).
fn subtitle_after(blocks: &[Block], title_block: usize) -> Option<String> {
    let block = blocks.get(title_block + 1)?;
    let text = collapse_spaces(&block.text);
    let dashed = text.starts_with(['—', '─', '―', '－', '-', '–']);
    let marked = block.context.subtitled || (dashed && block.context.heading.is_some());
    let short = (2..=100).contains(&block.chars) && !text.ends_with(['。', '，', '：', ':']);
    let furniture = block.context.furniture && !block.context.subtitled;
    if !(short && (marked || (dashed && block.chars <= 60))) || furniture {
        return None;
    }
    let subtitle = text
        .trim_start_matches(['—', '─', '―', '－', '-', '–', ' ', '\u{3000}'])
        .trim()
        .to_string();
    (subtitle.chars().count() >= 2).then_some(subtitle)
}

// ---------------------------------------------------------------------------------
// Metadata stated around the article.

struct HeaderMeta {
    meta: Meta,
    /// When the page was updated (`更新时间`), the date of last resort.
    updated: Option<Date>,
    /// The publication date stated near the headline.
    date: Option<Date>,
}

static UPDATED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:更新时间|最后更新|更新于|修改时间|更新日期)\s*[:]?\s*").expect("valid regex")
});

/// The lines between the headline and the body: date, source, byline.
fn header_meta(
    doc: &Doc,
    blocks: &[Block],
    title_block: Option<usize>,
    first_body: usize,
) -> HeaderMeta {
    let first_body = first_body.min(blocks.len());
    let range = match title_block {
        Some(t) if t < first_body => t + 1..first_body.min(t + 1 + HEADER_SCAN_BLOCKS),
        Some(t) => t + 1..(t + 1 + 10).min(blocks.len()),
        None => first_body.saturating_sub(10)..first_body,
    };
    let mut header = HeaderMeta {
        meta: Meta::default(),
        updated: None,
        date: None,
    };
    for block in &blocks[range.clone()] {
        if block.chars > 200 {
            continue;
        }
        let line_meta = read_meta_block(block);
        header.meta.fill_from(line_meta);
        if header.updated.is_none() {
            let norm = normalize_str(&block.text);
            if let Some(m) = UPDATED.find(&norm) {
                header.updated = find_date(&norm[m.end()..]).map(|(d, _)| d);
            }
        }
    }
    header.date = header.meta.date;

    // Sites that mark fields by class instead of a label: `<a class="source">新华网</a>`,
    // `<span class="author">张三</span>`. Only elements between the headline and the
    // body count, in document order.
    if !range.is_empty() && (header.meta.source.is_none() || header.meta.author.is_none()) {
        let from = blocks[range.start].context.owner;
        let to = blocks
            .get(first_body)
            .map_or(doc.nodes.len(), |b| b.context.owner);
        for i in from..to.min(doc.nodes.len()) {
            let Some(e) = doc.element(i) else {
                continue;
            };
            let (source_hint, author_hint) = (is_source_hint(&e.hints), is_author_hint(&e.hints));
            if !(source_hint || author_hint) {
                continue;
            }
            let text = doc.text_of(i);
            if text.is_empty() || text.chars().count() > 40 {
                continue;
            }
            let labelled = parse_meta_line(&text);
            if source_hint && header.meta.source.is_none() {
                header.meta.source = match &labelled {
                    Some(m) => m.source.as_deref().and_then(clean_source),
                    None => clean_source(&text),
                };
            }
            if author_hint && header.meta.author.is_none() {
                header.meta.author = match &labelled {
                    Some(m) => m.author.clone(),
                    None => clean_people(cut_at_separator(&text)),
                };
            }
        }
    }
    header
}

/// The lines just after the body: `责任编辑：…`, `（来源：…）`.
fn footer_meta(blocks: &[Block], last_body: Option<usize>) -> Meta {
    let mut meta = Meta::default();
    let Some(last) = last_body else {
        return meta;
    };
    for block in blocks.iter().skip(last + 1).take(FOOTER_SCAN_BLOCKS) {
        if block.chars > 100 {
            continue;
        }
        let mut line_meta = read_meta_block(block);
        // Dates below the text belong to the related articles listed there.
        line_meta.date = None;
        meta.fill_from(line_meta);
    }
    meta
}

/// Reads a short block as metadata: each inline piece on its own first (fields often sit
/// in separate `<span>`s), then the whole line (a label and its value may be split).
fn read_meta_block(block: &Block) -> Meta {
    let mut meta = Meta::default();
    let pieces: Vec<&str> = block.meta_text.split(" | ").collect();
    // The editor field is the responsible editor: `编辑：甲 | 责任编辑：乙` names 乙.
    let responsible = |p: &&&str| {
        let norm = normalize_str(p);
        norm.contains("责任编辑") || norm.contains("责编")
    };
    for piece in pieces.iter().filter(responsible).chain(pieces.iter()) {
        if let Some(m) = parse_meta_line(piece) {
            meta.fill_from(m);
        }
    }
    for line in [block.meta_text.as_str(), block.text.as_str()] {
        if let Some(m) = parse_meta_line(line) {
            meta.fill_from(m);
        }
    }
    meta.source = meta.source.and_then(|s| clean_source(&s));
    meta.author = meta.author.and_then(|a| clean_people(cut_at_separator(&a)));
    meta.editor = meta.editor.and_then(|e| clean_people(cut_at_separator(&e)));
    meta
}

/// Ends a value at the next field: a `|`, a wide gap, or a date.
fn cut_at_separator(value: &str) -> &str {
    let mut end = value.len();
    for separator in ["|", "｜", "  ", "\u{3000}", "\u{a0}"] {
        if let Some(at) = value.find(separator) {
            end = end.min(at);
        }
    }
    let value = &value[..end];
    let norm = normalize_str(value);
    match find_date(&norm) {
        // Normalisation keeps character counts, so the cut maps back through them.
        Some((_, range)) if norm.chars().count() == value.chars().count() => {
            let chars = norm[..range.start].chars().count();
            let at = value
                .char_indices()
                .nth(chars)
                .map_or(value.len(), |(i, _)| i);
            &value[..at]
        }
        _ => value,
    }
}

fn clean_source(value: &str) -> Option<String> {
    let value = cut_at_separator(value)
        .trim_matches(|c: char| c.is_whitespace() || "|｜:：,，;；、。()（）[]【】".contains(c));
    let n = value.chars().count();
    let plausible = (1..=30).contains(&n) && !value.contains(['。', '！', '？', '!', '?']);
    plausible.then(|| value.to_string())
}

// ---------------------------------------------------------------------------------
// Metadata in the markup: <title>, <meta>, <link rel=canonical>, JSON-LD, microdata.

#[derive(Default)]
struct HeadMeta {
    title: Option<String>,
    /// `(name, content)` of every `<meta>`, names lowercased, in page order.
    metas: Vec<(String, String)>,
    canonical: Option<String>,
    json_ld: JsonLd,
    /// `itemprop` values: headline, datePublished, author.
    microdata: Vec<(String, String)>,
    time_element_date: Option<Date>,
}

#[derive(Default)]
struct JsonLd {
    headline: Option<String>,
    date_published: Option<String>,
    date_modified: Option<String>,
    author: Option<String>,
    publisher: Option<String>,
}

/// Selectors are constants; parsing them cannot fail.
fn selector(css: &str) -> Selector {
    Selector::parse(css).expect("valid selector")
}

static TITLE_SELECTOR: LazyLock<Selector> = LazyLock::new(|| selector("title"));
static META_SELECTOR: LazyLock<Selector> = LazyLock::new(|| selector("meta"));
static LINK_SELECTOR: LazyLock<Selector> = LazyLock::new(|| selector("link[rel][href]"));
static SCRIPT_SELECTOR: LazyLock<Selector> = LazyLock::new(|| selector("script"));
static TIME_SELECTOR: LazyLock<Selector> = LazyLock::new(|| selector("time"));
static ITEMPROP_SELECTOR: LazyLock<Selector> = LazyLock::new(|| selector("[itemprop]"));

impl HeadMeta {
    fn read(parsed: &Html) -> HeadMeta {
        let mut head = HeadMeta {
            // An <svg> has <title>s of its own (icon names), never the page's.
            title: parsed
                .select(&TITLE_SELECTOR)
                .filter(|t| {
                    !t.ancestors().any(|a| {
                        a.value()
                            .as_element()
                            .is_some_and(|e| e.name().eq_ignore_ascii_case("svg"))
                    })
                })
                .map(|t| collapse_spaces(&t.text().collect::<String>()))
                .find(|t| !t.is_empty()),
            ..HeadMeta::default()
        };
        for meta in parsed.select(&META_SELECTOR) {
            let Some(content) = meta.attr("content") else {
                continue;
            };
            let content = collapse_spaces(content);
            if content.is_empty() {
                continue;
            }
            for attr in ["name", "property", "itemprop", "http-equiv"] {
                if let Some(name) = meta.attr(attr) {
                    head.metas
                        .push((name.trim().to_lowercase(), content.clone()));
                }
            }
        }
        for link in parsed.select(&LINK_SELECTOR) {
            let rel = link.attr("rel").unwrap_or_default().to_ascii_lowercase();
            if head.canonical.is_none() && rel.split_whitespace().any(|r| r == "canonical") {
                head.canonical = link.attr("href").map(|h| h.trim().to_string());
            }
        }
        for script in parsed.select(&SCRIPT_SELECTOR) {
            let is_json_ld = script
                .attr("type")
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"));
            if is_json_ld {
                let text: String = script.text().collect();
                if let Ok(value) = serde_json::from_str::<serde_json::Value>(text.trim()) {
                    head.json_ld.read(&value);
                }
            }
        }
        for time in parsed.select(&TIME_SELECTOR) {
            let value = time
                .attr("datetime")
                .map(str::to_string)
                .unwrap_or_else(|| time.text().collect());
            if let Some(date) = parse_date_text(&value) {
                head.time_element_date = Some(date);
                break;
            }
        }
        for item in parsed.select(&ITEMPROP_SELECTOR) {
            let Some(prop) = item.attr("itemprop") else {
                continue;
            };
            let prop = prop.trim().to_ascii_lowercase();
            if !["headline", "datepublished", "author", "name"].contains(&prop.as_str()) {
                continue;
            }
            if prop == "name" {
                // Only the name of an author object.
                continue;
            }
            let value = item
                .attr("content")
                .or_else(|| item.attr("datetime"))
                .map(str::to_string)
                .unwrap_or_else(|| collapse_spaces(&item.text().collect::<String>()));
            if !value.is_empty() && value.chars().count() <= 200 {
                head.microdata.push((prop, value));
            }
        }
        head
    }

    fn meta(&self, names: &[&str]) -> Option<&str> {
        names.iter().find_map(|name| {
            self.metas
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, c)| c.as_str())
        })
    }

    fn microdata(&self, prop: &str) -> Option<&str> {
        self.microdata
            .iter()
            .find(|(p, _)| p == prop)
            .map(|(_, v)| v.as_str())
    }

    fn headline(&self) -> Option<String> {
        self.meta(&["og:title", "twitter:title"])
            .map(str::to_string)
            .or_else(|| self.json_ld.headline.clone())
            .or_else(|| self.microdata("headline").map(str::to_string))
            .or_else(|| {
                self.meta(&["title", "headline", "articletitle"])
                    .map(str::to_string)
            })
    }

    /// The publication date the markup states.
    fn published_date(&self) -> Option<Date> {
        const PUBLISHED: &[&str] = &[
            "article:published_time",
            "og:article:published_time",
            "og:published_time",
            "article:published",
            "published_time",
            "publish_time",
            "publishdate",
            "publish_date",
            "publish-date",
            "pubdate",
            "pubtime",
            "publishtime",
            "datepublished",
            "dc.date.issued",
            "dcterms.issued",
            "dc.date",
            "dcterms.date",
            "dc.date.created",
            "sailthru.date",
            "parsely-pub-date",
            "og:release_date",
            "release_date",
            "weibo:article:create_at",
            "date",
        ];
        PUBLISHED
            .iter()
            .find_map(|name| self.meta(&[name]).and_then(parse_date_text))
            .or_else(|| {
                self.json_ld
                    .date_published
                    .as_deref()
                    .and_then(parse_date_text)
            })
            .or_else(|| self.microdata("datepublished").and_then(parse_date_text))
    }

    fn modified_date(&self) -> Option<Date> {
        const MODIFIED: &[&str] = &[
            "article:modified_time",
            "og:updated_time",
            "datemodified",
            "dc.date.modified",
            "lastmod",
            "last-modified",
        ];
        MODIFIED
            .iter()
            .find_map(|name| self.meta(&[name]).and_then(parse_date_text))
            .or_else(|| {
                self.json_ld
                    .date_modified
                    .as_deref()
                    .and_then(parse_date_text)
            })
    }

    /// The outlet the markup names for this article (`<meta name="source">`).
    fn stated_source(&self) -> Option<String> {
        let value = self.meta(&["source", "article:source", "contentsource", "来源"])?;
        if let Some(source) = parse_meta_line(value).and_then(|m| m.source) {
            return clean_source(&source);
        }
        if value.starts_with("http") {
            return None;
        }
        clean_source(value)
    }

    /// The site's own name.
    fn site_name(&self) -> Option<String> {
        self.meta(&["og:site_name"])
            .map(str::to_string)
            .or_else(|| self.json_ld.publisher.clone())
            .and_then(|s| clean_source(&s))
    }

    /// The writer the markup names, unless it names the site or the outlet.
    fn stated_author(&self, source: Option<&str>) -> Option<String> {
        let candidates = [
            self.json_ld.author.as_deref(),
            self.microdata("author"),
            self.meta(&[
                "author",
                "article:author",
                "dc.creator",
                "byl",
                "sailthru.author",
            ]),
        ];
        let site = self.site_name();
        candidates.into_iter().flatten().find_map(|value| {
            let value = value.trim();
            if value.contains("://") || value.starts_with("www.") || looks_like_site(value) {
                return None;
            }
            let people = clean_people(value)?;
            let same_as = |other: Option<&str>| other.is_some_and(|o| key(o) == key(&people));
            (!same_as(source) && !same_as(site.as_deref())).then_some(people)
        })
    }
}

impl JsonLd {
    /// Reads the article fields from JSON-LD: the first object of an article type
    /// (or any object, for the date and headline) found in the value, `@graph` and
    /// arrays included. The walk keeps its own stack and stops at a fixed depth.
    fn read(&mut self, value: &serde_json::Value) {
        let mut stack: Vec<(&serde_json::Value, usize)> = vec![(value, 0)];
        while let Some((value, depth)) = stack.pop() {
            if depth > 6 {
                continue;
            }
            match value {
                serde_json::Value::Array(items) => {
                    stack.extend(items.iter().rev().map(|v| (v, depth + 1)));
                }
                serde_json::Value::Object(object) => {
                    let text = |name: &str| {
                        object
                            .get(name)
                            .and_then(|v| v.as_str())
                            .map(collapse_spaces)
                            .filter(|s| !s.is_empty())
                    };
                    if self.headline.is_none() {
                        self.headline = text("headline");
                    }
                    if self.date_published.is_none() {
                        self.date_published = text("datePublished").or_else(|| text("dateCreated"));
                    }
                    if self.date_modified.is_none() {
                        self.date_modified = text("dateModified");
                    }
                    if self.author.is_none() {
                        self.author = object.get("author").and_then(person_names);
                    }
                    if self.publisher.is_none() {
                        self.publisher = object.get("publisher").and_then(person_names);
                    }
                    if let Some(graph) = object.get("@graph") {
                        stack.push((graph, depth + 1));
                    }
                }
                _ => {}
            }
        }
    }
}

/// The people (or organisation) a JSON-LD value names, as `张三、李四`.
fn person_names(value: &serde_json::Value) -> Option<String> {
    field_text(value).map(|names| collapse_spaces(&names))
}

/// A date written in a meta value or attribute, read as every format reads a date
/// field ([`parse_field_date`]: `2022-05-16T23:30:00Z` is 2022-05-17). Years before
/// 1900 are template placeholders, not dates.
fn parse_date_text(value: &str) -> Option<Date> {
    let value: String = value.chars().take(64).collect();
    parse_field_date(&value).filter(|d| d.year() >= 1900)
}

// ---------------------------------------------------------------------------------
// The address.

/// The page's address: the canonical link, `og:url`, or the address it was fetched from.
fn choose_url(head: &HeadMeta, url: Option<&str>) -> Option<String> {
    let given = url.map(str::trim).filter(|u| !u.is_empty());
    [head.canonical.as_deref(), head.meta(&["og:url"])]
        .into_iter()
        .flatten()
        .find_map(|candidate| absolute_url(candidate.trim(), given))
        .or_else(|| given.map(str::to_string))
}

/// An absolute http(s) address for `href`, resolved against `base` when it is
/// relative. The site's home page is refused: templates that put it in every page's
/// canonical link would give all articles one address.
fn absolute_url(href: &str, base: Option<&str>) -> Option<String> {
    let scheme_of = |u: &str| u.split_once("://").map(|(s, _)| s.to_string());
    let resolved = if href.starts_with("http://") || href.starts_with("https://") {
        href.to_string()
    } else if let Some(rest) = href.strip_prefix("//") {
        let scheme = base
            .and_then(scheme_of)
            .unwrap_or_else(|| "https".to_string());
        format!("{scheme}://{rest}")
    } else if href.starts_with('/') {
        let base = base?;
        let (scheme, rest) = base.split_once("://")?;
        let host = rest.split('/').next()?;
        format!("{scheme}://{host}{href}")
    } else {
        return None;
    };
    let after_scheme = resolved.split_once("://").map_or("", |(_, r)| r);
    let path = after_scheme.split_once('/').map_or("", |(_, p)| p);
    let is_home = path.trim_matches('/').is_empty()
        || ["index.html", "index.htm", "index.shtml"].contains(&path.trim_matches('/'));
    (!is_home && !resolved.contains(char::is_whitespace)).then_some(resolved)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn extract(html: &str, url: Option<&str>) -> Article {
        extract_html_page(html, url).unwrap_or_else(|e| panic!("{e}: {html}"))
    }

    fn date(a: &Article) -> Option<String> {
        a.date.map(|d| d.to_string())
    }

    /// A portal page: navigation, headline, info line, text, share bar, related news,
    /// footer — the layout of most Chinese news sites.
    const PORTAL: &str = r#"<!DOCTYPE html>
<html><head>
<meta charset="utf-8">
<title>吉林粮食生产再获丰收_地方频道_新华网</title>
<meta name="keywords" content="粮食,吉林">
<link rel="canonical" href="http://www.example.com.cn/local/2022-05/17/c_1128654321.htm">
</head><body>
<div class="top-nav"><a href="/">首页</a> | <a href="/politics/">时政</a> | <a href="/local/">地方</a> | <a href="/world/">国际</a></div>
<div class="header"><div class="logo"><a href="/">新华网</a></div></div>
<div class="crumbs"><a href="/">首页</a> &gt; <a href="/local/">地方</a> &gt; 正文</div>
<div class="main">
  <div class="h-title"><h1>吉林粮食生产再获丰收</h1></div>
  <div class="h-info"><span class="h-time">2022-05-17 08:30:12</span>
    <span>来源：<em>吉林日报</em></span></div>
  <div class="share">分享到：<a>微信</a><a>微博</a><a>QQ空间</a></div>
  <div id="detail">
    <p>　　新华社长春5月17日电（记者 孙翠翠）记者从吉林省农业农村厅获悉，今年全省粮食播种面积稳定在9000万亩以上，春播工作已基本结束。</p>
    <p>　　据介绍，今年吉林省推广保护性耕作技术，实施面积达到3000万亩，比去年增加500万亩。</p>
    <p><img src="/img/1.jpg"></p>
    <p>　　省农业农村厅负责人表示，将继续加强田间管理，确保粮食生产再获丰收。(完)</p>
    <p>【责任编辑：王五】</p>
  </div>
  <div class="related"><h3>相关新闻</h3>
    <ul><li><a href="/a.htm">长春：春耕生产有序推进</a> 2022-05-16</li>
        <li><a href="/b.htm">吉林出台措施稳定粮食生产</a> 2022-05-15</li>
        <li><a href="/c.htm">黑土地保护利用取得新进展</a> 2022-05-14</li></ul></div>
</div>
<div class="footer"><p>Copyright © 2000-2022 XINHUANET.com All rights reserved.</p>
<p>新华网版权所有，未经书面授权禁止使用 京ICP证010042号</p></div>
<script>var title = "不应出现在正文里";</script>
</body></html>"#;

    #[test]
    fn portal_layout() {
        let a = extract(PORTAL, None);
        assert_eq!(a.title.as_deref(), Some("吉林粮食生产再获丰收"));
        assert_eq!(date(&a).as_deref(), Some("2022-05-17"));
        assert_eq!(a.source.as_deref(), Some("吉林日报"));
        assert_eq!(a.author.as_deref(), Some("孙翠翠"));
        assert_eq!(a.editor.as_deref(), Some("王五"));
        assert_eq!(
            a.url.as_deref(),
            Some("http://www.example.com.cn/local/2022-05/17/c_1128654321.htm")
        );
        let paragraphs: Vec<&str> = a.body.split('\n').collect();
        assert_eq!(paragraphs.len(), 3, "{}", a.body);
        assert!(
            paragraphs[0].starts_with("新华社长春5月17日电"),
            "{}",
            a.body
        );
        assert!(
            paragraphs[2].ends_with("确保粮食生产再获丰收。"),
            "{}",
            a.body
        );
        for furniture in [
            "首页",
            "分享",
            "相关新闻",
            "长春：春耕",
            "版权所有",
            "ICP",
            "不应出现",
        ] {
            assert!(!a.body.contains(furniture), "{furniture} in {}", a.body);
        }
    }

    #[test]
    fn headline_from_title_when_no_heading_matches() {
        let page = r#"<html><head><title>城市书房开进老街区 - 人民网</title></head><body>
            <div class="content"><p>周末的午后，老街区的城市书房里坐满了读者，孩子们在绘本区安静地翻书。</p>
            <p>这是今年新建的第五家城市书房，市民凭借书卡即可免费借阅。</p></div></body></html>"#;
        let a = extract(page, None);
        assert_eq!(a.title.as_deref(), Some("城市书房开进老街区"));
        assert_eq!(a.date, None);
        assert_eq!(a.source, None);
    }

    #[test]
    fn meta_tags_and_json_ld() {
        let page = r#"<html><head>
            <meta property="og:title" content="海外留学生看两会_教育频道_中国青年网">
            <meta property="og:site_name" content="中国青年网">
            <meta name="author" content="中国青年网">
            <script type="application/ld+json">{"@context":"https://schema.org","@graph":[
              {"@type":"NewsArticle","headline":"海外留学生看两会","datePublished":"2017-03-10T09:12:00+08:00",
               "author":[{"@type":"Person","name":"崔宁宁"}],"publisher":{"@type":"Organization","name":"中国青年网"}}]}</script>
            </head><body><article><p>出国前后关注点大不同，在采访中，我们了解到不少学子在出国前就每年守在电脑前观看两会直播。</p>
            <p>随着年龄和阅历的增长，学子对两会的关注点在出国前后发生了很大的变化。</p></article></body></html>"#;
        let a = extract(page, None);
        assert_eq!(a.title.as_deref(), Some("海外留学生看两会"));
        assert_eq!(date(&a).as_deref(), Some("2017-03-10"));
        assert_eq!(a.author.as_deref(), Some("崔宁宁"));
        // No 来源 on the page: the site itself is the outlet.
        assert_eq!(a.source.as_deref(), Some("中国青年网"));
    }

    #[test]
    fn svg_titles_are_not_the_page_title() {
        let page = r#"<html><head></head><body><svg><title>关闭</title></svg>
            <div class="content"><p>正文第一段，说明了事情的经过，也给出了数字。</p></div></body></html>"#;
        assert_eq!(extract(page, None).title, None);
    }

    #[test]
    fn published_meta_beats_address_and_visible_date_beats_address() {
        let body = "<div class=\"article\"><p>今年以来，全省累计完成造林面积120万亩，森林覆盖率稳步提高。</p><p>下一步，将持续推进国土绿化行动。</p></div>";
        let page = format!(
            "<html><head><title>造林</title><meta name=\"publishdate\" content=\"2022-05-18\"></head><body>{body}</body></html>"
        );
        let a = extract(&page, Some("http://example.com/2022-05/17/c_1.htm"));
        assert_eq!(date(&a).as_deref(), Some("2022-05-18"));
        let page = format!(
            "<html><head><title>造林</title></head><body><h1>造林</h1><p>发布时间：2022年05月19日 10:00</p>{body}</body></html>"
        );
        let a = extract(&page, Some("http://example.com/2022-05/17/c_1.htm"));
        assert_eq!(date(&a).as_deref(), Some("2022-05-19"));
        let page = format!("<html><head><title>造林</title></head><body>{body}</body></html>");
        let a = extract(&page, Some("http://example.com/2022-05/17/c_1.htm"));
        assert_eq!(date(&a).as_deref(), Some("2022-05-17"));
    }

    #[test]
    fn old_table_layout_with_line_breaks() {
        let page = r#"<html><head><title>县里召开春耕生产会议--某某日报</title></head><body>
            <table width="100%"><tr><td class="nav"><a href="/">首页</a> <a href="/xw/">新闻</a> <a href="/zw/">政务</a> <a href="/fw/">服务</a></td></tr></table>
            <table width="760"><tr><td align="center"><font size="5"><b>县里召开春耕生产会议</b></font></td></tr>
            <tr><td align="center">日期：2019-03-08　　作者：张三　　来源：某某日报</td></tr>
            <tr><td class="text">　　3月7日，县里召开春耕生产工作会议，部署今年春耕生产工作。<br><br>
            　　会议要求，各乡镇要抓好农资供应，确保不误农时。<br>
            　　会议还对防汛抗旱工作作出安排。</td></tr></table>
            <table><tr><td>版权所有：某某日报社　备案号：京ICP备12345678号</td></tr></table>
            </body></html>"#;
        let a = extract(page, None);
        assert_eq!(a.title.as_deref(), Some("县里召开春耕生产会议"));
        assert_eq!(date(&a).as_deref(), Some("2019-03-08"));
        assert_eq!(a.author.as_deref(), Some("张三"));
        assert_eq!(a.source.as_deref(), Some("某某日报"));
        assert_eq!(
            a.body,
            "3月7日，县里召开春耕生产工作会议，部署今年春耕生产工作。\n会议要求，各乡镇要抓好农资供应，确保不误农时。\n会议还对防汛抗旱工作作出安排。"
        );
    }

    #[test]
    fn related_list_inside_the_text_column_and_comments_are_dropped() {
        let page = r#"<html><head><title>新能源汽车销量增长</title></head><body>
            <div class="article-content">
              <p>中国汽车工业协会数据显示，4月新能源汽车销量同比增长44.6%，市场占有率达到25%。</p>
              <p>业内人士认为，随着充电设施不断完善，新能源汽车市场还将保持较快增长。</p>
              <div><a href="/1">充电桩建设提速</a><a href="/2">电池回收体系建设</a><a href="/3">车企加快海外布局</a></div>
            </div>
            <div class="comment-list"><p>网友甲：这个增长速度很快啊，明年我也打算换一辆新能源车。</p>
            <p>网友乙：充电还是不太方便，希望小区里能多装一些充电桩。</p></div>
            </body></html>"#;
        let a = extract(page, None);
        assert!(a.body.ends_with("还将保持较快增长。"), "{}", a.body);
        assert!(!a.body.contains("充电桩建设提速"), "{}", a.body);
        assert!(!a.body.contains("网友"), "{}", a.body);
    }

    #[test]
    fn dates_inside_the_text_are_not_the_publication_date() {
        let page = r#"<html><head><title>大事记</title></head><body><div class="content">
            <p>这一年里，项目建设经历了几个关键节点，各方共同努力，克服了许多困难。</p>
            <p>2019年3月8日</p><p>项目正式开工，首批建设者进场。</p></div></body></html>"#;
        let a = extract(page, None);
        assert_eq!(a.date, None);
        assert!(a.body.contains("2019年3月8日"), "{}", a.body);
    }

    #[test]
    fn fields_marked_by_class_names() {
        // The portal style where the outlet is a link classed `source`, with no label.
        let page = r#"<html><head><title>央行发布数据 | 新浪财经</title>
            <meta property="article:published_time" content="2022-05-17T08:30:00+08:00"></head><body>
            <div class="top-bar"><a href="/">新浪首页</a><a href="/news">新闻</a><a href="/finance">财经</a></div>
            <h1 class="main-title">央行发布数据</h1>
            <div class="date-source"><span class="date">2022年05月17日 08:30</span>
              <a href="http://www.news.cn/" class="source">新华网</a></div>
            <div class="article" id="article">
              <p>　　新华社北京5月17日电 中国人民银行17日发布数据显示，4月末广义货币余额同比增长10.5%。</p>
              <p>　　数据显示，前四个月人民币贷款增加8.34万亿元。</p>
              <p class="article-editor">责任编辑：刘明</p>
            </div>
            <div class="article-bottom"><div class="tags">标签：<a>央行</a><a>货币</a><a>贷款</a></div></div>
            </body></html>"#;
        let a = extract(page, None);
        assert_eq!(a.title.as_deref(), Some("央行发布数据"));
        assert_eq!(date(&a).as_deref(), Some("2022-05-17"));
        assert_eq!(a.source.as_deref(), Some("新华网"));
        assert_eq!(a.editor.as_deref(), Some("刘明"));
        assert_eq!(a.body.split('\n').count(), 2, "{}", a.body);
    }

    #[test]
    fn wechat_style_article() {
        // An empty <title>, the headline in og:title and an <h1>, text in <section>s
        // and <span>s rather than paragraphs.
        let page = r#"<html><head><title></title>
            <meta property="og:title" content="一图读懂今年的惠农政策">
            <meta property="og:site_name" content="微信公众平台"></head><body>
            <div class="rich_media_inner"><h1 class="rich_media_title" id="activity-name">一图读懂今年的惠农政策</h1>
            <div class="rich_media_meta_list"><span class="rich_media_meta rich_media_meta_nickname" id="profileBt">某某农业农村</span>
              <em id="publish_time" class="rich_media_meta rich_media_meta_text">2023-03-02 18:00</em></div>
            <div class="rich_media_content" id="js_content">
              <section><span>今年，中央财政继续加大对农业的支持力度，耕地地力保护补贴直接发放给农民。</span></section>
              <section><span>同时，稻谷、小麦最低收购价保持稳定，玉米大豆生产者补贴继续实施。</span></section>
              <section><span>预览时标签不可点</span></section>
            </div></div>
            <div class="qr_code_pc"><p>微信扫一扫<br>关注该公众号</p></div>
            </body></html>"#;
        let a = extract(page, None);
        assert_eq!(a.title.as_deref(), Some("一图读懂今年的惠农政策"));
        assert_eq!(date(&a).as_deref(), Some("2023-03-02"));
        assert!(a.body.starts_with("今年，中央财政"), "{}", a.body);
        assert!(!a.body.contains("扫一扫"), "{}", a.body);
    }

    #[test]
    fn government_site_layout_with_subtitle() {
        let page = r#"<html><head><title>关于做好春耕工作的通知_某某省人民政府网</title>
            <meta name="PubDate" content="2021-03-08 10:00"><meta name="ContentSource" content="省农业农村厅"></head><body>
            <div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a></div>
            <div class="article">
              <h1>关于做好春耕工作的通知</h1>
              <h2 class="sub-title">——各地要抓好农资供应和技术服务</h2>
              <div class="pages-date">2021-03-08 10:00 <span class="font">来源：省农业农村厅</span></div>
              <div class="pages_content"><div class="TRS_Editor">
                <p>各市（州）农业农村局：</p>
                <p>为切实做好今年春耕生产工作，现将有关事项通知如下。</p>
                <p>一、抓好农资供应。各地要加强农资市场监管，保障化肥、种子、农药供应充足。</p>
              </div></div>
              <div class="pages_print"><a href="javascript:window.print()">【打印】</a> <a href="javascript:window.close()">【关闭】</a></div>
            </div></body></html>"#;
        let a = extract(page, None);
        assert_eq!(a.title.as_deref(), Some("关于做好春耕工作的通知"));
        assert_eq!(a.subtitle.as_deref(), Some("各地要抓好农资供应和技术服务"));
        assert_eq!(date(&a).as_deref(), Some("2021-03-08"));
        assert_eq!(a.source.as_deref(), Some("省农业农村厅"));
        assert!(a.body.starts_with("各市（州）农业农村局："), "{}", a.body);
        assert!(!a.body.contains("打印"), "{}", a.body);
        assert!(!a.body.contains("各地要抓好农资"), "{}", a.body);
    }

    #[test]
    fn paragraphs_written_as_divs() {
        // One long paragraph must not make its own <div> the article.
        let page = r#"<html><head><title>城市更新</title></head><body><div class="wrap">
            <div class="box"><div>老城区改造启动以来，已有一百多个小区完成了管网更新、外墙保温和加装电梯等工程，居民的居住条件明显改善，不少老人说，终于不用再爬楼梯了，出门买菜、看病方便多了。</div>
            <div>下一步将继续推进。</div>
            <div>改造资金由财政补助和居民自筹共同承担。</div></div>
            <div class="sidebar-content"><div>热点：本市今年将新建二十所学校，增加学位一万余个，缓解入学压力。</div>
            <div>热点：地铁三号线年底通车，沿线居民出行将更加便捷，通勤时间大大缩短。</div></div>
            </div></body></html>"#;
        let a = extract(page, None);
        assert_eq!(a.body.split('\n').count(), 3, "{}", a.body);
        assert!(a.body.ends_with("共同承担。"), "{}", a.body);
        assert!(!a.body.contains("热点"), "{}", a.body);
    }

    #[test]
    fn source_line_split_over_spans() {
        let page = r#"<html><head><title>标题一</title></head><body>
            <h1>标题一</h1>
            <div class="info"><span>来源：</span><a href="http://www.people.com.cn">人民网</a><span class="time">2023-06-01 10:20</span></div>
            <div class="content"><p>这是正文的第一段，内容足够长，包含了逗号，也包含了句号。</p><p>这是正文的第二段。</p></div>
            </body></html>"#;
        let a = extract(page, None);
        assert_eq!(a.source.as_deref(), Some("人民网"));
        assert_eq!(date(&a).as_deref(), Some("2023-06-01"));
    }

    #[test]
    fn broken_markup_does_not_hide_the_article() {
        // The navigation's <div> is never closed, so the whole page sits inside it.
        let page = r#"<html><head><title>标题二</title></head><body>
            <div class="top-nav"><a href="/">首页</a><a href="/a">新闻</a>
            <div class="content"><p>正文第一段写在这里，说明情况，提供细节，给出数字12.5%。</p>
            <p>正文第二段写在这里，继续说明，引用了“专家”的看法。</p></div>
            </body></html>"#;
        let a = extract(page, None);
        assert!(a.body.starts_with("正文第一段"), "{}", a.body);
        assert!(!a.body.contains("首页"), "{}", a.body);
    }

    #[test]
    fn pages_without_article_text_are_errors() {
        for page in [
            "",
            "<html></html>",
            "<html><body><div class=\"nav\"><a href=\"/\">首页</a></div></body></html>",
            "<script>var a = 1;</script>",
        ] {
            assert!(extract_html_page(page, None).is_err(), "{page}");
        }
    }

    #[test]
    fn deep_nesting_and_huge_inputs_do_not_overflow() {
        let nested = |depth: usize| {
            format!(
                "<html><body>{}<p>深处的正文，仍然可以读出来。</p>{}</body></html>",
                "<div>".repeat(depth),
                "</div>".repeat(depth)
            )
        };
        let a = extract(&nested(3_000), None);
        assert_eq!(a.body, "深处的正文，仍然可以读出来。");
        let started = std::time::Instant::now();
        assert!(extract_html_page(&nested(200_000), None).is_err());
        assert!(started.elapsed().as_secs() < 5);
        // Unclosed paragraphs and line breaks are not nesting.
        let page = format!(
            "<div class=\"content\">{}</div>",
            "<p>一段话，又一段话。<br>".repeat(20_000)
        );
        assert!(extract_html_page(&page, None).is_ok());
        let page = format!("<p>{}</p>", "很长的一段文字，".repeat(200_000));
        let a = extract(&page, None);
        assert!(a.body.chars().count() > 1_000_000);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn arbitrary_text_never_panics(text in ".{0,400}", url in proptest::option::of(".{0,60}")) {
            let _ = extract_html_page(&text, url.as_deref());
        }

        #[test]
        fn arbitrary_markup_never_panics(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just("<div class=\"content\">".to_string()),
                    Just("</div>".to_string()),
                    Just("<p>".to_string()),
                    Just("</p>".to_string()),
                    Just("<br>".to_string()),
                    Just("<a href=\"/x\">".to_string()),
                    Just("</a>".to_string()),
                    Just("<h1>".to_string()),
                    Just("<title>".to_string()),
                    Just("<script type=\"application/ld+json\">{\"headline\":".to_string()),
                    Just("<meta name=\"pubdate\" content=\"2022-05-17\">".to_string()),
                    Just("来源：".to_string()),
                    Just("2022年5月17日".to_string()),
                    Just("（责任编辑：王五）".to_string()),
                    "[\\u{0}-\\u{ffff}]{0,12}",
                ],
                0..60,
            ),
        ) {
            let _ = extract_html_page(&parts.concat(), Some("http://example.com/2022/05/17/a.html"));
        }
    }
}
