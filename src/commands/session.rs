//! An open connection to a target: the SDK client, and for the local target the embedded
//! emulator serving its state file on an ephemeral loopback port.

use anyhow::Context;

use crate::cache::checks::CheckedCache;
use crate::cache::describe::DescribeCache;
use crate::client::{ConnectClient, Endpoint};
use crate::emulator::{Emulator, EmulatorConfig, RunningEmulator};
use crate::error::UserError;
use crate::load::LoadedRules;
use crate::settings::{Settings, Target, TargetKind};

/// Attempts per API call (first try included) before a throttle or 5xx is reported.
pub const MAX_ATTEMPTS: u32 = 8;

/// The check cache of the target's rule files, unless the settings turn it off.
pub fn checked_cache(settings: &Settings) -> Option<CheckedCache> {
    let target = &settings.target;
    if !target.check_cache {
        return None;
    }
    CheckedCache::open(
        &target.cache_root,
        &target.name,
        &target.variables,
        &settings.rules.policy,
    )
}

/// A client for one target, keeping the embedded instance alive while it is used.
pub struct Session {
    /// The target.
    pub target: Target,
    /// The client.
    pub client: ConnectClient,
    /// The describe cache, unless disabled.
    pub cache: Option<DescribeCache>,
    local: Option<(RunningEmulator, Emulator)>,
}

/// The environment variable that sets how long to wait for another run's local instance.
pub const LOCK_TIMEOUT_VAR: &str = "CONNECT_RULES_LOCK_TIMEOUT";

/// How long to wait for the local instance's lock: `CONNECT_RULES_LOCK_TIMEOUT` seconds, or
/// the default.
fn lock_timeout() -> anyhow::Result<std::time::Duration> {
    match std::env::var(LOCK_TIMEOUT_VAR) {
        Err(_) => Ok(crate::emulator::DEFAULT_LOCK_TIMEOUT),
        Ok(text) => match text.trim().parse::<u64>() {
            Ok(seconds) if seconds <= 24 * 60 * 60 => Ok(std::time::Duration::from_secs(seconds)),
            _ => Err(UserError::new(format!(
                "{LOCK_TIMEOUT_VAR}=`{text}` is not a number of seconds from 0 to 86400"
            ))
            .with_hint(format!(
                "for example {LOCK_TIMEOUT_VAR}=300, or unset it for the default of {} s",
                crate::emulator::DEFAULT_LOCK_TIMEOUT.as_secs()
            ))
            .into()),
        },
    }
}

impl Session {
    /// Connects to `target`; for the local target, starts the embedded instance first.
    pub async fn open(target: Target) -> anyhow::Result<Self> {
        let (endpoint, local) = match &target.kind {
            TargetKind::Aws {
                region,
                profile,
                endpoint_url,
            } => (
                Endpoint {
                    instance_id: target.instance_id.clone(),
                    region: region.clone(),
                    profile: profile.clone(),
                    endpoint_url: endpoint_url.clone(),
                    static_credentials: false,
                    max_attempts: MAX_ATTEMPTS,
                    rate: target.rate,
                    attempt_timeout: crate::client::ATTEMPT_TIMEOUT,
                },
                None,
            ),
            TargetKind::Local {
                state, resources, ..
            } => {
                if let Some(parent) = state.parent().filter(|p| !p.as_os_str().is_empty()) {
                    std::fs::create_dir_all(parent).with_context(|| {
                        format!(
                            "failed to create `{}` for the local instance",
                            parent.display()
                        )
                    })?;
                }
                // The state file is locked for as long as this session runs: a second run
                // waits for it (saying so), so each one reads the state the last one left.
                let mut config = EmulatorConfig::default()
                    .with_state_file(state)
                    .with_lock_timeout(lock_timeout()?);
                if let Some(seed) = resources {
                    config = config.with_resources(crate::emulator::load_seed(seed)?);
                }
                // Waiting for the lock blocks: off the async workers.
                let emulator = tokio::task::spawn_blocking(move || Emulator::new(config))
                    .await
                    .context("the local instance's opening task failed")?
                    .with_context(|| {
                        format!("failed to open the local instance `{}`", state.display())
                    })?;
                let running = emulator
                    .serve_local()
                    .await
                    .context("failed to start the embedded local instance")?;
                (
                    Endpoint {
                        instance_id: target.instance_id.clone(),
                        region: Some(crate::emulator::DEFAULT_REGION.to_owned()),
                        profile: None,
                        endpoint_url: Some(running.endpoint_url()),
                        static_credentials: true,
                        max_attempts: MAX_ATTEMPTS,
                        rate: target.rate,
                        attempt_timeout: crate::client::ATTEMPT_TIMEOUT,
                    },
                    Some((running, emulator)),
                )
            }
        };
        let client = ConnectClient::connect(&endpoint)
            .await
            .map_err(|err| anyhow::anyhow!("{}", err.message))?;
        let cache = target
            .describe_cache
            .then(|| DescribeCache::new(&target.cache_root, &target.name, &target.instance_id));
        Ok(Session {
            target,
            client,
            cache,
            local,
        })
    }

