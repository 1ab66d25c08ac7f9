//! The query language, parsed into [`Clause`]s.
//!
//! * Words separated by spaces are all required: `乡村振兴 收入`.
//! * A run typed without spaces is a phrase: `南京市长江大桥` matches those characters in
//!   that order, wherever jieba would cut them. Sentence punctuation inside a run
//!   separates words (`乡村振兴，收入` is two words).
//! * `"quoted text"` (also `“…”`) is one phrase, spaces included, in any script.
//!
//! Parsing never panics and rejects what it cannot understand with a message that
//! points at the problem.

use crate::analyze::{is_word_char, normalize_str};
use crate::error::{Error, Result};

/// Queries longer than this are refused rather than analysed.
pub const MAX_QUERY_CHARS: usize = 1000;

/// One required part of a query: a word or phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    /// The clause as typed.
    pub text: String,
    /// The clause normalised (NFKC, lowercase, simplified): what is matched.
    pub normalized: String,
    /// Whether it was quoted.
    pub quoted: bool,
}

/// Parses a query string into its clauses.
pub fn parse_query(query: &str) -> Result<Vec<Clause>> {
    let length = query.chars().count();
    if length > MAX_QUERY_CHARS {
        return Err(Error::Query(format!(
            "query is {length} characters long; at most {MAX_QUERY_CHARS} are allowed"
        )));
    }
    let mut clauses = Vec::new();
    let mut chars = query.chars().enumerate().peekable();
    let mut word = String::new();
    while let Some((at, c)) = chars.next() {
        if let Some(close) = closing_quote(c) {
            push_words(&mut clauses, &std::mem::take(&mut word));
            let mut phrase = String::new();
            let mut closed = false;
            for (_, q) in chars.by_ref() {
                if q == close || (close == '"' && q == '”') {
                    closed = true;
                    break;
                }
                phrase.push(q);
            }
            if !closed {
                return Err(Error::Query(format!(
                    "the quote {c} at character {} is never closed",
                    at + 1
                )));
            }
            push_clause(&mut clauses, phrase.trim(), true);
        } else if c.is_whitespace() {
            push_words(&mut clauses, &std::mem::take(&mut word));
        } else {
            word.push(c);
        }
    }
    push_words(&mut clauses, &word);
    if clauses.is_empty() {
        return Err(Error::Query(if query.trim().is_empty() {
            "the query is empty".to_string()
        } else {
            format!("{query:?} has no letters, digits or Chinese characters to search for")
        }));
    }
    Ok(clauses)
}

fn closing_quote(c: char) -> Option<char> {
    match c {
        '"' | '＂' => Some('"'),
        '“' => Some('”'),
        '「' => Some('」'),
        _ => None,
    }
}

/// Splits an unquoted word at sentence punctuation (not inside numbers: `1,000`, `95.42`).
fn push_words(clauses: &mut Vec<Clause>, word: &str) {
    let chars: Vec<char> = word.chars().collect();
    let mut start = 0;
    for i in 0..chars.len() {
        let c = chars[i];
        let between_digits = i > 0
            && i + 1 < chars.len()
            && chars[i - 1].is_ascii_digit()
            && chars[i + 1].is_ascii_digit();
        if is_separator(c) && !(between_digits && matches!(c, ',' | '.' | ':')) {
            push_clause(clauses, &chars[start..i].iter().collect::<String>(), false);
            start = i + 1;
        }
    }
    push_clause(clauses, &chars[start..].iter().collect::<String>(), false);
}

fn is_separator(c: char) -> bool {
    "，。、；！？：,.;!?:…《》〈〉【】（）()[]{}「」『』".contains(c)
}

fn push_clause(clauses: &mut Vec<Clause>, text: &str, quoted: bool) {
    let normalized = normalize_str(text);
    if !normalized.chars().any(is_word_char) {
        return;
    }
    clauses.push(Clause {
        text: text.to_string(),
        normalized: normalized.trim().to_string(),
        quoted,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(query: &str) -> Vec<String> {
        parse_query(query)
            .unwrap()
            .into_iter()
            .map(|c| c.normalized)
            .collect()
    }

    #[test]
    fn words_phrases_and_punctuation() {
        assert_eq!(texts("乡村振兴 收入"), ["乡村振兴", "收入"]);
        assert_eq!(texts("  乡村振兴，收入 "), ["乡村振兴", "收入"]);
        assert_eq!(
            texts("\"machine learning\" ＡＩ"),
            ["machine learning", "ai"]
        );
        assert_eq!(texts("“鄉村振興”"), ["乡村振兴"]);
        assert_eq!(texts("95.42% 1,000"), ["95.42%", "1,000"]);
        assert_eq!(texts("南京市长江大桥"), ["南京市长江大桥"]);
    }

    #[test]
    fn errors_point_at_the_problem() {
        let err = parse_query("乡村 \"振兴").unwrap_err().to_string();
        assert!(err.contains("character 4"), "{err}");
        assert!(parse_query("   ")
            .unwrap_err()
            .to_string()
            .contains("empty"));
        assert!(parse_query("，。!").is_err());
        assert!(parse_query(&"字".repeat(5000))
            .unwrap_err()
            .to_string()
            .contains("5000"));
    }
}
