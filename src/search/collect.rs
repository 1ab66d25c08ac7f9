//! Collecting the matches of a query with what ordering, collapsing and facets need.
//!
//! [`AllMatches`] visits every matching document (date order, facets and recency need
//! them all) and keeps, for each, its score, date and body fingerprint (fast fields, no
//! stored-document reads), counting sources and months on the way. [`top_matches`]
//! keeps only the best for relevance order: it counts every match up to
//! [`EXACT_TOTAL_UP_TO`], then skips what cannot reach them. Sorting, collapsing
//! reprints and paging then happen on that list (`rank.rs`).

use super::results::{FacetCount, Facets};
use crate::analyze::EntityKind;
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
    /// Matches naming each person, place and organisation (in [`EntityKind::ALL`]'s
    /// order), when names were counted.
    pub names: [HashMap<String, u64>; 3],
}

/// Collects every match with its date and fingerprint; scores and counts facets when
/// asked.
pub struct AllMatches {
    /// Count sources and months.
    pub facets: bool,
    /// Count the matches naming each person, place and organisation.
    pub names: bool,
    /// Score the matches (a trend or a count needs none: every score is then 0).
    pub scores: bool,
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
    /// The name columns, when names are counted (in [`EntityKind::ALL`]'s order).
    names: Vec<Option<StrColumn>>,
    name_ords: [HashMap<u64, u64>; 3],
    /// One document's ords of one column (reused).
    doc_ords: Vec<u64>,
}