    /// The plan's view of the target.
    pub fn plan_target(&self) -> crate::plan::PlanTarget {
        self.target.plan_target()
    }

    /// Refuses to go on when the instance or the credentials' account is not the one the
    /// target's config pins (`account_id`). Asks STS only for a pinned account.
    pub async fn check_pins(&self) -> anyhow::Result<()> {
        let pins = &self.target.pins;
        if let Some(pinned) = &pins.instance_id {
            if *pinned != self.target.instance_id {
                return Err(UserError::new(format!(
                    "target `{}` pins instance {pinned}, but this run names instance {}; nothing was changed",
                    self.target.name, self.target.instance_id
                ))
                .with_hint("drop `--instance-id`, or use a target for that instance")
                .into());
            }
        }
        if let Some(pinned) = &pins.account_id {
            let account = self.client.caller_account().await.with_context(|| {
                format!(
                    "target `{}` pins account {pinned}, and the account of the credentials could not be checked; nothing was changed",
                    self.target.name
                )
            })?;
            if account != *pinned {
                return Err(UserError::new(format!(
                    "target `{}` pins account {pinned}, but the credentials belong to account {account}; nothing was changed",
                    self.target.name
                ))
                .with_hint(format!(
                    "choose the right profile (`--profile` or the target's `profile`) or credentials for account {pinned}"
                ))
                .into());
            }
        }
        Ok(())
    }

    /// Every resource of the given kinds on the instance, for resolving `${KIND:NAME}`.
    pub async fn read_directory(
        &self,
        kinds: &std::collections::BTreeSet<crate::reference::ResourceKind>,
    ) -> anyhow::Result<crate::reference::Directory> {
        let (directory, _) = crate::resources::read_directory(&self.client, kinds)
            .await
            .map_err(|err| UserError::new(err.to_string()).with_hint(err.hint()))
            .with_context(|| {
                format!(
                    "could not read the queues, flows and other resources the rule files name on {}",
                    self.location()
                )
            })?;
        Ok(directory)
    }

    /// The rule files loaded again with their `${KIND:NAME}` references resolved against the
    /// instance, when they name any; `None` when they name none (the first load stands).
    pub async fn resolve_references(
        &self,
        settings: &Settings,
        loaded: &LoadedRules,
    ) -> anyhow::Result<Option<LoadedRules>> {
        if loaded.resource_kinds.is_empty() {
            return Ok(None);
        }
        let directory = self.read_directory(&loaded.resource_kinds).await?;
        Ok(Some(crate::load::load_rules_resolved(
            &settings.rules.dir,
            &settings.target.variables,
            &settings.rules.policy,
            None,
            crate::reference::Resolver::Instance(&directory),
        )))
    }

    /// Every live rule, described; an error names the instance and what to check.
    pub async fn read_live(&self) -> anyhow::Result<Vec<crate::model::LiveRule>> {
        let phase = crate::progress::Phase::start(
            crate::progress::ProgressMode::detect(),
            format!("reading the rules of {}", self.location()),
        );
        let (live, stats) = crate::fetch::fetch_live_cached(
            &self.client,
            self.target.concurrency,
            self.cache.as_ref(),
            &phase,
        )
        .await
        .map_err(|err| UserError::new(err.to_string()).with_hint(err.hint()))
        .with_context(|| format!("could not read the rules of {}", self.location()))?;
        phase.finish(&format!(
            "{} rule{}, {} described, {} from the cache",
            live.len(),
            if live.len() == 1 { "" } else { "s" },
            stats.describe_calls,
            stats.cache_hits
        ));
        Ok(live)
    }

    /// Where the target is, for messages: `instance `ID` in REGION (target `NAME`)`.
    pub fn location(&self) -> String {
        match &self.target.kind {
            TargetKind::Aws { region, .. } => format!(
                "instance `{}` in {} (target `{}`)",
                self.target.instance_id,
                region.as_deref().unwrap_or("the default region"),
                self.target.name
            ),
            // As the plan's header names it: from the config's folder, wherever the run is.
            TargetKind::Local { state_shown, .. } => format!(
                "the local instance `{}` (target `{}`)",
                state_shown, self.target.name
            ),
        }
    }

    /// Stops the embedded instance, if any, and folds its journal into the state file (the
    /// lock is released once the last handle on the instance is gone).
    pub async fn close(self) {
        if let Some((running, emulator)) = self.local {
            running.shutdown().await;
            if let Err(err) = emulator.store().flush() {
                // Nothing is lost: the journal stays and the next run replays it.
                eprintln!("warning: {err:#}");
            }
        }
    }
}
