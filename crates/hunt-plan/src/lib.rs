//! hunt-plan: binds a KQL AST against a catalog into a typed logical plan, then
//! optimizes it (stages 2 and 3 of hunt; see `docs/architecture.md`).
//!
//! `plan(&Query, &dyn Catalog, now) -> Planned`, then `optimize(LogicalPlan) -> LogicalPlan`.

pub mod advanced_hunting;
pub mod catalog;
pub mod error;
pub mod expr;
pub mod graph;
pub mod library;
pub mod logical_plan;
pub mod optimizer;
pub mod planner;
pub mod registry;
pub mod scan_spec;
pub mod stored;
pub mod types;

pub use catalog::Catalog;
pub use error::{PlanError, PlanErrorKind};
pub use logical_plan::LogicalPlan;
pub use optimizer::optimize;
pub use planner::{Planned, plan, plan_with};
pub use stored::{StoredFunction, StoredFunctions};
