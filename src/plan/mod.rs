//! The plan: what must change on an instance to match the rule files. Plain data that
//! serialises to the versioned JSON plan; [`file`] writes and reads the plan file.

pub mod file;
pub mod refusal;
pub mod resolutions;

use serde::{Deserialize, Serialize};

use crate::model::{LiveRule, Rule};
pub use resolutions::Resolution;

/// The format version of the JSON plan, the plan file and the JSON drift report; bump it when
/// a field changes meaning. 2: one document of `targets` whatever their number, and the
/// `resolutions` of each target.
pub const FORMAT_VERSION: u32 = 2;

/// Which instance a plan is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanTarget {
    /// The target's name.
    pub name: String,
    /// The instance id.
    pub instance_id: String,
    /// For the embedded local instance, its state file as the config names it: every local
    /// instance has the id `local`, so this is what tells two of them apart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_state: Option<String>,
}

impl PlanTarget {
    /// The instance, for the middle of a sentence: ``instance `i-1` `` or
    /// ``the local instance `.connect-rules/a.json` ``.
    pub fn instance(&self) -> String {
        match &self.local_state {
            Some(state) => format!("the local instance `{state}`"),
            None => format!("instance `{}`", self.instance_id),
        }
    }

    /// The instance, to start a sentence.
    pub fn instance_capitalised(&self) -> String {
        let instance = self.instance();
        let mut chars = instance.chars();
        chars.next().map_or_else(String::new, |first| {
            first.to_uppercase().chain(chars).collect()
        })
    }

    /// The instance, for a title's parentheses: ``instance `i-1` `` or
    /// ``local instance `.connect-rules/a.json` ``.
    pub fn instance_in_title(&self) -> String {
        match &self.local_state {
            Some(state) => format!("local instance `{state}`"),
            None => format!("instance `{}`", self.instance_id),
        }
    }
}

/// One field that differs between live and desired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    /// The member name (`Function`, `Actions`, `Tags`, ...).
    pub field: String,
    /// The live value, pretty-printed (empty when absent).
    pub before: String,
    /// The desired value, pretty-printed (empty when absent).
    pub after: String,
}

/// One change to one rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Change {
    /// In git, not live.
    Create {
        /// The rule to create (ownership tag included).
        after: Rule,
        /// The file it comes from.
        source: String,
    },
    /// Live and in git, differing in fields UpdateRule or tagging can change.
    Update {
        /// The live rule.
        before: LiveRule,
        /// The desired rule.
        after: Rule,
        /// The file it comes from.
        source: String,
        /// The fields that differ.
        fields: Vec<FieldChange>,
    },
    /// Live and in git, but the difference needs a delete and a create.
    Replace {
        /// The live rule.
        before: LiveRule,
        /// The desired rule.
        after: Rule,
        /// The file it comes from.
        source: String,
        /// Why it cannot be updated in place.
        reason: String,
        /// The fields that differ.
        fields: Vec<FieldChange>,
    },
    /// Live, owned by the tool, and no longer in git.
    Delete {
        /// The live rule.
        before: LiveRule,
    },
}

impl Change {
    /// The rule's name.
    pub fn name(&self) -> &str {
        match self {
            Change::Create { after, .. }
            | Change::Update { after, .. }
            | Change::Replace { after, .. } => &after.name,
            Change::Delete { before } => &before.rule.name,
        }
    }

    /// The live rule the change starts from (`None` for a create).
    pub fn before(&self) -> Option<&LiveRule> {
        match self {
            Change::Create { .. } => None,
            Change::Update { before, .. }
            | Change::Replace { before, .. }
            | Change::Delete { before } => Some(before),
        }
    }

    /// The API calls apply will make, in order.
    pub fn api_calls(&self) -> Vec<&'static str> {
        match self {
            Change::Create { .. } => vec!["CreateRule"],
            Change::Update {
                before,
                after,
                fields,
                ..
            } => {
                let mut calls = Vec::new();
                if fields.iter().any(|f| f.field != "Tags") {
                    calls.push("UpdateRule");
                }
                let live = &before.rule.tags;
                if after
                    .tags
                    .iter()
                    .any(|(key, value)| live.get(key) != Some(value))
                {
                    calls.push("TagResource");
                }
                if live.keys().any(|key| {
                    !after.tags.contains_key(key) && key != crate::model::ownership::SOURCE_TAG_KEY
                }) {
                    calls.push("UntagResource");
                }
                calls
            }
            Change::Replace { .. } => vec!["DeleteRule", "CreateRule"],
            Change::Delete { .. } => vec!["DeleteRule"],
        }
    }
}

