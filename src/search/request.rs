//! The question a front end asks: a [`SearchRequest`] with its typed parts — the
//! order ([`Sort`]), the filters ([`Filters`], dates as a [`Period`]) and how snippets
//! are cut. Each part is parsed once, where the caller typed it (`FromStr`), so that
//! a mistake is reported in the caller's words (`--since`, `since=`); the search
//! itself never re-parses a string. This module must not search.

use crate::analyze::normalize_str;
use crate::article::Date;
use crate::snippet::SnippetOptions;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Most hits one request may ask for.
pub const MAX_LIMIT: usize = 1000;

/// How results are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    /// Best match first.
    #[default]
    Relevance,
    /// Newest first, ties broken by relevance; undated articles last.
    Date,
    /// Oldest first, ties broken by relevance; undated articles last.
    Oldest,
}

impl FromStr for Sort {
    type Err = String;

    /// `relevance`, `date` (newest first) or `oldest`.
    fn from_str(text: &str) -> std::result::Result<Sort, String> {
        match text.trim() {
            "relevance" => Ok(Sort::Relevance),
            "date" => Ok(Sort::Date),
            "oldest" => Ok(Sort::Oldest),
            other => Err(format!("must be relevance, date or oldest, not {other:?}")),
        }
    }
}

impl fmt::Display for Sort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Sort::Relevance => "relevance",
            Sort::Date => "date",
            Sort::Oldest => "oldest",
        })
    }
}

/// A day, a month or a year, as people write one: `2021`, `2021-03`, `2021-03-08`
/// (also with `/` or `.`), `2021年3月8日`, `２０２１年`. Parsed once where it is
/// typed (a flag, an HTTP parameter, `date:` in a query); the library only sees this.
///
/// ```
/// use baoku::search::Period;
///
/// let march: Period = "2021年3月".parse().unwrap();
/// assert_eq!(march.to_string(), "2021-03");
/// assert_eq!(march.first.to_string(), "2021-03-01");
/// assert_eq!(march.after.to_string(), "2021-04-01");
/// assert!("2021-13".parse::<Period>().is_err());
/// for written in ["2021", "2021-12", "2021-03-08", "2020-02-29"] {
///     assert_eq!(written.parse::<Period>().unwrap().to_string(), written);
/// }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Period {
    /// Its first day.
    pub first: Date,
    /// The first day after it.
    pub after: Date,
}

impl FromStr for Period {
    type Err = String;

    fn from_str(text: &str) -> std::result::Result<Period, String> {
        let text = normalize_str(text);
        let text = text.trim();
        let parts: Vec<&str> =
            chinese_date_parts(text).unwrap_or_else(|| text.split(['-', '/', '.']).collect());
        let number = |s: &str, what: &str| -> std::result::Result<u32, String> {
            if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("{s:?} is not a {what}"));
            }
            s.parse().map_err(|_| format!("{s:?} is not a {what}"))
        };
        let impossible = || {
            format!("{text} is not a date (expected 2022, 2022-05, 2022-05-17 or 2022年5月17日)")
        };
        let (first, after) = match parts.as_slice() {
            [y] => {
                let year = number(y, "year")? as i32;
                (Date::new(year, 1, 1), Date::new(year + 1, 1, 1))
            }
            [y, m] => {
                let (year, month) = (number(y, "year")? as i32, number(m, "month")?);
                let after = if month == 12 {
                    Date::new(year + 1, 1, 1)
                } else {
                    Date::new(year, month + 1, 1)
                };
                (Date::new(year, month, 1), after)
            }
            [y, m, d] => {
                let day = Date::new(
                    number(y, "year")? as i32,
                    number(m, "month")?,
                    number(d, "day")?,
                );
                let next = day.and_then(|d| Date::from_days_since_epoch(d.days_since_epoch() + 1));
                (day, next)
            }
            _ => return Err(impossible()),
        };
        match (first, after) {
            (Some(first), Some(after)) => Ok(Period { first, after }),
            _ => Err(impossible()),
        }
    }
}

/// The parts of `2022年5月17日` (or `2022年5月`, `2022年`) as `["2022", "5", "17"]`.
fn chinese_date_parts(text: &str) -> Option<Vec<&str>> {
    let (year, rest) = text.split_once('年')?;
    if rest.is_empty() {
        return Some(vec![year]);
    }
    let (month, rest) = rest.split_once('月')?;
    if rest.is_empty() {
        return Some(vec![year, month]);
    }
    let day = rest.strip_suffix(['日', '号'])?;
    Some(vec![year, month, day])
}

