//! Relaxed matching: how a query that matches nothing as written is answered — a
//! question (`锣鼓经是什么？`), text pasted from elsewhere, words that never stand
//! together in one article.
//!
//! 1. **Content words**: jieba's words of every term of the query, without question
//!    words and particles (什么, 哪些, 谁, 吗, 呢, 的…) — whole words only, so 几内亚,
//!    哪吒 and 什么值得买 keep their characters. Each weighs by its rarity in the archive.
//! 2. **Candidates**: the articles holding any character pair or word of them, within the
//!    query's filters and exclusions; `total` counts them all. The best few hundred by
//!    BM25 over those pairs and words (tantivy's block-max WAND scores only these in
//!    full) go on to the next step.
//! 3. **Re-ranking** by where the words stand, read from the positions the index keeps
//!    (no stored article is read): how much of the query's weight an article holds, the
//!    most of it within one window of a few dozen characters, in the headline, whole
//!    runs of the query's words standing together, and BM25 over whole words. The
//!    weights of these signals ([`RankParams`]) were measured on judged question sets
//!    (`bench/relevance/`).
//!
//! This module must not print or read stored articles.

use super::collect::{AllMatches, Candidate, Collected};
use super::plan::{self, scope_fields};
use super::proximity::{Occurrences, Spelling};
use super::query::{Expr, Scope, Term};
use crate::analyze::{is_dictionary_word, query_words};
use crate::error::Result;
use crate::schema::{AnalyzerKind, IndexSchema};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use tantivy::collector::{Count, TopDocs};
use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::Postings;
use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocId, DocSet, Searcher, Term as TantivyTerm};

/// The weights of relaxed ranking: measured defaults, public so that evaluations can
/// vary them (`benches/ranking.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RankParams {
    /// Candidates re-ranked (the rest keep their BM25 order after them).
    pub candidates: usize,
    /// Weight of the BM25 over character pairs and words (scaled to the best candidate's).
    pub pairs: f32,
    /// Weight of the BM25 over whole content words (scaled to the best candidate's).
    pub words: f32,
    /// Weight of the share of the query's weight the article holds.
    pub coverage: f32,
    /// Weight of the most of the query's weight within one window of the body.
    pub window: f32,
    /// Window length in characters.
    pub window_chars: u32,
    /// Weight of the share of the query's weight in the headline.
    pub title: f32,
    /// Weight of the share of runs of adjacent content words found together.
    pub runs: f32,
    /// Weight of a word match in the candidate search.
    pub word_boost: f32,
    /// Weight of a character-pair match in the candidate search.
    pub pair_boost: f32,
    /// When fewer articles than a page match as written (in relevance order), follow
    /// them with the relaxed answer's best, marked `partial`.
    pub fill: bool,
}

impl Default for RankParams {
    /// Weights chosen by coordinate ascent on half of 1,280 judged questions
    /// (`cargo bench --bench ranking -- --tune`), checked on the other half. Measured
    /// without one signal at a time, the window and the runs carry most of the gain
    /// over the candidate search's own order; whole-word BM25 and a separate coverage
    /// term add nothing once the candidates are ordered by the weight they hold.
    fn default() -> Self {
        RankParams {
            candidates: 100,
            pairs: 1.5,
            words: 0.0,
            coverage: 0.0,
            window: 1.5,
            window_chars: 20,
            title: 0.1,
            runs: 0.6,
            word_boost: 1.0,
            pair_boost: 0.02,
            fill: true,
        }
    }
}

/// One content word of the query.
#[derive(Debug, Clone)]
pub(super) struct Unit {
    /// The word, normalised.
    pub text: String,
    /// Where it is looked for.
    pub scope: Scope,
    /// Its weight: how rare it is in the archive.
    pub weight: f32,
}

/// A run of adjacent content words (`司马` + `晏`), as the query has them.
#[derive(Debug, Clone)]
struct Run {
    text: String,
    scope: Scope,
    units: Vec<usize>,
}

/// The query's content, ready to rank with.
#[derive(Debug, Clone)]
pub(super) struct Content {
    pub units: Vec<Unit>,
    runs: Vec<Run>,
}

impl Content {
    /// Terms to highlight: the runs (whole names) and each word — a lone character
    /// only when the query has nothing longer, since alone it would light up
    /// everywhere.
    pub fn highlight_terms(&self) -> Vec<Term> {
        let runs = self
            .runs
            .iter()
            .filter(|r| r.units.len() > 1)
            .map(|r| (&r.text, r.scope));
        let longer = self.units.iter().any(|u| u.text.chars().count() > 1);
        let units = self
            .units
            .iter()
            .filter(|u| !longer || u.text.chars().count() > 1)
            .map(|u| (&u.text, u.scope));
        runs.chain(units)
            .filter_map(|(text, scope)| Term::new(text, false, scope))
            .collect()
    }
}

