//! The progress bar of `baoku index` on a terminal, and the plain lines without one.

use super::warn;
use baoku::ingest::{Problem, Progress};
use baoku::output::count;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{self, IsTerminal};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Draws an indicatif progress bar on stderr, only when stderr is a terminal; prints
/// problems above it (or plainly, without a bar).
pub(super) struct ProgressBarReporter {
    pub(super) bar: Option<ProgressBar>,
    pub(super) inputs: usize,
    pub(super) articles: u64,
    pub(super) inputs_done: usize,
    /// Set by the Ctrl-C / SIGTERM handler.
    pub(super) interrupt: Arc<AtomicBool>,
}

/// The bar while inputs are read: files and articles first, then a bar that takes
/// the width left, so the line fits any terminal.
const READING: &str = "{spinner} {msg} [{wide_bar}] {percent:>3}% {binary_bytes_per_sec} ETA {eta}";
/// A step without a known length (committing, merging): what it is and for how long.
const STEP: &str = "{spinner} {msg} {elapsed}";

pub(super) fn bar_style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template)
        .expect("valid template")
        .progress_chars("=> ")
}

impl ProgressBarReporter {
    pub(super) fn new(quiet: bool) -> Self {
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

    /// Ctrl-C or SIGTERM: the run stops at the next chunk of articles and keeps what
    /// it sent or committed. A second one ends the process at once.
    pub(super) fn stop_on_ctrl_c(&self) {
        let interrupt = self.interrupt.clone();
        let handler = ctrlc::set_handler(move || {
            if interrupt.swap(true, Ordering::SeqCst) {
                std::process::exit(130);
            }
        });
        if let Err(error) = handler {
            warn(&format!("baoku: Ctrl-C will not stop cleanly: {error}"));
        }
    }

    pub(super) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    pub(super) fn counts(&self) -> String {
        format!(
            "{}/{} · {}",
            self.inputs_done,
            count(self.inputs as u64, "file", "files"),
            count(self.articles, "article", "articles")
        )
    }

    /// A step of its own, shown with a spinner and its time.
    pub(super) fn step(&self, what: String) {
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
