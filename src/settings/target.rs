//! One target, resolved: the default-target choice, the config's target, the flags on top.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::cli::TargetArgs;
use crate::client::Rate;
use crate::config::{
    check_variables, did_you_mean, parse_instance_arn, InstanceArn, TargetConfig, CACHE_ROOT,
    DEFAULT_LOCAL_STATE, DEFAULT_TARGET, LOCAL_INSTANCE_ID,
};
use crate::error::UserError;

use super::ConfigFile;

/// Default DescribeRule concurrency: the service's default quota is 2 requests/second with a
/// burst of 5, so more workers only buy throttling.
pub const DEFAULT_CONCURRENCY: usize = 4;

/// Where a resolved target lives, and so where its credentials come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetKind {
    /// An Amazon Connect instance (or any endpoint speaking its API), reached with the AWS
    /// credential chain (`profile`, else the SDK's defaults).
    Aws {
        /// Region; `None` lets the AWS default chain decide (`AWS_REGION`, the profile, ...).
        region: Option<String>,
        /// Profile.
        profile: Option<String>,
        /// Endpoint override.
        endpoint_url: Option<String>,
    },
    /// The embedded local instance persisted at this file, reached with fixed local
    /// credentials.
    Local {
        /// The state file.
        state: PathBuf,
        /// The state file as the config names it, relative to the config's folder: how plans
        /// tell two local targets apart wherever they are run from.
        state_shown: String,
        /// The resources seed file (`resources:`), if any.
        resources: Option<PathBuf>,
    },
}

/// A target ready to use.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// Its name.
    pub name: String,
    /// The instance id.
    pub instance_id: String,
    /// How to reach it.
    pub kind: TargetKind,
    /// Variables for the rule files (the target's, `--var` on top).
    pub variables: BTreeMap<String, String>,
    /// Describe concurrency.
    pub concurrency: usize,
    /// Client-side pacing (`None` for the local instance unless configured).
    pub rate: Option<Rate>,
    /// Reuse the describe cache for rules whose LastUpdatedTime has not moved.
    pub describe_cache: bool,
    /// Reuse the check cache for rule files unchanged since they passed clean.
    pub check_cache: bool,
    /// What the config pins, checked before anything is changed.
    pub pins: Pins,
    /// The folder of the describe and check caches.
    pub cache_root: PathBuf,
}

impl Target {
    /// The plan's view of the target.
    pub fn plan_target(&self) -> crate::plan::PlanTarget {
        crate::plan::PlanTarget {
            name: self.name.clone(),
            instance_id: self.instance_id.clone(),
            local_state: match &self.kind {
                TargetKind::Local { state_shown, .. } => Some(state_shown.clone()),
                TargetKind::Aws { .. } => None,
            },
        }
    }
}

/// The account and instance a target's config pins (`account_id`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pins {
    /// The AWS account the credentials must belong to.
    pub account_id: Option<String>,
    /// The instance the config names, which `--instance-id` may not replace.
    pub instance_id: Option<String>,
}

/// The one default-target rule: `--target`, else the config's `default_target`, else its only
/// target, else the local instance. A name the config does not define is an error, except
/// the local instance's.
pub fn chosen(file: &ConfigFile, flag: Option<&str>) -> anyhow::Result<(String, TargetConfig)> {
    let config = &file.config;
    let name = flag
        .map(str::to_owned)
        .or_else(|| config.default_target.clone())
        .unwrap_or_else(|| {
            if config.targets.len() == 1 {
                config.targets.keys().next().cloned().unwrap_or_default()
            } else {
                DEFAULT_TARGET.to_owned()
            }
        });
    match config.targets.get(&name) {
        Some(target) => Ok((name, target.clone())),
        None if name == DEFAULT_TARGET => Ok((name, TargetConfig::default())),
        None => {
            let message = if flag.is_some() {
                format!("there is no target `{name}` in `{}`", file.shown())
            } else {
                format!(
                    "`default_target` is `{name}`, which is not a target in `{}`",
                    file.shown()
                )
            };
            let known = config.targets.keys().map(String::as_str);
            let hint = match did_you_mean(&name, known.clone()) {
                Some(near) => format!(
                    "did you mean `{near}`? The targets are: {}",
                    known.collect::<Vec<_>>().join(", ")
                ),
                None if config.targets.is_empty() => format!(
                    "`{}` defines no targets; add one under `targets:`",
                    file.shown()
                ),
                None => format!("the targets are: {}", known.collect::<Vec<_>>().join(", ")),
            };
            Err(UserError::new(message).with_hint(hint).into())
        }
    }
}

/// The variables of target `name` (as `configured`), `--var` on top, checked.
pub fn variables(
    name: &str,
    configured: &TargetConfig,
    vars: &[(String, String)],
) -> anyhow::Result<BTreeMap<String, String>> {
    let mut variables = configured.variables.clone();
    variables.extend(vars.iter().cloned());
    check_variables(&variables, |variable| {
        if vars.iter().any(|(name, _)| name == variable) {
            format!("`--var {variable}`")
        } else {
            format!("target `{name}`, variable `{variable}`")
        }
    })?;
    Ok(variables)
}

