//! Bytes → text: encoding detection for Chinese news files.
//!
//! A byte-order mark decides (UTF-8, UTF-16LE/BE). Otherwise valid UTF-8 is UTF-8;
//! anything else is one of the two legacy Chinese encodings, GB18030 (a superset of
//! GBK and GB2312) or Big5, told apart by chardetng's character statistics and by
//! which of them decodes with fewer invalid sequences. Other encodings are only used
//! when the user names one (`--encoding`). Text that decodes with many invalid
//! sequences is refused, a few are tolerated and counted.

use encoding_rs::{Encoding, BIG5, GB18030, UTF_16BE, UTF_16LE, UTF_8};

/// How much of a text may be invalid sequences (as a fraction of its characters)
/// before the file is refused rather than indexed with replacement characters.
const MAX_REPLACEMENT_RATIO: f64 = 0.01;

/// Text decoded from bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text, without a byte-order mark.
    pub text: String,
    /// The encoding used, by its WHATWG name (`UTF-8`, `gb18030`, `Big5`, `UTF-16LE`…).
    pub encoding: &'static str,
    /// Invalid sequences replaced by U+FFFD.
    pub replacements: usize,
}

/// The encoding detected for some bytes, before decoding them all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Detected {
    /// The encoding.
    pub encoding: &'static Encoding,
    /// Bytes of byte-order mark to skip.
    pub bom_len: usize,
}

/// Decodes bytes, detecting the encoding unless `forced` names one.
pub fn decode(bytes: &[u8], forced: Option<&'static Encoding>) -> Result<Decoded, String> {
    let detected = match forced {
        Some(encoding) => Detected {
            encoding,
            bom_len: bom_length(bytes, encoding),
        },
        None => detect(bytes, true)?,
    };
    decode_as(&bytes[detected.bom_len..], detected.encoding).map_err(|reason| {
        if forced.is_some() || detected.bom_len > 0 {
            reason
        } else {
            format!("not UTF-8, GBK/GB18030 or Big5 text: it {reason}")
        }
    })
}

/// Decodes bytes known to be in `encoding` (no BOM), refusing too many invalid sequences.
pub fn decode_as(bytes: &[u8], encoding: &'static Encoding) -> Result<Decoded, String> {
    if encoding == UTF_8 {
        if let Ok(text) = std::str::from_utf8(bytes) {
            return Ok(Decoded {
                text: text.to_string(),
                encoding: UTF_8.name(),
                replacements: 0,
            });
        }
    }
    let (text, replacements) = decode_counting(bytes, encoding);
    let chars = text.chars().count().max(1);
    if replacements as f64 > chars as f64 * MAX_REPLACEMENT_RATIO {
        return Err(format!(
            "decodes as {} with {replacements} invalid sequences ({:.1}% of the text); name its encoding with --encoding",
            encoding.name(),
            100.0 * replacements as f64 / chars as f64
        ));
    }
    Ok(Decoded {
        text,
        encoding: encoding.name(),
        replacements,
    })
}

/// Detects the encoding of `sample` (a whole file, or its beginning when `complete`
/// is false: then a multi-byte character cut at the end is not held against it).
pub fn detect(sample: &[u8], complete: bool) -> Result<Detected, String> {
    for (bom, encoding) in [
        (&b"\xEF\xBB\xBF"[..], UTF_8),
        (&b"\xFF\xFE"[..], UTF_16LE),
        (&b"\xFE\xFF"[..], UTF_16BE),
    ] {
        if sample.starts_with(bom) {
            return Ok(Detected {
                encoding,
                bom_len: bom.len(),
            });
        }
    }
    let valid_utf8 = match std::str::from_utf8(sample) {
        Ok(_) => true,
        // A sample may end inside a character; that is not an error.
        Err(e) => !complete && e.error_len().is_none(),
    };
    if valid_utf8 {
        return Ok(Detected {
            encoding: UTF_8,
            bom_len: 0,
        });
    }
    if sample.iter().take(8192).any(|&b| b == 0) {
        return Err("binary file, not text".to_string());
    }
    // GBK and Big5 share most byte ranges, so text in one often decodes in the other:
    // fewer invalid sequences decide, and chardetng's statistics break a tie.
    let errors = |encoding: &'static Encoding| decode_counting(sample, encoding).1;
    let (gb_errors, big5_errors) = (errors(GB18030), errors(BIG5));
    let encoding = if gb_errors == 0 && big5_errors == 0 {
        let mut detector = chardetng::EncodingDetector::new();
        detector.feed(sample, complete);
        if detector.guess(None, false) == BIG5 {
            BIG5
        } else {
            GB18030
        }
    } else if gb_errors <= big5_errors {
        GB18030
    } else {
        BIG5
    };
    Ok(Detected {
        encoding,
        bom_len: 0,
    })
}

