//! Where a query's words stand in an article, read from the character positions the
//! bigram fields keep: the `NEAR` query (`乡村振兴 NEAR/10 收入`, `"乡村振兴 收入"~10`).
//!
//! A word or phrase is found on a bigram field by its [`Spelling`]: the tokens that
//! spell it at their character offsets (乡村@0 村振@1 振兴@2), or, for a lone CJK
//! character, every bigram that starts or ends with it. Its occurrences in a document
//! are the positions where all its tokens line up. This module must not know about the
//! query language: it gets spellings and distances.

use crate::analyze::{bigrams, is_cjk};
use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{Bm25Weight, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term, TERMINATED};

/// How a word or phrase is spelt on a bigram field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Spelling {
    /// A single CJK character: it stands in any pair that starts or ends with it, or
    /// alone when it had no CJK neighbour.
    Char(char),
    /// Its bigrams (and runs of other letters and digits), with their character
    /// offsets in the word; empty when the text has no token.
    Tokens(Vec<(usize, String)>),
}

impl Spelling {
    /// The spelling of normalised text (as the bigram analyzer cuts it).
    pub fn of(normalized: &str) -> Spelling {
        let mut chars = normalized.chars();
        if let (Some(c), None) = (chars.next(), chars.next()) {
            if is_cjk(c) {
                return Spelling::Char(c);
            }
        }
        Spelling::Tokens(
            bigrams(normalized)
                .into_iter()
                .map(|t| (t.position, t.text))
                .collect(),
        )
    }

    /// Characters from the start of the first token to the end of the last.
    pub fn char_len(&self) -> u32 {
        match self {
            Spelling::Char(_) => 1,
            Spelling::Tokens(tokens) => tokens
                .last()
                .map_or(0, |(offset, text)| (offset + text.chars().count()) as u32),
        }
    }

    fn terms(&self, field: Field) -> Vec<Term> {
        match self {
            Spelling::Char(c) => vec![Term::from_field_text(field, &c.to_string())],
            Spelling::Tokens(tokens) => tokens
                .iter()
                .map(|(_, text)| Term::from_field_text(field, text))
                .collect(),
        }
    }
}

/// One way a spelling stands in a document: postings that must all hold the document,
/// at positions `start + offset`; the spelling then starts at `start + shift`.
struct Alternative {
    postings: Vec<(SegmentPostings, u32)>,
    shift: u32,
}

impl Alternative {
    /// Moves to the first document at or after `target` that holds every posting.
    fn seek(&mut self, target: DocId) -> DocId {
        let mut doc = target;
        loop {
            let mut agreed = true;
            for (postings, _) in self.postings.iter_mut() {
                let at = if postings.doc() >= doc {
                    postings.doc()
                } else {
                    postings.seek(doc)
                };
                if at != doc {
                    agreed = false;
                    doc = doc.max(at);
                }
            }
            if agreed || doc == TERMINATED {
                return doc;
            }
        }
    }

    /// Where the spelling starts in the current document, sorted.
    fn starts(&mut self, out: &mut Vec<u32>, scratch: &mut Vec<u32>) {
        let mut first = true;
        let mut common: Vec<u32> = Vec::new();
        for (postings, offset) in self.postings.iter_mut() {
            postings.positions(scratch);
            let shifted = scratch
                .iter()
                .filter(|&&p| p >= *offset)
                .map(|&p| p - *offset);
            if first {
                common = shifted.collect();
                first = false;
            } else {
                let next: Vec<u32> = shifted.collect();
                common.retain(|p| next.binary_search(p).is_ok());
            }
            if common.is_empty() {
                return;
            }
        }
        out.extend(common.into_iter().map(|p| p + self.shift));
    }
}

/// A spelling on one field of one segment.
pub(crate) struct Occurrences {
    place: Place,
    len: u32,
    scratch: Vec<u32>,
    /// The document the last seek agreed on; `None` before the first. Until then the
    /// postings stand each on its own first document, and the furthest of them is not
    /// a document holding the spelling.
    current: Option<DocId>,
}

enum Place {
    /// Read as the postings line up.
    Tokens(Alternative),
    /// A lone character, gathered in advance from all the pairs holding it: the
    /// documents in order, each with where the character stands.
    Char {
        docs: Vec<(DocId, Vec<u32>)>,
        at: usize,
    },
}

