//! The functions defined by one file each (see `docs/architecture.md`, "Adding a
//! function"). A new definition is a unit struct implementing
//! [`ScalarFunction`](super::ScalarFunction) or [`AggregateFunction`](super::AggregateFunction)
//! in a file of its own here, plus one line in [`SCALARS`] or [`AGGREGATES`].

mod bag_zip;
mod buildschema;

use super::{AggDef, ScalarDef};

/// The scalar functions defined here.
pub const SCALARS: &[ScalarDef] = &[ScalarDef(&bag_zip::BagZip)];

/// The aggregates defined here.
pub const AGGREGATES: &[AggDef] = &[AggDef(&buildschema::BuildSchema)];
