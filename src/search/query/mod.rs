//! The query language, parsed into an [`Expr`] tree.
//!
//! | form | meaning |
//! |---|---|
//! | `乡村振兴 收入` | every space-separated part must match |
//! | `南京市长江大桥` | a run typed without spaces is a phrase: those characters, in order |
//! | `"machine learning"`, `“…”`, `「…」` | a quoted phrase, spaces included |
//! | `a OR b` | either (binds tighter than the implicit AND: `a b OR c` = a AND (b OR c)) |
//! | `-word`, `-"phrase"`, `NOT word` | excluded |
//! | `a NEAR/10 b`, `"a b"~10` | both, at most 10 characters apart, in either order |
//! | `( … )` | grouping |
//! | `title:` `body:` `author:` | the word or phrase in that field only |
//! | `source:人民日报`, `source:"Citizen News"` | that outlet |
//! | `person:王毅`, `place:新疆`, `org:世界卫生组织` | articles naming that person, place or organisation |
//! | `date:2022-05-17`, `date:2022-05`, `date:2022年5月`, `date:2021-01-01..2022-06-30`, `date:>=2021-03` | publication date |
//!
//! Sentence punctuation, dashes and symbols inside an unquoted run separate words
//! (`乡村振兴，收入` is two). Text pasted from elsewhere is searched, never refused:
//! what looks like syntax but cannot be read as syntax — a quote never closed, a
//! parenthesis without its pair, `OR` with nothing on one side, `Note:` which is no
//! field — is read as plain text and [noted](Parsed::notes). Only a query with nothing
//! to search for, one over [`MAX_QUERY_CHARS`], and a field scope or date that cannot
//! be valid (`titel:`, `date:2022-13`) are errors, each one line that points at the
//! problem. Parsing never panics.

mod lex;
mod parse;
#[cfg(test)]
mod tests;

pub use parse::parse_date_range;

use crate::analyze::{is_word_char, normalize_str, EntityKind};
use crate::article::Date;
use crate::error::{Error, Result};
use std::fmt;

/// The query language in one table, `(example, what it matches)`: the source of
/// `baoku search --help`; tests check that the README and the search page show every
/// form.
pub const SYNTAX: &[(&str, &str)] = &[
    ("乡村振兴 收入", "every word separated by spaces must occur"),
    ("南京市长江大桥", "a run typed without spaces is a phrase"),
    (
        "\"machine learning\"",
        "quotes make a phrase of anything, “” and 「」 too",
    ),
    ("收入 OR 增收", "either (OR binds tighter than spaces)"),
    ("台风 -演习", "excludes a word or \"phrase\" (NOT 演习 too)"),
    (
        "收入 NEAR/10 增收",
        "both, at most 10 characters apart, either order",
    ),
    ("\"收入 增收\"~10", "the same, as Lucene writes it"),
    ("(乡村 OR 农村) 振兴", "parentheses group"),
    (
        "title:乡村振兴",
        "only in the headline (body: and author: too)",
    ),
    ("source:吉林日报", "only that outlet"),
    (
        "person:王毅",
        "articles that name this person (曾蔭權 = 曾荫权)",
    ),
    ("place:新疆", "articles that name this place"),
    ("org:世界卫生组织", "articles that name this organisation"),
    (
        "date:2022-05",
        "published that day, month or year (2022年5月 too)",
    ),
    (
        "date:2021-01..2022-06",
        "a range; date:>=2021-03, date:<2020",
    ),
    (
        "鄉村振興 ＡＩ",
        "traditional = simplified, full-width = half-width",
    ),
];

/// Queries longer than this are refused rather than analysed.
pub const MAX_QUERY_CHARS: usize = 1000;
/// The distance of a `NEAR` written without one, in characters.
pub const DEFAULT_NEAR_CHARS: u32 = 10;
/// The largest `NEAR/N` distance; a larger one is read as this.
pub const MAX_NEAR_CHARS: u32 = 1000;

/// Where a term is looked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Title, subtitle, body and author, as the schema's boosts say.
    Default,
    /// The title (and subtitle).
    Title,
    /// The body.
    Body,
    /// The author field.
    Author,
}

/// A word or phrase to match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// As typed.
    pub text: String,
    /// Normalised (NFKC, lowercase, simplified): what is matched.
    pub normalized: String,
    /// Whether it was quoted.
    pub quoted: bool,
    /// Where it is looked for.
    pub scope: Scope,
}

impl Term {
    /// A term of the default fields, from text as typed; `None` when it holds nothing
    /// to search for (no letter, digit or CJK character).
    pub fn new(text: &str, quoted: bool, scope: Scope) -> Option<Term> {
        let normalized = normalize_str(text);
        if !normalized.chars().any(is_word_char) {
            return None;
        }
        Some(Term {
            text: text.to_string(),
            normalized: normalized.trim().to_string(),
            quoted,
            scope,
        })
    }
}

