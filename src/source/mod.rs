//! Sources: finding input files and turning their bytes into text.
//!
//! [`collect_inputs`] walks the paths a user names; [`read_text`] reads one file and
//! decodes it (UTF-8 with or without BOM, UTF-16 with BOM, GBK/GB18030, detected per
//! file). This module owns bytes and encodings; it must not interpret the text.

mod walk;

pub use walk::{collect_inputs, InputFile, Inputs, SkipReason, Skipped};

use crate::error::{Error, Result};
use encoding_rs::{Encoding, GB18030, UTF_16BE, UTF_16LE};
use std::path::Path;

/// Files larger than this are refused: no single article is this long, and reading
/// one whole would cost that much memory.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Text decoded from a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text, without a byte-order mark.
    pub text: String,
    /// The encoding that was detected: `UTF-8`, `UTF-16LE`, `UTF-16BE` or `gb18030`.
    pub encoding: &'static str,
}

/// Reads the file at `path` and decodes it.
pub fn read_text(path: &Path) -> Result<Decoded> {
    let size = std::fs::metadata(path)
        .map_err(|e| Error::io(path, e))?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(Error::Extract {
            path: path.to_path_buf(),
            reason: format!(
                "file is {} MB, more than the {} MB an article file may have",
                size / (1024 * 1024),
                MAX_FILE_BYTES / (1024 * 1024)
            ),
        });
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    decode(&bytes).map_err(|reason| Error::Extract {
        path: path.to_path_buf(),
        reason,
    })
}

/// Decodes the bytes of a text file, detecting its encoding.
///
/// A byte-order mark decides; otherwise valid UTF-8 is UTF-8, and anything else must
/// decode as GB18030 (a superset of GBK and GB2312) without a single invalid sequence.
pub fn decode(bytes: &[u8]) -> std::result::Result<Decoded, String> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(rest)
            .map(|text| Decoded {
                text: text.to_string(),
                encoding: "UTF-8",
            })
            .map_err(|e| {
                format!(
                    "invalid UTF-8 after a UTF-8 byte-order mark, at byte {}",
                    e.valid_up_to() + 3
                )
            });
    }
    for (bom, encoding) in [(b"\xFF\xFE", UTF_16LE), (b"\xFE\xFF", UTF_16BE)] {
        if let Some(rest) = bytes.strip_prefix(bom) {
            return decode_strict(rest, encoding)
                .ok_or_else(|| format!("invalid {} after its byte-order mark", encoding.name()));
        }
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(Decoded {
            text: text.to_string(),
            encoding: "UTF-8",
        }),
        Err(utf8_error) => {
            if bytes.contains(&0) {
                return Err("binary file, not text".to_string());
            }
            if let Some(decoded) = decode_strict(bytes, GB18030) {
                return Ok(decoded);
            }
            let at = utf8_error.valid_up_to();
            Err(format!(
                "not UTF-8 or GBK/GB18030 text (invalid byte 0x{:02X} at offset {at})",
                bytes[at]
            ))
        }
    }
}

fn decode_strict(bytes: &[u8], encoding: &'static Encoding) -> Option<Decoded> {
    let text = encoding.decode_without_bom_handling_and_without_replacement(bytes)?;
    Some(Decoded {
        text: text.into_owned(),
        encoding: encoding.name(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_each_encoding() {
        let text = "乡村振兴，农民增收。";
        let utf8 = decode(text.as_bytes()).unwrap();
        assert_eq!((utf8.text.as_str(), utf8.encoding), (text, "UTF-8"));

        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(text.as_bytes());
        assert_eq!(decode(&bom).unwrap().text, text);

        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let decoded = decode(&gbk).unwrap();
        assert_eq!((decoded.text.as_str(), decoded.encoding), (text, "gb18030"));

        let mut utf16: Vec<u8> = b"\xFF\xFE".to_vec();
        for unit in text.encode_utf16() {
            utf16.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(decode(&utf16).unwrap().text, text);
    }

    #[test]
    fn undecodable_bytes_are_reported_with_their_offset() {
        let err = decode(b"abc\xFF\xFFdef").unwrap_err();
        assert!(err.contains("offset 3"), "{err}");
        assert_eq!(
            decode(b"\x00\x01\x02\xFF").unwrap_err(),
            "binary file, not text"
        );
    }
}