impl Occurrences {
    /// The spelling's postings on `field` in `reader`; `None` when it cannot occur there.
    pub(crate) fn open(
        reader: &SegmentReader,
        field: Field,
        spelling: &Spelling,
    ) -> tantivy::Result<Option<Occurrences>> {
        let index = reader.inverted_index(field)?;
        let option = IndexRecordOption::WithFreqsAndPositions;
        let place = match spelling {
            Spelling::Tokens(tokens) => {
                let mut postings = Vec::with_capacity(tokens.len());
                for (offset, text) in tokens {
                    let term = Term::from_field_text(field, text);
                    match index.read_postings(&term, option)? {
                        Some(p) => postings.push((p, *offset as u32)),
                        None => return Ok(None),
                    }
                }
                if postings.is_empty() {
                    return Ok(None);
                }
                Place::Tokens(Alternative { postings, shift: 0 })
            }
            Spelling::Char(c) => {
                let escaped = regex_escape(*c);
                let mut found: std::collections::BTreeMap<DocId, Vec<u32>> = Default::default();
                let mut positions = Vec::new();
                for (pattern, shift) in [(format!("{escaped}.?"), 0), (format!(".{escaped}"), 1)] {
                    let automaton = tantivy_fst::Regex::new(&pattern).map_err(|e| {
                        tantivy::TantivyError::InvalidArgument(format!(
                            "cannot search for {c:?}: {e}"
                        ))
                    })?;
                    let mut stream = index.terms().search(automaton).into_stream()?;
                    while let Some((_, info)) = stream.next() {
                        let mut postings = index.read_postings_from_terminfo(info, option)?;
                        while postings.doc() != TERMINATED {
                            postings.positions(&mut positions);
                            found
                                .entry(postings.doc())
                                .or_default()
                                .extend(positions.iter().map(|p| p + shift));
                            postings.advance();
                        }
                    }
                }
                if found.is_empty() {
                    return Ok(None);
                }
                let docs = found
                    .into_iter()
                    .map(|(doc, mut starts)| {
                        starts.sort_unstable();
                        starts.dedup();
                        (doc, starts)
                    })
                    .collect();
                Place::Char { docs, at: 0 }
            }
        };
        Ok(Some(Occurrences {
            place,
            len: spelling.char_len(),
            scratch: Vec::new(),
            current: None,
        }))
    }

    /// Moves to the first document at or after `target` that holds the spelling (not
    /// before the one the previous seek found).
    pub(crate) fn seek(&mut self, target: DocId) -> DocId {
        if let Some(doc) = self.current.filter(|&doc| doc >= target) {
            return doc;
        }
        let doc = match &mut self.place {
            Place::Tokens(alternative) => alternative.seek(target),
            Place::Char { docs, at } => {
                *at += docs[*at..].partition_point(|(doc, _)| *doc < target);
                docs.get(*at).map_or(TERMINATED, |(doc, _)| *doc)
            }
        };
        self.current = Some(doc);
        doc
    }

    /// Where the spelling starts in the current document, sorted.
    pub(crate) fn starts(&mut self, out: &mut Vec<u32>) {
        out.clear();
        match &mut self.place {
            Place::Tokens(alternative) => alternative.starts(out, &mut self.scratch),
            Place::Char { docs, at } => {
                if let Some((_, starts)) = docs.get(*at) {
                    out.extend_from_slice(starts);
                }
            }
        }
    }

    fn size_hint(&self) -> u32 {
        match &self.place {
            Place::Tokens(alternative) => alternative
                .postings
                .iter()
                .map(|(p, _)| p.size_hint())
                .min()
                .unwrap_or(0),
            Place::Char { docs, .. } => docs.len() as u32,
        }
    }
}

fn regex_escape(c: char) -> String {
    if c.is_alphanumeric() || is_cjk(c) {
        c.to_string()
    } else {
        format!("\\{c}")
    }
}

