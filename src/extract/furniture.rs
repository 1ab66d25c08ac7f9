//! Site furniture learned from the archive itself: lines at the head and tail of
//! bodies that repeat across many articles of one source (a subscription appeal, a
//! column's blurb, a `---` rule) are the site's, not the article's.
//!
//! There are no per-site rules. [`Furniture::learn`] counts, per source, in how many
//! articles each line stands among the first or last [`EDGE_LINES`] lines;
//! [`Furniture::clean`] then peels lines seen in at least [`MIN_REPEATS`] articles off
//! both ends of a body — as a group of two or more such lines (an appeal and its
//! address, a column's name and blurb), or as one line alone only when at least
//! [`SINGLE_LINE_SHARE`] of the source's articles carry it. A short line in which the
//! source names itself (`請支持《眾新聞》，成為訂戶` under `眾新聞 Citizen News`) goes
//! alone too when it is repeated, and so does a rewording of such a line
//! (`…立即按這𥚃訂閱做我們的訂戶` of `…立即按此訂閱做我們的訂戶`, [`NEAR_DICE`]). A quote
//! that a few articles happen to share stays (on the shared corpora such lines repeat
//! in 2–5 articles), and so do the formulaic closing sentences of a broadcast
//! (`王毅参加会见。`, in 150 of 74,504 CCTV items), which are news, not furniture (see
//! `bench/furniture/`). When the peeled lines would leave nothing, only the lines that
//! the [`SINGLE_LINE_SHARE`] of the source carry go (a live report's repeated opening
//! stays); a body made of nothing else is furniture and is emptied (the headline
//! remains). Memory is bounded: per source at most [`MAX_TRACKED`] distinct lines are
//! counted, and when that fills, lines seen only once are forgotten.
//!
//! This module owns the learning and the cleaning; it must not read inputs (the
//! callers run one pass to learn and one to clean).

use crate::article::Article;
use std::collections::HashMap;
use std::sync::OnceLock;

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

/// A line that shares at least this Dice coefficient of its character pairs with a
/// repeated line of the source speaking of itself is a rewording of it
/// (`請支持《眾新聞》，立即按這𥚃訂閱做我們的訂戶` of `…立即按此訂閱做我們的訂戶`).
pub const NEAR_DICE: f64 = 0.7;

/// A line of the source speaking of itself (an appeal, a credit) is at most this long;
/// a longer line naming the source is the article's.
pub const SELF_LINE_CHARS: usize = 40;

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
    /// The names the source goes by in its own text ([`source_names`]).
    names: Vec<String>,
    articles: u64,
    counts: HashMap<u64, u32>,
    /// The short lines naming the source, each once it reached [`MIN_REPEATS`]: what
    /// a rewording of the source speaking of itself is compared with.
    naming_lines: HashMap<u64, String>,
    /// Their character pairs, made at the first cleaning.
    near: OnceLock<NearLines>,
}

/// The character pairs of some of a source's repeated lines, and which lines hold
/// each pair.
#[derive(Debug, Default, Clone)]
struct NearLines {
    pairs_of: Vec<usize>,
    lines_with: HashMap<u64, Vec<u32>>,
}

impl Furniture {
    /// Counts the lines at the edges of `article`'s body under its source.
    pub fn learn(&mut self, article: &Article) {
        let key = source_key(article);
        let source = self
            .sources
            .entry(key.to_string())
            .or_insert_with(|| SourceLines {
                names: source_names(key).into_iter().map(str::to_string).collect(),
                ..SourceLines::default()
            });
        source.articles += 1;
        let lines: Vec<&str> = body_lines(&article.body).collect();
        let mut seen: Vec<(u64, &str)> = edge_indices(lines.len())
            .map(|i| (line_hash(lines[i]), lines[i]))
            .collect();
        seen.sort_unstable_by_key(|&(hash, _)| hash);
        seen.dedup_by_key(|&mut (hash, _)| hash);
        for (hash, line) in seen {
            let count = source.counts.entry(hash).or_insert(0);
            *count += 1;
            let reached = *count == MIN_REPEATS;
            if reached && source.short_and_naming(line) {
                source.naming_lines.insert(hash, line.to_string());
            }
        }
        if source.counts.len() > MAX_TRACKED {
            source.counts.retain(|_, n| *n > 1);
        }
        source.near = OnceLock::new();
    }

