//! `connect-rules.yaml`: the rules folder, the targets and their variables.
//!
//! Parsing is pure (text in, the file's values out); `settings` reads the file and resolves
//! these values, with the flags, into what a command uses.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::UserError;

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
    /// For the local instance: the seed file of queues, flows, users and other resources that
    /// `${KIND:NAME}` references resolve against (relative to the config file).
    #[serde(default)]
    pub resources: Option<PathBuf>,
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

/// The hint for a config file that does not parse.
const KEYS_HINT: &str =
    "see the README's `connect-rules.yaml` section for the keys a config file takes";

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
        return Err(UserError::at(
            origin.display().to_string(),
            format!(
                "the config file is larger than {} KiB",
                MAX_CONFIG_BYTES / 1024
            ),
        )
        .with_hint("a config file is a few kilobytes; is this the right file?")
        .into());
    }
    if let Err(err) = crate::load::yaml::parse(text) {
        let hint = if err.message.contains("nests deeper")
            || err.message.contains("expands to more")
        {
            "a config file needs a few levels (targets, a target, its variables); is this the right file?"
        } else {
            err.hint.as_deref().unwrap_or(KEYS_HINT)
        };
        return Err(UserError::at(
            format!("{}:{}:{}", origin.display(), err.pos.line, err.pos.col),
            err.message,
        )
        .with_hint(hint)
        .into());
    }
    let config: Config = serde_yaml::from_str(text).map_err(|err| {
        let place = err
            .location()
            .map(|l| format!(":{}:{}", l.line(), l.column()))
            .unwrap_or_default();
        let (message, hint) = explain_serde_error(&err.to_string());
        UserError::at(format!("{}{place}", origin.display()), message).with_hint(hint)
    })?;
    for (name, target) in &config.targets {
        check_variables(&target.variables, |variable| {
            format!(
                "{}: target `{name}`, variable `{variable}`",
                origin.display()
            )
        })?;
    }
    Ok(config)
}

/// serde's message, without the ` at line L column C` the place already gives, and a hint:
/// for an unknown key, the nearest key that is known and the list of them.
fn explain_serde_error(text: &str) -> (String, String) {
    let message = match text.rfind(" at line ") {
        Some(at) if text[at..].contains(" column ") => &text[..at],
        _ => text,
    };
    let Some((before, rest)) = message.split_once("unknown field `") else {
        // serde_yaml names the value's place as a dotted path: `targets.prod: ...`.
        let message = match message.split_once(": ") {
            Some((path, rest)) => match path.strip_prefix("targets.") {
                Some(target) if !target.contains(['.', ' ']) => {
                    format!("target `{target}`: {rest}")
                }
                _ => message.to_owned(),
            },
            None => message.to_owned(),
        };
        return (message, KEYS_HINT.to_owned());
    };
    let Some((key, expected)) = rest.split_once('`') else {
        return (message.to_owned(), KEYS_HINT.to_owned());
    };
    // `expected one of `a`, `b``, `expected `a` or `b``, `expected `a``, `there are no fields`.
    let known: Vec<&str> = expected
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|key| !key.is_empty())
        .collect();
    // serde_yaml names the mapping holding the key as a dotted path (`targets.prod: `).
    let within = match before.strip_suffix(": ") {
        Some(path) => match path.strip_prefix("targets.") {
            Some(target) => format!(" in target `{target}`"),
            None => format!(" in `{path}`"),
        },
        None => String::new(),
    };
    let message = format!("unknown key `{key}`{within}");
    let listed = known
        .iter()
        .map(|key| format!("`{key}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let hint = match did_you_mean(key, known.iter().copied()) {
        Some(near) => format!("did you mean `{near}`? The keys here are {listed}"),
        None if known.is_empty() => KEYS_HINT.to_owned(),
        None => format!("the keys here are {listed}"),
    };
    (message, hint)
}