/// What [`SegmentMatches`] found in one segment.
pub struct SegmentFruit {
    candidates: Vec<Candidate>,
    sources: HashMap<Option<String>, u64>,
    months: HashMap<Option<i32>, u64>,
    names: [HashMap<String, u64>; 3],
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
            names: match self.names {
                true => EntityKind::ALL
                    .iter()
                    .map(|kind| fast.str(kind.name()))
                    .collect::<tantivy::Result<_>>()?,
                false => Vec::new(),
            },
            name_ords: Default::default(),
            doc_ords: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        self.scores
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
            for (all, segment) in collected.names.iter_mut().zip(fruit.names) {
                for (name, count) in segment {
                    *all.entry(name).or_default() += count;
                }
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
        for (column, counts) in self.names.iter().zip(self.name_ords.iter_mut()) {
            let Some(column) = column else { continue };
            // A name in the title and the body is one article.
            self.doc_ords.clear();
            self.doc_ords.extend(column.ords().values_for_doc(doc));
            self.doc_ords.sort_unstable();
            self.doc_ords.dedup();
            for &ord in &self.doc_ords {
                *counts.entry(ord).or_default() += 1;
            }
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
        let mut names: [HashMap<String, u64>; 3] = Default::default();
        for ((column, ords), out) in self.names.iter().zip(self.name_ords).zip(&mut names) {
            let Some(column) = column else { continue };
            for (ord, count) in ords {
                name.clear();
                if let Ok(true) = column.ord_to_str(ord, &mut name) {
                    *out.entry(name.clone()).or_default() += count;
                }
            }
        }
        SegmentFruit {
            candidates: self.candidates,
            sources,
            months: self.months,
            names,
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
    let names = |kind: EntityKind| {
        let counts = &collected.names[kind as usize];
        let mut top: Vec<(&String, u64)> = counts.iter().map(|(n, &c)| (n, c)).collect();
        top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let top: Vec<FacetCount> = top
            .into_iter()
            .take(TOP_NAMES)
            .map(|(name, count)| FacetCount {
                value: Some(name.clone()),
                count,
            })
            .collect();
        Some(top)
    };
    Facets {
        source,
        month,
        person: names(EntityKind::Person),
        place: names(EntityKind::Place),
        org: names(EntityKind::Org),
    }
}

/// Names listed per facet (`person`, `place`, `org`): the most frequent among all
/// matches.
pub const TOP_NAMES: usize = 20;

/// Matches counted exactly up to this many; past it, a search in relevance order
/// without facets skips the articles that cannot reach its page, and `total` is a lower
/// bound ([`crate::SearchResults::total_is_lower_bound`]). Lucene's default is the
/// same (Elasticsearch counts to 10,000).
pub const EXACT_TOTAL_UP_TO: u64 = 1_000;

/// What [`top_matches`] found.
#[derive(Debug, Default)]
pub struct TopMatches {
    /// The `k` best matches (fewer when fewer match), in no particular order.
    pub collected: Collected,
    /// Matches seen: the exact number when nothing was skipped.
    pub seen: u64,
    /// Some articles were skipped without being looked at: `seen` is a lower bound.
    pub skipped: bool,
}

/// The `k` best-scoring matches of `query`, with every match counted up to
/// `exact_up_to`; past that, documents that hold only parts of the score whose
/// `bounds` add up to less than the `k`-th best score found so far are skipped
/// (MaxScore: Turtle and Flood, 1995). The scores, and so the `k` best, are those an
/// exhaustive collection gives: a skipped document could not have reached them.
///
/// `bounds` must describe `query`'s score (see [`super::plan::score_bounds`]).
pub fn top_matches(
    searcher: &tantivy::Searcher,
    query: &dyn tantivy::query::Query,
    bounds: &[super::plan::ScoreBound],
    k: usize,
    exact_up_to: u64,
) -> tantivy::Result<TopMatches> {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    use tantivy::query::{EnableScoring, Scorer};
    use tantivy::{DocSet, TERMINATED};

    let k = k.max(1);
    let weight = query.weight(EnableScoring::enabled_from_searcher(searcher))?;
    let probes = ProbeWeights::new(searcher, bounds)?;
    let mut best: BinaryHeap<Reverse<Ranked>> = BinaryHeap::with_capacity(k + 1);
    let mut found = TopMatches::default();
    for (ordinal, reader) in searcher.segment_readers().iter().enumerate() {
        let mut scorer = weight.scorer(reader, 1.0)?;
        let fast = reader.fast_fields();
        let dates = fast.date("date")?;
        let simhashes = fast.u64("simhash")?;
        let alive = reader.alive_bitset();
        // The probe union of the parts that can still lift a document into the best,
        // and how many of the cheapest parts it leaves out.
        let mut essential: Option<(usize, Box<dyn Scorer>)> = None;
        let mut blocks = probes.block_bounds(reader)?;
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                let score = scorer.score();
                found.seen += 1;
                best.push(Reverse(Ranked(score)));
                if best.len() > k {
                    best.pop();
                }
                found.collected.candidates.push(Candidate {
                    address: DocAddress::new(ordinal as SegmentOrdinal, doc),
                    score,
                    day: dates
                        .first(doc)
                        .map(|date| date.into_timestamp_secs().div_euclid(86_400) as i32),
                    simhash: simhashes.first(doc).unwrap_or(0),
                    partial: false,
                });
            }
            let threshold = match best.peek() {
                Some(Reverse(Ranked(score))) if best.len() >= k && found.seen >= exact_up_to => {
                    Some(*score)
                }
                _ => None,
            };
            let Some(left_out) = threshold.map(|t| probes.left_out(t)) else {
                doc = scorer.advance();
                continue;
            };
            if essential.as_ref().is_none_or(|(n, _)| *n < left_out) {
                // Every match holds a probe of the parts left in (each required term's
                // bigrams are one), so the union is all the documents to look at.
                let mut union = probes.union_scorer(reader, left_out)?;
                union.seek(doc + 1);
                essential = Some((left_out, union));
            }
            let (_, union) = essential.as_mut().expect("set above");
            // Documents between here and the union's next one may be skipped.
            found.skipped = true;
            // The next document both in the query's matches and in the union.
            let mut candidate = if union.doc() <= doc {
                union.advance()
            } else {
                union.doc()
            };
            let threshold = threshold.expect("checked above");
            doc = loop {
                if candidate == TERMINATED {
                    break TERMINATED;
                }
                // Where the blocks of every part's probe can add up to less than the
                // threshold, none of their documents can reach the best.
                let (bound, until) = blocks.bound_at(candidate);
                if bound < threshold {
                    candidate = match until {
                        TERMINATED => TERMINATED,
                        last => union.seek(last + 1),
                    };
                    continue;
                }
                let matched = scorer.seek(candidate);
                if matched == candidate || matched == TERMINATED {
                    break matched;
                }
                candidate = union.seek(matched);
            };
        }
    }
    // Only the best k are known to be in order: the page is cut from them.
    let compare = super::rank::comparator(super::request::Sort::Relevance);
    let candidates = &mut found.collected.candidates;
    if candidates.len() > k {
        candidates.select_nth_unstable_by(k - 1, compare);
        candidates.truncate(k);
    }
    Ok(found)
}

/// A score ordered for the heap of the best.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Ranked(Score);

impl Eq for Ranked {}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// The score bounds sorted cheapest first, with the running sums of their maxima.
struct ProbeWeights {
    /// (max, probe weights) of each part, by max ascending.
    parts: Vec<(Score, Vec<Box<dyn tantivy::query::Weight>>)>,
    /// Each part's probes with their BM25 weight and the factor that turns a probe's
    /// block maximum into a bound of the part (the part's max over the probe's).
    scaled: Vec<Vec<(tantivy::Term, tantivy::query::Bm25Weight, Score)>>,
    /// `sums[n]`: the most the `n` cheapest parts add up to.
    sums: Vec<Score>,
}

impl ProbeWeights {
    fn new(
        searcher: &tantivy::Searcher,
        bounds: &[super::plan::ScoreBound],
    ) -> tantivy::Result<ProbeWeights> {
        use tantivy::query::{EnableScoring, Query, TermQuery};
        use tantivy::schema::IndexRecordOption;
        let mut bounds: Vec<&super::plan::ScoreBound> = bounds.iter().collect();
        bounds.sort_by(|a, b| a.max.total_cmp(&b.max));
        let scaled = bounds
            .iter()
            .map(|bound| {
                bound
                    .probes
                    .iter()
                    .map(|term| {
                        let weight = tantivy::query::Bm25Weight::for_terms(
                            searcher,
                            std::slice::from_ref(term),
                        )?;
                        let scale = bound.max / weight.max_score().max(Score::MIN_POSITIVE);
                        Ok((term.clone(), weight, scale))
                    })
                    .collect::<tantivy::Result<Vec<_>>>()
            })
            .collect::<tantivy::Result<Vec<_>>>()?;
        let parts = bounds
            .iter()
            .map(|bound| {
                let weights = bound
                    .probes
                    .iter()
                    .map(|term| {
                        TermQuery::new(term.clone(), IndexRecordOption::Basic)
                            .weight(EnableScoring::disabled_from_searcher(searcher))
                    })
                    .collect::<tantivy::Result<Vec<_>>>()?;
                Ok((bound.max, weights))
            })
            .collect::<tantivy::Result<Vec<_>>>()?;
        let mut sums = vec![0.0];
        for (max, _) in &parts {
            // A little headroom for the order in which tantivy adds the same floats.
            sums.push((sums.last().copied().unwrap_or(0.0) + max) * (1.0 + 1e-5));
        }
        Ok(ProbeWeights {
            parts,
            scaled,
            sums,
        })
    }

