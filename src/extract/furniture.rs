//! Site furniture learned from the archive itself: lines at the head and tail of
//! bodies that repeat across many articles of one source (a subscription appeal, a
//! column's blurb, a `---` rule) are the site's, not the article's.
//!
//! There are no per-site rules. [`Furniture::learn`] counts, per source, in how many
//! articles each line stands among the first or last [`EDGE_LINES`] lines;
//! [`Furniture::clean`] then peels lines seen in at least [`MIN_REPEATS`] articles off
//! both ends of a body — as a group of two or more such lines (an appeal and its
//! address, a column's name and blurb), or as one line alone only when at least
//! [`SINGLE_LINE_SHARE`] of the source's articles carry it. A quote that a few articles
//! happen to share stays (on the shared corpora such lines repeat in 2–5 articles),
//! and so do the formulaic closing sentences of a broadcast (`王毅参加会见。`, in 150
//! of 74,504 CCTV items), which are news, not furniture (see `bench/furniture/`). Memory is bounded: per source at
//! most [`MAX_TRACKED`] distinct lines are counted, and when that fills, lines seen
//! only once are forgotten.
//!
//! This module owns the learning and the cleaning; it must not read inputs (the
//! callers run one pass to learn and one to clean).

use crate::article::Article;
use std::collections::HashMap;

/// Lines at each end of a body that may be furniture.
pub const EDGE_LINES: usize = 8;

/// A line repeated at the edges of at least this many articles of one source is
/// furniture.
pub const MIN_REPEATS: u32 = 10;

/// One repeated line alone is furniture only when at least this share of its source's
/// articles carry it (`央视网消息（新闻联播）：`, in 9 % of CCTV items).
pub const SINGLE_LINE_SHARE: f64 = 0.01;

/// Distinct edge lines counted per source before single sightings are forgotten.
pub const MAX_TRACKED: usize = 200_000;

/// What is repeated at the edges of each source's bodies.
///
/// ```
/// use baoku::{extract::Furniture, Article};
///
/// let article = |n: usize| Article {
///     source: Some("眾新聞".into()),
///     body: format!("第{n}篇的正文，各不相同。\n---\n請支持《眾新聞》，成為訂戶"),
///     ..Article::default()
/// };
/// let mut furniture = Furniture::default();
/// for n in 0..12 {
///     furniture.learn(&article(n));
/// }
/// let mut cleaned = article(99);
/// assert_eq!(furniture.clean(&mut cleaned), 2);
/// assert_eq!(cleaned.body, "第99篇的正文，各不相同。");
/// ```
#[derive(Debug, Default, Clone)]
pub struct Furniture {
    sources: HashMap<String, SourceLines>,
}

/// One source's articles and how many of them carry each edge line.
#[derive(Debug, Default, Clone)]
struct SourceLines {
    articles: u64,
    counts: HashMap<u64, u32>,
}

impl Furniture {
    /// Counts the lines at the edges of `article`'s body under its source.
    pub fn learn(&mut self, article: &Article) {
        let source = self
            .sources
            .entry(source_key(article).to_string())
            .or_default();
        source.articles += 1;
        let counts = &mut source.counts;
        let lines: Vec<&str> = body_lines(&article.body).collect();
        let mut seen: Vec<u64> = edge_indices(lines.len())
            .map(|i| line_hash(lines[i]))
            .collect();
        seen.sort_unstable();
        seen.dedup();
        for hash in seen {
            *counts.entry(hash).or_insert(0) += 1;
        }
        if counts.len() > MAX_TRACKED {
            counts.retain(|_, n| *n > 1);
        }
    }

    /// Removes the furniture lines at the head and tail of `article`'s body and
    /// returns how many were removed; the body as it was is kept in
    /// [`Article::original`] (unless the format kept the record's own first). A body
    /// that is furniture throughout is left as it is: its source repeats it, but it
    /// is all the article says.
    pub fn clean(&self, article: &mut Article) -> usize {
        let Some(source) = self.sources.get(source_key(article)) else {
            return 0;
        };
        let repeats = |line: &str| source.counts.get(&line_hash(line)).copied().unwrap_or(0);
        // A run of one line must be carried by a share of the source's articles.
        let single_minimum = (source.articles as f64 * SINGLE_LINE_SHARE).ceil() as u32;
        let run = |edge: &[&str]| -> usize {
            match edge
                .iter()
                .take_while(|l| repeats(l) >= MIN_REPEATS)
                .count()
            {
                1 if repeats(edge[0]) < single_minimum.max(MIN_REPEATS) => 0,
                n => n,
            }
        };
        let lines: Vec<&str> = body_lines(&article.body).collect();
        let edge = EDGE_LINES.min(lines.len());
        let head = run(&lines[..edge]);
        let mut tail_edge = lines[lines.len() - edge..].to_vec();
        tail_edge.reverse();
        let tail = run(&tail_edge);
        if head + tail == 0 || head + tail >= lines.len() {
            return 0;
        }
        let kept = lines[head..lines.len() - tail].join("\n");
        let before = std::mem::replace(&mut article.body, kept);
        article.keep_original_body(&before);
        head + tail
    }

