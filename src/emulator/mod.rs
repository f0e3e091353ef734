//! The local Connect emulator: the rule and tag operations, and the list operations of the
//! resources rules refer to, over HTTP as the rest-json protocol and the service model define
//! them, backed by an in-process store. Each operation is one line of the table in
//! `operation.rs` and a handler; its HTTP binding is read from the model (`binding.rs`).
//!
//! Tests and the embedded local target start it on an ephemeral loopback port and point
//! `aws-sdk-connect` at [`RunningEmulator::endpoint_url`], so the emulator is reached by the same
//! code path as a real instance.

mod api_error;
mod binding;
mod call;
mod cli;
mod config;
mod faults;
mod handlers;
mod http;
mod ids;
mod journal;
mod operation;
mod pagination;
mod persist;
mod request_log;
mod resources;
mod server;
mod state;
mod state_lock;
mod store;
mod sts;
mod tags;
mod validation;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

pub use api_error::{ApiError, ErrorKind};
pub use cli::{run, EmulatorArgs};
pub use config::{
    EmulatorConfig, DEFAULT_ACCOUNT_ID, DEFAULT_IDLE_TIMEOUT, DEFAULT_LOCK_TIMEOUT,
    DEFAULT_MAX_CONNECTIONS, DEFAULT_REGION, DEFAULT_RULE_QUOTA,
};
pub use faults::{FailSpec, Faults};
pub use operation::Operation;
pub use pagination::{Page, PageRequest, DEFAULT_PAGE_SIZE};
pub use request_log::RequestRecord;
pub use resources::{load_seed, parse_seed, ResourceKind, Resources, SeedError, KINDS};
pub use server::RunningEmulator;
pub use state::{State, FORMAT_VERSION};
pub use store::{CreatedRule, ListRulesQuery, Store};

/// An emulator: its store, faults and request log. Cheap to clone; clones share everything, so
/// a test can keep one to steer faults while the server runs.
#[derive(Debug, Clone)]
pub struct Emulator {
    shared: Arc<Shared>,
}

/// What every connection shares.
#[derive(Debug)]
struct Shared {
    store: Store,
    faults: Faults,
    log: request_log::RequestLog,
}

impl Emulator {
    /// An emulator set up by `config`; loads the state file when one is set (a missing file is
    /// an empty state, a corrupt one an error naming it).
    pub fn new(config: EmulatorConfig) -> anyhow::Result<Self> {
        Ok(Emulator {
            shared: Arc::new(Shared {
                store: Store::new(config)?,
                faults: Faults::default(),
                log: request_log::RequestLog::default(),
            }),
        })
    }

    /// Binds `addr` and serves in a background task until the returned handle is dropped.
    pub async fn serve(&self, addr: SocketAddr) -> anyhow::Result<RunningEmulator> {
        server::serve(Arc::clone(&self.shared), addr).await
    }

    /// Serves on an ephemeral port of 127.0.0.1.
    pub async fn serve_local(&self) -> anyhow::Result<RunningEmulator> {
        self.serve(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await
    }

    /// The store, for direct in-process use and inspection.
    pub fn store(&self) -> &Store {
        &self.shared.store
    }

    /// The fault settings; changes apply to the next request.
    pub fn faults(&self) -> &Faults {
        &self.shared.faults
    }

    /// Every request so far, oldest first.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.shared.log.records()
    }

    /// How many calls of `operation` arrived so far, whatever their answer (retries count).
    pub fn count(&self, operation: Operation) -> usize {
        self.shared.log.count(operation)
    }

    /// Answers one request in process, as the server would but without faults, latency or the
    /// request log: the HTTP status and the JSON body (empty for operations that return
    /// nothing). `query` is the raw query string without `?`. For fuzzing the protocol logic.
    pub fn answer(&self, method: &str, path: &str, query: &str, body: &[u8]) -> (u16, String) {
        let body = hyper::body::Bytes::copy_from_slice(body);
        match http::answer(&self.shared, method, path, query, &body) {
            Ok(http::Answer::Json(json)) => (200, json.to_string()),
            Ok(http::Answer::Empty) => (200, String::new()),
            Err(error) => (error.kind.status(), error.body().to_string()),
        }
    }

    /// Forgets the request log.
    pub fn clear_requests(&self) {
        self.shared.log.clear();
    }
}
