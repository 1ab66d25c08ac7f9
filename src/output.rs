//! Output: search results and indexing reports rendered for people and scripts.
//!
//! JSON is [`SearchResults`] serialised as it is — one document, the public contract
//! of `baoku search --json`. For people, [`write_results`] lays hits out for a
//! terminal, marking the query words with ANSI bold colour; where colour is off (piped
//! output, `NO_COLOR`) the text is left as it is — no bracket a headline could hold
//! itself (【法治动态】) is added. This module writes to the writer it is given and never decides by itself
//! whether colour is wanted.

mod csv;
mod export;
mod kwic;
mod trend;

pub use csv::{csv_bom, csv_field, csv_row, BOM};
pub use export::{write_export_header, write_export_row};
pub use kwic::{kwic_text, write_kwic_line};
pub use trend::{write_trend, write_trend_chart, write_trend_table, CHART_COLUMNS};

use crate::article::Article;
use crate::index::{CheckReport, Stats};
use crate::ingest::IndexReport;
use crate::research::{Highlights, Reading, Related};
use crate::search::{Mode, SearchResults};
use std::io::{self, Write};
use std::path::Path;
use unicode_width::UnicodeWidthChar;

/// How query words are marked in terminal output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Markup {
    /// ANSI escapes: bold titles, bold red query words, dim metadata.
    Ansi,
    /// No escapes and no marks: the text as it is.
    Plain,
}

const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const MATCH: &str = "\x1b[1;31m";
const RESET: &str = "\x1b[0m";

/// How a command prints what it found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// For a person: laid out for a terminal (see [`write_results`]).
    Text {
        /// How query words are marked.
        markup: Markup,
        /// Display columns to fit.
        width: usize,
    },
    /// One JSON document (`--json`).
    Json,
    /// One JSON line per hit (`--jsonl`).
    Jsonl,
    /// Comma-separated values with a header row, for spreadsheets (`--csv`).
    Csv,
}

/// Writes search results in `format`.
pub fn write_search(
    out: &mut impl Write,
    results: &SearchResults,
    format: OutputFormat,
) -> io::Result<()> {
    match format {
        OutputFormat::Json => write_json(out, results),
        OutputFormat::Jsonl => {
            for hit in &results.hits {
                serde_json::to_writer(&mut *out, hit)?;
                writeln!(out)?;
            }
            Ok(())
        }
        // The page's hits as an export's rows, with the export's default columns.
        OutputFormat::Csv => {
            let fields = crate::research::Field::DEFAULT;
            write_export_header(out, &fields, format)?;
            for hit in &results.hits {
                let row = crate::research::Row {
                    article: Article {
                        id: hit.id.clone(),
                        title: hit.title.clone(),
                        date: hit.date,
                        source: hit.source.clone(),
                        author: hit.author.clone(),
                        url: hit.url.clone(),
                        ..Article::default()
                    },
                    score: hit.score,
                    snippet: hit.snippets.first().map(|s| s.text.clone()),
                };
                write_export_row(out, &row, &fields, format)?;
            }
            Ok(())
        }
        OutputFormat::Text { markup, width } => write_results(out, results, markup, width),
    }
}

/// Writes any serialisable value as one JSON line (`show --json`, `stats --json`).
pub fn write_json_line(out: &mut impl Write, value: &impl serde::Serialize) -> io::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    writeln!(out)
}

/// Writes what `baoku check` found in the index at `dir`: one line when healthy, else
/// one line per problem and the command that repairs them.
pub fn write_check(out: &mut impl Write, report: &CheckReport, dir: &Path) -> io::Result<()> {
    if report.healthy() {
        return writeln!(
            out,
            "{}: healthy: {} articles in {} segments, {} files verified",
            dir.display(),
            report.articles,
            report.segments,
            report.files_checked
        );
    }
    for damage in &report.damage {
        writeln!(out, "{}: {damage}", dir.display())?;
    }
    writeln!(
        out,
        "{}: to repair, rebuild it from your archive: baoku --index {} index --rebuild PATH... (the files and folders you indexed)",
        dir.display(),
        dir.display()
    )
}

/// Writes results as one JSON document and a newline.
pub fn write_json(out: &mut impl Write, results: &SearchResults) -> io::Result<()> {
    serde_json::to_writer(&mut *out, results)?;
    writeln!(out)
}

