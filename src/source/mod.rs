//! Sources: finding inputs and reading them into documents.
//!
//! [`collect_inputs`] walks the paths a user names; [`read_documents`] opens one input
//! — decompressing `.gz`/`.zst`, walking `.tar` members, splitting JSON Lines, JSON
//! arrays and Sogou files into records — and decodes text (UTF-8 with or without BOM,
//! UTF-16 with BOM, GBK/GB18030, Big5, detected per file). This module owns bytes,
//! containers and encodings; it must not interpret an article's text.

mod decode;
mod format;
mod read;
mod walk;

pub use decode::{decode, encoding_for_label, Decoded};
pub use format::{kind_of_name, Format, Kind};
pub use read::{
    read_documents, read_documents_from, Content, Origin, RawDoc, ReadCounters, ReadOptions,
    SourceError, MAX_DOCUMENT_BYTES, MAX_LINE_BYTES,
};
pub use walk::{collect_inputs, InputFile, Inputs, SkipReason, Skipped};
