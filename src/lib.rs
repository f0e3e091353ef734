//! connect-rules: Amazon Connect rules as code.
//!
//! The pipeline is `load` -> `validate` -> `fetch` -> `diff` -> `render` -> `apply`; the pure
//! stages take and return plain data, and only `fetch` and `apply` talk to an instance.

pub mod emulator;
pub mod model;
pub mod node;
pub mod service;
