//! Command-line arguments (clap derive). Only argument shapes live here: `settings` resolves
//! them, with the config, into what a command uses; each command's work is in `commands/`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Manage Amazon Connect rules as code: validate rule files, plan changes against an instance,
/// apply them safely, and run a local Connect rules emulator.
///
/// Exit codes: 0 success (nothing to change), 1 error or invalid input, 2 success with changes
/// pending (`plan --detailed-exitcode`), 3 a plan that `apply` would refuse
/// (`plan --fail-on-refusal`).
#[derive(Debug, Parser)]
#[command(
    name = "connect-rules",
    // The version and, when built from git or with `CONNECT_RULES_COMMIT`, the commit and
    // its date (`build.rs`).
    version = env!("CONNECT_RULES_VERSION"),
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    /// Global options.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// When to colour output: `auto` colours a terminal unless `NO_COLOR` is set.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
}

/// `--color` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and `NO_COLOR` is not set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check rule files offline and report every problem with `file:line:col`.
    ///
    /// Reads every `*.yaml` / `*.yml` under the rules folder (recursively), substitutes
    /// `${var.NAME}` variables, and checks each rule against the Connect service model: keys,
    /// types, required members, enum values, lengths and patterns, action definitions,
    /// `Function` JSON, and duplicate names. Exit 0 when valid, 1 when not.
    ///
    /// Example: connect-rules validate --rules rules --var callback_flow_id=1234-abcd
    Validate(ValidateArgs),
    /// Read rules aloud: the trigger, the conditions in `Function` and the actions, in words.
    ///
    /// Takes rule names or rule files (all rules when none are given) and prints one paragraph
    /// per rule, after the same checks as `validate`, so a reviewer can see what a rule does
    /// without reading its JSON.
    ///
    /// Example: connect-rules explain rules/refund-escalation.yaml
    Explain(ExplainArgs),
    /// Show what must change on the target instance to match the rule files.
    ///
    /// Reads the live rules (ListRules, then DescribeRule for each) and compares them with
    /// the rule files by name: `+` create, `~` update, `-/+` replace (the event source
    /// changed), `-` delete (only rules tagged `managed-by: connect-rules`). Live rules that
    /// are not in git and not owned are listed as unmanaged and never touched.
    ///
    /// With no `connect-rules.yaml`, the target is the embedded local instance stored in
    /// `.connect-rules/local-instance.json`, so a plan works with no AWS account.
    ///
    /// The plan says what `apply` would refuse (deletes without `--allow-delete`, replacements
    /// without `--allow-replace`, more deletes than the limit), judged with the config and
    /// the same permission flags apply takes.
    ///
    /// Exit codes: 0 no changes (or changes without `--detailed-exitcode`), 2 changes
    /// pending with `--detailed-exitcode`, 3 `apply` would refuse the plan (with
    /// `--fail-on-refusal`; before 2), 1 error.
    ///
    /// Example: connect-rules plan --target prod --format markdown --out plan.json
    Plan(PlanArgs),
    /// Make the instance match the rule files (or carry out a saved plan).
    ///
    /// Without PLAN_FILE it plans, shows the plan, and asks `Apply these changes? (yes/no)`;
    /// without a terminal it refuses unless `--auto-approve`. With PLAN_FILE (from
    /// `plan --out`) it applies exactly that plan, after checking the file is intact, is for
    /// this instance, and that the affected rules have not changed since: otherwise it
    /// refuses and changes nothing.
    ///
    /// Deletes need `--allow-delete`, replacements `--allow-replace`; deleting more than 30%
    /// of the managed rules (once there are 10) also needs `--force`. A failed change does not
    /// stop the others: a table shows each rule's outcome and the exit code is 1; running
    /// apply again finishes the job without duplicates.
    ///
    /// Example: connect-rules plan --out plan.json && connect-rules apply plan.json
    Apply(ApplyArgs),
    /// Write the live rules of an instance as rule files, one per rule.
    ///
    /// Server fields are dropped, `Function` is written as a YAML mapping, the ownership tag is
    /// left out, and values equal to one of the target's variables are written back as
    /// `${var.NAME}`. Each file is loaded back and compared with the live rule before it is
    /// written, so a plan right after an export shows no changes. Existing files are never
    /// replaced without `--overwrite`.
    ///
    /// Example: connect-rules export --target prod --out-dir rules/imported --name 'billing-*'
    Export(ExportArgs),
    /// Report how the live instance differs from the rule files, and who changed it.
    ///
    /// Separates rules changed outside git (with LastUpdatedBy and LastUpdatedTime), live
    /// rules that are not in git, and rules deleted outside git. Rules in the config's `ignore`
    /// list are not drift. For scheduled checks: exit 0 in sync, 2 drift, 1 error.
    ///
    /// Example: connect-rules drift --target prod --format markdown
    Drift(DriftArgs),
    /// Mark existing live rules as managed by connect-rules (tag `managed-by: connect-rules`),
    /// so later plans may delete them when their files go.
    ///
    /// Shows which rules it will tag and asks first, like apply.
    ///
    /// Example: connect-rules adopt --target prod legacy-escalation legacy-callback
    Adopt(AdoptArgs),
    /// Run the local Connect rules emulator: the rule operations over HTTP, as the service.
    ///
    /// Any AWS client reaches it with an endpoint override, e.g.
    /// `aws connect list-rules --instance-id i-1 --endpoint-url http://127.0.0.1:8787`.
    ///
    /// Example: connect-rules emulator --listen 127.0.0.1:8787 --state emulator.json
    Emulator(crate::emulator::EmulatorArgs),
    /// Print the JSON Schema of the rule file format (for editor completion and checks).
    ///
    /// Example: connect-rules schema --out schema/rule.schema.json
    Schema(SchemaArgs),
    /// Start a rules repository: `connect-rules.yaml` (a local target and a commented AWS
    /// target), `schema/rule.schema.json`, one example rule, and `.connect-rules/` in
    /// `.gitignore`.
    ///
    /// The folder it makes plans and applies at once against the embedded local instance.
    /// Nothing is overwritten: when any of the files exists, init lists them and writes
    /// nothing (`.gitignore` is added to, never replaced).
    ///
    /// Example: connect-rules init contact-center-rules --github
    Init(InitArgs),
    /// Print a shell completion script.
    ///
    /// Example: connect-rules completions bash > ~/.local/share/bash-completion/completions/connect-rules
    Completions(CompletionsArgs),
    /// Print the manual page (roff), or write one page per command to a folder.
    ///
    /// Example: connect-rules man | man -l -
    Man(ManArgs),
}

