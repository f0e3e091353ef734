//! `connect-rules init`: the files a new rules repository starts with. Which files, and what
//! `.gitignore` gains, are decided by pure functions; [`run`] checks that none of them exists,
//! then writes them, each created exclusively (never through a planted link, never over a
//! file that appeared meanwhile).

use std::fs::OpenOptions;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::config::CONFIG_FILE;
use crate::error::UserError;

use super::ExitStatus;

/// The config: a working local target and a commented AWS one.
const CONFIG: &str = include_str!("init/connect-rules.yaml");
/// The example rule, valid with the config's local variables.
const EXAMPLE_RULE: &str = include_str!("init/example-rule.yaml");
/// Where the example rule goes.
const EXAMPLE_RULE_PATH: &str = "rules/negative-sentiment-callback.yaml";
/// The example workflows, named with the `connect-rules-` prefix the plan workflow watches.
const WORKFLOWS: [(&str, &str); 4] = [
    (
        ".github/workflows/connect-rules-plan.yml",
        include_str!("../../examples/github/plan.yml"),
    ),
    (
        ".github/workflows/connect-rules-plan-fork-comment.yml",
        include_str!("../../examples/github/plan-fork-comment.yml"),
    ),
    (
        ".github/workflows/connect-rules-apply.yml",
        include_str!("../../examples/github/apply.yml"),
    ),
    (
        ".github/workflows/connect-rules-drift.yml",
        include_str!("../../examples/github/drift.yml"),
    ),
];
/// The `.gitignore` file, relative to the folder.
const GITIGNORE: &str = ".gitignore";
/// What `.gitignore` gains: the local instance's state and the caches are per machine.
const GITIGNORE_ENTRY: &str =
    "# connect-rules: the local instance's state and the caches (per machine)\n.connect-rules/\n";

/// The files init creates, relative to the folder, with their text.
pub fn files(github: bool) -> Vec<(&'static str, String)> {
    let mut files = vec![
        (CONFIG_FILE, CONFIG.to_owned()),
        ("schema/rule.schema.json", crate::schema::rule_schema_json()),
        (EXAMPLE_RULE_PATH, EXAMPLE_RULE.to_owned()),
    ];
    if github {
        files.extend(
            WORKFLOWS
                .iter()
                .map(|(path, text)| (*path, (*text).to_owned())),
        );
    }
    files
}

/// What to append to a `.gitignore` holding `existing` (`None` when there is none) so that
/// `.connect-rules/` is ignored; `None` when it already is.
pub fn gitignore_addition(existing: Option<&str>) -> Option<String> {
    let Some(existing) = existing else {
        return Some(GITIGNORE_ENTRY.to_owned());
    };
    let ignored = existing.lines().any(|line| {
        matches!(
            line.trim(),
            ".connect-rules" | ".connect-rules/" | "/.connect-rules" | "/.connect-rules/"
        )
    });
    if ignored {
        return None;
    }
    let separator = match existing {
        "" => "",
        text if text.ends_with("\n\n") => "",
        text if text.ends_with('\n') => "\n",
        _ => "\n\n",
    };
    Some(format!("{separator}{GITIGNORE_ENTRY}"))
}

