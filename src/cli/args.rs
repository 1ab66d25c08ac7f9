//! The command line's arguments: one struct per command, their parsers and help.

use crate::serve;
use baoku::extract::{format_named, format_names, ExtractOptions, FieldMap};
use baoku::index::DEFAULT_WRITER_MEMORY;
use baoku::ingest::DEFAULT_BATCH_ARTICLES;
use baoku::research::{Field, Interval, KwicOptions, KwicSort, TrendRequest};
use baoku::search::query::SYNTAX;
use baoku::search::{FacetSet, Filters, Period, Sort};
use baoku::snippet::FRAGMENT_CHARS;
use baoku::source::{encoding_for_label, Format, ReadOptions};
use baoku::{SearchRequest, SnippetOptions};
use clap::builder::TypedValueParser;
use clap::{Args, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub(super) struct ServeArgs {
    /// Address and port to listen on. The default answers this machine only; another
    /// address (0.0.0.0:7700 for every network) needs a token, or --public (port 0
    /// picks a free port).
    #[arg(long, default_value = serve::DEFAULT_ADDR, value_name = "IP:PORT")]
    pub(super) addr: std::net::SocketAddr,

    /// Require `Authorization: Bearer TOKEN` on API requests (at least 16
    /// characters, e.g. from `openssl rand -hex 16`). Prefer BAOKU_TOKEN or
    /// --token-file: other users of this machine can read a command line.
    #[arg(long, value_name = "TOKEN", env = "BAOKU_TOKEN", hide_env_values = true,
          value_parser = serve::access::parse_secret)]
    pub(super) token: Option<serve::access::Secret>,

    /// Require one of the tokens in this file (one per line, one per user; `#`
    /// starts a comment); the file is read again when it changes.
    #[arg(long, value_name = "FILE")]
    pub(super) token_file: Option<PathBuf>,

    /// Serve an address other machines can reach without a token: the archive is
    /// meant to be public.
    #[arg(long)]
    pub(super) public: bool,

    /// Show the path of each article's source file to callers on other machines too
    /// (only callers on this machine see it otherwise).
    #[arg(long)]
    pub(super) show_paths: bool,

    /// Let scripts on pages from this origin call the API (e.g.
    /// https://intranet.example.org); no other origin may. Off by default.
    #[arg(long, value_name = "ORIGIN", value_parser = serve::cors::check_origin)]
    pub(super) cors: Option<String>,

    /// Serve HTTPS with this certificate chain (PEM); needs --tls-key.
    #[arg(long, value_name = "FILE")]
    pub(super) tls_cert: Option<PathBuf>,

    /// The private key (PEM) of --tls-cert.
    #[arg(long, value_name = "FILE")]
    pub(super) tls_key: Option<PathBuf>,

    /// Searches that run at once; more wait their turn [default: the number of cores].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=256))]
    pub(super) concurrency: Option<u32>,

    /// Seconds a request may wait for and spend on a search before it is answered
    /// with 503. A connection that makes no progress for 2 s longer is closed.
    #[arg(long, value_name = "SECONDS", default_value_t = serve::REQUEST_TIMEOUT.as_secs() as u32,
          value_parser = clap::value_parser!(u32).range(1..=3600))]
    pub(super) timeout: u32,

    /// Seconds a client may take to send a whole request head (however slowly its
    /// bytes arrive), and a kept-alive connection may wait for its next request.
    #[arg(long, value_name = "SECONDS", default_value_t = serve::READ_TIMEOUT.as_secs() as u32,
          value_parser = clap::value_parser!(u32).range(1..=600))]
    pub(super) read_timeout: u32,

    /// Requests a second one client (IP address, or IPv6 /64) may make, in bursts of
    /// twice that; more get 429 (0: no limit).
    #[arg(long, value_name = "N", default_value_t = serve::limits::DEFAULT_RATE,
          value_parser = clap::value_parser!(u32).range(0..=1_000_000))]
    pub(super) rate: u32,

    /// Requests one client may have in progress at once; more get 429.
    #[arg(long, value_name = "N", default_value_t = serve::limits::DEFAULT_CLIENT_CONCURRENCY,
          value_parser = clap::value_parser!(u32).range(1..=512))]
    pub(super) client_concurrency: u32,

    /// Connections one client may hold open; more are closed at once.
    #[arg(long, value_name = "N", default_value_t = serve::limits::DEFAULT_CLIENT_CONNECTIONS,
          value_parser = clap::value_parser!(u32).range(1..=512))]
    pub(super) client_connections: u32,

    /// Memory for answers to repeated searches, in MB (0 turns the cache off). The
    /// cache is emptied at every new commit of the index.
    #[arg(long, value_name = "MB", default_value_t = (serve::DEFAULT_CACHE_BYTES / 1_048_576) as u32,
          value_parser = clap::value_parser!(u32).range(0..=65536))]
    pub(super) cache: u32,

    #[command(flatten)]
    pub(super) synonyms: SynonymArgs,
}

