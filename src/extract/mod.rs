//! Extraction: the text of an input → an [`Article`].
//!
//! [`extract_file`] reads and decodes a file (see [`crate::source`]), recognises its
//! layout and returns the article with a stable id. The `baoku extract` command
//! prints exactly what this returns, so users can see what the indexer will store.
//!
//! This module owns the reading of page layouts; it must not index or search.

mod boilerplate;
mod date;
mod html;
mod meta;
mod text;

pub use date::parse_date_value;
pub use html::extract_html_page;
pub use text::extract_text_page;

use crate::article::Article;
use crate::error::{Error, Result};
use crate::source;
use std::path::Path;

/// Reads, decodes and extracts the article in the file at `path`.
///
/// The id is derived from the file's canonical path, so indexing the same file again
/// replaces its article rather than adding a second one.
pub fn extract_file(path: &Path) -> Result<Article> {
    let decoded = source::read_text(path)?;
    let mut article = extract_text_page(&decoded.text).map_err(|reason| Error::Extract {
        path: path.to_path_buf(),
        reason,
    })?;
    let canonical = path.canonicalize().map_err(|e| Error::io(path, e))?;
    article.id = article_id(canonical.as_os_str().as_encoded_bytes());
    article.path = Some(canonical.to_string_lossy().into_owned());
    Ok(article)
}

/// The stable id of an article whose identity is `key` (a path, a URL, a record id):
/// 16 hex digits of its XXH3 hash.
pub fn article_id(key: &[u8]) -> String {
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(key))
}
