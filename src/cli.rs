//! Command-line interface: parses flags, calls the library, prints.
//!
//! Results go to stdout, progress and diagnostics to stderr. Exit status: 0 success;
//! 1 nothing found (`search`) or some inputs could not be read (`index`, `extract`);
//! 2 error; 130 `index` interrupted by Ctrl-C or SIGTERM (after committing what it
//! read); `serve` runs until Ctrl-C or SIGTERM and then exits 0. A closed pipe
//! (`baoku search … | head`) ends the program quietly.

use crate::serve;
use baoku::extract::{extract_paths, format_named, format_names, ExtractOptions, FieldMap};
use baoku::index::{check_index, WriterOptions, DEFAULT_WRITER_MEMORY};
use baoku::ingest::{
    index_paths, rebuild_index, IndexOptions, Problem, Progress, DEFAULT_BATCH_ARTICLES,
};
use baoku::output::{
    count, summary_line, write_article, write_batch_error, write_batch_record, write_check,
    write_json_line, write_search, write_stats, Markup, OutputFormat,
};
use baoku::search::query::SYNTAX;
use baoku::search::{Filters, Period, Sort};
use baoku::snippet::FRAGMENT_CHARS;
use baoku::source::{encoding_for_label, Format, ReadOptions};
use baoku::{Archive, SearchRequest, SnippetOptions};
use clap::builder::TypedValueParser;
use clap::{Args, Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// baoku (报库): full-text search for Chinese news archives.
#[derive(Debug, Parser)]
#[command(name = "baoku", version, about, max_term_width = 80)]
struct Cli {
    /// Index directory.
    #[arg(
        long,
        global = true,
        env = "BAOKU_INDEX",
        default_value = "baoku-index",
        value_name = "DIR"
    )]
    index: PathBuf,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Read the articles in files, folders and archives and add them to the index.
    ///
    /// Reads news pages saved as text (.txt), HTML pages (.html, .htm, .shtml),
    /// Markdown with front matter (.md), JSON and JSON Lines (.json, .jsonl, .ndjson),
    /// Sogou news files (.dat, .xml); any of them compressed (.gz, .zst) or in tar
    /// archives (.tar, .tar.gz, .tgz, .tar.zst); UTF-8, UTF-16, GBK/GB18030 or Big5.
    /// Folders are walked recursively. Inputs indexed before and unchanged since are
    /// skipped; a changed input replaces its articles. Articles are committed in
    /// batches, so an interrupted run loses at most one batch, and running it again
    /// completes the work without duplicates.
    ///
    /// Exit status: 0 every input was indexed; 1 some inputs or records could not be
    /// read (each is named on stderr; the rest was indexed); 2 error.
    Index(IndexArgs),
    /// Search the index: ranked articles with the query words highlighted.
    Search(SearchArgs),
    /// Print the articles extracted from files as JSON, one object per line.
    ///
    /// Shows exactly what `baoku index` would store, without touching the index.
    Extract(ExtractArgs),
    /// Print one whole article by its id (as search results give it).
    Show(ShowArgs),
    /// Show what the index holds: articles, dates, sources, duplicates, size.
    Stats(StatsArgs),
    /// Verify the index: the checksum of every segment file, the schema and analyzer
    /// versions, and that each article has exactly one id and no id is held twice.
    ///
    /// Only reads; safe while `baoku index` runs. Exit status: 0 healthy; 1 problems
    /// found (each named, with the command that repairs them); 2 error.
    Check,
    /// Serve the archive over HTTP: a search page at `/` and a JSON API under `/api/`.
    ///
    /// Prints `baoku serving URL` on stdout once it listens. Endpoints:
    /// `GET /api/search?q=…` (the parameters and JSON document of `baoku search
    /// --json`), `/api/articles/ID`, `/api/stats`, `/api/openapi.json`, `/healthz`.
    /// New commits of a `baoku index` running beside it are searched within a second,
    /// without a restart. Ctrl-C or SIGTERM stop it after the requests in flight
    /// (exit status 0).
    Serve(ServeArgs),
    /// Print a shell completion script: bash, zsh, fish, elvish or powershell.
    ///
    /// For bash: `baoku completions bash > ~/.local/share/bash-completion/completions/baoku`;
    /// zsh: into a folder on `$fpath` as `_baoku`; fish:
    /// `baoku completions fish > ~/.config/fish/completions/baoku.fish`.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff): `baoku man > baoku.1 && man ./baoku.1`.
    Man,
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// Address and port to listen on. The default answers this machine only; another
    /// address (0.0.0.0:7700 for every network) needs a token, or --public (port 0
    /// picks a free port).
    #[arg(long, default_value = serve::DEFAULT_ADDR, value_name = "IP:PORT")]
    addr: std::net::SocketAddr,

    /// Require `Authorization: Bearer TOKEN` on API requests (at least 16
    /// characters, e.g. from `openssl rand -hex 16`). Prefer BAOKU_TOKEN or
    /// --token-file: other users of this machine can read a command line.
    #[arg(long, value_name = "TOKEN", env = "BAOKU_TOKEN", hide_env_values = true,
          value_parser = serve::access::parse_secret)]
    token: Option<serve::access::Secret>,

    /// Require one of the tokens in this file (one per line, one per user; `#`
    /// starts a comment); the file is read again when it changes.
    #[arg(long, value_name = "FILE")]
    token_file: Option<PathBuf>,

    /// Serve an address other machines can reach without a token: the archive is
    /// meant to be public.
    #[arg(long)]
    public: bool,

    /// Show the path of each article's source file to callers on other machines too
    /// (only callers on this machine see it otherwise).
    #[arg(long)]
    show_paths: bool,

    /// Let scripts on pages from this origin call the API (e.g.
    /// https://intranet.example.org); no other origin may. Off by default.
    #[arg(long, value_name = "ORIGIN", value_parser = serve::cors::check_origin)]
    cors: Option<String>,

    /// Serve HTTPS with this certificate chain (PEM); needs --tls-key.
    #[arg(long, value_name = "FILE")]
    tls_cert: Option<PathBuf>,

    /// The private key (PEM) of --tls-cert.
    #[arg(long, value_name = "FILE")]
    tls_key: Option<PathBuf>,

    /// Searches that run at once; more wait their turn [default: the number of cores].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=256))]
    concurrency: Option<u32>,

    /// Seconds a request may wait for and spend on a search before it is answered
    /// with 503. A connection that makes no progress for 2 s longer is closed.
    #[arg(long, value_name = "SECONDS", default_value_t = serve::REQUEST_TIMEOUT.as_secs() as u32,
          value_parser = clap::value_parser!(u32).range(1..=3600))]
    timeout: u32,

    /// Seconds a client may take to send a whole request head (however slowly its
    /// bytes arrive), and a kept-alive connection may wait for its next request.
    #[arg(long, value_name = "SECONDS", default_value_t = serve::READ_TIMEOUT.as_secs() as u32,
          value_parser = clap::value_parser!(u32).range(1..=600))]
    read_timeout: u32,

    /// Requests a second one client (IP address, or IPv6 /64) may make, in bursts of
    /// twice that; more get 429 (0: no limit).
    #[arg(long, value_name = "N", default_value_t = serve::limits::DEFAULT_RATE,
          value_parser = clap::value_parser!(u32).range(0..=1_000_000))]
    rate: u32,

    /// Requests one client may have in progress at once; more get 429.
    #[arg(long, value_name = "N", default_value_t = serve::limits::DEFAULT_CLIENT_CONCURRENCY,
          value_parser = clap::value_parser!(u32).range(1..=512))]
    client_concurrency: u32,

    /// Connections one client may hold open; more are closed at once.
    #[arg(long, value_name = "N", default_value_t = serve::limits::DEFAULT_CLIENT_CONNECTIONS,
          value_parser = clap::value_parser!(u32).range(1..=512))]
    client_connections: u32,

    /// Memory for answers to repeated searches, in MB (0 turns the cache off). The
    /// cache is emptied at every new commit of the index.
    #[arg(long, value_name = "MB", default_value_t = (serve::DEFAULT_CACHE_BYTES / 1_048_576) as u32,
          value_parser = clap::value_parser!(u32).range(0..=65536))]
    cache: u32,
}

