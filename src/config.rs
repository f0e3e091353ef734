//! `connect-rules.yaml`: the rules folder, the targets and their variables.
//!
//! Parsing is pure (text in, settings out); the command layer reads the file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The config file name, looked up in the current directory.
pub const CONFIG_FILE: &str = "connect-rules.yaml";
/// Where the embedded local instance keeps its state when nothing else is configured.
pub const DEFAULT_LOCAL_STATE: &str = ".connect-rules/local-instance.json";
/// The instance id the embedded local instance uses.
pub const LOCAL_INSTANCE_ID: &str = "local";
/// The target name used when there is no config file.
pub const DEFAULT_TARGET: &str = "local";
/// Where describe and check caches live, relative to the config file's folder.
pub const CACHE_ROOT: &str = ".connect-rules/cache";

/// The whole config file.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(clippy::struct_excessive_bools)] // each is a separate switch a user sets
pub struct Config {
    /// The folder with the rule files, relative to the config file.
    #[serde(default)]
    pub rules: Option<PathBuf>,
    /// The target used when `--target` is not given.
    #[serde(default)]
    pub default_target: Option<String>,
    /// Rule names (or globs with `*` and `?`) that other tools manage: never planned.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// This repository's owner id, written as the `managed-by-owner` tag on the rules it
    /// creates or adopts, so repositories sharing an instance never touch each other's rules.
    #[serde(default)]
    pub owner: Option<String>,
    /// Treat every live rule as owned, so rules not in git are deleted (needs `--allow-delete`).
    #[serde(default)]
    pub manage_all: bool,
    /// Let `apply` delete rules without `--allow-delete`.
    #[serde(default)]
    pub allow_delete: bool,
    /// Let `apply` replace rules without `--allow-replace`.
    #[serde(default)]
    pub allow_replace: bool,
    /// `Function` conditions the catalog does not list are errors (as `--strict`).
    #[serde(default)]
    pub strict: bool,
    /// `ComparisonValue` paths (globs with `*` and `?`) the catalog does not list but the
    /// service accepts: no warning for them.
    #[serde(default)]
    pub allowed_conditions: Vec<String>,
    /// Named targets.
    #[serde(default)]
    pub targets: BTreeMap<String, TargetConfig>,
}

/// One target as written in the config file.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetConfig {
    /// The Connect instance id (or give `instance_arn`).
    #[serde(default)]
    pub instance_id: Option<String>,
    /// The instance ARN; gives the id and the region.
    #[serde(default)]
    pub instance_arn: Option<String>,
    /// AWS region.
    #[serde(default)]
    pub region: Option<String>,
    /// Named AWS profile.
    #[serde(default)]
    pub profile: Option<String>,
    /// Endpoint override.
    #[serde(default)]
    pub endpoint_url: Option<String>,
    /// Serve this state file with the embedded emulator instead of calling AWS (relative to
    /// the config file).
    #[serde(default)]
    pub local_state: Option<PathBuf>,
    /// The AWS account the instance is in. `apply` and `adopt` check it with STS
    /// GetCallerIdentity and refuse to touch an instance reached with another account's
    /// credentials, or an instance other than the configured one.
    #[serde(default)]
    pub account_id: Option<String>,
    /// Values for `${var.NAME}`.
    #[serde(default)]
    pub variables: BTreeMap<String, String>,
    /// Concurrent DescribeRule calls while reading the instance.
    #[serde(default, deserialize_with = "crate::client::deserialize_concurrency")]
    pub concurrency: Option<usize>,
    /// The account's API rate for the rule operations [default: 2, Connect's default quota].
    #[serde(
        default,
        deserialize_with = "crate::client::deserialize_requests_per_second"
    )]
    pub requests_per_second: Option<f64>,
    /// Requests that may go at once [default: 5].
    #[serde(default, deserialize_with = "crate::client::deserialize_burst")]
    pub burst: Option<u32>,
}

