//! Markdown documents with front matter (static-site archives) → articles: metadata
//! from the front matter, the text without its markup, one paragraph per line.
//!
//! This module owns Markdown and front matter; it must not read HTML pages.

use super::date::parse_field_date;
use super::format::{Articles, FormatInfo, InputFormat};
use super::headline::clean_headline_field;
use crate::article::Article;
use crate::source::{Layout, RawDoc};

/// Markdown with YAML (`---`) or TOML (`+++`) front matter (`.md`): one article per
/// file.
pub struct Markdown;

impl InputFormat for Markdown {
    fn info(&self) -> &'static FormatInfo {
        &FormatInfo {
            name: "markdown",
            aliases: &["md"],
            extensions: &["md", "markdown"],
            layout: Layout::Whole,
        }
    }

    fn read(&self, doc: &RawDoc, out: &mut Articles<'_>) {
        out.record(&doc.origin, extract_markdown(&doc.text));
    }
}

/// A Markdown document: front matter (YAML between `---` lines, or TOML between
/// `+++` lines) gives the metadata; the text loses its markup. Without a title in the
/// front matter, a leading `# heading` is the title.
pub fn extract_markdown(text: &str) -> Result<(Article, Option<String>), String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (front, body) = split_front_matter(text);
    let mut article = Article::default();
    let mut id = None;
    if let Some((front, is_toml)) = front {
        let pairs = if is_toml {
            toml_pairs(front)?
        } else {
            yaml_pairs(front)
        };
        for (key, value) in pairs {
            let key = key.to_lowercase();
            let value = value.trim().to_string();
            if value.is_empty() {
                continue;
            }
            match key.as_str() {
                "title" | "标题" => article.title = Some(value),
                "subtitle" | "副标题" => article.subtitle = Some(value),
                "date" | "pubdate" | "publishdate" | "published" | "日期" => {
                    article.date = Some(
                        parse_field_date(&value)
                            .ok_or_else(|| format!("front matter date {value:?} is not a date"))?,
                    )
                }
                "author" | "authors" | "作者" => article.author = Some(value),
                "source" | "来源" => article.source = Some(value),
                "editor" | "编辑" => article.editor = Some(value),
                "url" | "link" | "permalink" => article.url = Some(value),
                "id" | "uuid" | "slug" if id.is_none() => id = Some(value),
                _ => {}
            }
        }
    }
    let mut paragraphs = markdown_paragraphs(body);
    // A leading `# heading` is the title, or repeats it.
    let heading = paragraphs
        .first()
        .and_then(|p| p.strip_prefix("# "))
        .map(|h| strip_inline(h.trim()));
    if let Some(heading) = heading {
        if article.title.is_none() || article.title.as_deref() == Some(heading.as_str()) {
            article.title = Some(heading);
            paragraphs.remove(0);
        }
    }
    let body: Vec<String> = paragraphs
        .iter()
        .map(|p| markdown_line_to_text(p))
        .filter(|p| !p.is_empty())
        .collect();
    if body.is_empty() {
        return Err("no article text found".to_string());
    }
    article.body = body.join("\n");
    let raw_title = article.title.take();
    article.title = raw_title.as_deref().and_then(clean_headline_field);
    article.keep_original_title(raw_title.as_deref());
    Ok((article, id))
}

fn split_front_matter(text: &str) -> (Option<(&str, bool)>, &str) {
    for (fence, is_toml) in [("---", false), ("+++", true)] {
        let Some(rest) = text.strip_prefix(fence) else {
            continue;
        };
        let Some(rest) = rest
            .strip_prefix('\n')
            .or_else(|| rest.strip_prefix("\r\n"))
        else {
            continue;
        };
        let mut offset = 0;
        for line in rest.split_inclusive('\n') {
            if line.trim_end() == fence {
                return (
                    Some((&rest[..offset], is_toml)),
                    &rest[offset + line.len()..],
                );
            }
            offset += line.len();
        }
    }
    (None, text)
}

