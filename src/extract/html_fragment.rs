//! HTML fragments → plain paragraphs: the bodies of CMS exports (`<p>…</p><p>…</p>`
//! in a JSON field), one paragraph per line, scripts and styles dropped.
//!
//! This module owns fragments; whole pages, with their furniture and metadata, are
//! `html/`'s.

use ego_tree::iter::Edge;
use scraper::{Html, Node};

/// Elements whose end starts a new paragraph.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "blockquote",
    "pre",
    "section",
    "article",
    "table",
    "ul",
    "ol",
    "dd",
    "dt",
    "figcaption",
    "hr",
];

/// The text of an HTML fragment, one paragraph per line; scripts and styles dropped.
pub fn html_to_text(html: &str) -> String {
    let fragment = Html::parse_fragment(html);
    let mut out = String::with_capacity(html.len());
    let mut skip_depth: Option<usize> = None;
    for edge in fragment.root_element().traverse() {
        match edge {
            Edge::Open(node) => {
                let depth = ancestors(&node);
                if let Node::Element(element) = node.value() {
                    let name = element.name();
                    if skip_depth.is_none()
                        && matches!(name, "script" | "style" | "noscript" | "template")
                    {
                        skip_depth = Some(depth);
                    }
                    if name == "br" || name == "hr" {
                        out.push('\n');
                    }
                } else if let Node::Text(text) = node.value() {
                    if skip_depth.is_none() {
                        out.push_str(text);
                    }
                }
            }
            Edge::Close(node) => {
                if let Node::Element(element) = node.value() {
                    if skip_depth == Some(ancestors(&node)) {
                        skip_depth = None;
                    } else if BLOCKS.contains(&element.name()) {
                        out.push('\n');
                    }
                }
            }
        }
    }
    out.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

fn ancestors(node: &ego_tree::NodeRef<'_, Node>) -> usize {
    node.ancestors().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_fragments_become_paragraphs() {
        assert_eq!(
            html_to_text("<p>第一段<b>重点</b></p><script>x()</script><p>第二段<br>续</p>"),
            "第一段重点\n第二段\n续"
        );
    }
}
