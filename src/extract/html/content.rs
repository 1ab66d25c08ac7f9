//! Content scoring: which containers hold the article. Each block of prose credits
//! its container and, less, the containers above it (in the manner of Readability and
//! GNE); link text, furniture names and lists of links count against.
//!
//! This module owns the scoring and the lists of links inside the content; it must not
//! filter lines or read metadata.

use super::blocks::Block;
use super::hints::hint_weight;
use super::tree::Doc;
use std::collections::HashSet;

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

/// Prose shorter than this (non-space characters) does not vote for a container.
const MIN_PROSE_CHARS: usize = 10;
/// How many containers above a paragraph its score reaches.
const SCORE_LEVELS: usize = 5;

/// The containers that hold the article, in document order.
pub(super) struct Content {
    pub(super) roots: Vec<usize>,
    /// Elements inside the roots that are mostly links: lists of other articles.
    pub(super) link_lists: HashSet<usize>,
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

pub(super) fn find_content(doc: &Doc, blocks: &[Block]) -> Content {
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

impl Content {
    /// Whether the block belongs to the content: inside one of its roots, and not
    /// inside a list of links within it (a related-articles box in the text column).
    pub(super) fn holds(&self, doc: &Doc, block: &Block) -> bool {
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