/// Writes one line of `baoku search --batch`: the query's id, then exactly the
/// document of `--json` (query, total, mode, notes, took_ms, hits, facets).
pub fn write_batch_record(
    out: &mut impl Write,
    qid: &str,
    results: &SearchResults,
) -> io::Result<()> {
    #[derive(serde::Serialize)]
    struct Record<'a> {
        qid: &'a str,
        #[serde(flatten)]
        results: &'a SearchResults,
    }
    serde_json::to_writer(&mut *out, &Record { qid, results })?;
    writeln!(out)
}

/// Writes the `--batch` line of a query that could not be answered.
pub fn write_batch_error(
    out: &mut impl Write,
    qid: &str,
    query: &str,
    error: &str,
) -> io::Result<()> {
    let record = serde_json::json!({"qid": qid, "query": query, "error": error});
    serde_json::to_writer(&mut *out, &record)?;
    writeln!(out)
}

/// Writes results for a person reading a terminal `width` columns wide: a line with
/// the count, then per hit its rank and headline (wrapped by display width, CJK
/// characters counting two columns), a line with date, source, author and score, and
/// its snippets; facets at the end.
pub fn write_results(
    out: &mut impl Write,
    results: &SearchResults,
    markup: Markup,
    width: usize,
) -> io::Result<()> {
    let style = Style::new(markup);
    if results.total == 0 && results.query.trim().is_empty() {
        return writeln!(out, "No articles match the filters.");
    }
    if results.total == 0 {
        return writeln!(out, "No articles match {:?}.", results.query);
    }
    let verb = if results.total == 1 {
        "matches"
    } else {
        "match"
    };
    let articles = total_articles(results);
    if results.query.trim().is_empty() {
        write!(out, "{articles} {verb} the filters (newest first)")?;
    } else {
        write!(out, "{articles} {verb} {:?}", results.query)?;
    }
    if results.mode == Mode::Relaxed {
        write!(
            out,
            " {}(none holds every word: the articles holding most of them){}",
            style.dim, style.reset
        )?;
    }
    writeln!(
        out,
        " {}· {:.1} ms{}",
        style.dim, results.took_ms, style.reset
    )?;

    let rank_width = (results.hits.len() + 1).to_string().len().max(2);
    let indent = rank_width + 2;
    let text_width = width.saturating_sub(indent).max(20);
    for (n, hit) in results.hits.iter().enumerate() {
        writeln!(out)?;
        if hit.partial && (n == 0 || !results.hits[n - 1].partial) {
            writeln!(
                out,
                "{}Articles holding only some of the words:{}",
                style.bold, style.reset
            )?;
            writeln!(out)?;
        }
        let title = hit.title.as_deref().unwrap_or("(untitled)");
        let lines = wrap(title, &hit.title_highlights, text_width);
        for (i, (line, marks)) in lines.iter().enumerate() {
            if i == 0 {
                write!(out, "{:>rank_width$}. {}", n + 1, style.bold)?;
            } else {
                write!(out, "{:indent$}{}", "", style.bold)?;
            }
            write_marked(out, line, marks, markup, style.bold)?;
            writeln!(out, "{}", style.reset)?;
        }
        if let Some(subtitle) = &hit.subtitle {
            write!(out, "{:indent$}——", "")?;
            write_marked(out, subtitle, &hit.subtitle_highlights, markup, "")?;
            writeln!(out)?;
        }
        // What is known: an undated, unsourced article shows only its score.
        let mut meta: Vec<String> = hit.date.iter().map(|d| d.to_string()).collect();
        meta.extend(hit.source.clone());
        meta.extend(hit.author.clone());
        if !results.query.trim().is_empty() {
            meta.push(format!("score {:.2}", hit.score));
        }
        if hit.similar > 0 {
            meta.push(format!("+{} similar", hit.similar));
        }
        writeln!(
            out,
            "{:indent$}{}{}{}",
            "",
            style.dim,
            meta.join("  "),
            style.reset
        )?;
        for snippet in &hit.snippets {
            write!(out, "{:indent$}", "")?;
            write_marked(out, &snippet.text, &snippet.highlights, markup, "")?;
            writeln!(out)?;
        }
        writeln!(
            out,
            "{:indent$}{}id {}{}",
            "", style.dim, hit.id, style.reset
        )?;
    }
    let exact: Vec<_> = results.hits.iter().filter(|h| !h.partial).collect();
    let shown = exact.len() as u64;
    let reprints: u64 = exact.iter().map(|h| h.similar).sum();
    let folded = match reprints {
        0 => String::new(),
        n => format!(
            " ({} folded in: `baoku show ID` lists a hit's, --no-collapse shows them all)",
            count(n, "reprint", "reprints")
        ),
    };
    if shown + reprints < results.total {
        writeln!(out)?;
        writeln!(
            out,
            "{}Showing {} of {}{folded}; --limit and --offset page through.{}",
            style.dim,
            count(shown, "story", "stories"),
            total_articles(results),
            style.reset
        )?;
    } else if reprints > 0 {
        writeln!(out)?;
        writeln!(
            out,
            "{}{}, {}{folded}.{}",
            style.dim,
            count(shown, "story", "stories"),
            total_articles(results),
            style.reset
        )?;
    }
    if let Some(facets) = &results.facets {
        writeln!(out)?;
        let lists = [
            (
                "Sources",
                Some(facets.source.as_slice()).filter(|l| !l.is_empty()),
            ),
            (
                "Months",
                Some(facets.month.as_slice()).filter(|l| !l.is_empty()),
            ),
            ("People", facets.person.as_deref()),
            ("Places", facets.place.as_deref()),
            ("Organisations", facets.org.as_deref()),
        ];
        for (name, counts) in lists {
            let Some(counts) = counts else { continue };
            let items: Vec<String> = counts
                .iter()
                .map(|c| format!("{} {}", c.value.as_deref().unwrap_or("(none)"), c.count))
                .collect();
            writeln!(
                out,
                "{}{name}:{} {}",
                style.bold,
                style.reset,
                items.join(" · ")
            )?;
        }
    }
    Ok(())
}

