//! Trends over time: for each query, how many articles match per day, week, month or
//! year — every match counted, not a page of hits.
//!
//! A [`TrendRequest`] names the queries (any query of the language: phrases, `OR`,
//! `source:`, `date:`), the [`Filters`] all of them share and the [`Interval`]; the
//! [`Trend`] answer has one [`Series`] per query, every series over the same periods
//! (from the first to the last period any of them matches, zeros between), so that
//! they can be drawn in one chart or written as one table. Reprints
//! of one story count once, in the period of the story's earliest article, unless
//! `collapse` is off; then a series' counts (with its `undated`) sum to the `total` of
//! `baoku search --no-collapse`. This module counts; it must not print.

use crate::article::Date;
use crate::error::{Error, Result};
use crate::index::Archive;
use crate::schema::IndexSchema;
use crate::search::collect::{AllMatches, Candidate};
use crate::search::query::Expr;
use crate::search::rank::stories;
use crate::search::{strict_query, understand, Filters};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use std::time::Instant;

/// Most periods one trend has: a daily trend over 50 years. More is a mistake (a
/// misdated article in the year 1000) or a chart nobody can read.
pub const MAX_PERIODS: usize = 20_000;

/// Most queries one trend compares.
pub const MAX_QUERIES: usize = 10;

/// The length of a trend's periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Interval {
    /// Calendar days, `2022-05-17`.
    Day,
    /// ISO weeks, Monday to Sunday, `2022-W20` (the year is the ISO week's year).
    Week,
    /// Calendar months, `2022-05`.
    #[default]
    Month,
    /// Calendar years, `2022`.
    Year,
}

impl Interval {
    /// Every interval, shortest first, with its name.
    pub const ALL: [(&'static str, Interval); 4] = [
        ("day", Interval::Day),
        ("week", Interval::Week),
        ("month", Interval::Month),
        ("year", Interval::Year),
    ];

    /// The period holding a day (days since 1970-01-01), as a number that grows by
    /// [`Interval::step`] from one period to the next.
    fn key(self, day: i64) -> i64 {
        match self {
            Interval::Day => day,
            // 1970-01-01 was a Thursday: its Monday is three days earlier.
            Interval::Week => day - (day + 3).rem_euclid(7),
            Interval::Month => {
                date_of(day).map_or(0, |d| i64::from(d.year()) * 12 + i64::from(d.month()) - 1)
            }
            Interval::Year => date_of(day).map_or(0, |d| i64::from(d.year())),
        }
    }

    fn step(self) -> i64 {
        match self {
            Interval::Week => 7,
            _ => 1,
        }
    }

    /// How the period of `key` is written.
    fn label(self, key: i64) -> String {
        match self {
            Interval::Day => date_of(key).map_or_else(String::new, |d| d.to_string()),
            Interval::Week => {
                // The ISO week belongs to the year of its Thursday.
                let thursday = key + 3;
                let Some(date) = date_of(thursday) else {
                    return String::new();
                };
                let first = Date::new(date.year(), 1, 1).map_or(thursday, |d| d.days_since_epoch());
                format!("{:04}-W{:02}", date.year(), (thursday - first) / 7 + 1)
            }
            Interval::Month => format!("{:04}-{:02}", key.div_euclid(12), key.rem_euclid(12) + 1),
            Interval::Year => format!("{key:04}"),
        }
    }
}

fn date_of(day: i64) -> Option<Date> {
    Date::from_days_since_epoch(day)
}

impl FromStr for Interval {
    type Err = String;

    /// `day`, `week`, `month` or `year`.
    fn from_str(text: &str) -> std::result::Result<Interval, String> {
        Interval::ALL
            .iter()
            .find(|(name, _)| *name == text)
            .map(|(_, interval)| *interval)
            .ok_or_else(|| format!("must be day, week, month or year, not {text:?}"))
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = Interval::ALL
            .iter()
            .find(|(_, interval)| interval == self)
            .map_or("month", |(name, _)| name);
        f.write_str(name)
    }
}

/// What to count: the queries, the filters they share, the periods.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TrendRequest {
    /// The queries, one series each (at most [`MAX_QUERIES`]).
    pub queries: Vec<String>,
    /// Date, source and author filters applied to every query.
    pub filters: Filters,
    /// The length of a period.
    pub by: Interval,
    /// Count the reprints of one story once (in the period of its earliest article).
    pub collapse: bool,
    /// Give each count's share of all articles the filters admit in its period.
    pub share: bool,
}