/// How inputs are read (shared by `index` and `extract`).
#[derive(Debug, Args)]
struct ReadArgs {
    // The help lists the formats of the library's table.
    #[arg(long, value_name = "FORMAT", value_parser = format_named, help = format_help())]
    format: Option<Format>,

    /// Decode every input with this encoding instead of detecting it
    /// (e.g. gbk, gb18030, big5, utf-8, utf-16le, latin1).
    #[arg(long, value_name = "ENCODING", value_parser = parse_encoding)]
    encoding: Option<&'static encoding_rs::Encoding>,

    /// Take an article field from a JSON field of another name, e.g.
    /// `--field body=content --field date=pub_time` (repeatable). Without it, common
    /// names are recognised (content, headline, pubdate, 正文, 作者…).
    #[arg(long = "field", value_name = "FIELD=NAME")]
    fields: Vec<String>,
}

impl ReadArgs {
    fn options(&self) -> anyhow::Result<ExtractOptions> {
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

fn format_help() -> String {
    format!(
        "Read every input as this format instead of recognising it by name: {}.",
        format_names()
    )
}

fn parse_encoding(label: &str) -> Result<&'static encoding_rs::Encoding, String> {
    encoding_for_label(label).ok_or_else(|| format!("unknown encoding {label:?}"))
}

#[derive(Debug, Args)]
struct IndexArgs {
    /// Files, folders and archives to index.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,

