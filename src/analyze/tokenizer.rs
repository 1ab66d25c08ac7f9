//! The analyzer as tantivy tokenizers, so that tantivy indexes exactly the tokens
//! [`words`](super::words) and [`bigrams`](super::bigrams) produce.

use super::normalize::normalize_cached;
use super::{
    bigram_spans, entities_cached, entity_tokenizer_name, word_spans_cached, Entities, EntityKind,
    Normalized, Span, BIGRAM_TOKENIZER, WORDS_TOKENIZER,
};
use std::rc::Rc;
use tantivy::tokenizer::{Token as TantivyToken, TokenStream, Tokenizer};

/// tantivy tokenizer for jieba search-mode words (registered as `baoku_words`).
#[derive(Debug, Clone, Default)]
pub struct WordTokenizer;

/// tantivy tokenizer for CJK bigrams (registered as `baoku_bigram`).
#[derive(Debug, Clone, Default)]
pub struct BigramTokenizer;

/// tantivy tokenizer that turns a text into the names of one kind found in it
/// (registered as `baoku_person`, `baoku_place`, `baoku_org`), each once: the
/// `person`, `place` and `org` fields are given the title and body and index (and
/// keep as fast columns) only the names.
#[derive(Debug, Clone)]
pub struct EntityTokenizer {
    kind: EntityKind,
}

impl EntityTokenizer {
    /// The tokenizer of names of `kind`.
    pub fn new(kind: EntityKind) -> Self {
        EntityTokenizer { kind }
    }
}

/// Registers baoku's tokenizers on a tantivy index, under the names its schema uses
/// (the name tokenizers for its fast columns too).
///
/// An index that baoku built can then be opened and queried with plain tantivy.
pub fn register_tokenizers(index: &tantivy::Index) {
    let manager = index.tokenizers();
    manager.register(WORDS_TOKENIZER, WordTokenizer);
    manager.register(BIGRAM_TOKENIZER, BigramTokenizer);
    for kind in EntityKind::ALL {
        manager.register(entity_tokenizer_name(kind), EntityTokenizer::new(kind));
        index
            .fast_field_tokenizer()
            .register(entity_tokenizer_name(kind), EntityTokenizer::new(kind));
    }
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = SpanTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> SpanTokenStream {
        let (normalized, spans) = word_spans_cached(text);
        SpanTokenStream::new(normalized, (*spans).clone())
    }
}

impl Tokenizer for EntityTokenizer {
    type TokenStream<'a> = NameTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> NameTokenStream {
        NameTokenStream {
            found: entities_cached(text),
            kind: self.kind,
            next: 0,
            current: TantivyToken::default(),
        }
    }
}

/// The names of one kind in a text, one token each (positions 0, 1, …).
#[derive(Debug)]
pub struct NameTokenStream {
    found: Rc<Entities>,
    kind: EntityKind,
    next: usize,
    current: TantivyToken,
}

impl TokenStream for NameTokenStream {
    fn advance(&mut self) -> bool {
        let Some(name) = self.found.of(self.kind).get(self.next) else {
            return false;
        };
        let token = &mut self.current;
        token.offset_from = 0;
        token.offset_to = 0;
        token.position = self.next;
        token.position_length = 1;
        token.text.clear();
        token.text.push_str(name);
        self.next += 1;
        true
    }

    fn token(&self) -> &TantivyToken {
        &self.current
    }

    fn token_mut(&mut self) -> &mut TantivyToken {
        &mut self.current
    }
}

impl Tokenizer for BigramTokenizer {
    type TokenStream<'a> = SpanTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> SpanTokenStream {
        let normalized = normalize_cached(text);
        let spans = bigram_spans(&normalized);
        SpanTokenStream::new(normalized, spans)
    }
}

/// A token stream over token spans computed up front; one token buffer is refilled
/// for each, so no string is allocated per token.
#[derive(Debug)]
pub struct SpanTokenStream {
    normalized: Rc<Normalized>,
    spans: std::vec::IntoIter<Span>,
    current: TantivyToken,
}

impl SpanTokenStream {
    fn new(normalized: Rc<Normalized>, spans: Vec<Span>) -> Self {
        SpanTokenStream {
            normalized,
            spans: spans.into_iter(),
            current: TantivyToken::default(),
        }
    }
}

impl TokenStream for SpanTokenStream {
    fn advance(&mut self) -> bool {
        let Some(span) = self.spans.next() else {
            return false;
        };
        let token = &mut self.current;
        token.offset_from = span.original.0 as usize;
        token.offset_to = span.original.1 as usize;
        token.position = span.position as usize;
        token.position_length = span.char_len as usize;
        token.text.clear();
        token
            .text
            .push_str(&self.normalized.text()[span.text.0 as usize..span.text.1 as usize]);
        true
    }

    fn token(&self) -> &TantivyToken {
        &self.current
    }

    fn token_mut(&mut self) -> &mut TantivyToken {
        &mut self.current
    }
}
