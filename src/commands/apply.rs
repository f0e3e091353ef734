//! `connect-rules apply`: checks, confirmation, execution and the re-plan that proves it.

use std::io::IsTerminal as _;
use std::path::Path;
use std::sync::Arc;

use anyhow::Context;

use crate::apply::safety::{self, Permissions};
use crate::apply::{apply, ApplyReport, Outcome, RuleOutcome, Stop};
use crate::cli::ApplyArgs;
use crate::diff::{diff, DiffOptions};
use crate::model::ownership::Claim;
use crate::plan::{Change, Plan};
use crate::render;

use super::confirm::confirm;
use super::project::Project;
use super::session::Session;
use super::{load_rules_cached, new_plan_id, ExitStatus, LoadedRules, Streams};

pub(super) async fn run(args: &ApplyArgs, streams: Streams) -> anyhow::Result<ExitStatus> {
    let project = Project::open(&args.project)?;
    let target = project.target(&args.target)?;
    let options = project.diff_options(args.manage_all);
    let saved = match &args.plan_file {
        Some(path) => Some(read_plan(path)?),
        None => None,
    };
    if let Some(plan) = &saved {
        if plan.target.instance_id != target.instance_id || plan.target.name != target.name {
            eprintln!(
                "{} the plan was made for instance `{}` (target `{}`), but this run targets instance `{}` (target `{}`); nothing was changed",
                streams.stderr.error("error:"),
                plan.target.instance_id,
                plan.target.name,
                target.instance_id,
                target.name
            );
            let hint = if project.config.targets.contains_key(&plan.target.name) {
                format!(
                    "pass `--target {}`, or run `connect-rules plan --out` for this target",
                    plan.target.name
                )
            } else {
                format!(
                    "pass `--instance-id {}`, or run `connect-rules plan --out` for this instance",
                    plan.target.instance_id
                )
            };
            eprintln!("  hint: {hint}");
            return Ok(ExitStatus::Failure);
        }
    }
    // Without the check cache: what apply sends comes from the files' bytes as read now,
    // never from a cache entry someone else could have written.
    let loaded = load_rules_cached(
        &project.rules_dir,
        &target.variables,
        &project.function_policy,
        None,
    );
    loaded.print_diagnostics(streams.stderr);
    if loaded.has_errors() {
        eprintln!("the rule files have errors; nothing was sent to the instance");
        if saved.is_some() {
            eprintln!(
                "  hint: a saved plan is applied only where it still agrees with the rule files; fix them and re-run plan"
            );
        }
        return Ok(ExitStatus::Failure);
    }

    let permissions = Permissions {
        allow_delete: args.allow_delete || project.config.allow_delete,
        allow_replace: args.allow_replace || project.config.allow_replace,
        force: args.force,
        delete_limit: args.max_delete.unwrap_or_default(),
        manage_all: options.manage_all,
    };
    let session = Session::open(target).await?;
    let result = run_with_session(
        args,
        &permissions,
        &session,
        saved,
        &loaded,
        &options,
        streams,
    )
    .await;
    session.close().await;
    result
}

