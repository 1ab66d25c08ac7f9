//! Output: search results and indexing reports rendered for people and scripts.
//!
//! JSON is [`SearchResults`] serialised as it is — one document, the public contract
//! of `baoku search --json`. For people, [`write_results`] lays hits out for a
//! terminal, marking the query words with ANSI bold colour or, where colour is off,
//! with 【】. This module writes to the writer it is given and never decides by itself
//! whether colour is wanted.

use crate::index::Stats;
use crate::ingest::IndexReport;
use crate::search::SearchResults;
use std::io::{self, Write};
use std::path::Path;

/// How query words are marked in terminal output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Markup {
    /// ANSI escapes: bold titles, bold red query words, dim metadata.
    Ansi,
    /// No escapes: query words between 【 and 】.
    Plain,
}

const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const MATCH: &str = "\x1b[1;31m";
const RESET: &str = "\x1b[0m";

/// Writes results as one JSON document and a newline.
pub fn write_json(out: &mut impl Write, results: &SearchResults) -> io::Result<()> {
    serde_json::to_writer(&mut *out, results)?;
    writeln!(out)
}

/// Writes results for a person reading a terminal.
pub fn write_results(
    out: &mut impl Write,
    results: &SearchResults,
    markup: Markup,
) -> io::Result<()> {
    let shown = results.hits.len();
    if results.total == 0 {
        return writeln!(out, "No articles match {:?}.", results.query);
    }
    let noun = if results.total == 1 {
        "article"
    } else {
        "articles"
    };
    writeln!(out, "{} {noun} match {:?}", results.total, results.query)?;
    for (rank, hit) in results.hits.iter().enumerate() {
        writeln!(out)?;
        let title = hit.title.as_deref().unwrap_or("(untitled)");
        let (title_on, title_off) = match markup {
            Markup::Ansi => (BOLD, RESET),
            Markup::Plain => ("", ""),
        };
        write!(out, "{:>2}. {title_on}", rank + 1)?;
        write_marked(out, title, &hit.title_highlights, markup, title_on)?;
        writeln!(out, "{title_off}")?;

        let mut meta: Vec<String> = Vec::new();
        meta.extend(hit.date.map(|d| d.to_string()));
        meta.extend(hit.source.clone());
        meta.extend(hit.author.clone());
        meta.push(format!("score {:.2}", hit.score));
        match markup {
            Markup::Ansi => writeln!(out, "    {DIM}{}{RESET}", meta.join(" · "))?,
            Markup::Plain => writeln!(out, "    {}", meta.join(" · "))?,
        }
        for snippet in &hit.snippets {
            write!(out, "    ")?;
            write_marked(out, &snippet.text, &snippet.highlights, markup, "")?;
            writeln!(out)?;
        }
        if let Some(path) = &hit.path {
            match markup {
                Markup::Ansi => writeln!(out, "    {DIM}{path}{RESET}")?,
                Markup::Plain => writeln!(out, "    {path}")?,
            }
        }
    }
    if (shown as u64) < results.total {
        writeln!(out)?;
        writeln!(
            out,
            "Showing {shown} of {}; use --limit and --offset for more.",
            results.total
        )?;
    }
    Ok(())
}

/// Writes `text` with the character ranges `highlights` marked. `resume` is the style
/// to restore after a mark (bold inside a title).
fn write_marked(
    out: &mut impl Write,
    text: &str,
    highlights: &[[usize; 2]],
    markup: Markup,
    resume: &str,
) -> io::Result<()> {
    let (open, close) = match markup {
        Markup::Ansi => (MATCH.to_string(), format!("{RESET}{resume}")),
        Markup::Plain => ("【".to_string(), "】".to_string()),
    };
    let mut marks = highlights.iter().peekable();
    let mut open_until: Option<usize> = None;
    let mut buffer = String::with_capacity(text.len() + 16);
    for (i, c) in text.chars().enumerate() {
        if open_until == Some(i) {
            buffer.push_str(&close);
            open_until = None;
        }
        if open_until.is_none() {
            if let Some(&&[start, end]) = marks.peek() {
                if start == i {
                    buffer.push_str(&open);
                    open_until = Some(end);
                    marks.next();
                }
            }
        }
        buffer.push(c);
    }
    if open_until.is_some() {
        buffer.push_str(&close);
    }
    out.write_all(buffer.as_bytes())
}

