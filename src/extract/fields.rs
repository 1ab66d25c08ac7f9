//! Article fields from the fields of a record: which input field fills which article
//! field ([`FieldMap`]: built-in aliases such as `content` → body, `作者` → author,
//! or the user's `--field body=content`), and what a JSON value says as a field's
//! text ([`field_text`]).
//!
//! This module owns field names and values; it must not parse a record's format
//! (JSON records, JSON-LD in HTML pages use it).

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

    /// The input field name the user mapped `field` to, if any.
    pub(super) fn explicit(&self, field: ArticleField) -> Option<&str> {
        self.explicit.get(&field).map(String::as_str)
    }

    /// The value for `field` in `record`: the mapped name if there is one, else the
    /// first alias present (names compared without regard to case).
    pub(super) fn lookup<'a>(
        &self,
        record: &'a Map<String, Value>,
        field: ArticleField,
    ) -> Option<&'a Value> {
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

/// A JSON value as the text of an article field: strings trimmed, numbers written out,
/// objects by their `name` (`{"@type": "Person", "name": "张三"}`), lists joined with
/// `、` (`["张三", {"name": "李四"}]` is `张三、李四`). Empty values are `None`.
///
/// The one reading of people (and any other field) from JSON: JSON records and the
/// JSON-LD of HTML pages both use it.
pub fn field_text(value: &Value) -> Option<String> {
    let text = match value {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        Value::Bool(_) | Value::Null => return None,
        Value::Array(items) => items
            .iter()
            .filter_map(field_text)
            .collect::<Vec<_>>()
            .join("、"),
        Value::Object(map) => return map.get("name").and_then(field_text),
    };
    (!text.is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn people_and_other_values_as_text() {
        for (value, expected) in [
            (json!("  张三 "), Some("张三")),
            (json!("张三、李四"), Some("张三、李四")),
            (json!(["张三", "李四"]), Some("张三、李四")),
            (
                json!([{"@type": "Person", "name": "张三"}, "李四"]),
                Some("张三、李四"),
            ),
            (
                json!({"@type": "Organization", "name": "中国青年网"}),
                Some("中国青年网"),
            ),
            (json!(["", {"name": " "}, "王五"]), Some("王五")),
            (json!(42), Some("42")),
            (json!([]), None),
            (json!(""), None),
            (json!(null), None),
            (json!(true), None),
            (json!({"id": 3}), None),
        ] {
            assert_eq!(field_text(&value).as_deref(), expected, "{value}");
        }
    }
}
