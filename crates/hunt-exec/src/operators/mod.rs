//! Physical operators, one `*Exec` per file.

mod accumulators;
mod accumulators_merge;
mod accumulators_more;
mod aggregate;
mod filter;
mod graph;
mod join;
mod limit;
mod mvapply;
mod mvexpand;
mod parse;
mod projection;
mod scan;
mod series;
mod sort;
mod topnested;
mod union;
mod values;
mod window;

pub use aggregate::AggregateExec;
pub use filter::FilterExec;
pub use graph::GraphExec;
pub use join::HashJoinExec;
pub use limit::LimitExec;
pub use mvapply::{ApplyRowsExec, ApplySlot, MvApplyExec};
pub use mvexpand::MvExpandExec;
pub use parse::ParseExec;
pub use projection::ProjectionExec;
pub use scan::StepScanExec;
pub use series::SeriesExec;
pub use sort::SortExec;
pub use topnested::TopNestedExec;
pub use union::UnionExec;
pub use values::ValuesExec;
pub use window::WindowExec;
