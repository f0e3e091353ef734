//! Command-line arguments (clap derive). Only argument shapes live here; each command's work
//! is in `commands/`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Manage Amazon Connect rules as code: validate rule files, plan changes against an instance,
/// apply them safely, and run a local Connect rules emulator.
///
/// Exit codes: 0 success (nothing to change), 1 error or invalid input, 2 success with changes
/// pending (`plan --detailed-exitcode`).
#[derive(Debug, Parser)]
#[command(name = "connect-rules", version, propagate_version = true, max_term_width = 100)]
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
    /// Print the JSON Schema of the rule file format (for editor completion and checks).
    ///
    /// Example: connect-rules schema --out schema/rule.schema.json
    Schema(SchemaArgs),
}

/// `validate` options.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The folder holding the rule files.
    #[arg(long, value_name = "DIR", default_value = "rules")]
    pub rules: PathBuf,
    /// A variable for `${var.NAME}` in rule files; repeat for more.
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_variable)]
    pub vars: Vec<(String, String)>,
}

/// `schema` options.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Write the schema to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
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
