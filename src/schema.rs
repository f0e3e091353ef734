//! The JSON Schema of the rule file format, generated from the model.

use crate::model::Rule;

/// Where the committed schema lives, relative to the repository root.
pub const SCHEMA_PATH: &str = "schema/rule.schema.json";

/// The schema as pretty JSON with a trailing newline, exactly as committed.
pub fn rule_schema_json() -> String {
    let schema = schemars::schema_for!(Rule);
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema serialises to JSON");
    text.push('\n');
    text
}