impl fmt::Display for Period {
    /// `2021`, `2021-03` or `2021-03-08`: the shortest form that says it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (first, after) = (self.first, self.after);
        let (year, month) = (first.year(), first.month());
        let next_month = match month {
            12 => Date::new(year + 1, 1, 1),
            _ => Date::new(year, month + 1, 1),
        };
        if first.day() == 1 && month == 1 && Some(after) == Date::new(year + 1, 1, 1) {
            write!(f, "{year:04}")
        } else if first.day() == 1 && Some(after) == next_month {
            write!(f, "{year:04}-{month:02}")
        } else {
            write!(f, "{first}")
        }
    }
}

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Period, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Filters that the query language can also express (`--since 2021` is `date:>=2021`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filters {
    /// Only articles dated on or after the first day of this period.
    pub since: Option<Period>,
    /// Only articles dated on or before the last day of this period (`2022-06` is to
    /// the end of June).
    pub until: Option<Period>,
    /// Only articles from exactly this outlet.
    pub source: Option<String>,
    /// Only articles whose author field holds this name.
    pub author: Option<String>,
}

impl Filters {
    /// Whether no filter is set.
    pub fn is_empty(&self) -> bool {
        self.since.is_none()
            && self.until.is_none()
            && self.source.is_none()
            && self.author.is_none()
    }
}

/// What to search for and how to present it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchRequest {
    /// The query, in baoku's query language (see the README).
    pub query: String,
    /// Restrictions on date, source and author.
    pub filters: Filters,
    /// Order of the hits.
    pub sort: Sort,
    /// Favour recent articles (for "latest news" searches); only with relevance order.
    pub recent: bool,
    /// Number of hits to return (at most [`MAX_LIMIT`]).
    pub limit: usize,
    /// Number of best hits to skip first (for paging).
    pub offset: usize,
    /// How snippets are cut.
    pub snippets: SnippetOptions,
    /// Show reprints of one story as one hit (with `similar` counting the others).
    pub collapse: bool,
    /// Count the matches by the facets of [`facet_set`](Self::facet_set).
    pub facets: bool,
    /// Which facets `facets` counts: source and month unless told otherwise.
    pub facet_set: FacetSet,
}

/// A facet a search can count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FacetName {
    /// Matches by outlet.
    Source,
    /// Matches by month.
    Month,
    /// The people named most among the matches.
    Person,
    /// The places named most among the matches.
    Place,
    /// The organisations named most among the matches.
    Org,
}

impl FacetName {
    /// Every facet, as `--facets=` lists them.
    pub const ALL: [FacetName; 5] = [
        FacetName::Source,
        FacetName::Month,
        FacetName::Person,
        FacetName::Place,
        FacetName::Org,
    ];

    /// Its name in `--facets=` and `facets=`.
    pub fn name(self) -> &'static str {
        match self {
            FacetName::Source => "source",
            FacetName::Month => "month",
            FacetName::Person => "person",
            FacetName::Place => "place",
            FacetName::Org => "org",
        }
    }

    /// The kind of name it counts, for person, place and org.
    pub fn entity(self) -> Option<crate::analyze::EntityKind> {
        use crate::analyze::EntityKind;
        match self {
            FacetName::Person => Some(EntityKind::Person),
            FacetName::Place => Some(EntityKind::Place),
            FacetName::Org => Some(EntityKind::Org),
            FacetName::Source | FacetName::Month => None,
        }
    }
}

/// The facets a search counts, parsed from a comma-separated list.
///
/// ```
/// use baoku::search::{FacetName, FacetSet};
/// let set: FacetSet = "person, org".parse().unwrap();
/// assert!(set.has(FacetName::Person) && !set.has(FacetName::Source));
/// assert!(FacetSet::default().has(FacetName::Month));
/// assert!("persons".parse::<FacetSet>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct FacetSet(Vec<FacetName>);

impl FacetSet {
    /// Whether `name` is chosen.
    pub fn has(&self, name: FacetName) -> bool {
        self.0.contains(&name)
    }

    /// Whether any of person, place and org is chosen.
    pub fn has_names(&self) -> bool {
        self.0.iter().any(|name| name.entity().is_some())
    }
}

impl Default for FacetSet {
    /// Source and month, the facets `--facets` alone counts.
    fn default() -> Self {
        FacetSet(vec![FacetName::Source, FacetName::Month])
    }
}

impl std::str::FromStr for FacetSet {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let mut chosen = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let name = FacetName::ALL
                .into_iter()
                .find(|name| name.name() == part)
                .ok_or_else(|| {
                    format!("{part:?} is no facet (source, month, person, place, org)")
                })?;
            if !chosen.contains(&name) {
                chosen.push(name);
            }
        }
        if chosen.is_empty() {
            return Err("no facet named (source, month, person, place, org)".to_string());
        }
        Ok(FacetSet(chosen))
    }
}

impl TryFrom<String> for FacetSet {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        text.parse()
    }
}

impl From<FacetSet> for String {
    fn from(set: FacetSet) -> String {
        let names: Vec<&str> = set.0.iter().map(|name| name.name()).collect();
        names.join(",")
    }
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            query: String::new(),
            filters: Filters::default(),
            sort: Sort::Relevance,
            recent: false,
            limit: 10,
            offset: 0,
            snippets: SnippetOptions::default(),
            collapse: true,
            facets: false,
            facet_set: FacetSet::default(),
        }
    }
}

impl SearchRequest {
    /// A request for the 10 best hits of `query`, with 3 snippets each.
    pub fn new(query: impl Into<String>) -> SearchRequest {
        SearchRequest {
            query: query.into(),
            ..SearchRequest::default()
        }
    }
}