fn bom_length(bytes: &[u8], encoding: &'static Encoding) -> usize {
    match Encoding::for_bom(bytes) {
        Some((bom_encoding, len)) if bom_encoding == encoding => len,
        _ => 0,
    }
}

/// Decodes with replacement, counting the invalid sequences replaced.
fn decode_counting(bytes: &[u8], encoding: &'static Encoding) -> (String, usize) {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let capacity = decoder
        .max_utf8_buffer_length(bytes.len())
        .unwrap_or(bytes.len() * 3);
    let mut text = String::with_capacity(capacity);
    let mut replacements = 0;
    let mut input = bytes;
    loop {
        let (result, read) = decoder.decode_to_string_without_replacement(input, &mut text, true);
        input = &input[read..];
        match result {
            encoding_rs::DecoderResult::InputEmpty => break,
            encoding_rs::DecoderResult::Malformed(_, _) => {
                text.push('\u{FFFD}');
                replacements += 1;
            }
            encoding_rs::DecoderResult::OutputFull => {
                text.reserve(input.len() * 3 + 16);
            }
        }
    }
    (text, replacements)
}

/// Finds an encoding by the name a user gives (`gbk`, `big5`, `utf-16le`, `latin1`…).
pub fn encoding_for_label(label: &str) -> Option<&'static Encoding> {
    Encoding::for_label(label.trim().as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIMPLIFIED: &str = "乡村振兴让农民钱袋子鼓起来。近年来，于都县把促进农民增收作为全面推进乡村振兴的中心任务，通过发展特色产业、稳定务工就业、盘活集体资产等举措，多渠道拓宽农民收入来源。";
    const TRADITIONAL: &str = "港商北上投資農文旅，粵北古村鄉村振興見成效。廣東清遠一條有四百多年歷史的古村，近年由一批港商投資活化，古民居改建成民宿和手作工坊，吸引大灣區旅客前來打卡。村民收入較數年前明顯增加。";

    fn detect_name(bytes: &[u8]) -> &'static str {
        decode(bytes, None).unwrap().encoding
    }

    #[test]
    fn detects_each_encoding() {
        assert_eq!(detect_name(SIMPLIFIED.as_bytes()), "UTF-8");
        let (gbk, _, _) = encoding_rs::GBK.encode(SIMPLIFIED);
        assert_eq!(detect_name(&gbk), "gb18030");
        assert_eq!(decode(&gbk, None).unwrap().text, SIMPLIFIED);
        let (big5, _, _) = BIG5.encode(TRADITIONAL);
        assert_eq!(detect_name(&big5), "Big5");
        assert_eq!(decode(&big5, None).unwrap().text, TRADITIONAL);
        // Traditional text in GBK is GBK, not Big5.
        let (gbk_traditional, _, _) = encoding_rs::GBK.encode(TRADITIONAL);
        assert_eq!(detect_name(&gbk_traditional), "gb18030");

        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(SIMPLIFIED.as_bytes());
        assert_eq!(decode(&bom, None).unwrap().text, SIMPLIFIED);
        let mut utf16: Vec<u8> = b"\xFF\xFE".to_vec();
        for unit in SIMPLIFIED.encode_utf16() {
            utf16.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(decode(&utf16, None).unwrap().text, SIMPLIFIED);
    }

    #[test]
    fn a_forced_encoding_is_used() {
        let latin1 = b"caf\xe9 au lait";
        assert!(decode(latin1, None).is_err());
        let forced = decode(latin1, encoding_for_label("latin1")).unwrap();
        assert_eq!(forced.text, "café au lait");
    }

    #[test]
    fn garbage_is_refused_and_a_little_damage_counted() {
        let err = decode(b"abc\xFF\xFFdef\xFF\xFF\xFF", None).unwrap_err();
        assert!(err.contains("invalid"), "{err}");
        assert_eq!(
            decode(b"\x00\x01\x02\xFF", None).unwrap_err(),
            "binary file, not text"
        );
        let text = SIMPLIFIED.repeat(3);
        let (gbk, _, _) = encoding_rs::GBK.encode(&text);
        let mut damaged = gbk.into_owned();
        damaged.push(0x81);
        let decoded = decode(&damaged, None).unwrap();
        assert_eq!((decoded.encoding, decoded.replacements), ("gb18030", 1));
    }

    #[test]
    fn a_sample_may_end_inside_a_character() {
        let bytes = SIMPLIFIED.as_bytes();
        let detected = detect(&bytes[..bytes.len() - 1], false).unwrap();
        assert_eq!(detected.encoding, UTF_8);
    }
}