impl Command {
    /// Where the command's rule files and config are, for the commands that have them.
    pub fn project(&self) -> Option<&ProjectArgs> {
        match self {
            Command::Validate(args) => Some(&args.project),
            Command::Explain(args) => Some(&args.project),
            Command::Plan(args) => Some(&args.project),
            Command::Apply(args) => Some(&args.project),
            Command::Export(args) => Some(&args.project),
            Command::Drift(args) => Some(&args.project),
            Command::Adopt(args) => Some(&args.project),
            Command::Emulator(_)
            | Command::Schema(_)
            | Command::Init(_)
            | Command::Completions(_)
            | Command::Man(_) => None,
        }
    }
}

/// `validate` options.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Where the rules are and which variables apply.
    #[command(flatten)]
    pub project: ProjectArgs,
    /// The target whose `variables` fill `${var.NAME}` (default: the config's default target).
    #[arg(long, value_name = "NAME")]
    pub target: Option<String>,
    /// How to write the findings: `text` on stderr; `json` (a versioned document) or `github`
    /// (workflow annotations on the rule files' lines) on stdout.
    #[arg(long, value_enum, default_value_t = ValidateFormat::Text)]
    pub format: ValidateFormat,
}

/// `--format` values of `validate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ValidateFormat {
    /// `file:line:col: error: message` on stderr.
    Text,
    /// One JSON document (`format_version`) of findings on stdout.
    Json,
    /// GitHub workflow commands (`::error file=..,line=..,col=..::..`) on stdout.
    Github,
}

