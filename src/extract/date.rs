//! Dates as news pages and exports write them.
//!
//! `2022年05月17日`, `2022年5月17日 星期二`, `2022-05-17 08:30:00`, `2022/5/17`,
//! `2022.05.17`, `20220517`, Republic-of-China years (`111年5月22日`, Taiwan), the
//! date in an address (`/2022-05/17/`), and the instants that machine-readable fields
//! hold: ISO 8601 times with an offset (`2022-05-16T23:30:00Z`) and Unix timestamps.
//!
//! The archive's readers live at UTC+8 (mainland China, Hong Kong, Macau, Taiwan): an
//! instant is dated as they saw it, so `2022-05-16T23:30:00Z` is 2022-05-17 whichever
//! format states it. A date written without a time, or a time without an offset,
//! stays the day it says.
//!
//! This module owns reading dates for every format; it must not decide which field or
//! line of a page states the publication date (each format does that).

use crate::analyze::normalize_str;
use crate::article::Date;
use regex::Regex;
use std::sync::LazyLock;

static YMD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^0-9])(\d{4}|1\d\d)\s*(?:年|[-/.])\s*(\d{1,2})\s*(?:月|[-/.])\s*(\d{1,2})(?:[^0-9]|$)")
        .expect("valid regex")
});

/// `7/5/2005`: month/day/year, as pages made with American software write dates
/// (`发布日期： 7/5/2005 9:23:57 PM`). Only with slashes and a four-digit year last.
static MDY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^0-9/])(\d{1,2})/(\d{1,2})/((?:19|20)\d\d)(?:[^0-9/]|$)")
        .expect("valid regex")
});

static COMPACT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^0-9])(\d{4})(\d{2})(\d{2})(?:[^0-9]|$)").expect("valid regex")
});

/// Finds the first date written in `text` (normalised): year first (`2022年5月17日`,
/// `2022-05-17`), else month/day/year with slashes (`7/5/2005`). Returns the date and
/// the byte range of the match in `text`.
pub fn find_date(text: &str) -> Option<(Date, std::ops::Range<usize>)> {
    find_ymd(text).or_else(|| {
        MDY.captures_iter(text).find_map(|caps| {
            let date = Date::new(
                caps[3].parse().ok()?,
                caps[1].parse().ok()?,
                caps[2].parse().ok()?,
            )?;
            Some((date, caps.get(0).expect("group 0").range()))
        })
    })
}

fn find_ymd(text: &str) -> Option<(Date, std::ops::Range<usize>)> {
    for caps in YMD.captures_iter(text) {
        let year_text = &caps[1];
        let mut year: i32 = year_text.parse().ok()?;
        if year_text.len() == 3 {
            // 民国 (ROC) year, as Taiwanese outlets write them: 111年 = 2022.
            if !caps[0].contains('年') {
                continue;
            }
            year += 1911;
        }
        let month = caps[2].parse().ok()?;
        let day = caps[3].parse().ok()?;
        if let Some(date) = Date::new(year, month, day) {
            let whole = caps.get(0).expect("group 0");
            return Some((date, whole.range()));
        }
    }
    None
}

/// Parses the value of a labelled date field: the first date written in it, and also the
/// compact `20220517` form, which is only trusted behind a date label.
pub fn parse_date_value(text: &str) -> Option<Date> {
    if let Some((date, _)) = find_date(text) {
        return Some(date);
    }
    let caps = COMPACT.captures(text)?;
    Date::new(
        caps[1].parse().ok()?,
        caps[2].parse().ok()?,
        caps[3].parse().ok()?,
    )
}

/// A year alone (`2019`), as a page that sets the year and the day apart shows it.
static YEAR_ALONE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*((?:19|20)\d\d)\s*年?\s*$").expect("valid regex"));
/// A month and day alone (`09/07`, `09-07`, `9月7日`).
static MONTH_DAY_ALONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(\d{1,2})\s*(?:月|[-/.])\s*(\d{1,2})\s*日?\s*$").expect("valid regex")
});