/// The candidate nearest to `name` (a typo's distance at most), for a did-you-mean hint.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let name = name.to_lowercase();
    candidates
        .into_iter()
        .map(|candidate| {
            (
                strsim::levenshtein(&name, &candidate.to_lowercase()),
                candidate,
            )
        })
        .filter(|(distance, candidate)| *distance <= (candidate.chars().count() / 3).max(2))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
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
            return Err(UserError::new(format!(
                "{}: the name is not a variable name",
                place(name)
            ))
            .with_hint("use letters, digits, `_` and `-`, starting with a letter or `_`, as `${var.NAME}` in rule files")
            .into());
        }
        // `${KIND:NAME}` references are resolved against the instance; anything else `${` is not.
        if let Some(Err(malformed)) = crate::reference::references_in(value)
            .into_iter()
            .find(Result::is_err)
        {
            return Err(UserError::new(format!("{}: {malformed}", place(name)))
                .with_hint(malformed.hint())
                .into());
        }
        let value = &crate::reference::replace_references(value, |_| Some(String::new()));
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
            return Err(UserError::new(format!(
                "{}: the value {what}; values are inserted as written and never expanded, so it would reach the rule as those characters",
                place(name)
            ))
            .with_hint("write the value itself (copy the other variable's value); `$${` escapes `${` only in rule files")
            .into());
        }
        if let Some(control) = value.chars().find(|c| c.is_control()) {
            return Err(UserError::new(format!(
                "{}: the value holds the control character U+{:04X}",
                place(name),
                u32::from(control)
            ))
            .with_hint("delete it; a value is one line of text (an id, a name, an ARN)")
            .into());
        }
    }
    Ok(())
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

impl Config {
    /// The rules folder: the config's, or `rules`.
    pub fn rules_dir(&self) -> PathBuf {
        self.rules.clone().unwrap_or_else(|| PathBuf::from("rules"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered(text: &str) -> String {
        let err = parse(text, Path::new("connect-rules.yaml")).unwrap_err();
        crate::error::render(&err, crate::style::Style::plain())
    }

    #[test]
    fn unknown_keys_are_clear_errors_with_the_nearest_key() {
        assert_eq!(
            rendered("rules: rules\ntargts: {}\n"),
            "error: connect-rules.yaml:2:1: unknown key `targts`\n  hint: did you mean `targets`? The keys here are `rules`, `default_target`, `ignore`, `owner`, `manage_all`, `allow_delete`, `allow_replace`, `strict`, `allowed_conditions`, `targets`\n"
        );
        let nested = rendered("targets:\n  prod:\n    instance_id: i-1\n    regoin: eu-west-2\n");
        assert!(
            nested.starts_with("error: connect-rules.yaml:4:5: unknown key `regoin` in target `prod`\n  hint: did you mean `region`? The keys here are `instance_id`, "),
            "{nested}"
        );
        // Far from every key: the list, no guess.
        let far = rendered("colour: red\n");
        assert!(
            far.contains("unknown key `colour`\n  hint: the keys here are `rules`"),
            "{far}"
        );
    }

    #[test]
    fn other_errors_keep_serdes_message_without_a_second_place() {
        let text = rendered("rules: [a, b]\n");
        assert!(
            text.starts_with("error: connect-rules.yaml:1:8: rules: invalid type: sequence"),
            "{text}"
        );
        assert!(!text.contains(" at line "), "{text}");
        assert_eq!(text.matches("error:").count(), 1, "{text}");
    }

    #[test]
    fn typos_are_near_and_other_names_are_not() {
        let targets = ["prod", "staging"];
        assert_eq!(did_you_mean("prd", targets), Some("prod"));
        assert_eq!(did_you_mean("Staging", targets), Some("staging"));
        assert_eq!(did_you_mean("stagin", targets), Some("staging"));
        assert_eq!(did_you_mean("dev", targets), None);
        assert_eq!(did_you_mean("x", []), None);
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
