//! The Connect service model for the rule operations, and validation of values against it.
//!
//! The model (`connect-rules-api.json`) is the botocore description of the operations we use,
//! cut down; both the emulator and the rule-file validator check input against it, so the
//! tool's limits are the service's limits.

mod shapes;
mod validate;

pub use shapes::{model, Member, ServiceModel, Shape, ShapeKind};
pub use validate::{closest, validate, Problem, UnknownMembers, Violation};