/// How inputs are read (shared by `index` and `extract`).
#[derive(Debug, Args)]
pub(super) struct ReadArgs {
    // The help lists the formats of the library's table.
    #[arg(long, value_name = "FORMAT", value_parser = format_named, help = format_help())]
    pub(super) format: Option<Format>,

    /// Decode every input with this encoding instead of detecting it
    /// (e.g. gbk, gb18030, big5, utf-8, utf-16le, latin1).
    #[arg(long, value_name = "ENCODING", value_parser = parse_encoding)]
    pub(super) encoding: Option<&'static encoding_rs::Encoding>,

    /// Take an article field from a JSON field of another name, e.g.
    /// `--field body=content --field date=pub_time` (repeatable). Without it, common
    /// names are recognised (content, headline, pubdate, 正文, 作者…).
    #[arg(long = "field", value_name = "FIELD=NAME")]
    pub(super) fields: Vec<String>,
}

impl ReadArgs {
    pub(super) fn options(&self) -> anyhow::Result<ExtractOptions> {
        let mut fields = FieldMap::default();
        for spec in &self.fields {
            fields
                .add(spec)
                .map_err(|e| anyhow::anyhow!("--field {spec}: {e}"))?;
        }
        Ok(ExtractOptions {
            read: ReadOptions {
                format: self.format,
                encoding: self.encoding,
            },
            fields,
        })
    }
}

pub(super) fn format_help() -> String {
    format!(
        "Read every input as this format instead of recognising it by name: {}.",
        format_names()
    )
}

pub(super) fn parse_encoding(label: &str) -> Result<&'static encoding_rs::Encoding, String> {
    encoding_for_label(label).ok_or_else(|| format!("unknown encoding {label:?}"))
}

#[derive(Debug, Args)]
pub(super) struct IndexArgs {
    /// Files, folders and archives to index.
    #[arg(required = true, value_name = "PATH")]
    pub(super) paths: Vec<PathBuf>,

    #[command(flatten)]
    pub(super) read: ReadArgs,

    /// Build a fresh index from these inputs and replace the old one only when done
    /// (also the way to upgrade an index built by another baoku version).
    #[arg(long)]
    pub(super) rebuild: bool,

    /// Remove the articles of inputs that no longer exist.
    #[arg(long)]
    pub(super) prune: bool,

    /// Stop at the first input that cannot be read (what was committed before stays).
    #[arg(long)]
    pub(super) strict: bool,

    /// Threads for reading and for indexing [default: the number of cores].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=64))]
    pub(super) threads: Option<u32>,

    /// Memory for the index writer's buffers, in MB.
    #[arg(long, value_name = "MB", default_value_t = (DEFAULT_WRITER_MEMORY / 1_048_576) as u32,
          value_parser = clap::value_parser!(u32).range(32..=65536))]
    pub(super) memory: u32,

    /// Commit after this many articles.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_BATCH_ARTICLES as u32,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub(super) batch: u32,

    /// No progress bar and no summary line (problems are still printed).
    #[arg(long, short)]
    pub(super) quiet: bool,
}

/// The filters a search and a trend share (the query language's `date:`, `source:`,
/// `author:`).
#[derive(Debug, Args)]
pub(super) struct FilterArgs {
    /// Only articles dated on or after this day, month or year (2021, 2021-03,
    /// 2021-03-08, 2021年3月).
    #[arg(long, value_name = "DATE", value_parser = parse_period)]
    pub(super) since: Option<Period>,

