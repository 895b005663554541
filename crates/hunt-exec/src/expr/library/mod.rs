//! Kernels of the scalar function library (`hunt_plan::library`): one arm per
//! [`LibFunc`], each over argument arrays already materialized to `n` rows, grouped by
//! family like the binding side (`math`, `string`, `dynamic`, `datetime`, `series`).
//!
//! Arguments arrive in the types the planner bound them to (see each family's binder in
//! `hunt_plan::library`), so the downcasts here fail only on a planner bug. Per-row logic
//! lives in `crate::kernels`; this layer walks the arrays and builds the result.

mod datetime;
mod dynamic;
mod geo;
mod geo_shape;
mod ipv6;
mod math;
mod misc;
mod parsing;
mod series;
mod stats;
mod string;
mod timezone;

use crate::error::{ExecError, Result};
use arrow::array::*;
use hunt_plan::library::{Family, LibFunc, family};
use hunt_plan::types::KqlType;
use serde_json::Value;
use std::sync::Arc;

/// Evaluates library function `f`; `tys` are the argument KQL types, `out` the result type.
pub fn call(
    f: LibFunc,
    args: &[ArrayRef],
    tys: &[KqlType],
    out: KqlType,
    n: usize,
) -> Result<ArrayRef> {
    let a = Args { f, a: args, tys, n };
    match family(f) {
        Family::Internal | Family::Dynamic => dynamic::call(&a, out),
        Family::Math => math::call(&a, out),
        Family::String => string::call(&a, out),
        Family::Datetime => datetime::call(&a, out),
        Family::Ipv6 => ipv6::call(&a, out),
        Family::Stats => stats::call(&a, out),
        Family::Timezone => timezone::call(&a, out),
        Family::Parsing => parsing::call(&a, out),
        Family::Misc => misc::call(&a, out),
        Family::Geo => geo::call(&a, out),
        Family::GeoShape => geo_shape::call(&a, out),
        Family::Series => series::call(&a, out),
    }
}

/// The arguments of one call, with typed accessors.
struct Args<'a> {
    f: LibFunc,
    a: &'a [ArrayRef],
    tys: &'a [KqlType],
    n: usize,
}

macro_rules! accessor {
    ($name:ident, $arr:ty) => {
        fn $name(&self, i: usize) -> Result<&'a $arr> {
            self.a
                .get(i)
                .and_then(|a| a.as_any().downcast_ref::<$arr>())
                .ok_or_else(|| self.internal())
        }
    };
}

impl<'a> Args<'a> {
    fn internal(&self) -> ExecError {
        ExecError::Internal(format!("unexpected argument types for {}", self.f.name()))
    }
    fn len(&self) -> usize {
        self.a.len()
    }
    accessor!(str, StringArray);
    accessor!(long, Int64Array);
    accessor!(int, Int32Array);
    accessor!(real, Float64Array);
    accessor!(bool, BooleanArray);
    accessor!(dt, TimestampNanosecondArray);
    accessor!(ts, DurationNanosecondArray);
    /// A JSON reader over dynamic argument `i`.
    fn json(&self, i: usize) -> Result<Json<'a>> {
        Ok(Json::new(self.str(i)?))
    }
    /// An optional long argument `i` (absent → `None` for every row).
    fn opt_long(&self, i: usize) -> Result<Option<&'a Int64Array>> {
        if i < self.len() {
            self.long(i).map(Some)
        } else {
            Ok(None)
        }
    }
}

/// A string cell: KQL strings are never null, so a null reads as "".
fn sv(a: &StringArray, i: usize) -> &str {
    if a.is_null(i) { "" } else { a.value(i) }
}

/// A primitive cell as an option.
fn pv<T: arrow::datatypes::ArrowPrimitiveType>(
    a: &PrimitiveArray<T>,
    i: usize,
) -> Option<T::Native> {
    if a.is_null(i) { None } else { Some(a.value(i)) }
}

/// Reads the rows of a dynamic column as JSON, parsing each distinct text once in a row
/// (a constant argument is parsed once for the whole batch).
struct Json<'a> {
    arr: &'a StringArray,
    last: Option<(String, Value)>,
}

impl<'a> Json<'a> {
    fn new(arr: &'a StringArray) -> Json<'a> {
        Json { arr, last: None }
    }
    /// The value at row `i`; `None` for a null.
    fn get(&mut self, i: usize) -> Option<&Value> {
        if self.arr.is_null(i) {
            return None;
        }
        let text = self.arr.value(i);
        let hit = matches!(&self.last, Some((t, _)) if t == text);
        if !hit {
            let v = serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_string()));
            self.last = Some((text.to_string(), v));
        }
        self.last.as_ref().map(|(_, v)| v)
    }
}

/// A dynamic column from values; `None` and JSON null are KQL null.
fn dyn_array(vals: impl IntoIterator<Item = Option<Value>>) -> ArrayRef {
    let mut b = StringBuilder::new();
    for v in vals {
        match v {
            None | Some(Value::Null) => b.append_null(),
            Some(v) => b.append_value(v.to_string()),
        }
    }
    Arc::new(b.finish())
}

/// A string column (never null).
fn str_array<S: AsRef<str>>(vals: impl IntoIterator<Item = S>) -> ArrayRef {
    let mut b = StringBuilder::new();
    for v in vals {
        b.append_value(v.as_ref());
    }
    Arc::new(b.finish())
}

/// Caches the last compiled value for a key (a regex pattern, a format), so a constant
/// argument compiles once per batch.
struct Cache<T> {
    last: Option<(String, T)>,
}

impl<T> Cache<T> {
    fn new() -> Cache<T> {
        Cache { last: None }
    }
    fn get(&mut self, key: &str, make: impl FnOnce(&str) -> Result<T>) -> Result<&T> {
        let hit = matches!(&self.last, Some((k, _)) if k == key);
        if !hit {
            self.last = Some((key.to_string(), make(key)?));
        }
        match &self.last {
            Some((_, v)) => Ok(v),
            None => Err(ExecError::Internal("cache miss".into())),
        }
    }
}

/// An error the user caused (a bad regex), reported with the call's span by the caller.
/// The result of an `ipv*_compare` (the order: -1, 0, 1) or, when `compare` is false, of
/// the matching `ipv*_is_match` (equality).
fn compare_or_match(order: Vec<Option<i64>>, compare: bool) -> ArrayRef {
    if compare {
        Arc::new(Int64Array::from(order))
    } else {
        Arc::new(
            order
                .into_iter()
                .map(|c| c.map(|c| c == 0))
                .collect::<BooleanArray>(),
        )
    }
}

fn user_error(message: String) -> ExecError {
    ExecError::Function(message)
}

/// Compiles a regex, as a user error when it is invalid.
fn compile_regex(p: &str) -> Result<regex::Regex> {
    crate::kernels::regex_cache::compile(p)
}