/// A live rule the tool leaves alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnmanagedRule {
    /// Its name.
    pub name: String,
    /// Its id.
    pub rule_id: String,
    /// Why it is left alone.
    pub reason: String,
    /// Whether the config's `ignore` list names it (rather than it being unowned).
    #[serde(default)]
    pub ignored: bool,
}

/// Counts by change kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Rules to create.
    pub create: usize,
    /// Rules to update.
    pub update: usize,
    /// Rules to replace.
    pub replace: usize,
    /// Rules to delete.
    pub delete: usize,
    /// Live rules left alone.
    pub unmanaged: usize,
}

/// Everything that must change, sorted by rule name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// [`FORMAT_VERSION`].
    pub format_version: u32,
    /// Unique per plan; apply derives each CreateRule's ClientToken from it.
    pub plan_id: String,
    /// The instance.
    pub target: PlanTarget,
    /// Changes, sorted by rule name.
    pub changes: Vec<Change>,
    /// Live rules left alone, sorted by name.
    pub unmanaged: Vec<UnmanagedRule>,
    /// Counts.
    pub summary: Summary,
    /// The `${KIND:NAME}` references the rules were resolved with, sorted by reference.
    #[serde(default)]
    pub resolutions: Vec<Resolution>,
    /// What `apply` would refuse, with the permissions the target has (set by `plan`).
    #[serde(default)]
    pub refusals: Vec<refusal::Refusal>,
    /// `--only`: the names or globs the plan was limited to; empty for a whole plan.
    #[serde(default)]
    pub only: Vec<String>,
}

impl Plan {
    /// Builds a plan, sorting and counting.
    pub fn new(
        target: PlanTarget,
        mut changes: Vec<Change>,
        mut unmanaged: Vec<UnmanagedRule>,
    ) -> Self {
        changes.sort_by(|a, b| a.name().cmp(b.name()));
        unmanaged.sort_by(|a, b| a.name.cmp(&b.name));
        let mut summary = Summary {
            unmanaged: unmanaged.len(),
            ..Summary::default()
        };
        for change in &changes {
            match change {
                Change::Create { .. } => summary.create += 1,
                Change::Update { .. } => summary.update += 1,
                Change::Replace { .. } => summary.replace += 1,
                Change::Delete { .. } => summary.delete += 1,
            }
        }
        Plan {
            format_version: FORMAT_VERSION,
            plan_id: String::new(),
            target,
            changes,
            unmanaged,
            summary,
            resolutions: Vec::new(),
            refusals: Vec::new(),
            only: Vec::new(),
        }
    }

    /// The same plan with the references its rules were resolved with.
    #[must_use]
    pub fn with_resolutions(mut self, mut resolutions: Vec<Resolution>) -> Self {
        resolutions.sort();
        self.resolutions = resolutions;
        self
    }

    /// Each resolved id with how a reader sees it (`flow "Callback"`).
    pub fn labels(&self) -> std::collections::BTreeMap<String, String> {
        resolutions::labels(&self.resolutions)
    }

    /// The same plan with its id set.
    #[must_use]
    pub fn with_id(mut self, plan_id: impl Into<String>) -> Self {
        self.plan_id = plan_id.into();
        self
    }

    /// Whether applying would change anything.
    pub fn has_changes(&self) -> bool {
        !self.changes.is_empty()
    }

    /// `Plan: 1 to create, ...` as the text and markdown renderers end.
    pub fn summary_line(&self) -> String {
        let s = self.summary;
        format!(
            "Plan: {} to create, {} to update, {} to replace, {} to delete. {} unmanaged rule{} left alone.",
            s.create,
            s.update,
            s.replace,
            s.delete,
            s.unmanaged,
            if s.unmanaged == 1 { "" } else { "s" }
        )
    }
}
