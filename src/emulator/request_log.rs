//! What the emulator was asked and what it answered, for tests to read.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Mutex, MutexGuard, PoisonError};

use super::operation::Operation;

/// The most records kept; older ones are dropped (counts are kept in full).
const MAX_RECORDS: usize = 100_000;

/// One request and its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRecord {
    /// The operation, or `None` for a request no operation matched.
    pub operation: Option<Operation>,
    /// HTTP method.
    pub method: String,
    /// Request path (without the query).
    pub path: String,
    /// HTTP status answered.
    pub status: u16,
    /// The error type answered, if any (e.g. `ThrottlingException`).
    pub error_type: Option<String>,
}

/// Every request in arrival order, and per-operation counts.
#[derive(Debug, Default)]
pub struct RequestLog {
    inner: Mutex<LogState>,
}

#[derive(Debug, Default)]
struct LogState {
    records: VecDeque<RequestRecord>,
    counts: BTreeMap<Operation, usize>,
}

impl RequestLog {
    fn lock(&self) -> MutexGuard<'_, LogState> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds a record.
    pub fn record(&self, record: RequestRecord) {
        let mut state = self.lock();
        if let Some(operation) = record.operation {
            *state.counts.entry(operation).or_default() += 1;
        }
        if state.records.len() == MAX_RECORDS {
            state.records.pop_front();
        }
        state.records.push_back(record);
    }

    /// The records, oldest first.
    pub fn records(&self) -> Vec<RequestRecord> {
        self.lock().records.iter().cloned().collect()
    }

    /// How many calls of `operation` arrived (whatever the answer).
    pub fn count(&self, operation: Operation) -> usize {
        self.lock().counts.get(&operation).copied().unwrap_or(0)
    }

    /// Forgets every record and count.
    pub fn clear(&self) {
        *self.lock() = LogState::default();
    }
}
