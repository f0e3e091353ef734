//! Settings: every flag and config value a command uses, resolved once into plain values
//! before any work starts, as uv does. Commands take these values, never the clap structs.
//!
//! Precedence, highest first: a flag, the chosen target's entry in `connect-rules.yaml`,
//! the config's top level, the built-in default. Below all of them, a region or profile
//! left unset is the AWS SDK's default chain (`AWS_REGION`, `AWS_PROFILE`, ...). Reading the
//! config file ([`ConfigFile::read`]) is the only I/O; every `resolve` is a pure function.

mod target;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::apply::safety::{DeleteLimit, Permissions};
use crate::cli::{
    AdoptArgs, ApplyArgs, DriftArgs, ExplainArgs, ExportArgs, FormatChoice, PlanArgs, ProjectArgs,
    TargetArgs, ValidateArgs,
};
use crate::config::{self, Config, CONFIG_FILE};
use crate::diff::DiffOptions;
use crate::error::UserError;
use crate::plan::PlanTarget;
use crate::render::OutputFormat;
use crate::selection::Selection;
use crate::validate::FunctionPolicy;

pub use target::{Pins, Target, TargetKind, DEFAULT_CONCURRENCY};

/// The config file as read, with the folder its paths are relative to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConfigFile {
    /// The parsed config (the default when there is no file).
    pub config: Config,
    /// The folder the config's paths (`rules`, `local_state`, the caches) are relative to:
    /// the config file's folder (empty for the current folder).
    pub base: PathBuf,
    /// The file, as errors name it (`None` when there is none).
    pub path: Option<PathBuf>,
}

impl ConfigFile {
    /// Reads `--config` (which must exist), or else the nearest `connect-rules.yaml`: in the
    /// current folder or a parent, as git and cargo find theirs, but never above the
    /// repository's root (the first folder holding `.git`).
    pub fn read(flag: Option<&Path>) -> anyhow::Result<Self> {
        // A link counts as there even when it leads nowhere: reading it then says so, where
        // skipping it would run with another folder's config, or none.
        let there = |path: &Path| std::fs::symlink_metadata(path).is_ok();
        let here = std::env::current_dir().unwrap_or_default();
        let found = match flag {
            Some(path) => Some(path.to_path_buf()),
            None => nearest_config(&here, there),
        };
        let Some(path) = found else {
            if let Some(misnamed) = nearest_named(&here, "connect-rules.yml", there) {
                return Err(UserError::new(format!(
                    "found `{}`, but connect-rules reads its config from `{CONFIG_FILE}`",
                    misnamed.display()
                ))
                .with_hint(format!("rename it to `{CONFIG_FILE}`"))
                .into());
            }
            return Ok(ConfigFile::default());
        };
        // Paths in a config file are relative to it, wherever the command runs: a config
        // of another folder must never pick up this folder's rules or local state.
        Ok(ConfigFile {
            config: read_config(&path)?,
            base: path.parent().map(Path::to_path_buf).unwrap_or_default(),
            path: Some(path),
        })
    }

    /// The config file's name for messages: its path, or `connect-rules.yaml` when there is
    /// none yet.
    pub fn shown(&self) -> String {
        self.path
            .as_deref()
            .unwrap_or(Path::new(CONFIG_FILE))
            .display()
            .to_string()
    }
}

/// The path, relative to `here`, of the `connect-rules.yaml` in `here` or its nearest parent
/// (`exists` says whether a path exists); the search stops after the first folder holding
/// `.git`, the repository's root.
pub fn nearest_config(here: &Path, exists: impl Fn(&Path) -> bool) -> Option<PathBuf> {
    nearest_named(here, CONFIG_FILE, exists)
}

/// [`nearest_config`] for a file called `name`.
fn nearest_named(here: &Path, name: &str, exists: impl Fn(&Path) -> bool) -> Option<PathBuf> {
    let mut up = PathBuf::new();
    for folder in here.ancestors() {
        if exists(&folder.join(name)) {
            return Some(up.join(name));
        }
        if exists(&folder.join(".git")) {
            return None;
        }
        up.push("..");
    }
    None
}

fn read_config(path: &Path) -> anyhow::Result<Config> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("failed to read the config file `{}`", path.display()))?;
    config::parse(&text, path)
}

/// The rule files and how they are checked.
#[derive(Debug, Clone, PartialEq)]
pub struct RulesSettings {
    /// The rules folder: `--rules` (relative to the current folder), else the config's
    /// `rules` (relative to the config file), else `rules`.
    pub dir: PathBuf,
    /// `--strict` or the config's `strict`, and its `allowed_conditions`.
    pub policy: FunctionPolicy,
}