impl Default for TrendRequest {
    fn default() -> Self {
        TrendRequest {
            queries: Vec::new(),
            filters: Filters::default(),
            by: Interval::Month,
            collapse: true,
            share: false,
        }
    }
}

impl TrendRequest {
    /// A month-by-month trend of these queries, reprints counted once.
    pub fn new<S: Into<String>>(queries: impl IntoIterator<Item = S>) -> TrendRequest {
        TrendRequest {
            queries: queries.into_iter().map(Into::into).collect(),
            ..TrendRequest::default()
        }
    }
}

/// The answer to a [`TrendRequest`]: the JSON of `baoku trend --json` and
/// `/api/trend`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trend {
    /// The length of a period.
    pub by: Interval,
    /// Whether reprints were counted once.
    pub collapse: bool,
    /// One per query, in the order asked.
    pub series: Vec<Series>,
    /// Milliseconds spent counting.
    pub took_ms: f64,
}

/// The counts of one query.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    /// The query as given.
    pub query: String,
    /// Matching articles (stories when reprints are collapsed), dated or not: the
    /// counts of `points` and `undated` together.
    pub total: u64,
    /// Matches without a date, in no period.
    pub undated: u64,
    /// How the query was read (as `search --json`'s `notes`).
    #[serde(default)]
    pub notes: Vec<String>,
    /// One per period, in order, the same periods in every series; periods without a
    /// match have count 0.
    pub points: Vec<Point>,
}

/// One period of a series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// `2022-05-17`, `2022-W20`, `2022-05` or `2022`.
    pub period: String,
    /// Matching articles (or stories) in it.
    pub count: u64,
    /// `count` over all articles the filters admit in the period (0 when there are
    /// none), when asked for.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub share: Option<f64>,
}

impl Archive {
    /// Counts the matches of each query per period.
    ///
    /// ```
    /// use baoku::research::{Interval, TrendRequest};
    /// use baoku::{Archive, Article, Date};
    ///
    /// # fn main() -> baoku::Result<()> {
    /// let dir = tempfile::tempdir().unwrap();
    /// let archive = Archive::create(dir.path().join("index"))?;
    /// let mut writer = archive.writer()?;
    /// for (id, date, body) in [
    ///     ("a", (2022, 5, 3), "台风登陆广东"),
    ///     ("b", (2022, 5, 20), "台风过后暴雨不断"),
    ///     ("c", (2022, 7, 1), "暴雨预警"),
    /// ] {
    ///     writer.upsert(&Article {
    ///         id: id.into(),
    ///         date: Date::new(date.0, date.1, date.2),
    ///         body: body.into(),
    ///         ..Article::default()
    ///     })?;
    /// }
    /// writer.commit()?;
    ///
    /// let trend = archive.trend(&TrendRequest::new(["台风", "暴雨"]))?;
    /// assert_eq!(trend.by, Interval::Month);
    /// let typhoon: Vec<(&str, u64)> = trend.series[0]
    ///     .points
    ///     .iter()
    ///     .map(|p| (p.period.as_str(), p.count))
    ///     .collect();
    /// assert_eq!(typhoon, [("2022-05", 2), ("2022-06", 0), ("2022-07", 0)]);
    /// assert_eq!(trend.series[1].total, 2);
    /// # Ok(())
    /// # }
    /// ```
    pub fn trend(&self, request: &TrendRequest) -> Result<Trend> {
        let started = Instant::now();
        check(request)?;
        let schema = self.schema();
        let searcher = self.searcher();
        let mut counted = Vec::new();
        for text in &request.queries {
            let (expr, notes) = understand(self, &searcher, text, &request.filters)?;
            let matches = dated_matches(&searcher, schema, &expr)?;
            counted.push((Counts::of(matches, request.by, request.collapse), notes));
        }
        let all = match request.share {
            true => Some(self.admitted(&searcher, &request.filters, request.by)?),
            false => None,
        };
        assemble(request, counted, all, started)
    }

    /// Every article the filters admit, counted per period (reprints too): the
    /// denominators of shares.
    fn admitted(
        &self,
        searcher: &tantivy::Searcher,
        filters: &Filters,
        by: Interval,
    ) -> Result<Counts> {
        let matches = if filters.is_empty() {
            searcher
                .search(&tantivy::query::AllQuery, &UNSCORED)?
                .candidates
        } else {
            let (expr, _) = understand(self, searcher, "", filters)?;
            dated_matches(searcher, self.schema(), &expr)?
        };
        Ok(Counts::of(matches, by, false))
    }
}