/// The date a page writes over two elements, the year in one and the month and day
/// in the other, in either order: `2019` + `09/07`, `09-07` + `2019`. Both texts are
/// normalised; anything else in them makes it no date.
///
/// ```
/// use baoku::extract::split_date;
/// assert_eq!(split_date("2019", "09/07").unwrap().to_string(), "2019-09-07");
/// assert_eq!(split_date("9月7日", "2019年").unwrap().to_string(), "2019-09-07");
/// assert!(split_date("2019", "共9页").is_none());
/// ```
pub fn split_date(first: &str, second: &str) -> Option<Date> {
    let (year, month_day) = match YEAR_ALONE.captures(first) {
        Some(year) => (year, MONTH_DAY_ALONE.captures(second)?),
        None => (
            YEAR_ALONE.captures(second)?,
            MONTH_DAY_ALONE.captures(first)?,
        ),
    };
    Date::new(
        year[1].parse().ok()?,
        month_day[1].parse().ok()?,
        month_day[2].parse().ok()?,
    )
}

/// The readers' time zone, UTC+8, in seconds east of UTC.
const CHINA_OFFSET_SECONDS: i64 = 8 * 3600;

const SECONDS_PER_DAY: i64 = 86_400;

/// The date of a Unix timestamp (seconds, or milliseconds when it has 13 digits) in
/// China time (UTC+8), where the news was dated.
pub fn date_from_epoch(timestamp: i64) -> Option<Date> {
    let seconds = if timestamp.abs() >= 100_000_000_000 {
        timestamp / 1000
    } else {
        timestamp
    };
    Date::from_days_since_epoch((seconds + CHINA_OFFSET_SECONDS).div_euclid(SECONDS_PER_DAY))
}

/// An ISO 8601 time with an explicit offset: `2022-05-16T23:30:00Z`,
/// `2022-05-17T07:30:00+08:00`, `2022-05-17T00:30:00+0900`.
static ZONED_TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^\s*(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})\s*$",
    )
    .expect("valid regex")
});

/// The China-time date of an ISO 8601 time with an explicit offset.
fn date_from_zoned_time(value: &str) -> Option<Date> {
    let caps = ZONED_TIME.captures(value)?;
    let number = |i: usize| caps[i].parse::<i64>().ok();
    let day = Date::new(
        i32::try_from(number(1)?).ok()?,
        u32::try_from(number(2)?).ok()?,
        u32::try_from(number(3)?).ok()?,
    )?;
    let zone = &caps[6];
    let offset_minutes = if zone == "Z" {
        0
    } else {
        let digits: String = zone[1..].chars().filter(char::is_ascii_digit).collect();
        let minutes = digits[..2].parse::<i64>().ok()? * 60 + digits[2..].parse::<i64>().ok()?;
        if zone.starts_with('-') {
            -minutes
        } else {
            minutes
        }
    };
    let minute_of_day = number(4)? * 60 + number(5)?;
    let shifted = minute_of_day - offset_minutes + CHINA_OFFSET_SECONDS / 60;
    Date::from_days_since_epoch(day.days_since_epoch() + shifted.div_euclid(24 * 60))
}

/// The date a machine-readable field states (a `<meta>` tag, JSON-LD, a JSON record's
/// date, Markdown front matter): an ISO time with an offset or a Unix timestamp (10 or
/// 13 digits) in China time, else any form [`parse_date_value`] reads, as written.
pub fn parse_field_date(value: &str) -> Option<Date> {
    let value = value.trim();
    if (value.len() == 10 || value.len() == 13) && value.bytes().all(|b| b.is_ascii_digit()) {
        if let Some(date) = value.parse().ok().and_then(date_from_epoch) {
            return Some(date);
        }
    }
    date_from_zoned_time(value).or_else(|| parse_date_value(&normalize_str(value)))
}

/// A date in the address: `/2022-05/17/`, `/2022/05/17/`, `/20220517/`, `/202205/17/`,
/// `/2022/0517/`, `t20220517_123.html`.
static URL_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^0-9])((?:19|20)\d\d)[-_/]?(\d\d)[-_/]?(\d\d)(?:[^0-9]|$)")
        .expect("valid regex")
});
/// `/2022/5/7/`: one-digit month or day need separators on both sides.
static URL_DATE_SHORT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"/((?:19|20)\d\d)[-/](\d\d?)[-/](\d\d?)/").expect("valid regex"));

