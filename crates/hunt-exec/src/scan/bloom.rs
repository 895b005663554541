//! Bloom-filter pruning: a row group whose column chunk carries a Parquet bloom filter
//! that rules out every value a `where` conjunct asks for (`Col == "v"`, `Col in ("a",
//! "b")`) holds no matching row, so it is skipped. Writers add bloom filters to
//! high-cardinality columns (ids, hashes, addresses), exactly where min/max statistics and
//! dictionaries cannot help.
//!
//! Only case-sensitive equality with non-empty string constants qualifies: a null string
//! reads as `""` in KQL but is not in the filter, and `=~` would need every casing.

use super::dictprune::chunk;
use ::parquet::bloom_filter::Sbbf;
use ::parquet::file::metadata::RowGroupMetaData;
use hunt_plan::expr::{Expr, ExprKind, Func, Scalar};
use hunt_plan::types::KqlType;
use std::fs::File;

/// A conjunct that only rows holding one of `values` in `column` can satisfy.
#[derive(Debug, Clone)]
pub(crate) struct BloomProbe {
    column: String,
    values: Vec<String>,
}

/// The column a string column reference names.
fn string_column(e: &Expr) -> Option<&str> {
    match &e.kind {
        ExprKind::Column(c) if e.ty == KqlType::String => Some(c),
        _ => None,
    }
}

/// A non-empty string constant.
fn string_value(e: &Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Literal(Scalar::String(s)) if !s.is_empty() => Some(s.to_string()),
        _ => None,
    }
}

impl BloomProbe {
    /// The probe of `Col == "v"` (either way round) or `Col in ("a", …)`.
    pub(crate) fn from_expr(e: &Expr) -> Option<BloomProbe> {
        let ExprKind::Call(func, args) = &e.kind else {
            return None;
        };
        match (func, args.as_slice()) {
            (Func::Eq, [a, b]) => {
                let (column, value) = match (string_column(a), string_column(b)) {
                    (Some(c), None) => (c, string_value(b)?),
                    (None, Some(c)) => (c, string_value(a)?),
                    _ => return None,
                };
                Some(BloomProbe {
                    column: column.to_string(),
                    values: vec![value],
                })
            }
            (
                Func::In {
                    ci: false,
                    negated: false,
                },
                [x, items @ ..],
            ) if !items.is_empty() => Some(BloomProbe {
                column: string_column(x)?.to_string(),
                values: items.iter().map(string_value).collect::<Option<_>>()?,
            }),
            _ => None,
        }
    }
}

/// True when some probe's column chunk in `rg` has a bloom filter that contains none of
/// the probe's values. A filter that cannot be read prunes nothing (the decode reports a
/// broken file).
pub(crate) fn rules_out(file: &File, probes: &[BloomProbe], rg: &RowGroupMetaData) -> bool {
    probes.iter().any(|p| {
        let Some(chunk) = chunk(rg, &p.column) else {
            return false;
        };
        if chunk.bloom_filter_offset().is_none() {
            return false;
        }
        match Sbbf::read_from_column_chunk(chunk, file) {
            Ok(Some(filter)) => !p.values.iter().any(|v| filter.check(&v.as_str())),
            _ => false,
        }
    })
}