    /// Only articles dated on or before this day, month or year (2022-06 includes all
    /// of June).
    #[arg(long, value_name = "DATE", value_parser = parse_period)]
    pub(super) until: Option<Period>,

    /// Only articles from outlets whose name holds this (人民日报 finds 人民网－人民日报);
    /// `=NAME` for exactly that outlet (as `baoku stats` lists them).
    #[arg(long, value_name = "NAME")]
    pub(super) source: Option<String>,

    /// Only articles by this author.
    #[arg(long, value_name = "NAME")]
    pub(super) author: Option<String>,
}

impl FilterArgs {
    pub(super) fn filters(&self) -> Filters {
        Filters {
            since: self.since,
            until: self.until,
            source: self.source.clone(),
            author: self.author.clone(),
        }
    }
}

#[derive(Debug, Args)]
#[command(after_long_help = query_help())]
pub(super) struct SearchArgs {
    /// The query (see "Query syntax" below): several arguments are one query, so
    /// `baoku search 乡村振兴 收入` needs no quotes and `baoku search 台风 -演习`
    /// excludes 演习.
    /// Without one, the articles the filters (--source, --since…) admit, newest first.
    #[arg(
        required_unless_present_any = ["batch", "since", "until", "source", "author"],
        value_name = "QUERY"
    )]
    pub(super) query: Vec<String>,

    /// Number of articles to show.
    #[arg(long, short = 'n', default_value_t = SearchRequest::default().limit, value_name = "N")]
    pub(super) limit: usize,

    /// Skip this many of the best articles first (for paging).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub(super) offset: usize,

    #[command(flatten)]
    pub(super) filters: FilterArgs,

    #[command(flatten)]
    pub(super) synonyms: SynonymArgs,

    /// Order: relevance (best first), date (newest first) or oldest.
    #[arg(long, default_value_t = Sort::default(), value_name = "ORDER",
          value_parser = clap::builder::PossibleValuesParser::new(["relevance", "date", "oldest"])
              .map(|s| s.parse::<Sort>().expect("one of the possible values")))]
    pub(super) sort: Sort,

    /// Favour recent articles ("latest news").
    #[arg(long)]
    pub(super) recent: bool,

    /// Show reprints of one story separately instead of as one hit.
    #[arg(long)]
    pub(super) no_collapse: bool,

    /// Count the matching articles by source and by month; --facets=LIST (or --facets
    /// LIST) chooses from source, month, person, place, org (the 20 people, places and
    /// organisations most often named among all matches).
    #[arg(long, num_args = 0..=1, require_equals = true, value_name = "LIST",
          default_missing_value = "source,month")]
    pub(super) facets: Option<FacetSet>,

    /// Print one JSON document instead of text.
    #[arg(long, conflicts_with = "jsonl")]
    pub(super) json: bool,

    /// Print one JSON line per hit.
    #[arg(long)]
    pub(super) jsonl: bool,

    /// Write every matching article — all of them, reprints included, in the --sort
    /// order — as csv (with a header row and a byte order mark for Excel) or jsonl
    /// (one object per line), instead of a page of hits.
    #[arg(long, value_enum, value_name = "FORMAT", conflicts_with_all = ["json", "jsonl", "batch"])]
    pub(super) export: Option<ExportFormat>,

    /// The columns of --export, comma-separated, from: id, date, source, author,
    /// editor, title, subtitle, url, score, snippet, body, path [default: id, date,
    /// source, author, title, url].
    #[arg(long, value_name = "LIST", requires = "export",
          value_parser = |text: &str| Field::list(text).map(FieldList))]
    pub(super) fields: Option<FieldList>,

    /// Run every query in FILE (one per line, or `qid<TAB>query`; `-` for stdin) and
    /// print one JSON line per query.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["query", "json", "jsonl"])]
    pub(super) batch: Option<PathBuf>,

    /// When to colour the query words: auto (on a terminal, unless NO_COLOR is set),
    /// always, or never. Without colour the text is printed as it is.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub(super) color: ColorChoice,

    /// Most snippets per article.
    #[arg(long, default_value_t = SnippetOptions::default().max_snippets, value_name = "N")]
    pub(super) snippets: usize,

    /// Length of a snippet in characters.
    #[arg(long, default_value_t = SnippetOptions::default().fragment_chars as u32, value_name = "N",
          value_parser = clap::value_parser!(u32).range(*FRAGMENT_CHARS.start() as i64..=*FRAGMENT_CHARS.end() as i64))]
    pub(super) snippet_chars: u32,
}

