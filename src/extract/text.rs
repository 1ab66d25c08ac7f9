//! Extraction from news pages saved as plain text, like the seed article.
//!
//! A saved page reads, top to bottom: navigation and widgets, the headline (maybe a
//! ——subtitle), one or more metadata lines, perhaps a site banner repeating the
//! headline, the body, then a footer (editor, related articles, copyright). The
//! extractor finds the metadata lines near the top, takes the headline from just
//! above them, and cuts the body between them and the first footer line.

use super::boilerplate::{compact, is_end_marker, is_footer_start, is_widget};
use super::format::{Articles, FormatInfo, InputFormat};
use super::headline::clean_headline;
use super::meta::{parse_dateline, parse_meta_line, strip_trailing_metadata, Meta};
use crate::analyze::normalize_str;
use crate::article::Article;
use crate::source::{Layout, RawDoc};

/// How far down the page the header metadata may be.
const HEADER_SCAN_LINES: usize = 40;
/// Headlines are short; longer lines are paragraphs.
const MAX_TITLE_CHARS: usize = 80;
/// How many lines after the header may still be a banner repeating the headline.
const BANNER_SCAN_LINES: usize = 6;

struct Line<'a> {
    text: &'a str,
    /// Normalised, without whitespace: what furniture patterns are matched against.
    compact: String,
}

impl Line<'_> {
    fn is_blank(&self) -> bool {
        self.text.is_empty()
    }
}

/// News pages saved as plain text (`.txt`): one article per file.
pub struct TextPages;

impl InputFormat for TextPages {
    fn info(&self) -> &'static FormatInfo {
        &FormatInfo {
            name: "text",
            aliases: &["txt"],
            extensions: &["txt", "text"],
            layout: Layout::Whole,
        }
    }

    fn read(&self, doc: &RawDoc, out: &mut Articles<'_>) {
        out.record(&doc.origin, extract_text_page(&doc.text).map(|a| (a, None)));
    }
}

/// Extracts the article from the text of a saved news page. The article's `id` is
/// left empty and its `path` unset: they depend on where the text came from.
pub fn extract_text_page(text: &str) -> Result<Article, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<Line> = text
        .lines()
        .map(|l| {
            let text = l.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
            Line {
                text,
                compact: compact(&normalize_str(text)),
            }
        })
        .collect();

    let mut meta = Meta::default();
    let mut title = None;
    let mut subtitle = None;

    let body_start = match find_header(&lines) {
        Some((first_meta, last_meta, header_meta)) => {
            meta = header_meta;
            let (t, s) = headline_above(&lines, first_meta);
            title = t;
            subtitle = s;
            last_meta + 1
        }
        None => {
            // No metadata: the page starts with its headline, if it has one.
            let first = lines
                .iter()
                .position(|l| !l.is_blank() && !is_widget(&l.compact));
            match first {
                Some(i) if is_title_like(lines[i].text) && has_text_after(&lines, i + 1) => {
                    title = Some(clean_headline(lines[i].text));
                    match lines[i + 1..].iter().position(|l| !l.is_blank()) {
                        Some(k) if is_subtitle(lines[i + 1 + k].text) => {
                            subtitle = Some(strip_dashes(lines[i + 1 + k].text));
                            i + 2 + k
                        }
                        _ => i + 1,
                    }
                }
                Some(i) => i,
                None => lines.len(),
            }
        }
    };

    let title_key = title.as_deref().map(|t| compact(&normalize_str(t)));
    let subtitle_key = subtitle.as_deref().map(|t| compact(&normalize_str(t)));
    let mut paragraphs: Vec<&str> = Vec::new();
    let mut footer_start = lines.len();
    for (i, line) in lines.iter().enumerate().skip(body_start) {
        if line.is_blank() || is_widget(&line.compact) {
            continue;
        }
        let near_top = paragraphs.is_empty() || i < body_start + BANNER_SCAN_LINES;
        if near_top && is_banner(&line.compact, title_key.as_deref(), subtitle_key.as_deref()) {
            continue;
        }
        if is_footer_start(&line.compact) || is_end_marker(&line.compact) {
            if paragraphs.is_empty() {
                // Furniture above the article (a share bar, a related-links strip).
                continue;
            }
            footer_start = i;
            break;
        }
        if let Some(line_meta) = parse_meta_line(line.text) {
            // Metadata before the first paragraph belongs to the header; after it, an
            // editor line (`（责任编辑：…）`, `【编辑:…】`) ends the article.
            let ends_article = !paragraphs.is_empty() && line_meta.editor.is_some();
            meta.fill_from(line_meta);
            if ends_article {
                footer_start = i + 1;
                break;
            }
            continue;
        }
        paragraphs.push(line.text);
    }
    meta.fill_from(footer_meta(&lines[footer_start.min(lines.len())..]));

    let mut body: Vec<String> = paragraphs.iter().map(|p| p.to_string()).collect();
    strip_trailing_metadata(&mut body, &mut meta);

    if title.is_none() && body.len() >= 2 && is_title_like(&body[0]) {
        // Metadata first, headline after it.
        title = Some(clean_headline(&body.remove(0)));
    }
    if let Some(first) = body.first() {
        if let Some(dateline) = parse_dateline(first) {
            meta.fill_from(Meta {
                source: dateline.source,
                author: dateline.author,
                ..Meta::default()
            });
        }
    }
    if body.is_empty() {
        return Err("no article text found".to_string());
    }
    Ok(Article {
        id: String::new(),
        title,
        subtitle,
        date: meta.date,
        source: meta.source,
        author: meta.author,
        editor: meta.editor,
        url: meta.url,
        body: body.join("\n"),
        path: None,
        // A page's original is its file (`path`); only furniture is kept.
        original: Default::default(),
    })
}

