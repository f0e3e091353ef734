//! Spreading independent CPU work over the machine's cores, keeping the input order.
//!
//! Loading and validating thousands of rule files is per-file work; on two cores it takes
//! half the time. Scoped threads keep it a plain function call: no runtime, no shared state
//! beyond the queue of items.

use std::num::NonZeroUsize;
use std::sync::{Mutex, PoisonError};
use std::thread;

/// `items` mapped by `work`, in the order given, using up to one thread per core.
///
/// Items are handed out one at a time rather than in fixed halves, so a thread that meets
/// cheap items (or a core the machine gives to someone else) does not leave the other waiting.
pub fn map<T, R, F>(items: Vec<T>, work: F) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    let threads = thread::available_parallelism().map_or(1, NonZeroUsize::get);
    // Small inputs are not worth a thread.
    if threads == 1 || items.len() < 64 {
        return items.into_iter().map(work).collect();
    }
    let total = items.len();
    let queue = Mutex::new(items.into_iter().enumerate());
    let drain = || {
        let mut done = Vec::new();
        loop {
            let next = queue.lock().unwrap_or_else(PoisonError::into_inner).next();
            let Some((index, item)) = next else {
                break done;
            };
            done.push((index, work(item)));
        }
    };
    let mut numbered: Vec<(usize, R)> = thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(drain)).collect();
        // The calling thread works too, instead of waiting idle.
        let mut numbered = drain();
        for helper in helpers {
            match helper.join() {
                Ok(done) => numbered.extend(done),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        numbered
    });
    debug_assert_eq!(numbered.len(), total);
    numbered.sort_unstable_by_key(|(index, _)| *index);
    numbered.into_iter().map(|(_, result)| result).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_order_for_small_and_large_inputs() {
        for size in [0, 1, 63, 64, 1000, 1001] {
            let items: Vec<usize> = (0..size).collect();
            let doubled = map(items, |n| n * 2);
            assert_eq!(doubled, (0..size).map(|n| n * 2).collect::<Vec<_>>());
        }
    }

    #[test]
    fn uneven_work_still_comes_back_in_order() {
        // Early items are slow: with fixed halves one thread would do all the slow ones.
        let items: Vec<u64> = (0..200).collect();
        let results = map(items, |n| {
            if n < 20 {
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            n + 1
        });
        assert_eq!(results, (1..=200).collect::<Vec<_>>());
    }

    #[test]
    fn a_panic_in_the_work_reaches_the_caller() {
        let outcome = std::panic::catch_unwind(|| {
            map((0..100).collect::<Vec<u32>>(), |n| {
                assert!(n != 70, "item 70 fails");
                n
            })
        });
        assert!(outcome.is_err());
    }
}
