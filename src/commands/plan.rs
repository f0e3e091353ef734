//! `connect-rules plan`: fetch, diff and render, for one target or several at once.

use std::io::Write as _;

use anyhow::Context;

use crate::apply::safety;
use crate::error;
use crate::load::load_rules_cached;
use crate::model::LiveRule;
use crate::plan::Plan;
use crate::redact::redact_plan;
use crate::render::{self, OutputFormat};
use crate::settings::{PlanOutput, PlanSettings, Settings};
use crate::style::Styles;

use super::session::{checked_cache, Session};
use super::{print_findings, ExitStatus};

pub(super) async fn run(settings: &PlanSettings, styles: Styles) -> anyhow::Result<ExitStatus> {
    let outcomes = plan_all(&settings.targets, styles).await;

    let mut status = ExitStatus::Success;
    let mut plans = Vec::new();
    for (outcome, target) in outcomes.into_iter().zip(&settings.targets) {
        match outcome {
            TargetPlan::Planned { mut plan, live } => {
                plan.refusals = safety::refusals(&plan, &live, &settings.permissions, &target.diff);
                plans.push(*plan);
            }
            TargetPlan::RuleFilesHaveErrors => status = ExitStatus::Failure,
            TargetPlan::Failed(err) => {
                error::report(err, styles.stderr);
                status = ExitStatus::Failure;
            }
        }
    }
    write_outputs(&plans, &settings.output, styles)?;
    if status == ExitStatus::Success
        && settings.output.fail_on_refusal
        && plans.iter().any(|plan| !plan.refusals.is_empty())
    {
        status = ExitStatus::Refused;
    } else if status == ExitStatus::Success
        && settings.output.detailed_exitcode
        && plans.iter().any(Plan::has_changes)
    {
        status = ExitStatus::Changes;
    }
    Ok(status)
}

/// How planning one target ended.
pub(super) enum TargetPlan {
    /// The plan, with the live rules it was made from (every one, `--only` or not).
    Planned {
        /// The plan (boxed: it is much larger than the other outcomes).
        plan: Box<Plan>,
        /// What was live.
        live: Vec<LiveRule>,
    },
    /// The rule files have errors (already printed); the instance was not read.
    RuleFilesHaveErrors,
    /// Reading the instance failed; the error names the target.
    Failed(anyhow::Error),
}

/// Plans every target concurrently, in the order given.
pub(super) async fn plan_all(targets: &[Settings], styles: Styles) -> Vec<TargetPlan> {
    let mut tasks = Vec::new();
    for settings in targets {
        let settings = settings.clone();
        tasks.push(tokio::spawn(async move {
            let name = settings.target.name.clone();
            match plan_one(&settings, styles).await {
                Ok(planned) => planned,
                Err(err) => TargetPlan::Failed(err.context(format!("target `{name}`"))),
            }
        }));
    }
    let mut outcomes = Vec::new();
    for task in tasks {
        let outcome = match task.await {
            Ok(outcome) => outcome,
            Err(err) => std::panic::resume_unwind(err.into_panic()),
        };
        outcomes.push(outcome);
    }
    outcomes
}

