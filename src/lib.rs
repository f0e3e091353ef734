//! connect-rules: Amazon Connect rules as code.
//!
//! The pipeline is `load` -> `validate` -> `fetch` -> `diff` -> `plan` -> `render` -> `apply`;
//! the pure stages take and return plain data, and only `fetch` and `apply` talk to an
//! instance. `model` holds the types every stage shares (the rule, the desired and live rule,
//! ownership), `plan` the plan and its file, and `cache` what a run may read back instead of
//! doing the work again.

pub mod apply;
pub mod cache;
pub mod cli;
pub mod client;
pub mod commands;
pub mod config;
pub mod diagnostic;
pub mod diff;
pub mod digest;
pub mod drift;
pub mod emulator;
pub mod error;
pub mod export;
pub mod fetch;
pub mod function;
pub mod glob;
pub mod load;
pub mod model;
pub mod node;
pub mod out;
pub mod parallel;
pub mod plan;
pub mod progress;
pub mod redact;
pub mod reference;
pub mod render;
pub mod resources;
pub mod safe_write;
pub mod schema;
pub mod selection;
pub mod service;
pub mod settings;
pub mod style;
pub mod validate;