    /// Removes the furniture lines at the head and tail of `article`'s body and
    /// returns how many were removed; the body as it was is kept in
    /// [`Article::original`] (unless the format kept the record's own first). When
    /// the peeled lines would leave nothing, only the lines carried by the
    /// [`SINGLE_LINE_SHARE`] of the source go; a body of nothing but such lines is
    /// emptied (the headline is then all the article says).
    pub fn clean(&self, article: &mut Article) -> usize {
        let Some(source) = self.sources.get(source_key(article)) else {
            return 0;
        };
        let lines: Vec<&str> = body_lines(&article.body).collect();
        let edge = EDGE_LINES.min(lines.len());
        let head_edge = &lines[..edge];
        let tail_edge: Vec<&str> = lines[lines.len() - edge..].iter().rev().copied().collect();
        let mut head = source.run(head_edge, false);
        let mut tail = source.run(&tail_edge, false);
        if head + tail >= lines.len() {
            // Lines repeated by a run of articles (a live report's opening) may cover
            // what the site's own lines leave: only the lines a share of the source
            // carries go then, and a body of nothing else is all furniture.
            head = source.run(head_edge, true);
            tail = source.run(&tail_edge, true);
        }
        if head + tail == 0 {
            return 0;
        }
        let removed = (head + tail).min(lines.len());
        let kept = if removed == lines.len() {
            String::new()
        } else {
            lines[head..lines.len() - tail].join("\n")
        };
        let before = std::mem::replace(&mut article.body, kept);
        article.keep_original_body(&before);
        removed
    }

    /// Whether anything was learned.
    pub fn is_empty(&self) -> bool {
        self.sources.is_empty()
    }
}

impl SourceLines {
    /// In how many articles `line` stands at an edge.
    fn repeats(&self, line: &str) -> u32 {
        self.counts.get(&line_hash(line)).copied().unwrap_or(0)
    }

    /// How many articles a line alone must stand in to be furniture.
    fn share(&self) -> u32 {
        ((self.articles as f64 * SINGLE_LINE_SHARE).ceil() as u32).max(MIN_REPEATS)
    }

    /// How many of `edge`'s lines (a body's first lines, or its last ones from the
    /// end) are furniture. With `strong`, only lines that [`SINGLE_LINE_SHARE`] of the
    /// source's articles carry count.
    fn run(&self, edge: &[&str], strong: bool) -> usize {
        let share = self.share();
        let minimum = if strong { share } else { MIN_REPEATS };
        let site_line =
            |line: &str| self.repeats(line) >= minimum || (!strong && self.speaks_for(line));
        match edge.iter().take_while(|line| site_line(line)).count() {
            // A run of one line must be carried by a share of the source's articles,
            // or be the source speaking of itself.
            1 if self.repeats(edge[0]) < share && !self.speaks_for(edge[0]) => 0,
            n => n,
        }
    }

    /// Whether `line` is the source speaking of itself: a short line that names it
    /// (`請支持《眾新聞》，成為訂戶`, `《眾新聞》製圖`), repeated, or a rewording of such a
    /// line that is — not a dateline with the article's first sentence behind it
    /// (`央视网消息（新闻联播）：欢迎仪式后，两国总理举行会谈。`), nor a paragraph.
    fn speaks_for(&self, line: &str) -> bool {
        if !self.names_itself(line) {
            return false;
        }
        if self.repeats(line) >= MIN_REPEATS {
            return true;
        }
        let near = self.near.get_or_init(|| {
            NearLines::of(self.naming_lines.values().filter(|l| self.names_itself(l)))
        });
        near.holds_a_variant_of(line)
    }

    /// A short line naming the source that does not begin with a line the source's
    /// share of articles carries.
    fn names_itself(&self, line: &str) -> bool {
        if !self.short_and_naming(line) {
            return false;
        }
        let share = self.share();
        !line
            .char_indices()
            .skip(1)
            .any(|(at, _)| self.repeats(&line[..at]) >= share)
    }

    /// At most [`SELF_LINE_CHARS`] long, and holding one of the source's names.
    fn short_and_naming(&self, line: &str) -> bool {
        line.chars().nth(SELF_LINE_CHARS).is_none()
            && self.names.iter().any(|name| line.contains(name.as_str()))
    }
}

impl NearLines {
    fn of<'a>(lines: impl Iterator<Item = &'a String>) -> NearLines {
        let mut near = NearLines::default();
        for (id, line) in lines.enumerate() {
            let pairs = char_pairs(line);
            near.pairs_of.push(pairs.len());
            for pair in pairs {
                near.lines_with.entry(pair).or_default().push(id as u32);
            }
        }
        near
    }

    /// Whether `line` shares [`NEAR_DICE`] of its character pairs with one of the lines.
    fn holds_a_variant_of(&self, line: &str) -> bool {
        let pairs = char_pairs(line);
        let mut shared: HashMap<u32, usize> = HashMap::new();
        for pair in &pairs {
            for &id in self.lines_with.get(pair).into_iter().flatten() {
                *shared.entry(id).or_insert(0) += 1;
            }
        }
        shared.into_iter().any(|(id, common)| {
            let total = pairs.len() + self.pairs_of[id as usize];
            2.0 * common as f64 >= NEAR_DICE * total as f64
        })
    }
}

