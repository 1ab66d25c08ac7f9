//! The query language, parsed into an [`Expr`] tree.
//!
//! | form | meaning |
//! |---|---|
//! | `乡村振兴 收入` | every space-separated part must match |
//! | `南京市长江大桥` | a run typed without spaces is a phrase: those characters, in order |
//! | `"machine learning"`, `“…”` | a quoted phrase, spaces included |
//! | `a OR b` | either (binds tighter than the implicit AND: `a b OR c` = a AND (b OR c)) |
//! | `-word`, `-"phrase"`, `NOT word` | excluded |
//! | `( … )` | grouping |
//! | `title:` `body:` `author:` | the word or phrase in that field only |
//! | `source:吉林日报`, `source:"Citizen News"` | exactly that outlet |
//! | `date:2022-05-17`, `date:2022-05`, `date:2022`, `date:2021-01-01..2022-06-30`, `date:>=2021-03` | publication date |
//!
//! Sentence punctuation inside an unquoted run separates words (`乡村振兴，收入` is two).
//! Parsing never panics; what it cannot understand is an error that points at it.

use crate::analyze::{is_word_char, normalize_str};
use crate::article::Date;
use crate::error::{Error, Result};
use std::fmt;

/// Queries longer than this are refused rather than analysed.
pub const MAX_QUERY_CHARS: usize = 1000;

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
    /// Articles from exactly this outlet.
    Source(String),
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
            Expr::And(parts) | Expr::Or(parts) => parts.iter().for_each(|p| p.collect_terms(out)),
            Expr::Not(_) | Expr::Source(_) | Expr::Date(_) => {}
        }
    }

    /// Whether the query is a plain list of words and phrases (no operators, scopes or
    /// filters): the kind of query a relaxed match may answer when it finds nothing.
    pub fn is_plain(&self) -> bool {
        match self {
            Expr::Term(term) => term.scope == Scope::Default,
            Expr::And(parts) => parts.iter().all(Expr::is_plain),
            _ => false,
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

/// Fields a query may name.
const FIELDS: &str = "title, body, source, author, date";

/// Parses a query string.
pub fn parse_query(query: &str) -> Result<Expr> {
    let length = query.chars().count();
    if length > MAX_QUERY_CHARS {
        return Err(Error::Query(format!(
            "query is {length} characters long; at most {MAX_QUERY_CHARS} are allowed"
        )));
    }
    if query.trim().is_empty() {
        return Err(Error::Query("the query is empty".to_string()));
    }
    let tokens = lex(query)?;
    let mut parser = Parser { tokens, at: 0 };
    let expr = parser.conjunction(None)?;
    if let Some(token) = parser.tokens.get(parser.at) {
        return Err(error_at(
            token.at,
            &format!("unexpected {}", token.kind.describe()),
        ));
    }
    match expr {
        Some(expr) => Ok(expr),
        None => Err(Error::Query(format!(
            "{query:?} has no letters, digits or Chinese characters to search for"
        ))),
    }
}

fn error_at(at: usize, message: &str) -> Error {
    Error::Query(format!("{message} at character {}", at + 1))
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    /// An unquoted word (maybe prefixed `field:`).
    Word(String),
    /// A quoted phrase.
    Quoted(String),
    /// `field:` with its value in the next token.
    Field(String),
    Open,
    Close,
    Or,
    Not,
}

impl Kind {
    fn describe(&self) -> String {
        match self {
            Kind::Word(w) => format!("{w:?}"),
            Kind::Quoted(q) => format!("\"{q}\""),
            Kind::Field(f) => format!("{f}:"),
            Kind::Open => "(".to_string(),
            Kind::Close => ")".to_string(),
            Kind::Or => "OR".to_string(),
            Kind::Not => "NOT".to_string(),
        }
    }
}

#[derive(Debug, Clone)]
struct Token {
    kind: Kind,
    /// Character offset in the query, for messages.
    at: usize,
}

fn closing_quote(c: char) -> Option<char> {
    match c {
        '"' | '＂' => Some('"'),
        '“' => Some('”'),
        '「' => Some('」'),
        _ => None,
    }
}

fn lex(query: &str) -> Result<Vec<Token>> {
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
        if c == '-'
            && chars
                .get(i + 1)
                .is_some_and(|n| !n.is_whitespace() && *n != '-')
        {
            tokens.push(Token {
                kind: Kind::Not,
                at: i,
            });
            i += 1;
            continue;
        }
        if let Some(close) = closing_quote(c) {
            let start = i;
            i += 1;
            let mut phrase = String::new();
            loop {
                match chars.get(i) {
                    None => {
                        return Err(error_at(
                            start,
                            &format!("the quote {c} is never closed; it starts"),
                        ))
                    }
                    Some(&q) if q == close || (close == '"' && (q == '”' || q == '＂')) => {
                        i += 1;
                        break;
                    }
                    Some(&q) => {
                        phrase.push(q);
                        i += 1;
                    }
                }
            }
            tokens.push(Token {
                kind: Kind::Quoted(phrase),
                at: start,
            });
            continue;
        }
        // A word runs to whitespace, a parenthesis or a quote.
        let start = i;
        let mut word = String::new();
        while i < chars.len() {
            let w = chars[i];
            if w.is_whitespace() || w == '(' || w == ')' || closing_quote(w).is_some() {
                break;
            }
            word.push(w);
            i += 1;
        }
        tokens.push(Token {
            kind: word_kind(word, start)?,
            at: start,
        });
    }
    Ok(tokens)
}

/// A bare word: an operator, `field:` (with or without its value), or text.
fn word_kind(word: String, at: usize) -> Result<Kind> {
    match word.as_str() {
        "OR" | "|" => return Ok(Kind::Or),
        "NOT" => return Ok(Kind::Not),
        "AND" | "&&" => return Ok(Kind::Word(String::new())),
        _ => {}
    }
    if let Some((name, value)) = word.split_once(':') {
        if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphabetic()) {
            let field = name.to_ascii_lowercase();
            if !FIELDS.split(", ").any(|f| f == field) {
                return Err(error_at(
                    at,
                    &format!("unknown field {name}: (fields are {FIELDS})"),
                ));
            }
            if value.is_empty() {
                return Ok(Kind::Field(field));
            }
            // `title:乡村` — the value follows without a space.
            return Ok(Kind::Field(format!("{field}\u{0}{value}")));
        }
    }
    Ok(Kind::Word(word))
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    /// Parts joined by the implicit AND, up to `)` or the end.
    fn conjunction(&mut self, opened_at: Option<usize>) -> Result<Option<Expr>> {
        let mut parts = Vec::new();
        loop {
            match self.peek().map(|t| (t.kind.clone(), t.at)) {
                None => {
                    if let Some(at) = opened_at {
                        return Err(error_at(at, "the parenthesis is never closed; it opens"));
                    }
                    break;
                }
                Some((Kind::Close, at)) => {
                    if opened_at.is_none() {
                        return Err(error_at(at, "unexpected ) with no ( before it"));
                    }
                    break;
                }
                Some((Kind::Or, at)) => {
                    return Err(error_at(at, "OR needs a word or group before it"));
                }
                _ => {
                    if let Some(part) = self.disjunction()? {
                        parts.push(part);
                    }
                }
            }
        }
        Ok(match parts.len() {
            0 => None,
            1 => parts.pop(),
            _ => Some(Expr::And(parts)),
        })
    }

    /// `unary (OR unary)*`.
    fn disjunction(&mut self) -> Result<Option<Expr>> {
        let first = self.unary()?;
        let mut alternatives: Vec<Expr> = first.into_iter().collect();
        while let Some(token) = self.peek() {
            if token.kind != Kind::Or {
                break;
            }
            let or_at = token.at;
            self.at += 1;
            if alternatives.is_empty() {
                return Err(error_at(or_at, "OR needs a word or group before it"));
            }
            match self.peek().map(|t| &t.kind) {
                None | Some(Kind::Close) | Some(Kind::Or) => {
                    return Err(error_at(or_at, "OR needs a word or group after it"))
                }
                _ => {}
            }
            if let Some(next) = self.unary()? {
                alternatives.push(next);
            }
        }
        Ok(match alternatives.len() {
            0 => None,
            1 => alternatives.pop(),
            _ => Some(Expr::Or(alternatives)),
        })
    }

    /// `NOT unary | -unary | primary`.
    fn unary(&mut self) -> Result<Option<Expr>> {
        let Some(token) = self.peek().cloned() else {
            return Ok(None);
        };
        if token.kind == Kind::Not {
            self.at += 1;
            return match self.unary()? {
                Some(inner) => Ok(Some(Expr::Not(Box::new(inner)))),
                None => Err(error_at(token.at, "nothing to exclude after")),
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
                let inner = self.conjunction(Some(token.at))?;
                // The closing parenthesis is there: conjunction stopped at it.
                self.at += 1;
                Ok(inner)
            }
            Kind::Word(word) => Ok(words_expr(&word, Scope::Default)),
            Kind::Quoted(phrase) => Ok(term(phrase.trim(), true, Scope::Default).map(Expr::Term)),
            Kind::Field(spec) => {
                let (field, inline) = match spec.split_once('\u{0}') {
                    Some((field, value)) => (field.to_string(), Some(value.to_string())),
                    None => (spec, None),
                };
                let value = match inline {
                    Some(value) => Value::Word(value),
                    None => match self.peek().map(|t| t.kind.clone()) {
                        Some(Kind::Word(word)) if !word.is_empty() => {
                            self.at += 1;
                            Value::Word(word)
                        }
                        Some(Kind::Quoted(phrase)) => {
                            self.at += 1;
                            Value::Quoted(phrase)
                        }
                        Some(Kind::Open) if field != "date" && field != "source" => {
                            let open = self.at;
                            self.at += 1;
                            let inner = self.conjunction(Some(self.tokens[open].at))?;
                            self.at += 1;
                            return Ok(inner.map(|e| rescope(e, scope_of(&field))));
                        }
                        _ => return Err(error_at(token.at, &format!("{field}: needs a value"))),
                    },
                };
                field_expr(&field, value, token.at).map(Some)
            }
            Kind::Close | Kind::Or | Kind::Not => Err(error_at(
                token.at,
                &format!("unexpected {}", token.kind.describe()),
            )),
        }
    }
}

