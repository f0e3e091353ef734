//! The environment builder for end-to-end tests: an emulator on 127.0.0.1, a project folder
//! with an empty `rules/`, and clients that reach the emulator directly for seeding and
//! checking. The CLI is run against it through [`Env::cli`] or [`Env::run`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use connect_rules::client::{ConnectClient, Endpoint};
use connect_rules::emulator::{Emulator, EmulatorConfig, Operation, RunningEmulator};
use connect_rules::model::LiveRule;
use tempfile::TempDir;

use super::cli::{Cli, Run};
use super::credentials::sdk_client;

/// The instance every end-to-end test works on.
pub const INSTANCE: &str = "inst-1";

/// Every call that can change the instance.
pub const MUTATIONS: [Operation; 5] = [
    Operation::CreateRule,
    Operation::UpdateRule,
    Operation::DeleteRule,
    Operation::TagResource,
    Operation::UntagResource,
];

/// A running emulator, a project folder with `rules/`, and clients for seeding.
pub struct Env {
    /// The emulator's store, faults and request log.
    pub emulator: Emulator,
    /// Where it listens; dropping it stops the server.
    pub running: RunningEmulator,
    /// The project folder.
    pub dir: TempDir,
    /// The library's client on [`INSTANCE`], straight to the emulator.
    pub client: ConnectClient,
    /// The SDK's own client, for calls the library does not make.
    pub sdk: aws_sdk_connect::Client,
    /// Arguments every run gets after its own (see [`Env::always`]).
    pub always: Vec<String>,
}

impl Env {
    /// An emulator with the default configuration.
    pub async fn start() -> Self {
        Self::with(EmulatorConfig::default()).await
    }

    /// An emulator with `config`.
    pub async fn with(config: EmulatorConfig) -> Self {
        let emulator = Emulator::new(config).expect("emulator starts");
        let running = emulator.serve_local().await.expect("emulator binds");
        let url = running.endpoint_url();
        let client = ConnectClient::connect(&Endpoint::local(INSTANCE, url.clone()))
            .await
            .expect("the client connects");
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("rules")).expect("rules dir");
        Env {
            emulator,
            running,
            dir,
            client,
            sdk: sdk_client(&url),
            always: Vec::new(),
        }
    }

    /// Adds `args` to every run after its own (`--rules rules`, as a CI job names the folder).
    pub fn always(mut self, args: &[&str]) -> Self {
        self.always.extend(args.iter().map(|&arg| arg.to_owned()));
        self
    }

    /// The project folder.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The emulator's URL.
    pub fn url(&self) -> String {
        self.running.endpoint_url()
    }

    /// `rules/NAME.yaml`.
    pub fn rule_path(&self, name: &str) -> PathBuf {
        self.path().join("rules").join(format!("{name}.yaml"))
    }

    /// Writes `rules/NAME.yaml`.
    pub fn write_rule(&self, name: &str, text: &str) {
        std::fs::write(self.rule_path(name), text).expect("rule file written");
    }

    /// Writes `connect-rules.yaml`.
    pub fn write_config(&self, text: &str) {
        std::fs::write(self.path().join("connect-rules.yaml"), text).expect("config written");
    }

    /// The CLI from `dir` with `args`, the [`Env::always`] arguments, `--color never`, and the
    /// target flags for `instance` on the emulator.
    pub fn cli_at(&self, dir: &Path, instance: &str, args: &[&str]) -> Cli {
        Cli::new(dir)
            .args(args)
            .args(&self.always)
            .color_never()
            .target(instance, &self.url())
    }

    /// [`Env::cli_at`] from the project folder.
    pub fn cli_on(&self, instance: &str, args: &[&str]) -> Cli {
        self.cli_at(self.path(), instance, args)
    }

    /// [`Env::cli_on`] for [`INSTANCE`].
    pub fn cli(&self, args: &[&str]) -> Cli {
        self.cli_on(INSTANCE, args)
    }

    /// Runs the CLI against [`INSTANCE`] on the emulator, from the project folder.
    pub async fn run(&self, args: &[&str]) -> Run {
        self.cli(args).run_async().await
    }

    /// Runs a command that takes no target (validate, explain) from the project folder.
    pub async fn run_offline(&self, args: &[&str]) -> Run {
        Cli::new(self.path())
            .args(args)
            .color_never()
            .run_async()
            .await
    }

    /// The instance's rules, described, sorted by name.
    pub async fn live(&self) -> Vec<LiveRule> {
        connect_rules::fetch::fetch_live(&self.client, 4)
            .await
            .expect("the instance can be read")
            .0
    }

    /// [`Env::live`] by rule name.
    pub async fn live_by_name(&self) -> BTreeMap<String, LiveRule> {
        self.live()
            .await
            .into_iter()
            .map(|rule| (rule.rule.name.clone(), rule))
            .collect()
    }

    /// How many requests that could change the instance the emulator has seen.
    pub fn mutations(&self) -> usize {
        MUTATIONS.iter().map(|&op| self.emulator.count(op)).sum()
    }
}
