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

use super::request::Period;
use crate::analyze::{is_cjk, is_word_char, normalize_str};
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
            outlets: Vec::new(),
        }
    }

    /// Whether the outlet named `outlet` is one this filter means.
    pub fn admits(&self, outlet: &str) -> bool {
        if self.exact {
            return outlet == self.typed;
        }
        let fold = |text: &str| -> String {
            normalize_str(text)
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect()
        };
        fold(outlet).contains(&fold(&self.typed))
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
            Expr::Not(_) | Expr::Source(_) | Expr::Date(_) => {}
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
            part.is_plain() || matches!(part, Expr::Date(_) | Expr::Source(_) | Expr::Not(_))
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
const FIELDS: &[&str] = &["title", "body", "source", "author", "date"];

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
    let tokens = balance_parentheses(lex(query, &mut notes)?, &mut notes);
    let mut parser = Parser {
        tokens,
        at: 0,
        notes,
    };
    let expr = parser.conjunction(false)?;
    match expr {
        Some(expr) => Ok(Parsed {
            expr,
            notes: parser.notes,
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

fn error_at(at: usize, message: &str) -> Error {
    Error::Query(format!("{message} at character {}", at + 1))
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    /// An unquoted word.
    Word(String),
    /// A quoted phrase, with the `~N` that may follow it.
    Quoted(String, Option<u32>),
    /// `field:`, with its value when it follows without a space.
    Field(String, Option<String>),
    Open,
    Close,
    Or,
    Not,
    /// `NEAR` or `NEAR/N`.
    Near(u32),
}

#[derive(Debug, Clone)]
struct Token {
    kind: Kind,
    /// Character offset in the query, for messages.
    at: usize,
}

/// Characters that open or close a quotation.
fn is_quote(c: char) -> bool {
    matches!(
        c,
        '"' | '＂'
            | '“'
            | '”'
            | '„'
            | '‟'
            | '「'
            | '」'
            | '『'
            | '』'
            | '﹁'
            | '﹂'
            | '﹃'
            | '﹄'
            | '〝'
            | '〞'
            | '〟'
    )
}

/// The characters that properly close a quotation opened with `open` — a closing
/// mark used to open (`”角瓜“`, as pasted text often has) closes with its opening mark.
fn proper_closers(open: char) -> &'static [char] {
    match open {
        '"' | '＂' => &['"', '＂', '”', '“'],
        '“' | '„' | '‟' => &['”', '"', '＂', '“'],
        '”' => &['“', '”', '"', '＂'],
        '「' => &['」'],
        '」' => &['「', '」'],
        '『' => &['』'],
        '』' => &['『', '』'],
        '﹁' => &['﹂'],
        '﹂' => &['﹁', '﹂'],
        '﹃' => &['﹄'],
        '﹄' => &['﹃', '﹄'],
        _ => &['〞', '〟', '〝'],
    }
}

fn lex(query: &str, notes: &mut Vec<String>) -> Result<Vec<Token>> {
    let chars: Vec<char> = query.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c == '(' || c == ')' {
            tokens.push(Token {
                kind: if c == '(' { Kind::Open } else { Kind::Close },
                at: i,
            });
            i += 1;
            continue;
        }
        if c == '-' && chars.get(i + 1).is_some_and(|&n| starts_operand(n)) {
            tokens.push(Token {
                kind: Kind::Not,
                at: i,
            });
            i += 1;
            continue;
        }
        if is_quote(c) {
            let rest = &chars[i + 1..];
            let closing = rest
                .iter()
                .position(|q| proper_closers(c).contains(q))
                .or_else(|| rest.iter().position(|&q| is_quote(q)));
            match closing {
                Some(length) => {
                    let phrase: String = rest[..length].iter().collect();
                    let start = i;
                    i += length + 2;
                    // `"a b"~10`: a proximity search (Lucene's form).
                    let mut slop = None;
                    if chars.get(i) == Some(&'~') {
                        let digits = chars[i + 1..]
                            .iter()
                            .take_while(|d| d.is_ascii_digit())
                            .count();
                        let number: String = chars[i + 1..i + 1 + digits].iter().collect();
                        slop = Some(near_distance(&number, start, notes));
                        i += 1 + digits;
                    }
                    tokens.push(Token {
                        kind: Kind::Quoted(phrase, slop),
                        at: start,
                    });
                }
                None => {
                    notes.push(format!(
                        "the quote {c} at character {} is never closed; read as plain text",
                        i + 1
                    ));
                    i += 1;
                }
            }
            continue;
        }
        // A word runs to whitespace, a parenthesis or a quote.
        let start = i;
        let mut word = String::new();
        while i < chars.len() {
            let w = chars[i];
            if w.is_whitespace() || w == '(' || w == ')' || is_quote(w) {
                break;
            }
            word.push(w);
            i += 1;
        }
        tokens.push(Token {
            kind: word_kind(word, start, notes)?,
            at: start,
        });
    }
    Ok(tokens)
}

/// Whether `c` after a `-` makes it an exclusion (`-演习`, `-"…"`, `-(…)`), not a dash.
fn starts_operand(c: char) -> bool {
    is_word_char(c) || is_quote(c) || c == '('
}

/// The distance of `NEAR/N` or `"…"~N`; empty means the default.
fn near_distance(number: &str, at: usize, notes: &mut Vec<String>) -> u32 {
    if number.is_empty() {
        return DEFAULT_NEAR_CHARS;
    }
    match number.parse::<u32>() {
        Ok(n) if n <= MAX_NEAR_CHARS => n,
        _ => {
            notes.push(format!(
                "the distance {number} at character {} is more than {MAX_NEAR_CHARS}; \
                 {MAX_NEAR_CHARS} characters used",
                at + 1
            ));
            MAX_NEAR_CHARS
        }
    }
}

/// A bare word: an operator, `field:` (with or without its value), or text.
fn word_kind(word: String, at: usize, notes: &mut Vec<String>) -> Result<Kind> {
    match word.as_str() {
        "OR" | "|" => return Ok(Kind::Or),
        "NOT" => return Ok(Kind::Not),
        "AND" | "&&" => return Ok(Kind::Word(String::new())),
        "NEAR" => return Ok(Kind::Near(DEFAULT_NEAR_CHARS)),
        _ => {}
    }
    if let Some(number) = word.strip_prefix("NEAR/") {
        if number.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(Kind::Near(near_distance(number, at, notes)));
        }
    }
    let Some((name, value)) = word.split_once([':', '：']) else {
        return Ok(Kind::Word(word));
    };
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphabetic()) {
        return Ok(Kind::Word(word));
    }
    let field = name.to_ascii_lowercase();
    if FIELDS.contains(&field.as_str()) {
        let value = (!value.is_empty()).then(|| value.to_string());
        return Ok(Kind::Field(field, value));
    }
    if let Some(meant) = FIELDS.iter().find(|f| one_edit_apart(&field, f)) {
        return Err(error_at(
            at,
            &format!(
                "unknown field {name}: (did you mean {meant}:? fields are {})",
                FIELDS.join(", ")
            ),
        ));
    }
    notes.push(format!(
        "{name}: at character {} is not a field (fields are {}); searched as text",
        at + 1,
        FIELDS.join(", ")
    ));
    Ok(Kind::Word(word))
}

