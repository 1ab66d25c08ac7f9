//! JSON and JSON Lines: each object is an article, with field names mapped by
//! common aliases (`content` → body, `pubdate` → date, `作者` → author…) or by the
//! user (`--field body=content`, see [`FieldMap`]).
//!
//! This module owns JSON records; which name means which field is `fields.rs`'s.

use super::date::{date_from_epoch, parse_field_date};
use super::fields::{field_text, ArticleField, FieldMap};
use super::format::{Articles, FormatInfo, InputFormat};
use super::headline::clean_headline_field;
use super::html_fragment::html_to_text;
use super::markdown::{looks_like_markdown, markdown_line_to_text};
use crate::article::Article;
use crate::source::{read_lines_of_text, Layout, Origin, Problem, ProblemKind, RawDoc, Record};
use serde_json::{Map, Value};

/// JSON files (`.json`): one object, an array of objects (one article each), or —
/// misnamed — JSON Lines.
pub struct Json;

impl InputFormat for Json {
    fn info(&self) -> &'static FormatInfo {
        &FormatInfo {
            name: "json",
            aliases: &[],
            extensions: &["json"],
            layout: Layout::Whole,
        }
    }

    fn read(&self, doc: &RawDoc, out: &mut Articles<'_>) {
        let value: Value = match serde_json::from_str(&doc.text) {
            Ok(value) => value,
            Err(e)
                if e.classify() == serde_json::error::Category::Syntax
                    && looks_like_json_lines(&doc.text) =>
            {
                let outcome =
                    read_lines_of_text(&doc.origin, JsonLines.format(), &doc.text, &mut |line| {
                        match line {
                            Ok(line) => {
                                JsonLines.read(&line, out);
                                out.going()
                            }
                            Err(problem) => out.problem(problem),
                        }
                    });
                if let Err(problem) = outcome {
                    out.problem(problem);
                }
                return;
            }
            Err(e) => {
                out.problem(malformed(&doc.origin, format!("malformed JSON: {e}")));
                return;
            }
        };
        match value {
            Value::Array(items) => {
                for (index, item) in items.into_iter().enumerate() {
                    if !read_record(&doc.origin.record(Record::Element(index)), item, out) {
                        break;
                    }
                }
            }
            other => {
                read_record(&doc.origin, other, out);
            }
        }
    }
}

/// JSON Lines (`.jsonl`, `.ndjson`): one object per line, read a line at a time.
pub struct JsonLines;

impl InputFormat for JsonLines {
    fn info(&self) -> &'static FormatInfo {
        &FormatInfo {
            name: "jsonl",
            aliases: &["ndjson"],
            extensions: &["jsonl", "ndjson"],
            layout: Layout::Lines,
        }
    }

    fn read(&self, doc: &RawDoc, out: &mut Articles<'_>) {
        match serde_json::from_str(&doc.text) {
            Ok(value) => read_record(&doc.origin, value, out),
            Err(e) => out.problem(malformed(&doc.origin, format!("malformed JSON: {e}"))),
        };
    }
}

fn malformed(origin: &Origin, reason: String) -> Problem {
    Problem::new(origin, ProblemKind::Malformed, reason)
}

fn looks_like_json_lines(text: &str) -> bool {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    matches!((lines.next(), lines.next()), (Some(a), Some(b)) if a.starts_with('{') && b.starts_with('{'))
}

