//! Tables on disk: discovery of `DIR/<Table>/**/*.parquet` and `DIR/<Table>.parquet`,
//! schema unification across files, and the streaming Parquet scan.

mod bloom;
mod conform;
mod dictfilter;
mod dictprune;
mod discover;
mod external;
mod guard;
mod late;
mod ordered;
mod parquet;
mod prefetch;
mod prune;
pub mod stats;
mod table;
mod topbound;

pub use self::parquet::ParquetScanExec;
pub use conform::conform_column;
pub use discover::discover;
pub use guard::panic_message;
pub use table::{ParquetTable, TableSet};
pub use topbound::TopBound;