    /// How many of the cheapest parts cannot, together, lift a document that holds
    /// nothing else above `threshold` (never all of them: a document holding none of
    /// the parts does not match).
    fn left_out(&self, threshold: Score) -> usize {
        let n = self.sums.iter().take_while(|&&sum| sum < threshold).count();
        n.saturating_sub(1).min(self.parts.len().saturating_sub(1))
    }

    /// Every probe's block postings in one segment, to bound scores block by block.
    fn block_bounds(&self, reader: &SegmentReader) -> tantivy::Result<BlockBounds> {
        let mut cursors = Vec::new();
        for part in &self.scaled {
            for (term, weight, scale) in part {
                let index = reader.inverted_index(term.field())?;
                let Some(postings) = index
                    .read_block_postings(term, tantivy::schema::IndexRecordOption::WithFreqs)?
                else {
                    continue;
                };
                let fieldnorms = reader.get_fieldnorms_reader(term.field())?;
                cursors.push(BlockCursor {
                    postings,
                    fieldnorms,
                    weight: weight.clone(),
                    // Headroom for float rounding in the sums, as in `sums`.
                    scale: scale * (1.0 + 1e-4),
                });
            }
        }
        Ok(BlockBounds(cursors))
    }

    /// The documents holding a probe of any part but the `left_out` cheapest.
    fn union_scorer(
        &self,
        reader: &SegmentReader,
        left_out: usize,
    ) -> tantivy::Result<Box<dyn tantivy::query::Scorer>> {
        let scorers = self.parts[left_out..]
            .iter()
            .flat_map(|(_, weights)| weights.iter())
            .map(|weight| weight.scorer(reader, 1.0))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let mut union = Union(scorers, 0);
        union.settle();
        Ok(Box::new(union))
    }
}

/// The union of some doc sets, the smallest current document first (few sets: a
/// linear scan is faster than a heap).
struct Union(Vec<Box<dyn tantivy::query::Scorer>>, DocId);

impl Union {
    fn settle(&mut self) -> DocId {
        self.1 = self
            .0
            .iter()
            .map(|s| s.doc())
            .min()
            .unwrap_or(tantivy::TERMINATED);
        self.1
    }
}

impl tantivy::DocSet for Union {
    fn advance(&mut self) -> DocId {
        let current = self.1;
        for set in self.0.iter_mut() {
            if set.doc() == current {
                set.advance();
            }
        }
        self.settle()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        for set in self.0.iter_mut() {
            if set.doc() < target {
                set.seek(target);
            }
        }
        self.settle()
    }

