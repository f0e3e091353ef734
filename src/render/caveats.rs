//! What a reader must know before trusting a plan, in text and markdown: that it is partial
//! (`--only`), and what `apply` will refuse in it. The text and markdown renderers call these;
//! the JSON plan carries the same as `partial`, `only` and `refusals`.

use std::fmt::Write as _;

use crate::plan::Plan;
use crate::style::Style;

/// The `--only` patterns as the reader typed them: `` `--only a`, `--only b*` ``.
fn flags(only: &[String]) -> String {
    only.iter()
        .map(|pattern| format!("`--only {pattern}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a partial plan or report says, after `label` (bold or coloured by the caller):
/// which rules were compared, then `rest` of the sentence.
fn partial(only: &[String], rest: &str) -> String {
    format!(
        "only the rules matching {} were compared; {rest}",
        flags(only)
    )
}

/// The text plan's caveats, each a block ending in a blank line; empty when there are none.
pub fn text(plan: &Plan, style: Style) -> String {
    let mut out = String::new();
    if !plan.only.is_empty() {
        let _ = writeln!(
            out,
            "{} {}\n",
            style.warning("Partial plan:"),
            partial(
                &plan.only,
                "every other rule is left as it is (not compared, changed or deleted)."
            )
        );
    }
    if !plan.refusals.is_empty() {
        let _ = writeln!(
            out,
            "{} `apply` will refuse this plan and change nothing:",
            style.warning("Warning:")
        );
        for refusal in &plan.refusals {
            let _ = writeln!(out, "  - {}", refusal.message);
            let _ = writeln!(out, "    {} {}", style.hint("hint:"), refusal.hint);
        }
        out.push('\n');
    }
    out
}

/// The markdown plan's caveats, for above its table: a quoted line each, ending in a blank
/// line; empty when there are none.
pub fn markdown(plan: &Plan) -> String {
    let mut out = String::new();
    if !plan.only.is_empty() {
        let _ = writeln!(
            out,
            "> **Partial plan:** {}\n",
            partial(&plan.only, "every other rule is left as it is.")
        );
    }
    if !plan.refusals.is_empty() {
        out.push_str("> [!WARNING]\n> **`apply` will refuse this plan and change nothing:**\n");
        for refusal in &plan.refusals {
            let _ = writeln!(
                out,
                "> - {} ({})",
                one_line(&refusal.message),
                one_line(&refusal.hint)
            );
        }
        out.push('\n');
    }
    out
}

/// What a partial drift report cannot say.
const DRIFT_ELSEWHERE: &str = "other rules may have drifted too.";

/// A partial drift report's caveat for text (a block ending in a blank line; empty for a
/// whole report).
pub fn drift_text(only: &[String], style: Style) -> String {
    if only.is_empty() {
        return String::new();
    }
    format!(
        "{} {}\n\n",
        style.warning("Partial report:"),
        partial(only, DRIFT_ELSEWHERE)
    )
}

/// A partial drift report's caveat for markdown (empty for a whole report).
pub fn drift_markdown(only: &[String]) -> String {
    if only.is_empty() {
        return String::new();
    }
    format!(
        "> **Partial report:** {}\n\n",
        partial(only, DRIFT_ELSEWHERE)
    )
}

fn one_line(text: &str) -> String {
    text.replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::refusal::{Refusal, RefusalKind};
    use crate::plan::PlanTarget;

    fn plan() -> Plan {
        Plan::new(
            PlanTarget {
                name: "prod".into(),
                instance_id: "i-1".into(),
                local_state: None,
            },
            vec![],
            vec![],
        )
    }

    #[test]
    fn a_whole_plan_that_apply_accepts_has_no_caveats() {
        assert_eq!(text(&plan(), Style::plain()), "");
        assert_eq!(markdown(&plan()), "");
    }

    #[test]
    fn caveats_name_the_selection_and_every_refusal() {
        let mut plan = plan();
        plan.only = vec!["chat-*".into(), "refund".into()];
        plan.refusals = vec![Refusal {
            kind: RefusalKind::Delete,
            message: "the plan deletes 1 rule: `old`".into(),
            hint: "pass `--allow-delete`".into(),
        }];
        insta::assert_snapshot!(text(&plan, Style::plain()), @r"
        Partial plan: only the rules matching `--only chat-*`, `--only refund` were compared; every other rule is left as it is (not compared, changed or deleted).

        Warning: `apply` will refuse this plan and change nothing:
          - the plan deletes 1 rule: `old`
            hint: pass `--allow-delete`
        ");
        insta::assert_snapshot!(markdown(&plan), @r"
        > **Partial plan:** only the rules matching `--only chat-*`, `--only refund` were compared; every other rule is left as it is.

        > [!WARNING]
        > **`apply` will refuse this plan and change nothing:**
        > - the plan deletes 1 rule: `old` (pass `--allow-delete`)
        ");
    }
}