    /// Whether anything was learned.
    pub fn is_empty(&self) -> bool {
        self.sources.is_empty()
    }
}

fn source_key(article: &Article) -> &str {
    article.source.as_deref().unwrap_or("")
}

fn body_lines(body: &str) -> impl Iterator<Item = &str> {
    body.lines().map(str::trim).filter(|l| !l.is_empty())
}

/// The indices of the first and last [`EDGE_LINES`] of `n` lines.
fn edge_indices(n: usize) -> impl Iterator<Item = usize> {
    let head = EDGE_LINES.min(n);
    let tail_from = n.saturating_sub(EDGE_LINES).max(head);
    (0..head).chain(tail_from..n)
}

fn line_hash(line: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(line.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(source: &str, body: String) -> Article {
        Article {
            source: Some(source.into()),
            body,
            ..Article::default()
        }
    }

    /// A footer repeated by many articles of one source goes; a quote that a few
    /// articles share stays, and so does the same footer under another source.
    #[test]
    fn repeated_footer_removed_shared_quote_kept() {
        let footer = "---\n請加入成為眾新聞的月費訂戶，長期支持我們的工作。\n月費訂戶 網址：hkcnews.com/aboutus/#subscribe";
        let quote = "「香港是我家，我們要守護它。」";
        let mut furniture = Furniture::default();
        for n in 0..40 {
            let shared = if n % 10 == 0 { quote } else { "" };
            furniture.learn(&article(
                "眾新聞",
                format!("第{n}篇的導言。\n第{n}篇的內容。\n{shared}\n{footer}"),
            ));
        }
        let mut a = article(
            "眾新聞",
            format!("今天的導言。\n今天的內容。\n{quote}\n{footer}"),
        );
        assert_eq!(furniture.clean(&mut a), 3);
        assert_eq!(a.body, format!("今天的導言。\n今天的內容。\n{quote}"));

        let mut other = article("另一家", format!("別家的內容。\n{footer}"));
        assert_eq!(furniture.clean(&mut other), 0);
        assert!(other.body.contains("月費訂戶"));
    }

    #[test]
    fn head_furniture_removed_and_all_furniture_kept() {
        let mut furniture = Furniture::default();
        for n in 0..MIN_REPEATS {
            furniture.learn(&article("報", format!("請支持本報，成為訂戶\n第{n}篇。")));
        }
        let mut a = article("報", "請支持本報，成為訂戶\n新的一篇。".into());
        assert_eq!(furniture.clean(&mut a), 1);
        assert_eq!(a.body, "新的一篇。");
        let mut only = article("報", "請支持本報，成為訂戶".into());
        assert_eq!(furniture.clean(&mut only), 0);
        assert_eq!(only.body, "請支持本報，成為訂戶");
    }

    /// One repeated closing sentence that a small share of a source's items end with
    /// is news (`王毅参加会见。`); a two-line group repeated as often is furniture.
    #[test]
    fn a_single_formulaic_line_stays_a_group_goes() {
        let mut furniture = Furniture::default();
        for n in 0..2000 {
            let end = match n % 200 {
                0 => "\n王毅参加会见。",
                1 => "\n請支持本報\n網址：example.com",
                _ => "",
            };
            furniture.learn(&article("台", format!("第{n}條新聞。{end}")));
        }
        let mut single = article("台", "今天的新聞。\n王毅参加会见。".into());
        assert_eq!(furniture.clean(&mut single), 0);
        let mut group = article("台", "今天的新聞。\n請支持本報\n網址：example.com".into());
        assert_eq!(furniture.clean(&mut group), 2);
        assert_eq!(group.body, "今天的新聞。");
    }

    #[test]
    fn below_the_threshold_nothing_is_furniture() {
        let mut furniture = Furniture::default();
        for n in 0..MIN_REPEATS - 1 {
            furniture.learn(&article("報", format!("第{n}篇。\n本報記者攝")));
        }
        let mut a = article("報", "新的一篇。\n本報記者攝".into());
        assert_eq!(furniture.clean(&mut a), 0);
    }

    #[test]
    fn memory_is_bounded() {
        let mut furniture = Furniture::default();
        for n in 0..(MAX_TRACKED / 2 + 10) {
            furniture.learn(&article("報", format!("頭{n}\n尾{n}")));
        }
        assert!(furniture.sources["報"].counts.len() <= MAX_TRACKED);
    }
}