impl SearchArgs {
    /// The query words as one query, with the exclusions [`mark_exclusions`] marked.
    pub(super) fn query_text(&self) -> String {
        let words: Vec<&str> = self
            .query
            .iter()
            .map(|w| w.strip_prefix(EXCLUSION_MARK).unwrap_or(w))
            .collect();
        words.join(" ")
    }

    pub(super) fn request(&self, query: String) -> SearchRequest {
        SearchRequest {
            query,
            filters: self.filters.filters(),
            sort: self.sort,
            recent: self.recent,
            limit: self.limit,
            offset: self.offset,
            snippets: SnippetOptions {
                max_snippets: self.snippets,
                fragment_chars: self.snippet_chars as usize,
            },
            collapse: !self.no_collapse,
            facets: self.facets.is_some(),
            facet_set: self.facets.clone().unwrap_or_default(),
        }
    }
}

pub(super) fn parse_period(text: &str) -> Result<Period, String> {
    text.parse()
}

/// Columns every line of `baoku search --help` fits in (a CJK character takes two),
/// so that clap, which wraps only longer lines, leaves the layout alone.
const HELP_COLUMNS: usize = 79;

/// The text after `baoku search --help`'s options: the query language from
/// [`SYNTAX`], then how questions and ranking work.
pub(super) fn query_help() -> String {
    use unicode_width::UnicodeWidthStr;
    let example_width = SYNTAX.iter().map(|(e, _)| e.width()).max().unwrap_or(0);
    let mut help = String::from("Query syntax:\n");
    for (example, meaning) in SYNTAX {
        let pad = example_width - example.width();
        let indent = 2 + example_width + 2;
        let mut line = format!("  {example}{:pad$}  ", "");
        for word in meaning.split(' ') {
            if line.width() + word.width() > HELP_COLUMNS && line.trim().len() > indent {
                help.push_str(line.trim_end());
                help.push('\n');
                line = " ".repeat(indent);
            }
            line.push_str(word);
            line.push(' ');
        }
        help.push_str(line.trim_end());
        help.push('\n');
    }
    for paragraph in [
        "The flags --since, --until, --source and --author are the same as \
         date:>=…, date:<=…, source: and author:.",
        "Questions and pasted text are searched as they are: a quote never closed, \
         a parenthesis without its pair or a word before a colon that is no field is \
         read as plain text, and a note on stderr says so. A query that matches \
         nothing as written is answered in relaxed mode: the articles holding the \
         most of its words (question words such as 什么, 谁, 哪些 left out), ranked by \
         the weight of the words each holds (rare words count more) and how close \
         together they stand. Fewer exact matches than a page are followed by \
         articles holding some of the words.",
        "Ranking: articles score higher the more often the words occur in them \
         relative to how rare the words are in the archive, with matches in the \
         headline counting three times; words standing close together rank higher.",
        "Exit status: 0 articles found, 1 none found, 2 error.",
    ] {
        help.push('\n');
        help.push_str(&fill(paragraph, HELP_COLUMNS));
    }
    help
}

