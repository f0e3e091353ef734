//! Spreading independent CPU work over the machine's cores, keeping the input order.
//!
//! Loading and validating thousands of rule files is per-file work; on two cores it takes
//! half the time. Scoped threads keep it a plain function call: no runtime, no shared state.

use std::num::NonZeroUsize;
use std::thread;

/// `items` mapped by `work`, in the order given, using up to one thread per core.
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
    let chunk = items.len().div_ceil(threads);
    let mut chunks: Vec<Vec<T>> = Vec::with_capacity(threads);
    let mut items = items.into_iter();
    loop {
        let next: Vec<T> = items.by_ref().take(chunk).collect();
        if next.is_empty() {
            break;
        }
        chunks.push(next);
    }
    let work = &work;
    thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| scope.spawn(move || chunk.into_iter().map(work).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| match handle.join() {
                Ok(results) => results,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    })
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
}