/// Where a resolved target lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetKind {
    /// An Amazon Connect instance (or any endpoint speaking its API).
    Aws {
        /// Region; `None` lets the AWS default chain decide (`AWS_REGION`, the profile, ...).
        region: Option<String>,
        /// Profile.
        profile: Option<String>,
        /// Endpoint override.
        endpoint_url: Option<String>,
    },
    /// The embedded local instance persisted at this file.
    Local {
        /// The state file.
        state: PathBuf,
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
    /// Variables for the rule files.
    pub variables: BTreeMap<String, String>,
    /// Describe concurrency.
    pub concurrency: usize,
    /// Client-side pacing (`None` for the local instance unless configured).
    pub rate: Option<crate::client::Rate>,
    /// Use the describe cache and the check cache (off with `--no-cache`).
    pub cache: bool,
    /// What the config pins, checked before anything is changed.
    pub pins: Pins,
    /// The folder of the describe and check caches.
    pub cache_root: PathBuf,
}

/// The account and instance a target's config pins (`account_id`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pins {
    /// The AWS account the credentials must belong to.
    pub account_id: Option<String>,
    /// The instance the config names, which `--instance-id` may not replace.
    pub instance_id: Option<String>,
}

/// Overrides from the command line.
#[derive(Debug, Clone, Default)]
pub struct TargetOverrides {
    /// `--target`.
    pub target: Option<String>,
    /// `--instance-id`.
    pub instance_id: Option<String>,
    /// `--region`.
    pub region: Option<String>,
    /// `--profile`.
    pub profile: Option<String>,
    /// `--endpoint-url`.
    pub endpoint_url: Option<String>,
    /// `--var`.
    pub variables: Vec<(String, String)>,
}

/// The largest config file read; real ones are a few kilobytes.
pub const MAX_CONFIG_BYTES: usize = 1024 * 1024;

/// Parses the config file's text; `origin` names it in errors. The text gets the rule loader's
/// bounds first (size, nesting depth, alias expansion), so a hostile file is refused at once;
/// then every target's variable values are checked.
pub fn parse(text: &str, origin: &Path) -> anyhow::Result<Config> {
    if text.trim().is_empty() {
        return Ok(Config::default());
    }
    if text.len() > MAX_CONFIG_BYTES {
        anyhow::bail!(
            "{}: error: the config file is larger than {} KiB\n  hint: a config file is a few kilobytes; is this the right file?",
            origin.display(),
            MAX_CONFIG_BYTES / 1024
        );
    }
    if let Err(err) = crate::load::yaml::parse(text) {
        anyhow::bail!(
            "{}:{}:{}: error: {}\n  hint: {}",
            origin.display(),
            err.pos.line,
            err.pos.col,
            err.message,
            if err.message.contains("nests deeper") || err.message.contains("expands to more") {
                "a config file needs a few levels (targets, a target, its variables); is this the right file?"
            } else {
                err.hint.as_deref().unwrap_or(
                    "see the README's `connect-rules.yaml` section for the keys a config file takes",
                )
            }
        );
    }
    let config: Config = serde_yaml::from_str(text).map_err(|err| {
        let place = err
            .location()
            .map(|l| format!(":{}:{}", l.line(), l.column()))
            .unwrap_or_default();
        anyhow::anyhow!(
            "{}{place}: error: {}\n  hint: see the README's `connect-rules.yaml` section for the keys a config file takes",
            origin.display(),
            err
        )
    })?;
    for (name, target) in &config.targets {
        check_variables(&target.variables, |variable| {
            format!(
                "{}: error: target `{name}`, variable `{variable}`",
                origin.display()
            )
        })?;
    }
    Ok(config)
}

