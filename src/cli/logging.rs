//! Logging: tracing-subscriber writing to stderr (never stdout, which is for
//! data). The level comes from `-v`/`-q`; `RUST_LOG` overrides it.

use std::io::IsTerminal;
use tracing_subscriber::EnvFilter;

/// Install the global subscriber.
pub fn init(verbose: u8, quiet: bool) {
    let default = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, 2) => "debug",
        _ => "trace",
    };
    let filter = match std::env::var("RUST_LOG") {
        Ok(v) if !v.is_empty() => EnvFilter::new(v),
        _ => EnvFilter::new(default),
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}

/// Panics inside a document's conversion are caught and recorded in
/// `errors.jsonl`; keep the default hook's message off stderr for them (it
/// would tear the progress bar) and log it at debug level instead. Panics
/// elsewhere keep the default report.
pub fn quiet_worker_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let worker = std::thread::current()
            .name()
            .is_some_and(|n| n.starts_with("reportdex-worker"));
        if worker {
            tracing::debug!("{info}");
        } else {
            default(info);
        }
    }));
}
