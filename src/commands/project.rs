//! The project: the config file (if any), the rules folder and the chosen target.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::cli::{ProjectArgs, TargetArgs};
use crate::config::{self, Config, Target, TargetOverrides, CONFIG_FILE};
use crate::diff::DiffOptions;
use crate::validate::FunctionPolicy;

/// The config and where the rules are.
#[derive(Debug, Clone)]
pub struct Project {
    /// The parsed config (default when there is no file).
    pub config: Config,
    /// The rules folder.
    pub rules_dir: PathBuf,
    /// The folder the config's paths (`rules`, `local_state`, the caches) are relative to:
    /// the config file's folder (empty for the current folder).
    pub base: PathBuf,
    /// `--var` values.
    pub vars: Vec<(String, String)>,
    /// How `Function` findings are treated: `--strict` or the config's `strict`, and its
    /// `allowed_conditions`.
    pub function_policy: FunctionPolicy,
}

impl Project {
    /// Reads `--config` (which must exist) or `connect-rules.yaml` (if it exists).
    pub fn open(args: &ProjectArgs) -> anyhow::Result<Self> {
        let (config, base) = match &args.config {
            // Paths in a config file are relative to it, wherever the command runs: a config
            // of another folder must never pick up this folder's rules or local state.
            Some(path) => (
                read_config(path)?,
                path.parent().map(Path::to_path_buf).unwrap_or_default(),
            ),
            None if Path::new(CONFIG_FILE).exists() => {
                (read_config(Path::new(CONFIG_FILE))?, PathBuf::new())
            }
            None => (Config::default(), PathBuf::new()),
        };
        // `--rules` is a path on the command line: relative to the current folder.
        let rules_dir = args
            .rules
            .clone()
            .unwrap_or_else(|| base.join(config.rules_dir()));
        let function_policy = FunctionPolicy {
            strict: args.strict || config.strict,
            allowed_conditions: config.allowed_conditions.clone(),
        };
        Ok(Project {
            config,
            rules_dir,
            base,
            vars: args.vars.clone(),
            function_policy,
        })
    }

    /// The variables of `target` (or the default one), with `--var` on top.
    pub fn variables(&self, target: Option<&str>) -> anyhow::Result<BTreeMap<String, String>> {
        let name = target
            .map(str::to_owned)
            .or_else(|| self.config.default_target.clone());
        let mut variables = match name {
            Some(name) => match self.config.targets.get(&name) {
                Some(target) => target.variables.clone(),
                None if name == config::DEFAULT_TARGET => BTreeMap::new(),
                None => anyhow::bail!("there is no target `{name}` in `{CONFIG_FILE}`"),
            },
            None if self.config.targets.len() == 1 => self
                .config
                .targets
                .values()
                .next()
                .map(|t| t.variables.clone())
                .unwrap_or_default(),
            None => BTreeMap::new(),
        };
        variables.extend(self.vars.iter().cloned());
        config::check_variables(&variables, |variable| {
            if self.vars.iter().any(|(name, _)| name == variable) {
                format!("`--var {variable}`")
            } else {
                format!("variable `{variable}`")
            }
        })?;
        Ok(variables)
    }

    /// How to diff: the config's `ignore` list, and `manage_all` from the config or the flag.
    pub fn diff_options(&self, manage_all_flag: bool) -> DiffOptions {
        DiffOptions {
            manage_all: manage_all_flag || self.config.manage_all,
            ignore: self.config.ignore.clone(),
            owner: self.config.owner.clone(),
        }
    }

    /// The one target of a command that changes an instance.
    pub fn target(&self, args: &TargetArgs) -> anyhow::Result<Target> {
        if args.all_targets || args.target.len() > 1 {
            anyhow::bail!(
                "this command works on one target at a time\n  hint: only `plan` and `drift` take several targets; run it once per target"
            );
        }
        self.resolve(args, args.target.first().cloned())
    }

    /// Every target the flags name: `--all-targets`, each `--target`, or the default one.
    pub fn targets(&self, args: &TargetArgs) -> anyhow::Result<Vec<Target>> {
        if args.all_targets {
            if self.config.targets.is_empty() {
                anyhow::bail!(
                    "`--all-targets` needs targets in `{CONFIG_FILE}`, and there are none"
                );
            }
            return self
                .config
                .targets
                .keys()
                .map(|name| self.resolve(args, Some(name.clone())))
                .collect();
        }
        if args.target.is_empty() {
            return Ok(vec![self.resolve(args, None)?]);
        }
        args.target
            .iter()
            .map(|name| self.resolve(args, Some(name.clone())))
            .collect()
    }

    fn resolve(&self, args: &TargetArgs, name: Option<String>) -> anyhow::Result<Target> {
        let mut target = self.config.resolve_target(&TargetOverrides {
            target: name,
            instance_id: args.instance_id.clone(),
            region: args.region.clone(),
            profile: args.profile.clone(),
            endpoint_url: args.endpoint_url.clone(),
            variables: self.vars.clone(),
        })?;
        target.cache = !args.no_cache;
        if let config::TargetKind::Local { state } = &mut target.kind {
            *state = self.base.join(&*state);
        }
        target.cache_root = self.base.join(config::CACHE_ROOT);
        if let Some(concurrency) = args.concurrency {
            target.concurrency = concurrency.max(1);
        }
        if args.requests_per_second.is_some() || args.burst.is_some() {
            let base = target.rate.unwrap_or(crate::client::Rate::CONNECT_DEFAULT);
            target.rate = Some(crate::client::Rate {
                per_second: args.requests_per_second.unwrap_or(base.per_second),
                burst: args.burst.unwrap_or(base.burst),
            });
        }
        Ok(target)
    }
}

fn read_config(path: &Path) -> anyhow::Result<Config> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("failed to read the config file `{}`", path.display()))?;
    config::parse(&text, path)
}
