//! `connect-rules export --update`: takes changes made on the instance (console edits) back
//! into git. Each rule file whose rule differs from its live rule is written again, at its own
//! path, from the live rule, keeping the file's comments where their values still are and the
//! `${var.NAME}` / `${KIND:NAME}` values that still stand for the live values; a plan right
//! after shows no change. A `${var.NAME}` the file wrote is never dropped: where the variable's
//! value differs from the live value it is kept, and said. Each comment not kept is named with
//! its old line. Nothing is written unless every file to rewrite can be written and none has
//! changes git has not committed (a local edit not applied yet also differs from the instance).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::Context;

use crate::diff::changed_fields;
use crate::error::{self, UserError};
use crate::export::{carry_comments, export_rule, keeping, KeptVariable, NotKept, WriteBack};
use crate::glob::glob_match;
use crate::load::{load_rules, load_rules_resolved, resolve_variables, LoadedRules};
use crate::model::ownership::with_ownership;
use crate::model::LiveRule;
use crate::settings::ExportSettings;
use crate::style::Styles;

use super::super::session::Session;
use super::super::ExitStatus;
use super::uncommitted::{uncommitted, GitStatus};
use super::{path_lines, read_live_and_names, resolver, writing};

/// Why a rule file was left as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Left {
    /// Its rule is the live rule.
    Same,
    /// No live rule has its name (a plan would create it).
    NotLive,
    /// The config's `ignore` names it.
    Ignored,
    /// It differs from the live rule only where its variables give other values.
    VariablesDiffer,
}

impl Left {
    fn reason(self) -> &'static str {
        match self {
            Left::Same => "the same as on the instance",
            Left::NotLive => "not on the instance (a plan would create it)",
            Left::Ignored => "ignored by the config's `ignore`",
            Left::VariablesDiffer => {
                "it differs from the instance only where its variables stand (kept as written)"
            }
        }
    }
}

/// A file to write again.
struct Rewrite {
    path: PathBuf,
    rule_name: String,
    text: String,
    fields: Vec<String>,
    /// How many of the file's comments (below its header) were put back.
    comments_kept: usize,
    comments_not_kept: Vec<NotKept>,
    kept_variables: Vec<KeptVariable>,
}

/// A file left as it is, and why.
struct Unwritten {
    path: PathBuf,
    rule_name: String,
    why: Left,
    /// The variables whose values differ from the live values.
    variables: Vec<KeptVariable>,
}

impl Unwritten {
    fn new(path: &std::path::Path, rule_name: &str, why: Left) -> Self {
        Unwritten {
            path: path.to_path_buf(),
            rule_name: rule_name.to_owned(),
            why,
            variables: Vec::new(),
        }
    }
}