/// Refuses a request no engine should count: no query, too many, an empty one.
pub(crate) fn check(request: &TrendRequest) -> Result<()> {
    if request.queries.is_empty() {
        return Err(Error::Request("a trend needs at least one query".into()));
    }
    if request.queries.len() > MAX_QUERIES {
        return Err(Error::Request(format!(
            "a trend compares at most {MAX_QUERIES} queries, not {}",
            request.queries.len()
        )));
    }
    if request.queries.iter().any(|text| text.trim().is_empty()) {
        return Err(Error::Query("a trend's query is empty".into()));
    }
    Ok(())
}

/// The answer from each query's counts (with the notes on how it was read) and, for
/// shares, the counts of every article the filters admit — whichever engine counted.
pub(crate) fn assemble(
    request: &TrendRequest,
    counted: Vec<(Counts, Vec<String>)>,
    all: Option<Counts>,
    started: Instant,
) -> Result<Trend> {
    let by = request.by;
    // From the first to the last period anything matches, within since and until
    // (what they admit is all that can match).
    let first = counted.iter().filter_map(|(c, _)| c.first()).min();
    let last = counted.iter().filter_map(|(c, _)| c.last()).max();
    let since = request
        .filters
        .since
        .map(|p| by.key(p.first.days_since_epoch()));
    let until = request
        .filters
        .until
        .map(|p| by.key(p.after.days_since_epoch() - 1));
    let first = first.map(|f| since.map_or(f, |s| f.max(s)));
    let last = last.map(|l| until.map_or(l, |u| l.min(u)));
    let keys: Vec<i64> = match (first, last) {
        (Some(first), Some(last)) if first <= last => {
            let periods = (last - first) / by.step() + 1;
            if periods as usize > MAX_PERIODS {
                return Err(Error::Request(format!(
                    "a trend by {by} from {} to {} has {periods} periods, more than {MAX_PERIODS}: count by a longer period or bound the dates (since, until)",
                    by.label(first),
                    by.label(last)
                )));
            }
            (0..periods).map(|n| first + n * by.step()).collect()
        }
        _ => Vec::new(),
    };
    let series = request
        .queries
        .iter()
        .zip(counted)
        .map(|(query, (counts, notes))| Series {
            query: query.clone(),
            total: counts.total,
            undated: counts.undated,
            notes,
            points: keys
                .iter()
                .map(|key| {
                    let count = counts.periods.get(key).copied().unwrap_or(0);
                    Point {
                        period: by.label(*key),
                        count,
                        share: all.as_ref().map(|all| {
                            let of = all.periods.get(key).copied().unwrap_or(0);
                            match of {
                                0 => 0.0,
                                of => (count as f64 / of as f64 * 1e6).round() / 1e6,
                            }
                        }),
                    }
                })
                .collect(),
        })
        .collect();
    Ok(Trend {
        by,
        collapse: request.collapse,
        series,
        took_ms: (started.elapsed().as_secs_f64() * 1e6).round() / 1e3,
    })
}

/// Every match, with its date and fingerprint: a trend has no order but time.
const UNSCORED: AllMatches = AllMatches {
    facets: false,
    names: false,
    scores: false,
};

/// Every article `expr` matches as written (none when it can match nothing).
fn dated_matches(
    searcher: &tantivy::Searcher,
    schema: &IndexSchema,
    expr: &Expr,
) -> Result<Vec<Candidate>> {
    Ok(match strict_query(searcher, schema, expr)? {
        Some(query) => searcher.search(&*query, &UNSCORED)?.candidates,
        None => Vec::new(),
    })
}

/// The matches of one query, counted by period.
#[derive(Debug, Default)]
pub(crate) struct Counts {
    periods: BTreeMap<i64, u64>,
    undated: u64,
    /// Every match counted, dated or not.
    pub(crate) total: u64,
}