/// Whether `a` becomes `b` by one insertion, deletion, substitution or swap of two
/// neighbours (`titel` → `title`): a misspelt field rather than a word before a colon.
fn one_edit_apart(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a == b || a.len() < 3 {
        return false;
    }
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let (ra, rb) = (&a[prefix..], &b[prefix..]);
    match ra.len() as isize - rb.len() as isize {
        0 => {
            ra[1..] == rb[1..]
                || (ra.len() >= 2 && ra[0] == rb[1] && ra[1] == rb[0] && ra[2..] == rb[2..])
        }
        1 => ra[1..] == *rb,
        -1 => *ra == rb[1..],
        _ => false,
    }
}

/// Drops parentheses without a partner, with a note for each.
fn balance_parentheses(tokens: Vec<Token>, notes: &mut Vec<String>) -> Vec<Token> {
    let mut open: Vec<usize> = Vec::new();
    let mut unmatched: Vec<usize> = Vec::new();
    for (index, token) in tokens.iter().enumerate() {
        match token.kind {
            Kind::Open => open.push(index),
            Kind::Close if open.pop().is_none() => unmatched.push(index),
            _ => {}
        }
    }
    unmatched.extend(open);
    unmatched.sort_unstable();
    for &index in &unmatched {
        let token = &tokens[index];
        notes.push(if token.kind == Kind::Open {
            format!(
                "the parenthesis ( at character {} is never closed; read as plain text",
                token.at + 1
            )
        } else {
            format!(
                "the parenthesis ) at character {} has no ( before it; read as plain text",
                token.at + 1
            )
        });
    }
    tokens
        .into_iter()
        .enumerate()
        .filter(|(index, _)| unmatched.binary_search(index).is_err())
        .map(|(_, token)| token)
        .collect()
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
    notes: Vec<String>,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn peek_kind(&self) -> Option<&Kind> {
        self.peek().map(|t| &t.kind)
    }

    fn ignored(&mut self, token: &Token, why: &str) {
        let name = match &token.kind {
            Kind::Or => "OR".to_string(),
            Kind::Not => "NOT".to_string(),
            Kind::Near(n) => format!("NEAR/{n}"),
            _ => "it".to_string(),
        };
        self.notes.push(format!(
            "{name} at character {} {why}; left out",
            token.at + 1
        ));
    }

    /// Parts joined by the implicit AND, up to `)` or the end (parentheses are
    /// balanced by now).
    fn conjunction(&mut self, opened: bool) -> Result<Option<Expr>> {
        let mut parts = Vec::new();
        while let Some(token) = self.peek().cloned() {
            match token.kind {
                Kind::Close if opened => break,
                Kind::Or | Kind::Near(_) | Kind::Close => {
                    self.at += 1;
                    self.ignored(&token, "has nothing before it");
                }
                _ => match self.disjunction()? {
                    // `问：愿` is two words: one level of AND for all parts.
                    Some(Expr::And(words)) => parts.extend(words),
                    Some(part) => parts.push(part),
                    None => {}
                },
            }
        }
        Ok(match parts.len() {
            0 => None,
            1 => parts.pop(),
            _ => Some(Expr::And(parts)),
        })
    }

    /// `near (OR near)*`.
    fn disjunction(&mut self) -> Result<Option<Expr>> {
        let mut alternatives: Vec<Expr> = self.proximity()?.into_iter().collect();
        while let Some(token) = self.peek().cloned() {
            if token.kind != Kind::Or {
                break;
            }
            self.at += 1;
            if alternatives.is_empty() {
                self.ignored(&token, "has nothing before it");
                continue;
            }
            match self.peek_kind() {
                None | Some(Kind::Close) | Some(Kind::Or) | Some(Kind::Near(_)) => {
                    self.ignored(&token, "has nothing after it");
                    continue;
                }
                _ => {}
            }
            if let Some(next) = self.proximity()? {
                alternatives.push(next);
            }
        }
        Ok(match alternatives.len() {
            0 => None,
            1 => alternatives.pop(),
            _ => Some(Expr::Or(alternatives)),
        })
    }

    /// `unary (NEAR/N unary)*`: every operand a word or phrase of the default fields.
    fn proximity(&mut self) -> Result<Option<Expr>> {
        let first = self.unary()?;
        let mut operands: Vec<Expr> = first.into_iter().collect();
        let mut within: Option<u32> = None;
        let mut near_at = 0;
        while let Some(token) = self.peek().cloned() {
            let Kind::Near(distance) = token.kind else {
                break;
            };
            self.at += 1;
            if operands.is_empty() {
                self.ignored(&token, "has nothing before it");
                continue;
            }
            match self.peek_kind() {
                None | Some(Kind::Close) | Some(Kind::Or) | Some(Kind::Near(_)) => {
                    self.ignored(&token, "has nothing after it");
                    continue;
                }
                _ => {}
            }
            near_at = token.at;
            within = Some(within.map_or(distance, |w| w.max(distance)));
            if let Some(next) = self.unary()? {
                operands.push(next);
            }
        }
        let Some(within) = within.filter(|_| operands.len() > 1) else {
            return Ok(operands.pop());
        };
        let mut terms = Vec::new();
        for operand in &operands {
            match operand {
                Expr::Term(term) if term.scope == Scope::Default => terms.push(term.clone()),
                Expr::And(parts)
                    if parts
                        .iter()
                        .all(|p| matches!(p, Expr::Term(t) if t.scope == Scope::Default)) =>
                {
                    terms.extend(parts.iter().filter_map(|p| match p {
                        Expr::Term(t) => Some(t.clone()),
                        _ => None,
                    }))
                }
                _ => {
                    self.notes.push(format!(
                        "NEAR at character {} joins words and quoted phrases only; \
                         read as AND",
                        near_at + 1
                    ));
                    return Ok(Some(Expr::And(operands)));
                }
            }
        }
        Ok(Some(Expr::Near(Near { terms, within })))
    }

    /// `NOT unary | -unary | primary`.
    fn unary(&mut self) -> Result<Option<Expr>> {
        let Some(token) = self.peek().cloned() else {
            return Ok(None);
        };
        if token.kind == Kind::Not {
            self.at += 1;
            let operand = match self.peek_kind() {
                None | Some(Kind::Close) | Some(Kind::Or) | Some(Kind::Near(_)) => None,
                _ => self.unary()?,
            };
            return match operand {
                Some(inner) => Ok(Some(Expr::Not(Box::new(inner)))),
                None => {
                    self.ignored(&token, "has nothing after it to exclude");
                    Ok(None)
                }
            };
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Option<Expr>> {
        let Some(token) = self.peek().cloned() else {
            return Ok(None);
        };
        self.at += 1;
        match token.kind {
            Kind::Open => {
                let inner = self.conjunction(true)?;
                // The closing parenthesis is there: parentheses are balanced.
                self.at += 1;
                Ok(inner)
            }
            Kind::Word(word) => Ok(words_expr(&word, Scope::Default)),
            Kind::Quoted(phrase, slop) => Ok(quoted_expr(&phrase, slop, Scope::Default)),
            Kind::Field(field, inline) => {
                let value = match inline {
                    Some(value) => Value::Word(value),
                    None => match self.peek_kind().cloned() {
                        Some(Kind::Word(word)) if !word.is_empty() => {
                            self.at += 1;
                            Value::Word(word)
                        }
                        Some(Kind::Quoted(phrase, slop)) => {
                            self.at += 1;
                            Value::Quoted(phrase, slop)
                        }
                        Some(Kind::Open) if field != "date" && field != "source" => {
                            self.at += 1;
                            let inner = self.conjunction(true)?;
                            self.at += 1;
                            return Ok(inner.map(|e| rescope(e, scope_of(&field))));
                        }
                        _ => return Err(error_at(token.at, &format!("{field}: needs a value"))),
                    },
                };
                field_expr(&field, value, token.at).map(Some)
            }
            Kind::Close | Kind::Or | Kind::Not | Kind::Near(_) => {
                // Only reached through a malformed sequence the callers skip; be safe.
                self.ignored(&token, "stands where it cannot be read");
                Ok(None)
            }
        }
    }
}

enum Value {
    Word(String),
    Quoted(String, Option<u32>),
}

fn scope_of(field: &str) -> Scope {
    match field {
        "title" => Scope::Title,
        "body" => Scope::Body,
        "author" => Scope::Author,
        _ => Scope::Default,
    }
}

/// Applies a field scope to every term of a group (`title:(乡村 OR 农村)`).
fn rescope(expr: Expr, scope: Scope) -> Expr {
    match expr {
        Expr::Term(mut term) => {
            term.scope = scope;
            Expr::Term(term)
        }
        Expr::And(parts) => Expr::And(parts.into_iter().map(|p| rescope(p, scope)).collect()),
        Expr::Or(parts) => Expr::Or(parts.into_iter().map(|p| rescope(p, scope)).collect()),
        Expr::Not(inner) => Expr::Not(Box::new(rescope(*inner, scope))),
        other => other,
    }
}

fn field_expr(field: &str, value: Value, at: usize) -> Result<Expr> {
    match (field, value) {
        ("date", Value::Word(text) | Value::Quoted(text, _)) => parse_date_range(&text)
            .map(Expr::Date)
            .map_err(|reason| error_at(at, &format!("date:{text} — {reason};"))),
        ("source", value) => {
            let filter = match value {
                Value::Word(text) => SourceFilter::new(&text, false),
                Value::Quoted(text, _) => SourceFilter::new(&text, true),
            };
            if filter.typed.is_empty() {
                return Err(error_at(at, "source: needs an outlet name"));
            }
            Ok(Expr::Source(filter))
        }
        (field, Value::Word(word)) => words_expr(&word, scope_of(field))
            .ok_or_else(|| error_at(at, &format!("{field}: has nothing to search for"))),
        (field, Value::Quoted(phrase, slop)) => quoted_expr(&phrase, slop, scope_of(field))
            .ok_or_else(|| error_at(at, &format!("{field}: has nothing to search for"))),
    }
}

/// A quoted phrase: one term; with `~N`, its space-separated parts near each other.
fn quoted_expr(phrase: &str, slop: Option<u32>, scope: Scope) -> Option<Expr> {
    if let (Some(within), Scope::Default) = (slop, scope) {
        let terms: Vec<Term> = phrase
            .split_whitespace()
            .filter_map(|part| Term::new(part, true, scope))
            .collect();
        if terms.len() > 1 {
            return Some(Expr::Near(Near { terms, within }));
        }
    }
    let as_typed = Term::new(phrase.trim(), true, scope)?;
    let joined = join_cjk_spaces(phrase.trim());
    if joined == phrase.trim() {
        return Some(Expr::Term(as_typed));
    }
    // Either as typed (a space, or a mark, between the words) or run together.
    let together = Term::new(&joined, true, scope)?;
    Some(Expr::Or(vec![Expr::Term(together), Expr::Term(as_typed)]))
}

/// Removes spaces between two CJK characters of a phrase: `"长江 大桥"` is typed with
/// a space the text (长江大桥) may not have.
fn join_cjk_spaces(phrase: &str) -> String {
    let chars: Vec<char> = phrase.chars().collect();
    let mut out = String::with_capacity(phrase.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            let end = chars[i..]
                .iter()
                .position(|c| !c.is_whitespace())
                .map_or(chars.len(), |n| i + n);
            let joins = i > 0 && end < chars.len() && is_cjk(chars[i - 1]) && is_cjk(chars[end]);
            if !joins {
                out.extend(&chars[i..end]);
            }
            i = end;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// An unquoted word, split at punctuation and symbols (not inside numbers such as
/// `1,000` or `95.42`, nor at the marks inside names and words such as `·` or `-`)
/// into terms that must all match.
fn words_expr(word: &str, scope: Scope) -> Option<Expr> {
    let chars: Vec<char> = word.chars().collect();
    let mut terms = Vec::new();
    let mut start = 0;
    for i in 0..=chars.len() {
        let split = i == chars.len() || {
            let c = chars[i];
            let between_digits = i > 0
                && i + 1 < chars.len()
                && chars[i - 1].is_ascii_digit()
                && chars[i + 1].is_ascii_digit();
            is_separator(c) && !(between_digits && matches!(c, ',' | '.' | ':' | '：' | '，'))
        };
        if split {
            let piece: String = chars[start..i].iter().collect();
            terms.extend(Term::new(&piece, false, scope).map(Expr::Term));
            start = i + 1;
        }
    }
    match terms.len() {
        0 => None,
        1 => terms.pop(),
        _ => Some(Expr::And(terms)),
    }
}

/// Whether `c` separates words in an unquoted run: any character that is not a letter,
/// digit or CJK character, except the marks that join parts of one word or name
/// (`劳尔·卡斯特罗`, `COVID-19`, `AT&T`, `95%`, `C++`, `C#`, `Xi'an`).
fn is_separator(c: char) -> bool {
    !is_word_char(c) && !"·•・‧-‐_'’&%+#@/".contains(c)
}

/// `2022`, `2022-05`, `2022-05-17` (also with `/` or `.`, or as `2022年5月17日`),
/// `A..B` (either end may be left open), `>=A`, `>A`, `<=A`, `<A`.
pub fn parse_date_range(text: &str) -> std::result::Result<DateRange, String> {
    let text = normalize_str(text);
    let text = text.trim();
    if let Some((from, until)) = text.split_once("..") {
        let from = if from.trim().is_empty() {
            None
        } else {
            Some(parse_period(from)?.0)
        };
        let until = if until.trim().is_empty() {
            None
        } else {
            Some(parse_period(until)?.1)
        };
        if let (Some(f), Some(u)) = (from, until) {
            if f >= u {
                return Err("the range ends before it starts".to_string());
            }
        }
        return Ok(DateRange { from, until });
    }
    for (op, make) in [
        (
            ">=",
            (|p: (Date, Date)| DateRange {
                from: Some(p.0),
                until: None,
            }) as fn((Date, Date)) -> DateRange,
        ),
        ("<=", |p| DateRange {
            from: None,
            until: Some(p.1),
        }),
        (">", |p| DateRange {
            from: Some(p.1),
            until: None,
        }),
        ("<", |p| DateRange {
            from: None,
            until: Some(p.0),
        }),
    ] {
        if let Some(rest) = text.strip_prefix(op) {
            return parse_period(rest).map(make);
        }
    }
    let (from, until) = parse_period(text)?;
    Ok(DateRange {
        from: Some(from),
        until: Some(until),
    })
}

/// A year, month or day as `[first day, first day after)`.
fn parse_period(text: &str) -> std::result::Result<(Date, Date), String> {
    let period: Period = text.parse()?;
    Ok((period.first, period.after))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A compact rendering of the tree, to state expectations in one line.
    fn show(expr: &Expr) -> String {
        let term = |t: &Term| {
            format!(
                "{}{}{}",
                t.scope,
                if t.quoted { "\"" } else { "" },
                t.normalized
            )
        };
        match expr {
            Expr::Term(t) => term(t),
            Expr::Near(n) => format!(
                "near{}({})",
                n.within,
                n.terms.iter().map(term).collect::<Vec<_>>().join(" ")
            ),
            Expr::Source(s) => format!("source{}{}", if s.exact { "=" } else { "~" }, s.typed),
            Expr::Date(r) => format!(
                "date[{}..{})",
                r.from.map(|d| d.to_string()).unwrap_or_default(),
                r.until.map(|d| d.to_string()).unwrap_or_default()
            ),
            Expr::And(parts) => format!(
                "({})",
                parts.iter().map(show).collect::<Vec<_>>().join(" & ")
            ),
            Expr::Or(parts) => format!(
                "({})",
                parts.iter().map(show).collect::<Vec<_>>().join(" | ")
            ),
            Expr::Not(inner) => format!("-{}", show(inner)),
        }
    }

    fn parsed(query: &str) -> String {
        show(&parse_query(query).unwrap_or_else(|e| panic!("{query}: {e}")))
    }

    /// The tree and the notes.
    fn noted(query: &str) -> (String, Vec<String>) {
        let parsed = parse(query).unwrap_or_else(|e| panic!("{query}: {e}"));
        (show(&parsed.expr), parsed.notes)
    }

    fn error(query: &str) -> String {
        parse_query(query).unwrap_err().to_string()
    }

    #[test]
    fn words_phrases_and_punctuation() {
        assert_eq!(parsed("乡村振兴 收入"), "(乡村振兴 & 收入)");
        assert_eq!(parsed("  乡村振兴，收入 "), "(乡村振兴 & 收入)");
        assert_eq!(
            parsed("\"machine learning\" ＡＩ"),
            "(\"machine learning & ai)"
        );
        assert_eq!(parsed("“鄉村振興”"), "\"乡村振兴");
        assert_eq!(parsed("95.42% 1,000"), "(95.42% & 1,000)");
        assert_eq!(parsed("南京市长江大桥"), "南京市长江大桥");
        assert_eq!(parsed("乡村振兴——收入🌾"), "(乡村振兴 & 收入)");
        assert_eq!(
            parsed("劳尔·卡斯特罗 COVID-19"),
            "(劳尔·卡斯特罗 & covid-19)"
        );
        assert_eq!(parsed("时间：2021年"), "(时间 & 2021年)");
        assert_eq!(parsed("\"长江 大桥\""), "(\"长江大桥 | \"长江 大桥)");
        assert_eq!(parsed("\"machine  learning\""), "\"machine  learning");
    }

    #[test]
    fn operators_and_groups() {
        assert_eq!(
            parsed("乡村振兴 收入 OR 增收"),
            "(乡村振兴 & (收入 | 增收))"
        );
        assert_eq!(parsed("(乡村 OR 农村) 振兴"), "((乡村 | 农村) & 振兴)");
        assert_eq!(
            parsed("台风 -演习 NOT \"防灾 演练\""),
            "(台风 & -演习 & -(\"防灾演练 | \"防灾 演练))"
        );
        assert_eq!(parsed("-广告"), "-广告");
        assert_eq!(parsed("a AND b"), "(a & b)");
        assert_eq!(parsed("- 第一条"), "第一条");
    }

    #[test]
    fn proximity() {
        assert_eq!(parsed("乡村振兴 NEAR/10 收入"), "near10(乡村振兴 收入)");
        assert_eq!(parsed("乡村振兴 NEAR 收入"), "near10(乡村振兴 收入)");
        assert_eq!(parsed("\"乡村振兴 收入\"~5"), "near5(\"乡村振兴 \"收入)");
        assert_eq!(parsed("\"乡村振兴\"~5"), "\"乡村振兴");
        assert_eq!(parsed("a NEAR/3 b NEAR/7 c 台风"), "(near7(a b c) & 台风)");
        assert_eq!(parsed("台风 OR a NEAR/3 b"), "(台风 | near3(a b))");
        let (tree, notes) = noted("title:乡村 NEAR/5 收入");
        assert_eq!(tree, "(title:乡村 & 收入)");
        assert!(notes[0].contains("read as AND"), "{notes:?}");
        let (tree, notes) = noted("收入 NEAR/99999 增收");
        assert_eq!(tree, "near1000(收入 增收)");
        assert_eq!(notes.len(), 1);
    }

    #[test]
    fn fields_and_dates() {
        assert_eq!(parsed("title:乡村振兴 收入"), "(title:乡村振兴 & 收入)");
        assert_eq!(
            parsed("title: \"乡村 振兴\""),
            "(title:\"乡村振兴 | title:\"乡村 振兴)"
        );
        assert_eq!(parsed("Title：乡村振兴"), "title:乡村振兴");
        assert_eq!(parsed("author:孙翠翠"), "author:孙翠翠");
        assert_eq!(parsed("body:(收入 OR 增收)"), "(body:收入 | body:增收)");
        assert_eq!(parsed("source:\"Citizen News\""), "source=Citizen News");
        assert_eq!(parsed("source:=人民日报"), "source=人民日报");
        assert_eq!(parsed("source:人民日报"), "source~人民日报");
        assert_eq!(parsed("date:2022-05-17"), "date[2022-05-17..2022-05-18)");
        assert_eq!(parsed("date:2022-05"), "date[2022-05-01..2022-06-01)");
        assert_eq!(parsed("date:2022"), "date[2022-01-01..2023-01-01)");
        assert_eq!(parsed("date:2022年"), "date[2022-01-01..2023-01-01)");
        assert_eq!(parsed("date:2022年5月"), "date[2022-05-01..2022-06-01)");
        assert_eq!(
            parsed("date:２０２２年5月17日"),
            "date[2022-05-17..2022-05-18)"
        );
        assert_eq!(
            parsed("date:2021-01-01..2022-06-30"),
            "date[2021-01-01..2022-07-01)"
        );
        assert_eq!(parsed("date:>=2021-03"), "date[2021-03-01..)");
        assert_eq!(parsed("date:>=2021年3月"), "date[2021-03-01..)");
        assert_eq!(parsed("date:>2021-03"), "date[2021-04-01..)");
        assert_eq!(parsed("date:<2021"), "date[..2021-01-01)");
        assert_eq!(parsed("date:..2020/1/2"), "date[..2020-01-03)");
    }

    #[test]
    fn pasted_text_is_searched_with_notes() {
        // Mixed, reversed and unbalanced quotes.
        assert_eq!(
            noted("“吾无汗马劳……\"这句话是什么意思？"),
            (
                "(\"吾无汗马劳...... & 这句话是什么意思)".to_string(),
                vec![]
            )
        );
        assert_eq!(
            noted("刺角瓜为什么又叫”角瓜“？"),
            ("(刺角瓜为什么又叫 & \"角瓜)".to_string(), vec![])
        );
        assert_eq!(noted("「他说『不』」").0, "\"他说『不』");
        assert_eq!(noted("「引渡条例『").0, "\"引渡条例");
        let (tree, notes) = noted("乡村 \"振兴");
        assert_eq!(tree, "(乡村 & 振兴)");
        assert!(notes[0].contains("the quote \" at character 4 is never closed"));
        // Parentheses without a partner, operators with nothing to join.
        let (tree, notes) = noted("(乡村 振兴");
        assert_eq!(tree, "(乡村 & 振兴)");
        assert!(notes[0].contains("( at character 1 is never closed"));
        let (tree, notes) = noted("乡村) 振兴)");
        assert_eq!(tree, "(乡村 & 振兴)");
        assert_eq!(notes.len(), 2);
        assert_eq!(noted("OR 收入").0, "收入");
        assert_eq!(noted("收入 OR").0, "收入");
        assert_eq!(noted("收入 OR OR 增收").0, "(收入 | 增收)");
        assert!(noted("收入 OR").1[0].contains("OR at character 4 has nothing after it"));
        assert_eq!(noted("收入 NOT").0, "收入");
        assert_eq!(noted("收入 (-)").0, "收入");
        // A word before a colon that is no field.
        let (tree, notes) = noted("Note: 台风 https://news.cn/a");
        assert_eq!(tree, "(note & 台风 & https & //news & cn/a)");
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes[0].starts_with("Note: at character 1 is not a field"));
    }

    #[test]
    fn malformed_queries_point_at_the_problem() {
        assert_eq!(noted("color:red").1.len(), 1);
        assert!(error("titel:乡村").contains("unknown field titel: (did you mean title:?"));
        assert!(error("auther:孙").contains("did you mean author:?"));
        assert!(error("sorce:x").contains("did you mean source:?"));
        assert!(error("date:2022-02-30").contains("not a date"));
        assert!(error("date:2022-13").contains("not a date"));
        assert!(error("date:2023..2022").contains("ends before it starts"));
        assert!(error("date:soon").contains("not a year"));
        assert!(error("   ").contains("empty"));
        assert!(error("，。!").contains("no letters"));
        assert!(error("“”").contains("no letters"));
        assert!(error("title:").contains("needs a value"));
        assert!(error(&"字".repeat(100_000)).contains("100000 characters"));
        assert!(error("-").contains("no letters"));
        assert!(error("🎉🎉").contains("no letters"));
    }

    #[test]
    fn misspelt_fields_are_one_edit_from_a_field() {
        for (typed, field) in [
            ("titel", "title"),
            ("titl", "title"),
            ("tittle", "title"),
            ("dat", "date"),
            ("bdy", "body"),
        ] {
            assert!(one_edit_apart(typed, field), "{typed}");
        }
        for typed in ["note", "http", "time", "text", "data2", "ti"] {
            assert!(!FIELDS.iter().any(|f| one_edit_apart(typed, f)), "{typed}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_string_parses_or_is_a_documented_error(query in "\\PC{0,80}") {
            if let Err(e) = parse_query(&query) {
                let message = e.to_string();
                proptest::prop_assert!(!message.contains('\n'), "{message}");
                proptest::prop_assert!(message.starts_with("invalid query: "));
                let documented = [
                    "the query is empty",
                    "has no letters, digits or Chinese characters to search for",
                    "unknown field",
                    "not a date",
                    "not a year",
                    "not a month",
                    "not a day",
                    "ends before it starts",
                    "needs a value",
                    "needs an outlet name",
                    "has nothing to search for",
                ];
                proptest::prop_assert!(
                    documented.iter().any(|d| message.contains(d)),
                    "undocumented error for {query:?}: {message}"
                );
            }
        }

        #[test]
        fn operator_soup_never_fails_without_a_field_or_date(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "(", ")", "\"", "“", "”", "「", "』", "OR", "NOT", "-", "NEAR", "NEAR/3",
                    "~2", "乡村", "收入", "2022-05", "..", ">=", " ", "：", "，", "x:", "🎉",
                ]),
                0..14,
            )
        ) {
            let query: String = parts.concat();
            let has_words = query.contains("乡村") || query.contains("收入")
                || query.contains("2022") || query.contains('x');
            if has_words {
                let result = parse(&query);
                proptest::prop_assert!(result.is_ok(), "{query:?}: {result:?}");
            }
        }
    }
}