/// `text` in lines of at most `columns` display columns, broken at spaces.
pub(super) fn fill(text: &str, columns: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.width() + 1 + word.width() > columns {
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(&line);
    out.push('\n');
    out
}

#[derive(Debug, Args)]
pub(super) struct ExtractArgs {
    /// Files, folders and archives to extract.
    #[arg(required = true, value_name = "PATH")]
    pub(super) paths: Vec<PathBuf>,

    #[command(flatten)]
    pub(super) read: ReadArgs,
}

#[derive(Debug, Args)]
pub(super) struct ShowArgs {
    /// The article's id.
    pub(super) id: String,

    /// Mark this query's words in the article (as its search marks them) and count
    /// them; in JSON, their character ranges under "highlights".
    #[arg(long, short = 'q', value_name = "QUERY")]
    pub(super) query: Option<String>,

    /// Print the article as JSON (with "reprints", and "highlights" for --query).
    #[arg(long)]
    pub(super) json: bool,

    /// Print the headline and body as the input wrote them, before cleaning removed
    /// the source's furniture, Markdown or HTML, or a headline's site suffix (the
    /// article as indexed when cleaning changed nothing); in JSON, under "raw".
    #[arg(long, conflicts_with = "query")]
    pub(super) raw: bool,

    /// When to use colour: auto, always or never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub(super) color: ColorChoice,
}

#[derive(Debug, Args)]
pub(super) struct SimilarArgs {
    /// The article's id.
    pub(super) id: String,

    /// Number of articles to list (at most 100).
    #[arg(long, short = 'n', default_value_t = 10, value_name = "N",
          value_parser = clap::value_parser!(u64).range(1..=baoku::research::MAX_SIMILAR as u64))]
    pub(super) limit: u64,

    /// List the article's reprints first (they are left out otherwise).
    #[arg(long)]
    pub(super) reprints: bool,

    /// Print one JSON document: {"id", "similar": [{"id", "title", "date", "source",
    /// "url", "score", "reprint"}, …]}.
    #[arg(long)]
    pub(super) json: bool,

    /// When to use colour: auto, always or never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub(super) color: ColorChoice,
}

#[derive(Debug, Args)]
pub(super) struct StatsArgs {
    /// Print one JSON document instead of text.
    #[arg(long)]
    pub(super) json: bool,
}

#[derive(Debug, Args)]
pub(super) struct ExportArgs {
    /// Requests in flight at once [default: the number of CPUs, at least 2].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=64))]
    pub(super) threads: Option<u32>,

    /// No progress bar and no summary (errors are still reported).
    #[arg(long, short)]
    pub(super) quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Marks an argument of `search` that clap would take for an unknown flag but that is
/// an excluded word (`-演习`); [`SearchArgs::query_text`] removes the mark.
pub(super) const EXCLUSION_MARK: char = '\u{1F}';

#[derive(Debug, Args)]
#[command(after_long_help = trend_help())]
pub(super) struct TrendArgs {
    /// The queries to count, one series each: each argument is one whole query (quote
    /// one of several words: `baoku trend 台风 "暴雨 -演习"`).
    #[arg(required = true, value_name = "QUERY")]
    pub(super) queries: Vec<String>,

    /// The length of a period: day, week (ISO, Monday to Sunday), month or year.
    #[arg(long, default_value_t = Interval::default(), value_name = "PERIOD",
          value_parser = clap::builder::PossibleValuesParser::new(["day", "week", "month", "year"])
              .map(|s| s.parse::<Interval>().expect("one of the possible values")))]
    pub(super) by: Interval,

    #[command(flatten)]
    pub(super) filters: FilterArgs,

    #[command(flatten)]
    pub(super) synonyms: SynonymArgs,

    /// Also give each count as a share of all the articles the filters admit in its
    /// period.
    #[arg(long)]
    pub(super) share: bool,

    /// Count every reprint of a story, not each story once.
    #[arg(long)]
    pub(super) no_collapse: bool,

    /// Print one JSON document instead of a chart.
    #[arg(long, conflicts_with_all = ["csv", "table", "chart"])]
    pub(super) json: bool,

    /// Print CSV (a row per period, a column per query), for spreadsheets.
    #[arg(long, conflicts_with_all = ["table", "chart"])]
    pub(super) csv: bool,

    /// Print a table of the counts, even on a terminal.
    #[arg(long, conflicts_with = "chart")]
    pub(super) table: bool,

    /// Draw the chart even when the output is not a terminal.
    #[arg(long)]
    pub(super) chart: bool,
}

impl TrendArgs {
    pub(super) fn request(&self) -> TrendRequest {
        TrendRequest {
            queries: self.queries.clone(),
            filters: self.filters.filters(),
            by: self.by,
            collapse: !self.no_collapse,
            share: self.share,
        }
    }
}

