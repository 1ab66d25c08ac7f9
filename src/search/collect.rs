//! Collecting every match of a query with what ordering, collapsing and facets need.
//!
//! `total` must be exact, so every matching document is visited anyway; this
//! collector keeps, for each, its score, date and body fingerprint (fast fields, no
//! stored-document reads), and counts sources and months on the way. Sorting,
//! collapsing reprints and paging then happen on that list.

use super::results::{FacetCount, Facets};
use std::collections::HashMap;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

/// A matching article, before its stored fields are read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    /// Where the document is.
    pub address: DocAddress,
    /// Its relevance score.
    pub score: Score,
    /// Its date as days since 1970-01-01, if it has one.
    pub day: Option<i32>,
    /// SimHash of its body (0 for an empty body).
    pub simhash: u64,
    /// It holds only some of the query's words (a relaxed match shown after the
    /// exact ones).
    pub partial: bool,
}

/// Every match, and counts over them.
#[derive(Debug, Default)]
pub struct Collected {
    /// The matches, in no particular order.
    pub candidates: Vec<Candidate>,
    /// Matches per source (`None`: articles without one).
    pub sources: HashMap<Option<String>, u64>,
    /// Matches per month, as `year * 12 + month - 1` (`None`: undated).
    pub months: HashMap<Option<i32>, u64>,
}

/// Collects every match; counts facets when asked.
pub struct AllMatches {
    /// Count sources and months.
    pub facets: bool,
}

/// [`AllMatches`] on one segment.
pub struct SegmentMatches {
    segment: SegmentOrdinal,
    dates: Column<tantivy::DateTime>,
    simhashes: Column<u64>,
    sources: Option<StrColumn>,
    facets: bool,
    candidates: Vec<Candidate>,
    source_ords: HashMap<Option<u64>, u64>,
    months: HashMap<Option<i32>, u64>,
}

/// What [`SegmentMatches`] found in one segment.
pub struct SegmentFruit {
    candidates: Vec<Candidate>,
    sources: HashMap<Option<String>, u64>,
    months: HashMap<Option<i32>, u64>,
}

impl Collector for AllMatches {
    type Fruit = Collected;
    type Child = SegmentMatches;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentMatches> {
        let fast = reader.fast_fields();
        Ok(SegmentMatches {
            segment,
            dates: fast.date("date")?,
            simhashes: fast.u64("simhash")?,
            sources: if self.facets {
                fast.str("source")?
            } else {
                None
            },
            facets: self.facets,
            candidates: Vec::new(),
            source_ords: HashMap::new(),
            months: HashMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<SegmentFruit>) -> tantivy::Result<Collected> {
        let mut collected = Collected::default();
        for fruit in fruits {
            collected.candidates.extend(fruit.candidates);
            for (source, count) in fruit.sources {
                *collected.sources.entry(source).or_default() += count;
            }
            for (month, count) in fruit.months {
                *collected.months.entry(month).or_default() += count;
            }
        }
        Ok(collected)
    }
}

impl SegmentCollector for SegmentMatches {
    type Fruit = SegmentFruit;

    fn collect(&mut self, doc: DocId, score: Score) {
        let day = self
            .dates
            .first(doc)
            .map(|date| date.into_timestamp_secs().div_euclid(86_400) as i32);
        self.candidates.push(Candidate {
            address: DocAddress::new(self.segment, doc),
            score,
            day,
            simhash: self.simhashes.first(doc).unwrap_or(0),
            partial: false,
        });
        if self.facets {
            let ord = self.sources.as_ref().and_then(|s| s.ords().first(doc));
            *self.source_ords.entry(ord).or_default() += 1;
            *self.months.entry(day.map(month_of_day)).or_default() += 1;
        }
    }

    fn harvest(self) -> SegmentFruit {
        let mut sources = HashMap::new();
        let mut name = String::new();
        for (ord, count) in self.source_ords {
            let source = match (ord, &self.sources) {
                (Some(ord), Some(column)) => {
                    name.clear();
                    column
                        .ord_to_str(ord, &mut name)
                        .ok()
                        .filter(|found| *found)
                        .map(|_| name.clone())
                }
                _ => None,
            };
            *sources.entry(source).or_default() += count;
        }
        SegmentFruit {
            candidates: self.candidates,
            sources,
            months: self.months,
        }
    }
}

/// `year * 12 + month - 1` of a day count.
pub fn month_of_day(day: i32) -> i32 {
    crate::article::Date::from_days_since_epoch(i64::from(day))
        .map_or(0, |d| d.year() * 12 + d.month() as i32 - 1)
}

/// The facet counts of collected matches: sources most first, months newest first (a
/// list to choose from, as news is looked for; undated last).
pub fn facets_of(collected: &Collected) -> Facets {
    let mut source: Vec<FacetCount> = collected
        .sources
        .iter()
        .map(|(value, &count)| FacetCount {
            value: value.clone(),
            count,
        })
        .collect();
    source.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then(a.value.is_none().cmp(&b.value.is_none()))
            .then(a.value.cmp(&b.value))
    });
    let mut months: Vec<(Option<i32>, u64)> =
        collected.months.iter().map(|(m, c)| (*m, *c)).collect();
    months.sort_by_key(|(m, _)| (m.is_none(), std::cmp::Reverse(*m)));
    let month = months
        .into_iter()
        .map(|(m, count)| FacetCount {
            value: m.map(|m| format!("{:04}-{:02}", m.div_euclid(12), m.rem_euclid(12) + 1)),
            count,
        })
        .collect();
    Facets { source, month }
}
