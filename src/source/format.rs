//! What a file name says about its content — a document of some format, or a tar
//! archive — and compression, recognised by its magic bytes.
//!
//! The formats themselves (which names and extensions mean which format, and how a
//! document becomes articles) are [`crate::extract`]'s table: the reader is handed it
//! as [`Formats`] and sees a format only as a name and a [`Layout`], so this module
//! names no format and needs no change when one is added.

use std::fmt;

/// How the content of a format's file divides into documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Layout {
    /// The whole file (after decompression) is one document, decoded as one text; the
    /// format may still find several records in it (a JSON array, Sogou `<doc>`s).
    Whole,
    /// Every line is a document, read one at a time however large the file (JSON
    /// Lines); the encoding is detected once, on the first block.
    Lines,
}

/// An input format as the reader sees it: its name and its [`Layout`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Format {
    name: &'static str,
    layout: Layout,
}

impl Format {
    /// A format called `name` (as `--format` names it), laid out as `layout`.
    pub const fn new(name: &'static str, layout: Layout) -> Format {
        Format { name, layout }
    }

    /// The name used on the command line and in messages.
    pub fn name(self) -> &'static str {
        self.name
    }

    /// How its files divide into documents.
    pub fn layout(self) -> Layout {
        self.layout
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

/// The formats the reader recognises by file extension.
pub trait Formats: Sync {
    /// The format a file extension names (lowercase, without the dot), if any.
    fn by_extension(&self, extension: &str) -> Option<Format>;
}

/// A compression wrapper around an input or archive member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// Not compressed.
    None,
    /// gzip (`.gz`).
    Gzip,
    /// Zstandard (`.zst`).
    Zstd,
}

impl Compression {
    /// Recognises compression by its magic bytes.
    pub fn sniff(head: &[u8]) -> Compression {
        if head.starts_with(&[0x1f, 0x8b]) {
            Compression::Gzip
        } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Compression::Zstd
        } else {
            Compression::None
        }
    }
}

/// What a file name says about its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A document or record file of this format.
    Document(Format),
    /// A tar archive whose members are inputs of their own.
    Tar,
}

/// Reads a file name: `a.jsonl.zst` is JSON Lines, `pages.tar.gz` a tar archive,
/// `x.txt` text. `None` when the name is not one baoku reads.
pub fn kind_of_name(name: &str, formats: &dyn Formats) -> Option<Kind> {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".tgz") || lower.ends_with(".tzst") {
        return Some(Kind::Tar);
    }
    let inner = ["gz", "zst", "zstd"]
        .iter()
        .find_map(|ext| lower.strip_suffix(&format!(".{ext}")))
        .unwrap_or(&lower);
    let extension = inner.rsplit_once('.').map(|(_, e)| e)?;
    if extension == "tar" {
        return Some(Kind::Tar);
    }
    formats.by_extension(extension).map(Kind::Document)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two formats, as the extract layer's table would give them.
    struct TwoFormats;

    const JSONL: Format = Format::new("jsonl", Layout::Lines);
    const HTML: Format = Format::new("html", Layout::Whole);

    impl Formats for TwoFormats {
        fn by_extension(&self, extension: &str) -> Option<Format> {
            match extension {
                "jsonl" => Some(JSONL),
                "html" | "shtml" => Some(HTML),
                _ => None,
            }
        }
    }

    #[test]
    fn names() {
        let kind = |name: &str| kind_of_name(name, &TwoFormats);
        assert_eq!(kind("cctv_xwlb.jsonl.zst"), Some(Kind::Document(JSONL)));
        assert_eq!(kind("a/b/Page.SHTML"), Some(Kind::Document(HTML)));
        assert_eq!(kind("pages.tar.gz"), Some(Kind::Tar));
        assert_eq!(kind("pages.tzst"), Some(Kind::Tar));
        assert_eq!(kind("photo.jpg"), None);
        assert_eq!(kind("README"), None);
    }

    #[test]
    fn magic_bytes() {
        assert_eq!(Compression::sniff(&[0x1f, 0x8b, 8]), Compression::Gzip);
        assert_eq!(
            Compression::sniff(&[0x28, 0xb5, 0x2f, 0xfd, 0]),
            Compression::Zstd
        );
        assert_eq!(Compression::sniff(b"{\"id\""), Compression::None);
    }
}