/// `explain` options.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Where the rules are and which variables apply.
    #[command(flatten)]
    pub project: ProjectArgs,
    /// The target whose `variables` fill `${var.NAME}` (default: the config's default target).
    #[arg(long, value_name = "NAME")]
    pub target: Option<String>,
    /// Rule names or rule files [default: every rule].
    #[arg(value_name = "FILE|NAME")]
    pub names: Vec<String>,
}

/// The rule files and the config file.
#[derive(Debug, Args)]
pub struct ProjectArgs {
    /// The folder holding the rule files [default: the config's `rules`, or `rules`].
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// The config file [default: the nearest `connect-rules.yaml`, in this folder or a
    /// parent up to the repository's root].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// A variable for `${var.NAME}` in rule files; repeat for more. Overrides the target's.
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_variable)]
    pub vars: Vec<(String, String)>,
    /// Treat `Function` conditions that the catalog does not list as errors, not warnings.
    #[arg(long)]
    pub strict: bool,
}

/// Which instance to talk to.
#[derive(Debug, Args)]
pub struct TargetArgs {
    /// A target from `connect-rules.yaml` [default: its `default_target`, or the local
    /// instance]. `plan` and `drift` take it more than once.
    #[arg(long, value_name = "NAME")]
    pub target: Vec<String>,
    /// Every target in `connect-rules.yaml` (`plan` and `drift`).
    #[arg(long, conflicts_with = "target")]
    pub all_targets: bool,
    /// The Connect instance id (overrides the target's).
    #[arg(long, value_name = "ID")]
    pub instance_id: Option<String>,
    /// The AWS region (overrides the target's).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// The AWS profile for credentials (overrides the target's).
    #[arg(long, value_name = "PROFILE")]
    pub profile: Option<String>,
    /// Send API calls to this URL instead of the regional endpoint (e.g. an emulator).
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Concurrent DescribeRule calls while reading the instance, 1 to 256 [default: 4].
    #[arg(long, value_name = "N", value_parser = crate::client::parse_concurrency)]
    pub concurrency: Option<usize>,
    /// The account's API rate for the rule operations, in requests per second, from 0.01 to
    /// 10000 (10000 never waits in practice)
    /// [default: the target's `requests_per_second`, or 2 for AWS targets].
    #[arg(long, value_name = "RATE", value_parser = crate::client::parse_requests_per_second)]
    pub requests_per_second: Option<f64>,
    /// Requests that may go at once, 1 to 10000 [default: the target's `burst`, or 5].
    #[arg(long, value_name = "N", value_parser = crate::client::parse_burst)]
    pub burst: Option<u32>,
    /// Describe every rule and check every rule file afresh, instead of reusing
    /// `.connect-rules/cache/` for rules whose LastUpdatedTime has not moved and for files
    /// unchanged since they passed clean.
    #[arg(long)]
    pub no_cache: bool,
}

/// `--target` of the commands that work on one target (`--all-targets`, which they refuse,
/// is hidden from their help).
const ONE_TARGET_HELP: &str =
    "A target from `connect-rules.yaml` [default: its `default_target`, or the local instance]";
/// `--target` of `apply`, which takes a saved plan's target from the plan.
const APPLY_TARGET_HELP: &str = "A target from `connect-rules.yaml` [default: the plan file's target; without one, the config's `default_target`, or the local instance]";