/// `1 article`, `2 articles`.
pub fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "N articles", or "at least N articles" when `total` is a lower bound.
fn total_articles(results: &SearchResults) -> String {
    let n = count(results.total, "article", "articles");
    match results.total_is_lower_bound {
        true => format!("at least {n}"),
        false => n,
    }
}

/// Writes an article opened for reading (`baoku show`): headline, metadata, the
/// body with the query's words marked (when a query was given; with
/// [`Markup::Plain`] the count of matches says where they are not marked), then the
/// reprints of its story. With [`Reading::raw`] (`show --raw`) the headline and body
/// are those the input wrote, unmarked, and a line says whether cleaning changed them.
pub fn write_reading(out: &mut impl Write, reading: &Reading, markup: Markup) -> io::Result<()> {
    let style = Style::new(markup);
    let article = &reading.article;
    let none = Highlights::default();
    // Marks count characters of the cleaned text; the original is shown unmarked.
    let marks = match &reading.raw {
        Some(_) => &none,
        None => reading.highlights.as_ref().unwrap_or(&none),
    };
    let (title, body) = match &reading.raw {
        Some(raw) => (&raw.title, &raw.body),
        None => (&article.title, &article.body),
    };
    write!(out, "{}", style.bold)?;
    match title {
        Some(title) => write_marked(out, title, &marks.title, markup, style.bold)?,
        None => write!(out, "(untitled)")?,
    }
    writeln!(out, "{}", style.reset)?;
    if let Some(subtitle) = &article.subtitle {
        write!(out, "——")?;
        write_marked(out, subtitle, &marks.subtitle, markup, "")?;
        writeln!(out)?;
    }
    let mut meta: Vec<String> = Vec::new();
    meta.extend(article.date.map(|d| d.to_string()));
    meta.extend(article.source.clone());
    meta.extend(article.author.as_ref().map(|a| format!("作者 {a}")));
    meta.extend(article.editor.as_ref().map(|e| format!("编辑 {e}")));
    if !meta.is_empty() {
        writeln!(out, "{}{}{}", style.dim, meta.join("  "), style.reset)?;
    }
    for (label, value) in [("url", &article.url), ("path", &article.path)] {
        if let Some(value) = value {
            writeln!(out, "{}{label} {value}{}", style.dim, style.reset)?;
        }
    }
    writeln!(out, "{}id {}{}", style.dim, article.id, style.reset)?;
    if let Some(raw) = &reading.raw {
        let said = match raw.changed {
            true => "as the input wrote it, before cleaning (without --raw: as indexed)",
            false => "as the input wrote it: cleaning changed nothing, so as indexed",
        };
        writeln!(out, "{}{said}{}", style.dim, style.reset)?;
    }
    if let (Some(marks), None) = (&reading.highlights, &reading.raw) {
        writeln!(
            out,
            "{}{} of the query{}",
            style.dim,
            count(marks.len() as u64, "match", "matches"),
            style.reset
        )?;
    }
    writeln!(out)?;
    // Highlights count characters of the whole body; each line takes its share.
    let mut at = 0;
    for line in body.split('\n') {
        let len = line.chars().count();
        let line_marks: Vec<[usize; 2]> = marks
            .body
            .iter()
            .filter(|[start, end]| *end > at && *start < at + len)
            .map(|[start, end]| [start.max(&at) - at, end.min(&(at + len)) - at])
            .collect();
        write_marked(out, line, &line_marks, markup, "")?;
        writeln!(out)?;
        at += len + 1;
    }
    if !reading.reprints.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "{}{} of this story:{}",
            style.bold,
            count(reading.reprints.len() as u64, "reprint", "reprints"),
            style.reset
        )?;
        write_related(out, &reading.reprints, markup)?;
    }
    Ok(())
}