fn trend_help() -> String {
    let mut help = String::new();
    for paragraph in [
        "Each query is any query of `baoku search` (phrases, OR, -word, source:, \
         date:) and every matching article is counted, not a page of hits. Reprints \
         of one story count once, in the period of its earliest article; with \
         --no-collapse every article counts, and the counts with the undated ones \
         sum to the total of `baoku search --no-collapse`.",
        "On a terminal the counts are drawn as a chart of at most 80 columns (bars \
         for a few periods, sparklines for many); piped, they are printed as a table. \
         --json prints {\"by\", \"collapse\", \"series\": [{\"query\", \"total\", \
         \"undated\", \"notes\", \"points\": [{\"period\", \"count\", \"share\"}]}]}.",
        "Exit status: 0 something matched, 1 nothing did, 2 error.",
    ] {
        help.push_str(&fill(paragraph, HELP_COLUMNS));
        help.push('\n');
    }
    help
}

/// What `search --export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum ExportFormat {
    Csv,
    Jsonl,
}

/// The columns `--fields` names, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct FieldList(pub(super) Vec<Field>);

/// Which synonyms a command applies (shared by search, trend, kwic and serve).
#[derive(Debug, Args)]
pub(super) struct SynonymArgs {
    /// Groups of names that find each other, one group a line, comma-separated
    /// (特朗普,川普,特朗普总统): a query word that is one of them finds them all, and
    /// source: one outlet name finds its aliases [default: synonyms.txt beside the
    /// index folder, when there is one].
    #[arg(long, value_name = "FILE", conflicts_with = "no_synonyms")]
    pub(super) synonyms: Option<PathBuf>,

    /// Apply no synonyms, not even those of synonyms.txt beside the index.
    #[arg(long)]
    pub(super) no_synonyms: bool,
}

#[derive(Debug, Args)]
#[command(after_long_help = kwic_help())]
pub(super) struct KwicArgs {
    /// The query (any query of `baoku search`); several arguments are one query, so
    /// `baoku kwic 台风 -演习` needs no quotes.
    #[arg(required = true, value_name = "QUERY")]
    pub(super) query: Vec<String>,

    /// Characters of context on each side of the match.
    #[arg(long, default_value_t = KwicOptions::default().width as u32, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=baoku::research::kwic::MAX_WIDTH as i64))]
    pub(super) width: u32,

    /// Print at most this many lines (the first in --sort order) [default: every
    /// occurrence].
    #[arg(long, short = 'n', value_name = "N")]
    pub(super) limit: Option<usize>,

    /// Order: date (newest articles first), oldest, left (by the words before the
    /// match, nearest first) or right (by the words after it).
    #[arg(long, default_value_t = KwicSort::default(), value_name = "ORDER",
          value_parser = clap::builder::PossibleValuesParser::new(["date", "oldest", "left", "right"])
              .map(|s| s.parse::<KwicSort>().expect("one of the possible values")))]
    pub(super) sort: KwicSort,

    #[command(flatten)]
    pub(super) filters: FilterArgs,

    #[command(flatten)]
    pub(super) synonyms: SynonymArgs,

    /// Print one JSON object per line instead of aligned text.
    #[arg(long)]
    pub(super) json: bool,

    /// When to colour the matches: auto, always or never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub(super) color: ColorChoice,
}

impl KwicArgs {
    pub(super) fn request(&self) -> SearchRequest {
        let words: Vec<&str> = self
            .query
            .iter()
            .map(|w| w.strip_prefix(EXCLUSION_MARK).unwrap_or(w))
            .collect();
        SearchRequest {
            query: words.join(" "),
            filters: self.filters.filters(),
            ..SearchRequest::default()
        }
    }

    pub(super) fn options(&self) -> KwicOptions {
        KwicOptions {
            width: self.width as usize,
            limit: self.limit,
            sort: self.sort,
        }
    }
}

fn kwic_help() -> String {
    let mut help = String::new();
    for paragraph in [
        "Every occurrence of the query's words in the bodies of the articles it \
         matches (all of them, reprints included), one line each: date, the words \
         before, the match, the words after, the outlet. The matches stand in one \
         column (a Chinese character takes two). A simplified query finds \
         traditional text, shown as written.",
        "--json prints one object per line: {\"id\", \"date\", \"source\", \"left\", \
         \"match\", \"right\", \"offset\"}, offset in characters into the body.",
        "Exit status: 0 some occurrence printed, 1 none, 2 error.",
    ] {
        help.push_str(&fill(paragraph, HELP_COLUMNS));
        help.push('\n');
    }
    help
}