/// How many places in a document hold every spelling within `within` characters of
/// the others (in any order): the windows that end at a different occurrence.
///
/// `starts[i]` lists where spelling `i` (of `lens[i]` characters) starts.
pub fn near_windows(starts: &[Vec<u32>], lens: &[u32], within: u32) -> u32 {
    let mut all: Vec<(u32, usize)> = starts
        .iter()
        .enumerate()
        .flat_map(|(i, list)| list.iter().map(move |&s| (s, i)))
        .collect();
    all.sort_unstable();
    let needed = starts.len();
    let words: u64 = lens.iter().map(|&l| u64::from(l)).sum();
    let mut seen = vec![0u32; needed];
    let mut distinct = 0;
    let mut left = 0;
    let mut windows = 0;
    for right in 0..all.len() {
        let (_, operand) = all[right];
        if seen[operand] == 0 {
            distinct += 1;
        }
        seen[operand] += 1;
        // Shrink from the left while every spelling stays in the window.
        while distinct == needed && seen[all[left].1] > 1 {
            seen[all[left].1] -= 1;
            left += 1;
        }
        if distinct == needed {
            let start = u64::from(all[left].0);
            let end = all[left..=right]
                .iter()
                .map(|&(s, i)| u64::from(s) + u64::from(lens[i]))
                .max()
                .unwrap_or(start);
            let gap = (end - start).saturating_sub(words);
            if gap <= u64::from(within) {
                windows += 1;
            }
        }
    }
    windows
}

/// Documents whose `field` holds every spelling within `within` characters of the
/// others, scored by BM25 over the number of such places.
#[derive(Debug, Clone)]
pub struct NearQuery {
    field: Field,
    spellings: Vec<Spelling>,
    within: u32,
}

impl NearQuery {
    /// The query for these spellings on a bigram field.
    pub fn new(field: Field, spellings: Vec<Spelling>, within: u32) -> NearQuery {
        NearQuery {
            field,
            spellings,
            within,
        }
    }
}

impl Query for NearQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let terms: Vec<Term> = self
            .spellings
            .iter()
            .flat_map(|s| s.terms(self.field))
            .collect();
        let bm25 = match scoring {
            EnableScoring::Enabled {
                statistics_provider,
                ..
            } => Some(Bm25Weight::for_terms(statistics_provider, &terms)?),
            EnableScoring::Disabled { .. } => None,
        };
        Ok(Box::new(NearWeight {
            query: self.clone(),
            bm25,
        }))
    }

    fn query_terms<'a>(&'a self, _visitor: &mut dyn FnMut(&'a Term, bool)) {}
}

struct NearWeight {
    query: NearQuery,
    bm25: Option<Bm25Weight>,
}

impl NearWeight {
    fn near_scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<NearScorer> {
        let mut operands = Vec::with_capacity(self.query.spellings.len());
        for spelling in &self.query.spellings {
            match Occurrences::open(reader, self.query.field, spelling)? {
                Some(occurrences) => operands.push(occurrences),
                None => operands.clear(),
            }
            if operands.is_empty() {
                break;
            }
        }
        let fieldnorms = match reader.fieldnorms_readers().get_field(self.query.field)? {
            Some(norms) => norms,
            None => FieldNormReader::constant(reader.max_doc(), 1),
        };
        let mut scorer = NearScorer {
            lens: operands.iter().map(|o| o.len).collect(),
            operands,
            within: self.query.within,
            doc: 0,
            windows: 0,
            bm25: self.bm25.as_ref().map(|w| w.boost_by(boost)),
            fieldnorms,
            starts: Vec::new(),
        };
        scorer.find(0);
        Ok(scorer)
    }
}

impl Weight for NearWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(self.near_scorer(reader, boost)?))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.near_scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )));
        }
        let what = format!(
            "{} places within {} characters",
            scorer.windows, self.query.within
        );
        Ok(Explanation::new_with_string(what, scorer.score()))
    }
}

struct NearScorer {
    operands: Vec<Occurrences>,
    lens: Vec<u32>,
    within: u32,
    doc: DocId,
    windows: u32,
    bm25: Option<Bm25Weight>,
    fieldnorms: FieldNormReader,
    starts: Vec<Vec<u32>>,
}