    #[command(flatten)]
    read: ReadArgs,

    /// Build a fresh index from these inputs and replace the old one only when done
    /// (also the way to upgrade an index built by another baoku version).
    #[arg(long)]
    rebuild: bool,

    /// Remove the articles of inputs that no longer exist.
    #[arg(long)]
    prune: bool,

    /// Stop at the first input that cannot be read (what was committed before stays).
    #[arg(long)]
    strict: bool,

    /// Threads for reading and for indexing [default: the number of cores].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=64))]
    threads: Option<u32>,

    /// Memory for the index writer's buffers, in MB.
    #[arg(long, value_name = "MB", default_value_t = (DEFAULT_WRITER_MEMORY / 1_048_576) as u32,
          value_parser = clap::value_parser!(u32).range(32..=65536))]
    memory: u32,

    /// Commit after this many articles.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_BATCH_ARTICLES as u32,
          value_parser = clap::value_parser!(u32).range(1..))]
    batch: u32,

    /// No progress bar and no summary line (problems are still printed).
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Debug, Args)]
#[command(after_long_help = query_help())]
struct SearchArgs {
    /// The query (see "Query syntax" below): several arguments are one query, so
    /// `baoku search 乡村振兴 收入` needs no quotes and `baoku search 台风 -演习`
    /// excludes 演习.
    /// Without one, the articles the filters (--source, --since…) admit, newest first.
    #[arg(
        required_unless_present_any = ["batch", "since", "until", "source", "author"],
        value_name = "QUERY"
    )]
    query: Vec<String>,

    /// Number of articles to show.
    #[arg(long, short = 'n', default_value_t = SearchRequest::default().limit, value_name = "N")]
    limit: usize,

    /// Skip this many of the best articles first (for paging).
    #[arg(long, default_value_t = 0, value_name = "N")]
    offset: usize,

    /// Only articles dated on or after this day, month or year (2021, 2021-03,
    /// 2021-03-08, 2021年3月).
    #[arg(long, value_name = "DATE", value_parser = parse_period)]
    since: Option<Period>,

    /// Only articles dated on or before this day, month or year (2022-06 includes all
    /// of June).
    #[arg(long, value_name = "DATE", value_parser = parse_period)]
    until: Option<Period>,

    /// Only articles from outlets whose name holds this (人民日报 finds 人民网－人民日报);
    /// `=NAME` for exactly that outlet (as `baoku stats` lists them).
    #[arg(long, value_name = "NAME")]
    source: Option<String>,

    /// Only articles by this author.
    #[arg(long, value_name = "NAME")]
    author: Option<String>,

    /// Order: relevance (best first), date (newest first) or oldest.
    #[arg(long, default_value_t = Sort::default(), value_name = "ORDER",
          value_parser = clap::builder::PossibleValuesParser::new(["relevance", "date", "oldest"])
              .map(|s| s.parse::<Sort>().expect("one of the possible values")))]
    sort: Sort,

    /// Favour recent articles ("latest news").
    #[arg(long)]
    recent: bool,

    /// Show reprints of one story separately instead of as one hit.
    #[arg(long)]
    no_collapse: bool,

    /// Count the matching articles by source and by month.
    #[arg(long)]
    facets: bool,

    /// Print one JSON document instead of text.
    #[arg(long, conflicts_with = "jsonl")]
    json: bool,

    /// Print one JSON line per hit.
    #[arg(long)]
    jsonl: bool,

    /// Run every query in FILE (one per line, or `qid<TAB>query`; `-` for stdin) and
    /// print one JSON line per query.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["query", "json", "jsonl"])]
    batch: Option<PathBuf>,

    /// When to colour the query words: auto (on a terminal, unless NO_COLOR is set),
    /// always, or never. Without colour the text is printed as it is.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    color: ColorChoice,

    /// Most snippets per article.
    #[arg(long, default_value_t = SnippetOptions::default().max_snippets, value_name = "N")]
    snippets: usize,

    /// Length of a snippet in characters.
    #[arg(long, default_value_t = SnippetOptions::default().fragment_chars as u32, value_name = "N",
          value_parser = clap::value_parser!(u32).range(*FRAGMENT_CHARS.start() as i64..=*FRAGMENT_CHARS.end() as i64))]
    snippet_chars: u32,
}

