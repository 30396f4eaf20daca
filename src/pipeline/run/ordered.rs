//! Parallel work, delivered in order: workers process items in order of a
//! shared counter, one thread consumes the results in that order, and the
//! workers stay within a bounded window of it, in items and in bytes.

use super::PipelineError;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Condvar, Mutex};

/// Bytes of results that may wait for the writer, per worker, before the
/// workers pause (the one the writer needs next always goes ahead). A count
/// of documents alone let the memory grow with the writer's lag: when the
/// system is slow to take writes (the page cache filling after some
/// gigabytes of output), the waiting rows of `16 × workers` small reports
/// (about 0.3 MB each: CSV, Parquet and index lines) added 11 MB to the peak
/// of a 20,000-report run.
pub(super) const WAITING_BYTES_PER_WORKER: usize = 1 << 20;

/// A result that waits for the writer, by what it holds on the heap.
pub(super) trait Weigh {
    /// Bytes of its buffers on the heap (an estimate from capacities).
    fn heap_bytes(&self) -> usize;
}

/// Where the writer is: results written and bytes waiting for it.
#[derive(Default)]
struct Progressed {
    written: usize,
    waiting: usize,
}

/// Keeps workers within a window of the writer, in documents and in bytes.
struct Gate {
    state: Mutex<Progressed>,
    cv: Condvar,
    stop: AtomicBool,
    /// At most this many documents ahead of the writer.
    window: usize,
    /// No new document while this many bytes wait (but the next one).
    budget: usize,
}

impl Gate {
    fn lock(&self) -> std::sync::MutexGuard<'_, Progressed> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Wait until item `k` may be processed: within the window, and, unless
    /// it is the one the writer needs next, within the byte budget.
    fn wait_for(&self, k: usize) {
        let mut s = self.lock();
        while (k >= s.written + self.window || (k > s.written && s.waiting >= self.budget))
            && !self.stop.load(Ordering::SeqCst)
        {
            s = self.cv.wait(s).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// A result of `bytes` now waits for the writer.
    fn add(&self, bytes: usize) {
        self.lock().waiting += bytes;
    }

    /// The writer has written `written` results and freed `freed` bytes.
    fn advance(&self, written: usize, freed: usize) {
        {
            let mut s = self.lock();
            s.written = written;
            s.waiting = s.waiting.saturating_sub(freed);
        }
        self.cv.notify_all();
    }

    fn stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
        let _guard = self.lock();
        self.cv.notify_all();
    }
}

/// Run `process(k)` for `k` in `0..len` on the pool; `on_done(k, result)` is
/// called on this thread in order of `k`. Workers stay within a window of
/// `16 × threads` items ahead of `on_done` and pause while the results
/// waiting for it hold [`WAITING_BYTES_PER_WORKER`] `× threads` bytes, so
/// memory does not follow the writer's lag.
pub(super) fn execute<D, P, F>(
    pool: &rayon::ThreadPool,
    len: usize,
    process: P,
    mut on_done: F,
) -> Result<(), PipelineError>
where
    D: Send + Weigh,
    P: Fn(usize) -> D + Sync,
    F: FnMut(usize, D) -> Result<(), PipelineError>,
{
    let threads = pool.current_num_threads().max(1);
    let next = AtomicUsize::new(0);
    let gate = Gate {
        state: Mutex::new(Progressed::default()),
        cv: Condvar::new(),
        stop: AtomicBool::new(false),
        window: 16 * threads,
        budget: WAITING_BYTES_PER_WORKER * threads,
    };
    let (tx, rx) = mpsc::channel::<(usize, usize, D)>();
    pool.in_place_scope(|s| {
        for _ in 0..threads {
            let tx = tx.clone();
            let (next, gate, process) = (&next, &gate, &process);
            s.spawn(move |_| loop {
                if gate.stop.load(Ordering::SeqCst) {
                    break;
                }
                let k = next.fetch_add(1, Ordering::SeqCst);
                if k >= len {
                    break;
                }
                gate.wait_for(k);
                if gate.stop.load(Ordering::SeqCst) {
                    break;
                }
                let done = process(k);
                let bytes = done.heap_bytes();
                gate.add(bytes);
                if tx.send((k, bytes, done)).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        let mut pending: BTreeMap<usize, (usize, D)> = BTreeMap::new();
        let mut expected = 0usize;
        for (k, bytes, done) in rx {
            pending.insert(k, (bytes, done));
            while let Some((bytes, done)) = pending.remove(&expected) {
                if let Err(e) = on_done(expected, done) {
                    gate.stop();
                    return Err(e);
                }
                expected += 1;
                gate.advance(expected, bytes);
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A result that claims a given number of bytes on the heap.
    struct Weighing(usize);

    impl Weigh for Weighing {
        fn heap_bytes(&self) -> usize {
            self.0
        }
    }

    /// Run `len` items weighing `bytes` each on 2 workers behind a slow
    /// consumer; returns the order of consumption and how far ahead of the
    /// consumer a worker ever started an item.
    fn run_behind_slow_writer(len: usize, bytes: usize) -> (Vec<usize>, usize) {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let written = AtomicUsize::new(0);
        let ahead = AtomicUsize::new(0);
        let mut order = Vec::new();
        execute(
            &pool,
            len,
            |k| {
                // The consumer counts an item written before it releases it.
                let w = written.load(Ordering::SeqCst);
                ahead.fetch_max(k.saturating_sub(w), Ordering::SeqCst);
                Weighing(bytes)
            },
            |k, _| {
                order.push(k);
                std::thread::sleep(std::time::Duration::from_micros(300));
                written.store(k + 1, Ordering::SeqCst);
                Ok(())
            },
        )
        .unwrap();
        (order, ahead.into_inner())
    }

    #[test]
    fn heavy_results_keep_the_workers_close_to_the_writer() {
        // Each result weighs a worker's whole share: no more than a couple
        // wait, where the count alone would let 32 (16 per worker) wait.
        let (order, ahead) = run_behind_slow_writer(300, WAITING_BYTES_PER_WORKER);
        assert_eq!(order, (0..300).collect::<Vec<_>>());
        assert!(ahead <= 4, "a worker started {ahead} items ahead");
    }

    #[test]
    fn results_heavier_than_the_budget_still_go_through() {
        // The item the writer needs next is never held back.
        let (order, ahead) = run_behind_slow_writer(50, 10 * WAITING_BYTES_PER_WORKER);
        assert_eq!(order, (0..50).collect::<Vec<_>>());
        assert!(ahead <= 2, "a worker started {ahead} items ahead");
    }

    #[test]
    fn light_results_stay_within_the_window() {
        let (order, ahead) = run_behind_slow_writer(300, 0);
        assert_eq!(order, (0..300).collect::<Vec<_>>());
        assert!(ahead <= 32, "a worker started {ahead} items ahead");
        // The writer is slow: the workers do run ahead, up to the window.
        assert!(ahead > 4, "the workers never ran ahead ({ahead})");
    }
}
