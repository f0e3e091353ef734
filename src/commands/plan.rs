//! `connect-rules plan`: fetch, diff and render.

use std::io::Write as _;

use anyhow::Context;

use crate::cli::{PlanArgs, PlanFormat};
use crate::diff::{diff, DiffOptions};
use crate::fetch::fetch_live;
use crate::plan::{Plan, PlanTarget};
use crate::render;

use super::project::Project;
use super::session::Session;
use super::{load_rules, ExitStatus, Streams};

pub(super) async fn run(args: &PlanArgs, streams: Streams) -> anyhow::Result<ExitStatus> {
    let project = Project::open(&args.project)?;
    let target = project.target(&args.target)?;
    let loaded = load_rules(&project.rules_dir, &target.variables);
    loaded.print_diagnostics(streams.stderr);
    if loaded.has_errors() {
        eprintln!("the rule files have errors; nothing was sent to the instance");
        return Ok(ExitStatus::Failure);
    }
    let session = Session::open(target).await?;
    let place = session.describe();
    let fetched = fetch_live(&session.client, session.target.concurrency).await;
    let plan_target = PlanTarget {
        name: session.target.name.clone(),
        instance_id: session.target.instance_id.clone(),
    };
    session.close().await;
    let (live, _stats) = fetched
        .map_err(|err| {
            let hint = err.hint();
            anyhow::anyhow!("{err}\n  hint: {hint}")
        })
        .with_context(|| format!("could not read the rules of {place}"))?;

    let options = DiffOptions {
        manage_all: args.manage_all || project.config.manage_all,
        ignore: project.config.ignore.clone(),
    };
    let plan = diff(plan_target, &loaded.rules, &live, &options).with_id(super::new_plan_id());
    write_outputs(&plan, args, streams)?;
    Ok(if plan.has_changes() && args.detailed_exitcode {
        ExitStatus::Changes
    } else {
        ExitStatus::Success
    })
}

fn write_outputs(plan: &Plan, args: &PlanArgs, streams: Streams) -> anyhow::Result<()> {
    let rendered = match args.format {
        PlanFormat::Text => render::text::render(plan, streams.stdout),
        PlanFormat::Json => render::json::render(plan),
        PlanFormat::Markdown => {
            render::markdown::render(plan, render::markdown::GITHUB_COMMENT_LIMIT)
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
    if let Some(out) = &args.out {
        std::fs::write(out, render::json::render(plan))
            .with_context(|| format!("failed to write the plan to `{}`", out.display()))?;
        eprintln!("wrote the plan to `{}`", out.display());
    }
    Ok(())
}