impl Counts {
    /// Every match counted once, or each story once when `collapse`.
    pub(crate) fn of(mut matches: Vec<Candidate>, by: Interval, collapse: bool) -> Counts {
        let mut counts = Counts::default();
        if collapse {
            // Oldest first: a story counts where it first appeared. Articles of one
            // day go in the order of their fingerprints, not of where they lie in the
            // index: a story of near-duplicates that chain (A near B, B near C, A not
            // near C) is then cut the same way whatever order the articles were
            // indexed in, and by every engine.
            matches.sort_unstable_by(|a, b| {
                (b.day.is_some().cmp(&a.day.is_some()))
                    .then(a.day.cmp(&b.day))
                    .then(a.simhash.cmp(&b.simhash))
            });
            for index in stories(&matches) {
                counts.add(matches[index].day.map(i64::from), 1, by);
            }
        } else {
            for candidate in &matches {
                counts.add(candidate.day.map(i64::from), 1, by);
            }
        }
        counts
    }

    /// Counts `count` matches on `day` (days since 1970-01-01; `None`: undated).
    pub(crate) fn add(&mut self, day: Option<i64>, count: u64, by: Interval) {
        self.total += count;
        match day {
            Some(day) => *self.periods.entry(by.key(day)).or_default() += count,
            None => self.undated += count,
        }
    }

    fn first(&self) -> Option<i64> {
        self.periods.keys().next().copied()
    }

    fn last(&self) -> Option<i64> {
        self.periods.keys().next_back().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> i64 {
        Date::new(y, m, d).unwrap().days_since_epoch()
    }

    #[test]
    fn periods_are_written_as_their_names_say() {
        let table: &[(Interval, (i32, u32, u32), &str)] = &[
            (Interval::Day, (2022, 5, 17), "2022-05-17"),
            (Interval::Month, (2022, 5, 17), "2022-05"),
            (Interval::Year, (2022, 5, 17), "2022"),
            (Interval::Week, (2022, 5, 17), "2022-W20"),
            // 2021-01-01 is a Friday: ISO week 53 of 2020.
            (Interval::Week, (2021, 1, 1), "2020-W53"),
            (Interval::Week, (2021, 1, 4), "2021-W01"),
            // 2024-12-30 is the Monday of 2025's first week.
            (Interval::Week, (2024, 12, 30), "2025-W01"),
            (Interval::Week, (1969, 12, 31), "1970-W01"),
        ];
        for (by, (y, m, d), written) in table {
            assert_eq!(
                by.label(by.key(day(*y, *m, *d))),
                *written,
                "{by} {y}-{m}-{d}"
            );
        }
        // Each period's next is one step on, and a week starts on Monday.
        let monday = day(2022, 5, 16);
        assert_eq!(Interval::Week.key(day(2022, 5, 22)), monday);
        assert_eq!(Interval::Week.key(day(2022, 5, 23)), monday + 7);
        let december = Interval::Month.key(day(2021, 12, 31));
        assert_eq!(Interval::Month.label(december + 1), "2022-01");
    }

    #[test]
    fn intervals_read_their_names_only() {
        for (name, interval) in Interval::ALL {
            assert_eq!(name.parse::<Interval>(), Ok(interval));
            assert_eq!(interval.to_string(), name);
        }
        assert_eq!(
            "Month".parse::<Interval>(),
            Err("must be day, week, month or year, not \"Month\"".to_string())
        );
    }

    #[test]
    fn a_story_counts_once_where_it_first_appeared() {
        let at = |n: u32, day: i64, simhash: u64| Candidate {
            address: tantivy::DocAddress::new(0, n),
            score: 0.0,
            day: Some(day as i32),
            simhash,
            partial: false,
        };
        let story = 0x0F0F_F0F0_1234_8765u64;
        let matches = vec![
            at(1, day(2022, 6, 2), story ^ 1),
            at(2, day(2022, 5, 30), story),
            at(3, day(2022, 6, 9), 0xAAAA_5555_AAAA_5555),
            Candidate {
                day: None,
                ..at(4, 0, 0)
            },
        ];
        let collapsed = Counts::of(matches.clone(), Interval::Month, true);
        let may = Interval::Month.key(day(2022, 5, 1));
        assert_eq!(
            collapsed.periods.into_iter().collect::<Vec<_>>(),
            [(may, 1), (may + 1, 1)]
        );
        assert_eq!((collapsed.total, collapsed.undated), (3, 1));
        let all = Counts::of(matches, Interval::Month, false);
        assert_eq!(
            all.periods.into_iter().collect::<Vec<_>>(),
            [(may, 1), (may + 1, 2)]
        );
        assert_eq!((all.total, all.undated), (4, 1));
    }
}
