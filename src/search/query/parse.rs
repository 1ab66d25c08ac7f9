//! The parser of the query language: tokens → an [`Expr`] tree. Operators with
//! nothing to join are left out with a note; only a field scope or date that cannot be
//! valid is an error.

use super::lex::{error_at, Kind, Token};
use super::{DateRange, EntityFilter, Expr, Near, Scope, SourceFilter, Term};
use crate::analyze::EntityKind;
use crate::analyze::{is_cjk, is_word_char, normalize_str};
use crate::article::Date;
use crate::error::Result;
use crate::search::request::Period;

pub(super) struct Parser {
    tokens: Vec<Token>,
    at: usize,
    notes: Vec<String>,
}

impl Parser {
    pub(super) fn new(tokens: Vec<Token>, notes: Vec<String>) -> Parser {
        Parser {
            tokens,
            at: 0,
            notes,
        }
    }

    pub(super) fn into_notes(self) -> Vec<String> {
        self.notes
    }

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
    pub(super) fn conjunction(&mut self, opened: bool) -> Result<Option<Expr>> {
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
                        Some(Kind::Open)
                            if field != "date"
                                && field != "source"
                                && field.parse::<EntityKind>().is_err() =>
                        {
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
        (field, Value::Word(text) | Value::Quoted(text, _))
            if field.parse::<EntityKind>().is_ok() =>
        {
            let kind = field.parse::<EntityKind>().expect("checked by the guard");
            EntityFilter::new(kind, &text)
                .map(Expr::Entity)
                .ok_or_else(|| error_at(at, &format!("{field}: needs a name")))
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