impl RulesSettings {
    fn resolve(args: &ProjectArgs, file: &ConfigFile) -> Self {
        RulesSettings {
            dir: args
                .rules
                .clone()
                .unwrap_or_else(|| file.base.join(file.config.rules_dir())),
            policy: FunctionPolicy {
                strict: args.strict || file.config.strict,
                allowed_conditions: file.config.allowed_conditions.clone(),
            },
        }
    }
}

/// Everything a command does with one target: the rule files, the target, how to diff.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The rule files.
    pub rules: RulesSettings,
    /// The target, its variables, pacing and caches.
    pub target: Target,
    /// `ignore`, `owner`, and `manage_all` from the flag or the config.
    pub diff: DiffOptions,
    /// `--only`: the rules compared (every rule unless the command sets it).
    pub selection: Selection,
}

impl Settings {
    fn resolve(
        project: &ProjectArgs,
        flags: &TargetArgs,
        manage_all: bool,
        file: &ConfigFile,
        name: Option<&str>,
    ) -> anyhow::Result<Self> {
        Ok(Settings {
            rules: RulesSettings::resolve(project, file),
            target: target::resolve(file, name, flags, &project.vars)?,
            diff: DiffOptions {
                manage_all: manage_all || file.config.manage_all,
                ignore: file.config.ignore.clone(),
                owner: file.config.owner.clone(),
                source_base: file.base.clone(),
            },
            selection: Selection::default(),
        })
    }

    /// The one target of a command that changes an instance.
    fn one(
        project: &ProjectArgs,
        flags: &TargetArgs,
        manage_all: bool,
        file: &ConfigFile,
    ) -> anyhow::Result<Self> {
        if flags.all_targets || flags.target.len() > 1 {
            return Err(UserError::new("this command works on one target at a time")
                .with_hint("only `plan` and `drift` take several targets; run it once per target")
                .into());
        }
        Settings::resolve(
            project,
            flags,
            manage_all,
            file,
            flags.target.first().map(String::as_str),
        )
    }

    /// `apply PLAN_FILE`'s target: the one the plan names. A `--target` that names another is
    /// an error. A plan made with `--instance-id` (its target named after the instance)
    /// needs the same flags again, as the plan does not hold the region or endpoint.
    fn for_saved_plan(
        args: &ApplyArgs,
        file: &ConfigFile,
        planned: &PlanTarget,
    ) -> anyhow::Result<Self> {
        let flags = &args.target;
        if let Some(given) = flags.target.iter().find(|given| **given != planned.name) {
            let path = args
                .plan_file
                .as_deref()
                .map(|path| format!(" `{}`", path.display()))
                .unwrap_or_default();
            return Err(UserError::new(format!(
                "the plan file{path} was made for target `{}`, but `--target {given}` was given; nothing was changed",
                planned.name
            ))
            .with_hint(format!(
                "leave out `--target`: apply takes the target from the plan file; or run `connect-rules plan --target {given} --out FILE` for that target"
            ))
            .into());
        }
        let made_with_flags =
            planned.name == planned.instance_id && !file.config.targets.contains_key(&planned.name);
        // (`--all-targets` is refused there.)
        if (made_with_flags && planned.name != config::DEFAULT_TARGET) || flags.all_targets {
            return Settings::one(&args.project, flags, args.manage_all, file);
        }
        Settings::resolve(
            &args.project,
            flags,
            args.manage_all,
            file,
            Some(planned.name.as_str()),
        )
    }

    /// Every target the flags name: `--all-targets`, each `--target`, or the default one.
    fn each(
        project: &ProjectArgs,
        flags: &TargetArgs,
        manage_all: bool,
        file: &ConfigFile,
    ) -> anyhow::Result<Vec<Self>> {
        if flags.all_targets {
            if file.config.targets.is_empty() {
                return Err(UserError::new(format!(
                    "`--all-targets` needs targets in `{}`, and there are none",
                    file.shown()
                ))
                .into());
            }
            return file
                .config
                .targets
                .keys()
                .map(|name| {
                    Settings::resolve(project, flags, manage_all, file, Some(name.as_str()))
                })
                .collect();
        }
        if flags.target.is_empty() {
            return Ok(vec![Settings::resolve(
                project, flags, manage_all, file, None,
            )?]);
        }
        flags
            .target
            .iter()
            .map(|name| Settings::resolve(project, flags, manage_all, file, Some(name.as_str())))
            .collect()
    }
}