/// `plan` options.
#[derive(Debug, Args)]
#[allow(clippy::struct_excessive_bools)] // independent command-line switches
pub struct PlanArgs {
    /// Rules and config.
    #[command(flatten)]
    pub project: ProjectArgs,
    /// The instance.
    #[command(flatten)]
    pub target: TargetArgs,
    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = FormatChoice::Text)]
    pub format: FormatChoice,
    /// Also write the plan as JSON to this file, for `apply`.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Exit 2 (not 0) when there are changes.
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// Treat every live rule as managed: rules not in git are planned for deletion.
    #[arg(long)]
    pub manage_all: bool,
    /// Hide notification subjects, contents and recipients in the output (each becomes a
    /// short fingerprint). On by default for `--format markdown`, which goes to PR comments.
    /// The `--out` plan file is never redacted, so `apply` has the real values.
    #[arg(long, conflicts_with = "no_redact")]
    pub redact: bool,
    /// Show notification contents and recipients even in markdown.
    #[arg(long)]
    pub no_redact: bool,
    /// Only the rules with this name, or matching this glob (`*`, `?`); repeat for more. Rules
    /// outside the selection are not compared, changed or deleted; the plan says it is partial.
    #[arg(long, value_name = "NAME|GLOB", value_parser = parse_rule_pattern)]
    pub only: Vec<String>,
    /// Exit 3 when `apply` would refuse the plan (deletes or replacements it is not allowed,
    /// or more deletes than the limit), so a pull request that cannot be applied fails its
    /// check before the merge. The plan shows the refusals either way.
    #[arg(long)]
    pub fail_on_refusal: bool,
    /// Check the plan as `apply --allow-delete` would (the config's `allow_delete` counts too).
    #[arg(long)]
    pub allow_delete: bool,
    /// Check the plan as `apply --allow-replace` would (the config's `allow_replace` counts too).
    #[arg(long)]
    pub allow_replace: bool,
    /// Check the plan against this delete limit, as `apply --max-delete` would.
    #[arg(long, value_name = "N|PCT")]
    pub max_delete: Option<crate::apply::safety::DeleteLimit>,
    /// Check the plan as `apply --force` would (past the delete limit).
    #[arg(long)]
    pub force: bool,
}

/// `apply` options.
#[derive(Debug, Args)]
#[allow(clippy::struct_excessive_bools)] // each is an independent command-line switch
#[command(
    mut_arg("all_targets", |arg| arg.hide(true)),
    mut_arg("target", |arg| arg.help(APPLY_TARGET_HELP))
)]
pub struct ApplyArgs {
    /// A plan written by `plan --out`; without it, apply plans first and asks.
    #[arg(value_name = "PLAN_FILE")]
    pub plan_file: Option<PathBuf>,
    /// Rules and config.
    #[command(flatten)]
    pub project: ProjectArgs,
    /// The instance.
    #[command(flatten)]
    pub target: TargetArgs,
    /// Apply without asking (for CI).
    #[arg(long)]
    pub auto_approve: bool,
    /// Allow deleting rules that are no longer in the rule files.
    #[arg(long)]
    pub allow_delete: bool,
    /// Allow replacing (deleting and re-creating) rules whose event source changed.
    #[arg(long)]
    pub allow_replace: bool,
    /// The most rules a plan may delete without `--force`: a count (5) or a share (20%)
    /// [default: 30% of the managed rules, once there are at least 10].
    #[arg(long, value_name = "N|PCT")]
    pub max_delete: Option<crate::apply::safety::DeleteLimit>,
    /// Apply even past the `--max-delete` limit.
    #[arg(long)]
    pub force: bool,
    /// How many changes run at once.
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub parallelism: usize,
    /// Treat every live rule as managed: rules not in git are planned for deletion.
    #[arg(long)]
    pub manage_all: bool,
    /// Only the rules with this name, or matching this glob (`*`, `?`); repeat for more. Rules
    /// outside the selection are not compared, changed or deleted. A plan file made with
    /// `plan --only` keeps its selection (pass the same `--only`, or none).
    #[arg(long, value_name = "NAME|GLOB", value_parser = parse_rule_pattern)]
    pub only: Vec<String>,
}

