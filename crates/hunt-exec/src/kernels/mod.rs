//! KQL-specific kernels: free functions over Arrow arrays, one family per module.
//! Everything arrow's own compute kernels do is called, not rewritten.

pub mod arith;
pub mod string;
pub mod text;