impl SearchArgs {
    /// The query words as one query, with the exclusions [`mark_exclusions`] marked.
    fn query_text(&self) -> String {
        let words: Vec<&str> = self
            .query
            .iter()
            .map(|w| w.strip_prefix(EXCLUSION_MARK).unwrap_or(w))
            .collect();
        words.join(" ")
    }

    fn request(&self, query: String) -> SearchRequest {
        SearchRequest {
            query,
            filters: Filters {
                since: self.since,
                until: self.until,
                source: self.source.clone(),
                author: self.author.clone(),
            },
            sort: self.sort,
            recent: self.recent,
            limit: self.limit,
            offset: self.offset,
            snippets: SnippetOptions {
                max_snippets: self.snippets,
                fragment_chars: self.snippet_chars as usize,
            },
            collapse: !self.no_collapse,
            facets: self.facets,
        }
    }
}

fn parse_period(text: &str) -> Result<Period, String> {
    text.parse()
}

/// Columns every line of `baoku search --help` fits in (a CJK character takes two),
/// so that clap, which wraps only longer lines, leaves the layout alone.
const HELP_COLUMNS: usize = 79;

/// The text after `baoku search --help`'s options: the query language from
/// [`SYNTAX`], then how questions and ranking work.
fn query_help() -> String {
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
fn fill(text: &str, columns: usize) -> String {
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
struct ExtractArgs {
    /// Files, folders and archives to extract.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,

    #[command(flatten)]
    read: ReadArgs,
}

#[derive(Debug, Args)]
struct ShowArgs {
    /// The article's id.
    id: String,

    /// Print the article as JSON.
    #[arg(long)]
    json: bool,

    /// When to use colour: auto, always or never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    color: ColorChoice,
}

#[derive(Debug, Args)]
struct StatsArgs {
    /// Print one JSON document instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Marks an argument of `search` that clap would take for an unknown flag but that is
/// an excluded word (`-演习`); [`SearchArgs::query_text`] removes the mark.
const EXCLUSION_MARK: char = '\u{1F}';

/// `baoku search 台风 -演习`: an argument of `search` that starts with `-` is an excluded
/// word, not a flag, when it follows a query word and is none of `search`'s flags, or
/// when no flag could be spelt that way (`-演习`). Such arguments are marked so that
/// clap takes them as words of the query; everything else is left to clap.
fn mark_exclusions(args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    use clap::CommandFactory;
    let command = Cli::command();
    let Some(search) = command.find_subcommand("search") else {
        return args;
    };
    let flags: Vec<&clap::Arg> = search
        .get_arguments()
        .chain(command.get_arguments())
        .filter(|a| !a.is_positional())
        .collect();
    let takes_value = |arg: &clap::Arg| arg.get_action().takes_values();
    let long_flag = |name: &str| flags.iter().find(|a| a.get_long() == Some(name)).copied();
    let short_flag = |c: char| flags.iter().find(|a| a.get_short() == Some(c)).copied();
    let mut out = Vec::with_capacity(args.len());
    let mut args = args.into_iter();
    out.extend(args.next());
    // Up to the subcommand: global flags and their values.
    let mut skip_value = false;
    for arg in args.by_ref() {
        let text = arg.to_string_lossy().into_owned();
        out.push(arg);
        if skip_value {
            skip_value = false;
        } else if let Some(long) = text.strip_prefix("--") {
            skip_value = !long.contains('=') && long_flag(long).is_some_and(takes_value);
        } else if !text.starts_with('-') {
            if text != "search" {
                return out.into_iter().chain(args).collect();
            }
            break;
        }
    }
    let mut seen_word = false;
    for arg in args.by_ref() {
        let Some(text) = arg.to_str().map(str::to_owned) else {
            out.push(arg);
            continue;
        };
        if skip_value {
            skip_value = false;
            out.push(arg);
            continue;
        }
        if text == "--" {
            out.push(arg);
            break;
        }
        if let Some(long) = text.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((name, _)) => (name, true),
                None => (long, false),
            };
            skip_value = !inline && long_flag(name).is_some_and(takes_value);
            out.push(arg);
            continue;
        }
        let mut chars = text.chars();
        if chars.next() == Some('-') && text.len() > 1 {
            let first = chars.next().expect("a character follows the dash");
            let flag = first
                .is_ascii_alphabetic()
                .then(|| short_flag(first))
                .flatten();
            let is_flag = match flag {
                // `-n 5`, `-n5`; `-nokia` after a word is a word.
                Some(flag) if takes_value(flag) => {
                    let rest = &text[2..];
                    rest.is_empty() || !seen_word || rest.bytes().all(|b| b.is_ascii_digit())
                }
                Some(_) => text.len() == 2 || !seen_word,
                None => !seen_word && first.is_ascii(),
            };
            if is_flag {
                skip_value = flag.is_some_and(takes_value) && text.len() == 2;
                out.push(arg);
            } else {
                seen_word = true;
                out.push(format!("{EXCLUSION_MARK}{text}").into());
            }
            continue;
        }
        seen_word = true;
        out.push(arg);
    }
    out.extend(args);
    out
}

/// Parses the command line, runs the command and turns its outcome into an exit status.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse_from(mark_exclusions(std::env::args_os().collect())) {
        Ok(cli) => cli,
        Err(error) => return usage_error(error),
    };
    let outcome = match &cli.command {
        Command::Index(args) => index(&cli.index, args),
        Command::Search(args) => search(&cli.index, args),
        Command::Extract(args) => extract(args),
        Command::Show(args) => show(&cli.index, args),
        Command::Stats(args) => stats(&cli.index, args),
        Command::Check => check(&cli.index),
        Command::Serve(args) => serve(&cli.index, args),
        Command::Completions { shell } => completions(*shell),
        Command::Man => man(),
    };
    match outcome {
        Ok(code) => code,
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("baoku: {}", one_line(&error));
            ExitCode::from(2)
        }
    }
}