/// `export` options.
#[derive(Debug, Args)]
#[command(
    mut_arg("all_targets", |arg| arg.hide(true)),
    mut_arg("target", |arg| arg.help(ONE_TARGET_HELP))
)]
#[allow(clippy::struct_excessive_bools)] // independent command-line switches
pub struct ExportArgs {
    /// Rules and config.
    #[command(flatten)]
    pub project: ProjectArgs,
    /// The instance.
    #[command(flatten)]
    pub target: TargetArgs,
    /// Where to write the files [default: the rules folder].
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// Replace files that already exist.
    #[arg(long)]
    pub overwrite: bool,
    /// Export only the rules with this name, or matching this glob (`*`, `?`); repeat for
    /// more. `--only` is the same flag, as on plan, apply and drift.
    #[arg(long, visible_alias = "only", value_name = "NAME|GLOB", value_parser = parse_rule_pattern)]
    pub name: Vec<String>,
    /// Keep the ids of queues, flows, users and other resources instead of writing them as
    /// `${KIND:NAME}` references (and list none of them).
    #[arg(long)]
    pub raw_ids: bool,
    /// Rewrite, in place, the files of rules that differ from the instance (console edits),
    /// keeping each file's path, its comments and its `${var.NAME}` / `${KIND:NAME}` values, so
    /// a plan right after shows no change. Files with changes not committed to git are refused
    /// (see `--force`): a local edit not applied yet would look like a console edit.
    #[arg(long, conflicts_with_all = ["out_dir", "overwrite"])]
    pub update: bool,
    /// With `--update`: rewrite rule files even when they have changes not committed to git
    /// (those changes are lost).
    #[arg(long, requires = "update")]
    pub force: bool,
}

/// `drift` options.
#[derive(Debug, Args)]
pub struct DriftArgs {
    /// Rules and config.
    #[command(flatten)]
    pub project: ProjectArgs,
    /// The instance.
    #[command(flatten)]
    pub target: TargetArgs,
    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = FormatChoice::Text)]
    pub format: FormatChoice,
    /// Treat every live rule as managed.
    #[arg(long)]
    pub manage_all: bool,
    /// Only the rules with this name, or matching this glob (`*`, `?`); repeat for more. Rules
    /// outside the selection are not compared or reported as drift.
    #[arg(long, value_name = "NAME|GLOB", value_parser = parse_rule_pattern)]
    pub only: Vec<String>,
}

/// `adopt` options.
#[derive(Debug, Args)]
#[command(
    mut_arg("all_targets", |arg| arg.hide(true)),
    mut_arg("target", |arg| arg.help(ONE_TARGET_HELP))
)]
pub struct AdoptArgs {
    /// Rules and config.
    #[command(flatten)]
    pub project: ProjectArgs,
    /// The instance.
    #[command(flatten)]
    pub target: TargetArgs,
    /// Names of the live rules to adopt.
    #[arg(
        value_name = "NAME",
        required_unless_present = "all",
        conflicts_with = "all"
    )]
    pub names: Vec<String>,
    /// Adopt every live rule that is not managed yet (except the config's `ignore` list).
    #[arg(long)]
    pub all: bool,
    /// Tag without asking.
    #[arg(long)]
    pub auto_approve: bool,
}

/// `--format` values of `plan` and `drift`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatChoice {
    /// For a terminal.
    Text,
    /// Versioned JSON (`format_version`).
    Json,
    /// A pull-request comment.
    Markdown,
}

/// `schema` options.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Write the schema to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// `init` options.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to set up (made when missing).
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    /// Also write the example GitHub workflows (plan on pull requests, apply on merge, a
    /// nightly drift check) to `.github/workflows/`.
    #[arg(long)]
    pub github: bool,
}

/// `completions` options.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `man` options.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write `connect-rules.1` and a page per command (`connect-rules-plan.1`, ...) to this
    /// folder instead of printing the main page.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

/// A rule name or glob for `--only`: an empty one would match nothing and read as a typo.
fn parse_rule_pattern(text: &str) -> Result<String, String> {
    if text.trim().is_empty() {
        return Err(
            "give a rule name (the `Name` in a rule file) or a glob with `*` and `?`".to_owned(),
        );
    }
    Ok(text.to_owned())
}

fn parse_variable(text: &str) -> Result<(String, String), String> {
    let (name, value) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}` is not NAME=VALUE"))?;
    if name.is_empty() {
        return Err(format!("`{text}` has no variable name before `=`"));
    }
    Ok((name.to_owned(), value.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn variables_split_at_the_first_equals_sign() {
        assert_eq!(
            parse_variable("url=https://x?a=b").unwrap(),
            ("url".to_owned(), "https://x?a=b".to_owned())
        );
        assert!(parse_variable("novalue").is_err());
        assert!(parse_variable("=x").is_err());
    }
}
