//! The JSON plan for `--format json`: the plan file's text ([`crate::plan::file`]), so what is
//! printed can be saved and applied as it is.

use crate::plan::Plan;

/// The plan as pretty JSON with its checksum and a trailing newline.
pub fn render(plan: &Plan) -> String {
    crate::plan::file::to_text(plan)
}