/// An error and its causes in one line, each cause once: the library's messages
/// already hold the operating system's words (`x: No such file or directory`).
fn one_line(error: &anyhow::Error) -> String {
    let mut line = error.to_string();
    for cause in error.chain().skip(1) {
        let cause = cause.to_string();
        if !line.contains(&cause) {
            line.push_str(": ");
            line.push_str(&cause);
        }
    }
    line.replace('\n', " ")
}

/// Help and version go to stdout as clap writes them; a mistake on the command line is
/// one line on stderr (`baoku: invalid value '2022-13' for '--since <DATE>': …`), exit 2.
fn usage_error(error: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        error.exit();
    }
    let text = error.render().to_string();
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next().unwrap_or("invalid command line");
    let first = first.strip_prefix("error: ").unwrap_or(first);
    // clap lists what it would take on the next line (`[possible values: …]`).
    let detail = lines
        .next()
        .filter(|l| l.starts_with('[') || l.starts_with('<'))
        .map(|l| format!(" {l}"))
        .unwrap_or_default();
    eprintln!("baoku: {first}{detail} (see baoku --help)");
    ExitCode::from(2)
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .chain()
        .filter_map(|cause| cause.downcast_ref::<io::Error>())
        .any(|e| e.kind() == io::ErrorKind::BrokenPipe)
}

