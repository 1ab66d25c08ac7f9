//! The headline and sub-headline: a visible heading that the `<title>` confirms, else
//! the headline the markup states, the first `<h1>` or the `<title>`.
//!
//! This module owns which of them is the headline; cleaning a headline of site names
//! and media markers is `extract/headline.rs`'s.

use super::blocks::Block;
use super::head::HeadMeta;
use crate::analyze::normalize_str;
use crate::extract::boilerplate::compact;
use crate::extract::headline::{clean_headline, collapse_spaces, strip_media_markers, SEPARATORS};

/// Headlines longer than this are paragraphs.
const MAX_TITLE_CHARS: usize = 120;

pub(super) struct TitleChoice {
    pub(super) text: Option<String>,
    /// The block that shows the headline on the page, when one does.
    pub(super) block: Option<usize>,
}

/// Chooses the headline. Most news sites write `<title>` as the headline plus site
/// and channel names, and show the headline alone in a heading: a heading that the
/// `<title>` contains is the headline, without any guessing about suffixes.
pub(super) fn choose_title(blocks: &[Block], head: &HeadMeta) -> TitleChoice {
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

    // The page shows the `<title>` up to a separator on a line of its own: that part is
    // the headline and the rest the site's and section's names (`标题 - 看中国`,
    // `标题--某某县人民政府`, `标题-EDN 电子技术设计`), whatever they end with.
    if let Some((block, text)) = title_prefix_shown(blocks, &doc_title) {
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

/// The longest part of `doc_title` before a separator that a short block of the page
/// shows alone, and that block.
fn title_prefix_shown(blocks: &[Block], doc_title: &str) -> Option<(usize, String)> {
    let mut prefixes: Vec<&str> = SEPARATORS
        .iter()
        .flat_map(|sep| {
            doc_title
                .match_indices(sep)
                .map(|(at, _)| doc_title[..at].trim())
        })
        .filter(|p| key(p).chars().count() >= 4)
        .collect();
    prefixes.sort_by_key(|p| std::cmp::Reverse(p.len()));
    prefixes.into_iter().find_map(|prefix| {
        let k = key(prefix);
        blocks
            .iter()
            .position(|b| !b.context.furniture && b.chars <= MAX_TITLE_CHARS && key(&b.text) == k)
            .map(|i| (i, strip_media_markers(&collapse_spaces(&blocks[i].text))))
    })
}

/// The sub-headline just below the headline: a block marked as a subtitle by its
/// class, or a short heading or line that starts with a dash (`——记…`).
pub(super) fn subtitle_after(blocks: &[Block], title_block: usize) -> Option<String> {
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

/// The key headlines are compared by: normalised, without whitespace.
pub(super) fn key(text: &str) -> String {
    compact(&normalize_str(text))
}

/// A block repeating the headline (maybe with a site name or media marker around it).
pub(super) fn is_title_repeat(compact_text: &str, title_key: &str) -> bool {
    !title_key.is_empty()
        && compact_text.contains(title_key)
        && compact_text.chars().count() <= title_key.chars().count() + 20
}
