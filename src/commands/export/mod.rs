//! `connect-rules export`: live rules to rule files; with `--update`, the files of rules
//! changed on the instance written again ([`update`]).

mod uncommitted;
mod update;
mod writing;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Component, Path, PathBuf};

use anyhow::Context;

use crate::error::{self, UserError};
use crate::export::{export, kinds_used, schema_header, WriteBack};
use crate::glob::glob_match;
use crate::load::{load_rules, resolve_variables};
use crate::model::LiveRule;
use crate::reference::{Directory, Resolver, ResourceKind};
use crate::schema::SCHEMA_PATH;
use crate::selection::Selection;
use crate::settings::ExportSettings;
use crate::style::Styles;

use super::session::Session;
use super::ExitStatus;

pub(super) async fn run(args: &ExportSettings, styles: Styles) -> anyhow::Result<ExitStatus> {
    if args.update {
        return update::run(args, styles).await;
    }
    let rules = &args.settings.rules;
    let variables = &args.settings.target.variables;
    let out_dir = &args.out_dir;

    // Rules already defined in git (anywhere under the rules folder) are not exported again:
    // a second file with the same name would make every later plan fail.
    let in_git: BTreeMap<String, PathBuf> = load_rules(&rules.dir, variables, &rules.policy)
        .rules
        .into_iter()
        .map(|desired| (desired.rule.name, desired.path))
        .collect();
    let file_names: Vec<String> = in_git.keys().cloned().collect();

    // The settings turn the describe cache off: an export writes exactly what is live.
    let session = Session::open(args.settings.target.clone()).await?;
    let place = session.location();
    let fetched = read_live_and_names(&session, args, &BTreeSet::new(), &file_names).await;
    session.close().await;
    let (live, directory) = fetched?;
    if live.is_empty() {
        eprintln!("no live rules to export from {place}");
        return Ok(ExitStatus::Success);
    }
    let (resolved, _, _) = resolve_variables(variables, resolver(directory.as_ref()));
    let write_back = WriteBack {
        variables: &resolved,
        directory: directory.as_ref(),
        name_ids: !args.raw_ids,
        only_kept: false,
    };
    let header = schema_ref(out_dir, &args.settings.diff.source_base)
        .map(|schema| schema_header(&schema))
        .unwrap_or_default();
    let (files, problems) = export(&live, &write_back, &header, &rules.policy);
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
        error::report(
            UserError::new(format!(
                "rule `{}` was not exported: {}",
                problem.rule_name, problem.message
            )),
            styles.stderr,
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
        return Err(UserError::new(format!(
            "these paths are symbolic links or not regular files; nothing was written:{}",
            path_lines(&linked)
        ))
        .with_hint(
            "remove them (a rule file is a plain file), or pass `--out-dir` to write elsewhere",
        )
        .into());
    }
    let existing: Vec<PathBuf> = files
        .iter()
        .map(|file| out_dir.join(&file.file_name))
        .filter(|path| path.exists())
        .collect();
    if !existing.is_empty() && !args.overwrite {
        return Err(UserError::new(format!(
            "these files already exist; nothing was written:{}",
            path_lines(&existing)
        ))
        .with_hint("pass `--overwrite` to replace them, or `--out-dir` to write elsewhere")
        .into());
    }
    std::fs::create_dir_all(out_dir)
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
        crate::out::outln!("wrote `{}` (rule `{}`)", path.display(), file.rule_name);
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

/// The live rules `--name` selects and the instance's resources of the kinds `needed` (those
/// the rule files name) and, unless `--raw-ids`, of the kinds the live rules' ids and the
/// variables' references are of: every page, through the client and its rate limiter. `None`
/// when no kind is needed (no list call is made). A `--name` that matches no rule, live or in
/// `file_names` (the rule files'), is an error with a did-you-mean, as on `plan`.
pub(super) async fn read_live_and_names(
    session: &Session,
    args: &ExportSettings,
    needed: &BTreeSet<ResourceKind>,
    file_names: &[String],
) -> anyhow::Result<(Vec<LiveRule>, Option<Directory>)> {
    let mut live = session.read_live().await?;
    if !args.name.is_empty() {
        let mut names: Vec<String> = live
            .iter()
            .map(|rule| rule.rule.name.clone())
            .chain(file_names.iter().cloned())
            .collect();
        names.sort();
        names.dedup();
        Selection::new(args.name.clone()).check_matches(&names)?;
        live.retain(|rule| args.name.iter().any(|p| glob_match(p, &rule.rule.name)));
    }
    let mut kinds = needed.clone();
    if !args.raw_ids && !live.is_empty() {
        let (_, in_variables, _) =
            resolve_variables(&args.settings.target.variables, Resolver::Offline);
        kinds.extend(kinds_used(live.iter().map(|rule| &rule.rule)));
        kinds.extend(in_variables.kinds);
    }
    if kinds.is_empty() {
        return Ok((live, None));
    }
    let directory = session.read_directory(&kinds).await?;
    Ok((live, Some(directory)))
}

/// What references resolve against: the directory read, else nothing.
pub(super) fn resolver(directory: Option<&Directory>) -> Resolver<'_> {
    directory.map_or(Resolver::Offline, Resolver::Instance)
}

/// Each path on a line of its own, indented, after the sentence that names them.
fn path_lines(paths: &[PathBuf]) -> String {
    let mut lines = String::new();
    for path in paths {
        let _ = write!(lines, "\n  {}", path.display());
    }
    lines
}

/// The `$schema` path as seen from a file in `out_dir`: the schema beside the config (in
/// `base`, empty for the current folder), when that file exists; `None` when it does not (a
/// repository without the schema gets no `$schema` line).
fn schema_ref(out_dir: &Path, base: &Path) -> Option<String> {
    let schema = base.join(SCHEMA_PATH);
    if !schema.is_file() {
        return None;
    }
    let from = lexical_absolute(out_dir)?;
    let to = lexical_absolute(&schema)?;
    let common = from
        .components()
        .zip(to.components())
        .take_while(|(a, b)| a == b)
        .count();
    let mut relative = "../".repeat(from.components().count() - common);
    let rest: Vec<String> = to
        .components()
        .skip(common)
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    relative.push_str(&rest.join("/"));
    Some(relative)
}

/// `path` from the root, `.` and `..` taken away by reading the path (no link is followed).
fn lexical_absolute(path: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(path).ok()?;
    let mut out = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_line_points_at_the_schema_from_the_files_folder_only_when_it_exists() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        assert_eq!(schema_ref(&root.join("rules"), root), None);
        std::fs::create_dir_all(root.join("schema")).unwrap();
        std::fs::write(root.join(SCHEMA_PATH), "{}").unwrap();
        let from = |out: &str| schema_ref(&root.join(out), root);
        assert_eq!(from("rules").as_deref(), Some("../schema/rule.schema.json"));
        assert_eq!(
            from("rules/imported/./x/..").as_deref(),
            Some("../../schema/rule.schema.json")
        );
        assert_eq!(from(".").as_deref(), Some("schema/rule.schema.json"));
        // Written from the schema's file, the path resolves to it.
        let file_folder = root.join("rules/imported");
        std::fs::create_dir_all(&file_folder).unwrap();
        let written = schema_ref(&file_folder, root).unwrap();
        assert!(file_folder.join(written).is_file());
    }
}
