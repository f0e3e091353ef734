//! `connect-rules apply`: checks, confirmation, execution and the re-plan that proves it.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::IsTerminal as _;
use std::path::Path;
use std::sync::Arc;

use anyhow::Context;

use crate::apply::safety;
use crate::apply::{apply, ApplyReport, Outcome, RuleOutcome, Stop};
use crate::error::{self, UserError};
use crate::load::{load_rules_cached, LoadedRules};
use crate::plan::{Change, Plan};
use crate::render;
use crate::selection::Selection;
use crate::settings::ApplySettings;
use crate::style::Styles;

use super::confirm::confirm;
use super::session::{checked_cache, Session};
use super::{new_plan_id, print_findings, ExitStatus};

/// What one apply run works with, once the rule files are loaded and the target is open.
struct Run<'a> {
    settings: &'a ApplySettings,
    session: &'a Session,
    loaded: &'a LoadedRules,
    /// `--only`, or the saved plan's own selection.
    selection: Selection,
    styles: Styles,
}

/// Applies `saved` (the plan in `settings.plan_file`), or plans and asks.
pub(super) async fn run(
    settings: &ApplySettings,
    saved: Option<Plan>,
    styles: Styles,
) -> anyhow::Result<ExitStatus> {
    let target = &settings.settings.target;
    if let Some(plan) = &saved {
        if plan.target.instance_id != target.instance_id || plan.target.name != target.name {
            let hint = if plan.target.name == target.name {
                format!(
                    "the target names another instance than when the plan was made; run `connect-rules plan --target {} --out FILE` again",
                    plan.target.name
                )
            } else if settings.configured_targets.contains(&plan.target.name) {
                "leave out the flags that name another instance, or run `connect-rules plan --out` for this target".to_owned()
            } else {
                format!(
                    "pass `--instance-id {}`, or run `connect-rules plan --out` for this instance",
                    plan.target.instance_id
                )
            };
            return Err(UserError::new(format!(
                "the plan was made for instance `{}` (target `{}`), but this run targets instance `{}` (target `{}`); nothing was changed",
                plan.target.instance_id, plan.target.name, target.instance_id, target.name
            ))
            .with_hint(hint)
            .into());
        }
        // Every local instance has the id `local`: its state file is what names it. (A plan
        // file from before `local_state` was recorded names none, and is not refused here.)
        let now = target.plan_target();
        if let (Some(planned), Some(current)) = (&plan.target.local_state, &now.local_state) {
            if planned != current {
                return Err(UserError::new(format!(
                    "the plan was made for {} (target `{}`), but this run targets {}; nothing was changed",
                    plan.target.instance(),
                    plan.target.name,
                    now.instance()
                ))
                .with_hint(format!(
                    "the target's `local_state` changed since the plan was made; run `connect-rules plan --target {} --out FILE` again",
                    plan.target.name
                ))
                .into());
            }
        }
    }
    let selection = selection(&settings.settings.selection, saved.as_ref())?;
    // The settings leave the check cache off for apply.
    let rules = &settings.settings.rules;
    let loaded = load_rules_cached(
        &rules.dir,
        &target.variables,
        &rules.policy,
        checked_cache(&settings.settings).as_ref(),
    );
    print_findings(&loaded.diagnostics, styles.stderr);
    if loaded.has_errors() {
        eprintln!("the rule files have errors; nothing was sent to the instance");
        if saved.is_some() {
            eprintln!(
                "  {} a saved plan is applied only where it still agrees with the rule files; fix them and re-run plan",
                styles.stderr.hint("hint:")
            );
        }
        return Ok(ExitStatus::Failure);
    }

    let session = Session::open(target.clone()).await?;
    if let Some(plan) = &saved {
        if let Err(err) = super::plan::check_saved_resolutions(&session, plan).await {
            session.close().await;
            return Err(err);
        }
    }
    let resolved = match session
        .resolve_references(&settings.settings, &loaded)
        .await
    {
        Ok(resolved) => resolved,
        Err(err) => {
            session.close().await;
            return Err(err);
        }
    };
    let loaded = match resolved {
        Some(resolved) => {
            // The first load's findings were printed already.
            print_findings(&resolved.findings_beyond(&loaded), styles.stderr);
            if resolved.has_errors() {
                session.close().await;
                eprintln!("the rule files name resources the instance does not have; nothing was sent to the instance");
                return Ok(ExitStatus::Failure);
            }
            resolved
        }
        None => loaded,
    };
    let run = Run {
        settings,
        session: &session,
        loaded: &loaded,
        selection,
        styles,
    };
    let result = run.with_session(saved).await;
    session.close().await;
    result
}