/// Writes a list of other articles (reprints, similar articles), one line each: date,
/// outlet, headline, id — the id `baoku show` opens.
pub fn write_related(out: &mut impl Write, related: &[Related], markup: Markup) -> io::Result<()> {
    let style = Style::new(markup);
    for item in related {
        let date = item
            .date
            .map_or_else(|| format!("{:<10}", "(undated)"), |d| d.to_string());
        let mut line = format!("  {date}  ");
        if let Some(source) = &item.source {
            line.push_str(source);
            line.push_str("  ");
        }
        line.push_str(item.title.as_deref().unwrap_or("(untitled)"));
        let reprint = if item.reprint { "reprint, " } else { "" };
        writeln!(
            out,
            "{line}  {}{reprint}id {}{}",
            style.dim, item.id, style.reset
        )?;
    }
    Ok(())
}

/// Escape codes of a markup, empty for plain text.
struct Style {
    bold: &'static str,
    dim: &'static str,
    reset: &'static str,
}

impl Style {
    fn new(markup: Markup) -> Style {
        match markup {
            Markup::Ansi => Style {
                bold: BOLD,
                dim: DIM,
                reset: RESET,
            },
            Markup::Plain => Style {
                bold: "",
                dim: "",
                reset: "",
            },
        }
    }
}

/// Splits `text` into lines of at most `width` display columns (CJK characters take
/// two), preferring to break after spaces and punctuation; carries the highlight
/// ranges into each line.
fn wrap(text: &str, highlights: &[[usize; 2]], width: usize) -> Vec<(String, Vec<[usize; 2]>)> {
    let chars: Vec<char> = text.chars().collect();
    let mut lines = Vec::new();
    let mut start = 0;
    while start < chars.len() {
        let mut columns = 0;
        let mut end = start;
        let mut last_break = None;
        while end < chars.len() {
            let w = chars[end].width().unwrap_or(0);
            if columns + w > width && end > start {
                break;
            }
            columns += w;
            if chars[end].is_whitespace() || "，。、；：！？,.;:!?）)】".contains(chars[end])
            {
                last_break = Some(end + 1);
            }
            end += 1;
        }
        if end < chars.len() {
            if let Some(at) = last_break.filter(|&at| at > start + (end - start) / 2) {
                end = at;
            }
        }
        let line: String = chars[start..end]
            .iter()
            .collect::<String>()
            .trim_end()
            .to_string();
        let marks = highlights
            .iter()
            .filter(|[s, e]| *s < end && *e > start)
            .map(|[s, e]| [(*s).max(start) - start, (*e).min(end) - start])
            .collect();
        lines.push((line, marks));
        start = end;
        while start < chars.len() && chars[start] == ' ' {
            start += 1;
        }
    }
    if lines.is_empty() {
        lines.push((String::new(), Vec::new()));
    }
    lines
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
        Markup::Plain => return out.write_all(text.as_bytes()),
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
    let mut parts = vec![format!(
        "indexed {} ({} new, {} replaced)",
        count(report.indexed(), "article", "articles"),
        report.added,
        report.replaced
    )];
    for (n, one, many) in [
        (report.unchanged, "unchanged", "unchanged"),
        (
            report.duplicates,
            "duplicate not stored",
            "duplicates not stored",
        ),
        (
            report.failed,
            "input or record failed",
            "inputs or records failed",
        ),
        (
            report.unsupported,
            "file of another type skipped",
            "files of other types skipped",
        ),
        (report.pruned, "pruned", "pruned"),
    ] {
        if n > 0 {
            parts.push(format!("{n} {}", if n == 1 { one } else { many }));
        }
    }
    let mut inputs = format!(
        "{} read",
        count(report.inputs_read as u64, "input", "inputs")
    );
    if report.inputs_unchanged > 0 {
        inputs.push_str(&format!(", {} unchanged", report.inputs_unchanged));
    }
    let compressed = if report.bytes < report.text_bytes {
        format!(" ({} compressed)", megabytes_of(report.bytes))
    } else {
        String::new()
    };
    // A rate over a run too short or too small to time says nothing.
    let rate = if seconds >= 0.5 && megabytes >= 0.1 {
        format!(" ({:.1} MB/s)", megabytes / seconds)
    } else {
        String::new()
    };
    format!(
        "{}; {inputs}; {} of text{compressed} in {seconds:.2} s{rate}; {} in the index",
        parts.join(", "),
        megabytes_of(report.text_bytes),
        count(report.total_articles, "article", "articles")
    )
}

