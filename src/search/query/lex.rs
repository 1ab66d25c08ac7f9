//! The lexer of the query language: characters → tokens (words, quoted phrases,
//! `field:`, parentheses, `OR`, `NOT`, `NEAR/N`), with notes for the marks it reads as
//! plain text (a quote never closed, a parenthesis without its pair, a word before a
//! colon that is no field). It must not build expressions.

use super::{DEFAULT_NEAR_CHARS, FIELDS, MAX_NEAR_CHARS};
use crate::analyze::is_word_char;
use crate::error::{Error, Result};

pub(super) fn error_at(at: usize, message: &str) -> Error {
    Error::Query(format!("{message} at character {}", at + 1))
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Kind {
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
pub(super) struct Token {
    pub(super) kind: Kind,
    /// Character offset in the query, for messages.
    pub(super) at: usize,
}

/// Characters that open or close a quotation.
pub(super) fn is_quote(c: char) -> bool {
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

pub(super) fn lex(query: &str, notes: &mut Vec<String>) -> Result<Vec<Token>> {
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
    // Short fields (org) are one edit from words (or, ore): only longer ones are
    // taken for misspellings.
    if let Some(meant) = FIELDS
        .iter()
        .filter(|f| f.len() >= 4)
        .find(|f| one_edit_apart(&field, f))
    {
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
pub(super) fn one_edit_apart(a: &str, b: &str) -> bool {
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
pub(super) fn balance_parentheses(tokens: Vec<Token>, notes: &mut Vec<String>) -> Vec<Token> {
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