/// The distinct pairs of adjacent characters of `line`, each packed in a `u64`.
fn char_pairs(line: &str) -> Vec<u64> {
    let chars: Vec<char> = line.chars().filter(|c| !c.is_whitespace()).collect();
    let mut pairs: Vec<u64> = chars
        .windows(2)
        .map(|w| (u64::from(w[0]) << 32) | u64::from(w[1]))
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

/// The names a source goes by in its own text: its runs of two or more CJK characters
/// (`眾新聞` of `眾新聞 Citizen News (hkcnews.com)`, `新闻联播` of `央视《新闻联播》/CNTV`)
/// and the domain names it gives (`hkcnews.com`).
fn source_names(source: &str) -> Vec<&str> {
    let cjk = source
        .split(|c: char| !crate::analyze::is_cjk(c))
        .filter(|run| run.chars().nth(1).is_some());
    let domains = source
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-'))
        .map(|word| word.trim_matches('.'))
        .filter(|word| word.len() >= 5 && word.contains('.'));
    cjk.chain(domains).collect()
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
        // A body of nothing but the site's lines says nothing of its own.
        let mut only = article("報", "請支持本報，成為訂戶".into());
        assert_eq!(furniture.clean(&mut only), 1);
        assert_eq!(only.body, "");
        assert_eq!(only.original.body.as_deref(), Some("請支持本報，成為訂戶"));
    }

    /// The articles of one live report share their opening lines; when those and the
    /// footer together would leave nothing, the opening stays and the footer goes.
    #[test]
    fn a_series_opening_stays_when_the_footer_goes() {
        let footer = "請加入成為本報訂戶\n訂戶網址：example.com";
        let opening = "47人案今日續審。\n法官批准保釋。";
        let mut furniture = Furniture::default();
        for n in 0..2000 {
            let body = if n % 150 == 0 {
                format!("{opening}\n{footer}")
            } else {
                format!("第{n}篇。\n{footer}")
            };
            furniture.learn(&article("報", body));
        }
        let mut live = article("報", format!("{opening}\n{footer}"));
        assert_eq!(furniture.clean(&mut live), 2);
        assert_eq!(live.body, opening);
    }

    /// A reworded appeal naming the source goes, inside the footer or alone; a line
    /// repeated as often that does not name the source stays alone, and so does a
    /// dateline that carries the article's first sentence.
    #[test]
    fn the_source_speaking_of_itself_goes_reworded_or_alone() {
        let source = "眾新聞 Citizen News (hkcnews.com)";
        let footer = "請加入成為訂戶\n月費訂戶 網址：hkcnews.com/aboutus/#subscribe";
        let mut furniture = Furniture::default();
        for n in 0..2000 {
            let end = match n % 150 {
                0 => "\n請支持《眾新聞》，立即按此訂閱做我們的訂戶",
                1 => "\n相關新聞：立法會今日復會",
                _ => "",
            };
            let head = if n % 10 == 3 {
                "眾新聞消息：\n"
            } else {
                ""
            };
            let body = format!("{head}第{n}篇。{end}\n{footer}");
            furniture.learn(&article(source, body));
        }
        let mut reworded = article(
            source,
            format!("今天的新聞。\n請支持《眾新聞》，立即按這𥚃訂閱做我們的訂戶\n{footer}"),
        );
        assert_eq!(furniture.clean(&mut reworded), 3);
        assert_eq!(reworded.body, "今天的新聞。");
        let mut alone = article(
            source,
            "今天的新聞。\n請支持《眾新聞》，按此處訂閱做我們的訂戶".into(),
        );
        assert_eq!(furniture.clean(&mut alone), 1);
        assert_eq!(alone.body, "今天的新聞。");
        // The same count, not naming the source, alone: it stays.
        let mut other = article(source, "今天的新聞。\n相關新聞：立法會今日復會".into());
        assert_eq!(furniture.clean(&mut other), 0);
        // Not repeated and not a rewording of anything: the article's.
        let mut news = article(
            source,
            format!("今天的新聞。\n《眾新聞》記者會明早十時舉行\n{footer}"),
        );
        assert_eq!(furniture.clean(&mut news), 2);
        assert_eq!(news.body, "今天的新聞。\n《眾新聞》記者會明早十時舉行");
        // A rewording of the address line, which names the source by its domain.
        let mut address = article(
            source,
            "今天的新聞。\n請加入成為訂戶\n月費訂戶 [網址：hkcnews.com/aboutus/#subscribe".into(),
        );
        assert_eq!(furniture.clean(&mut address), 2);
        assert_eq!(address.body, "今天的新聞。");
        // The source's dateline with the first sentence behind it: the article's.
        let mut dateline = article(source, "眾新聞消息：立法會今日復會。\n議員提問。".into());
        assert_eq!(furniture.clean(&mut dateline), 0);
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
