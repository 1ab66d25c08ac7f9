//! Dates as news pages write them.
//!
//! `2022年05月17日`, `2022年5月17日 星期二`, `2022-05-17 08:30:00`, `2022/5/17`,
//! `2022.05.17`, `20220517`, and Republic-of-China years (`111年5月22日`, Taiwan).
//! Input is normalised text (half-width digits).

use crate::article::Date;
use regex::Regex;
use std::sync::LazyLock;

static YMD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^0-9])(\d{4}|1\d\d)\s*(?:年|[-/.])\s*(\d{1,2})\s*(?:月|[-/.])\s*(\d{1,2})(?:[^0-9]|$)")
        .expect("valid regex")
});

static COMPACT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^0-9])(\d{4})(\d{2})(\d{2})(?:[^0-9]|$)").expect("valid regex")
});

/// Finds the first date written in `text` (normalised). Returns the date and the byte
/// range of the match in `text`.
pub fn find_date(text: &str) -> Option<(Date, std::ops::Range<usize>)> {
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

/// Parses the value of a labelled date field: like [`find_date`], and also the
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

/// The date of a Unix timestamp (seconds, or milliseconds when it has 13 digits) in
/// China time (UTC+8), where the news was dated.
pub fn date_from_epoch(timestamp: i64) -> Option<Date> {
    let seconds = if timestamp.abs() >= 100_000_000_000 {
        timestamp / 1000
    } else {
        timestamp
    };
    Date::from_days_since_epoch((seconds + 8 * 3600).div_euclid(86_400))
}

static URL_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"/(20\d{2}|19\d{2})[-/_]?(\d{2})[-/_]?(\d{2})(?:[/_.-]|$)|/(20\d{2}|19\d{2})[-_]?(\d{2})/(\d{2})/")
        .expect("valid regex")
});

/// The date written in a news URL: `/20120706/`, `/2022-05/17/`, `/2019/07/20/`,
/// `/2022-05-17/`.
pub fn date_from_url(url: &str) -> Option<Date> {
    for caps in URL_DATE.captures_iter(url) {
        let (y, m, d) = if caps.get(1).is_some() {
            (&caps[1], &caps[2], &caps[3])
        } else {
            (&caps[4], &caps[5], &caps[6])
        };
        if let Some(date) = Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?) {
            return Some(date);
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
        ] {
            assert_eq!(date(text).as_deref(), Some(expected), "{text}");
        }
    }

    #[test]
    fn dates_in_urls() {
        for (url, expected) in [
            (
                "http://gongyi.sohu.com/20120706/n347457739.shtml",
                "2012-07-06",
            ),
            (
                "http://www.xinhuanet.com/2022-05/17/c_1128659123.htm",
                "2022-05-17",
            ),
            (
                "https://tv.cctv.com/2012/07/02/VIDE1355098166246193.shtml",
                "2012-07-02",
            ),
            (
                "https://example.com/news/2021-03-08/item.html",
                "2021-03-08",
            ),
        ] {
            assert_eq!(
                date_from_url(url).map(|d| d.to_string()).as_deref(),
                Some(expected),
                "{url}"
            );
        }
        assert_eq!(
            date_from_url("https://example.com/news/12345678.html"),
            None
        );
        assert_eq!(
            date_from_url("http://culture.people.com.cn/n1/2019/0720/c1013-31245678.html")
                .map(|d| d.to_string())
                .as_deref(),
            Some("2019-07-20")
        );
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
        ] {
            assert_eq!(date(text), None, "{text}");
        }
    }
}
