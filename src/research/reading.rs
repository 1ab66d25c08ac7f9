//! The reading view: one article as a reader opens it from a result — where the
//! query's words are in its headline and text ([`Reading::highlights`]), the reprints
//! of its story ([`Archive::reprints`]) and the articles most like it
//! ([`Archive::similar`]).
//!
//! A story's reprints are the articles whose body fingerprint is within
//! [`NEAR_DUPLICATE_BITS`] of this one's — the articles a search collapses into one
//! hit — found over the whole archive, oldest first (where the story appeared first).
//! Similar articles are found by the article's most distinctive words (frequent in it,
//! rare in the archive), reprints of it and of each other left out.
//! This module reads; it must not print.

use crate::analyze::fingerprint::distance;
use crate::analyze::words;
use crate::article::{Article, Date};
use crate::error::Result;
use crate::index::Archive;
use crate::search::query::{Expr, Term as QueryTerm};
use crate::search::relaxed::{content, is_function_word};
use crate::search::{entity_highlights, understand, Filters, NEAR_DUPLICATE_BITS};
use crate::snippet::Highlighter;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

/// Most similar articles one call gives.
pub const MAX_SIMILAR: usize = 100;

/// A similar article scores at least this share of what the article itself scores
/// for its own words: below, it shares a word or two and nothing of the story (on
/// three seeds of the shared corpora looked at, the ten most similar scored 0.2–0.55
/// of it; unrelated ones in the 24-article sample corpus 0.07).
const MIN_LIKENESS: f32 = 0.1;

/// How many of an article's words a "more like this" query asks for.
const SIMILAR_WORDS: usize = 25;

/// One article opened for reading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reading {
    /// The whole article.
    #[serde(flatten)]
    pub article: Article,
    /// Where the query's words are, when a query was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub highlights: Option<Highlights>,
    /// The other articles of its story, oldest first.
    pub reprints: Vec<Related>,
    /// The people, places and organisations it names (folded to simplified
    /// characters), as the JSON keys `person`, `place` and `org`.
    #[serde(flatten)]
    pub names: crate::analyze::Entities,
    /// The article as its input wrote it, when asked for ([`Reading::with_raw`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw: Option<RawArticle>,
}

impl Reading {
    /// The reading with the article as its input wrote it (`baoku show --raw`).
    pub fn with_raw(mut self) -> Reading {
        self.raw = Some(RawArticle::of(&self.article));
        self
    }
}

/// An article's headline and body as its input wrote them, before cleaning
/// ([`crate::Original`]), as `baoku show --raw --json` prints them under `"raw"`.
///
/// ```
/// use baoku::research::RawArticle;
/// use baoku::{Article, Original};
///
/// let article = Article {
///     title: Some("春耕忙".into()),
///     body: "田里有好消息。".into(),
///     original: Original { title: None, body: Some("田里有**好消息**。".into()) },
///     ..Article::default()
/// };
/// let raw = RawArticle::of(&article);
/// assert!(raw.changed);
/// assert_eq!(raw.title.as_deref(), Some("春耕忙"));
/// assert_eq!(raw.body, "田里有**好消息**。");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawArticle {
    /// Whether cleaning changed the headline or the body; when not, they are the
    /// article as stored.
    pub changed: bool,
    /// The headline as written.
    pub title: Option<String>,
    /// The body as written.
    pub body: String,
}

impl RawArticle {
    /// The headline and body of `article` as its input wrote them.
    pub fn of(article: &Article) -> RawArticle {
        RawArticle {
            changed: article.was_cleaned(),
            title: article.raw_title().map(str::to_string),
            body: article.raw_body().to_string(),
        }
    }
}

/// Character ranges `[start, end)` of the query's words in each part of an article,
/// as [`Highlighter::highlight`] gives them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Highlights {
    /// In the headline.
    pub title: Vec<[usize; 2]>,
    /// In the sub-headline.
    pub subtitle: Vec<[usize; 2]>,
    /// In the body.
    pub body: Vec<[usize; 2]>,
}

impl Highlights {
    /// How many matches there are in all.
    pub fn len(&self) -> usize {
        self.title.len() + self.subtitle.len() + self.body.len()
    }

    /// Whether the query's words occur nowhere in the article.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Another article, as a list of reprints or similar articles names it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Related {
    /// Its id (for [`Archive::get`] and `baoku show`).
    pub id: String,
    /// The headline.
    pub title: Option<String>,
    /// Publication date.
    pub date: Option<Date>,
    /// The outlet.
    pub source: Option<String>,
    /// The web address.
    pub url: Option<String>,
    /// How alike it is: the "more like this" score (higher is more alike); absent
    /// for reprints.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// Whether it is a reprint of the article asked about.
    pub reprint: bool,
}