/// One record: an object is an article; anything else is a problem.
fn read_record(origin: &Origin, value: Value, out: &mut Articles<'_>) -> bool {
    let read = match value {
        Value::Object(record) => extract_json_record(&record, out.fields()),
        other => Err(format!(
            "expected a JSON object (one article), found {}",
            json_kind(&other)
        )),
    };
    out.record(origin, read)
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// What a JSON record yields: the article, and the record's own id if it has one.
pub fn extract_json_record(
    record: &Map<String, Value>,
    fields: &FieldMap,
) -> Result<(Article, Option<String>), String> {
    let text = |field| fields.lookup(record, field).and_then(field_text);
    let raw_body = text(ArticleField::Body);
    let body = raw_body.as_deref().map(clean_body).unwrap_or_default();
    let raw_title = text(ArticleField::Title);
    let title = raw_title.as_deref().and_then(clean_headline_field);
    // A headline without text is still an article people search for (archives hold
    // many); a record with neither is not.
    if body.is_empty() && title.is_none() {
        let tried = match fields.explicit(ArticleField::Body) {
            Some(name) => name.to_string(),
            None => ArticleField::Body.aliases().join(", "),
        };
        return Err(format!(
            "no article: no title and no text in {tried} (name the body field with --field body=NAME)"
        ));
    }
    let date = match fields.lookup(record, ArticleField::Date) {
        None | Some(Value::Null) => None,
        Some(value) => Some(parse_json_date(value).ok_or_else(|| {
            format!("date {value} is not a date (expected e.g. 2022-05-17, 2022年05月17日 or epoch seconds)")
        })?),
    };
    let mut article = Article {
        id: String::new(),
        title,
        subtitle: text(ArticleField::Subtitle),
        date,
        source: text(ArticleField::Source),
        author: text(ArticleField::Author),
        editor: text(ArticleField::Editor),
        url: text(ArticleField::Url),
        body,
        path: None,
        original: Default::default(),
    };
    // What the record wrote, where Markdown, HTML or a headline's suffix was cleaned.
    article.keep_original_title(raw_title.as_deref());
    if let Some(raw_body) = &raw_body {
        article.keep_original_body(raw_body);
    }
    Ok((article, text(ArticleField::Id)))
}

/// Dates as exports write them: text in any form a date field may take
/// ([`parse_field_date`]), or epoch seconds / milliseconds as numbers, in China time.
fn parse_json_date(value: &Value) -> Option<crate::article::Date> {
    match value {
        Value::Number(n) => date_from_epoch(n.as_i64().or_else(|| n.as_f64().map(|f| f as i64))?),
        Value::String(s) => parse_field_date(s),
        _ => None,
    }
}

/// Body text with HTML markup (common in CMS exports) turned into paragraphs, Markdown
/// (scrapers' exports) into text line by line, and whitespace tidied: one paragraph per
/// line.
fn clean_body(body: &str) -> String {
    let text = if looks_like_html(body) {
        html_to_text(body)
    } else {
        body.to_string()
    };
    let markdown = looks_like_markdown(&text);
    text.lines()
        .map(|l| {
            let l = l.trim_matches(|c: char| c.is_whitespace());
            if markdown {
                markdown_line_to_text(l)
            } else {
                l.to_string()
            }
        })
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

fn looks_like_html(text: &str) -> bool {
    ["<p>", "<p ", "<br", "</p>", "</div>", "<div"]
        .iter()
        .any(|tag| text.contains(tag))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn extract(value: Value, fields: &FieldMap) -> Result<(Article, Option<String>), String> {
        extract_json_record(value.as_object().unwrap(), fields)
    }

    #[test]
    fn aliases_fill_the_article() {
        let (a, id) = extract(
            json!({"news_id": 42, "headline": "标题", "content": "<p>第一段</p><p>第二段</p>",
                   "pub_date": "2022年05月17日", "media": "吉林日报", "authors": ["张三", "李四"],
                   "link": "https://example.com/a"}),
            &FieldMap::default(),
        )
        .unwrap();
        assert_eq!(id.as_deref(), Some("42"));
        assert_eq!(a.title.as_deref(), Some("标题"));
        assert_eq!(a.body, "第一段\n第二段");
        assert_eq!(a.date.unwrap().to_string(), "2022-05-17");
        assert_eq!(a.source.as_deref(), Some("吉林日报"));
        assert_eq!(a.author.as_deref(), Some("张三、李四"));
        assert_eq!(a.url.as_deref(), Some("https://example.com/a"));
    }

    /// Markdown in a record's body is read as text, line by line; plain text keeps its
    /// `*` and `~`.
    #[test]
    fn markdown_bodies_become_text() {
        let (a, _) = extract(
            json!({"title": "博客 | 眾城_眾新聞", "body": "## 小標題\n正文有**重點**和[連結](https://example.com)。\n![圖](a.png)\n\n**博客 | 眾城**"}),
            &FieldMap::default(),
        )
        .unwrap();
        assert_eq!(a.body, "小標題\n正文有重點和連結。\n博客 | 眾城");
        assert_eq!(a.title.as_deref(), Some("博客 | 眾城"));
        let (plain, _) = extract(
            json!({"body": "7月6日~19日，5*3=15。\n第二段"}),
            &FieldMap::default(),
        )
        .unwrap();
        assert_eq!(plain.body, "7月6日~19日，5*3=15。\n第二段");
    }

    /// Record titles lose their site suffix by the rules every headline follows.
    #[test]
    fn record_titles_lose_site_suffixes() {
        for (title, expected) in [
            ("Win10更新推送新功能_win10之家", "Win10更新推送新功能"),
            ("苹果发布新款手机 - IT之家", "苹果发布新款手机"),
            ("春耕忙_科技_新华网", "春耕忙"),
        ] {
            let (a, _) =
                extract(json!({"title": title, "body": "x"}), &FieldMap::default()).unwrap();
            assert_eq!(a.title.as_deref(), Some(expected), "{title}");
        }
    }

    #[test]
    fn epoch_dates_are_china_time() {
        // 2022-05-16T16:30:00Z is 2022-05-17 00:30 in Beijing.
        for date in [
            json!(1652718600),
            json!(1652718600000i64),
            json!("1652718600"),
        ] {
            let (a, _) = extract(json!({"body": "x", "time": date}), &FieldMap::default()).unwrap();
            assert_eq!(a.date.unwrap().to_string(), "2022-05-17");
        }
        let (a, _) = extract(
            json!({"body": "x", "date": "2022-05-17T08:30:00+08:00"}),
            &FieldMap::default(),
        )
        .unwrap();
        assert_eq!(a.date.unwrap().to_string(), "2022-05-17");
    }

    #[test]
    fn explicit_mapping_wins_and_errors_say_what_to_do() {
        let mut fields = FieldMap::default();
        fields.add("body=正文2").unwrap();
        fields.add("date=pub_time").unwrap();
        let (a, _) = extract(
            json!({"content": "不是这个", "正文2": "是这个", "pub_time": "2020/1/2"}),
            &fields,
        )
        .unwrap();
        assert_eq!(a.body, "是这个");
        assert_eq!(a.date.unwrap().to_string(), "2020-01-02");

        let err = extract(json!({"headline": ""}), &FieldMap::default()).unwrap_err();
        assert!(err.contains("--field body="), "{err}");
        let (title_only, _) = extract(
            json!({"title": "只有标题", "body": ""}),
            &FieldMap::default(),
        )
        .unwrap();
        assert_eq!(
            (title_only.title.as_deref(), title_only.body.as_str()),
            (Some("只有标题"), "")
        );
        let err = extract(
            json!({"body": "x", "date": "yesterday"}),
            &FieldMap::default(),
        )
        .unwrap_err();
        assert!(err.contains("not a date"), "{err}");
        assert!(FieldMap::default().add("headline").is_err());
        assert!(FieldMap::default()
            .add("heading=x")
            .unwrap_err()
            .contains("one of"));
    }
}