/// The block of metadata lines near the top: first and last line index, and what
/// they say. The scan stops at the first paragraph of prose.
fn find_header(lines: &[Line]) -> Option<(usize, usize, Meta)> {
    let mut found: Option<(usize, usize, Meta)> = None;
    for (i, line) in lines.iter().enumerate().take(HEADER_SCAN_LINES) {
        if line.is_blank() || is_widget(&line.compact) {
            continue;
        }
        // Labelled furniture (`阅读量：3826`) is neither metadata nor prose.
        let line_meta = parse_meta_line(line.text);
        if line_meta.as_ref().is_some_and(Meta::is_empty) {
            continue;
        }
        match (line_meta, &mut found) {
            (Some(line_meta), None) => found = Some((i, i, line_meta)),
            (Some(line_meta), Some((_, last, meta))) => {
                *last = i;
                meta.fill_from(line_meta);
            }
            (None, Some(_)) => break,
            (None, None) if is_prose(line.text) => break,
            (None, None) => {}
        }
    }
    found
}

/// The headline (and subtitle) just above the first metadata line.
fn headline_above(lines: &[Line], first_meta: usize) -> (Option<String>, Option<String>) {
    let mut subtitle = None;
    for line in lines[..first_meta].iter().rev() {
        if line.is_blank() || is_widget(&line.compact) {
            continue;
        }
        if is_subtitle(line.text) {
            if subtitle.is_none() {
                subtitle = Some(strip_dashes(line.text));
            }
            continue;
        }
        if is_title_like(line.text) {
            return (Some(clean_headline(line.text)), subtitle);
        }
        break;
    }
    (None, subtitle)
}

/// Metadata in the footer: the editor line and what stands before the lists of related
/// articles (whose dates and sources belong to other articles).
fn footer_meta(footer: &[Line]) -> Meta {
    let mut meta = Meta::default();
    for line in footer.iter().filter(|l| !l.is_blank()).take(4) {
        if let Some(line_meta) = parse_meta_line(line.text) {
            meta.fill_from(line_meta);
        } else if is_related_heading(&line.compact) {
            break;
        }
    }
    meta
}