impl Run<'_> {
    async fn with_session(&self, saved: Option<Plan>) -> anyhow::Result<ExitStatus> {
        let (session, options, styles) = (self.session, &self.settings.settings.diff, self.styles);
        session.check_pins().await?;
        let live = session.read_live().await?;
        let plan_target = session.plan_target();
        let from_file = saved.is_some();
        let derived =
            self.selection
                .diff(plan_target.clone(), &self.loaded.rules, &live, options)?;
        let plan = match saved {
            Some(plan) => {
                let mut reasons = safety::stale_reasons(&plan, &live);
                if reasons.is_empty() {
                    reasons = safety::disagreements(&plan, &derived);
                }
                if !reasons.is_empty() {
                    let mut listed = String::new();
                    for reason in &reasons {
                        let _ = write!(listed, "\n  - {reason}");
                    }
                    return Err(UserError::new(format!(
                        "the plan is stale: re-run plan. Nothing was changed.{listed}"
                    ))
                    .into());
                }
                // The plan's changes, as made from the files now (they were just found equal).
                let planned: std::collections::BTreeSet<&str> =
                    plan.changes.iter().map(Change::name).collect();
                let changes = derived
                    .changes
                    .into_iter()
                    .filter(|change| planned.contains(change.name()))
                    .collect();
                let mut plan =
                    Plan::new(plan.target, changes, derived.unmanaged).with_id(plan.plan_id);
                plan.only = derived.only;
                plan
            }
            None => derived.with_id(new_plan_id()).with_resolutions(
                crate::plan::resolutions::from_resolved(&self.loaded.resolved),
            ),
        };

        if !plan.has_changes() {
            crate::out::out!("{}", render::text::render(&plan, styles.stdout));
            return Ok(ExitStatus::Success);
        }
        let ownership = options.ownership();
        let refusals = safety::refusals(&plan, &live, &self.settings.permissions, options);
        // What is live was needed for the plan and its checks; the re-plan reads it afresh, so
        // holding this copy through the apply would only double the memory of a large run.
        drop(live);
        if !from_file {
            crate::out::out!("{}", render::text::render(&plan, styles.stdout));
        }
        if !refusals.is_empty() {
            // Every refusal is reported, not only the first: one run shows all there is to fix.
            for refusal in refusals {
                error::report(
                    UserError::new(refusal.message).with_hint(refusal.hint),
                    styles.stderr,
                );
            }
            eprintln!("Nothing was changed.");
            return Ok(ExitStatus::Failure);
        }
        if !from_file
            && !self.settings.auto_approve
            && !confirm(
                "Apply these changes",
                &session.location(),
                "review the plan above and pass `--auto-approve`, or save it with `connect-rules plan --out plan.json` and run `connect-rules apply plan.json`",
            )?
        {
            return Ok(ExitStatus::Failure);
        }
        let bar = progress_bar(plan.changes.len());
        let progress: crate::apply::Progress = {
            let shared_bar = bar.clone();
            Arc::new(move |row: &RuleOutcome| {
                let message = outcome_line(row);
                match &shared_bar {
                    Some(progress) => {
                        progress.inc(1);
                        progress.set_message(row.name.clone());
                        if !matches!(row.outcome, Outcome::Applied) {
                            progress.println(message);
                        }
                    }
                    None => eprintln!("{message}"),
                }
            })
        };
        // Forget the cached descriptions of the rules about to change before changing them, and
        // again after: tag calls do not move LastUpdatedTime, so an entry kept past a tag change
        // (the run killed right after it, or another plan caching the old tags meanwhile) would
        // hide that change from every later plan.
        forget_cached(session, &plan);
        let (stopper, stop) = Stop::new();
        let applied = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        stop_on_signal(stopper, std::sync::Arc::clone(&applied));
        let report = apply(
            &session.client,
            &plan,
            self.settings.parallelism,
            &ownership,
            stop.clone(),
            progress,
        )
        .await;
        applied.store(true, std::sync::atomic::Ordering::SeqCst);
        forget_cached(session, &plan);
        drop(plan);
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        if stop.requested() {
            crate::out::out!("\n{}", report.table());
            return Err(UserError::new(
                "apply was interrupted: the changes marked applied were made, the others were not started; run plan and apply again to finish",
            )
            .into());
        }
        self.finish(&report).await
    }

    async fn finish(&self, report: &ApplyReport) -> anyhow::Result<ExitStatus> {
        let (session, loaded, styles) = (self.session, self.loaded, self.styles);
        if report.has_failures() {
            crate::out::out!("\n{}", report.table());
            let failed = report
                .outcomes
                .iter()
                .any(|row| matches!(row.outcome, Outcome::Failed { .. }));
            return Err(UserError::new(if failed {
                "some changes failed; fix the cause and run apply again: it finishes what is left without duplicates"
            } else {
                "some changes were skipped: the instance no longer agrees with the plan (see the table); run plan again"
            })
            .into());
        }
        crate::out::outln!(
            "\nApply complete: {} change{} applied.",
            report.outcomes.len(),
            if report.outcomes.len() == 1 { "" } else { "s" }
        );
        if loaded.has_errors() {
            return Ok(ExitStatus::Success);
        }
        let live = session.read_live().await?;
        let after = self.selection.filtered_diff(
            session.plan_target(),
            &loaded.rules,
            &live,
            &self.settings.settings.diff,
        );
        let applied: BTreeSet<&str> = report
            .outcomes
            .iter()
            .map(|row| row.name.as_str())
            .collect();
        let remaining = after.has_changes();
        let (unfinished, not_planned) =
            safety::leftovers(after, &applied, self.settings.plan_file.is_some());
        if let Some(unfinished) = unfinished {
            crate::out::outln!("The instance still differs from the rule files:");
            crate::out::out!("{}", render::text::render(&unfinished, styles.stdout));
        }
        if let Some(not_planned) = not_planned {
            crate::out::outln!(
                "The rule files and the instance now call for changes this plan does not include (made after the plan); they were not applied. Run plan to review them:"
            );
            crate::out::out!("{}", render::text::render(&not_planned, styles.stdout));
        }
        if !remaining {
            crate::out::outln!(
                "No changes remain: the instance matches the rule files{}.",
                if self.selection.is_partial() {
                    " (for the rules `--only` selects)"
                } else {
                    ""
                }
            );
        }
        Ok(ExitStatus::Success)
    }
}

