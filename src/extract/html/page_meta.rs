//! Metadata stated around the article: the lines between the headline and the body
//! (date, source, byline — also in elements classed `source` or `author`) and the lines
//! just below it (editor, source).
//!
//! This module owns where such lines are looked for; reading a line's labels is
//! `extract/meta.rs`'s.

use super::blocks::Block;
use super::hints::{is_author_hint, is_source_hint};
use super::tree::Doc;
use crate::analyze::{is_bare_person_name, normalize_str};
use crate::article::Date;
use crate::extract::date::{find_date, split_date};
use crate::extract::meta::{clean_people, labelled_date, parse_meta_line, DateLabel, Meta};
use regex::Regex;
use std::sync::LazyLock;

/// How many blocks after the headline may still be its metadata lines.
const HEADER_SCAN_BLOCKS: usize = 30;
/// How many blocks after the body may still hold its editor or source line.
const FOOTER_SCAN_BLOCKS: usize = 6;
/// How many blocks before the headline may hold its date (sites that show the date
/// above the headline, often split over elements: `2019` / `09/07`).
const ABOVE_TITLE_BLOCKS: usize = 4;

pub(super) struct HeaderMeta {
    pub(super) meta: Meta,
    /// When the page was updated (`更新时间`), the date of last resort.
    pub(super) updated: Option<Date>,
    /// The publication date stated near the headline: a labelled date (`发布时间：…`,
    /// `发表于 …`) first, then a bare date line, then a date split over elements.
    pub(super) date: Option<Date>,
}

/// What the lines just below the body say.
pub(super) struct FooterMeta {
    pub(super) meta: Meta,
    /// A publication date stated under the text (`发表于 …`, `发布时间：…`, or a
    /// date line right after it), before any comments or lists of links.
    pub(super) date: Option<Date>,
    /// An update time stated there (`更新时间：…`).
    pub(super) updated: Option<Date>,
}

/// A date as a byline may show it: relative (`昨天`, `3小时前`, `刚刚`).
static RELATIVE_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:今天|昨天|前天|刚刚|\d+\s*(?:秒|分钟|小时|天)前)").expect("valid regex")
});

static UPDATED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:更新时间|最后更新|更新于|修改时间|更新日期)\s*[:]?\s*").expect("valid regex")
});

/// The lines between the headline and the body: date, source, byline.
pub(super) fn header_meta(
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
    let mut labelled = None;
    for block in &blocks[range.clone()] {
        if block.chars > 200 {
            continue;
        }
        let line_meta = read_meta_block(block);
        header.meta.fill_from(line_meta);
        match labelled_date_of(block) {
            Some((date, DateLabel::Published)) => labelled = labelled.or(Some(date)),
            Some((date, DateLabel::Updated)) => header.updated = header.updated.or(Some(date)),
            None => {}
        }
        if header.updated.is_none() {
            let norm = normalize_str(&block.text);
            if let Some(m) = UPDATED.find(&norm) {
                header.updated = find_date(&norm[m.end()..]).map(|(d, _)| d);
            }
        }
    }
    // A labelled date beats a bare one: a forum post shows the poster's registration
    // date (`注册 2003-3-1`) before `发表于 2005-7-31`.
    let above = title_block.map_or(range.start..range.start, |t| {
        t.saturating_sub(ABOVE_TITLE_BLOCKS)..t
    });
    header.date = labelled
        .or(header.meta.date)
        .or_else(|| date_split_over_elements(blocks, above.start..range.end));

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
    if header.meta.author.is_none() {
        header.meta.author = blocks[range.clone()]
            .iter()
            .enumerate()
            .find_map(|(at, block)| bare_byline_name(block, at == 0));
    }
    header
}

