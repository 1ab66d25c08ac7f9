//! Re-ranking the best candidates by where the query's words stand in them, read from
//! the positions the index keeps: the weight held, the best window, the headline, the
//! runs found whole. No stored article is read.

use super::content::{Content, Run, Unit};
use super::RankParams;
use crate::error::Result;
use crate::schema::{AnalyzerKind, IndexSchema};
use crate::search::collect::Candidate;
use crate::search::proximity::{Occurrences, Spelling};
use crate::search::query::Scope;
use std::collections::HashMap;
use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::Postings;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocId, DocSet, Searcher, Term as TantivyTerm};

/// Where the units stand in one field of one segment.
struct FieldPlaces {
    boost: f32,
    norms: FieldNormReader,
    average_length: f32,
    /// Per unit: its occurrences on the bigram field, or (single characters) its
    /// postings on the words field.
    units: Vec<Option<Place>>,
    /// Per run of two or more words: its occurrences as one phrase.
    runs: Vec<Option<Occurrences>>,
    is_body: bool,
    is_title: bool,
}

enum Place {
    Positions(Occurrences),
    Words(Box<tantivy::postings::SegmentPostings>),
}

/// Re-scores the stage-one candidates by where the content stands in them.
pub(super) fn rerank(
    searcher: &Searcher,
    schema: &IndexSchema,
    content: &Content,
    params: &RankParams,
    top: Vec<(f32, DocAddress)>,
) -> Result<Vec<Candidate>> {
    let mut by_segment: HashMap<u32, Vec<(DocId, f32)>> = HashMap::new();
    for (score, address) in &top {
        by_segment
            .entry(address.segment_ord)
            .or_default()
            .push((address.doc_id, *score));
    }
    let best_pairs = top.iter().map(|(s, _)| *s).fold(0.0f32, f32::max);
    let mut scoring = Scoring::new(content, params);
    let mut scored: Vec<(Candidate, [f32; 6])> = Vec::with_capacity(top.len());
    let mut starts: Vec<u32> = Vec::new();

    for (segment, mut docs) in by_segment {
        docs.sort_unstable_by_key(|(doc, _)| *doc);
        let reader = searcher.segment_reader(segment);
        let fast = reader.fast_fields();
        let dates = fast.date("date")?;
        let simhashes = fast.u64("simhash")?;
        let mut fields = open_fields(searcher, reader, schema, content, scoring.runs())?;
        for (doc, pairs_score) in docs {
            scoring.start_article();
            for place in fields.iter_mut() {
                let field = FieldOf::new(
                    place.boost,
                    place.norms.fieldnorm(doc) as f32,
                    place.average_length,
                    place.is_body,
                    place.is_title,
                );
                for (index, unit) in place.units.iter_mut().enumerate() {
                    let Some(unit) = unit else { continue };
                    let tf = match unit {
                        Place::Positions(occurrences) => {
                            if occurrences.seek(doc) != doc {
                                continue;
                            }
                            occurrences.starts(&mut starts);
                            starts.len() as f32
                        }
                        Place::Words(postings) => {
                            let at = if postings.doc() >= doc {
                                postings.doc()
                            } else {
                                postings.seek(doc)
                            };
                            if at != doc {
                                continue;
                            }
                            starts.clear();
                            postings.term_freq() as f32
                        }
                    };
                    scoring.unit(&field, index, tf, &starts);
                }
                for (index, run) in place.runs.iter_mut().enumerate() {
                    if let Some(run) = run {
                        if run.seek(doc) == doc {
                            run.starts(&mut starts);
                            if !starts.is_empty() {
                                scoring.run_found(index);
                            }
                        }
                    }
                }
                scoring.end_field(&field);
            }
            scored.push((
                Candidate {
                    address: DocAddress::new(segment, doc),
                    score: 0.0,
                    day: dates
                        .first(doc)
                        .map(|date| date.into_timestamp_secs().div_euclid(86_400) as i32),
                    simhash: simhashes.first(doc).unwrap_or(0),
                    partial: true,
                },
                scoring.features(pairs_score, best_pairs),
            ));
        }
    }
    Ok(combine(scored, params))
}

/// One field of one article as re-ranking sees it.
pub(crate) struct FieldOf {
    boost: f32,
    /// BM25's length normalisation of the field in this article.
    norm: f32,
    is_body: bool,
    is_title: bool,
}