pub(super) async fn run(args: &ExportSettings, styles: Styles) -> anyhow::Result<ExitStatus> {
    let rules = &args.settings.rules;
    let variables = &args.settings.target.variables;
    // The files must load before anything is read: a rewrite starts from what they say.
    let offline = load_rules(&rules.dir, variables, &rules.policy);
    refuse_broken(&offline)?;

    let session = Session::open(args.settings.target.clone()).await?;
    let place = session.location();
    let file_names: Vec<String> = offline.rules.iter().map(|d| d.rule.name.clone()).collect();
    let read = read_live_and_names(&session, args, &offline.resource_kinds, &file_names).await;
    session.close().await;
    let (live, directory) = read?;
    let loaded = load_rules_resolved(
        &rules.dir,
        variables,
        &rules.policy,
        None,
        resolver(directory.as_ref()),
    );
    refuse_broken(&loaded)?;
    let (resolved, _, _) = resolve_variables(variables, resolver(directory.as_ref()));
    let write_back = WriteBack {
        variables: &resolved,
        directory: directory.as_ref(),
        name_ids: !args.raw_ids,
        only_kept: true,
    };

    let live_by_name: BTreeMap<&str, &LiveRule> = live
        .iter()
        .map(|rule| (rule.rule.name.as_str(), rule))
        .collect();
    let mut rewrites = Vec::new();
    let mut left = Vec::new();
    let mut failed = false;
    let selected = loaded.rules.iter().filter(|desired| {
        args.name.is_empty()
            || args
                .name
                .iter()
                .any(|pattern| glob_match(pattern, &desired.rule.name))
    });
    for desired in selected {
        let name = desired.rule.name.as_str();
        if args
            .settings
            .diff
            .ignore
            .iter()
            .any(|p| glob_match(p, name))
        {
            left.push(Unwritten::new(&desired.path, name, Left::Ignored));
            continue;
        }
        let Some(current) = live_by_name.get(name) else {
            left.push(Unwritten::new(&desired.path, name, Left::NotLive));
            continue;
        };
        let fields: Vec<String> = changed_fields(
            &with_ownership(&current.rule),
            &with_ownership(&desired.rule),
        )
        .into_iter()
        .map(|change| change.field)
        .collect();
        if fields.is_empty() {
            left.push(Unwritten::new(&desired.path, name, Left::Same));
            continue;
        }
        let old = std::fs::read_to_string(&desired.path)
            .with_context(|| format!("failed to read `{}`", desired.path.display()))?;
        let keeping = keeping(&old).map_err(|message| {
            UserError::new(format!("`{}`: {message}", desired.path.display()))
        })?;
        if let Some(why) =
            crate::export::moved_variable(&keeping.kept, &desired.rule, &current.rule)
        {
            failed = true;
            error::report(
                UserError::new(format!(
                    "`{}` was not rewritten from the live rule `{name}`: {why}, so which item its variable belongs to cannot be told",
                    desired.path.display()
                ))
                .with_hint(format!(
                    "edit the file by hand: `connect-rules export --only {name} --out-dir DIR` writes the live rule beside it"
                )),
                styles.stderr,
            );
            continue;
        }
        match export_rule(
            &current.rule,
            &desired.path,
            &keeping.kept,
            &keeping.header,
            &write_back,
            &rules.policy,
        ) {
            Ok(exported) => {
                let mut carried = carry_comments(&old, &exported.text);
                carried.text = crate::export::in_the_form_of(&old, &carried.text);
                // Differences the file does not hold (tags the tool adds, or values its
                // variables give): nothing to write.
                let same_rule = changed_fields(
                    &with_ownership(&exported.loads_as),
                    &with_ownership(&desired.rule),
                )
                .is_empty();
                if carried.text == old || same_rule {
                    let mut kept = Unwritten::new(&desired.path, name, Left::Same);
                    if !exported.kept_variables.is_empty() {
                        kept.why = Left::VariablesDiffer;
                        kept.variables = exported.kept_variables;
                    }
                    left.push(kept);
                } else {
                    rewrites.push(Rewrite {
                        path: desired.path.clone(),
                        rule_name: name.to_owned(),
                        text: carried.text,
                        fields,
                        comments_kept: carried.kept,
                        comments_not_kept: carried.not_kept,
                        kept_variables: exported.kept_variables,
                    });
                }
            }
            Err(message) => {
                failed = true;
                error::report(
                    UserError::new(format!(
                        "`{}` was not rewritten from the live rule `{name}`: {message}",
                        desired.path.display()
                    )),
                    styles.stderr,
                );
            }
        }
    }

    let paths: Vec<PathBuf> = rewrites.iter().map(|r| r.path.clone()).collect();
    if !args.force && !paths.is_empty() {
        refuse_uncommitted(&args.settings.diff.source_base, &paths)?;
    }
    writing::check_writable(&paths)?;
    writing::write_all(
        rewrites
            .iter()
            .map(|r| (r.path.as_path(), r.text.as_bytes())),
        |path, bytes| {
            crate::safe_write::replace_file(path, bytes, crate::safe_write::Durability::Synced)
        },
    )?;
    crate::out::out!("{}", report(&rewrites, &left));
    let live_names: BTreeSet<&str> = loaded.rules.iter().map(|r| r.rule.name.as_str()).collect();
    let not_in_git = live
        .iter()
        .filter(|rule| !live_names.contains(rule.rule.name.as_str()))
        .count();
    eprintln!(
        "rewrote {} file{}, left {} from {place}{}",
        rewrites.len(),
        if rewrites.len() == 1 { "" } else { "s" },
        left.len(),
        match not_in_git {
            0 => String::new(),
            n => format!(
                "; {n} live rule{} not in git (write {} with `export`)",
                if n == 1 { " is" } else { "s are" },
                if n == 1 { "it" } else { "them" }
            ),
        }
    );
    Ok(if failed {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// Refuses the `paths` git reports as not committed; says once when git cannot tell.
fn refuse_uncommitted(base: &std::path::Path, paths: &[PathBuf]) -> anyhow::Result<()> {
    match uncommitted(base, paths) {
        GitStatus::Checked(changed) if changed.is_empty() => Ok(()),
        GitStatus::Checked(changed) => Err(UserError::new(format!(
            "these rule files have changes not committed to git, which rewriting them from \
             the instance would lose; nothing was written:{}",
            path_lines(&changed)
        ))
        .with_hint(
            "commit or stash them first; if they are the newer version, `plan` and `apply` them \
             instead; or pass `--force` to overwrite them with the instance's rules",
        )
        .into()),
        GitStatus::Unknown(why) => {
            eprintln!(
                "note: {why}, so local edits not committed cannot be told from changes on the \
                 instance; the files are rewritten from the instance"
            );
            Ok(())
        }
    }
}

/// One line per file: what was rewritten (which fields differed from the instance, how many of
/// its comments were kept, and one line per comment not kept, with its old line, and per
/// variable kept at another value), then what was left and why; by path.
fn report(rewrites: &[Rewrite], left: &[Unwritten]) -> String {
    let mut out = String::new();
    for rewrite in rewrites {
        let _ = write!(
            out,
            "rewrote `{}` (rule `{}`) from the instance: {} differed (changed on the instance \
             or not applied yet)",
            rewrite.path.display(),
            rewrite.rule_name,
            rewrite.fields.join(", ")
        );
        let not_kept = rewrite.comments_not_kept.len();
        match (rewrite.comments_kept, not_kept) {
            (0, 0) => {}
            (kept, 0) => {
                let _ = write!(out, "; {kept} comment{} kept", plural(kept));
            }
            (kept, not_kept) => {
                let _ = write!(
                    out,
                    "; {kept} of {} comment{} kept",
                    kept + not_kept,
                    plural(kept + not_kept)
                );
            }
        }
        for comment in &rewrite.comments_not_kept {
            let _ = write!(
                out,
                "\n  not kept: `{}:{}` `{}`: {}",
                rewrite.path.display(),
                comment.line,
                comment.text,
                comment.why.reason()
            );
        }
        if not_kept > 0 {
            let _ = write!(
                out,
                "\n  hint: `git diff {}` shows {}; copy back what still applies",
                rewrite.path.display(),
                if not_kept == 1 { "it" } else { "them" }
            );
        }
        for kept in &rewrite.kept_variables {
            let _ = write!(out, "\n  {}", kept.describe());
        }
        out.push('\n');
    }
    let mut left: Vec<_> = left.iter().collect();
    left.sort_by(|a, b| (&a.path, &a.rule_name, a.why).cmp(&(&b.path, &b.rule_name, b.why)));
    for kept in left {
        let _ = write!(
            out,
            "left `{}` (rule `{}`): {}",
            kept.path.display(),
            kept.rule_name,
            kept.why.reason()
        );
        for variable in &kept.variables {
            let _ = write!(out, "\n  {}", variable.describe());
        }
        out.push('\n');
    }
    out
}

fn plural(count: usize) -> &'static str {
    if count == 1 {
        ""
    } else {
        "s"
    }
}

/// Stops on a folder that does not load: a rewrite starts from what the files say.
fn refuse_broken(loaded: &LoadedRules) -> anyhow::Result<()> {
    if !loaded.has_errors() {
        return Ok(());
    }
    let mut findings = String::new();
    for finding in loaded.diagnostics.iter().filter(|f| f.is_error()) {
        let _ = write!(findings, "\n  {finding}");
    }
    Err(UserError::new(format!(
        "the rule files have errors; nothing was written:{findings}"
    ))
    .with_hint("fix them (`connect-rules validate` lists them), then run `export --update` again")
    .into())
}
