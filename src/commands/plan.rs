//! `connect-rules plan`: fetch, diff and render, for one target or several at once.

use std::io::Write as _;
use std::sync::Arc;

use anyhow::Context;

use crate::cli::{PlanArgs, PlanFormat};
use crate::config::Target;
use crate::diff::{diff, DiffOptions};
use crate::model::LiveRule;
use crate::plan::Plan;
use crate::render;

use super::project::Project;
use super::session::{checked_cache, Session};
use super::{load_rules_cached, ExitStatus, Streams};
use crate::redact::redact_plan;

pub(super) async fn run(args: &PlanArgs, streams: Streams) -> anyhow::Result<ExitStatus> {
    let project = Project::open(&args.project)?;
    let targets = project.targets(&args.target)?;
    if targets.len() > 1 && args.out.is_some() {
        anyhow::bail!(
            "`--out` saves the plan of one target, but {} targets were given\n  hint: run `plan --target NAME --out FILE` once per target",
            targets.len()
        );
    }
    let options = project.diff_options(args.manage_all);
    let outcomes = plan_all(&project, targets, true, &options, streams).await;

    let mut status = ExitStatus::Success;
    let mut plans = Vec::new();
    for (name, outcome) in outcomes {
        match outcome {
            Ok(Some((plan, _live))) => plans.push(plan),
            Ok(None) => status = ExitStatus::Failure,
            Err(err) => {
                eprintln!(
                    "{} target `{name}`: {err:#}",
                    streams.stderr.error("error:")
                );
                status = ExitStatus::Failure;
            }
        }
    }
    write_outputs(&plans, args, streams)?;
    if status == ExitStatus::Success
        && args.detailed_exitcode
        && plans.iter().any(Plan::has_changes)
    {
        status = ExitStatus::Changes;
    }
    Ok(status)
}

/// A target's plan with the live rules it was made from.
pub(super) type Planned = (Plan, Vec<LiveRule>);

/// Plans every target concurrently; `Ok(None)` when a target's rule files have errors.
pub(super) async fn plan_all(
    project: &Project,
    mut targets: Vec<Target>,
    use_cache: bool,
    options: &DiffOptions,
    streams: Streams,
) -> Vec<(String, anyhow::Result<Option<Planned>>)> {
    let project = Arc::new(project.clone());
    if !use_cache {
        for target in &mut targets {
            target.cache = false;
        }
    }
    let mut tasks = Vec::new();
    for target in targets {
        let project = Arc::clone(&project);
        let options = options.clone();
        let name = target.name.clone();
        tasks.push((
            name,
            tokio::spawn(async move { plan_one(&project, target, &options, streams).await }),
        ));
    }
    let mut outcomes = Vec::new();
    for (name, task) in tasks {
        let outcome = match task.await {
            Ok(outcome) => outcome,
            Err(err) => std::panic::resume_unwind(err.into_panic()),
        };
        outcomes.push((name, outcome));
    }
    outcomes
}

async fn plan_one(
    project: &Project,
    target: Target,
    options: &DiffOptions,
    streams: Streams,
) -> anyhow::Result<Option<Planned>> {
    let loaded = load_rules_cached(
        &project.rules_dir,
        &target.variables,
        &project.function_policy,
        checked_cache(project, &target).as_ref(),
    );
    loaded.print_diagnostics(streams.stderr);
    if loaded.has_errors() {
        eprintln!(
            "target `{}`: the rule files have errors; the instance was not read",
            target.name
        );
        return Ok(None);
    }
    let session = Session::open(target).await?;
    let live = session.read_live().await;
    let plan_target = session.plan_target();
    session.close().await;
    let live = live?;
    let plan = diff(plan_target, &loaded.rules, &live, options).with_id(super::new_plan_id());
    Ok(Some((plan, live)))
}

fn write_outputs(plans: &[Plan], args: &PlanArgs, streams: Streams) -> anyhow::Result<()> {
    let redact = args.redact || (args.format == PlanFormat::Markdown && !args.no_redact);
    let redacted: Vec<Plan>;
    let shown = if redact {
        redacted = plans.iter().map(redact_plan).collect();
        &redacted[..]
    } else {
        plans
    };
    let rendered = match (args.format, shown) {
        (PlanFormat::Json, [plan]) => render::json::render(plan),
        (PlanFormat::Json, plans) => {
            // Several targets: a JSON array of plan documents, one per target.
            let documents: Vec<serde_json::Value> = plans
                .iter()
                .map(|plan| serde_json::from_str(&render::json::render(plan)))
                .collect::<Result<_, _>>()
                .context("failed to assemble the JSON plans")?;
            let mut text = serde_json::to_string_pretty(&documents)?;
            text.push('\n');
            text
        }
        (PlanFormat::Text, plans) => plans
            .iter()
            .map(|plan| render::text::render(plan, streams.stdout))
            .collect::<Vec<_>>()
            .join("\n"),
        (PlanFormat::Markdown, plans) => {
            // Each target gets an equal share of the one comment, separators included.
            let share = render::markdown::COMMENT_BUDGET / plans.len().max(1) - 1;
            plans
                .iter()
                .map(|plan| render::markdown::render(plan, share))
                .collect::<Vec<_>>()
                .join("\n")
        }
    };
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(rendered.as_bytes())
        .context("failed to write the plan to stdout")?;
    if args.format == PlanFormat::Markdown {
        if let Some(summary) = std::env::var_os("GITHUB_STEP_SUMMARY") {
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
    if let (Some(out), [plan]) = (&args.out, plans) {
        std::fs::write(out, crate::plan::file::to_text(plan))
            .with_context(|| format!("failed to write the plan to `{}`", out.display()))?;
        eprintln!("wrote the plan to `{}`", out.display());
    }
    Ok(())
}
