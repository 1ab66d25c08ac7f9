//! `baoku index --engine URL`: indexing into a cluster, with the same reading flags,
//! progress bar, Ctrl-C handling and summary as the embedded index, and `baoku export
//! --engine URL`, which copies the index directory into a cluster. (`search`, `show`,
//! `stats` and `trend` take the engine through [`baoku::engine::Engine`].)

use super::args::{ExportArgs, IndexArgs};
use super::progress::ProgressBarReporter;
use super::{warn, Command};
use baoku::cluster::{Cluster, ClusterIndexOptions};
use baoku::output::summary_line;
use baoku::Archive;
use std::path::Path;
use std::process::ExitCode;

pub(super) fn index(url: &str, args: &IndexArgs) -> anyhow::Result<ExitCode> {
    if args.rebuild || args.prune {
        anyhow::bail!(
            "--rebuild and --prune work with the index directory only, not yet with --engine"
        );
    }
    for path in &args.paths {
        if let Err(error) = std::fs::symlink_metadata(path) {
            anyhow::bail!("{}: {error}", path.display());
        }
    }
    let mut options = ClusterIndexOptions {
        extract: args.read.options()?,
        strict: args.strict,
        ..ClusterIndexOptions::default()
    };
    if let Some(threads) = args.threads {
        options.senders = threads as usize;
    }
    let mut progress = ProgressBarReporter::new(args.quiet);
    progress.stop_on_ctrl_c();
    let cluster = Cluster::open_or_create(url)?;
    let result = cluster.index_paths(&args.paths, &options, &mut progress);
    progress.finish();
    let report = result?;
    if !args.quiet {
        warn(&format!(
            "baoku: {} → {}",
            summary_line(&report),
            cluster.url()
        ));
    }
    if report.interrupted {
        warn(&format!(
            "baoku: interrupted: {} articles in {}; run the same command again to finish",
            report.total_articles,
            cluster.url()
        ));
        return Ok(ExitCode::from(130));
    }
    Ok(match report.complete() {
        true => ExitCode::SUCCESS,
        false => ExitCode::from(1),
    })
}

pub(super) fn export(dir: &Path, url: &str, args: &ExportArgs) -> anyhow::Result<ExitCode> {
    let archive = Archive::open(dir)?;
    let mut options = ClusterIndexOptions::default();
    if let Some(threads) = args.threads {
        options.senders = threads as usize;
    }
    let mut progress = ProgressBarReporter::new(args.quiet);
    progress.stop_on_ctrl_c();
    let cluster = Cluster::open_or_create(url)?;
    let result = cluster.copy_archive(&archive, &options, &mut progress);
    progress.finish();
    let report = result?;
    if !args.quiet {
        warn(&format!(
            "baoku: copied {} of {} articles from {} ({} already there); {} articles in the index → {}",
            report.added + report.replaced,
            archive.num_articles(),
            archive.dir().display(),
            report.unchanged,
            report.total_articles,
            cluster.url()
        ));
    }
    if report.interrupted {
        warn(&format!(
            "baoku: interrupted: {} articles in {}; run the same command again to finish",
            report.total_articles,
            cluster.url()
        ));
        return Ok(ExitCode::from(130));
    }
    Ok(ExitCode::SUCCESS)
}

/// The error for a command that has no cluster engine yet.
pub(super) fn not_yet(command: &Command) -> anyhow::Error {
    let name = match command {
        Command::Check => "check",
        Command::Serve(_) => "serve",
        Command::Kwic(_) => "kwic",
        Command::Similar(_) => "similar",
        _ => "this command",
    };
    anyhow::anyhow!(
        "`baoku {name}` does not work with --engine yet (index, search, show, stats and trend do); leave out --engine (or BAOKU_ENGINE) to use the index directory"
    )
}
