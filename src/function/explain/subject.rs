//! What a condition is about, in a few words: the catalogue's `subject` where it has the path,
//! else a reading of the paths whose sources it does not cover yet (metrics, SLAs).

use crate::function::catalog::SourceCatalog;
use crate::function::path;

/// The subject of a condition and the unit its numbers are in, if any.
pub struct Subject {
    /// "the average handle time".
    pub text: String,
    /// "seconds" or "%", written after each number.
    pub unit: Option<&'static str>,
}

/// The subject of `path` with `operator` in `catalog`.
pub fn subject(catalog: Option<&SourceCatalog>, path: &str, operator: Option<&str>) -> Subject {
    // Metrics first: this table knows each metric's unit, which reads better ("at least 300
    // seconds") than the catalogue's subject with the unit folded in.
    if let Some(metric) = path.strip_prefix("$.MetricData.") {
        let (text, unit) = metric_subject(metric);
        return Subject { text, unit };
    }
    let from_catalog = catalog.and_then(|catalog| {
        let spec = path::find(catalog, path, operator)?;
        let bound = path::bindings(spec.path, path)?;
        Some(path::fill(spec.subject, &bound))
    });
    if let Some(text) = from_catalog {
        return Subject { text, unit: None };
    }
    let text = match path {
        // OnSlaBreach, "Cases SLA name condition".
        "$.RelatedItem.SlaConfiguration.Name" => "the name of the breached SLA".to_owned(),
        "" => "a condition with no `ComparisonValue`".to_owned(),
        other => format!("`{other}`"),
    };
    Subject { text, unit: None }
}

/// A metric of the OnMetricDataUpdate page by name, with its unit.
fn metric_subject(metric: &str) -> (String, Option<&'static str>) {
    const SECONDS: Option<&str> = Some("seconds");
    const PERCENT: Option<&str> = Some("%");
    let (text, unit) = match metric {
        "AGENT_ACTIVITY" => ("the agent's activity", None),
        "OLDEST_CONTACT_AGE" => ("the age of the oldest contact in queue", SECONDS),
        "AGENTS_AVAILABLE" => ("the number of agents available", None),
        "CONTACTS_IN_QUEUE" => ("the number of contacts in queue", None),
        "AVG_QUEUE_ANSWER_TIME" => ("the average queue answer time", SECONDS),
        "AVG_INTERACTION_TIME" => ("the average interaction time", SECONDS),
        "AVG_HOLD_TIME" => ("the average hold time", SECONDS),
        "AVG_HANDLE_TIME" => ("the average handle time", SECONDS),
        "AGENT_OCCUPANCY" => ("the agent occupancy", PERCENT),
        "SERVICE_LEVEL" => ("the service level", PERCENT),
        "FLOWS_STARTED" => ("the number of flows started", None),
        "AVG_FLOW_TIME" => ("the average flow time", SECONDS),
        "MAX_FLOW_TIME" => ("the longest flow time", SECONDS),
        "MIN_FLOW_TIME" => ("the shortest flow time", SECONDS),
        "FLOWS_OUTCOME" => ("the number of flow outcomes", None),
        "PERCENT_FLOWS_OUTCOME" => ("the percentage of flow outcomes", PERCENT),
        other => return (format!("the metric `{other}`"), None),
    };
    (text.to_owned(), unit)
}
