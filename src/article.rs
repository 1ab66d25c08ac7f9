//! The [`Article`]: the contract between the extractor and the index.
//!
//! Whatever an input looks like, extraction ends in an `Article`, and the indexer
//! stores exactly these fields. Unknown metadata is `None`, never guessed.

use serde::{Deserialize, Serialize};
use std::fmt;

/// One news article, as extracted from an input and as stored in the index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Article {
    /// Stable identifier: re-indexing an input with the same id replaces the article.
    pub id: String,
    /// The headline.
    pub title: Option<String>,
    /// The sub-headline (副题), without its leading dashes.
    pub subtitle: Option<String>,
    /// Publication date.
    pub date: Option<Date>,
    /// The outlet that published it (来源), e.g. `吉林日报`.
    pub source: Option<String>,
    /// The writer(s), names only (`孙翠翠`, not `记者 孙翠翠`).
    pub author: Option<String>,
    /// The responsible editor (责任编辑).
    pub editor: Option<String>,
    /// The article's address on the web, when the input names it.
    pub url: Option<String>,
    /// The article text: paragraphs separated by a blank line, site furniture removed.
    pub body: String,
    /// The input the article came from, when it came from a file.
    pub path: Option<String>,
    /// The headline and body as the input wrote them, where cleaning changed them
    /// ([`Article::raw_body`], `baoku show --raw`). Stored, never searched, and left
    /// out of the article's JSON.
    #[serde(skip)]
    pub original: Original,
}

/// What cleaning changed in an article: its headline and body as the input wrote
/// them, each only where cleaning (furniture learned from the source, Markdown or
/// HTML in a record's body, a site's suffix on a record's headline) changed more than
/// its whitespace. Empty for an article read as written, so a clean archive stores
/// nothing more.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Original {
    /// The headline as written, when cleaning changed it.
    pub title: Option<String>,
    /// The body as written, when cleaning changed it.
    pub body: Option<String>,
}

impl Original {
    /// Whether cleaning changed nothing.
    pub fn is_empty(&self) -> bool {
        self.title.is_none() && self.body.is_none()
    }
}

impl Article {
    /// The body as the input wrote it: the original when cleaning changed it, else
    /// the body as stored.
    ///
    /// ```
    /// use baoku::extract::ExtractOptions;
    /// use baoku::{extract_bytes, Article};
    ///
    /// let record = r#"{"id": "a1", "title": "春耕忙_新华网", "body": "田里有**好消息**。"}"#;
    /// let items = extract_bytes("feed.jsonl", record.as_bytes(), &ExtractOptions::default());
    /// let article: &Article = items[0].as_ref().unwrap();
    /// assert_eq!(article.body, "田里有好消息。");
    /// assert_eq!(article.raw_body(), "田里有**好消息**。");
    /// assert_eq!(article.title.as_deref(), Some("春耕忙"));
    /// assert_eq!(article.raw_title(), Some("春耕忙_新华网"));
    /// assert!(article.was_cleaned());
    ///
    /// let plain = Article { body: "正文。".into(), ..Article::default() };
    /// assert_eq!(plain.raw_body(), "正文。");
    /// assert!(!plain.was_cleaned());
    /// ```
    pub fn raw_body(&self) -> &str {
        self.original.body.as_deref().unwrap_or(&self.body)
    }

    /// The headline as the input wrote it: the original when cleaning changed it,
    /// else the headline as stored ([`Article::raw_body`] has an example).
    pub fn raw_title(&self) -> Option<&str> {
        self.original.title.as_deref().or(self.title.as_deref())
    }

    /// Whether cleaning changed the headline or the body (more than whitespace).
    pub fn was_cleaned(&self) -> bool {
        !self.original.is_empty()
    }

    /// Keeps `before`, the body as written, when it differs from the body now in more
    /// than whitespace and no earlier original is kept (the first one is the input's).
    pub(crate) fn keep_original_body(&mut self, before: &str) {
        if self.original.body.is_none() && !same_but_whitespace(before, &self.body) {
            self.original.body = Some(before.to_string());
        }
    }

