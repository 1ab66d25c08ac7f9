//! Sogou news records (SogouCA / SogouCS): `<doc><url><docno><contenttitle><content></doc>`.
//!
//! The records carry no date or outlet fields: the date comes from the URL
//! (`/20120706/`), the reporter and outlet from a dateline at the start of the text
//! (`中广网唐山６月１２日消息（记者汤一亮）`) when there is one.
//!
//! A file holds many records; this is the format to copy for a new one that does.

use super::date::date_from_url;
use super::format::{Articles, FormatInfo, InputFormat};
use super::headline::clean_headline_field;
use super::meta::parse_dateline;
use crate::article::Article;
use crate::source::{Layout, Problem, ProblemKind, RawDoc, Record};

/// The Sogou news layout (`.dat`, `.xml`): `<doc>` … `</doc>` records, each with
/// `<url>`, `<docno>`, `<contenttitle>` and `<content>`.
pub struct Sogou;

impl InputFormat for Sogou {
    fn info(&self) -> &'static FormatInfo {
        &FormatInfo {
            name: "sogou",
            aliases: &[],
            extensions: &["dat", "xml", "trec", "sgml"],
            layout: Layout::Whole,
        }
    }

    /// The file is not well-formed XML (content holds bare `&` and `<`), so records
    /// are cut at the `<doc>` tags, not parsed as XML; each is known by the line it
    /// starts on.
    fn read(&self, doc: &RawDoc, out: &mut Articles<'_>) {
        let text = doc.text.as_str();
        if !text.contains("<doc>") {
            out.problem(Problem::new(
                &doc.origin,
                ProblemKind::Malformed,
                "no <doc> records: not a Sogou news file (name its format with --format)",
            ));
            return;
        }
        let mut rest = text;
        let mut consumed_lines = 0usize;
        while let Some(start) = rest.find("<doc>") {
            consumed_lines += rest[..start].matches('\n').count();
            let line = consumed_lines as u64 + 1;
            let after = &rest[start..];
            let end = after
                .find("</doc>")
                .map_or(after.len(), |e| e + "</doc>".len());
            let record = &after[..end];
            let origin = doc.origin.record(Record::Line(line));
            if !out.record(&origin, extract_sogou_record(record)) {
                return;
            }
            consumed_lines += record.matches('\n').count();
            rest = &after[end..];
        }
    }
}

/// Extracts the article of one `<doc>` record; also returns its `docno`.
pub fn extract_sogou_record(record: &str) -> Result<(Article, Option<String>), String> {
    let url = tag(record, "url");
    let body: Vec<String> = tag(record, "content")
        .unwrap_or_default()
        // The corpus marks paragraph breaks with a private-use character.
        .split(['\u{e40c}', '\n'])
        .map(|p| p.trim_matches(|c: char| c.is_whitespace()).to_string())
        .filter(|p| !p.is_empty())
        .collect();
    let raw_title = tag(record, "contenttitle");
    let title = raw_title.as_deref().and_then(clean_headline_field);
    // A headline without text is still worth finding (SogouCA has many).
    if body.is_empty() && title.is_none() {
        return Err("record has neither <contenttitle> nor <content> text".to_string());
    }
    let dateline = body
        .first()
        .and_then(|first| parse_dateline(first))
        .unwrap_or_default();
    let mut article = Article {
        title,
        date: url.as_deref().and_then(date_from_url),
        source: dateline.source,
        author: dateline.author,
        url,
        body: body.join("\n"),
        ..Article::default()
    };
    // What the record wrote, where a headline's suffix was cleaned.
    article.keep_original_title(raw_title.as_deref());
    Ok((article, tag(record, "docno")))
}

/// The text between `<name>` and `</name>`, entities decoded, or `None` if empty.
fn tag(record: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    let start = record.find(&open)? + open.len();
    let end = record[start..]
        .find(&close)
        .map_or(record.len(), |e| start + e);
    let text = unescape(record[start..end].trim());
    (!text.is_empty()).then_some(text)
}

fn unescape(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sogou_record() {
        let record = "<doc>\n<url>http://news.sohu.com/20120612/n345428229.shtml</url>\n<docno>c172394d49da2142-69713306c0bb3300</docno>\n<contenttitle>公安机关销毁１０余万非法枪支</contenttitle>\n<content>中广网唐山６月１２日消息（记者汤一亮　庄胜春）据中国之声报道 &amp; 其他。</content>\n</doc>";
        let (a, id) = extract_sogou_record(record).unwrap();
        assert_eq!(id.as_deref(), Some("c172394d49da2142-69713306c0bb3300"));
        assert_eq!(a.title.as_deref(), Some("公安机关销毁１０余万非法枪支"));
        assert_eq!(a.date.unwrap().to_string(), "2012-06-12");
        assert_eq!(a.author.as_deref(), Some("汤一亮　庄胜春"));
        assert!(a.body.ends_with("& 其他。"));
        assert!(extract_sogou_record("<doc><content></content></doc>").is_err());
        let (title_only, _) =
            extract_sogou_record("<doc><contenttitle>标题</contenttitle><content></content></doc>")
                .unwrap();
        assert_eq!(title_only.body, "");
    }
}