/// Whole words that ask or bind rather than tell: left out of relaxed matching.
const FUNCTION_WORDS: &[&str] = &[
    // Question words.
    "什么",
    "甚么",
    "啥",
    "怎么",
    "怎样",
    "怎么样",
    "如何",
    "为什么",
    "为何",
    "干嘛",
    "哪",
    "哪儿",
    "哪里",
    "哪些",
    "哪个",
    "哪位",
    "哪年",
    "哪天",
    "哪家",
    "哪种",
    "哪一年",
    "哪一天",
    "哪一个",
    "哪一位",
    "哪一种",
    "何",
    "何时",
    "何地",
    "何处",
    "何人",
    "何种",
    "何以",
    "谁",
    "几",
    "多少",
    "多久",
    "多大",
    "多长",
    "多高",
    "多远",
    "多重",
    "是否",
    "是不是",
    "有没有",
    "能否",
    "可否",
    "请问",
    "吗",
    "呢",
    "吧",
    "啊",
    "呀",
    "么",
    "嘛",
    "什么样",
    "什么时候",
    "什么地方",
    "什么人",
    // Particles, pronouns and the like.
    "的",
    "了",
    "是",
    "在",
    "和",
    "与",
    "及",
    "等",
    "也",
    "都",
    "还",
    "就",
    "又",
    "把",
    "被",
    "对",
    "从",
    "向",
    "到",
    "给",
    "以",
    "于",
    "并",
    "而",
    "或",
    "这",
    "那",
    "这些",
    "那些",
    "这个",
    "那个",
    "其",
    "之",
    "着",
    "过",
    "得",
    "地",
    "我",
    "你",
    "他",
    "她",
    "它",
    "我们",
    "你们",
    "他们",
    "她们",
    "它们",
    "有",
    "会",
    "能",
    "要",
    "将",
    "该",
    "可以",
    "一个",
    "呢",
    "the",
    "a",
    "an",
    "of",
    "and",
    "or",
    "to",
    "in",
    "on",
    "is",
    "are",
    "was",
    "were",
    "be",
    "what",
    "how",
    "why",
    "which",
    "who",
    "whom",
    "when",
    "where",
    "does",
    "do",
    "did",
];

/// Question words followed by a measure word (几个, 哪年, 多少次) ask too.
const ASKING_PREFIXES: &[&str] = &["哪", "几", "多少", "什么", "何"];
const MEASURES: &[&str] = &[
    "个", "年", "月", "日", "号", "天", "次", "位", "名", "人", "种", "样", "家", "国", "岁", "条",
    "项", "部", "所", "座", "本", "只", "件", "台", "辆", "架", "艘", "场", "届", "期", "分", "秒",
    "点", "时", "里", "儿", "处", "边", "些", "方", "类", "吨", "元", "米", "亿", "万", "倍", "层",
    "块", "张", "篇", "首", "支", "队", "门", "股", "公里", "一年", "一天", "一个", "一位", "一种",
    "一次", "一家", "钱", "岁数", "时候",
];

/// Whether a whole word of a query asks or binds rather than tells.
pub fn is_function_word(word: &str) -> bool {
    FUNCTION_WORDS.contains(&word)
        || ASKING_PREFIXES.iter().any(|prefix| {
            word.strip_prefix(prefix)
                .is_some_and(|rest| MEASURES.contains(&rest))
        })
}

/// The content words of a query's positive terms, in order, with their runs; when
/// every word is a function word, all of them (a query of only 什么 still searches).
pub(super) fn content(expr: &Expr) -> Content {
    let mut content = collect_content(expr, true);
    if content.units.is_empty() {
        content = collect_content(expr, false);
    }
    content
}

