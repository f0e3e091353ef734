//! What apply did, rule by rule, and the table it prints.

use std::fmt::{self, Write as _};

use serde::Serialize;

use crate::plan::Change;

/// What a change does to its rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeAction {
    /// CreateRule.
    Create,
    /// UpdateRule (and tag changes).
    Update,
    /// Delete, then create.
    Replace,
    /// DeleteRule.
    Delete,
}

impl ChangeAction {
    /// The action of `change`.
    pub fn of(change: &Change) -> Self {
        match change {
            Change::Create { .. } => ChangeAction::Create,
            Change::Update { .. } => ChangeAction::Update,
            Change::Replace { .. } => ChangeAction::Replace,
            Change::Delete { .. } => ChangeAction::Delete,
        }
    }

    /// `create`, `update`, `replace` or `delete`.
    pub fn verb(self) -> &'static str {
        match self {
            ChangeAction::Create => "create",
            ChangeAction::Update => "update",
            ChangeAction::Replace => "replace",
            ChangeAction::Delete => "delete",
        }
    }

    /// `created`, `updated`, `replaced` or `deleted`.
    pub fn done(self) -> &'static str {
        match self {
            ChangeAction::Create => "created",
            ChangeAction::Update => "updated",
            ChangeAction::Replace => "replaced",
            ChangeAction::Delete => "deleted",
        }
    }
}

/// The verb, padded as asked (`{:<7}` in the table).
impl fmt::Display for ChangeAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.verb())
    }
}

/// The outcome of one change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    /// Done.
    Applied,
    /// The service refused or the call failed after retries.
    Failed {
        /// The service's message.
        message: String,
    },
    /// Not attempted, because something it depends on failed.
    Skipped {
        /// Why.
        reason: String,
    },
}

/// One row of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleOutcome {
    /// The rule.
    pub name: String,
    /// What the change does.
    pub action: ChangeAction,
    /// What happened.
    pub outcome: Outcome,
}

/// Every change's outcome, sorted by rule name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ApplyReport {
    /// Rows, sorted by name.
    pub outcomes: Vec<RuleOutcome>,
}

impl ApplyReport {
    /// Whether anything failed or was skipped.
    pub fn has_failures(&self) -> bool {
        self.outcomes
            .iter()
            .any(|o| !matches!(o.outcome, Outcome::Applied))
    }

    /// The outcome table, as printed after a partial failure.
    pub fn table(&self) -> String {
        let name_width = self
            .outcomes
            .iter()
            .map(|o| o.name.len())
            .chain(std::iter::once(4))
            .max()
            .unwrap_or(4);
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{:<name_width$}  {:<7}  {:<7}  DETAIL",
            "RULE", "CHANGE", "RESULT"
        );
        for row in &self.outcomes {
            let (result, detail) = match &row.outcome {
                Outcome::Applied => ("applied", ""),
                Outcome::Failed { message } => ("failed", message.as_str()),
                Outcome::Skipped { reason } => ("skipped", reason.as_str()),
            };
            let line = format!(
                "{:<name_width$}  {:<7}  {:<7}  {detail}",
                row.name, row.action, result
            );
            let _ = writeln!(out, "{}", line.trim_end());
        }
        let applied = self
            .outcomes
            .iter()
            .filter(|o| matches!(o.outcome, Outcome::Applied))
            .count();
        let failed = self
            .outcomes
            .iter()
            .filter(|o| matches!(o.outcome, Outcome::Failed { .. }))
            .count();
        let skipped = self.outcomes.len() - applied - failed;
        let _ = writeln!(
            out,
            "\n{applied} applied, {failed} failed, {skipped} skipped."
        );
        out
    }
}
