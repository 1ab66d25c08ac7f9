//! The commands: each reads its arguments, calls the library and prints.

use super::args::*;
use super::progress::*;
use super::{warn, Cli};
use crate::serve;
use baoku::engine::Engine;
use baoku::extract::extract_paths;
use baoku::index::{check_index, WriterOptions};
use baoku::ingest::{index_paths, rebuild_index, IndexOptions};
use baoku::output::{
    summary_line, write_batch_error, write_batch_record, write_check, write_export_header,
    write_export_row, write_json_line, write_kwic_line, write_reading, write_related, write_search,
    write_stats, write_trend, write_trend_table, Markup, OutputFormat,
};
use baoku::research::{Field, SimilarOptions};
use baoku::search::Synonyms;
use baoku::Archive;
use std::io::{self, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::Ordering;

pub(super) fn index(dir: &Path, args: &IndexArgs) -> anyhow::Result<ExitCode> {
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
    // The index keeps its last commit.
    progress.stop_on_ctrl_c();
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

/// The synonyms a command applies: `--synonyms FILE`, none with `--no-synonyms`,
/// else the synonyms.txt beside the index when there is one.
pub(super) fn synonyms(dir: &Path, args: &SynonymArgs) -> anyhow::Result<Option<Synonyms>> {
    Ok(match (&args.synonyms, args.no_synonyms) {
        (_, true) => None,
        (Some(file), false) => Some(Synonyms::load(file)?),
        (None, false) => Synonyms::beside(dir)?,
    })
}

/// The archive in `dir` with the synonyms the command applies.
fn open(dir: &Path, args: &SynonymArgs) -> anyhow::Result<Archive> {
    let synonyms = synonyms(dir, args)?;
    Ok(Archive::open(dir)?.with_synonyms(synonyms))
}

/// The cluster index at `engine`, or else the archive in `dir` with its synonyms
/// (a cluster engine has none yet: `--synonyms` with it is refused, not ignored).
fn open_engine(dir: &Path, engine: Option<&str>, args: &SynonymArgs) -> anyhow::Result<Engine> {
    Ok(match engine {
        None => Engine::Embedded(open(dir, args)?),
        Some(_) if args.synonyms.is_some() => {
            anyhow::bail!("--synonyms works with the index directory only, not yet with --engine")
        }
        Some(_) => Engine::open(dir, engine)?,
    })
}

pub(super) fn search(
    dir: &Path,
    engine: Option<&str>,
    args: &SearchArgs,
) -> anyhow::Result<ExitCode> {
    let engine = open_engine(dir, engine, &args.synonyms)?;
    if let Some(batch) = &args.batch {
        return search_batch(&engine, args, batch);
    }
    if let Some(format) = args.export {
        return export(&engine, args, format);
    }
    let results = engine.search(&args.request(args.query_text()))?;
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

/// `--export`: every match, one row at a time, with a progress bar on a terminal.
pub(super) fn export(
    engine: &Engine,
    args: &SearchArgs,
    format: ExportFormat,
) -> anyhow::Result<ExitCode> {
    let request = args.request(args.query_text());
    let fields = args
        .fields
        .as_ref()
        .map_or_else(|| Field::DEFAULT.to_vec(), |list| list.0.clone());
    let export = engine.export(&request, fields.contains(&Field::Snippet))?;
    for note in &export.notes {
        warn(&format!("baoku: note: {note}"));
    }
    let total = export.total;
    let format = match format {
        ExportFormat::Csv => OutputFormat::Csv,
        ExportFormat::Jsonl => OutputFormat::Jsonl,
    };
    // Drawn only when stderr is a terminal, and only for exports that take a while.
    let bar = match io::stderr().is_terminal() && total >= 10_000 {
        true => indicatif::ProgressBar::new(total).with_style(
            indicatif::ProgressStyle::with_template("exported {pos}/{len} articles {bar:30} {eta}")
                .expect("a valid template"),
        ),
        false => indicatif::ProgressBar::hidden(),
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::with_capacity(256 * 1024, stdout.lock());
    write_export_header(&mut out, &fields, format)?;
    for (n, row) in export.enumerate() {
        write_export_row(&mut out, &row?, &fields, format)?;
        if n % 1024 == 0 {
            bar.set_position(n as u64);
        }
    }
    out.flush()?;
    bar.finish_and_clear();
    Ok(match total {
        0 => ExitCode::from(1),
        _ => ExitCode::SUCCESS,
    })
}

/// `--batch`: one JSON line per query, from one opened index.
pub(super) fn search_batch(
    archive: &Engine,
    args: &SearchArgs,
    file: &Path,
) -> anyhow::Result<ExitCode> {
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

pub(super) fn trend(
    dir: &Path,
    engine: Option<&str>,
    args: &TrendArgs,
) -> anyhow::Result<ExitCode> {
    let engine = open_engine(dir, engine, &args.synonyms)?;
    let trend = engine.trend(&args.request())?;
    for series in &trend.series {
        for note in &series.notes {
            warn(&format!("baoku: note: {}: {note}", series.query));
        }
    }
    let stdout = io::stdout();
    let terminal = stdout.is_terminal();
    let mut out = io::BufWriter::new(stdout.lock());
    if args.json {
        write_trend(&mut out, &trend, OutputFormat::Json)?;
    } else if args.csv {
        write_trend(&mut out, &trend, OutputFormat::Csv)?;
    } else if args.chart || (terminal && !args.table) {
        let width = terminal_size::terminal_size().map_or(80, |(w, _)| usize::from(w.0));
        let format = OutputFormat::Text {
            markup: Markup::Plain,
            width,
        };
        write_trend(&mut out, &trend, format)?;
    } else {
        write_trend_table(&mut out, &trend)?;
    }
    out.flush()?;
    Ok(match trend.series.iter().any(|s| s.total > 0) {
        true => ExitCode::SUCCESS,
        false => ExitCode::from(1),
    })
}

pub(super) fn kwic(dir: &Path, engine: Option<&str>, args: &KwicArgs) -> anyhow::Result<ExitCode> {
    let engine = open_engine(dir, engine, &args.synonyms)?;
    let kwic = engine.kwic(&args.request(), &args.options())?;
    for note in &kwic.notes {
        warn(&format!("baoku: note: {note}"));
    }
    let stdout = io::stdout();
    let format = match args.json {
        true => OutputFormat::Jsonl,
        false => OutputFormat::Text {
            markup: markup(args.color, stdout.is_terminal()),
            width: 0,
        },
    };
    let width = args.width as usize;
    let mut out = io::BufWriter::new(stdout.lock());
    let mut printed = 0u64;
    for line in kwic {
        write_kwic_line(&mut out, &line?, width, format)?;
        printed += 1;
    }
    out.flush()?;
    Ok(match printed {
        0 => ExitCode::from(1),
        _ => ExitCode::SUCCESS,
    })
}

pub(super) fn show(dir: &Path, engine: Option<&str>, args: &ShowArgs) -> anyhow::Result<ExitCode> {
    let engine = Engine::open(dir, engine)?;
    let location = engine.location();
    let Some(mut reading) = engine.read(&args.id, args.query.as_deref())? else {
        return Ok(no_article(&args.id, &location));
    };
    if args.raw {
        reading = reading.with_raw();
    }
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    if args.json {
        write_json_line(&mut out, &reading)?;
    } else {
        write_reading(&mut out, &reading, markup(args.color, stdout.is_terminal()))?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

pub(super) fn similar(dir: &Path, args: &SimilarArgs) -> anyhow::Result<ExitCode> {
    let archive = Archive::open(dir)?;
    let options = SimilarOptions {
        limit: args.limit as usize,
        reprints: args.reprints,
    };
    let Some(similar) = archive.similar(&args.id, &options)? else {
        return Ok(no_article(&args.id, &dir.display().to_string()));
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    if args.json {
        write_json_line(
            &mut out,
            &serde_json::json!({ "id": args.id, "similar": similar }),
        )?;
    } else if similar.is_empty() {
        warn(&format!(
            "baoku: no article shares distinctive words with {:?}",
            args.id
        ));
    } else {
        write_related(&mut out, &similar, markup(args.color, stdout.is_terminal()))?;
    }
    out.flush()?;
    Ok(match similar.is_empty() {
        true => ExitCode::from(1),
        false => ExitCode::SUCCESS,
    })
}

/// Says that no article has `id` (exit status 1).
fn no_article(id: &str, location: &str) -> ExitCode {
    warn(&format!("baoku: no article with id {id:?} in {location}"));
    ExitCode::from(1)
}

pub(super) fn markup(choice: ColorChoice, is_terminal: bool) -> Markup {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
    match choice {
        ColorChoice::Always => Markup::Ansi,
        ColorChoice::Never => Markup::Plain,
        ColorChoice::Auto if is_terminal && !no_color && !dumb => Markup::Ansi,
        ColorChoice::Auto => Markup::Plain,
    }
}

pub(super) fn extract(args: &ExtractArgs) -> anyhow::Result<ExitCode> {
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

pub(super) fn stats(
    dir: &Path,
    engine: Option<&str>,
    args: &StatsArgs,
) -> anyhow::Result<ExitCode> {
    let archive = Engine::open(dir, engine)?;
    let stats = archive.stats()?;
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    if args.json {
        write_json_line(&mut out, &stats)?;
    } else {
        write_stats(&mut out, &stats, Path::new(&archive.location()))?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

pub(super) fn check(dir: &Path) -> anyhow::Result<ExitCode> {
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
pub(super) fn completions(shell: clap_complete::Shell) -> anyhow::Result<ExitCode> {
    use clap::CommandFactory;
    let mut command = Cli::command();
    // Into memory first: clap_complete panics on a closed pipe (`| head`).
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "baoku", &mut script);
    io::stdout().write_all(&script)?;
    Ok(ExitCode::SUCCESS)
}

pub(super) fn man() -> anyhow::Result<ExitCode> {
    use clap::CommandFactory;
    clap_mangen::Man::new(Cli::command()).render(&mut io::stdout().lock())?;
    Ok(ExitCode::SUCCESS)
}

pub(super) fn serve(
    dir: &Path,
    engine: Option<&str>,
    args: &ServeArgs,
) -> anyhow::Result<ExitCode> {
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
    serve::run(|| open_engine(dir, engine, &args.synonyms), &options)?;
    Ok(ExitCode::SUCCESS)
}
