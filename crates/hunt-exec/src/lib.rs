//! hunt-exec: runs a logical plan as streaming, vectorized operators over Arrow
//! record batches (stage 4 of hunt; see `docs/architecture.md`).
//!
//! `create_physical_plan(&LogicalPlan, &TableSet) -> Arc<dyn ExecutionPlan>`, then
//! `collect(&plan) -> Vec<RecordBatch>`.

pub mod control;
pub mod error;
pub mod expr;
pub mod kernels;
pub mod limits;
pub mod operators;
pub mod physical_plan;
pub mod scan;
pub mod spill;

pub use control::{CancelToken, ScanProgress};
pub use error::{ExecError, Result};
pub use physical_plan::{ExecutionPlan, collect, collect_within, create_physical_plan, display};
pub use scan::{TableSet, discover};
