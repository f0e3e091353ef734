//! The Rules Function language: a typed tree over a rule's `Function`, a catalog of the
//! conditions each event source accepts, a checker, and a plain-language reading.

pub mod ast;
pub mod catalog;
pub mod check;
pub mod explain;
pub mod path;

pub use ast::FunctionDoc;
pub use check::{check, Finding, Level};
pub use explain::{explain, explain_document};

#[cfg(test)]
mod tests;