/// The rules a run compares: `--only`, or a saved plan's own selection, which `--only` may
/// repeat but not change (the plan was read and approved as it was made).
fn selection(given: &Selection, saved: Option<&Plan>) -> anyhow::Result<Selection> {
    let Some(plan) = saved else {
        return Ok(given.clone());
    };
    let planned = Selection::new(plan.only.clone());
    if given.is_partial() && given.patterns() != planned.patterns() {
        let flags = |patterns: &[String]| {
            if patterns.is_empty() {
                "no `--only`".to_owned()
            } else {
                patterns
                    .iter()
                    .map(|p| format!("`--only {p}`"))
                    .collect::<Vec<_>>()
                    .join(" ")
            }
        };
        return Err(UserError::new(format!(
            "the plan was made with {}, but this run passes {}; nothing was changed",
            flags(&plan.only),
            flags(given.patterns())
        ))
        .with_hint("apply the plan file without `--only` (it keeps its own selection), or make a new plan with the `--only` you want")
        .into());
    }
    Ok(planned)
}

/// Watches for SIGINT and SIGTERM from now on, for the rest of the command. The first one
/// while apply runs asks it to start no new change: the changes in flight finish and the
/// outcome table is printed. A second one, or one after apply has returned (while the
/// instance is read again), ends the process at once with 130, as an interrupt normally does:
/// every change is complete on the instance or not sent, so nothing is left half done.
fn stop_on_signal(
    stopper: tokio::sync::watch::Sender<bool>,
    applied: std::sync::Arc<std::sync::atomic::AtomicBool>,
) {
    let on_signal = move |first: bool| {
        if first && !applied.load(std::sync::atomic::Ordering::SeqCst) {
            eprintln!(
                "interrupted: starting no new change; waiting for the ones in flight to finish (interrupt again to stop at once)"
            );
            let _ = stopper.send(true);
        } else {
            eprintln!("interrupted again: stopping now; run plan to see what is left");
            std::process::exit(130);
        }
    };
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        // Installed here, before apply starts, so that no signal falls between the two.
        let signals = (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        );
        tokio::spawn(async move {
            let (Ok(mut interrupt), Ok(mut terminate)) = signals else {
                return;
            };
            let mut first = true;
            loop {
                tokio::select! {
                    _ = interrupt.recv() => {}
                    _ = terminate.recv() => {}
                }
                on_signal(first);
                first = false;
            }
        });
    }
    #[cfg(not(unix))]
    {
        tokio::spawn(async move {
            let mut first = true;
            while tokio::signal::ctrl_c().await.is_ok() {
                on_signal(first);
                first = false;
            }
        });
    }
}