async fn plan_one(settings: &Settings, styles: Styles) -> anyhow::Result<TargetPlan> {
    let target = &settings.target;
    let loaded = load_rules_cached(
        &settings.rules.dir,
        &target.variables,
        &settings.rules.policy,
        checked_cache(settings).as_ref(),
    );
    print_findings(&loaded.diagnostics, styles.stderr);
    if loaded.has_errors() {
        eprintln!(
            "target `{}`: the rule files have errors; the instance was not read",
            target.name
        );
        return Ok(TargetPlan::RuleFilesHaveErrors);
    }
    let session = Session::open(target.clone()).await?;
    // The resources the files name are read alongside the rules.
    let (live, resolved) = tokio::join!(
        session.read_live(),
        session.resolve_references(settings, &loaded)
    );
    let plan_target = session.plan_target();
    session.close().await;
    let resolved = resolved?;
    let live = live?;
    let loaded = match resolved {
        Some(resolved) => {
            // The first load's findings were printed already.
            print_findings(&resolved.findings_beyond(&loaded), styles.stderr);
            if resolved.has_errors() {
                eprintln!(
                    "target `{}`: the rule files name resources the instance does not have; nothing was planned",
                    target.name
                );
                return Ok(TargetPlan::RuleFilesHaveErrors);
            }
            resolved
        }
        None => loaded,
    };
    let plan = (settings.selection)
        .diff(plan_target, &loaded.rules, &live, &settings.diff)?
        .with_id(super::new_plan_id())
        .with_resolutions(crate::plan::resolutions::from_resolved(&loaded.resolved));
    Ok(TargetPlan::Planned {
        plan: Box::new(plan),
        live,
    })
}

/// Refuses a saved plan whose `${KIND:NAME}` references resolve differently on the instance
/// now (to another id, to several, or to none): its ids would no longer be what the files
/// mean. Reads only the kinds the plan used; nothing is sent.
pub(super) async fn check_saved_resolutions(session: &Session, plan: &Plan) -> anyhow::Result<()> {
    if plan.resolutions.is_empty() {
        return Ok(());
    }
    let kinds = plan.resolutions.iter().map(|r| r.kind).collect();
    let directory = session.read_directory(&kinds).await?;
    let reasons = crate::plan::resolutions::stale(&plan.resolutions, &directory);
    if reasons.is_empty() {
        return Ok(());
    }
    let listed: String = reasons
        .iter()
        .flat_map(|reason| ["\n  - ", reason.as_str()])
        .collect();
    Err(crate::error::UserError::new(format!(
        "the plan is stale: the resources it names resolve differently on {} now. Nothing was changed.{listed}",
        session.location()
    ))
    .with_hint("re-run plan, review the new ids, and apply the new plan")
    .into())
}

fn write_outputs(plans: &[Plan], output: &PlanOutput, styles: Styles) -> anyhow::Result<()> {
    let redacted: Vec<Plan>;
    let shown = if output.redact {
        redacted = plans.iter().map(redact_plan).collect();
        &redacted[..]
    } else {
        plans
    };
    let rendered = match (output.format, shown) {
        (OutputFormat::Json, plans) => render::json::render_all(plans),
        (OutputFormat::Text, plans) => plans
            .iter()
            .map(|plan| render::text::render(plan, styles.stdout))
            .collect::<Vec<_>>()
            .join("\n"),
        (OutputFormat::Markdown, plans) => {
            // Each target gets an equal share of the one comment, separators included.
            let share = render::markdown::COMMENT_BUDGET / plans.len().max(1) - 1;
            plans
                .iter()
                .map(|plan| render::markdown::render(plan, share))
                .collect::<Vec<_>>()
                .join("\n")
        }
    };
    crate::out::write(&rendered);
    if output.format == OutputFormat::Markdown {
        // Set but empty is unset, as GitHub's own tools read it.
        if let Some(summary) =
            std::env::var_os("GITHUB_STEP_SUMMARY").filter(|summary| !summary.is_empty())
        {
            let mut file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&summary)
                .with_context(|| {
                    format!(
                        "failed to open GITHUB_STEP_SUMMARY `{}`",
                        summary.to_string_lossy()
                    )
                })?;
            file.write_all(rendered.as_bytes())
                .context("failed to append the plan to GITHUB_STEP_SUMMARY")?;
        }
    }
    if let (Some(out), [plan]) = (&output.out, plans) {
        std::fs::write(out, crate::plan::file::to_text(plan))
            .with_context(|| format!("failed to write the plan to `{}`", out.display()))?;
        eprintln!("wrote the plan to `{}`", out.display());
    }
    Ok(())
}