/// Terms that must stand close together (`a NEAR/10 b`, `"a b"~10`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Near {
    /// The words or phrases, each of which must occur.
    pub terms: Vec<Term>,
    /// At most this many characters stand between them (in either order).
    pub within: u32,
}

/// Which outlets a `source:` filter or `--source` means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFilter {
    /// As typed.
    pub typed: String,
    /// Only the outlet named exactly so (`source:"人民日报"`, `source:=人民日报`);
    /// otherwise every outlet whose name holds what was typed (人民日报 finds
    /// 人民网－人民日报), whatever its script or width.
    pub exact: bool,
    /// Other names of the same outlet, from the synonyms file: outlets they name
    /// are admitted too.
    pub also: Vec<String>,
    /// The outlets of the archive it stands for, once the search has looked them up.
    pub outlets: Vec<String>,
}

impl SourceFilter {
    /// A filter as typed: `=name` or a quoted name is exact.
    pub fn new(typed: &str, quoted: bool) -> SourceFilter {
        let typed = typed.trim();
        let (exact, name) = match typed.strip_prefix('=') {
            Some(rest) => (true, rest.trim()),
            None => (quoted, typed),
        };
        SourceFilter {
            typed: name.to_string(),
            exact,
            also: Vec::new(),
            outlets: Vec::new(),
        }
    }

    /// Whether the outlet named `outlet` is one this filter means (by what was typed
    /// or by one of its aliases).
    pub fn admits(&self, outlet: &str) -> bool {
        if self.exact {
            return self.names().any(|name| outlet == name);
        }
        let fold = |text: &str| -> String {
            normalize_str(text)
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect()
        };
        let outlet = fold(outlet);
        self.names().any(|name| outlet.contains(&fold(name)))
    }
}

/// Articles that name a person, place or organisation (`person:王毅`): the name as
/// the index holds it, folded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityFilter {
    /// Which kind of name.
    pub kind: EntityKind,
    /// As typed.
    pub typed: String,
    /// Normalised (NFKC, lowercase, simplified, no spaces): the term looked up.
    pub name: String,
    /// Other names of the same person, place or organisation (from the synonyms
    /// file), normalised as `name` is: an article naming any of them matches.
    pub also: Vec<String>,
}

impl EntityFilter {
    /// A filter on the name `typed` of `kind`; `None` when nothing is left of it.
    ///
    /// ```
    /// use baoku::analyze::EntityKind;
    /// use baoku::search::query::EntityFilter;
    /// let filter = EntityFilter::new(EntityKind::Person, "曾蔭權").unwrap();
    /// assert_eq!(filter.name, "曾荫权");
    /// ```
    pub fn new(kind: EntityKind, typed: &str) -> Option<EntityFilter> {
        let name: String = normalize_str(typed)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if !name.chars().any(is_word_char) {
            return None;
        }
        Some(EntityFilter {
            kind,
            typed: typed.trim().to_string(),
            name,
            also: Vec::new(),
        })
    }

    /// The normalised names an article may carry to match: `name`, then `also`.
    ///
    /// ```
    /// use baoku::analyze::EntityKind;
    /// use baoku::search::query::EntityFilter;
    /// let mut filter = EntityFilter::new(EntityKind::Person, "习主席").unwrap();
    /// filter.also.push("习近平".into());
    /// assert_eq!(filter.names().collect::<Vec<_>>(), ["习主席", "习近平"]);
    /// ```
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.also.iter().map(String::as_str))
    }
}

/// A range of days, `[from, until)`; an open end is `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    /// First day included.
    pub from: Option<Date>,
    /// First day no longer included.
    pub until: Option<Date>,
}

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// A word or phrase.
    Term(Term),
    /// Words or phrases close to each other.
    Near(Near),
    /// Articles from an outlet.
    Source(SourceFilter),
    /// Articles that name a person, place or organisation.
    Entity(EntityFilter),
    /// Articles dated within the range.
    Date(DateRange),
    /// All must match.
    And(Vec<Expr>),
    /// At least one must match.
    Or(Vec<Expr>),
    /// Must not match.
    Not(Box<Expr>),
}

impl Expr {
    /// The terms whose matches are highlighted: every term not under a `NOT`.
    pub fn positive_terms(&self) -> Vec<&Term> {
        let mut terms = Vec::new();
        self.collect_terms(&mut terms);
        terms
    }

