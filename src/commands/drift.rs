//! `connect-rules drift`: the plan, read as drift, with attribution. Exit 2 when drifted.

use crate::cli::{DriftArgs, PlanFormat};
use crate::drift::{drift, DriftReport};
use crate::render;

use super::plan::plan_all;
use super::project::Project;
use super::{ExitStatus, Streams};

pub(super) async fn run(args: &DriftArgs, streams: Streams) -> anyhow::Result<ExitStatus> {
    let project = Project::open(&args.project)?;
    let targets = project.targets(&args.target)?;
    let options = project.diff_options(args.manage_all);
    // Drift exists to catch changes made elsewhere, including tag changes that do not move
    // LastUpdatedTime, so it always describes every rule.
    let outcomes = plan_all(&project, targets, false, &options, streams).await;
    let mut status = ExitStatus::Success;
    let mut reports: Vec<DriftReport> = Vec::new();
    for (name, outcome) in outcomes {
        let (plan, live) = match outcome {
            Ok(Some(planned)) => planned,
            Ok(None) => {
                status = ExitStatus::Failure;
                continue;
            }
            Err(err) => {
                eprintln!(
                    "{} target `{name}`: {err:#}",
                    streams.stderr.error("error:")
                );
                status = ExitStatus::Failure;
                continue;
            }
        };
        reports.push(drift(&plan, &live));
    }
    let rendered: Vec<String> = match args.format {
        PlanFormat::Text => reports
            .iter()
            .map(|r| render::drift::text(r, streams.stdout))
            .collect(),
        PlanFormat::Markdown => reports.iter().map(render::drift::markdown).collect(),
        PlanFormat::Json if reports.len() == 1 => vec![render::drift::json(&reports[0])],
        PlanFormat::Json => {
            let documents: Vec<serde_json::Value> = reports
                .iter()
                .map(|r| serde_json::from_str(&render::drift::json(r)))
                .collect::<Result<_, _>>()?;
            vec![format!("{}\n", serde_json::to_string_pretty(&documents)?)]
        }
    };
    print!("{}", rendered.join("\n"));
    if status == ExitStatus::Success && reports.iter().any(DriftReport::has_drift) {
        status = ExitStatus::Changes;
    }
    Ok(status)
}
