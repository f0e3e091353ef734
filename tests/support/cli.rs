//! The CLI runner: the `connect-rules` binary in a folder, with a hermetic environment, and
//! what it printed.

use std::ffi::OsStr;
use std::path::Path;
use std::process::{Child, Output, Stdio};
use std::time::Duration;

use tempfile::TempDir;

use super::credentials::isolate;

/// How long a run may take unless a test says otherwise: every run here ends in seconds, so a
/// hang (a FIFO, a server that never answers) is a failure, not a stuck CI job.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_mins(1);

/// What one CLI run printed, and how it ended.
#[derive(Debug)]
pub struct Run {
    /// The exit code; -1 when the process was killed by a signal.
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from_output(output: &Output) -> Self {
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Fails the test, showing both streams, unless the run exited with `code`.
    pub fn expect(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Exit code, stdout and stderr, for tests that take them apart.
    pub fn parts(self) -> (i32, String, String) {
        (self.code, self.stdout, self.stderr)
    }
}

impl Run {
    /// Exit code, stdout and stderr as one text for a snapshot.
    pub fn shown(&self) -> String {
        format!(
            "exit {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// One run of `connect-rules` from a folder. The environment is hermetic (see
/// [`isolate`]): the test credentials, no metadata or profile look-ups, an empty HOME of its
/// own, nothing inherited that changes output (`NO_COLOR`, `GITHUB_STEP_SUMMARY`). Arguments
/// are passed in the order they are added.
pub struct Cli {
    command: std::process::Command,
    timeout: Duration,
    /// The run's HOME; removed when the run is over.
    home: TempDir,
}

impl Cli {
    /// The binary, run from `dir`.
    pub fn new(dir: &Path) -> Self {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_connect-rules"));
        command.current_dir(dir);
        let home = isolate(&mut command);
        Cli {
            command,
            timeout: DEFAULT_TIMEOUT,
            home,
        }
    }

    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Self {
        self.command.arg(arg);
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.command.args(args);
        self
    }

    /// `--color never`: output as a pipe would get it, whatever the environment says.
    pub fn color_never(self) -> Self {
        self.args(["--color", "never"])
    }

    /// The target flags for instance `instance` of the emulator at `endpoint_url`.
    pub fn target(self, instance: &str, endpoint_url: &str) -> Self {
        self.args(["--instance-id", instance, "--region", "us-east-1"])
            .args(["--endpoint-url", endpoint_url])
    }

    /// Sets (or, after the defaults, overrides) one environment variable.
    pub fn env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Self {
        self.command.env(key, value);
        self
    }

    pub fn envs<'a>(mut self, vars: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        self.command.envs(vars);
        self
    }

    pub fn env_remove(mut self, key: impl AsRef<OsStr>) -> Self {
        self.command.env_remove(key);
        self
    }

    /// How long the run may take before it is killed (and the test fails).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Runs to the end (bounded by the timeout) on this thread.
    pub fn run(self) -> Run {
        Run::from_output(&self.output())
    }

    /// [`Cli::run`], for tests that read the raw bytes.
    pub fn output(self) -> Output {
        let Cli {
            command,
            timeout,
            home,
        } = self;
        let output = assert_cmd::Command::from_std(command)
            .timeout(timeout)
            .output()
            .expect("the CLI runs");
        drop(home);
        output
    }

    /// Runs to the end off the async workers, so an emulator served by this test's runtime
    /// keeps answering.
    pub async fn run_async(self) -> Run {
        tokio::task::spawn_blocking(move || self.run())
            .await
            .expect("the CLI task ends")
    }

    /// Starts the run and returns at once, for tests that race, read or kill it; stdout and
    /// stderr are piped (or discarded, with `quiet`).
    pub fn spawn(mut self, quiet: bool) -> Spawned {
        let stdio = || if quiet { Stdio::null() } else { Stdio::piped() };
        let child = self
            .command
            .stdout(stdio())
            .stderr(stdio())
            .spawn()
            .expect("the CLI starts");
        Spawned {
            child,
            _home: self.home,
        }
    }
}

/// A run started with [`Cli::spawn`]; its HOME lives as long as this value.
pub struct Spawned {
    pub child: Child,
    _home: TempDir,
}