fn collect_content(expr: &Expr, skip_function_words: bool) -> Content {
    let mut units: Vec<Unit> = Vec::new();
    let mut runs: Vec<Run> = Vec::new();
    for term in expr.positive_terms() {
        let mut run: Option<(Run, usize)> = None; // the open run and where it ends
        for (start, word) in query_words(&term.normalized) {
            if skip_function_words && is_function_word(&word) {
                runs.extend(run.take().map(|(r, _)| r));
                continue;
            }
            // A word the segmenter guessed may have taken a particle with it (尚恩有):
            // the particle asks nothing and would not be there in the text.
            let (start, word) = if skip_function_words {
                trim_particles(start, word)
            } else {
                (start, word)
            };
            let length = word.chars().count();
            let unit = match units
                .iter()
                .position(|u| u.text == word && u.scope == term.scope)
            {
                Some(existing) => existing,
                None => {
                    units.push(Unit {
                        text: word.clone(),
                        scope: term.scope,
                        weight: 0.0,
                    });
                    units.len() - 1
                }
            };
            match &mut run {
                Some((open, end)) if *end == start => {
                    open.text.push_str(&word);
                    open.units.push(unit);
                    *end = start + length;
                }
                _ => {
                    runs.extend(run.take().map(|(r, _)| r));
                    run = Some((
                        Run {
                            text: word.clone(),
                            scope: term.scope,
                            units: vec![unit],
                        },
                        start + length,
                    ));
                }
            }
        }
        runs.extend(run.take().map(|(r, _)| r));
    }
    Content { units, runs }
}

/// Characters that, at either end of a word the segmenter guessed (not in its
/// dictionary), are a particle or question word stuck to it: 尚恩有 → 尚恩.
const STUCK_PARTICLES: &str = "的了是在有和与及也都就又把被对从向到给以于并而或这那其之着过得地会能要将该吗呢吧啊呀么嘛谁几哪何";

fn trim_particles(start: usize, word: String) -> (usize, String) {
    if word.chars().count() < 3 || is_dictionary_word(&word) {
        return (start, word);
    }
    let mut chars: Vec<char> = word.chars().collect();
    let mut start = start;
    while chars.len() > 2 && STUCK_PARTICLES.contains(chars[chars.len() - 1]) {
        chars.pop();
    }
    while chars.len() > 2 && STUCK_PARTICLES.contains(chars[0]) {
        chars.remove(0);
        start += 1;
    }
    (start, chars.into_iter().collect())
}

/// The relaxed answer: the best candidates re-ranked (best first), how many articles
/// match, and their facet counts when asked.
pub(super) struct Answer {
    pub collected: Collected,
    pub total: u64,
    pub content: Content,
}

/// Answers `expr` in relaxed mode; `None` when it has no word to relax.
pub(super) fn answer(
    searcher: &Searcher,
    schema: &IndexSchema,
    expr: &Expr,
    params: &RankParams,
    needed: usize,
    facets: bool,
) -> Result<Option<Answer>> {
    let mut content = content(expr);
    if content.units.is_empty() {
        return Ok(None);
    }
    weigh(searcher, schema, &mut content)?;
    let any = candidate_query(schema, &content, params)?;
    let query = plan::with_constraints(schema, expr, any)?;
    let mut collected = Collected::default();
    let depth = params.candidates.max(needed).max(1);
    let best = TopDocs::with_limit(depth).order_by_score();
    let (top, total) = if facets {
        let (top, all) = searcher.search(&*query, &(best, AllMatches { facets }))?;
        let total = all.candidates.len() as u64;
        collected = all;
        (top, total)
    } else {
        let (top, count) = searcher.search(&*query, &(best, Count))?;
        (top, count as u64)
    };
    if total == 0 {
        return Ok(Some(Answer {
            collected,
            total,
            content,
        }));
    }
    collected.candidates = rerank(searcher, schema, &content, params, top)?;
    Ok(Some(Answer {
        collected,
        total,
        content,
    }))
}

/// Weighs each unit by its rarity: `ln(1 + (N - df + 0.5) / (df + 0.5))`, with `df`
/// the articles holding it as a word (or, for a word the index cut otherwise, the
/// articles holding its rarest pair).
fn weigh(searcher: &Searcher, schema: &IndexSchema, content: &mut Content) -> Result<()> {
    let documents = searcher.num_docs().max(1) as f32;
    let body = field_of(schema, "body");
    for unit in content.units.iter_mut() {
        let mut df = 0u64;
        if let Some(words) = body.and_then(|fields| fields.1) {
            df = searcher.doc_freq(&TantivyTerm::from_field_text(words, &unit.text))?;
        }
        if df == 0 {
            if let (Some((Some(pairs), _)), Spelling::Tokens(tokens)) =
                (body, Spelling::of(&unit.text))
            {
                let mut rarest = u64::MAX;
                for (_, token) in &tokens {
                    rarest =
                        rarest.min(searcher.doc_freq(&TantivyTerm::from_field_text(pairs, token))?);
                }
                df = if tokens.is_empty() { 0 } else { rarest };
            }
        }
        let df = df as f32;
        unit.weight = (1.0 + (documents - df + 0.5) / (df + 0.5)).ln();
    }
    Ok(())
}

