//! connect-rules: Amazon Connect rules as code.
//!
//! The pipeline is `load` -> `validate` -> `fetch` -> `diff` -> `render` -> `apply`; the pure
//! stages take and return plain data, and only `fetch` and `apply` talk to an instance.

pub mod apply;
pub mod cache;
pub mod checked_cache;
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
pub mod ownership;
pub mod parallel;
pub mod plan;
pub mod redact;
pub mod render;
pub mod safe_write;
pub mod schema;
pub mod service;
pub mod settings;
pub mod style;
pub mod validate;
