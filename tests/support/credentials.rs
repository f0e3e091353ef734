//! The environment every CLI run gets: test credentials, and nothing from the machine that
//! could reach AWS or change the output.

use std::path::Path;

use tempfile::TempDir;

/// Static credentials for the default chain, and no file or metadata look-ups.
pub const TEST_CREDENTIALS: &[(&str, &str)] = &[
    ("AWS_ACCESS_KEY_ID", "AKIDTEST"),
    ("AWS_SECRET_ACCESS_KEY", "secret"),
    ("AWS_EC2_METADATA_DISABLED", "true"),
    ("AWS_CONFIG_FILE", "/nonexistent"),
    ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"),
];

/// Variables of the developer's or CI's shell that would change where a run goes or what it
/// prints: a profile, a session token, a region or endpoint, a step summary file, colour, the
/// local instance's lock timeout.
const INHERITED: &[&str] = &[
    "AWS_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ENDPOINT_URL",
    "GITHUB_STEP_SUMMARY",
    "NO_COLOR",
    "CONNECT_RULES_LOCK_TIMEOUT",
];

/// Removes [`INHERITED`] and points HOME at `home` (an empty folder of the test's own), so no
/// file of the person running the tests is read.
pub fn hermetic(command: &mut std::process::Command, home: &Path) {
    for name in INHERITED {
        command.env_remove(name);
    }
    command.env("HOME", home);
    // Progress lines would be in every stderr a test reads; tests/progress.rs turns them on.
    command.env("CONNECT_RULES_PROGRESS", "off");
}

/// Makes `command` hermetic ([`hermetic`]) in a new empty HOME, with [`TEST_CREDENTIALS`];
/// the HOME is removed when the returned value is dropped, so keep it while the command runs.
pub fn isolate(command: &mut std::process::Command) -> TempDir {
    let home = tempfile::tempdir().expect("a temporary HOME");
    hermetic(command, home.path());
    command.envs(TEST_CREDENTIALS.iter().copied());
    home
}

/// The SDK configuration a test uses to seed and inspect the emulator at `endpoint_url`
/// directly, with the same credentials the CLI gets; add retries or time-outs and `build()`.
pub fn sdk_config(endpoint_url: &str) -> aws_sdk_connect::config::Builder {
    use aws_sdk_connect::config::{BehaviorVersion, Credentials, Region};
    aws_sdk_connect::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(endpoint_url)
        .credentials_provider(Credentials::new("AKIDTEST", "secret", None, None, "test"))
}

/// The SDK's own client on the emulator at `endpoint_url` ([`sdk_config`]).
pub fn sdk_client(endpoint_url: &str) -> aws_sdk_connect::Client {
    aws_sdk_connect::Client::from_conf(sdk_config(endpoint_url).build())
}