/// The writer of a byline line that names them bare, without a label or a class that
/// says so (WeChat's `赵丽华 | 某某文旅 | 昨天`): of the line's short pieces, exactly one
/// is a person's name ([`is_bare_person_name`]), and another is a date — or the line
/// stands right under the headline (where a script fills the date in later).
fn bare_byline_name(block: &Block, under_headline: bool) -> Option<String> {
    if block.chars > 60 || block.context.furniture {
        return None;
    }
    let pieces: Vec<&str> = block
        .meta_text
        .split(" | ")
        .map(str::trim)
        .filter(|piece| !piece.is_empty())
        .collect();
    if pieces.len() < 2 || pieces.iter().any(|piece| piece.chars().count() > 20) {
        return None;
    }
    let dated = pieces.iter().any(|piece| {
        let norm = normalize_str(piece);
        RELATIVE_DATE.is_match(&norm) || find_date(&norm).is_some()
    });
    let mut names = pieces.iter().filter(|piece| is_bare_person_name(piece));
    match (dated || under_headline, names.next(), names.next()) {
        (true, Some(name), None) => Some(name.to_string()),
        _ => None,
    }
}

/// The lines just after the body: `责任编辑：…`, `（来源：…）`, and the date of pages that
/// state it under the text. Dates are taken only from the lines before the first
/// comment, list of links or other furniture: those below belong to other articles.
pub(super) fn footer_meta(blocks: &[Block], last_body: Option<usize>) -> FooterMeta {
    let mut footer = FooterMeta {
        meta: Meta::default(),
        date: None,
        updated: None,
    };
    let Some(last) = last_body else {
        return footer;
    };
    let mut dates_open = true;
    for (offset, block) in blocks
        .iter()
        .skip(last + 1)
        .take(FOOTER_SCAN_BLOCKS)
        .enumerate()
    {
        if block.context.furniture || block.link_density() > 0.5 {
            dates_open = false;
        }
        if block.chars > 100 {
            continue;
        }
        let mut line_meta = read_meta_block(block);
        if dates_open {
            match labelled_date_of(block) {
                Some((date, DateLabel::Published)) => footer.date = footer.date.or(Some(date)),
                Some((date, DateLabel::Updated)) => {
                    footer.updated = footer.updated.or(Some(date));
                }
                // A bare date line right under the text, no link in it.
                None if offset < 2 && block.link_chars == 0 && footer.date.is_none() => {
                    let bare = parse_meta_line(&block.text)
                        .filter(|m| m.date.is_some() && m.source.is_none() && m.author.is_none());
                    footer.date = bare.and_then(|m| m.date);
                }
                None => {}
            }
        }
        line_meta.date = None;
        footer.meta.fill_from(line_meta);
    }
    footer
}

/// The labelled date of a block, read from each inline piece and from the whole line.
fn labelled_date_of(block: &Block) -> Option<(Date, DateLabel)> {
    block
        .meta_text
        .split(" | ")
        .chain([block.text.as_str()])
        .find_map(labelled_date)
}

/// A date whose year and month-day sit in neighbouring elements: two inline pieces of
/// one block, or two short blocks in a row.
fn date_split_over_elements(blocks: &[Block], range: std::ops::Range<usize>) -> Option<Date> {
    let range = range.start.min(blocks.len())..range.end.min(blocks.len());
    let short = |b: &Block| b.chars <= 12 && !b.context.furniture;
    for (i, block) in blocks[range.clone()].iter().enumerate() {
        if !short(block) {
            continue;
        }
        let pieces: Vec<String> = block.meta_text.split(" | ").map(normalize_str).collect();
        if let Some(date) = pieces.windows(2).find_map(|w| split_date(&w[0], &w[1])) {
            return Some(date);
        }
        if let Some(next) = blocks.get(range.start + i + 1).filter(|b| short(b)) {
            let (a, b) = (normalize_str(&block.text), normalize_str(&next.text));
            if let Some(date) = split_date(&a, &b) {
                return Some(date);
            }
        }
    }
    None
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

pub(super) fn clean_source(value: &str) -> Option<String> {
    let value = cut_at_separator(value)
        .trim_matches(|c: char| c.is_whitespace() || "|｜:：,，;；、。()（）[]【】".contains(c));
    let n = value.chars().count();
    let plausible = (1..=30).contains(&n) && !value.contains(['。', '！', '？', '!', '?']);
    plausible.then(|| value.to_string())
}