/// What [`Archive::similar`] gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SimilarOptions {
    /// How many articles (at most [`MAX_SIMILAR`]).
    pub limit: usize,
    /// List the article's reprints first (they are left out otherwise).
    pub reprints: bool,
}

impl Default for SimilarOptions {
    fn default() -> Self {
        SimilarOptions {
            limit: 10,
            reprints: false,
        }
    }
}

/// An article's place in the searcher, its fingerprint and the article.
struct Found {
    address: DocAddress,
    simhash: u64,
    article: Article,
}

impl Archive {
    /// Opens an article for reading: the article, where `query`'s words are in it
    /// (marked as a search marks them: the strict query's words, or, when none of them
    /// occurs, a question's content words as a relaxed answer finds them) and the
    /// reprints of its story. `None` when no article has this id; an error when the
    /// query cannot be read.
    ///
    /// ```
    /// use baoku::{Archive, Article};
    ///
    /// let dir = tempfile::tempdir()?;
    /// let archive = Archive::create(dir.path())?;
    /// let mut writer = archive.writer()?;
    /// let story = "全省脱贫地区农民人均可支配收入达到12906元，增速高于全省农民平均水平。";
    /// // One story in two outlets, each with its own headline.
    /// for (id, source, title) in [("a", "吉林日报", "农民收入稳步增长"), ("b", "人民网", "吉林农民增收")] {
    ///     writer.upsert(&Article {
    ///         id: id.into(),
    ///         title: Some(title.into()),
    ///         source: Some(source.into()),
    ///         body: story.into(),
    ///         ..Article::default()
    ///     })?;
    /// }
    /// writer.commit()?;
    /// archive.reload()?;
    ///
    /// let reading = archive.read("a", Some("收入"))?.expect("stored");
    /// let marks = reading.highlights.expect("a query was given");
    /// assert_eq!(marks.title, vec![[2, 4]]);
    /// let [start, end] = marks.body[0];
    /// let body: Vec<char> = reading.article.body.chars().collect();
    /// assert_eq!(body[start..end].iter().collect::<String>(), "收入");
    /// assert_eq!(reading.reprints.len(), 1);
    /// assert_eq!(reading.reprints[0].source.as_deref(), Some("人民网"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn read(&self, id: &str, query: Option<&str>) -> Result<Option<Reading>> {
        let searcher = self.searcher();
        let Some(found) = self.find(&searcher, id)? else {
            return Ok(None);
        };
        let highlights = match query.filter(|q| !q.trim().is_empty()) {
            Some(query) => Some(highlights(&searcher, self, query, &found.article)?),
            None => None,
        };
        let reprints = self.reprints_of(&searcher, &found)?;
        let names = self.names_at(&searcher, found.address)?;
        Ok(Some(Reading {
            article: found.article,
            highlights,
            reprints,
            names,
            raw: None,
        }))
    }

    /// The reprints of an article's story over the whole archive — the articles a
    /// search collapses with it into one hit — oldest first. `None` when no article
    /// has this id.
    pub fn reprints(&self, id: &str) -> Result<Option<Vec<Related>>> {
        let searcher = self.searcher();
        match self.find(&searcher, id)? {
            Some(found) => Ok(Some(self.reprints_of(&searcher, &found)?)),
            None => Ok(None),
        }
    }

    /// The articles most like one article, best first ("more like this"): those
    /// sharing most of its distinctive words — frequent in it, rare in the archive —
    /// one article per story, its own reprints left out unless
    /// [`SimilarOptions::reprints`] asks for them first. `None` when no article has
    /// this id.
    ///
    /// ```
    /// use baoku::research::SimilarOptions;
    /// use baoku::{Archive, Article};
    ///
    /// let dir = tempfile::tempdir()?;
    /// let archive = Archive::create(dir.path())?;
    /// let mut writer = archive.writer()?;
    /// let texts = [
    ///     ("typhoon-1", "台风梅花在浙江舟山登陆，沿海渔船回港避风，防汛部门启动应急响应。"),
    ///     ("typhoon-2", "受台风梅花影响，舟山渔船全部回港，防汛部门转移沿海群众。"),
    ///     ("harvest", "黑龙江秋粮收获进度过半，农机合作社抢收玉米大豆。"),
    /// ];
    /// for (id, body) in texts {
    ///     writer.upsert(&Article { id: id.into(), body: body.into(), ..Article::default() })?;
    /// }
    /// writer.commit()?;
    /// archive.reload()?;
    ///
    /// let similar = archive.similar("typhoon-1", &SimilarOptions::default())?.expect("stored");
    /// assert_eq!(similar[0].id, "typhoon-2");
    /// assert!(similar.iter().all(|r| r.id != "typhoon-1"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn similar(&self, id: &str, options: &SimilarOptions) -> Result<Option<Vec<Related>>> {
        let searcher = self.searcher();
        let Some(found) = self.find(&searcher, id)? else {
            return Ok(None);
        };
        let limit = options.limit.min(MAX_SIMILAR);
        let near = near_duplicates(&searcher, &found)?;
        // Words only the story's own articles hold find nothing else.
        let story = 1 + near.len() as u64;
        let mut related = match options.reprints {
            true => self.related(&searcher, near)?,
            false => Vec::new(),
        };
        related.truncate(limit);
        let Some(query) = self.more_like(&searcher, &found.article, story) else {
            return Ok(Some(related));
        };
        // Enough to fill the page after reprints and stories already listed.
        let wanted = (limit * 3).max(limit + 20);
        let top = searcher.search(
            &query,
            &tantivy::collector::TopDocs::with_limit(wanted).order_by_score(),
        )?;
        let mut stories: Vec<u64> = vec![found.simhash];
        let own = top
            .iter()
            .find(|(_, a)| *a == found.address)
            .map_or(0.0, |(s, _)| *s);
        for (score, address) in top {
            // Shares a word or two only: not alike.
            if score < own * MIN_LIKENESS {
                break;
            }
            if related.len() >= limit {
                break;
            }
            if address == found.address {
                continue;
            }
            let simhash = simhash_at(&searcher, address)?;
            let same_story = simhash != 0
                && stories
                    .iter()
                    .any(|&s| s != 0 && distance(s, simhash) <= NEAR_DUPLICATE_BITS);
            if same_story {
                continue;
            }
            stories.push(simhash);
            let doc: TantivyDocument = searcher.doc(address)?;
            let article = self.schema().to_article(&doc);
            related.push(Related {
                score: Some((f64::from(score) * 1000.0).round() / 1000.0),
                ..related_of(article, false)
            });
        }
        Ok(Some(related))
    }

    /// The article with this id, where it is and its fingerprint.
    fn find(&self, searcher: &Searcher, id: &str) -> Result<Option<Found>> {
        let Some(address) = self.address_of(searcher, id)? else {
            return Ok(None);
        };
        let doc: TantivyDocument = searcher.doc(address)?;
        Ok(Some(Found {
            address,
            simhash: simhash_at(searcher, address)?,
            article: self.schema().to_article(&doc),
        }))
    }

    /// Every other article whose fingerprint is near `found`'s, oldest first
    /// (undated last). An article without a body has no fingerprint and no reprints.
    fn reprints_of(&self, searcher: &Searcher, found: &Found) -> Result<Vec<Related>> {
        let near = near_duplicates(searcher, found)?;
        self.related(searcher, near)
    }

    /// The reprints at these addresses, oldest first (undated last).
    fn related(&self, searcher: &Searcher, near: Vec<DocAddress>) -> Result<Vec<Related>> {
        let mut related = Vec::with_capacity(near.len());
        for address in near {
            let doc: TantivyDocument = searcher.doc(address)?;
            related.push(related_of(self.schema().to_article(&doc), true));
        }
        oldest_first(&mut related);
        Ok(related)
    }

    /// A query for the article's most distinctive words in headlines and bodies, each
    /// weighted by how often the article uses it and how rare it is in the archive;
    /// `None` when the article has no word that more articles than the `story`'s own
    /// (the article and its reprints) hold.
    fn more_like(
        &self,
        searcher: &Searcher,
        article: &Article,
        story: u64,
    ) -> Option<BooleanQuery> {
        let fields = self.schema().fields();
        let text = format!(
            "{}\n{}",
            article.title.as_deref().unwrap_or(""),
            article.body
        );
        let mut counts: HashMap<String, u32> = HashMap::new();
        for token in words(&text) {
            let chars = token.text.chars().count();
            let worded = token.text.chars().any(char::is_alphabetic);
            if chars >= 2 && worded && !is_function_word(&token.text) {
                *counts.entry(token.text).or_default() += 1;
            }
        }
        let articles = searcher.num_docs() as f32;
        let mut weighted: Vec<(f32, String)> = counts
            .into_iter()
            .filter_map(|(word, count)| {
                let term = Term::from_field_text(fields.body, &word);
                let df = searcher.doc_freq(&term).ok()?;
                if df <= story {
                    return None;
                }
                let df = df as f32;
                let idf = (1.0 + (articles - df + 0.5) / (df + 0.5)).ln();
                Some(((1.0 + (count as f32).ln()) * idf, word))
            })
            .collect();
        weighted.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        weighted.truncate(SIMILAR_WORDS);
        if weighted.is_empty() {
            return None;
        }
        let clauses: Vec<(Occur, Box<dyn Query>)> = weighted
            .iter()
            .flat_map(|(weight, word)| {
                [fields.title, fields.body].map(|field| {
                    let term = Term::from_field_text(field, word);
                    let query = TermQuery::new(term, IndexRecordOption::WithFreqs);
                    (
                        Occur::Should,
                        Box::new(BoostQuery::new(Box::new(query), *weight)) as Box<dyn Query>,
                    )
                })
            })
            .collect();
        Some(BooleanQuery::new(clauses))
    }
}