    fn doc(&self) -> DocId {
        self.1
    }

    fn size_hint(&self) -> u32 {
        self.0.iter().map(|s| s.size_hint()).max().unwrap_or(0)
    }
}

impl tantivy::query::Scorer for Union {
    fn score(&mut self) -> Score {
        0.0
    }
}

/// A probe's postings, read a block at a time.
struct BlockCursor {
    postings: tantivy::postings::BlockSegmentPostings,
    fieldnorms: tantivy::fieldnorm::FieldNormReader,
    weight: tantivy::query::Bm25Weight,
    scale: Score,
}

/// The block postings of every probe of one segment.
struct BlockBounds(Vec<BlockCursor>);

impl BlockBounds {
    /// An upper bound of the score of any document from `doc` up to `until`
    /// (inclusive; `TERMINATED`: to the end), from the blocks of every probe that hold
    /// or follow `doc`. Calls must come with `doc` never decreasing.
    fn bound_at(&mut self, doc: DocId) -> (Score, DocId) {
        let mut bound = 0.0;
        let mut until = tantivy::TERMINATED;
        for cursor in self.0.iter_mut() {
            let at = cursor.postings.seek(doc);
            let docs = cursor.postings.docs();
            if docs.get(at).is_none_or(|&d| d == tantivy::TERMINATED) {
                continue;
            }
            let last = docs
                .iter()
                .rev()
                .copied()
                .find(|&d| d != tantivy::TERMINATED)
                .unwrap_or(doc);
            until = until.min(last);
            bound += cursor.scale
                * cursor
                    .postings
                    .block_max_score(&cursor.fieldnorms, &cursor.weight);
        }
        (bound, until)
    }
}
