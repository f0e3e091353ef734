//! The JSON plan for `--format json`: the plan file's text ([`crate::plan::file`]), so what is
//! printed for one target can be saved and applied as it is. One document whatever the number
//! of targets: `{"format_version": 2, "targets": [...]}`.

use crate::plan::Plan;

/// The plan of one target as pretty JSON with its checksum and a trailing newline.
pub fn render(plan: &Plan) -> String {
    crate::plan::file::to_text(plan)
}

/// The plans of every target, in the order given, as one JSON document.
pub fn render_all(plans: &[Plan]) -> String {
    crate::plan::file::to_text_all(plans)
}
