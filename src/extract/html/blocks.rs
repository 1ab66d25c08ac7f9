//! Blocks: the visible text cut into the paragraphs a reader sees (block elements and
//! `<br>` separate them), each with what surrounds it — its innermost block element,
//! furniture, heading level, title or subtitle hints — and its counts of characters,
//! link characters and sentence punctuation.
//!
//! This module owns whitespace and line breaks as a reader sees them; it must not
//! decide which blocks are the article.

use super::hints::{is_subtitle_hint, is_title_hint};
use super::tree::{Data, Doc, Element, BLOCK_TAGS};

#[derive(Clone, Copy)]
pub(super) struct BlockContext {
    /// The innermost block element around the text.
    pub(super) owner: usize,
    pub(super) furniture: bool,
    pub(super) heading: Option<u8>,
    /// Inside an element whose class/id says "title".
    pub(super) titled: bool,
    /// Inside an element whose class/id says "subtitle".
    pub(super) subtitled: bool,
}

pub(super) struct Block {
    pub(super) text: String,
    /// The text with ` | ` where inline elements begin and end, so that fields set in
    /// separate `<span>`s stay apart when the line is read as metadata.
    pub(super) meta_text: String,
    /// Non-space characters, and how many of them are link text.
    pub(super) chars: usize,
    pub(super) link_chars: usize,
    /// Sentence punctuation, Chinese or Western.
    pub(super) punct: usize,
    pub(super) context: BlockContext,
}

impl Block {
    pub(super) fn link_density(&self) -> f64 {
        if self.chars == 0 {
            0.0
        } else {
            self.link_chars as f64 / self.chars as f64
        }
    }
}

#[derive(Default)]
pub(super) struct BlockBuilder {
    pub(super) text: String,
    pub(super) meta_text: String,
    pub(super) chars: usize,
    pub(super) link_chars: usize,
    pub(super) punct: usize,
    /// Whitespace seen since the last character: `Some(true)` when it held a line
    /// break.
    pub(super) pending_space: Option<bool>,
    pub(super) blocks: Vec<Block>,
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
                let joins_cjk = newline
                    && last.is_some_and(is_full_width_in_chinese)
                    && is_full_width_in_chinese(c);
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

/// Whether `c` is set full-width in Chinese text — Han, kana, CJK radicals and
/// punctuation, full-width forms, and the curly quotes Chinese fonts set wide — so that
/// a line break in the source between two of them is no space a reader sees
/// (`中国\n人民`, `，\n他`). Not [`crate::analyze::is_cjk`], which asks which scripts
/// are written without spaces between words, for tokenizing: that one leaves out
/// punctuation and full-width forms and takes in Hangul, whose text is spaced.
fn is_full_width_in_chinese(c: char) -> bool {
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

pub(super) fn is_sentence_punct(c: char) -> bool {
    matches!(
        c,
        '，' | '。' | '！' | '？' | '；' | '：' | '、' | ',' | ';' | '!' | '?' | '.' | '．'
    )
}

/// What the walk is inside of: the block elements around the text, and counts of the
/// open elements that change how text is read.
#[derive(Default)]
pub(super) struct OpenElements {
    pub(super) owners: Vec<usize>,
    pub(super) furniture: usize,
    pub(super) links: usize,
    pub(super) pre: usize,
    pub(super) headings: Vec<u8>,
    pub(super) titled: usize,
    pub(super) subtitled: usize,
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

    pub(super) fn context(&self) -> BlockContext {
        BlockContext {
            owner: self.owners.last().copied().unwrap_or(0),
            furniture: self.furniture > 0,
            heading: self.headings.last().copied(),
            titled: self.titled > 0,
            subtitled: self.subtitled > 0,
        }
    }
}

impl Doc {
    /// Cuts the visible text into blocks, in document order. The walk keeps its own
    /// stack, so no input can overflow the call stack.
    pub(super) fn blocks(&self) -> Vec<Block> {
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
