//! connect-rules: Amazon Connect rules as code.
//!
//! The pipeline is `load` -> `validate` -> `fetch` -> `diff` -> `render` -> `apply`; the pure
//! stages take and return plain data, and only `fetch` and `apply` talk to an instance.

pub mod emulator;
pub mod model;
pub mod node;
pub mod service;
pub mod diagnostic;
pub mod load;
pub mod validate;
pub mod cli;
pub mod commands;
pub mod schema;
pub mod style;
pub mod client;
pub mod config;
pub mod diff;
pub mod plan;
pub mod fetch;
pub mod render;
pub mod apply;
