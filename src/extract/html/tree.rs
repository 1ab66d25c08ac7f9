//! The document tree: the parsed page copied into a flat tree in document order,
//! without scripts, styles, form controls and hidden elements; elements that are site
//! furniture by their tag or class/id are marked, not deleted.
//!
//! This module owns parsing (and refusing markup nested too deep to parse) and the
//! tree; it must not judge the text (blocks, content and metadata do).

use super::blocks::is_sentence_punct;
use super::hints::hint_weight;
use crate::extract::headline::collapse_spaces;
use scraper::{Html, Node};
use std::collections::HashMap;

/// Elements whose content is never page text.
const SKIPPED_TAGS: &[&str] = &[
    "head", "script", "style", "noscript", "template", "iframe", "object", "embed", "svg",
    "canvas", "math", "select", "option", "textarea", "button", "input", "video", "audio", "map",
    "title", "meta", "link", "frameset", "frame", "dialog",
];

/// Elements that start and end a paragraph. Everything else is inline.
pub(super) const BLOCK_TAGS: &[&str] = &[
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

/// Elements that are site furniture by their tag alone.
/// A `<figcaption>` describes an image rather than telling the story; captions written
/// as paragraphs of the text stay.
const FURNITURE_TAGS: &[&str] = &["nav", "footer", "aside", "header", "menu", "figcaption"];

/// Pages whose tags nest deeper than this are refused rather than parsed.
pub(super) const MAX_NESTING: usize = 10_000;

/// Elements that never stay open (void elements) or that the parser closes by itself
/// when the next one starts; they do not deepen the tree.
const NON_NESTING_TAGS: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "p", "li", "td", "th", "tr", "dt", "dd", "option", "!doctype",
];

/// How deep the page's tags nest, counted cheaply from the tags alone (script and
/// style contents skipped), without building a tree.
pub(super) fn nesting_estimate(html: &str) -> usize {
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

pub(super) struct Element {
    pub(super) tag: String,
    /// Lowercased `id` and `class`, for the furniture and content hints.
    pub(super) hints: String,
    /// Marked as site furniture by its tag or its class/id.
    pub(super) furniture: bool,
}

pub(super) enum Data {
    Root,
    Element(Element),
    Text(String),
}

pub(super) struct DocNode {
    pub(super) parent: Option<usize>,
    pub(super) children: Vec<usize>,
    pub(super) data: Data,
}

/// The page's elements and texts in document (pre-)order, so that a subtree is the
/// index range `i..=end[i]` and children always come after their parent.
pub(super) struct Doc {
    pub(super) nodes: Vec<DocNode>,
    /// The last index inside each node's subtree.
    pub(super) end: Vec<usize>,
    /// Whether a block-level element is inside the node.
    pub(super) holds_blocks: Vec<bool>,
}

impl Doc {
    pub(super) fn build(parsed: &Html) -> Doc {
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

    pub(super) fn element(&self, i: usize) -> Option<&Element> {
        match &self.nodes[i].data {
            Data::Element(e) => Some(e),
            _ => None,
        }
    }

    pub(super) fn tag(&self, i: usize) -> &str {
        self.element(i).map_or("", |e| e.tag.as_str())
    }

    pub(super) fn contains(&self, ancestor: usize, node: usize) -> bool {
        ancestor <= node && node <= self.end[ancestor]
    }

    /// The text of a subtree, whitespace collapsed. A subtree is a contiguous range of
    /// the document order, so this is a slice walk.
    pub(super) fn text_of(&self, i: usize) -> String {
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