/// Resolves target `name` (or the default one): flags over the target's config over the
/// defaults. Both caches start on unless `--no-cache`; the command's settings turn off the
/// ones it must not use.
pub fn resolve(
    file: &ConfigFile,
    name: Option<&str>,
    flags: &TargetArgs,
    vars: &[(String, String)],
) -> anyhow::Result<Target> {
    let (name, configured) = chosen(file, name)?;
    let variables = variables(&name, &configured, vars)?;
    let concurrency = flags
        .concurrency
        .or(configured.concurrency)
        .unwrap_or(DEFAULT_CONCURRENCY)
        .max(1);

    let arn = match &configured.instance_arn {
        Some(arn) => Some(parse_instance_arn(arn).ok_or_else(|| {
            UserError::new(format!(
                "target `{name}`: `instance_arn` `{arn}` is not an instance ARN"
            ))
            .with_hint("it looks like arn:aws:connect:us-east-1:123456789012:instance/INSTANCE_ID")
        })?),
        None => None,
    };
    let pins = pins(&name, &configured, arn.as_ref())?;
    let (arn_region, arn_id) = match arn {
        Some(arn) => (Some(arn.region), Some(arn.id)),
        None => (None, None),
    };
    let instance_id = flags
        .instance_id
        .clone()
        .or(configured.instance_id.clone())
        .or(arn_id);
    let region = flags
        .region
        .clone()
        .or(configured.region.clone())
        .or(arn_region);
    let endpoint_url = flags
        .endpoint_url
        .clone()
        .or(configured.endpoint_url.clone());
    let profile = flags.profile.clone().or(configured.profile.clone());

    // Any flag that names an instance or an endpoint means an AWS-protocol target, even
    // when the chosen target is the local one: a flag is never silently ignored.
    let flags_name_an_instance = flags.instance_id.is_some()
        || flags.endpoint_url.is_some()
        || flags.region.is_some()
        || flags.profile.is_some();
    let is_aws = flags_name_an_instance
        || (configured.local_state.is_none() && (instance_id.is_some() || endpoint_url.is_some()));
    if is_aws && instance_id.is_none() {
        return Err(UserError::new(format!("target `{name}` names no instance"))
            .with_hint(format!(
                "pass `--instance-id ID` (or set `instance_id` or `instance_arn` in `{}`)",
                file.shown()
            ))
            .into());
    }
    if is_aws && !flags_name_an_instance && configured.resources.is_some() {
        return Err(UserError::new(format!(
            "target `{name}` sets `resources`, which only the local instance reads"
        ))
        .with_hint("an AWS instance's queues, flows and users are read from the instance itself; remove `resources` from this target")
        .into());
    }
    // A target made of flags is named after its instance, not after the local one.
    let overridden_local = is_aws && configured.local_state.is_some();
    let name = if is_aws && (overridden_local || !file.config.targets.contains_key(&name)) {
        instance_id.clone().unwrap_or(name)
    } else {
        name
    };
    let kind = if is_aws {
        TargetKind::Aws {
            region,
            profile,
            endpoint_url,
        }
    } else {
        let state = configured
            .local_state
            .clone()
            .unwrap_or_else(|| PathBuf::from(DEFAULT_LOCAL_STATE));
        TargetKind::Local {
            state_shown: state.display().to_string(),
            state: file.base.join(state),
            resources: configured
                .resources
                .as_ref()
                .map(|resources| file.base.join(resources)),
        }
    };
    Ok(Target {
        name,
        instance_id: instance_id.unwrap_or_else(|| LOCAL_INSTANCE_ID.to_owned()),
        kind,
        variables,
        concurrency,
        rate: rate(&configured, flags, is_aws),
        describe_cache: !flags.no_cache,
        check_cache: !flags.no_cache,
        pins,
        cache_root: file.base.join(CACHE_ROOT),
    })
}

/// Pacing: each of the flags over the target's config over Connect's default quota; none
/// for the local instance unless configured or asked for.
fn rate(configured: &TargetConfig, flags: &TargetArgs, is_aws: bool) -> Option<Rate> {
    let default_rate = is_aws.then_some(Rate::CONNECT_DEFAULT);
    let from_config = match (configured.requests_per_second, configured.burst) {
        (None, None) => default_rate,
        (per_second, burst) => Some(Rate {
            per_second: per_second.unwrap_or(Rate::CONNECT_DEFAULT.per_second),
            burst: burst.unwrap_or(Rate::CONNECT_DEFAULT.burst),
        }),
    };
    if flags.requests_per_second.is_none() && flags.burst.is_none() {
        return from_config;
    }
    let base = from_config.unwrap_or(Rate::CONNECT_DEFAULT);
    Some(Rate {
        per_second: flags.requests_per_second.unwrap_or(base.per_second),
        burst: flags.burst.unwrap_or(base.burst),
    })
}

/// What `configured` pins: its `account_id` (twelve digits, agreeing with `instance_arn`) and,
/// only when it pins an account, its instance (a target without `account_id` pins nothing).
fn pins(name: &str, configured: &TargetConfig, arn: Option<&InstanceArn>) -> anyhow::Result<Pins> {
    let Some(account) = &configured.account_id else {
        return Ok(Pins::default());
    };
    if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
        return Err(UserError::new(format!(
            "target `{name}`: `account_id` `{account}` is not an AWS account id"
        ))
        .with_hint("write the twelve digits, quoted: account_id: \"123456789012\"")
        .into());
    }
    if configured.local_state.is_some() {
        return Err(UserError::new(format!(
            "target `{name}`: `account_id` pins an AWS account, but this target is the embedded local instance (`local_state`)"
        ))
        .with_hint("remove `account_id` from this target")
        .into());
    }
    if let Some(arn) = arn.filter(|arn| arn.account != *account) {
        return Err(UserError::new(format!(
            "target `{name}`: `instance_arn` is in account {}, but `account_id` pins {account}",
            arn.account
        ))
        .with_hint("fix whichever is wrong")
        .into());
    }
    let instance = configured
        .instance_id
        .clone()
        .or_else(|| arn.map(|arn| arn.id.clone()));
    Ok(Pins {
        account_id: Some(account.clone()),
        instance_id: instance,
    })
}
