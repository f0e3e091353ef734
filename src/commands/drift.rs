//! `connect-rules drift`: the plan, read as drift, with attribution. Exit 2 when drifted.

use crate::drift::{drift, DriftReport};
use crate::error;
use crate::render::{self, OutputFormat};
use crate::settings::DriftSettings;
use crate::style::Styles;

use super::plan::{plan_all, TargetPlan};
use super::ExitStatus;

pub(super) async fn run(settings: &DriftSettings, styles: Styles) -> anyhow::Result<ExitStatus> {
    let outcomes = plan_all(&settings.targets, styles).await;
    let mut status = ExitStatus::Success;
    let mut reports: Vec<DriftReport> = Vec::new();
    for outcome in outcomes {
        match outcome {
            TargetPlan::Planned { plan, live } => reports.push(drift(&plan, &live)),
            TargetPlan::RuleFilesHaveErrors => status = ExitStatus::Failure,
            TargetPlan::Failed(err) => {
                error::report(err, styles.stderr);
                status = ExitStatus::Failure;
            }
        }
    }
    let rendered: Vec<String> = match settings.format {
        OutputFormat::Text => reports
            .iter()
            .map(|r| render::drift::text(r, styles.stdout))
            .collect(),
        OutputFormat::Markdown => reports.iter().map(render::drift::markdown).collect(),
        OutputFormat::Json => vec![render::drift::json_all(&reports)],
    };
    crate::out::out!("{}", rendered.join("\n"));
    if status == ExitStatus::Success && reports.iter().any(DriftReport::has_drift) {
        status = ExitStatus::Changes;
    }
    Ok(status)
}