/// Where every other article whose fingerprint is near `found`'s is; none for an
/// article without a body (no fingerprint).
fn near_duplicates(searcher: &Searcher, found: &Found) -> Result<Vec<DocAddress>> {
    let mut near: Vec<DocAddress> = Vec::new();
    if found.simhash == 0 {
        return Ok(near);
    }
    for (ordinal, segment) in searcher.segment_readers().iter().enumerate() {
        let simhash = segment.fast_fields().u64("simhash")?;
        for doc in segment.doc_ids_alive() {
            let Some(hash) = simhash.first(doc) else {
                continue;
            };
            let address = DocAddress::new(ordinal as u32, doc);
            if hash != 0
                && address != found.address
                && distance(hash, found.simhash) <= NEAR_DUPLICATE_BITS
            {
                near.push(address);
            }
        }
    }
    Ok(near)
}

/// The fingerprint stored for the article at `address` (0 when it has none).
fn simhash_at(searcher: &Searcher, address: DocAddress) -> Result<u64> {
    let segment = searcher.segment_reader(address.segment_ord);
    Ok(segment
        .fast_fields()
        .u64("simhash")?
        .first(address.doc_id)
        .unwrap_or(0))
}

/// Reprints in the order the reading view lists them: oldest first, undated last.
pub(crate) fn oldest_first(related: &mut [Related]) {
    related.sort_by(|a, b| {
        b.date
            .is_some()
            .cmp(&a.date.is_some())
            .then(a.date.cmp(&b.date))
            .then_with(|| a.id.cmp(&b.id))
    });
}