/// `key: value` pairs of simple YAML front matter: scalars (quoted or not), inline
/// lists `[a, b]` and block lists (`- a`), joined with `、`. Nested maps are ignored.
fn yaml_pairs(front: &str) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for line in front.lines() {
        let trimmed = line.trim_end();
        if trimmed.trim_start().starts_with('#') || trimmed.trim().is_empty() {
            continue;
        }
        if let Some(item) = trimmed.trim_start().strip_prefix("- ") {
            if line.starts_with([' ', '-']) {
                if let Some((_, value)) = pairs.last_mut() {
                    let item = unquote(item.trim());
                    if !value.is_empty() {
                        value.push('、');
                    }
                    value.push_str(&item);
                }
            }
            continue;
        }
        if line.starts_with([' ', '\t']) {
            continue;
        }
        let Some((key, value)) = trimmed.split_once(':') else {
            continue;
        };
        let value = value.trim();
        let value = if let Some(inner) = value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
            inner
                .split(',')
                .map(|item| unquote(item.trim()))
                .filter(|item| !item.is_empty())
                .collect::<Vec<_>>()
                .join("、")
        } else {
            unquote(value)
        };
        pairs.push((key.trim().to_string(), value));
    }
    pairs
}

fn unquote(value: &str) -> String {
    for quote in ['"', '\''] {
        if let Some(inner) = value
            .strip_prefix(quote)
            .and_then(|v| v.strip_suffix(quote))
        {
            return inner.to_string();
        }
    }
    value.to_string()
}

fn toml_pairs(front: &str) -> Result<Vec<(String, String)>, String> {
    let table: toml::Table = front
        .parse()
        .map_err(|e: toml::de::Error| format!("front matter is not valid TOML: {}", e.message()))?;
    Ok(table
        .into_iter()
        .filter_map(|(key, value)| {
            let text = match value {
                toml::Value::String(s) => s,
                toml::Value::Datetime(d) => d.to_string(),
                toml::Value::Integer(i) => i.to_string(),
                toml::Value::Array(items) => items
                    .into_iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect::<Vec<_>>()
                    .join("、"),
                _ => return None,
            };
            Some((key, text))
        })
        .collect())
}

/// Blocks of Markdown, each as one line: soft-wrapped lines joined (without a space
/// between CJK characters), list items and headings kept as blocks of their own,
/// fenced code kept as it is.
fn markdown_paragraphs(body: &str) -> Vec<String> {
    let mut paragraphs = Vec::new();
    let mut current = String::new();
    let mut in_fence = false;
    let flush = |current: &mut String, paragraphs: &mut Vec<String>| {
        if !current.trim().is_empty() {
            paragraphs.push(std::mem::take(current));
        }
        current.clear();
    };
    for line in body.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            flush(&mut current, &mut paragraphs);
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            if !trimmed.is_empty() {
                paragraphs.push(trimmed.to_string());
            }
            continue;
        }
        if trimmed.is_empty() || is_rule(trimmed) {
            flush(&mut current, &mut paragraphs);
            continue;
        }
        let content = trimmed.trim_start_matches('>').trim();
        let list_item = content
            .strip_prefix("- ")
            .or_else(|| content.strip_prefix("* "))
            .or_else(|| content.strip_prefix("+ "))
            .or_else(|| {
                let digits = content.chars().take_while(char::is_ascii_digit).count();
                (digits > 0)
                    .then(|| content[digits..].strip_prefix(". "))
                    .flatten()
            });
        if content.starts_with('#') || list_item.is_some() {
            flush(&mut current, &mut paragraphs);
            paragraphs.push(list_item.unwrap_or(content).to_string());
            continue;
        }
        if let (Some(last), Some(first)) = (current.chars().last(), content.chars().next()) {
            if !(crate::analyze::is_cjk(last) || crate::analyze::is_cjk(first)) {
                current.push(' ');
            }
        }
        current.push_str(content);
    }
    flush(&mut current, &mut paragraphs);
    paragraphs
}

/// One block of Markdown as text: a heading without its `#`s, images dropped, links
/// as their text, emphasis and code marks gone. Markdown documents and record bodies
/// written in Markdown are read by this one rule.
pub(super) fn markdown_line_to_text(line: &str) -> String {
    let line = line.trim();
    if is_rule(line) {
        return String::new();
    }
    strip_inline(line.trim_start_matches('#').trim())
}

