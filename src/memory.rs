//! Giving freed heap memory back to the operating system, and sizing
//! per-document buffers so that they are not grown (and copied) from empty.
//!
//! glibc's allocator keeps the pages of freed blocks in its arenas and returns
//! them only from the top of a heap. A batch frees a great deal in the middle
//! of its heaps (a Parquet row group once written, the index's first pass, the
//! discovery's temporaries), so without help the resident size ratchets up
//! with the number of documents even though the live heap stays bounded:
//! measured on 20,000 small reports with the index, 78.4 MB peak RSS before,
//! 63.9 MB with [`release_free_memory`] after each row group (the live heap
//! peaks at 46 MB). `malloc_trim(0)` hands every whole free page of every
//! arena back (`MADV_DONTNEED`), at the cost of a walk over the free lists
//! (well under a millisecond here), so it is called at phase boundaries and
//! after each row group, not per document.
//!
//! This is the crate's only `unsafe`: one call into the C library, with no
//! arguments that could be wrong and no memory it could touch of ours.

/// The capacity to give the next document's buffer of a kind, from the
/// length the last one reached: a little more (1/8), capped at `max` so that
/// one huge document does not make every later one reserve as much. Reports
/// of one archive are alike; a buffer grown from empty is copied about once
/// per doubling.
pub fn next_capacity(last_len: usize, max: usize) -> usize {
    (last_len + last_len / 8).min(max)
}

/// The length a per-document value reached last time on this thread, to
/// size the next one ([`next_capacity`]), in a `thread_local!`:
/// `static LAST: LastLen = const { LastLen::new() };`.
pub struct LastLen(std::cell::Cell<usize>);

impl LastLen {
    /// Nothing seen yet.
    pub const fn new() -> LastLen {
        LastLen(std::cell::Cell::new(0))
    }

    /// The capacity to give the next value: a little more than the last
    /// length, at most `max`.
    pub fn hint(&self, max: usize) -> usize {
        next_capacity(self.0.get(), max)
    }

    /// Note the length this value reached.
    pub fn record(&self, len: usize) {
        self.0.set(len);
    }
}

impl Default for LastLen {
    fn default() -> Self {
        LastLen::new()
    }
}

/// How a program whose global allocator is not the C library's gives its
/// free memory back (see [`set_release_hook`]).
static RELEASE_HOOK: std::sync::OnceLock<fn()> = std::sync::OnceLock::new();

/// Make [`release_free_memory`] call `hook` instead of glibc's
/// `malloc_trim`: for a program that installs another global allocator (the
/// `reportdex` binary uses mimalloc), whose memory `malloc_trim` does not
/// see. The first hook set stays; returns whether this one was set.
pub fn set_release_hook(hook: fn()) -> bool {
    RELEASE_HOOK.set(hook).is_ok()
}

/// Return whole free pages of the allocator's arenas to the operating system
/// (glibc on Linux, or the hook set by [`set_release_hook`]; elsewhere
/// nothing to do).
pub fn release_free_memory() {
    if let Some(hook) = RELEASE_HOOK.get() {
        hook();
        return;
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        extern "C" {
            fn malloc_trim(pad: usize) -> std::ffi::c_int;
        }
        // SAFETY: malloc_trim only walks and trims the allocator's own free
        // lists, under the allocator's locks; it takes no pointer and is
        // safe to call from any thread at any time.
        #[allow(unsafe_code)]
        unsafe {
            malloc_trim(0);
        }
    }
}

#[cfg(all(test, target_os = "linux", target_env = "gnu"))]
mod tests {
    use super::release_free_memory;

    /// This process's resident set size in KiB.
    fn rss_kib() -> u64 {
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    }

    /// The measurement reads the whole process's resident size, which the
    /// other tests of this binary move as they run in parallel (and their
    /// own trims can give our pages back first: 4 failures in 200 runs of
    /// the library's tests). So it runs alone, in a child process.
    #[test]
    fn free_pages_in_the_middle_of_a_heap_go_back() {
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "memory::tests::trim_alone",
                "--ignored",
                "--test-threads=1",
                "--nocapture",
            ])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{text}");
        assert!(text.contains("1 passed"), "the child ran no test: {text}");
    }

    #[test]
    #[ignore = "run alone by free_pages_in_the_middle_of_a_heap_go_back"]
    fn trim_alone() {
        // 96 MiB in blocks of 1 KiB (below the mmap threshold, so they live
        // in this thread's arena); every 97th is kept, so the heap's top
        // stays in use and only a trim of its middle can give pages back.
        let mut blocks: Vec<Vec<u8>> = (0..96 * 1024)
            .map(|i| vec![(i % 251) as u8; 1024])
            .collect();
        let kept: Vec<Vec<u8>> = blocks
            .iter_mut()
            .enumerate()
            .filter(|(k, _)| k % 97 == 0 || *k == 96 * 1024 - 1)
            .map(|(_, b)| std::mem::take(b))
            .collect();
        drop(blocks);
        let before = rss_kib();
        release_free_memory();
        let after = rss_kib();
        assert!(
            before.saturating_sub(after) > 48 * 1024,
            "RSS {before} KiB before the trim, {after} KiB after"
        );
        // The allocator is consistent: the kept blocks are intact and new
        // ones are handed out.
        assert!(kept.iter().all(|b| b.iter().all(|&x| x == b[0])));
        let again: Vec<Vec<u8>> = (0..1_000).map(|_| vec![7u8; 1024]).collect();
        assert!(again.iter().all(|b| b.iter().all(|&x| x == 7)));
    }
}
