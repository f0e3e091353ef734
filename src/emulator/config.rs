//! How an emulator is set up: its identity, its quota and where it keeps its state.

use std::path::PathBuf;
use std::time::Duration;

/// The default region in ARNs.
pub const DEFAULT_REGION: &str = "us-east-1";
/// The default account id in ARNs.
pub const DEFAULT_ACCOUNT_ID: &str = "123456789012";
/// The default number of rules one instance may hold.
pub const DEFAULT_RULE_QUOTA: usize = 10_000;

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
}