/// The date written in a news URL's path (never its host).
pub fn date_from_url(url: &str) -> Option<Date> {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    // The host's digits are not a date.
    let path = after_scheme.find('/').map_or("", |at| &after_scheme[at..]);
    for pattern in [&*URL_DATE, &*URL_DATE_SHORT] {
        for caps in pattern.captures_iter(path) {
            let date = Date::new(
                caps[1].parse().ok()?,
                caps[2].parse().ok()?,
                caps[3].parse().ok()?,
            );
            if date.is_some() {
                return date;
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Option<String> {
        parse_date_value(text).map(|d| d.to_string())
    }

    #[test]
    fn news_date_forms() {
        for (text, expected) in [
            ("2022年05月17日", "2022-05-17"),
            ("2022年5月17日 星期二", "2022-05-17"),
            ("2022-05-17 08:30:00", "2022-05-17"),
            ("2022/5/17", "2022-05-17"),
            ("2022.05.17", "2022-05-17"),
            ("2022年05月18日08:16 |", "2022-05-18"),
            ("20220517", "2022-05-17"),
            ("111年5月22日", "2022-05-22"),
            ("发布于 2019 年 3 月 8 日", "2019-03-08"),
            // Month/day/year, as American software writes it.
            ("发布日期: 7/5/2005 9:23:57 PM", "2005-07-05"),
            ("12/31/2004", "2004-12-31"),
        ] {
            assert_eq!(date(text).as_deref(), Some(expected), "{text}");
        }
    }

    #[test]
    fn dates_in_addresses() {
        for (url, expected) in [
            (
                "http://www.xinhuanet.com/local/2020-02/19/c_1125597921.htm",
                "2020-02-19",
            ),
            (
                "https://tv.cctv.com/2024/12/03/VIDECsX95sanQyjGyz5eubal241203.shtml",
                "2024-12-03",
            ),
            (
                "http://www.banyuetan.org/jmcs/detail/20200102/1000200033_1.html",
                "2020-01-02",
            ),
            (
                "https://china.chinadaily.com.cn/a/202311/17/WS65571297a3.html",
                "2023-11-17",
            ),
            (
                "http://politics.people.com.cn/n1/2022/0517/c1001-32423306.html",
                "2022-05-17",
            ),
            (
                "http://www.gov.cn/xinwen/2022-05/17/content_5690785.htm",
                "2022-05-17",
            ),
            (
                "http://www.example.gov.cn/art/2021/3/8/art_1_2.html",
                "2021-03-08",
            ),
            (
                "http://www.example.cn/zwgk/t20220517_123456.html",
                "2022-05-17",
            ),
            (
                "http://gongyi.sohu.com/20120706/n347457739.shtml",
                "2012-07-06",
            ),
        ] {
            assert_eq!(
                date_from_url(url).map(|d| d.to_string()).as_deref(),
                Some(expected),
                "{url}"
            );
        }
        for url in [
            "http://www.xinhuanet.com/c_1125597921.htm",
            "http://20220517.example.com/a.html",
            "http://www.example.com/news/123456789012.html",
            "http://www.example.com/2022-13/45/a.html",
        ] {
            assert_eq!(date_from_url(url), None, "{url}");
        }
    }

    #[test]
    fn field_dates_are_china_time_for_instants_and_as_written_otherwise() {
        let day = |v: &str| parse_field_date(v).map(|d| d.to_string());
        for (value, expected) in [
            ("2022-05-16T23:30:00Z", "2022-05-17"),
            ("2022-05-16T15:59:59.123Z", "2022-05-16"),
            ("2022-05-17T07:30:00+08:00", "2022-05-17"),
            ("2022-05-17T00:30:00+0900", "2022-05-16"),
            ("2022-12-31T20:00:00-05:00", "2023-01-01"),
            // 2022-05-16T16:30:00Z, 00:30 in Beijing.
            ("1652718600", "2022-05-17"),
            ("1652718600000", "2022-05-17"),
            // No offset: the day written.
            ("2022-05-16 23:30", "2022-05-16"),
            ("2022-05-16T23:30:00", "2022-05-16"),
            ("2022-05-16", "2022-05-16"),
            ("20220516", "2022-05-16"),
            ("２０２２年５月１６日", "2022-05-16"),
        ] {
            assert_eq!(day(value).as_deref(), Some(expected), "{value}");
        }
        assert_eq!(day("yesterday"), None);
    }

    #[test]
    fn impossible_or_partial_dates_are_not_dates() {
        for text in [
            "2022年2月30日",
            "5月17日",
            "2022-13-01",
            "12662元",
            "123/4/5",
            "99999999",
            "13/5/2005",
            "1/2/3/2005",
        ] {
            assert_eq!(date(text), None, "{text}");
        }
    }
}
