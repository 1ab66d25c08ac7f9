//! `baoku index --engine URL`: indexing into a cluster, with the same reading flags,
//! progress bar, Ctrl-C handling and summary as the embedded index, and `baoku export
//! --engine URL`, which copies the index directory into a cluster. (`search`, `show`,
//! `stats` and `trend` take the engine through [`baoku::engine::Engine`].)

use super::args::{ExportArgs, IndexArgs};
use super::progress::ProgressBarReporter;
use super::{warn, Command};
use baoku::cluster::{Cluster, ClusterIndexOptions};
use baoku::ingest::IndexReport;
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
    let options = ClusterIndexOptions {
        extract: args.read.options()?,
        strict: args.strict,
        ..ClusterIndexOptions::default()
    };
    let (cluster, report) = send(url, options, args.threads, args.quiet, |c, o, p| {
        c.index_paths(&args.paths, o, p)
    })?;
    if !args.quiet {
        warn(&format!(
            "baoku: {} → {}",
            summary_line(&report),
            cluster.url()
        ));
    }
    Ok(match interrupted(&report, &cluster) {
        Some(code) => code,
        None if report.complete() => ExitCode::SUCCESS,
        None => ExitCode::from(1),
    })
}

pub(super) fn export(dir: &Path, url: &str, args: &ExportArgs) -> anyhow::Result<ExitCode> {
    let archive = Archive::open(dir)?;
    let options = ClusterIndexOptions::default();
    let (cluster, report) = send(url, options, args.threads, args.quiet, |c, o, p| {
        c.copy_archive(&archive, o, p)
    })?;
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
    Ok(interrupted(&report, &cluster).unwrap_or(ExitCode::SUCCESS))
}

/// Opens (or creates) the cluster index at `url` and runs `work` on it with a progress
/// bar that Ctrl-C stops; `threads` requests in flight if given.
fn send(
    url: &str,
    mut options: ClusterIndexOptions,
    threads: Option<u32>,
    quiet: bool,
    work: impl FnOnce(
        &Cluster,
        &ClusterIndexOptions,
        &mut ProgressBarReporter,
    ) -> baoku::Result<IndexReport>,
) -> anyhow::Result<(Cluster, IndexReport)> {
    if let Some(threads) = threads {
        options.senders = threads as usize;
    }
    let mut progress = ProgressBarReporter::new(quiet);
    progress.stop_on_ctrl_c();
    let cluster = Cluster::open_or_create(url)?;
    let result = work(&cluster, &options, &mut progress);
    progress.finish();
    Ok((cluster, result?))
}

/// Exit status 130 and the line saying how to finish, for a run Ctrl-C cut short.
fn interrupted(report: &IndexReport, cluster: &Cluster) -> Option<ExitCode> {
    report.interrupted.then(|| {
        warn(&format!(
            "baoku: interrupted: {} articles in {}; run the same command again to finish",
            report.total_articles,
            cluster.url()
        ));
        ExitCode::from(130)
    })
}

/// The error for a command that has no cluster engine yet.
pub(super) fn not_yet(command: &Command) -> anyhow::Error {
    let name = match command {
        Command::Check => "check",
        Command::Similar(_) => "similar",
        _ => "this command",
    };
    anyhow::anyhow!(
        "`baoku {name}` does not work with --engine yet (index, search, show, stats, trend, kwic and serve do); leave out --engine (or BAOKU_ENGINE) to use the index directory"
    )
}
