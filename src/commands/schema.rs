//! `connect-rules schema`: writes the rule file JSON Schema.

use anyhow::Context;

use crate::schema::rule_schema_json;

use super::ExitStatus;

/// Writes the schema to `out`, or to stdout.
pub(super) fn run(out: Option<&std::path::Path>) -> anyhow::Result<ExitStatus> {
    let schema = rule_schema_json();
    match out {
        Some(path) => {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("failed to create `{}`", parent.display()))?;
            }
            std::fs::write(path, schema)
                .with_context(|| format!("failed to write `{}`", path.display()))?;
            eprintln!("wrote `{}`", path.display());
        }
        None => crate::out::out!("{schema}"),
    }
    Ok(ExitStatus::Success)
}