    /// Keeps `before`, the headline as written, as [`Article::keep_original_body`]
    /// keeps a body.
    pub(crate) fn keep_original_title(&mut self, before: Option<&str>) {
        let Some(before) = before else {
            return;
        };
        let now = self.title.as_deref().unwrap_or("");
        if self.original.title.is_none() && !same_but_whitespace(before, now) {
            self.original.title = Some(before.to_string());
        }
    }
}

/// Whether two texts differ in their whitespace only (tidying is not cleaning).
fn same_but_whitespace(a: &str, b: &str) -> bool {
    fn visible(s: &str) -> impl Iterator<Item = char> + '_ {
        s.chars().filter(|c| !c.is_whitespace())
    }
    a == b || visible(a).eq(visible(b))
}

/// A calendar date (proleptic Gregorian), serialised as `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

impl Date {
    /// Makes a date, or `None` when there is no such day (2022-02-30, month 13…).
    /// Years outside 1000..=9999 are refused: they are misread numbers, not news dates.
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(1000..=9999).contains(&year) || !(1..=12).contains(&month) || day == 0 {
            return None;
        }
        if day > days_in_month(year, month) {
            return None;
        }
        Some(Date {
            year,
            month: month as u8,
            day: day as u8,
        })
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month, 1..=12.
    pub fn month(self) -> u32 {
        u32::from(self.month)
    }

    /// The day of the month, 1..=31.
    pub fn day(self) -> u32 {
        u32::from(self.day)
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date of a day count since 1970-01-01, the inverse of [`Date::days_since_epoch`].
    pub fn from_days_since_epoch(days: i64) -> Option<Date> {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date::new(i32::try_from(year).ok()?, month as u32, day as u32)
    }

    /// Parses exactly `YYYY-MM-DD` (a real date; other spellings are the extractor's
    /// and the query language's business).
    ///
    /// ```
    /// use baoku::Date;
    ///
    /// let date = Date::parse_iso("2022-05-17").unwrap();
    /// assert_eq!((date.year(), date.month(), date.day()), (2022, 5, 17));
    /// assert_eq!(date.to_string(), "2022-05-17");
    /// assert_eq!(Date::from_days_since_epoch(date.days_since_epoch()), Some(date));
    /// assert!(Date::parse_iso("2022-02-30").is_none());
    /// assert!(Date::parse_iso("2022/05/17").is_none());
    /// ```
    pub fn parse_iso(text: &str) -> Option<Date> {
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        let year = text[0..4].parse().ok()?;
        let month = text[5..7].parse().ok()?;
        let day = text[8..10].parse().ok()?;
        Date::new(year, month, day)
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Date::parse_iso(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("not a YYYY-MM-DD date: {text:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_days_that_do_not_exist() {
        assert!(Date::new(2022, 2, 29).is_none());
        assert!(Date::new(2024, 2, 29).is_some());
        assert!(Date::new(1900, 2, 29).is_none());
        assert!(Date::new(2000, 2, 29).is_some());
        assert!(Date::new(2022, 13, 1).is_none());
        assert!(Date::new(2022, 4, 31).is_none());
        assert!(Date::new(22, 4, 3).is_none());
    }

    #[test]
    fn epoch_days_round_trip() {
        assert_eq!(Date::new(1970, 1, 1).unwrap().days_since_epoch(), 0);
        assert_eq!(Date::new(2022, 5, 17).unwrap().days_since_epoch(), 19129);
        for days in [-200_000, -1, 0, 1, 19129, 60_000] {
            let date = Date::from_days_since_epoch(days).unwrap();
            assert_eq!(date.days_since_epoch(), days, "{date}");
        }
    }

    #[test]
    fn iso_text_round_trip() {
        let date = Date::parse_iso("2022-05-17").unwrap();
        assert_eq!(date.to_string(), "2022-05-17");
        assert_eq!(serde_json::to_string(&date).unwrap(), "\"2022-05-17\"");
        assert!(Date::parse_iso("2022-5-17").is_none());
    }
}