impl FieldOf {
    /// A field of `length` tokens where the archive's average is `average_length`.
    pub(crate) fn new(
        boost: f32,
        length: f32,
        average_length: f32,
        is_body: bool,
        is_title: bool,
    ) -> FieldOf {
        FieldOf {
            boost,
            norm: 1.2 * (0.25 + 0.75 * length / average_length.max(1.0)),
            is_body,
            is_title,
        }
    }
}

/// Re-ranking's signals of one article, added up field by field from where the
/// content's words stand: the one scoring both engines use (the embedded archive reads
/// the places from its postings, a cluster from the article's folded text).
pub(crate) struct Scoring<'c> {
    content: &'c Content,
    runs: Vec<&'c Run>,
    total_weight: f32,
    all_runs_weight: f32,
    window_chars: u32,
    held: Vec<bool>,
    in_title: Vec<bool>,
    runs_found: Vec<bool>,
    words_bm25: f32,
    window: f32,
    body_places: Vec<(u32, usize)>,
}

impl<'c> Scoring<'c> {
    pub(crate) fn new(content: &'c Content, params: &RankParams) -> Scoring<'c> {
        let runs: Vec<&Run> = content.runs.iter().filter(|r| r.units.len() > 1).collect();
        let all_runs_weight = runs.iter().map(|r| run_weight(content, r)).sum();
        Scoring {
            content,
            total_weight: content
                .units
                .iter()
                .map(|u| u.weight)
                .sum::<f32>()
                .max(1e-6),
            runs,
            all_runs_weight,
            window_chars: params.window_chars,
            held: Vec::new(),
            in_title: Vec::new(),
            runs_found: Vec::new(),
            words_bm25: 0.0,
            window: 0.0,
            body_places: Vec::new(),
        }
    }

    /// The runs of two or more words, as [`Scoring::run_found`] numbers them.
    pub(crate) fn runs(&self) -> &[&'c Run] {
        &self.runs
    }

    /// Forgets the previous article.
    pub(crate) fn start_article(&mut self) {
        let units = self.content.units.len();
        self.held = vec![false; units];
        self.in_title = vec![false; units];
        self.runs_found = vec![false; self.runs.len()];
        self.words_bm25 = 0.0;
        self.window = 0.0;
        self.body_places.clear();
    }

    /// Unit `index` stands `tf` times in `field`, starting at `starts` (in characters;
    /// empty when only its count is known).
    pub(crate) fn unit(&mut self, field: &FieldOf, index: usize, tf: f32, starts: &[u32]) {
        if tf == 0.0 {
            return;
        }
        if field.is_body {
            self.body_places.extend(starts.iter().map(|&s| (s, index)));
        }
        self.held[index] = true;
        if field.is_title {
            self.in_title[index] = true;
        }
        let weight = self.content.units[index].weight;
        self.words_bm25 += field.boost * weight * tf * 2.2 / (tf + field.norm);
    }

    /// Run `index` of [`Scoring::runs`] stands whole in the current field.
    pub(crate) fn run_found(&mut self, index: usize) {
        self.runs_found[index] = true;
    }

    /// The end of a field's places.
    pub(crate) fn end_field(&mut self, field: &FieldOf) {
        if field.is_body {
            let best = best_window(
                &mut self.body_places,
                &self.content.units,
                self.window_chars,
            );
            self.window = self.window.max(best);
        }
        self.body_places.clear();
    }

    /// The article's signals; `pairs` is its candidate-search score, `best_pairs` the
    /// best candidate's.
    pub(crate) fn features(&self, pairs: f32, best_pairs: f32) -> [f32; 6] {
        let weight_of = |found: &[bool]| -> f32 {
            found
                .iter()
                .zip(&self.content.units)
                .filter(|(found, _)| **found)
                .map(|(_, u)| u.weight)
                .sum()
        };
        // A title is short: all of it is one window.
        let title_weight = weight_of(&self.in_title);
        let window = self.window.max(title_weight);
        let runs_weight: f32 = self
            .runs_found
            .iter()
            .zip(&self.runs)
            .filter(|(found, _)| **found)
            .map(|(_, r)| run_weight(self.content, r))
            .sum();
        [
            pairs / best_pairs.max(1e-6),
            self.words_bm25,
            weight_of(&self.held) / self.total_weight,
            window / self.total_weight,
            title_weight / self.total_weight,
            if self.all_runs_weight > 0.0 {
                runs_weight / self.all_runs_weight
            } else {
                0.0
            },
        ]
    }
}

fn run_weight(content: &Content, run: &Run) -> f32 {
    run.units.iter().map(|&u| content.units[u].weight).sum()
}

/// The candidates' scores: their signals weighed by `params`.
pub(crate) fn combine(scored: Vec<(Candidate, [f32; 6])>, params: &RankParams) -> Vec<Candidate> {
    let best_words = scored
        .iter()
        .map(|(_, f)| f[1])
        .fold(0.0f32, f32::max)
        .max(1e-6);
    scored
        .into_iter()
        .map(|(mut candidate, f)| {
            candidate.score = params.pairs * f[0]
                + params.words * f[1] / best_words
                + params.coverage * f[2]
                + params.window * f[3]
                + params.title * f[4]
                + params.runs * f[5];
            candidate
        })
        .collect()
}

/// The most unit weight whose occurrences start within one window of `chars`
/// characters: `places` are (start, unit) pairs of one field, in any order.
fn best_window(places: &mut [(u32, usize)], units: &[Unit], chars: u32) -> f32 {
    places.sort_unstable();
    let mut count = vec![0u32; units.len()];
    let mut weight = 0.0f32;
    let mut best = 0.0f32;
    let mut left = 0;
    for right in 0..places.len() {
        let (start, unit) = places[right];
        if count[unit] == 0 {
            weight += units[unit].weight;
        }
        count[unit] += 1;
        while places[left].0 + chars < start {
            let gone = places[left].1;
            count[gone] -= 1;
            if count[gone] == 0 {
                weight -= units[gone].weight;
            }
            left += 1;
        }
        best = best.max(weight);
    }
    best
}

/// Opens, for one segment, every field of the default scope with the units' places.
fn open_fields(
    searcher: &Searcher,
    reader: &tantivy::SegmentReader,
    schema: &IndexSchema,
    content: &Content,
    runs: &[&Run],
) -> Result<Vec<FieldPlaces>> {
    let mut fields = Vec::new();
    for (spec, analyzed) in schema.default_search_fields() {
        let Some(bigram) = analyzed.iter().find(|f| f.analyzer == AnalyzerKind::Bigram) else {
            continue;
        };
        let words = analyzed.iter().find(|f| f.analyzer == AnalyzerKind::Words);
        let in_scope = |scope: Scope| match scope {
            Scope::Default => true,
            Scope::Title => spec.name == "title" || spec.name == "subtitle",
            Scope::Body => spec.name == "body",
            Scope::Author => spec.name == "author",
        };
        let mut units = Vec::with_capacity(content.units.len());
        for unit in &content.units {
            if !in_scope(unit.scope) {
                units.push(None);
                continue;
            }
            units.push(match Spelling::of(&unit.text) {
                Spelling::Char(_) => match words {
                    Some(words) => reader
                        .inverted_index(words.field)?
                        .read_postings(
                            &TantivyTerm::from_field_text(words.field, &unit.text),
                            IndexRecordOption::WithFreqs,
                        )
                        .map_err(tantivy::TantivyError::from)?
                        .map(|postings| Place::Words(Box::new(postings))),
                    None => None,
                },
                spelling => {
                    Occurrences::open(reader, bigram.field, &spelling)?.map(Place::Positions)
                }
            });
        }
        let mut run_places = Vec::with_capacity(runs.len());
        for run in runs {
            run_places.push(if in_scope(run.scope) {
                Occurrences::open(reader, bigram.field, &Spelling::of(&run.text))?
            } else {
                None
            });
        }
        let norms = match reader.fieldnorms_readers().get_field(bigram.field)? {
            Some(norms) => norms,
            None => FieldNormReader::constant(reader.max_doc(), 1),
        };
        fields.push(FieldPlaces {
            boost: spec.boost.unwrap_or(1.0),
            norms,
            average_length: average_length(searcher, bigram.field)?,
            units,
            runs: run_places,
            is_body: spec.name == "body",
            is_title: spec.name == "title" || spec.name == "subtitle",
        });
    }
    Ok(fields)
}

/// Tokens per article in a field, over the whole archive.
fn average_length(searcher: &Searcher, field: Field) -> Result<f32> {
    let mut tokens = 0u64;
    for reader in searcher.segment_readers() {
        tokens += reader.inverted_index(field)?.total_num_tokens();
    }
    Ok(tokens as f32 / searcher.num_docs().max(1) as f32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_holds_the_most_weight() {
        let units: Vec<Unit> = [1.0, 2.0, 4.0]
            .iter()
            .map(|&weight| Unit {
                text: String::new(),
                scope: Scope::Default,
                weight,
            })
            .collect();
        let mut places = vec![(0, 0), (100, 1), (130, 2), (500, 0)];
        assert_eq!(best_window(&mut places, &units, 40), 6.0);
        assert_eq!(best_window(&mut places, &units, 10), 4.0);
    }
}
