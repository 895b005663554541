//! hunt-plan: binds a KQL AST against a catalog into a typed logical plan.
pub mod catalog;
pub mod types;
