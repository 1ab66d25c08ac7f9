//! JSON records → articles, with field names mapped by common aliases
//! (`content` → body, `pubdate` → date, `作者` → author…) or by the user
//! (`--field body=content`).

use super::date::{date_from_epoch, parse_field_date};
use super::headline::clean_headline_field;
use super::markup::html_to_text;
use crate::article::Article;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

/// An article field that input fields can be mapped to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArticleField {
    /// The record's own id.
    Id,
    /// Headline.
    Title,
    /// Sub-headline.
    Subtitle,
    /// Article text.
    Body,
    /// Publication date.
    Date,
    /// Outlet.
    Source,
    /// Writer(s).
    Author,
    /// Editor.
    Editor,
    /// Web address.
    Url,
}

impl ArticleField {
    const ALL: [ArticleField; 9] = [
        ArticleField::Id,
        ArticleField::Title,
        ArticleField::Subtitle,
        ArticleField::Body,
        ArticleField::Date,
        ArticleField::Source,
        ArticleField::Author,
        ArticleField::Editor,
        ArticleField::Url,
    ];

    fn name(self) -> &'static str {
        match self {
            ArticleField::Id => "id",
            ArticleField::Title => "title",
            ArticleField::Subtitle => "subtitle",
            ArticleField::Body => "body",
            ArticleField::Date => "date",
            ArticleField::Source => "source",
            ArticleField::Author => "author",
            ArticleField::Editor => "editor",
            ArticleField::Url => "url",
        }
    }

    /// Input field names recognised without a mapping, most specific first.
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            ArticleField::Id => &["id", "_id", "news_id", "docno", "guid", "doc_id", "uuid"],
            ArticleField::Title => &["title", "headline", "contenttitle", "标题", "標題"],
            ArticleField::Subtitle => &["subtitle", "subheadline", "副标题", "副標題"],
            ArticleField::Body => &["body", "content", "text", "article", "正文", "内容", "內容"],
            ArticleField::Date => &[
                "date",
                "time",
                "pubdate",
                "pub_date",
                "publish_time",
                "published_at",
                "publish_date",
                "published",
                "datetime",
                "日期",
                "发布时间",
                "發布時間",
            ],
            ArticleField::Source => &["source", "media", "publisher", "site", "来源", "來源"],
            ArticleField::Author => &["author", "byline", "authors", "作者", "记者", "記者"],
            ArticleField::Editor => &["editor", "编辑", "責任編輯", "责任编辑", "編輯"],
            ArticleField::Url => &["url", "link", "href", "permalink"],
        }
    }
}

impl fmt::Display for ArticleField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ArticleField {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, String> {
        let wanted = name.trim().to_ascii_lowercase();
        ArticleField::ALL
            .into_iter()
            .find(|f| f.name() == wanted)
            .ok_or_else(|| {
                let names: Vec<&str> = ArticleField::ALL.iter().map(|f| f.name()).collect();
                format!(
                    "unknown article field {name:?}; one of: {}",
                    names.join(", ")
                )
            })
    }
}

/// Which input field fills which article field, beyond the built-in aliases.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldMap {
    explicit: HashMap<ArticleField, String>,
}

impl FieldMap {
    /// Adds a mapping written `article_field=input_field` (`body=content`).
    pub fn add(&mut self, spec: &str) -> Result<(), String> {
        let (field, source) = spec
            .split_once('=')
            .ok_or_else(|| format!("{spec:?} is not FIELD=NAME (e.g. body=content)"))?;
        let source = source.trim();
        if source.is_empty() {
            return Err(format!("{spec:?} names no input field"));
        }
        self.explicit.insert(field.parse()?, source.to_string());
        Ok(())
    }

    /// The value for `field` in `record`: the mapped name if there is one, else the
    /// first alias present (names compared without regard to case).
    fn lookup<'a>(&self, record: &'a Map<String, Value>, field: ArticleField) -> Option<&'a Value> {
        if let Some(name) = self.explicit.get(&field) {
            return record.get(name);
        }
        field.aliases().iter().find_map(|alias| {
            record.get(*alias).or_else(|| {
                record
                    .iter()
                    .find(|(key, _)| key.eq_ignore_ascii_case(alias))
                    .map(|(_, v)| v)
            })
        })
    }
}

/// What a JSON record yields: the article, and the record's own id if it has one.
pub fn extract_json_record(
    record: &Map<String, Value>,
    fields: &FieldMap,
) -> Result<(Article, Option<String>), String> {
    let text = |field| fields.lookup(record, field).and_then(value_text);
    let body = fields
        .lookup(record, ArticleField::Body)
        .and_then(value_text)
        .map(|b| clean_body(&b))
        .unwrap_or_default();
    let title = text(ArticleField::Title).and_then(|t| clean_headline_field(&t));
    // A headline without text is still an article people search for (archives hold
    // many); a record with neither is not.
    if body.is_empty() && title.is_none() {
        let tried = match fields.explicit.get(&ArticleField::Body) {
            Some(name) => name.clone(),
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
    let article = Article {
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
    };
    Ok((article, text(ArticleField::Id)))
}

/// A value as text: strings trimmed, numbers written out, lists of names joined with
/// `、`, objects by their `name`. Empty values are `None`.
fn value_text(value: &Value) -> Option<String> {
    let text = match value {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        Value::Bool(_) | Value::Null => return None,
        Value::Array(items) => items
            .iter()
            .filter_map(value_text)
            .collect::<Vec<_>>()
            .join("、"),
        Value::Object(map) => return map.get("name").and_then(value_text),
    };
    (!text.is_empty()).then_some(text)
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

/// Body text with HTML markup (common in CMS exports) turned into paragraphs, and
/// whitespace tidied: one paragraph per line.
fn clean_body(body: &str) -> String {
    let text = if looks_like_html(body) {
        html_to_text(body)
    } else {
        body.to_string()
    };
    text.lines()
        .map(|l| l.trim_matches(|c: char| c.is_whitespace()))
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