/// An article as a line of the reading view's lists.
pub(crate) fn related_of(article: Article, reprint: bool) -> Related {
    Related {
        id: article.id,
        title: article.title,
        date: article.date,
        source: article.source,
        url: article.url,
        score: None,
        reprint,
    }
}

/// Where `query`'s words are in `article`, as a hit of that query marks them.
fn highlights(
    searcher: &Searcher,
    archive: &Archive,
    query: &str,
    article: &Article,
) -> Result<Highlights> {
    let (expr, _notes) = understand(archive, searcher, query, &Filters::default())?;
    Ok(highlights_of(&expr, query, article))
}

/// Where the words of `expr` (understood from `query`) are in `article`: its positive
/// terms, or, for a question none of whose words occur as typed, its content words as
/// the relaxed answer that found the article marks them.
pub(crate) fn highlights_of(expr: &Expr, query: &str, article: &Article) -> Highlights {
    let mark = |terms: Vec<&QueryTerm>| {
        let terms: Vec<&str> = terms.iter().map(|t| t.normalized.as_str()).collect();
        let highlighter = Highlighter::new(&terms).whole_words(query, is_function_word);
        let of = |text: Option<&str>| text.map(|t| highlighter.highlight(t)).unwrap_or_default();
        Highlights {
            title: of(article.title.as_deref()),
            subtitle: of(article.subtitle.as_deref()),
            body: of(Some(&article.body)),
        }
    };
    let names = entity_highlights(expr);
    let mut terms = expr.positive_terms();
    terms.extend(names.iter());
    let strict = mark(terms);
    if !strict.is_empty() {
        return strict;
    }
    let relaxed_terms = content(expr).highlight_terms();
    mark(relaxed_terms.iter().collect())
}
