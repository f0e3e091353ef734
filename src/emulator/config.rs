//! How an emulator is set up: its identity, its quota, where it keeps its state, the resources
//! it lists, and how long and how many connections it serves.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use super::resources::Resources;

/// The default region in ARNs.
pub const DEFAULT_REGION: &str = "us-east-1";
/// The default account id in ARNs.
pub const DEFAULT_ACCOUNT_ID: &str = "123456789012";
/// The default number of rules one instance may hold.
pub const DEFAULT_RULE_QUOTA: usize = 10_000;
/// How long a connection may take to send a whole request head (counted from its opening or
/// its last answer), and a request body after its head, before it is closed. An SDK's pooled
/// connection that sat idle this long is closed too; the SDK opens a new one.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// Connections served at once. Well under the usual 1,024 file descriptors per process, and far
/// more than a run's concurrency needs.
pub const DEFAULT_MAX_CONNECTIONS: usize = 256;

/// Settings for an [`Emulator`](super::Emulator).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmulatorConfig {
    /// Region used in ARNs.
    pub region: String,
    /// Account id used in ARNs.
    pub account_id: String,
    /// Where to persist state; `None` keeps it in memory only.
    pub state_file: Option<PathBuf>,
    /// Rules per instance before `CreateRule` answers `ServiceQuotaExceededException`.
    pub rule_quota: usize,
    /// How long to wait for another process that holds the state file's lock.
    pub lock_timeout: Duration,
    /// How long a connection may take to send a request head (from its opening or its last
    /// answer) or a request body (from its head) before it is closed.
    pub idle_timeout: Duration,
    /// Connections served at once. A new connection beyond this closes the oldest one (at once
    /// when it is idle, after its answer otherwise); while twice this many are still open, new
    /// connections are closed as soon as they are accepted.
    pub max_connections: usize,
    /// The queues, flows, users, ... the list operations answer with (a seed file's content);
    /// the same for every instance id.
    pub resources: Arc<Resources>,
}

/// How long a second process waits for the state file's lock by default.
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_mins(2);

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            region: DEFAULT_REGION.to_owned(),
            account_id: DEFAULT_ACCOUNT_ID.to_owned(),
            state_file: None,
            rule_quota: DEFAULT_RULE_QUOTA,
            lock_timeout: DEFAULT_LOCK_TIMEOUT,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            resources: Arc::default(),
        }
    }
}

impl EmulatorConfig {
    /// The same settings, persisting to `path`.
    #[must_use]
    pub fn with_state_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.state_file = Some(path.into());
        self
    }

    /// The same settings, waiting up to `timeout` for the state file's lock.
    #[must_use]
    pub fn with_lock_timeout(mut self, timeout: Duration) -> Self {
        self.lock_timeout = timeout;
        self
    }

    /// The same settings with another rule quota.
    #[must_use]
    pub fn with_rule_quota(mut self, quota: usize) -> Self {
        self.rule_quota = quota;
        self
    }

    /// The same settings with another idle timeout.
    #[must_use]
    pub fn with_idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = timeout;
        self
    }

    /// The same settings, listing `resources`.
    #[must_use]
    pub fn with_resources(mut self, resources: Resources) -> Self {
        self.resources = Arc::new(resources);
        self
    }

    /// The same settings with another connection cap (at least 1).
    #[must_use]
    pub fn with_max_connections(mut self, max: usize) -> Self {
        self.max_connections = max.max(1);
        self
    }
}
