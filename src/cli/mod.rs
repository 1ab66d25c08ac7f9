//! Command-line interface: parses flags, calls the library, prints.
//!
//! Results go to stdout, progress and diagnostics to stderr. Exit status: 0 success;
//! 1 nothing found (`search`) or some inputs could not be read (`index`, `extract`);
//! 2 error; 130 `index` interrupted by Ctrl-C or SIGTERM (after committing what it
//! read); `serve` runs until Ctrl-C or SIGTERM and then exits 0. A closed pipe
//! (`baoku search … | head`) ends the program quietly.

mod args;
mod cluster;
mod commands;
mod progress;

use args::*;
use clap::{Parser, Subcommand};
use commands::*;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

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

    /// Use an index of an OpenSearch / Elasticsearch cluster instead of the index
    /// directory, e.g. http://127.0.0.1:9200/news (`index` creates it). Credentials:
    /// BAOKU_ENGINE_API_KEY, or BAOKU_ENGINE_USER and BAOKU_ENGINE_PASSWORD; a CA of its
    /// own (PEM): BAOKU_ENGINE_CA; more nodes to fail over to: BAOKU_ENGINE_NODES. Works
    /// with index, search, show, stats and trend; `export` copies the index directory
    /// into it.
    #[arg(long, global = true, env = "BAOKU_ENGINE", value_name = "URL")]
    engine: Option<String>,

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
    /// Count the matches of queries over time: per day, week, month or year.
    Trend(TrendArgs),
    /// Keyword in context: every occurrence of a query, one aligned line each.
    Kwic(KwicArgs),
    /// Print one whole article by its id (as search results give it), with the
    /// reprints of its story; `--query` marks a query's words in it.
    Show(ShowArgs),
    /// List the articles most like one article ("more like this"): those sharing
    /// most of its distinctive words, one per story, its reprints left out.
    Similar(SimilarArgs),
    /// Show what the index holds: articles, dates, sources, duplicates, size.
    Stats(StatsArgs),
    /// Copy the index directory's articles into a cluster index: `baoku --index DIR
    /// export --engine URL`.
    ///
    /// Creates the cluster index with baoku's analysis if it does not exist, and sends
    /// every article as stored (no input is read again). Articles the cluster already
    /// holds exactly so are not sent again, so a run cut short is completed by running
    /// it again, and a later run sends only what changed. Exit status: 0 every article
    /// is in the cluster; 2 error; 130 interrupted.
    Export(ExportArgs),
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
    /// --json`), `/api/trend?q=…` (`baoku trend --json`), `/api/kwic?q=…` (`baoku
    /// kwic`'s lines), `/api/articles/ID`,
    /// `/api/stats`, `/api/openapi.json`, `/healthz`.
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

/// The commands whose arguments are words of one query, where `-word` excludes.
const QUERY_COMMANDS: [&str; 2] = ["search", "kwic"];

/// `baoku search 台风 -演习`: an argument of `search` (or `kwic`) that starts with `-`
/// is an excluded word, not a flag, when it follows a query word and is none of the
/// command's flags, when no flag could be spelt that way (`-演习`), or when it names a
/// field of the query language (`-person:王毅`, even first). Such arguments
/// are marked so that clap takes them as words of the query; everything else is left
/// to clap.
fn mark_exclusions(args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    use clap::CommandFactory;
    let command = Cli::command();
    // The command: the first argument after the global flags and their values.
    let mut named = None;
    let mut skip_value = false;
    for text in args.iter().skip(1).map(|a| a.to_string_lossy()) {
        if std::mem::take(&mut skip_value) {
            continue;
        }
        if let Some(long) = text.strip_prefix("--") {
            skip_value = !long.contains('=')
                && command.get_arguments().any(|a| {
                    a.get_long() == Some(long)
                        && a.get_action().takes_values()
                        && !a.is_require_equals_set()
                });
        } else if !text.starts_with('-') {
            named = Some(text.into_owned());
            break;
        }
    }
    let Some(search) = named
        .filter(|name| QUERY_COMMANDS.contains(&name.as_str()))
        .and_then(|name| command.find_subcommand(name))
    else {
        return args;
    };
    let name = search.get_name().to_string();
    let flags: Vec<&clap::Arg> = search
        .get_arguments()
        .chain(command.get_arguments())
        .filter(|a| !a.is_positional())
        .collect();
    // A flag whose value must follow `=` (`--facets=person`) takes no next argument.
    let takes_value =
        |arg: &clap::Arg| arg.get_action().takes_values() && !arg.is_require_equals_set();
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
            if text != name {
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
                // `-person:王毅`, `-org:新华社`: an excluded name wherever it stands.
                _ if baoku::search::query::names_a_field(&text[1..]) => false,
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

/// `--facets person,place`: the list after `--facets` is its value when it is a list
/// of facet names; otherwise `--facets` stands alone and what follows is the query
/// (`--facets 台风`), as before facets could be chosen.
fn join_facet_lists(args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let mut out: Vec<std::ffi::OsString> = Vec::with_capacity(args.len());
    let mut args = args.into_iter().peekable();
    while let Some(arg) = args.next() {
        let list = args
            .peek()
            .and_then(|next| next.to_str())
            .filter(|next| next.parse::<baoku::search::FacetSet>().is_ok())
            .map(str::to_owned);
        match list {
            Some(list) if arg == "--facets" => {
                args.next();
                out.push(format!("--facets={list}").into());
            }
            _ => out.push(arg),
        }
    }
    out
}

/// Parses the command line, runs the command and turns its outcome into an exit status.
pub fn run() -> ExitCode {
    let args = join_facet_lists(std::env::args_os().collect());
    let cli = match Cli::try_parse_from(mark_exclusions(args)) {
        Ok(cli) => cli,
        Err(error) => return usage_error(error),
    };
    let engine = cli.engine.as_deref();
    let outcome = match &cli.command {
        Command::Index(args) => match engine {
            Some(url) => cluster::index(url, args),
            None => index(&cli.index, args),
        },
        Command::Search(args) => search(&cli.index, engine, args),
        Command::Extract(args) => extract(args),
        Command::Show(args) => show(&cli.index, engine, args),
        Command::Stats(args) => stats(&cli.index, engine, args),
        Command::Export(args) => match engine {
            Some(url) => cluster::export(&cli.index, url, args),
            None => Err(anyhow::anyhow!(
                "`baoku export` copies the index directory into a cluster: give the cluster index with --engine URL (or BAOKU_ENGINE)"
            )),
        },
        Command::Similar(_) | Command::Check if engine.is_some() =>
        {
            Err(cluster::not_yet(&cli.command))
        }
        Command::Trend(args) => trend(&cli.index, engine, args),
        Command::Kwic(args) => kwic(&cli.index, engine, args),
        Command::Similar(args) => similar(&cli.index, args),
        Command::Check => check(&cli.index),
        Command::Serve(args) => serve(&cli.index, engine, args),
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

/// Writes a line to stderr; a closed stderr (`2>&1 | head`) must not stop the work.
fn warn(line: &str) {
    let _ = writeln!(io::stderr(), "{line}");
}
