//! What the user sees on stderr while a batch runs: an indicatif progress bar
//! (documents done/total, rate, ETA, failures so far), one
//! `reportdex: <file>: <reason>` line per failed input, and the final summary.
//! The bar is hidden with `--quiet`, `--no-progress`, `-v` (so it does not tear
//! log lines) and when stderr is not a terminal.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use reportdex::pipeline::{ErrorRecord, Event, Progress, Summary};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Progress and messages on stderr.
pub struct Printer {
    bar: ProgressBar,
    quiet: bool,
    failure_lines: bool,
    failed: AtomicU64,
}

impl Printer {
    /// A printer; `show_bar` is false for quiet, verbose and `--no-progress` runs.
    pub fn new(show_bar: bool, quiet: bool) -> Printer {
        let target = if show_bar {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let bar = ProgressBar::with_draw_target(Some(0), target);
        let style = ProgressStyle::with_template(
            "{bar:30.cyan/blue} {pos}/{len} docs  {rate}  ETA {eta}  {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .with_key(
            "rate",
            |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.0} docs/s", state.per_sec());
            },
        );
        bar.set_style(style);
        Printer {
            bar,
            quiet,
            failure_lines: true,
            failed: AtomicU64::new(0),
        }
    }

    /// No `reportdex: <file>: <reason>` line per failure (with `--jsonl` the
    /// failures are JSON lines on stderr already).
    pub fn without_failure_lines(mut self) -> Printer {
        self.failure_lines = false;
        self
    }

    fn line(&self, text: &str) {
        if self.bar.is_hidden() {
            eprintln!("{text}");
        } else {
            self.bar.println(text);
        }
    }

    fn failure(&self, rec: &ErrorRecord) {
        let n = self.failed.fetch_add(1, Ordering::Relaxed) + 1;
        let file = match &rec.member {
            Some(m) => format!("{}!/{m}", rec.path),
            None => rec.path.clone(),
        };
        if self.failure_lines {
            self.line(&format!("reportdex: {file}: {}", rec.message));
        }
        self.bar.set_message(format!("{n} failed"));
    }

    /// Remove the bar and print the summary (unless quiet).
    pub fn finish(&self, summary: &Summary, elapsed: Duration) {
        self.bar.finish_and_clear();
        if self.quiet {
            return;
        }
        let secs = elapsed.as_secs_f64().max(1e-9);
        let done = summary.converted + summary.up_to_date;
        eprintln!(
            "reportdex: {} converted, {} up to date, {} failed, {} duplicates, {} skipped in {:.2} s ({:.0} documents/s, {:.1} MB/s)",
            summary.converted,
            summary.up_to_date,
            summary.failed,
            summary.duplicates,
            summary.skipped,
            secs,
            done as f64 / secs,
            summary.bytes_converted as f64 / 1e6 / secs,
        );
    }
}

impl Progress for Printer {
    fn start(&self, total: u64) {
        self.bar.set_length(total);
        self.bar.reset_eta();
        self.bar.enable_steady_tick(Duration::from_millis(200));
    }

    fn event(&self, event: Event<'_>) {
        match event {
            Event::Converted(_) | Event::Reused(_) => self.bar.inc(1),
            Event::Failed(rec) => {
                self.failure(rec);
                self.bar.inc(1);
            }
            Event::Rejected(rec) | Event::StageFailed(rec) => self.failure(rec),
        }
    }
}