/// Checks variable names and values. Values are inserted into rule files as written, never
/// expanded again, so a value holding `${` (a reference to another variable, which could form
/// a cycle, or a `$${` escape) would reach the rule as those very characters: that is refused,
/// as are control characters, which would reach the rule and the terminal showing the plan.
/// `place` names a variable in an error.
pub fn check_variables(
    variables: &BTreeMap<String, String>,
    place: impl Fn(&str) -> String,
) -> anyhow::Result<()> {
    for (name, value) in variables {
        if !crate::load::is_variable_name(name) {
            anyhow::bail!(
                "{}: the name is not a variable name\n  hint: use letters, digits, `_` and `-`, starting with a letter or `_`, as `${{var.NAME}}` in rule files",
                place(name)
            );
        }
        if let Some(at) = value.find("${") {
            let escaped = value[..at].ends_with('$');
            let referenced = value[at + 2..]
                .strip_prefix("var.")
                .and_then(|tail| tail.split_once('}'))
                .map(|(other, _)| other)
                .filter(|other| crate::load::is_variable_name(other));
            let what = match referenced {
                _ if escaped => "holds the escape `$${`".to_owned(),
                Some(other) if other == name => {
                    format!("refers to itself (`${{var.{other}}}`), a cycle")
                }
                Some(other) => match variables.get(other) {
                    Some(value) if value.contains(&format!("${{var.{name}}}")) => {
                        format!("refers to `{other}`, which refers back to `{name}` (a cycle)")
                    }
                    _ => format!("refers to another variable (`${{var.{other}}}`)"),
                },
                None => "holds `${`".to_owned(),
            };
            anyhow::bail!(
                "{}: the value {what}; values are inserted as written and never expanded, so it would reach the rule as those characters\n  hint: write the value itself (copy the other variable's value); `$${{` escapes `${{` only in rule files",
                place(name)
            );
        }
        if let Some(control) = value.chars().find(|c| c.is_control()) {
            anyhow::bail!(
                "{}: the value holds the control character U+{:04X}\n  hint: delete it; a value is one line of text (an id, a name, an ARN)",
                place(name),
                u32::from(control)
            );
        }
    }
    Ok(())
}

/// What `configured` pins: its `account_id` (twelve digits, agreeing with `instance_arn`) and,
/// only when it pins an account, its instance (a target without `account_id` pins nothing).
fn pins(name: &str, configured: &TargetConfig, arn: Option<&InstanceArn>) -> anyhow::Result<Pins> {
    let Some(account) = &configured.account_id else {
        return Ok(Pins::default());
    };
    if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
        anyhow::bail!(
            "target `{name}`: `account_id` `{account}` is not an AWS account id\n  hint: write the twelve digits, quoted: account_id: \"123456789012\""
        );
    }
    if configured.local_state.is_some() {
        anyhow::bail!(
            "target `{name}`: `account_id` pins an AWS account, but this target is the embedded local instance (`local_state`)\n  hint: remove `account_id` from this target"
        );
    }
    if let Some(arn) = arn.filter(|arn| arn.account != *account) {
        anyhow::bail!(
            "target `{name}`: `instance_arn` is in account {}, but `account_id` pins {account}\n  hint: fix whichever is wrong",
            arn.account
        );
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

/// The parts of an instance ARN, `arn:aws:connect:REGION:ACCOUNT:instance/ID`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceArn {
    pub region: String,
    pub account: String,
    pub id: String,
}

/// Splits `arn:aws:connect:REGION:ACCOUNT:instance/ID` into its parts.
pub fn parse_instance_arn(arn: &str) -> Option<InstanceArn> {
    let mut parts = arn.splitn(6, ':');
    let (
        Some("arn"),
        Some(_partition),
        Some("connect"),
        Some(region),
        Some(account),
        Some(resource),
    ) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    )
    else {
        return None;
    };
    let id = resource.strip_prefix("instance/")?;
    (!id.is_empty() && !id.contains('/')).then(|| InstanceArn {
        region: region.to_owned(),
        account: account.to_owned(),
        id: id.to_owned(),
    })
}

/// Default DescribeRule concurrency: the service's default quota is 2 requests/second with a
/// burst of 5, so more workers only buy throttling.
pub const DEFAULT_CONCURRENCY: usize = 4;