enum Value {
    Word(String),
    Quoted(String),
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
        ("date", Value::Word(text) | Value::Quoted(text)) => parse_date_range(&text)
            .map(Expr::Date)
            .map_err(|reason| error_at(at, &format!("date:{text} — {reason};"))),
        ("source", Value::Word(text) | Value::Quoted(text)) => {
            let name = text.trim();
            if name.is_empty() {
                return Err(error_at(at, "source: needs an outlet name"));
            }
            Ok(Expr::Source(name.to_string()))
        }
        (field, Value::Word(word)) => words_expr(&word, scope_of(field))
            .ok_or_else(|| error_at(at, &format!("{field}: has nothing to search for"))),
        (field, Value::Quoted(phrase)) => term(phrase.trim(), true, scope_of(field))
            .map(Expr::Term)
            .ok_or_else(|| error_at(at, &format!("{field}: has nothing to search for"))),
    }
}

/// An unquoted word, split at sentence punctuation (not inside numbers such as
/// `1,000` or `95.42`) into terms that must all match.
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
            is_separator(c) && !(between_digits && matches!(c, ',' | '.' | ':'))
        };
        if split {
            let piece: String = chars[start..i].iter().collect();
            terms.extend(term(&piece, false, scope).map(Expr::Term));
            start = i + 1;
        }
    }
    match terms.len() {
        0 => None,
        1 => terms.pop(),
        _ => Some(Expr::And(terms)),
    }
}