/// `validate` and `explain`: the rule files, and the variables of the chosen target.
#[derive(Debug, Clone, PartialEq)]
pub struct OfflineSettings {
    /// The rule files.
    pub rules: RulesSettings,
    /// The target's variables, `--var` on top.
    pub variables: BTreeMap<String, String>,
}

impl OfflineSettings {
    fn resolve(
        project: &ProjectArgs,
        target: Option<&str>,
        file: &ConfigFile,
    ) -> anyhow::Result<Self> {
        let (name, configured) = target::chosen(file, target)?;
        Ok(OfflineSettings {
            rules: RulesSettings::resolve(project, file),
            variables: target::variables(&name, &configured, &project.vars)?,
        })
    }

    /// `validate`.
    pub fn for_validate(args: &ValidateArgs, file: &ConfigFile) -> anyhow::Result<Self> {
        OfflineSettings::resolve(&args.project, args.target.as_deref(), file)
    }
}

/// `explain`.
#[derive(Debug, Clone, PartialEq)]
pub struct ExplainSettings {
    /// The rule files and variables.
    pub offline: OfflineSettings,
    /// Rule names or files to read aloud (every rule when empty).
    pub names: Vec<String>,
}

impl ExplainSettings {
    /// Resolves `explain`'s settings.
    pub fn resolve(args: &ExplainArgs, file: &ConfigFile) -> anyhow::Result<Self> {
        Ok(ExplainSettings {
            offline: OfflineSettings::resolve(&args.project, args.target.as_deref(), file)?,
            names: args.names.clone(),
        })
    }
}

/// What `plan` writes, and how it exits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanOutput {
    /// The format on stdout.
    pub format: OutputFormat,
    /// Notification contents hidden on stdout: `--redact`, or markdown without `--no-redact`.
    pub redact: bool,
    /// Where to save the plan as JSON, for `apply` (one target only).
    pub out: Option<PathBuf>,
    /// Exit 2 when there are changes.
    pub detailed_exitcode: bool,
    /// Exit 3 when `apply` would refuse a plan.
    pub fail_on_refusal: bool,
}

/// `plan`.
#[derive(Debug, Clone)]
pub struct PlanSettings {
    /// One per target.
    pub targets: Vec<Settings>,
    /// What to write.
    pub output: PlanOutput,
    /// What a plain `apply` of each plan would be allowed (the flags as apply's, the config).
    pub permissions: Permissions,
}

impl PlanSettings {
    /// Resolves `plan`'s settings.
    pub fn resolve(args: &PlanArgs, file: &ConfigFile) -> anyhow::Result<Self> {
        let mut targets = Settings::each(&args.project, &args.target, args.manage_all, file)?;
        for settings in &mut targets {
            settings.selection = Selection::new(args.only.clone());
        }
        if targets.len() > 1 && args.out.is_some() {
            return Err(UserError::new(format!(
                "`--out` saves the plan of one target, but {} targets were given",
                targets.len()
            ))
            .with_hint("run `plan --target NAME --out FILE` once per target")
            .into());
        }
        let format = OutputFormat::from(args.format);
        Ok(PlanSettings {
            targets,
            output: PlanOutput {
                format,
                redact: args.redact || (format == OutputFormat::Markdown && !args.no_redact),
                out: args.out.clone(),
                detailed_exitcode: args.detailed_exitcode,
                fail_on_refusal: args.fail_on_refusal,
            },
            permissions: permissions(
                (args.allow_delete, args.allow_replace, args.force),
                args.max_delete,
                file,
            ),
        })
    }
}

/// `drift`.
#[derive(Debug, Clone)]
pub struct DriftSettings {
    /// One per target; no caches (see [`DriftSettings::resolve`]).
    pub targets: Vec<Settings>,
    /// The format on stdout.
    pub format: OutputFormat,
}

impl DriftSettings {
    /// Resolves `drift`'s settings. Drift exists to catch changes made elsewhere, including
    /// tag changes that do not move LastUpdatedTime, so it describes every rule afresh.
    pub fn resolve(args: &DriftArgs, file: &ConfigFile) -> anyhow::Result<Self> {
        let mut targets = Settings::each(&args.project, &args.target, args.manage_all, file)?;
        for settings in &mut targets {
            settings.selection = Selection::new(args.only.clone());
            settings.target.describe_cache = false;
            settings.target.check_cache = false;
        }
        Ok(DriftSettings {
            targets,
            format: args.format.into(),
        })
    }
}

/// `apply`.
#[derive(Debug, Clone)]
pub struct ApplySettings {
    /// The target and rules.
    pub settings: Settings,
    /// A saved plan to carry out.
    pub plan_file: Option<PathBuf>,
    /// Apply without asking.
    pub auto_approve: bool,
    /// Deletes and replacements allowed (flag or config), the delete limit, `--force`.
    pub permissions: Permissions,
    /// Changes that run at once.
    pub parallelism: usize,
    /// The names of the config's targets (to say how to reach a saved plan's target).
    pub configured_targets: BTreeSet<String>,
}