/// The one-line summary of an indexing run.
pub fn summary_line(report: &IndexReport) -> String {
    let seconds = report.elapsed.as_secs_f64();
    let megabytes = report.text_bytes as f64 / 1_000_000.0;
    let rate = if seconds > 0.0 {
        megabytes / seconds
    } else {
        0.0
    };
    let mut parts = vec![format!(
        "indexed {} articles ({} new, {} replaced)",
        report.indexed(),
        report.added,
        report.replaced
    )];
    for (count, what) in [
        (report.unchanged, "unchanged"),
        (report.duplicates, "duplicates not stored"),
        (report.failed, "inputs or records failed"),
        (report.unsupported, "files of other types skipped"),
        (report.pruned, "pruned"),
    ] {
        if count > 0 {
            parts.push(format!("{count} {what}"));
        }
    }
    let mut inputs = format!("{} inputs read", report.inputs_read);
    if report.inputs_unchanged > 0 {
        inputs.push_str(&format!(", {} unchanged", report.inputs_unchanged));
    }
    let compressed = if report.bytes < report.text_bytes {
        format!(" ({:.1} MB compressed)", report.bytes as f64 / 1_000_000.0)
    } else {
        String::new()
    };
    format!(
        "{}; {inputs}; {megabytes:.1} MB of text{compressed} in {seconds:.2} s ({rate:.1} MB/s); {} articles in the index",
        parts.join(", "),
        report.total_articles
    )
}

/// Writes index statistics for a person.
pub fn write_stats(out: &mut impl Write, stats: &Stats, dir: &Path) -> io::Result<()> {
    writeln!(out, "index      {}", dir.display())?;
    writeln!(out, "articles   {}", stats.articles)?;
    match (stats.first_date, stats.last_date) {
        (Some(first), Some(last)) => writeln!(
            out,
            "dates      {first} .. {last} ({} undated)",
            stats.undated
        )?,
        _ => writeln!(out, "dates      none")?,
    }
    writeln!(
        out,
        "sources    {} ({} articles without one)",
        stats.sources, stats.without_source
    )?;
    for source in &stats.top_sources {
        writeln!(out, "  {:>8}  {}", source.count, source.value)?;
    }
    writeln!(
        out,
        "reprints   {} articles share a body fingerprint with another",
        stats.near_duplicates
    )?;
    writeln!(
        out,
        "size       {:.1} MB in {} segments",
        stats.index_bytes as f64 / 1_000_000.0,
        stats.segments
    )?;
    writeln!(
        out,
        "versions   schema v{}, analyzer v{}",
        stats.schema_version, stats.analyzer_version
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::Hit;
    use crate::snippet::Snippet;

    fn results() -> SearchResults {
        SearchResults {
            query: "乡村振兴 收入".into(),
            total: 2,
            hits: vec![Hit {
                id: "x".into(),
                title: Some("乡村振兴见成效".into()),
                title_highlights: vec![[0, 4]],
                date: crate::article::Date::new(2022, 5, 17),
                source: Some("吉林日报".into()),
                author: None,
                url: None,
                score: 1.5,
                snippets: vec![Snippet {
                    text: "……农民收入增加".into(),
                    highlights: vec![[4, 6]],
                }],
                path: None,
            }],
        }
    }

    #[test]
    fn plain_output_marks_words_with_brackets() {
        let mut out = Vec::new();
        write_results(&mut out, &results(), Markup::Plain).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains(" 1. 【乡村振兴】见成效\n"), "{text}");
        assert!(
            text.contains("    2022-05-17 · 吉林日报 · score 1.50\n"),
            "{text}"
        );
        assert!(text.contains("    ……农民【收入】增加\n"), "{text}");
        assert!(text.contains("Showing 1 of 2"), "{text}");
        assert!(!text.contains('\x1b'));
    }

    #[test]
    fn ansi_output_restores_the_title_style() {
        let mut out = Vec::new();
        write_results(&mut out, &results(), Markup::Ansi).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains("\x1b[1m\x1b[1;31m乡村振兴\x1b[0m\x1b[1m见成效\x1b[0m"),
            "{text:?}"
        );
    }
}