async fn run_with_session(
    args: &ApplyArgs,
    permissions: &Permissions,
    session: &Session,
    saved: Option<Plan>,
    loaded: &LoadedRules,
    options: &DiffOptions,
    streams: Streams,
) -> anyhow::Result<ExitStatus> {
    session.check_pins().await?;
    let live = session.read_live().await?;
    let plan_target = session.plan_target();
    let from_file = saved.is_some();
    let derived = diff(plan_target.clone(), &loaded.rules, &live, options);
    let plan = match saved {
        Some(plan) => {
            let mut reasons = safety::stale_reasons(&plan, &live);
            if reasons.is_empty() {
                reasons = safety::disagreements(&plan, &derived);
            }
            if !reasons.is_empty() {
                eprintln!(
                    "{} the plan is stale: re-run plan. Nothing was changed.",
                    streams.stderr.error("error:")
                );
                for reason in reasons {
                    eprintln!("  - {reason}");
                }
                return Ok(ExitStatus::Failure);
            }
            // The plan's changes, as made from the files now (they were just found equal).
            let planned: std::collections::BTreeSet<&str> =
                plan.changes.iter().map(Change::name).collect();
            let changes = derived
                .changes
                .into_iter()
                .filter(|change| planned.contains(change.name()))
                .collect();
            Plan::new(plan.target, changes, derived.unmanaged).with_id(plan.plan_id)
        }
        None => derived.with_id(new_plan_id()),
    };

    if !plan.has_changes() {
        print!("{}", render::text::render(&plan, streams.stdout));
        return Ok(ExitStatus::Success);
    }
    let ownership = options.ownership();
    let managed = live
        .iter()
        .filter(|rule| options.manage_all || ownership.claim(rule) == Claim::Ours)
        .count();
    // What is live was needed for the plan and its checks; the re-plan reads it afresh, so
    // holding this copy through the apply would only double the memory of a large run.
    drop(live);
    let refusals = safety::check(&plan, permissions, managed, &ownership);
    if !from_file {
        print!("{}", render::text::render(&plan, streams.stdout));
    }
    if !refusals.is_empty() {
        for refusal in &refusals {
            eprintln!(
                "{} {}\n  {} {}",
                streams.stderr.error("error:"),
                refusal.message,
                streams.stderr.hint("hint:"),
                refusal.hint
            );
        }
        eprintln!("Nothing was changed.");
        return Ok(ExitStatus::Failure);
    }
    if !from_file && !args.auto_approve && !confirm("Apply these changes", &session.describe())? {
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
        args.parallelism,
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
        print!("\n{}", report.table());
        eprintln!(
            "{} apply was interrupted: the changes marked applied were made, the others were not started; run plan and apply again to finish",
            streams.stderr.error("error:")
        );
        return Ok(ExitStatus::Failure);
    }
    finish(session, &report, loaded, options, streams).await
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

async fn finish(
    session: &Session,
    report: &ApplyReport,
    loaded: &LoadedRules,
    options: &DiffOptions,
    streams: Streams,
) -> anyhow::Result<ExitStatus> {
    if report.has_failures() {
        print!("\n{}", report.table());
        let failed = report
            .outcomes
            .iter()
            .any(|row| matches!(row.outcome, Outcome::Failed { .. }));
        if failed {
            eprintln!(
                "{} some changes failed; fix the cause and run apply again: it finishes what is left without duplicates",
                streams.stderr.error("error:")
            );
        } else {
            eprintln!(
                "{} some changes were skipped: the instance no longer agrees with the plan (see the table); run plan again",
                streams.stderr.error("error:")
            );
        }
        return Ok(ExitStatus::Failure);
    }
    println!(
        "\nApply complete: {} change{} applied.",
        report.outcomes.len(),
        if report.outcomes.len() == 1 { "" } else { "s" }
    );
    if loaded.has_errors() {
        return Ok(ExitStatus::Success);
    }
    let live = session.read_live().await?;
    let after = diff(session.plan_target(), &loaded.rules, &live, options);
    if after.has_changes() {
        println!("The instance still differs from the rule files:");
        print!("{}", render::text::render(&after, streams.stdout));
    } else {
        println!("No changes remain: the instance matches the rule files.");
    }
    Ok(ExitStatus::Success)
}

/// A progress bar on a terminal for applies long enough to want one; plain lines otherwise.
fn progress_bar(changes: usize) -> Option<indicatif::ProgressBar> {
    const WORTH_A_BAR: usize = 10;
    if changes < WORTH_A_BAR || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(changes as u64);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} changes  {elapsed}  {msg}")
    {
        bar.set_style(style);
    }
    Some(bar)
}

/// `created `name``, `failed to update `name`: ...` and the like.
fn outcome_line(row: &RuleOutcome) -> String {
    let verb = match row.action {
        "create" => "created",
        "update" => "updated",
        "replace" => "replaced",
        _ => "deleted",
    };
    match &row.outcome {
        Outcome::Applied => format!("{verb} `{}`", row.name),
        Outcome::Failed { message } => {
            format!("failed to {} `{}`: {message}", row.action, row.name)
        }
        Outcome::Skipped { reason } => format!("skipped `{}`: {reason}", row.name),
    }
}

fn read_plan(path: &Path) -> anyhow::Result<Plan> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("failed to read the plan file `{}`", path.display()))?;
    crate::plan::file::parse(&text).map_err(|err| {
        anyhow::anyhow!(
            "the plan file `{}` cannot be applied: {err}\n  hint: re-run `connect-rules plan --out {}`",
            path.display(),
            path.display()
        )
    })
}
