//! The `reportdex` command line. All logic is in the library (`reportdex::pipeline`)
//! and the thin `cli` layer; this file only parses arguments and exits.

mod cli;

use clap::Parser;
use std::process::ExitCode;

/// mimalloc instead of the system allocator: a conversion allocates and frees
/// many small strings and buffers per document on every worker, and glibc's
/// malloc was the largest native cost after the copies (see `tune_allocator`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    tune_allocator();
    // clap exits with code 2 on usage errors (0 for --help / --version).
    let args = cli::args::Cli::parse();
    cli::main(args)
}

/// Keeps mimalloc's resident memory near glibc's. By default mimalloc gives
/// freed memory back to the system 10 ms later; a conversion frees a
/// document's memory many times in that span, so its peak grows with the
/// workers' churn (2,000 small reports: 46 MB at 10 ms, 37 MB at 0, glibc 30).
/// Returning it at once costs little: about 2% of CPU against a 2 ms delay
/// (8 alternated runs, within the machine's noise), for 1.4 MB less. Transparent huge pages
/// are off at build time (feature `no_thp`). An explicit
/// `MIMALLOC_PURGE_DELAY` in the environment still wins.
fn tune_allocator() {
    /// `mi_option_purge_delay` in mimalloc v3's `mi_option_e` (mimalloc.h);
    /// the binding names only some of the options.
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: sets a process-wide option, which mimalloc allows at any
        // time (options are read atomically where they are used).
        unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 0) };
    }
    // The library hands freed memory back at phase boundaries and after each
    // Parquet row group (`reportdex::memory`); with mimalloc that is a
    // collection of the calling thread's heap, not glibc's `malloc_trim`.
    reportdex::memory::set_release_hook(|| {
        // SAFETY: `mi_collect` only walks and frees mimalloc's own free
        // pages of the calling thread's heap; it takes no pointer of ours.
        unsafe { libmimalloc_sys::mi_collect(true) }
    });
}