    fn collect_terms<'a>(&'a self, out: &mut Vec<&'a Term>) {
        match self {
            Expr::Term(term) => out.push(term),
            Expr::Near(near) => out.extend(near.terms.iter()),
            Expr::And(parts) | Expr::Or(parts) => parts.iter().for_each(|p| p.collect_terms(out)),
            Expr::Not(_) | Expr::Source(_) | Expr::Entity(_) | Expr::Date(_) => {}
        }
    }

    /// The name filters not under a `NOT` (their names are highlighted too).
    pub fn positive_entities(&self) -> Vec<&EntityFilter> {
        let mut found = Vec::new();
        self.collect_entities(&mut found, false);
        found
    }

    /// Every name filter, excluded ones too.
    pub fn entity_filters(&self) -> Vec<&EntityFilter> {
        let mut found = Vec::new();
        self.collect_entities(&mut found, true);
        found
    }

    fn collect_entities<'a>(&'a self, out: &mut Vec<&'a EntityFilter>, excluded_too: bool) {
        match self {
            Expr::Entity(filter) => out.push(filter),
            Expr::And(parts) | Expr::Or(parts) => parts
                .iter()
                .for_each(|p| p.collect_entities(out, excluded_too)),
            Expr::Not(inner) if excluded_too => inner.collect_entities(out, excluded_too),
            _ => {}
        }
    }

    /// Whether the query is a plain list of words and phrases (no operators, scopes or
    /// filters).
    pub fn is_plain(&self) -> bool {
        match self {
            Expr::Term(term) => term.scope == Scope::Default,
            Expr::And(parts) => parts.iter().all(Expr::is_plain),
            _ => false,
        }
    }

    /// Whether the query is plain words and phrases with, at most, date and source
    /// filters and exclusions beside them (`台风 -演习 date:2023`): no operator that
    /// says how the words must stand.
    pub fn is_plain_with_filters(&self) -> bool {
        let plain_part = |part: &Expr| {
            part.is_plain()
                || matches!(
                    part,
                    Expr::Date(_) | Expr::Source(_) | Expr::Entity(_) | Expr::Not(_)
                )
        };
        match self {
            Expr::And(parts) => parts.iter().all(plain_part),
            other => other.is_plain(),
        }
    }

    /// Whether the query only excludes (`-广告`): it then starts from every article.
    pub fn is_only_negative(&self) -> bool {
        match self {
            Expr::Not(_) => true,
            Expr::And(parts) => parts.iter().all(Expr::is_only_negative),
            _ => false,
        }
    }

    /// Whether the query holds a date or source filter or an exclusion only (no word
    /// to match): it then lists articles rather than ranking them.
    pub fn has_no_words(&self) -> bool {
        self.positive_terms().is_empty()
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Scope::Default => "",
            Scope::Title => "title:",
            Scope::Body => "body:",
            Scope::Author => "author:",
        })
    }
}

/// A parsed query and what its parser read differently from how it looks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// The query tree.
    pub expr: Expr,
    /// One line for each piece of apparent syntax that was read as plain text or left
    /// out (`the quote “ at character 5 is never closed; read as plain text`).
    pub notes: Vec<String>,
}

/// Fields a query may name.
const FIELDS: &[&str] = &[
    "title", "body", "source", "author", "date", "person", "place", "org",
];

/// Whether `text` starts with a field the query language knows and its colon
/// (`person:王毅`), so that `-person:王毅` on a command line is an exclusion, not flags.
///
/// ```
/// use baoku::search::query::names_a_field;
///
/// assert!(names_a_field("person:王毅"));
/// assert!(!names_a_field("nokia"));
/// assert!(!names_a_field("n:5"));
/// ```
pub fn names_a_field(text: &str) -> bool {
    text.split_once(':')
        .is_some_and(|(field, _)| FIELDS.contains(&field))
}

/// Parses a query string, with notes on what was read as plain text.
///
/// ```
/// use baoku::search::query::parse;
///
/// let parsed = parse("刺角瓜为什么又叫”角瓜“？").unwrap();
/// assert!(parsed.notes.is_empty());
/// let pasted = parse("“吾无汗马劳 这句话是什么意思").unwrap();
/// assert_eq!(pasted.notes.len(), 1); // the quote is never closed
/// assert!(parse("titel:乡村").is_err()); // a misspelt field is an error
/// ```
pub fn parse(query: &str) -> Result<Parsed> {
    let length = query.chars().count();
    if length > MAX_QUERY_CHARS {
        return Err(Error::Query(format!(
            "query is {length} characters long; at most {MAX_QUERY_CHARS} are allowed"
        )));
    }
    if query.trim().is_empty() {
        return Err(Error::Query("the query is empty".to_string()));
    }
    let mut notes = Vec::new();
    let tokens = lex::balance_parentheses(lex::lex(query, &mut notes)?, &mut notes);
    let mut parser = parse::Parser::new(tokens, notes);
    let expr = parser.conjunction(false)?;
    match expr {
        Some(expr) => Ok(Parsed {
            expr,
            notes: parser.into_notes(),
        }),
        None => Err(Error::Query(format!(
            "{query:?} has no letters, digits or Chinese characters to search for"
        ))),
    }
}

/// Parses a query string; see [`parse`] for the notes.
pub fn parse_query(query: &str) -> Result<Expr> {
    parse(query).map(|parsed| parsed.expr)
}
