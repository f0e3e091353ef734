//! `connect-rules emulator`: its flags and the command that runs it until interrupted.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;

use super::config::{
    EmulatorConfig, DEFAULT_ACCOUNT_ID, DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_CONNECTIONS,
    DEFAULT_REGION, DEFAULT_RULE_QUOTA,
};
use super::faults::{FailSpec, Faults};
use super::resources::load_seed;
use super::Emulator;

/// Serve the Connect rule operations, and the list operations of queues, flows, users and the
/// other resources rules refer to, locally, for tests and offline use.
#[derive(Debug, Clone, clap::Args)]
pub struct EmulatorArgs {
    /// Address to listen on. Keep it on loopback: the emulator has no authentication.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8787")]
    pub listen: SocketAddr,
    /// Persist rules to this JSON file, written atomically on every change; a missing file
    /// starts empty.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// List the queues, contact flows, users, routing profiles, evaluation forms, integration
    /// associations, agent statuses and hierarchy groups in this YAML file (top-level keys
    /// `queues`, `contact_flows`, `users`, ...; each a list of the summary members, `Id` and
    /// `Arn` made up when left out).
    #[arg(long, value_name = "FILE")]
    pub resources: Option<PathBuf>,
    /// Region used in rule ARNs.
    #[arg(long, value_name = "REGION", default_value = DEFAULT_REGION)]
    pub region: String,
    /// Account id used in rule ARNs.
    #[arg(long, value_name = "ACCOUNT", default_value = DEFAULT_ACCOUNT_ID)]
    pub account_id: String,
    /// Rules per instance before `CreateRule` answers `ServiceQuotaExceededException`.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_RULE_QUOTA)]
    pub rule_quota: usize,
    /// Close a connection that has not sent a whole request head this many milliseconds after
    /// it opened or after its last answer, or a request body this long after its head.
    #[arg(long, value_name = "MS", default_value_t = DEFAULT_IDLE_TIMEOUT.as_millis() as u64, value_parser = clap::value_parser!(u64).range(1..=86_400_000))]
    pub idle_timeout_ms: u64,
    /// Serve at most this many connections at once; a new one closes the oldest (at once when
    /// it is idle, after its answer otherwise).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_CONNECTIONS as u64, value_parser = clap::value_parser!(u64).range(1..=65_536))]
    pub max_connections: u64,
    /// Answer each request this many milliseconds after it arrived (the emulator's own work
    /// included, as a service's latency would be).
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub latency_ms: u64,
    /// Allow this many requests a second on average; the rest get `ThrottlingException`.
    #[arg(long, value_name = "RPS")]
    pub rate_limit: Option<f64>,
    /// With --rate-limit: how many requests may come at once.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub burst: u32,
    /// Fail the next COUNT (default 1) calls of OPERATION with ERROR, e.g.
    /// `CreateRule:InternalServiceException:3`. Repeatable.
    #[arg(long, value_name = "OPERATION:ERROR[:COUNT]")]
    pub fail: Vec<FailSpec>,
    /// Fail this fraction (0-1) of calls at random with `InternalServiceException` or
    /// `ThrottlingException`.
    #[arg(long, value_name = "RATE", value_parser = parse_rate)]
    pub failure_rate: Option<f64>,
    /// Seed for --failure-rate, so a run repeats.
    #[arg(long, value_name = "SEED", default_value_t = 0)]
    pub seed: u64,
}

fn parse_rate(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(rate) if (0.0..=1.0).contains(&rate) => Ok(rate),
        _ => Err(format!("`{text}` is not a rate between 0 and 1")),
    }
}

impl EmulatorArgs {
    /// The store settings these flags ask for, without the resources file (see
    /// [`EmulatorArgs::load_config`]).
    pub fn config(&self) -> EmulatorConfig {
        EmulatorConfig {
            region: self.region.clone(),
            account_id: self.account_id.clone(),
            state_file: self.state.clone(),
            rule_quota: self.rule_quota,
            idle_timeout: Duration::from_millis(self.idle_timeout_ms),
            max_connections: self.max_connections as usize,
            ..EmulatorConfig::default()
        }
    }

    /// The store settings these flags ask for, with the resources file read and checked.
    pub fn load_config(&self) -> anyhow::Result<EmulatorConfig> {
        let config = self.config();
        match &self.resources {
            None => Ok(config),
            Some(path) => Ok(config.with_resources(load_seed(path)?)),
        }
    }

    /// Sets the faults these flags ask for.
    pub fn apply_faults(&self, faults: &Faults) {
        faults.set_latency(Duration::from_millis(self.latency_ms));
        if let Some(rate) = self.rate_limit {
            faults.set_rate_limit(rate, self.burst);
        }
        for spec in &self.fail {
            faults.apply(spec);
        }
        if let Some(rate) = self.failure_rate {
            faults.set_failure_rate(rate, self.seed);
        }
    }
}

/// The warning for an address beyond loopback: the emulator has no authentication.
fn exposure_warning(listen: std::net::SocketAddr) -> Option<String> {
    (!listen.ip().is_loopback()).then(|| {
        format!(
            "warning: listening on {listen}, which is not a loopback address; anyone who can reach it can change the emulator's rules"
        )
    })
}