/// `12.3 MB`, or kB below a tenth of a megabyte.
fn megabytes_of(bytes: u64) -> String {
    match bytes {
        b if b >= 100_000 => format!("{:.1} MB", b as f64 / 1_000_000.0),
        b => format!("{:.1} kB", b as f64 / 1_000.0),
    }
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
    let unlisted = stats.sources.saturating_sub(stats.top_sources.len() as u64);
    if unlisted > 0 {
        writeln!(
            out,
            "  … and {unlisted} more (baoku search --facets lists them all)"
        )?;
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
            total_is_lower_bound: false,
            mode: Mode::All,
            notes: Vec::new(),
            took_ms: 0.5,
            facets: None,
            hits: vec![Hit {
                id: "x".into(),
                title: Some("乡村振兴见成效".into()),
                title_highlights: vec![[0, 4]],
                subtitle: None,
                subtitle_highlights: Vec::new(),
                date: crate::article::Date::new(2022, 5, 17),
                source: Some("吉林日报".into()),
                author: None,
                url: None,
                score: 1.5,
                similar: 1,
                partial: false,
                snippets: vec![Snippet {
                    text: "……农民收入增加".into(),
                    highlights: vec![[4, 6]],
                }],
                path: None,
                names: Default::default(),
            }],
        }
    }

    #[test]
    fn plain_output_is_the_text_as_it_is() {
        let mut out = Vec::new();
        write_results(&mut out, &results(), Markup::Plain, 80).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains(" 1. 乡村振兴见成效\n"), "{text}");
        assert!(
            text.contains("    2022-05-17  吉林日报  score 1.50  +1 similar\n"),
            "{text}"
        );
        assert!(text.contains("    ……农民收入增加\n"), "{text}");
        assert!(
            text.contains("1 story, 2 articles (1 reprint folded in"),
            "{text}"
        );
        assert!(!text.contains('\x1b'));
    }

    #[test]
    fn long_titles_wrap_by_display_width() {
        let title = "港商北上投資農文旅，粵北古村鄉村振興見成效，村民收入較數年前明顯增加";
        let lines = wrap(title, &[[14, 18]], 30);
        assert!(lines.len() >= 2);
        for (line, _) in &lines {
            let columns: usize = line.chars().map(|c| c.width().unwrap_or(0)).sum();
            assert!(columns <= 30, "{line}");
        }
        let rejoined: String = lines.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(rejoined, title);
        let marked: Vec<String> = lines
            .iter()
            .flat_map(|(line, marks)| {
                let chars: Vec<char> = line.chars().collect();
                marks
                    .iter()
                    .map(move |[s, e]| chars[*s..*e].iter().collect::<String>())
                    .collect::<Vec<_>>()
            })
            .collect();
        assert_eq!(marked.concat(), "鄉村振興");
    }

    #[test]
    fn ansi_output_restores_the_title_style() {
        let mut out = Vec::new();
        write_results(&mut out, &results(), Markup::Ansi, 80).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains("\x1b[1m\x1b[1;31m乡村振兴\x1b[0m\x1b[1m见成效\x1b[0m"),
            "{text:?}"
        );
    }
}
