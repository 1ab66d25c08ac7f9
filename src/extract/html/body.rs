//! The body: the content's blocks, filtered line by line with the furniture rules of
//! plain-text pages, and the metadata lines found among them.
//!
//! This module owns what becomes a paragraph; it must not choose the headline.

use super::blocks::Block;
use super::content::Content;
use super::title::is_title_repeat;
use super::tree::Doc;
use crate::analyze::normalize_str;
use crate::article::Date;
use crate::extract::boilerplate::{compact, is_end_marker, is_footer_start, is_widget};
use crate::extract::meta::{
    labelled_date, parse_meta_line, strip_trailing_metadata, DateLabel, Meta,
};

pub(super) struct Body {
    pub(super) paragraphs: Vec<String>,
    /// Index in the page's blocks of the first and last paragraph kept.
    pub(super) first_block: Option<usize>,
    pub(super) last_block: Option<usize>,
    /// Metadata lines found inside the content (a header above the text, an editor
    /// line below it).
    pub(super) meta: Meta,
    /// A labelled publication date on a metadata line below the start of the text
    /// (`发表时间：2019年11月20日  浏览次数：1511` closing the article).
    pub(super) date_below: Option<Date>,
}

/// `headings` are the keys of the headline and subtitle, which the content may repeat
/// above the text.
pub(super) fn assemble_body(
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
        date_below: None,
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
        let line_meta = parse_meta_line(text);
        if started && line_meta.is_some() {
            if let Some((date, DateLabel::Published)) = labelled_date(text) {
                body.date_below = body.date_below.or(Some(date));
                continue;
            }
        }
        match line_meta {
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