/// Drops the describe-cache entries of the live rules `plan` changes.
fn forget_cached(session: &Session, plan: &Plan) {
    let Some(cache) = &session.cache else {
        return;
    };
    for change in &plan.changes {
        if let Change::Update { before, .. }
        | Change::Replace { before, .. }
        | Change::Delete { before } = change
        {
            cache.forget(&before.rule_id);
        }
    }
}

/// A progress bar on a terminal for applies long enough to want one; plain lines otherwise.
fn progress_bar(changes: usize) -> Option<indicatif::ProgressBar> {
    const WORTH_A_BAR: usize = 10;
    if changes < WORTH_A_BAR || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(changes as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{bar:30} {pos}/{len} changes, {elapsed} so far, about {eta} left  {msg}",
    ) {
        bar.set_style(style);
    }
    Some(bar)
}

/// `created `name``, `failed to update `name`: ...` and the like.
fn outcome_line(row: &RuleOutcome) -> String {
    match &row.outcome {
        Outcome::Applied => format!("{} `{}`", row.action.done(), row.name),
        Outcome::Failed { message } => {
            format!("failed to {} `{}`: {message}", row.action, row.name)
        }
        Outcome::Skipped { reason } => format!("skipped `{}`: {reason}", row.name),
    }
}

/// Reads and checks a plan file written by `plan --out`.
pub(super) fn read_plan(path: &Path) -> anyhow::Result<Plan> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("failed to read the plan file `{}`", path.display()))?;
    crate::plan::file::parse(&text).map_err(|err| {
        UserError::new(format!(
            "the plan file `{}` cannot be applied: {err}",
            path.display()
        ))
        .with_hint(format!(
            "re-run `connect-rules plan --out {}`",
            path.display()
        ))
        .into()
    })
}