/// Writes the files into `dir` (made when missing), or, when any of them exists, lists them
/// and writes nothing.
pub(super) fn run(dir: &Path, github: bool) -> anyhow::Result<ExitStatus> {
    if let Some((config, rules)) = enclosing_rules_folder(dir) {
        return Err(UserError::new(format!(
            "`{}` is inside `{}`, the rules folder of `{}`: that project would read the new files as rule files; nothing was written",
            shown(dir),
            rules.display(),
            config.display()
        ))
        .with_hint("run init in a folder outside that rules folder")
        .into());
    }
    let files = files(github);
    let gitignore = dir.join(GITIGNORE);
    let existing_gitignore = match std::fs::symlink_metadata(&gitignore) {
        Ok(meta) if meta.is_file() => Some(
            std::fs::read_to_string(&gitignore)
                .with_context(|| format!("failed to read `{}`", shown(&gitignore)))?,
        ),
        Ok(_) => {
            return Err(UserError::new(format!(
                "`{}` is not a regular file (a link or a folder); nothing was written",
                shown(&gitignore)
            ))
            .with_hint("replace it with a regular file, or run init in another folder")
            .into())
        }
        Err(_) => None,
    };
    // A file in the way of a folder (`rules` a file) would stop the writing halfway.
    let taken: std::collections::BTreeSet<PathBuf> = files
        .iter()
        .flat_map(|(path, _)| {
            let path = dir.join(path);
            let mut taken: Vec<PathBuf> = path
                .ancestors()
                .skip(1)
                .take_while(|folder| *folder != dir && !folder.as_os_str().is_empty())
                .filter(|folder| std::fs::symlink_metadata(folder).is_ok_and(|meta| !meta.is_dir()))
                .map(Path::to_path_buf)
                .collect();
            if std::fs::symlink_metadata(&path).is_ok() {
                taken.push(path);
            }
            taken
        })
        .collect();
    if !taken.is_empty() {
        let listed: String = taken
            .iter()
            .flat_map(|path| ["\n  ".to_owned(), shown(path)])
            .collect();
        return Err(UserError::new(format!(
            "init would overwrite files that exist; nothing was written:{listed}"
        ))
        .with_hint("move them away, or run `connect-rules init DIR` for a new folder")
        .into());
    }

    let mut made = Made::default();
    let addition = gitignore_addition(existing_gitignore.as_deref());
    let written = files
        .iter()
        .try_for_each(|(path, text)| create(&dir.join(path), text, &mut made))
        .and_then(|()| match (&addition, &existing_gitignore) {
            (Some(addition), None) => create(&gitignore, addition, &mut made),
            // Last, as an append cannot be taken back.
            (Some(addition), Some(_)) => OpenOptions::new()
                .append(true)
                .open(&gitignore)
                .and_then(|mut file| file.write_all(addition.as_bytes()))
                .with_context(|| format!("failed to add to `{}`", shown(&gitignore))),
            (None, _) => Ok(()),
        });
    if let Err(err) = written {
        made.undo();
        return Err(err.context("init stopped and took back what it had written"));
    }
    for (path, _) in &files {
        eprintln!("created `{}`", shown(&dir.join(path)));
    }
    match (&addition, &existing_gitignore) {
        (Some(_), Some(_)) => eprintln!("added `.connect-rules/` to `{}`", shown(&gitignore)),
        (Some(_), None) => eprintln!("created `{}`", shown(&gitignore)),
        (None, _) => eprintln!("`{}` already ignores `.connect-rules/`", shown(&gitignore)),
    }
    let cd = if dir == Path::new(".") {
        String::new()
    } else {
        format!("cd {} && ", shell_quoted(&shown(dir)))
    };
    eprintln!(
        "\nNext: `{cd}connect-rules plan` shows what `connect-rules apply` would create on the local instance."
    );
    if github {
        eprintln!(
            "The workflows use `OWNER/connect-rules`: replace OWNER with the repository you install connect-rules from, and set the target and role each one names."
        );
    }
    Ok(ExitStatus::Success)
}

/// The config and rules folder of a project whose rules folder holds `dir` (made or not yet):
/// a project reads every `.yaml` under its rules folder as a rule file.
fn enclosing_rules_folder(dir: &Path) -> Option<(PathBuf, PathBuf)> {
    let absolute = std::path::absolute(dir).ok()?;
    // The nearest folder that exists: `dir` itself may be made by init.
    let nearest = absolute.ancestors().find(|folder| folder.is_dir())?;
    let existing = nearest.canonicalize().ok()?;
    let config = crate::settings::nearest_config(&existing, Path::exists)?;
    let config = existing.join(config).canonicalize().ok()?;
    let text = std::fs::read_to_string(&config).ok()?;
    let parsed = crate::config::parse(&text, &config).ok()?;
    let base = config.parent()?;
    let rules = base
        .join(parsed.rules.unwrap_or_else(|| PathBuf::from("rules")))
        .canonicalize()
        .ok()?;
    let inside = existing.join(absolute.strip_prefix(nearest).ok()?);
    let here = std::env::current_dir()
        .and_then(std::fs::canonicalize)
        .unwrap_or_default();
    inside
        .starts_with(&rules)
        .then(|| (from_here(&config, &here), from_here(&rules, &here)))
}

/// `path` relative to `here` when it is under it (`.` for `here` itself), else whole.
fn from_here(path: &Path, here: &Path) -> PathBuf {
    match path.strip_prefix(here) {
        Ok(relative) if relative.as_os_str().is_empty() => PathBuf::from("."),
        Ok(relative) => relative.to_path_buf(),
        Err(_) => path.to_path_buf(),
    }
}

/// What init made so far, to take back when a later file cannot be made: a half-made folder
/// would make the next `init` refuse the files this one wrote.
#[derive(Default)]
struct Made {
    files: Vec<PathBuf>,
    folders: Vec<PathBuf>,
}