impl Config {
    /// Resolves the target to use from the config and the command line.
    pub fn resolve_target(&self, overrides: &TargetOverrides) -> anyhow::Result<Target> {
        let name = overrides
            .target
            .clone()
            .or_else(|| self.default_target.clone())
            .unwrap_or_else(|| {
                if self.targets.len() == 1 {
                    self.targets.keys().next().cloned().unwrap_or_default()
                } else {
                    DEFAULT_TARGET.to_owned()
                }
            });
        let configured =
            match self.targets.get(&name) {
                Some(target) => target.clone(),
                None if name == DEFAULT_TARGET => TargetConfig::default(),
                None => {
                    let known: Vec<&str> = self.targets.keys().map(String::as_str).collect();
                    anyhow::bail!(
                    "there is no target `{name}` in `{CONFIG_FILE}`\n  hint: the targets are: {}",
                    if known.is_empty() { "(none)".to_owned() } else { known.join(", ") }
                );
                }
            };
        let mut variables = configured.variables.clone();
        variables.extend(overrides.variables.iter().cloned());
        check_variables(&variables, |variable| {
            if overrides.variables.iter().any(|(name, _)| name == variable) {
                format!("`--var {variable}`")
            } else {
                format!("target `{name}`, variable `{variable}`")
            }
        })?;
        let concurrency = configured.concurrency.unwrap_or(DEFAULT_CONCURRENCY).max(1);

        let arn = match &configured.instance_arn {
            Some(arn) => Some(parse_instance_arn(arn).ok_or_else(|| {
                anyhow::anyhow!(
                    "target `{name}`: `instance_arn` `{arn}` is not an instance ARN\n  hint: it looks like arn:aws:connect:us-east-1:123456789012:instance/INSTANCE_ID"
                )
            })?),
            None => None,
        };
        let pins = pins(&name, &configured, arn.as_ref())?;
        let (arn_region, arn_id) = match arn {
            Some(arn) => (Some(arn.region), Some(arn.id)),
            None => (None, None),
        };
        let instance_id = overrides
            .instance_id
            .clone()
            .or(configured.instance_id.clone())
            .or(arn_id);
        let region = overrides
            .region
            .clone()
            .or(configured.region.clone())
            .or(arn_region);
        let endpoint_url = overrides
            .endpoint_url
            .clone()
            .or(configured.endpoint_url.clone());
        let profile = overrides.profile.clone().or(configured.profile.clone());

        // Any flag that names an instance or an endpoint means an AWS-protocol target, even
        // when the chosen target is the local one: a flag is never silently ignored.
        let flags_name_an_instance = overrides.instance_id.is_some()
            || overrides.endpoint_url.is_some()
            || overrides.region.is_some()
            || overrides.profile.is_some();
        let is_aws = flags_name_an_instance
            || (configured.local_state.is_none()
                && (instance_id.is_some() || endpoint_url.is_some()));
        if is_aws && instance_id.is_none() {
            anyhow::bail!(
                "target `{name}` names no instance\n  hint: pass `--instance-id ID` (or set `instance_id` or `instance_arn` in `{CONFIG_FILE}`)"
            );
        }
        // A target made of flags is named after its instance, not after the local one.
        let overridden_local = is_aws && configured.local_state.is_some();
        let name = if is_aws && (overridden_local || !self.targets.contains_key(&name)) {
            instance_id.clone().unwrap_or(name)
        } else {
            name
        };
        let default_rate = is_aws.then_some(crate::client::Rate::CONNECT_DEFAULT);
        let rate = match (configured.requests_per_second, configured.burst) {
            (None, None) => default_rate,
            (per_second, burst) => Some(crate::client::Rate {
                per_second: per_second.unwrap_or(crate::client::Rate::CONNECT_DEFAULT.per_second),
                burst: burst.unwrap_or(crate::client::Rate::CONNECT_DEFAULT.burst),
            }),
        };
        let kind = if is_aws {
            TargetKind::Aws {
                region,
                profile,
                endpoint_url,
            }
        } else {
            TargetKind::Local {
                state: configured
                    .local_state
                    .clone()
                    .unwrap_or_else(|| PathBuf::from(DEFAULT_LOCAL_STATE)),
            }
        };
        Ok(Target {
            name,
            instance_id: instance_id.unwrap_or_else(|| LOCAL_INSTANCE_ID.to_owned()),
            kind,
            variables,
            concurrency,
            rate,
            cache: true,
            pins,
            cache_root: PathBuf::from(CACHE_ROOT),
        })
    }

