//! The Connect service model, validation of values against it, and the service's rules the
//! model cannot express.
//!
//! The model (`connect-rules-api.json` and `connect-resources-api.json`) is the botocore
//! description of the operations we use or serve, cut down; both the emulator and the rule-file
//! validator check input against it, so the tool's limits are the service's limits.

pub mod beyond_model;
mod shapes;
mod validate;

pub use shapes::{model, Member, OperationShape, ServiceModel, Shape, ShapeKind};
pub use validate::{closest, validate, Problem, UnknownMembers, Violation};
