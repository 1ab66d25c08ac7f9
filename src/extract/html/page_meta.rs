//! Metadata stated around the article: the lines between the headline and the body
//! (date, source, byline — also in elements classed `source` or `author`) and the lines
//! just below it (editor, source).
//!
//! This module owns where such lines are looked for; reading a line's labels is
//! `extract/meta.rs`'s.

use super::blocks::Block;
use super::hints::{is_author_hint, is_source_hint};
use super::tree::Doc;
use crate::analyze::normalize_str;
use crate::article::Date;
use crate::extract::date::find_date;
use crate::extract::meta::{clean_people, parse_meta_line, Meta};
use regex::Regex;
use std::sync::LazyLock;

/// How many blocks after the headline may still be its metadata lines.
const HEADER_SCAN_BLOCKS: usize = 30;
/// How many blocks after the body may still hold its editor or source line.
const FOOTER_SCAN_BLOCKS: usize = 6;

pub(super) struct HeaderMeta {
    pub(super) meta: Meta,
    /// When the page was updated (`更新时间`), the date of last resort.
    pub(super) updated: Option<Date>,
    /// The publication date stated near the headline.
    pub(super) date: Option<Date>,
}

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
pub(super) fn footer_meta(blocks: &[Block], last_body: Option<usize>) -> Meta {
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

pub(super) fn clean_source(value: &str) -> Option<String> {
    let value = cut_at_separator(value)
        .trim_matches(|c: char| c.is_whitespace() || "|｜:：,，;；、。()（）[]【】".contains(c));
    let n = value.chars().count();
    let plausible = (1..=30).contains(&n) && !value.contains(['。', '！', '？', '!', '?']);
    plausible.then(|| value.to_string())
}