    /// The rules folder: the config's, or `rules`.
    pub fn rules_dir(&self) -> PathBuf {
        self.rules.clone().unwrap_or_else(|| PathBuf::from("rules"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_config_means_the_local_instance() {
        let target = Config::default()
            .resolve_target(&TargetOverrides::default())
            .unwrap();
        assert_eq!(target.name, "local");
        assert_eq!(target.instance_id, LOCAL_INSTANCE_ID);
        assert_eq!(
            target.kind,
            TargetKind::Local {
                state: PathBuf::from(DEFAULT_LOCAL_STATE)
            }
        );
    }

    #[test]
    fn an_instance_arn_gives_id_and_region_and_flags_override() {
        let config = parse(
            "targets:\n  prod:\n    instance_arn: arn:aws:connect:eu-west-2:123456789012:instance/abc-123\n    variables: {flow: f1}\n",
            Path::new("connect-rules.yaml"),
        )
        .unwrap();
        let target = config
            .resolve_target(&TargetOverrides {
                variables: vec![("extra".into(), "x".into())],
                ..TargetOverrides::default()
            })
            .unwrap();
        assert_eq!(target.name, "prod");
        assert_eq!(target.instance_id, "abc-123");
        assert!(
            matches!(target.kind, TargetKind::Aws { ref region, .. } if region.as_deref() == Some("eu-west-2"))
        );
        assert_eq!(target.variables.len(), 2);
        let overridden = config
            .resolve_target(&TargetOverrides {
                region: Some("us-west-2".into()),
                ..TargetOverrides::default()
            })
            .unwrap();
        assert!(
            matches!(overridden.kind, TargetKind::Aws { ref region, .. } if region.as_deref() == Some("us-west-2"))
        );
    }

    #[test]
    fn instance_flags_override_a_local_target_and_never_fall_back_to_it() {
        let config = parse(
            "default_target: local\ntargets:\n  local:\n    local_state: state.json\n",
            Path::new("connect-rules.yaml"),
        )
        .unwrap();
        let target = config
            .resolve_target(&TargetOverrides {
                instance_id: Some("prod-1".into()),
                region: Some("eu-west-2".into()),
                ..TargetOverrides::default()
            })
            .unwrap();
        assert!(matches!(target.kind, TargetKind::Aws { .. }));
        assert_eq!(
            (target.name.as_str(), target.instance_id.as_str()),
            ("prod-1", "prod-1")
        );
        let err = config
            .resolve_target(&TargetOverrides {
                endpoint_url: Some("http://127.0.0.1:1".into()),
                ..TargetOverrides::default()
            })
            .unwrap_err();
        assert!(err.to_string().contains("names no instance"), "{err}");
    }

    #[test]
    fn unknown_keys_and_targets_are_clear_errors() {
        let err = parse("targts: {}\n", Path::new("connect-rules.yaml")).unwrap_err();
        assert!(err.to_string().contains("connect-rules.yaml:1:1"), "{err}");
        let err = Config::default()
            .resolve_target(&TargetOverrides {
                target: Some("prod".into()),
                ..TargetOverrides::default()
            })
            .unwrap_err();
        assert!(err.to_string().contains("no target `prod`"), "{err}");
    }

    #[test]
    fn instance_arns_are_checked() {
        assert_eq!(
            parse_instance_arn("arn:aws:connect:us-east-1:123456789012:instance/i-1"),
            Some(InstanceArn {
                region: "us-east-1".into(),
                account: "123456789012".into(),
                id: "i-1".into(),
            })
        );
        assert_eq!(parse_instance_arn("arn:aws:s3:::bucket"), None);
        assert_eq!(
            parse_instance_arn("arn:aws:connect:us-east-1:1:instance/i/rule/r"),
            None
        );
    }
}
