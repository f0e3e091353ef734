//! `connect-rules explain`: each rule's trigger, conditions and actions in words.

use std::path::Path;

use crate::cli::ExplainArgs;
use crate::function::explain_with;
use crate::service::closest;
use crate::validate::DesiredRule;

use super::project::Project;
use super::{load_rules, ExitStatus, Streams};

pub(super) fn run(args: &ExplainArgs, streams: Streams) -> anyhow::Result<ExitStatus> {
    let project = Project::open(&args.project)?;
    let variables = project.variables(args.target.as_deref())?;
    let loaded = load_rules(&project.rules_dir, &variables, &project.function_policy);
    loaded.print_diagnostics(streams.stderr);
    let chosen = match choose(&loaded.rules, &args.names) {
        Ok(chosen) => chosen,
        Err(message) => {
            eprintln!("{message}");
            return Ok(ExitStatus::Failure);
        }
    };
    let text: Vec<String> = chosen
        .iter()
        .map(|desired| {
            format!(
                "{} ({})\n{}\n",
                streams.stdout.bold(&desired.rule.name),
                desired.path.display(),
                explain_with(&desired.rule, &variables)
            )
        })
        .collect();
    print!("{}", text.join("\n"));
    // The valid rules are read aloud even when other files have errors; the exit code still
    // says the files need fixing.
    if loaded.has_errors() {
        eprintln!("some rule files have errors (above); only the valid rules were explained");
        return Ok(ExitStatus::Failure);
    }
    Ok(ExitStatus::Success)
}

/// The rules named by `wanted` (names or file paths), in the order given; every rule when empty.
fn choose<'a>(rules: &'a [DesiredRule], wanted: &[String]) -> Result<Vec<&'a DesiredRule>, String> {
    if wanted.is_empty() {
        return Ok(rules.iter().collect());
    }
    wanted
        .iter()
        .map(|want| {
            rules
                .iter()
                .find(|desired| desired.rule.name == *want || same_file(&desired.path, want))
                .ok_or_else(|| {
                    let names: Vec<String> =
                        rules.iter().map(|desired| desired.rule.name.clone()).collect();
                    let hint = match closest(want, &names) {
                        Some(near) => format!("did you mean `{near}`?"),
                        None => "give a rule name or the path of a rule file; `connect-rules validate` lists the files".to_owned(),
                    };
                    format!("error: no rule named or stored in `{want}`\n  hint: {hint}")
                })
        })
        .collect()
}

fn same_file(path: &Path, wanted: &str) -> bool {
    let wanted = Path::new(wanted);
    path == wanted
        || matches!(
            (path.canonicalize(), wanted.canonicalize()),
            (Ok(a), Ok(b)) if a == b
        )
}
