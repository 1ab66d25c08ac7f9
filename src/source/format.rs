//! Input formats and compression, recognised by file name and confirmed by content.

use std::fmt;
use std::str::FromStr;

/// The layout of an input's content (after decompression).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// A news page saved as plain text (the seed layout).
    Text,
    /// An HTML news page.
    Html,
    /// Markdown with optional YAML front matter.
    Markdown,
    /// A JSON object, or an array of objects (one article each).
    Json,
    /// JSON Lines: one JSON object per line.
    Jsonl,
    /// The Sogou news layout: `<doc><url><docno><contenttitle><content></doc>` records.
    Sogou,
}

impl Format {
    /// All formats, for messages and `--format` help.
    pub const ALL: [Format; 6] = [
        Format::Text,
        Format::Html,
        Format::Markdown,
        Format::Json,
        Format::Jsonl,
        Format::Sogou,
    ];

    /// The format a file extension names, if any.
    pub fn from_extension(extension: &str) -> Option<Format> {
        Some(match extension.to_ascii_lowercase().as_str() {
            "txt" | "text" => Format::Text,
            "html" | "htm" | "shtml" | "xhtml" => Format::Html,
            "md" | "markdown" => Format::Markdown,
            "json" => Format::Json,
            "jsonl" | "ndjson" => Format::Jsonl,
            "dat" | "xml" | "trec" | "sgml" => Format::Sogou,
            _ => return None,
        })
    }

    /// Whether the format holds many articles, read record by record.
    pub fn is_stream(self) -> bool {
        matches!(self, Format::Jsonl)
    }

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Html => "html",
            Format::Markdown => "markdown",
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Sogou => "sogou",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(name: &str) -> Result<Format, String> {
        let wanted = name.trim().to_ascii_lowercase();
        Format::ALL
            .into_iter()
            .find(|f| {
                f.name() == wanted
                    || (wanted == "txt" && *f == Format::Text)
                    || (wanted == "md" && *f == Format::Markdown)
                    || (wanted == "ndjson" && *f == Format::Jsonl)
            })
            .ok_or_else(|| {
                let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
                format!("unknown format {name:?}; one of: {}", names.join(", "))
            })
    }
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
pub fn kind_of_name(name: &str) -> Option<Kind> {
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
    Format::from_extension(extension).map(Kind::Document)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(
            kind_of_name("cctv_xwlb.jsonl.zst"),
            Some(Kind::Document(Format::Jsonl))
        );
        assert_eq!(
            kind_of_name("a/b/Page.SHTML"),
            Some(Kind::Document(Format::Html))
        );
        assert_eq!(kind_of_name("pages.tar.gz"), Some(Kind::Tar));
        assert_eq!(kind_of_name("pages.tzst"), Some(Kind::Tar));
        assert_eq!(
            kind_of_name("notes.md.gz"),
            Some(Kind::Document(Format::Markdown))
        );
        assert_eq!(kind_of_name("photo.jpg"), None);
        assert_eq!(kind_of_name("README"), None);
        assert_eq!("JSONL".parse::<Format>(), Ok(Format::Jsonl));
        assert!("pdf".parse::<Format>().unwrap_err().contains("one of"));
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
