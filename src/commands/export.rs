//! `connect-rules export`: live rules to rule files.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use anyhow::Context;

use crate::cli::ExportArgs;
use crate::export::export;
use crate::glob::glob_match;
use crate::schema::SCHEMA_PATH;

use super::project::Project;
use super::session::Session;
use super::{load_rules, ExitStatus};

pub(super) async fn run(args: &ExportArgs) -> anyhow::Result<ExitStatus> {
    let project = Project::open(&args.project)?;
    let mut target = project.target(&args.target)?;
    // An export must write exactly what is live, tags included: no cached describes.
    target.cache = false;
    let variables = target.variables.clone();
    let out_dir = args
        .out_dir
        .clone()
        .unwrap_or_else(|| project.rules_dir.clone());

    let session = Session::open(target).await?;
    let place = session.describe();
    let fetched = session.read_live().await;
    session.close().await;
    let mut live = fetched?;
    if let Some(pattern) = &args.name {
        live.retain(|rule| glob_match(pattern, &rule.rule.name));
    }
    if live.is_empty() {
        eprintln!("no live rules to export from {place}");
        return Ok(ExitStatus::Success);
    }

    // Rules already defined in git (anywhere under the rules folder) are not exported again:
    // a second file with the same name would make every later plan fail.
    let in_git: BTreeMap<String, PathBuf> =
        load_rules(&project.rules_dir, &variables, &project.function_policy)
            .rules
            .into_iter()
            .map(|desired| (desired.rule.name, desired.path))
            .collect();
    let (files, problems) = export(
        &live,
        &variables,
        &schema_ref(&out_dir),
        &project.function_policy,
    );
    let (files, already): (Vec<_>, Vec<_>) = files.into_iter().partition(|file| {
        in_git
            .get(&file.rule_name)
            .is_none_or(|path| *path == out_dir.join(&file.file_name))
    });
    for file in &already {
        eprintln!(
            "skipped `{}`: it is already in git, in `{}`",
            file.rule_name,
            in_git[&file.rule_name].display()
        );
    }
    for problem in &problems {
        eprintln!(
            "error: rule `{}` was not exported: {}",
            problem.rule_name, problem.message
        );
    }
    // A link where a rule file goes is refused whatever the flags: writing through it (or
    // replacing it) would put the rule wherever the link points, outside `--out-dir`.
    let linked: Vec<PathBuf> = files
        .iter()
        .map(|file| out_dir.join(&file.file_name))
        .filter(|path| crate::safe_write::refuse_link(path).is_err())
        .collect();
    if !linked.is_empty() {
        eprintln!(
            "error: these paths are symbolic links or not regular files; nothing was written:"
        );
        for path in &linked {
            eprintln!("  {}", path.display());
        }
        eprintln!("  hint: remove them (a rule file is a plain file), or pass `--out-dir` to write elsewhere");
        return Ok(ExitStatus::Failure);
    }
    let existing: Vec<PathBuf> = files
        .iter()
        .map(|file| out_dir.join(&file.file_name))
        .filter(|path| path.exists())
        .collect();
    if !existing.is_empty() && !args.overwrite {
        eprintln!("error: these files already exist; nothing was written:");
        for path in &existing {
            eprintln!("  {}", path.display());
        }
        eprintln!("  hint: pass `--overwrite` to replace them, or `--out-dir` to write elsewhere");
        return Ok(ExitStatus::Failure);
    }
    std::fs::create_dir_all(&out_dir)
        .with_context(|| format!("failed to create `{}`", out_dir.display()))?;
    for file in &files {
        let path = out_dir.join(&file.file_name);
        // A temporary file created exclusively under a random name, renamed over the rule
        // file: never through a link, never half-written.
        crate::safe_write::write_file(
            &path,
            file.text.as_bytes(),
            crate::safe_write::Durability::Synced,
        )
        .with_context(|| format!("failed to write `{}`", path.display()))?;
        println!("wrote `{}` (rule `{}`)", path.display(), file.rule_name);
    }
    eprintln!(
        "exported {} rule{} from {place}",
        files.len(),
        if files.len() == 1 { "" } else { "s" }
    );
    Ok(if problems.is_empty() {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    })
}

/// The `$schema` path as seen from a file in `out_dir` (relative to the repository root).
fn schema_ref(out_dir: &Path) -> String {
    let components: Vec<Component> = out_dir.components().collect();
    if components
        .iter()
        .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        // `..` and friends: a path from the current folder is always right.
        return std::env::current_dir().map_or_else(
            |_| SCHEMA_PATH.to_owned(),
            |dir| dir.join(SCHEMA_PATH).display().to_string(),
        );
    }
    let depth = components
        .iter()
        .filter(|c| matches!(c, Component::Normal(_)))
        .count();
    format!("{}{SCHEMA_PATH}", "../".repeat(depth))
}
