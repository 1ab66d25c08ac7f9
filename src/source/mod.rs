//! Sources: finding inputs and reading them into documents.
//!
//! [`collect_inputs`] walks the paths a user names; [`read_documents`] opens one input
//! — decompressing `.gz`/`.zst`, walking `.tar` members, reading a whole file or one
//! line at a time as the format's [`Layout`] says — and decodes text (UTF-8 with or
//! without BOM, UTF-16 with BOM, GBK/GB18030, Big5, detected per file). What goes
//! wrong is a [`Problem`] that says where (file, member, record) and what kind.
//!
//! This module owns bytes, containers and encodings; it must not interpret an
//! article's text, and knows formats only through the [`Formats`] it is handed (the
//! table is [`crate::extract`]'s).

mod decode;
mod format;
mod problem;
mod read;
mod walk;

pub use decode::{decode, encoding_for_label, Decoded};
pub use format::{kind_of_name, Format, Formats, Kind, Layout};
pub use problem::{Problem, ProblemKind};
pub use read::{
    read_documents, read_documents_from, read_lines_of_text, Origin, RawDoc, ReadCounters,
    ReadOptions, Record, MAX_DOCUMENT_BYTES, MAX_LINE_BYTES,
};
pub use walk::{collect_inputs, InputFile, Inputs};