/// The bigram and words fields of a schema field.
fn field_of(schema: &IndexSchema, name: &str) -> Option<(Option<Field>, Option<Field>)> {
    schema
        .searchable_fields()
        .find(|(spec, _)| spec.name == name)
        .map(|(_, fields)| {
            let of = |kind| fields.iter().find(|f| f.analyzer == kind).map(|f| f.field);
            (of(AnalyzerKind::Bigram), of(AnalyzerKind::Words))
        })
}

/// The candidate search: every article holding a content word (as a word of the
/// segmented text, or, for a word the segmenter may cut otherwise, as a phrase of
/// its pairs), scored by the weight of the words it holds — how much of the query it
/// covers — plus a little BM25 over the words' character pairs to order articles that
/// cover as much.
fn candidate_query(
    schema: &IndexSchema,
    content: &Content,
    params: &RankParams,
) -> Result<Box<dyn Query>> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for unit in &content.units {
        let mut presence: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let dictionary = is_dictionary_word(&unit.text) || unit.text.chars().count() == 1;
        for (_, fields) in scope_fields(schema, unit.scope) {
            for field in fields {
                let query: Box<dyn Query> = match field.analyzer {
                    AnalyzerKind::Words => Box::new(TermQuery::new(
                        TantivyTerm::from_field_text(field.field, &unit.text),
                        IndexRecordOption::Basic,
                    )),
                    AnalyzerKind::Bigram if !dictionary => {
                        match plan::spelling_query(field.field, &Spelling::of(&unit.text))? {
                            Some(query) => query,
                            None => continue,
                        }
                    }
                    AnalyzerKind::Bigram => continue,
                };
                presence.push((Occur::Should, query));
            }
        }
        if presence.is_empty() {
            continue;
        }
        let held = ConstScoreQuery::new(Box::new(BooleanQuery::new(presence)), unit.weight);
        clauses.push((Occur::Should, Box::new(held)));
    }
    if params.pair_boost > 0.0 {
        let mut seen: std::collections::HashSet<(Field, String)> = Default::default();
        for run in &content.runs {
            let Spelling::Tokens(tokens) = Spelling::of(&run.text) else {
                continue;
            };
            for (boost, fields) in scope_fields(schema, run.scope) {
                let Some(bigram) = fields.iter().find(|f| f.analyzer == AnalyzerKind::Bigram)
                else {
                    continue;
                };
                for (_, token) in &tokens {
                    if seen.insert((bigram.field, token.clone())) {
                        let term = TermQuery::new(
                            TantivyTerm::from_field_text(bigram.field, token),
                            IndexRecordOption::WithFreqs,
                        );
                        let weight = boost * params.pair_boost;
                        clauses.push((
                            Occur::Should,
                            Box::new(BoostQuery::new(Box::new(term), weight)),
                        ));
                    }
                }
            }
        }
    }
    Ok(Box::new(BooleanQuery::new(clauses)))
}

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
fn rerank(
    searcher: &Searcher,
    schema: &IndexSchema,
    content: &Content,
    params: &RankParams,
    top: Vec<(f32, DocAddress)>,
) -> Result<Vec<Candidate>> {
    let total_weight: f32 = content
        .units
        .iter()
        .map(|u| u.weight)
        .sum::<f32>()
        .max(1e-6);
    let mut by_segment: HashMap<u32, Vec<(DocId, f32)>> = HashMap::new();
    for (score, address) in &top {
        by_segment
            .entry(address.segment_ord)
            .or_default()
            .push((address.doc_id, *score));
    }
    let best_pairs = top.iter().map(|(s, _)| *s).fold(0.0f32, f32::max).max(1e-6);
    let mut scored: Vec<(Candidate, [f32; 6])> = Vec::with_capacity(top.len());
    let mut starts: Vec<u32> = Vec::new();
    let mut body_places: Vec<(u32, usize)> = Vec::new();
    let multi_runs: Vec<&Run> = content.runs.iter().filter(|r| r.units.len() > 1).collect();
    let run_weight =
        |run: &Run| -> f32 { run.units.iter().map(|&u| content.units[u].weight).sum() };
    let all_runs_weight: f32 = multi_runs.iter().map(|r| run_weight(r)).sum();

    for (segment, mut docs) in by_segment {
        docs.sort_unstable_by_key(|(doc, _)| *doc);
        let reader = searcher.segment_reader(segment);
        let fast = reader.fast_fields();
        let dates = fast.date("date")?;
        let simhashes = fast.u64("simhash")?;
        let mut fields = open_fields(searcher, reader, schema, content, &multi_runs)?;
        for (doc, pairs_score) in docs {
            let mut held = vec![false; content.units.len()];
            let mut in_title = vec![false; content.units.len()];
            let mut runs_found = vec![false; multi_runs.len()];
            let mut words_bm25 = 0.0f32;
            let mut window = 0.0f32;
            for place in fields.iter_mut() {
                let length = place.norms.fieldnorm(doc) as f32;
                let norm = 1.2 * (0.25 + 0.75 * length / place.average_length.max(1.0));
                body_places.clear();
                for (index, unit) in place.units.iter_mut().enumerate() {
                    let Some(unit) = unit else { continue };
                    let tf = match unit {
                        Place::Positions(occurrences) => {
                            if occurrences.seek(doc) != doc {
                                continue;
                            }
                            occurrences.starts(&mut starts);
                            if place.is_body {
                                body_places.extend(starts.iter().map(|&s| (s, index)));
                            }
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
                            postings.term_freq() as f32
                        }
                    };
                    if tf == 0.0 {
                        continue;
                    }
                    held[index] = true;
                    if place.is_title {
                        in_title[index] = true;
                    }
                    let weight = content.units[index].weight;
                    words_bm25 += place.boost * weight * tf * 2.2 / (tf + norm);
                }
                for (index, run) in place.runs.iter_mut().enumerate() {
                    if let Some(run) = run {
                        if run.seek(doc) == doc {
                            run.starts(&mut starts);
                            runs_found[index] |= !starts.is_empty();
                        }
                    }
                }
                if place.is_body {
                    window = window.max(best_window(
                        &mut body_places,
                        &content.units,
                        params.window_chars,
                    ));
                }
            }
            // A title is short: all of it is one window.
            let title_weight: f32 = in_title
                .iter()
                .zip(&content.units)
                .filter(|(found, _)| **found)
                .map(|(_, u)| u.weight)
                .sum();
            window = window.max(title_weight);
            let held_weight: f32 = held
                .iter()
                .zip(&content.units)
                .filter(|(found, _)| **found)
                .map(|(_, u)| u.weight)
                .sum();
            let runs_weight: f32 = runs_found
                .iter()
                .zip(&multi_runs)
                .filter(|(found, _)| **found)
                .map(|(_, r)| run_weight(r))
                .sum();
            let features = [
                pairs_score / best_pairs,
                words_bm25,
                held_weight / total_weight,
                window / total_weight,
                title_weight / total_weight,
                if all_runs_weight > 0.0 {
                    runs_weight / all_runs_weight
                } else {
                    0.0
                },
            ];
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
                features,
            ));
        }
    }
    let best_words = scored
        .iter()
        .map(|(_, f)| f[1])
        .fold(0.0f32, f32::max)
        .max(1e-6);
    Ok(scored
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
        .collect())
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
    use crate::search::query::parse_query;

    fn words_of(query: &str) -> Vec<String> {
        content(&parse_query(query).unwrap())
            .units
            .into_iter()
            .map(|u| u.text)
            .collect()
    }

    #[test]
    fn question_words_are_left_out_as_whole_words_only() {
        assert!(!words_of("锣鼓经是什么？").contains(&"什么".to_string()));
        assert_eq!(words_of("尚恩有什么爱好？"), ["尚恩", "爱好"]);
        assert_eq!(words_of("几内亚的首都在哪里"), ["几内亚", "首都"]);
        assert_eq!(
            words_of("哪吒是谁"),
            [crate::analyze::normalize_str("哪吒")]
        );
        assert!(words_of("他几岁了").is_empty() || words_of("他几岁了") == ["他", "几岁", "了"]);
        assert_eq!(words_of("什么"), ["什么"]);
    }

    #[test]
    fn asking_words_with_a_measure_ask() {
        for word in ["几个", "哪年", "多少次", "什么时候", "何时", "哪一年"] {
            assert!(is_function_word(word), "{word}");
        }
        for word in ["几内亚", "哪吒", "何炅", "多少钱的事"] {
            assert!(!is_function_word(word), "{word}");
        }
    }

    #[test]
    fn runs_join_adjacent_content_words() {
        let content = content(&parse_query("谁杀了司马晏").unwrap());
        let runs: Vec<&str> = content.runs.iter().map(|r| r.text.as_str()).collect();
        assert!(runs.contains(&"司马晏"), "{runs:?}");
    }

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