impl NearScorer {
    /// Moves to the first matching document at or after `target`.
    fn find(&mut self, target: DocId) -> DocId {
        let mut target = target;
        if self.operands.is_empty() {
            self.doc = TERMINATED;
            return TERMINATED;
        }
        self.starts.resize(self.operands.len(), Vec::new());
        loop {
            // Every spelling in one document.
            let mut doc = target;
            loop {
                let mut agreed = true;
                for operand in self.operands.iter_mut() {
                    let at = operand.seek(doc);
                    if at != doc {
                        agreed = false;
                        doc = doc.max(at);
                    }
                }
                if agreed || doc == TERMINATED {
                    break;
                }
            }
            if doc == TERMINATED {
                self.doc = TERMINATED;
                return TERMINATED;
            }
            for (operand, starts) in self.operands.iter_mut().zip(self.starts.iter_mut()) {
                operand.starts(starts);
            }
            let windows = near_windows(&self.starts, &self.lens, self.within);
            if windows > 0 {
                self.doc = doc;
                self.windows = windows;
                return doc;
            }
            target = doc + 1;
        }
    }
}

impl DocSet for NearScorer {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        self.find(self.doc + 1)
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        self.find(target)
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.operands
            .iter()
            .map(Occurrences::size_hint)
            .min()
            .unwrap_or(0)
    }
}

impl Scorer for NearScorer {
    fn score(&mut self) -> Score {
        match &self.bm25 {
            Some(bm25) => bm25.score(self.fieldnorms.fieldnorm_id(self.doc), self.windows),
            None => 1.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_count_places_where_all_stand_close_in_any_order() {
        // 乡村振兴 (4) at 0 and 50, 收入 (2) at 10 and 40.
        let starts = vec![vec![0, 50], vec![10, 40]];
        assert_eq!(near_windows(&starts, &[4, 2], 6), 1); // 0..4 then 10: 6 between
        assert_eq!(near_windows(&starts, &[4, 2], 5), 0);
        assert_eq!(near_windows(&starts, &[4, 2], 8), 2); // 42..50: 8 between
        assert_eq!(near_windows(&[vec![3], vec![]], &[2, 2], 100), 0);
        // Three words: the window from the first start to the last end.
        let three = vec![vec![0], vec![5], vec![9]];
        assert_eq!(near_windows(&three, &[2, 2, 2], 5), 1); // 11 - 6
        assert_eq!(near_windows(&three, &[2, 2, 2], 4), 0);
        // Overlapping words count as adjacent.
        assert_eq!(near_windows(&[vec![0], vec![1]], &[3, 3], 0), 1);
    }

    #[test]
    fn spellings() {
        assert_eq!(Spelling::of("鸡"), Spelling::Char('鸡'));
        assert_eq!(
            Spelling::of("乡村振兴"),
            Spelling::Tokens(vec![
                (0, "乡村".into()),
                (1, "村振".into()),
                (2, "振兴".into())
            ])
        );
        assert_eq!(Spelling::of("乡村振兴").char_len(), 4);
        assert_eq!(Spelling::of("covid 19").char_len(), 8);
    }

    #[test]
    fn a_seek_lands_on_a_document_holding_every_token() {
        // "cc" first stands in document 2, which lacks "aa": before the first seek the
        // postings stand on documents 0 and 2, and 2 is not where "aa cc" is.
        use tantivy::schema::{Schema, TextFieldIndexing, TextOptions};
        let mut builder = Schema::builder();
        let indexing = TextFieldIndexing::default()
            .set_tokenizer("default")
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let text = builder.add_text_field(
            "text",
            TextOptions::default().set_indexing_options(indexing),
        );
        let index = tantivy::Index::create_in_ram(builder.build());
        let mut writer: tantivy::IndexWriter =
            index.writer_with_num_threads(1, 15_000_000).unwrap();
        for body in ["aa zz", "zz zz", "cc", "zz aa cc"] {
            writer.add_document(tantivy::doc!(text => body)).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let reader = searcher.segment_reader(0);
        let spelling = Spelling::Tokens(vec![(0, "aa".into()), (1, "cc".into())]);
        let mut occurrences = Occurrences::open(reader, text, &spelling).unwrap().unwrap();
        assert_eq!(occurrences.seek(2), 3);
        let mut starts = Vec::new();
        occurrences.starts(&mut starts);
        assert_eq!(starts, [1]);
        assert_eq!(occurrences.seek(3), 3);
        assert_eq!(occurrences.seek(4), TERMINATED);
        // The same from the start of the segment.
        let mut occurrences = Occurrences::open(reader, text, &spelling).unwrap().unwrap();
        assert_eq!(occurrences.seek(0), 3);
    }
}
