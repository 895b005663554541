//! `geo_geohash_neighbors(geohash)` and `geo_s2cell_neighbors(s2cell)`: the eight cells
//! around a cell (docs: geo-geohash-neighbors-function, geo-s2cell-neighbors-function).
//! The pages say an invalid cell gives null, and that is hunt's answer too. For a valid
//! cell the set of neighbors is well defined but the order Kusto lists them in is not:
//! the pages document none, and their examples (`sunny`, `89c259`) follow neither the
//! grid, nor the cell ids, nor the order of S2's own `AllNeighbors`. A valid cell is
//! therefore refused rather than answered in an order of hunt's own.

use crate::error::PlanError;
use crate::expr::Expr;
use crate::registry::traits::{ArgValue, FunctionError, ScalarFunction};
use crate::types::KqlType;
use arrow_array::StringArray;
use hunt_syntax::Span;
use std::sync::Arc;

/// `geo_geohash_neighbors(geohash)`.
pub struct GeohashNeighbors;

/// `geo_s2cell_neighbors(s2cell)`.
pub struct S2cellNeighbors;

/// The base-32 alphabet of geohash.
const GEOHASH: &[u8] = b"0123456789bcdefghjkmnpqrstuvwxyz";

/// A geohash as `geo_geohash_to_polygon` reads one: 1 to 18 characters of the alphabet.
fn valid_geohash(text: &str) -> bool {
    (1..=18).contains(&text.len()) && text.bytes().all(|c| GEOHASH.contains(&c))
}

/// An S2 token as `geo_s2cell_to_polygon` reads one: at most 16 hex digits naming a
/// valid cell id.
fn valid_s2cell(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 16
        && text.bytes().all(|b| b.is_ascii_hexdigit())
        && s2::cellid::CellID::from_token(text).is_valid()
}

/// Both functions take one string and give a dynamic array of strings (Functions.cs).
fn bind_one_string(
    name: &str,
    args: Vec<Expr>,
    span: Span,
) -> Result<(Vec<Expr>, KqlType), PlanError> {
    super::exact_arity(name, &args, 1, span)?;
    if args[0].ty != KqlType::String {
        return Err(PlanError::ty(
            args[0].span,
            format!("`{name}` needs a string, got {}", args[0].ty),
        ));
    }
    Ok((args, KqlType::Dynamic))
}

/// Null for every row whose cell is invalid (or null); a valid cell is refused.
fn invoke_cells(
    name: &str,
    valid: fn(&str) -> bool,
    args: &[ArgValue],
    rows: usize,
) -> Result<ArgValue, FunctionError> {
    let [cell] = args else {
        return Err(FunctionError::Internal(format!("{name} takes 1 argument")));
    };
    for i in 0..rows {
        if let Some(text) = super::text_at(cell, i)?
            && valid(text)
        {
            return Err(FunctionError::Unsupported(format!(
                "`{name}` of the valid cell `{text}` (Kusto's order of the neighbors is not documented)"
            )));
        }
    }
    Ok(ArgValue::Array(Arc::new(StringArray::new_null(rows))))
}

impl ScalarFunction for GeohashNeighbors {
    fn name(&self) -> &'static str {
        "geo_geohash_neighbors"
    }
    fn bind(&self, args: Vec<Expr>, span: Span) -> Result<(Vec<Expr>, KqlType), PlanError> {
        bind_one_string(self.name(), args, span)
    }
    fn invoke(&self, args: &[ArgValue], rows: usize) -> Result<ArgValue, FunctionError> {
        invoke_cells(self.name(), valid_geohash, args, rows)
    }
}

impl ScalarFunction for S2cellNeighbors {
    fn name(&self) -> &'static str {
        "geo_s2cell_neighbors"
    }
    fn bind(&self, args: Vec<Expr>, span: Span) -> Result<(Vec<Expr>, KqlType), PlanError> {
        bind_one_string(self.name(), args, span)
    }
    fn invoke(&self, args: &[ArgValue], rows: usize) -> Result<ArgValue, FunctionError> {
        invoke_cells(self.name(), valid_s2cell, args, rows)
    }
}

#[cfg(test)]
mod tests {
    use super::{valid_geohash, valid_s2cell};

    #[test]
    fn cells_of_the_docs_are_valid_and_theirs_invalid_are_not() {
        // geo-geohash-neighbors-function, geo-s2cell-neighbors-function: `sunny` and
        // `89c259` have neighbors, `a` is invalid for both.
        assert!(valid_geohash("sunny"));
        assert!(!valid_geohash("a"));
        assert!(!valid_geohash(""));
        assert!(valid_s2cell("89c259"));
        assert!(!valid_s2cell("a"));
        assert!(!valid_s2cell("X"));
    }
}