impl Made {
    fn undo(&self) {
        for file in self.files.iter().rev() {
            let _ = std::fs::remove_file(file);
        }
        // Innermost first; a folder something else was put in meanwhile stays.
        for folder in self.folders.iter().rev() {
            let _ = std::fs::remove_dir(folder);
        }
    }
}

/// Creates `path` (and its folders) holding `text`; fails when anything is there already.
fn create(path: &Path, text: &str, made: &mut Made) -> anyhow::Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        let missing: Vec<PathBuf> = parent
            .ancestors()
            .take_while(|folder| !folder.as_os_str().is_empty() && !folder.exists())
            .map(Path::to_path_buf)
            .collect();
        std::fs::create_dir_all(parent)
            .with_context(|| format!("failed to create `{}`", shown(parent)))?;
        made.folders.extend(missing.into_iter().rev());
    }
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("failed to create `{}`", shown(path)))?;
    made.files.push(path.to_path_buf());
    file.write_all(text.as_bytes())
        .with_context(|| format!("failed to write `{}`", shown(path)))
}

/// `text` as a POSIX shell reads it back: as it is when it holds only safe characters, else in
/// single quotes.
fn shell_quoted(text: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "-_./+@%:,".contains(c);
    if !text.is_empty() && text.chars().all(safe) {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

/// `path` without a leading `./`.
fn shown(path: &Path) -> String {
    let shown = path.strip_prefix(".").unwrap_or(path).display().to_string();
    if shown.is_empty() {
        ".".to_owned()
    } else {
        shown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_gitignore_gets_the_entry_alone() {
        assert_eq!(gitignore_addition(None).as_deref(), Some(GITIGNORE_ENTRY));
    }

    #[test]
    fn an_existing_gitignore_is_added_to_after_a_blank_line() {
        assert_eq!(
            gitignore_addition(Some("/target\n")).unwrap(),
            format!("\n{GITIGNORE_ENTRY}")
        );
        assert_eq!(
            gitignore_addition(Some("/target")).unwrap(),
            format!("\n\n{GITIGNORE_ENTRY}")
        );
    }

    #[test]
    fn a_gitignore_that_ignores_the_folder_already_is_left_alone() {
        for line in [".connect-rules/", "/.connect-rules", "  .connect-rules  "] {
            assert_eq!(
                gitignore_addition(Some(&format!("/target\n{line}\n"))),
                None
            );
        }
        // A line that only mentions the folder is not an entry for it.
        assert!(gitignore_addition(Some("# .connect-rules/\n")).is_some());
    }

    #[test]
    fn the_workflows_are_written_only_with_github() {
        let paths = |github| -> Vec<&str> { files(github).iter().map(|(p, _)| *p).collect() };
        assert!(!paths(false).iter().any(|p| p.starts_with(".github/")));
        assert_eq!(
            paths(true)
                .iter()
                .filter(|p| p.starts_with(".github/workflows/connect-rules-"))
                .count(),
            4
        );
    }

    #[test]
    fn the_config_parses_and_its_default_target_is_the_local_instance() {
        let config = crate::config::parse(CONFIG, Path::new(CONFIG_FILE)).unwrap();
        assert_eq!(config.default_target.as_deref(), Some("local"));
        assert!(config.targets["local"].local_state.is_some());
        assert_eq!(config.targets.len(), 1, "the AWS target is commented out");
        // The commented AWS target parses once uncommented.
        let uncommented = CONFIG
            .replace("  # prod:", "  prod:")
            .replace("  #   ", "    ");
        let config = crate::config::parse(&uncommented, Path::new(CONFIG_FILE)).unwrap();
        assert!(config.targets["prod"].instance_arn.is_some());
    }

    #[test]
    fn what_init_made_is_taken_back_and_only_that() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("rules")).unwrap();
        let mut made = Made::default();
        create(&dir.path().join("rules/a.yaml"), "a", &mut made).unwrap();
        create(&dir.path().join("schema/deep/b.json"), "b", &mut made).unwrap();
        assert!(create(&dir.path().join("rules/a.yaml"), "again", &mut made).is_err());
        made.undo();
        assert!(
            dir.path().join("rules").is_dir(),
            "a folder that was there stays"
        );
        assert!(!dir.path().join("rules/a.yaml").exists());
        assert!(!dir.path().join("schema").exists());
    }

    #[test]
    fn the_next_step_quotes_a_folder_the_shell_would_split() {
        assert_eq!(shell_quoted("proj/rules-1"), "proj/rules-1");
        assert_eq!(shell_quoted("with space/ünï"), "'with space/ünï'");
        assert_eq!(shell_quoted("it's"), "'it'\\''s'");
    }
}