impl ApplySettings {
    /// Resolves `apply`'s settings. The check cache is off: what apply sends comes from the
    /// files' bytes as read now, never from a cache entry someone else could have written.
    /// With a saved plan (`saved`, the target it was made for), the target is the plan's:
    /// `--target` may only repeat it.
    pub fn resolve(
        args: &ApplyArgs,
        file: &ConfigFile,
        saved: Option<&PlanTarget>,
    ) -> anyhow::Result<Self> {
        let mut settings = match saved {
            Some(planned) => Settings::for_saved_plan(args, file, planned)?,
            None => Settings::one(&args.project, &args.target, args.manage_all, file)?,
        };
        settings.target.check_cache = false;
        settings.selection = Selection::new(args.only.clone());
        let mut permissions = permissions(
            (args.allow_delete, args.allow_replace, args.force),
            args.max_delete,
            file,
        );
        permissions.manage_all = settings.diff.manage_all;
        Ok(ApplySettings {
            settings,
            plan_file: args.plan_file.clone(),
            auto_approve: args.auto_approve,
            permissions,
            parallelism: args.parallelism,
            configured_targets: file.config.targets.keys().cloned().collect(),
        })
    }
}

/// What `apply` may do, from its flags (`allow_delete`, `allow_replace`, `force`) and the
/// config: the one resolution `apply` and `plan` (to say what apply would refuse) share.
fn permissions(
    (allow_delete, allow_replace, force): (bool, bool, bool),
    max_delete: Option<DeleteLimit>,
    file: &ConfigFile,
) -> Permissions {
    Permissions {
        allow_delete: allow_delete || file.config.allow_delete,
        allow_replace: allow_replace || file.config.allow_replace,
        force,
        delete_limit: max_delete.unwrap_or_default(),
        manage_all: false,
    }
}

/// `export`.
#[derive(Debug, Clone)]
#[allow(clippy::struct_excessive_bools)] // independent command-line switches
pub struct ExportSettings {
    /// The target and rules; no describe cache, as an export writes exactly what is live,
    /// tags included.
    pub settings: Settings,
    /// Where the files go: `--out-dir`, else the rules folder.
    pub out_dir: PathBuf,
    /// Replace files that exist.
    pub overwrite: bool,
    /// Only rules whose name matches one of these names or globs (none: every rule).
    pub name: Vec<String>,
    /// Keep resource ids (`--raw-ids`).
    pub raw_ids: bool,
    /// Rewrite the files of rules changed on the instance (`--update`).
    pub update: bool,
    /// With `--update`, rewrite files that have changes not committed to git (`--force`).
    pub force: bool,
}

impl ExportSettings {
    /// Resolves `export`'s settings.
    pub fn resolve(args: &ExportArgs, file: &ConfigFile) -> anyhow::Result<Self> {
        let mut settings = Settings::one(&args.project, &args.target, false, file)?;
        settings.target.describe_cache = false;
        settings.target.check_cache = false;
        Ok(ExportSettings {
            out_dir: args
                .out_dir
                .clone()
                .unwrap_or_else(|| settings.rules.dir.clone()),
            settings,
            overwrite: args.overwrite,
            name: args.name.clone(),
            raw_ids: args.raw_ids,
            update: args.update,
            force: args.force,
        })
    }
}

/// `adopt`.
#[derive(Debug, Clone)]
pub struct AdoptSettings {
    /// The target and who owns what.
    pub settings: Settings,
    /// The live rules to adopt.
    pub names: Vec<String>,
    /// Every live rule not managed yet.
    pub all: bool,
    /// Tag without asking.
    pub auto_approve: bool,
}

impl AdoptSettings {
    /// Resolves `adopt`'s settings.
    pub fn resolve(args: &AdoptArgs, file: &ConfigFile) -> anyhow::Result<Self> {
        Ok(AdoptSettings {
            settings: Settings::one(&args.project, &args.target, false, file)?,
            names: args.names.clone(),
            all: args.all,
            auto_approve: args.auto_approve,
        })
    }
}

impl From<FormatChoice> for OutputFormat {
    fn from(choice: FormatChoice) -> Self {
        match choice {
            FormatChoice::Text => OutputFormat::Text,
            FormatChoice::Json => OutputFormat::Json,
            FormatChoice::Markdown => OutputFormat::Markdown,
        }
    }
}
