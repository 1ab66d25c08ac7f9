//! Command-line interface: parses flags, calls the library, prints.
//!
//! Results go to stdout, progress and diagnostics to stderr. Exit status: 0 success;
//! 1 nothing found (`search`) or some inputs could not be read (`index`, `extract`);
//! 2 error. A closed pipe (`baoku search … | head`) ends the program quietly.

use baoku::ingest::{index_paths, rebuild_index, IndexReport, Progress};
use baoku::output::{summary_line, write_json, write_results, Markup};
use baoku::{extract_file, Archive, SearchRequest, SnippetOptions};
use clap::{Args, Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// baoku (报库): full-text search for Chinese news archives.
#[derive(Debug, Parser)]
#[command(name = "baoku", version, about, max_term_width = 100)]
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
    /// Extract the articles in files and folders and add them to the index.
    ///
    /// Folders are walked recursively. Articles are identified by their file, so
    /// indexing the same files again replaces their articles instead of adding copies.
    /// Nothing is visible to searches until the whole run has committed.
    Index(IndexArgs),
    /// Search the index: ranked articles with the query words highlighted.
    Search(SearchArgs),
    /// Print the article extracted from each file as one JSON object per line.
    ///
    /// Shows exactly what `baoku index` would store, without touching the index.
    Extract(ExtractArgs),
}

#[derive(Debug, Args)]
struct IndexArgs {
    /// Files and folders to index.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,

    /// Build a fresh index from these inputs and replace the old one only when done
    /// (also the way to upgrade an index built by another baoku version).
    #[arg(long)]
    rebuild: bool,

    /// No progress bar and no summary line (errors are still printed).
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Debug, Args)]
#[command(after_long_help = QUERY_HELP)]
struct SearchArgs {
    /// The query (see "Query syntax" below).
    query: String,

    /// Number of articles to show.
    #[arg(long, short = 'n', default_value_t = 10, value_name = "N")]
    limit: usize,

    /// Skip this many of the best articles first (for paging).
    #[arg(long, default_value_t = 0, value_name = "N")]
    offset: usize,

    /// Print one JSON document instead of text.
    #[arg(long)]
    json: bool,

    /// When to colour the query words: auto (on a terminal, unless NO_COLOR is set),
    /// always, or never. Without colour they are marked 【like this】.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    color: ColorChoice,

    /// Most snippets per article.
    #[arg(long, default_value_t = 3, value_name = "N")]
    snippets: usize,

    /// Length of a snippet in characters.
    #[arg(long, default_value_t = 80, value_name = "N", value_parser = clap::value_parser!(u32).range(10..=2000))]
    snippet_chars: u32,
}

const QUERY_HELP: &str = "\
Query syntax:
  乡村振兴 收入        words separated by spaces must all occur
  南京市长江大桥       a run typed without spaces is a phrase: its words adjacent, in order
  \"machine learning\"   quotes make a phrase of anything, spaces included
  鄉村振興 / ＡＩ      traditional and simplified, full- and half-width, upper and lower
                      case all match each other

Exit status: 0 articles found, 1 none found, 2 error.";

#[derive(Debug, Args)]
struct ExtractArgs {
    /// Files to extract.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Parses the command line, runs the command and turns its outcome into an exit status.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match &cli.command {
        Command::Index(args) => index(&cli.index, args),
        Command::Search(args) => search(&cli.index, args),
        Command::Extract(args) => extract(args),
    };
    match outcome {
        Ok(code) => code,
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("baoku: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .chain()
        .filter_map(|cause| cause.downcast_ref::<io::Error>())
        .any(|e| e.kind() == io::ErrorKind::BrokenPipe)
}

fn index(dir: &Path, args: &IndexArgs) -> anyhow::Result<ExitCode> {
    let mut progress = ProgressBarReporter::new(args.quiet);
    let report = if args.rebuild {
        rebuild_index(dir, &args.paths, &mut progress)?
    } else {
        let archive = Archive::open_or_create(dir)?;
        index_paths(&archive, &args.paths, &mut progress)?
    };
    progress.finish();
    report_failures(&report);
    if !args.quiet {
        eprintln!("baoku: {} → {}", summary_line(&report), dir.display());
    }
    Ok(if report.failures().next().is_some() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn report_failures(report: &IndexReport) {
    for failure in report.failures() {
        eprintln!("baoku: {}: {}", failure.path.display(), failure.reason);
    }
}

fn search(dir: &Path, args: &SearchArgs) -> anyhow::Result<ExitCode> {
    let archive = Archive::open(dir)?;
    let request = SearchRequest {
        query: args.query.clone(),
        limit: args.limit,
        offset: args.offset,
        snippets: SnippetOptions {
            max_snippets: args.snippets,
            fragment_chars: args.snippet_chars as usize,
        },
    };
    let results = archive.search(&request)?;
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    if args.json {
        write_json(&mut out, &results)?;
    } else {
        write_results(&mut out, &results, markup(args.color, stdout.is_terminal()))?;
    }
    out.flush()?;
    Ok(if results.total == 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
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
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut failed = 0;
    for file in &args.files {
        match extract_file(file) {
            Ok(article) => {
                serde_json::to_writer(&mut out, &article)?;
                writeln!(out)?;
            }
            Err(error) => {
                out.flush()?;
                eprintln!("baoku: {error}");
                failed += 1;
            }
        }
    }
    out.flush()?;
    Ok(match failed {
        0 => ExitCode::SUCCESS,
        n if n == args.files.len() => ExitCode::from(2),
        _ => ExitCode::from(1),
    })
}

/// Draws an indicatif progress bar on stderr, only when stderr is a terminal.
struct ProgressBarReporter {
    bar: Option<ProgressBar>,
}

impl ProgressBarReporter {
    fn new(quiet: bool) -> Self {
        let visible = !quiet && io::stderr().is_terminal();
        ProgressBarReporter {
            bar: visible.then(|| {
                let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
                bar.set_style(
                    ProgressStyle::with_template(
                        "{spinner} {elapsed_precise} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec}) {wide_msg}",
                    )
                    .expect("valid template")
                    .progress_chars("=> "),
                );
                bar
            }),
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Progress for ProgressBarReporter {
    fn start(&mut self, files: usize, bytes: u64) {
        if let Some(bar) = &self.bar {
            bar.set_length(bytes);
            bar.set_message(format!("{files} files"));
        }
    }

    fn advance(&mut self, path: &Path, bytes: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(bytes);
            bar.set_message(path.display().to_string());
        }
    }

    fn committing(&mut self) {
        if let Some(bar) = &self.bar {
            bar.set_message("committing…");
        }
    }
}