/// A thematic break: `---`, `***`, `___` (three or more), nothing else.
fn is_rule(line: &str) -> bool {
    line.len() >= 3 && line.chars().all(|c| c == '-' || c == '*' || c == '_')
}

/// Whether a record's body is written in Markdown: it has emphasis (`**…**`), a link or
/// image (`](`), or a heading line (`# `, `## `…). Plain text is left alone, since
/// rendering would drop the `*`, `_` and `~` that plain text uses as characters.
pub(super) fn looks_like_markdown(text: &str) -> bool {
    text.contains("**")
        || text.contains("](")
        || text.lines().any(|l| is_rule(l.trim()))
        || text.lines().any(|l| {
            let l = l.trim_start();
            let hashes = l.chars().take_while(|&c| c == '#').count();
            (1..=6).contains(&hashes) && l[hashes..].starts_with(' ')
        })
}

/// Drops inline Markdown: images, link targets, emphasis, code marks, HTML tags.
fn strip_inline(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        // ![alt](src) → nothing; [text](url) → text
        if (c == '!' && chars.get(i + 1) == Some(&'[')) || c == '[' {
            let open = if c == '!' { i + 1 } else { i };
            if let Some(close) = find(&chars, open + 1, ']') {
                if chars.get(close + 1) == Some(&'(') {
                    if let Some(end) = find(&chars, close + 2, ')') {
                        if c == '[' {
                            out.extend(&chars[open + 1..close]);
                        }
                        i = end + 1;
                        continue;
                    }
                }
            }
        }
        if c == '<' {
            if let Some(end) = find(&chars, i + 1, '>') {
                let tag: String = chars[i + 1..end].iter().collect();
                if tag
                    .chars()
                    .next()
                    .is_some_and(|t| t.is_ascii_alphabetic() || t == '/')
                {
                    i = end + 1;
                    continue;
                }
            }
        }
        let emphasis = matches!(c, '*' | '`' | '~')
            || (c == '_'
                && !(i > 0
                    && chars[i - 1].is_alphanumeric()
                    && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric())));
        if !emphasis {
            out.push(c);
        }
        i += 1;
    }
    out.trim().to_string()
}

fn find(chars: &[char], from: usize, wanted: char) -> Option<usize> {
    chars
        .get(from..)?
        .iter()
        .position(|&c| c == wanted)
        .map(|p| from + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_with_yaml_front_matter() {
        let page = "---\ntitle: \"乡村振兴的新路子\"\ndate: 2022-05-17T08:00:00+08:00\nauthors:\n  - 张三\n  - 李四\ntags: [农业, 收入]\nsource: 吉林日报\n---\n\n# 乡村振兴的新路子\n\n5月的吉林乡村，**绿意涌动**，\n生机盎然。见[链接](https://example.com)。\n\n![图](a.png)\n\n- 第一项\n- 第二项\n";
        let (a, _) = extract_markdown(page).unwrap();
        assert_eq!(a.title.as_deref(), Some("乡村振兴的新路子"));
        assert_eq!(a.date.unwrap().to_string(), "2022-05-17");
        assert_eq!(a.author.as_deref(), Some("张三、李四"));
        assert_eq!(a.source.as_deref(), Some("吉林日报"));
        assert_eq!(
            a.body,
            "5月的吉林乡村，绿意涌动，生机盎然。见链接。\n第一项\n第二项"
        );
    }

    #[test]
    fn markdown_with_toml_front_matter_or_none() {
        let (a, _) = extract_markdown(
            "+++\ntitle = \"标题\"\ndate = 2021-03-08\n+++\n正文 text\nmore words\n",
        )
        .unwrap();
        assert_eq!(a.title.as_deref(), Some("标题"));
        assert_eq!(a.date.unwrap().to_string(), "2021-03-08");
        assert_eq!(a.body, "正文 text more words");
        let (a, _) = extract_markdown("# Heading\n\nsnake_case stays, *emphasis* goes.\n").unwrap();
        assert_eq!(a.title.as_deref(), Some("Heading"));
        assert_eq!(a.body, "snake_case stays, emphasis goes.");
        assert!(extract_markdown("---\ntitle: x\n---\n").is_err());
    }
}
