//! The analyzer as tantivy tokenizers, so that tantivy indexes exactly the tokens
//! [`words`](super::words) and [`bigrams`](super::bigrams) produce.

use super::normalize::normalize_cached;
use super::{bigrams_of, words_of, Token, BIGRAM_TOKENIZER, WORDS_TOKENIZER};
use tantivy::tokenizer::{Token as TantivyToken, TokenStream, Tokenizer};

/// tantivy tokenizer for jieba search-mode words (registered as `baoku_words`).
#[derive(Debug, Clone, Default)]
pub struct WordTokenizer;

/// tantivy tokenizer for CJK bigrams (registered as `baoku_bigram`).
#[derive(Debug, Clone, Default)]
pub struct BigramTokenizer;

/// Registers baoku's tokenizers on a tantivy index, under the names its schema uses.
///
/// An index that baoku built can then be opened and queried with plain tantivy.
pub fn register_tokenizers(index: &tantivy::Index) {
    let manager = index.tokenizers();
    manager.register(WORDS_TOKENIZER, WordTokenizer);
    manager.register(BIGRAM_TOKENIZER, BigramTokenizer);
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        VecTokenStream::new(words_of(&normalize_cached(text)))
    }
}

impl Tokenizer for BigramTokenizer {
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        VecTokenStream::new(bigrams_of(&normalize_cached(text)))
    }
}

/// A token stream over tokens computed up front.
#[derive(Debug)]
pub struct VecTokenStream {
    tokens: std::vec::IntoIter<Token>,
    current: TantivyToken,
}

impl VecTokenStream {
    fn new(tokens: Vec<Token>) -> Self {
        VecTokenStream {
            tokens: tokens.into_iter(),
            current: TantivyToken::default(),
        }
    }
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        let Some(token) = self.tokens.next() else {
            return false;
        };
        self.current = TantivyToken {
            offset_from: token.byte_from,
            offset_to: token.byte_to,
            position: token.position,
            text: token.text,
            position_length: token.char_len,
        };
        true
    }

    fn token(&self) -> &TantivyToken {
        &self.current
    }

    fn token_mut(&mut self) -> &mut TantivyToken {
        &mut self.current
    }
}