fn is_separator(c: char) -> bool {
    "，。、；！？：,.;!?:…《》〈〉【】（）[]{}「」『』".contains(c)
}

fn term(text: &str, quoted: bool, scope: Scope) -> Option<Term> {
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

/// `2022`, `2022-05`, `2022-05-17` (also with `/` or `.`), `A..B` (either end may be
/// left open), `>=A`, `>A`, `<=A`, `<A`.
pub fn parse_date_range(text: &str) -> std::result::Result<DateRange, String> {
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
    let text = text.trim();
    let parts: Vec<&str> = text.split(['-', '/', '.']).collect();
    let number = |s: &str, what: &str| -> std::result::Result<u32, String> {
        if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("{s:?} is not a {what}"));
        }
        s.parse().map_err(|_| format!("{s:?} is not a {what}"))
    };
    let impossible = || format!("{text} is not a date (expected 2022, 2022-05 or 2022-05-17)");
    match parts.as_slice() {
        [y] => {
            let year = number(y, "year")? as i32;
            let from = Date::new(year, 1, 1).ok_or_else(impossible)?;
            let until = Date::new(year + 1, 1, 1).ok_or_else(impossible)?;
            Ok((from, until))
        }
        [y, m] => {
            let (year, month) = (number(y, "year")? as i32, number(m, "month")?);
            let from = Date::new(year, month, 1).ok_or_else(impossible)?;
            let until = if month == 12 {
                Date::new(year + 1, 1, 1)
            } else {
                Date::new(year, month + 1, 1)
            }
            .ok_or_else(impossible)?;
            Ok((from, until))
        }
        [y, m, d] => {
            let date = Date::new(
                number(y, "year")? as i32,
                number(m, "month")?,
                number(d, "day")?,
            )
            .ok_or_else(impossible)?;
            let next =
                Date::from_days_since_epoch(date.days_since_epoch() + 1).ok_or_else(impossible)?;
            Ok((date, next))
        }
        _ => Err(impossible()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A compact rendering of the tree, to state expectations in one line.
    fn show(expr: &Expr) -> String {
        match expr {
            Expr::Term(t) => format!(
                "{}{}{}",
                t.scope,
                if t.quoted { "\"" } else { "" },
                t.normalized
            ),
            Expr::Source(s) => format!("source={s}"),
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
            "(台风 & -演习 & -\"防灾 演练)"
        );
        assert_eq!(parsed("-广告"), "-广告");
        assert_eq!(parsed("a AND b"), "(a & b)");
    }

    #[test]
    fn fields_and_dates() {
        assert_eq!(parsed("title:乡村振兴 收入"), "(title:乡村振兴 & 收入)");
        assert_eq!(parsed("title: \"乡村 振兴\""), "title:\"乡村 振兴");
        assert_eq!(parsed("author:孙翠翠"), "author:孙翠翠");
        assert_eq!(parsed("body:(收入 OR 增收)"), "(body:收入 | body:增收)");
        assert_eq!(parsed("source:\"Citizen News\""), "source=Citizen News");
        assert_eq!(parsed("date:2022-05-17"), "date[2022-05-17..2022-05-18)");
        assert_eq!(parsed("date:2022-05"), "date[2022-05-01..2022-06-01)");
        assert_eq!(parsed("date:2022"), "date[2022-01-01..2023-01-01)");
        assert_eq!(
            parsed("date:2021-01-01..2022-06-30"),
            "date[2021-01-01..2022-07-01)"
        );
        assert_eq!(parsed("date:>=2021-03"), "date[2021-03-01..)");
        assert_eq!(parsed("date:>2021-03"), "date[2021-04-01..)");
        assert_eq!(parsed("date:<2021"), "date[..2021-01-01)");
        assert_eq!(parsed("date:..2020/1/2"), "date[..2020-01-03)");
    }

    #[test]
    fn malformed_queries_point_at_the_problem() {
        assert!(
            error("乡村 \"振兴").contains("never closed")
                && error("乡村 \"振兴").contains("character 4")
        );
        assert!(
            error("(乡村 振兴").contains("parenthesis")
                && error("(乡村 振兴").contains("character 1")
        );
        assert!(error("乡村)").contains("character 3"));
        assert!(error("color:red").contains("unknown field color:"));
        assert!(error("date:2022-02-30").contains("not a date"));
        assert!(error("date:2022-13").contains("not a date"));
        assert!(error("date:2023..2022").contains("ends before it starts"));
        assert!(error("date:soon").contains("not a year"));
        assert!(error("   ").contains("empty"));
        assert!(error("，。!").contains("nothing") || error("，。!").contains("no letters"));
        assert!(error("OR 收入").contains("OR needs"));
        assert!(error("收入 OR").contains("OR needs"));
        assert!(error("title:").contains("needs a value"));
        assert!(error(&"字".repeat(100_000)).contains("100000 characters"));
        assert!(error("-").contains("no letters"));
    }

    proptest::proptest! {
        #[test]
        fn any_string_parses_or_is_a_one_line_error(query in "\\PC{0,80}") {
            if let Err(e) = parse_query(&query) {
                let message = e.to_string();
                proptest::prop_assert!(!message.contains('\n'), "{message}");
                proptest::prop_assert!(message.starts_with("invalid query: "));
            }
        }

        #[test]
        fn operator_soup_never_panics(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "(", ")", "\"", "“", "OR", "NOT", "-", "title:", "date:", "source:", "author:",
                    "乡村", "收入", "2022-05", "..", ">=", " ", "：", "，", "date:2022-02-30", "x:",
                ]),
                0..12,
            )
        ) {
            let query: String = parts.concat();
            let _ = parse_query(&query);
        }
    }
}