fn is_related_heading(compact: &str) -> bool {
    [
        "相关",
        "推荐",
        "延伸阅读",
        "热点",
        "热门",
        "猜你喜欢",
        "往期",
        "上一篇",
        "下一篇",
    ]
    .iter()
    .any(|m| compact.starts_with(m))
}

/// A site banner repeating the headline (`吉林城乡网-在新起点上接续奋斗`) or the subtitle.
/// A sentence that repeats the headline (`央视网消息：……。`) is the article itself.
fn is_banner(compact: &str, title: Option<&str>, subtitle: Option<&str>) -> bool {
    let sentence = compact.ends_with(['。', '！', '？', '.', '!', '?', '”', '」']);
    !sentence
        && [title, subtitle].into_iter().flatten().any(|t| {
            !t.is_empty()
                && compact.contains(t)
                && compact.chars().count() <= t.chars().count() + 20
        })
}

fn is_subtitle(line: &str) -> bool {
    let starts_dashed = line.starts_with(['—', '─', '―', '－', '-', '–']);
    starts_dashed && strip_dashes(line).chars().count() >= 2 && line.chars().count() <= 100
}

fn strip_dashes(line: &str) -> String {
    line.trim_start_matches(['—', '─', '―', '－', '-', '–', ' ', '\u{3000}'])
        .trim()
        .to_string()
}

fn is_title_like(line: &str) -> bool {
    let n = line.chars().count();
    (2..=MAX_TITLE_CHARS).contains(&n)
        && !line.ends_with(['。', '，', ',', '；', ';', '：', ':', '、', '…'])
        && line.chars().filter(|&c| c == '。').count() == 0
}

/// A paragraph of running text: long, with sentence punctuation.
fn is_prose(line: &str) -> bool {
    line.chars().count() > 40 && line.contains(['。', '，', ','])
}

fn has_text_after(lines: &[Line], from: usize) -> bool {
    lines[from.min(lines.len())..]
        .iter()
        .any(|l| !l.is_blank() && !is_widget(&l.compact))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_only_page_without_metadata() {
        let page = "城市书房开进老街区\n\n周末的午后，老街区的城市书房里坐满了读者。\n这是今年新建的第五家。\n";
        let e = extract_text_page(page).unwrap();
        assert_eq!(e.title.as_deref(), Some("城市书房开进老街区"));
        assert_eq!(e.date, None);
        assert_eq!(e.source, None);
        assert_eq!(e.author, None);
        assert!(e.body.starts_with("周末的午后"));
    }

    #[test]
    fn a_one_sentence_body_that_repeats_the_headline_is_kept() {
        let page = "新华社播发《坚定发展信心》\n日期：2025-12-03 来源：央视网\n\n央视网消息（新闻联播）：新华社播发《坚定发展信心》。\n";
        let e = extract_text_page(page).unwrap();
        assert_eq!(
            e.body,
            "央视网消息（新闻联播）：新华社播发《坚定发展信心》。"
        );
    }

    #[test]
    fn empty_and_furniture_only_pages_are_errors() {
        assert!(extract_text_page("").is_err());
        assert!(extract_text_page("\n\n天气预报\n小字号\n").is_err());
    }

    #[test]
    fn trailing_editor_and_end_marker_leave_the_body() {
        let page = "标题在此\n2022-05-20 来源：中国新闻网\n中新网5月20日电 (记者 张三)正文第一段。\n第二段到此为止。(完)\n【编辑:李四】\n";
        let e = extract_text_page(page).unwrap();
        assert_eq!(e.editor.as_deref(), Some("李四"));
        assert_eq!(e.author.as_deref(), Some("张三"));
        assert!(e.body.ends_with("第二段到此为止。"), "{}", e.body);
        let page = "标题在此\n日期：2022-05-20\n正文第一段。\n正文最后一段。（责任编辑：王五）\n";
        let e = extract_text_page(page).unwrap();
        assert_eq!(e.editor.as_deref(), Some("王五"));
        assert!(e.body.ends_with("正文最后一段。"), "{}", e.body);
    }
}