/// Runs the emulator until Ctrl-C (or SIGTERM), announcing its address on stderr.
pub async fn run(args: EmulatorArgs) -> anyhow::Result<()> {
    let emulator = Emulator::new(args.load_config()?)?;
    args.apply_faults(emulator.faults());
    if let Some(warning) = exposure_warning(args.listen) {
        eprintln!("{warning}");
    }
    let running = emulator.serve(args.listen).await?;
    eprintln!(
        "connect-rules emulator listening on {}",
        running.endpoint_url()
    );
    wait_for_stop().await?;
    running.shutdown().await;
    Ok(())
}

#[cfg(unix)]
async fn wait_for_stop() -> anyhow::Result<()> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut terminate = signal(SignalKind::terminate()).context("failed to watch for SIGTERM")?;
    tokio::select! {
        interrupted = tokio::signal::ctrl_c() => interrupted.context("failed to watch for Ctrl-C"),
        _ = terminate.recv() => Ok(()),
    }
}

#[cfg(not(unix))]
async fn wait_for_stop() -> anyhow::Result<()> {
    tokio::signal::ctrl_c()
        .await
        .context("failed to watch for Ctrl-C")
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::emulator::{ErrorKind, Operation};

    #[derive(Parser)]
    struct Command {
        #[command(flatten)]
        args: EmulatorArgs,
    }

    fn parse(args: &[&str]) -> Result<EmulatorArgs, clap::Error> {
        Command::try_parse_from(std::iter::once("emulator").chain(args.iter().copied()))
            .map(|command| command.args)
    }

    #[test]
    fn only_addresses_beyond_loopback_warn() {
        for quiet in ["127.0.0.1:8787", "[::1]:8787", "127.0.0.2:1"] {
            assert_eq!(exposure_warning(quiet.parse().unwrap()), None, "{quiet}");
        }
        for exposed in ["0.0.0.0:8787", "[::]:8787", "10.1.2.3:80"] {
            let warning = exposure_warning(exposed.parse().unwrap()).expect(exposed);
            assert!(warning.contains("not a loopback address"), "{warning}");
        }
    }

    #[test]
    fn defaults_are_loopback_and_fault_free() {
        let args = parse(&[]).unwrap();
        assert_eq!(args.listen, "127.0.0.1:8787".parse().unwrap());
        assert_eq!(args.config(), EmulatorConfig::default());
        let faults = Faults::default();
        args.apply_faults(&faults);
        assert_eq!(faults.inject(Operation::CreateRule), None);
    }

    #[test]
    fn fault_flags_reach_the_faults() {
        let args = parse(&[
            "--listen",
            "127.0.0.1:0",
            "--state",
            "state.json",
            "--fail",
            "CreateRule:InternalServiceException:2",
            "--fail",
            "ListRules:Throttling",
            "--latency-ms",
            "5",
        ])
        .unwrap();
        assert_eq!(args.config().state_file, Some(PathBuf::from("state.json")));
        let faults = Faults::default();
        args.apply_faults(&faults);
        assert_eq!(faults.latency(), Duration::from_millis(5));
        let kind = |op| faults.inject(op).map(|error| error.kind);
        assert_eq!(
            kind(Operation::CreateRule),
            Some(ErrorKind::InternalService)
        );
        assert_eq!(
            kind(Operation::CreateRule),
            Some(ErrorKind::InternalService)
        );
        assert_eq!(kind(Operation::CreateRule), None);
        assert_eq!(kind(Operation::ListRules), Some(ErrorKind::Throttling));
    }

    #[test]
    fn connection_limits_reach_the_config() {
        let config = parse(&["--idle-timeout-ms", "250", "--max-connections", "3"])
            .unwrap()
            .config();
        assert_eq!(config.idle_timeout, Duration::from_millis(250));
        assert_eq!(config.max_connections, 3);
    }

    #[test]
    fn the_resources_file_is_read_and_checked() {
        let dir = tempfile::tempdir().unwrap();
        let seed = dir.path().join("seed.yaml");
        std::fs::write(&seed, "queues:\n  - Name: Billing\n").unwrap();
        let args = parse(&["--resources", seed.to_str().unwrap()]).unwrap();
        assert_eq!(args.load_config().unwrap().resources.len(), 1);
        std::fs::write(&seed, "queues:\n  - Nme: Billing\n").unwrap();
        let error = args.load_config().unwrap_err().to_string();
        assert!(
            error.contains("seed.yaml:2:5: error: unknown key `Nme` in `queues[0]`\n  hint: did you mean `Name`?"),
            "{error}"
        );
        let missing = parse(&["--resources", "no-such-seed.yaml"]).unwrap();
        let error = missing.load_config().unwrap_err().to_string();
        assert!(
            error.contains("no-such-seed.yaml: error: cannot read the resources file"),
            "{error}"
        );
    }

    #[test]
    fn bad_flags_are_refused() {
        assert!(parse(&["--idle-timeout-ms", "0"]).is_err());
        assert!(parse(&["--max-connections", "0"]).is_err());
        assert!(parse(&["--fail", "CreateRule"]).is_err());
        assert!(parse(&["--failure-rate", "1.5"]).is_err());
        assert!(parse(&["--listen", "localhost"]).is_err());
    }
}