fn index(dir: &Path, args: &IndexArgs) -> anyhow::Result<ExitCode> {
    let extract = args.read.options()?;
    let mut writer = WriterOptions {
        memory_bytes: args.memory as usize * 1_048_576,
        ..WriterOptions::default()
    };
    if let Some(threads) = args.threads {
        writer.threads = threads as usize;
    }
    let options = IndexOptions {
        extract,
        writer,
        batch_articles: args.batch as usize,
        prune: args.prune,
        strict: args.strict,
    };
    let mut progress = ProgressBarReporter::new(args.quiet);
    let interrupt = progress.interrupt.clone();
    // Ctrl-C or SIGTERM: the run stops at the next chunk of articles and commits what
    // it read. A second one ends the process at once (the index keeps its last commit).
    let handler = ctrlc::set_handler(move || {
        if interrupt.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
    });
    if let Err(error) = handler {
        warn(&format!("baoku: Ctrl-C will not stop cleanly: {error}"));
    }
    // A path that is not there is a mistake in the command: say so before an index
    // is created for it.
    for path in &args.paths {
        if let Err(error) = std::fs::symlink_metadata(path) {
            anyhow::bail!("{}: {error}", path.display());
        }
    }
    let result = if args.rebuild {
        rebuild_index(dir, &args.paths, &options, &mut progress)
    } else {
        Archive::open_or_create(dir)
            .and_then(|archive| index_paths(&archive, &args.paths, &options, &mut progress))
    };
    progress.finish();
    let interrupted = progress.interrupt.load(Ordering::SeqCst);
    let report = match result {
        Err(error) if interrupted => anyhow::bail!(
            "interrupted: the current batch was rolled back ({error}); the index keeps its last commit"
        ),
        other => other?,
    };
    if !args.quiet {
        warn(&format!(
            "baoku: {} → {}",
            summary_line(&report),
            dir.display()
        ));
    }
    if report.interrupted && args.rebuild {
        warn(&format!(
            "baoku: interrupted: the rebuild was abandoned; {} is unchanged",
            dir.display()
        ));
        return Ok(ExitCode::from(130));
    }
    if report.interrupted {
        warn(&format!(
            "baoku: interrupted: committed the current batch; {} articles in {}; run the same command again to finish",
            report.total_articles,
            dir.display()
        ));
        return Ok(ExitCode::from(130));
    }
    Ok(if report.complete() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn search(dir: &Path, args: &SearchArgs) -> anyhow::Result<ExitCode> {
    let archive = Archive::open(dir)?;
    if let Some(batch) = &args.batch {
        return search_batch(&archive, args, batch);
    }
    let results = archive.search(&args.request(args.query_text()))?;
    for note in &results.notes {
        warn(&format!("baoku: note: {note}"));
    }
    let stdout = io::stdout();
    let format = if args.json {
        OutputFormat::Json
    } else if args.jsonl {
        OutputFormat::Jsonl
    } else {
        OutputFormat::Text {
            markup: markup(args.color, stdout.is_terminal()),
            width: terminal_size::terminal_size().map_or(100, |(w, _)| usize::from(w.0)),
        }
    };
    let mut out = io::BufWriter::new(stdout.lock());
    write_search(&mut out, &results, format)?;
    out.flush()?;
    Ok(if results.total == 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `--batch`: one JSON line per query, from one opened index.
fn search_batch(archive: &Archive, args: &SearchArgs, file: &Path) -> anyhow::Result<ExitCode> {
    let text = if file == Path::new("-") {
        io::read_to_string(io::stdin())?
    } else {
        std::fs::read_to_string(file).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut failed = false;
    for (number, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let (qid, query) = match line.split_once('\t') {
            Some((qid, query)) => (qid.to_string(), query.to_string()),
            None => ((number + 1).to_string(), line.to_string()),
        };
        match archive.search(&args.request(query.clone())) {
            Ok(results) => write_batch_record(&mut out, &qid, &results)?,
            Err(error) => {
                failed = true;
                write_batch_error(&mut out, &qid, &query, &error.to_string())?;
            }
        }
    }
    out.flush()?;
    Ok(if failed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

fn show(dir: &Path, args: &ShowArgs) -> anyhow::Result<ExitCode> {
    let archive = Archive::open(dir)?;
    let Some(article) = archive.get(&args.id)? else {
        warn(&format!(
            "baoku: no article with id {:?} in {}",
            args.id,
            dir.display()
        ));
        return Ok(ExitCode::from(1));
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    if args.json {
        write_json_line(&mut out, &article)?;
    } else {
        write_article(&mut out, &article, markup(args.color, stdout.is_terminal()))?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn markup(choice: ColorChoice, is_terminal: bool) -> Markup {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
    match choice {
        ColorChoice::Always => Markup::Ansi,
        ColorChoice::Never => Markup::Plain,
        ColorChoice::Auto if is_terminal && !no_color && !dumb => Markup::Ansi,
        ColorChoice::Auto => Markup::Plain,
    }
}

fn extract(args: &ExtractArgs) -> anyhow::Result<ExitCode> {
    let options = args.read.options()?;
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let (mut printed, mut failed) = (0u64, 0u64);
    let mut write_error: Option<io::Error> = None;
    extract_paths(&args.paths, &options, &mut |item| {
        match item {
            Ok(article) => {
                let written = serde_json::to_writer(&mut out, &article)
                    .map_err(io::Error::from)
                    .and_then(|()| writeln!(out));
                if let Err(e) = written {
                    write_error = Some(e);
                    return false;
                }
                printed += 1;
            }
            // Files of other types (a photo in the folder or the archive) are passed
            // over quietly, as `baoku index` passes them over.
            Err(problem) if !problem.is_failure() => {}
            Err(problem) => {
                let _ = out.flush();
                warn(&format!("baoku: {problem}"));
                failed += 1;
            }
        }
        true
    })?;
    if let Some(e) = write_error {
        return Err(e.into());
    }
    out.flush()?;
    Ok(match (printed, failed) {
        (_, 0) => ExitCode::SUCCESS,
        (0, _) => ExitCode::from(2),
        _ => ExitCode::from(1),
    })
}

fn stats(dir: &Path, args: &StatsArgs) -> anyhow::Result<ExitCode> {
    let archive = Archive::open(dir)?;
    let stats = archive.stats()?;
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    if args.json {
        write_json_line(&mut out, &stats)?;
    } else {
        write_stats(&mut out, &stats, dir)?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn check(dir: &Path) -> anyhow::Result<ExitCode> {
    let report = check_index(dir)?;
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    write_check(&mut out, &report, dir)?;
    out.flush()?;
    Ok(if report.healthy() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Completions and the manual page come from the same definitions as `--help`.
fn completions(shell: clap_complete::Shell) -> anyhow::Result<ExitCode> {
    use clap::CommandFactory;
    let mut command = Cli::command();
    // Into memory first: clap_complete panics on a closed pipe (`| head`).
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "baoku", &mut script);
    io::stdout().write_all(&script)?;
    Ok(ExitCode::SUCCESS)
}

fn man() -> anyhow::Result<ExitCode> {
    use clap::CommandFactory;
    clap_mangen::Man::new(Cli::command()).render(&mut io::stdout().lock())?;
    Ok(ExitCode::SUCCESS)
}

fn serve(dir: &Path, args: &ServeArgs) -> anyhow::Result<ExitCode> {
    let mut options = serve::ServeOptions::new(args.addr);
    if let Some(concurrency) = args.concurrency {
        options.concurrency = concurrency as usize;
    }
    options.timeout = std::time::Duration::from_secs(u64::from(args.timeout));
    options.read_timeout = std::time::Duration::from_secs(u64::from(args.read_timeout));
    options.cache_bytes = args.cache as usize * 1_048_576;
    options.tokens = serve::access::TokenSources {
        tokens: args.token.iter().map(|secret| secret.0.clone()).collect(),
        file: args.token_file.clone(),
    };
    options.public = args.public;
    options.show_paths = args.show_paths;
    options.cors = args.cors.clone();
    options.tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some((cert.clone(), key.clone())),
        (None, None) => None,
        _ => anyhow::bail!("--tls-cert and --tls-key go together: give both, or neither"),
    };
    options.clients = serve::limits::ClientLimits {
        rate: args.rate,
        concurrency: args.client_concurrency,
        connections: args.client_connections,
    };
    serve::run(dir, &options)?;
    Ok(ExitCode::SUCCESS)
}

/// Writes a line to stderr; a closed stderr (`2>&1 | head`) must not stop the work.
fn warn(line: &str) {
    let _ = writeln!(io::stderr(), "{line}");
}

/// Draws an indicatif progress bar on stderr, only when stderr is a terminal; prints
/// problems above it (or plainly, without a bar).
struct ProgressBarReporter {
    bar: Option<ProgressBar>,
    inputs: usize,
    articles: u64,
    inputs_done: usize,
    /// Set by the Ctrl-C / SIGTERM handler.
    interrupt: Arc<AtomicBool>,
}

/// The bar while inputs are read: files and articles first, then a bar that takes
/// the width left, so the line fits any terminal.
const READING: &str = "{spinner} {msg} [{wide_bar}] {percent:>3}% {binary_bytes_per_sec} ETA {eta}";
/// A step without a known length (committing, merging): what it is and for how long.
const STEP: &str = "{spinner} {msg} {elapsed}";

fn bar_style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template)
        .expect("valid template")
        .progress_chars("=> ")
}

impl ProgressBarReporter {
    fn new(quiet: bool) -> Self {
        let visible = !quiet && io::stderr().is_terminal();
        ProgressBarReporter {
            bar: visible.then(|| {
                let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
                bar.set_style(bar_style(READING));
                bar.enable_steady_tick(std::time::Duration::from_millis(200));
                bar
            }),
            inputs: 0,
            articles: 0,
            inputs_done: 0,
            interrupt: Arc::new(AtomicBool::new(false)),
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    fn counts(&self) -> String {
        format!(
            "{}/{} · {}",
            self.inputs_done,
            count(self.inputs as u64, "file", "files"),
            count(self.articles, "article", "articles")
        )
    }

    /// A step of its own, shown with a spinner and its time.
    fn step(&self, what: String) {
        if let Some(bar) = &self.bar {
            bar.set_style(bar_style(STEP));
            bar.set_message(what);
        }
    }
}

impl Progress for ProgressBarReporter {
    fn start(&mut self, inputs: usize, bytes: u64) {
        self.inputs = inputs;
        if let Some(bar) = &self.bar {
            bar.set_length(bytes);
            bar.set_message(self.counts());
        }
    }

    fn update(&mut self, bytes: u64, articles: u64, inputs_done: usize) {
        self.articles = articles;
        self.inputs_done = inputs_done;
        if let Some(bar) = &self.bar {
            bar.set_style(bar_style(READING));
            bar.set_position(bytes);
            bar.set_message(self.counts());
        }
    }

    fn problem(&mut self, problem: &Problem) {
        if problem.kind == baoku::ingest::ProblemKind::Unsupported {
            // Counted in the summary; a folder of photos need not fill the screen.
            return;
        }
        match &self.bar {
            Some(bar) => bar.println(format!("baoku: {problem}")),
            None => warn(&format!("baoku: {problem}")),
        }
    }

    fn committing(&mut self) {
        self.step(format!("committing {} …", self.counts()));
    }

    fn finishing(&mut self) {
        self.step(format!(
            "{} committed; finishing merges …",
            count(self.articles, "article", "articles")
        ));
    }

    fn interrupted(&self) -> bool {
        self.interrupt.load(Ordering::Relaxed)
    }
}
