//! hunt's encodings of the `hll` and `tdigest` sketches (docs: hll-aggregation-function,
//! tdigest-aggregation-function, using-hll-tdigest). Kusto's pages promise round trips,
//! not bytes: `dcount_hll(hll(x))` is `dcount(x)` within the accuracy, sketches merge
//! (`hll_merge`, `tdigest_merge`), and `percentile_tdigest(tdigest(x), p)` is
//! `percentile(x, p)` within the accuracy. hunt's sketches are exact, so those hold with
//! no error at all (hunt's `dcount` and `percentile` are exact too); their bytes differ
//! from Kusto's, so a sketch Kusto wrote is not read here (an error, not a guess).
//!
//! - hll: `["hunt-hll", accuracy, ["<xxhash64 of each distinct value, hex>", …]]`,
//!   hashes sorted; a value is hashed with its kind (a long 1 and a string "1" differ, as
//!   in `dcount`).
//! - tdigest: `["hunt-tdigest", "<type>", [[value, weight], …]]`, values sorted and
//!   distinct, of type long, real, datetime or timespan (these two as nanoseconds).
//!
//! A sketch holds at most [`MAX_ITEMS`] entries; past that hunt stops with an error
//! rather than hold an unbounded value.

use crate::registry::traits::{ArgValue, FunctionError};
use crate::types::KqlType;
use arrow_array::types::{DurationNanosecondType, Int64Type, TimestampNanosecondType};
use arrow_array::{Array, ArrayRef, Float64Array, StringArray, cast::AsArray};
use serde_json::{Value, json};
use std::cmp::Ordering;
use std::collections::BTreeSet;
use std::hash::Hasher;

/// The most entries (distinct hashes, distinct values) one sketch holds.
pub const MAX_ITEMS: usize = 1 << 20;

const HLL_TAG: &str = "hunt-hll";
const TDIGEST_TAG: &str = "hunt-tdigest";

fn too_big(what: &str) -> FunctionError {
    FunctionError::Unsupported(format!(
        "a {what} sketch of more than {MAX_ITEMS} distinct values (hunt's sketches are exact)"
    ))
}

/// An hll sketch: the distinct values' hashes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Hll {
    /// The accuracy level asked for (0..=4), kept for the encoding.
    pub accuracy: i64,
    /// The hashes of the distinct values.
    pub hashes: BTreeSet<u64>,
}

impl Hll {
    /// Adds the hash of one value.
    pub fn insert(&mut self, h: u64) -> Result<(), FunctionError> {
        self.hashes.insert(h);
        if self.hashes.len() > MAX_ITEMS {
            return Err(too_big("hll"));
        }
        Ok(())
    }

    /// Adds every value of `other`.
    pub fn merge(&mut self, other: &Hll) -> Result<(), FunctionError> {
        self.accuracy = self.accuracy.max(other.accuracy);
        for h in &other.hashes {
            self.insert(*h)?;
        }
        Ok(())
    }

    /// The dynamic value.
    pub fn to_json(&self) -> Value {
        let hashes: Vec<Value> = self
            .hashes
            .iter()
            .map(|h| Value::String(format!("{h:016x}")))
            .collect();
        json!([HLL_TAG, self.accuracy, hashes])
    }

    /// Reads a dynamic value written by [`Hll::to_json`]; `None` for null.
    pub fn from_json(v: &Value) -> Result<Option<Hll>, FunctionError> {
        if v.is_null() {
            return Ok(None);
        }
        let bad = || FunctionError::Invalid("the value is not an hll sketch made by hunt".into());
        let [tag, acc, hashes] = v.as_array().map(Vec::as_slice).ok_or_else(bad)? else {
            return Err(bad());
        };
        if tag.as_str() != Some(HLL_TAG) {
            return Err(bad());
        }
        let mut out = Hll {
            accuracy: acc.as_i64().ok_or_else(bad)?,
            hashes: BTreeSet::new(),
        };
        for h in hashes.as_array().ok_or_else(bad)? {
            let h = h
                .as_str()
                .and_then(|s| u64::from_str_radix(s, 16).ok())
                .ok_or_else(bad)?;
            out.insert(h)?;
        }
        Ok(Some(out))
    }
}

/// The hash of row `i` of `a` (a column of one of hll's argument types), with its kind;
/// `None` for null.
pub fn value_hash(a: &ArrayRef, i: usize) -> Result<Option<u64>, FunctionError> {
    if a.is_null(i) {
        return Ok(None);
    }
    let mut h = twox_hash::XxHash64::with_seed(0);
    match a.data_type() {
        arrow_schema::DataType::Int64 => {
            h.write_u8(b'l');
            h.write(&a.as_primitive::<Int64Type>().value(i).to_le_bytes());
        }
        arrow_schema::DataType::Timestamp(..) => {
            h.write_u8(b'd');
            h.write(
                &a.as_primitive::<TimestampNanosecondType>()
                    .value(i)
                    .to_le_bytes(),
            );
        }
        arrow_schema::DataType::Duration(..) => {
            h.write_u8(b't');
            h.write(
                &a.as_primitive::<DurationNanosecondType>()
                    .value(i)
                    .to_le_bytes(),
            );
        }
        arrow_schema::DataType::Utf8 => {
            let s = a.as_any().downcast_ref::<StringArray>().ok_or_else(|| {
                FunctionError::Internal("a text column is not a string array".into())
            })?;
            // An empty string is KQL's null string: not counted, as in `dcount`.
            if s.value(i).is_empty() {
                return Ok(None);
            }
            h.write_u8(b's');
            h.write(s.value(i).as_bytes());
        }
        other => {
            return Err(FunctionError::Internal(format!(
                "an hll argument of Arrow type {other}"
            )));
        }
    }
    Ok(Some(h.finish()))
}

/// A number a tdigest holds: a long (also datetime and timespan nanoseconds) or a real.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Num {
    /// long, datetime, timespan.
    I(i64),
    /// real.
    R(f64),
}

impl Num {
    fn as_f64(self) -> f64 {
        match self {
            Num::I(i) => i as f64,
            Num::R(r) => r,
        }
    }
    /// Kusto's order: by value (a NaN last).
    pub fn cmp(self, other: Num) -> Ordering {
        match (self, other) {
            (Num::I(a), Num::I(b)) => a.cmp(&b),
            (a, b) => a.as_f64().total_cmp(&b.as_f64()),
        }
    }
    fn to_json(self) -> Value {
        match self {
            Num::I(i) => json!(i),
            Num::R(r) => json!(r),
        }
    }
}

/// A tdigest: the distinct values with their total weights, sorted.
#[derive(Debug, Clone, PartialEq)]
pub struct Digest {
    /// long, real, datetime or timespan.
    pub ty: KqlType,
    /// (value, weight), sorted by value once [`Digest::normalize`] ran.
    pub items: Vec<(Num, i64)>,
}

impl Digest {
    /// An empty digest of values of type `ty`.
    pub fn new(ty: KqlType) -> Digest {
        Digest { ty, items: vec![] }
    }

    /// Sorts the values and sums the weights of equal ones.
    pub fn normalize(&mut self) -> Result<(), FunctionError> {
        self.items.sort_by(|a, b| a.0.cmp(b.0));
        let mut out: Vec<(Num, i64)> = Vec::with_capacity(self.items.len());
        for (v, w) in self.items.drain(..) {
            match out.last_mut() {
                Some((last, lw)) if last.cmp(v) == Ordering::Equal => *lw += w,
                _ => out.push((v, w)),
            }
        }
        self.items = out;
        if self.items.len() > MAX_ITEMS {
            return Err(too_big("tdigest"));
        }
        Ok(())
    }

    /// Adds every value of `other` (a digest of the same type).
    pub fn merge(&mut self, other: Digest) -> Result<(), FunctionError> {
        if other.ty != self.ty {
            return Err(FunctionError::Invalid(format!(
                "merging a tdigest of {} values with one of {} values",
                self.ty, other.ty
            )));
        }
        self.items.extend(other.items);
        if self.items.len() > 2 * MAX_ITEMS {
            self.normalize()?;
        }
        Ok(())
    }

    /// The nearest-rank percentile `p` (as `percentile`: the smallest value whose
    /// cumulative weight reaches p% of the total); `None` when the digest is empty.
    pub fn percentile(&self, p: f64) -> Option<Num> {
        let total: i64 = self.items.iter().map(|x| x.1).sum();
        if total <= 0 {
            return None;
        }
        let rank = ((p / 100.0) * total as f64).ceil().max(1.0) as i64;
        let mut seen = 0;
        for (v, w) in &self.items {
            seen += w;
            if seen >= rank {
                return Some(*v);
            }
        }
        self.items.last().map(|x| x.0)
    }

    /// The rank of `v`: the total weight of the values less than or equal to it.
    pub fn rank(&self, v: Num) -> i64 {
        self.items
            .iter()
            .take_while(|x| x.0.cmp(v) != Ordering::Greater)
            .map(|x| x.1)
            .sum()
    }

    /// The dynamic value (normalized first).
    pub fn to_json(&self) -> Value {
        let items: Vec<Value> = self
            .items
            .iter()
            .map(|(v, w)| json!([v.to_json(), w]))
            .collect();
        json!([TDIGEST_TAG, self.ty.to_string(), items])
    }

    /// Reads a dynamic value written by [`Digest::to_json`]; `None` for null.
    pub fn from_json(v: &Value) -> Result<Option<Digest>, FunctionError> {
        if v.is_null() {
            return Ok(None);
        }
        let bad = || FunctionError::Invalid("the value is not a tdigest made by hunt".into());
        let [tag, ty, items] = v.as_array().map(Vec::as_slice).ok_or_else(bad)? else {
            return Err(bad());
        };
        if tag.as_str() != Some(TDIGEST_TAG) {
            return Err(bad());
        }
        let ty = match ty.as_str().ok_or_else(bad)? {
            "long" => KqlType::Long,
            "real" => KqlType::Real,
            "datetime" => KqlType::DateTime,
            "timespan" => KqlType::TimeSpan,
            _ => return Err(bad()),
        };
        let mut d = Digest::new(ty);
        for it in items.as_array().ok_or_else(bad)? {
            let [v, w] = it.as_array().map(Vec::as_slice).ok_or_else(bad)? else {
                return Err(bad());
            };
            let v = if ty == KqlType::Real {
                Num::R(v.as_f64().ok_or_else(bad)?)
            } else {
                Num::I(v.as_i64().ok_or_else(bad)?)
            };
            d.items.push((v, w.as_i64().ok_or_else(bad)?));
        }
        d.normalize()?;
        Ok(Some(d))
    }
}

/// Row `i` of a numeric, datetime or timespan column as a digest value (`None`: null).
pub fn num_at(a: &ArrayRef, i: usize) -> Result<Option<Num>, FunctionError> {
    if a.is_null(i) {
        return Ok(None);
    }
    Ok(Some(match a.data_type() {
        arrow_schema::DataType::Int64 => Num::I(a.as_primitive::<Int64Type>().value(i)),
        arrow_schema::DataType::Timestamp(..) => {
            Num::I(a.as_primitive::<TimestampNanosecondType>().value(i))
        }
        arrow_schema::DataType::Duration(..) => {
            Num::I(a.as_primitive::<DurationNanosecondType>().value(i))
        }
        arrow_schema::DataType::Float64 => match a.as_any().downcast_ref::<Float64Array>() {
            Some(f) => Num::R(f.value(i)),
            None => return Err(FunctionError::Internal("a real column".into())),
        },
        other => {
            return Err(FunctionError::Internal(format!(
                "a tdigest value of Arrow type {other}"
            )));
        }
    }))
}

/// Row `i` of a dynamic argument as JSON (null for a null).
pub fn dynamic_at(a: &ArgValue, i: usize) -> Result<Value, FunctionError> {
    let text = match a {
        ArgValue::Scalar(crate::expr::Scalar::Dynamic(v)) => return Ok(v.clone()),
        ArgValue::Scalar(_) => return Ok(Value::Null),
        ArgValue::Array(arr) => {
            let s = arr
                .as_any()
                .downcast_ref::<StringArray>()
                .ok_or_else(|| FunctionError::Internal("a dynamic column is not text".into()))?;
            if s.is_null(i) {
                return Ok(Value::Null);
            }
            s.value(i)
        }
    };
    serde_json::from_str(text)
        .map_err(|e| FunctionError::Internal(format!("a dynamic value is not JSON: {e}")))
}

/// A digest value as a dynamic value: a number, or a datetime's text.
pub fn num_json(ty: KqlType, v: Num) -> Result<Value, FunctionError> {
    match (ty, v) {
        (KqlType::DateTime, Num::I(ns)) => {
            // Kusto's text of a datetime: seven fractional digits (ticks of 100 ns).
            let t = chrono::DateTime::from_timestamp_nanos(ns);
            Ok(Value::String(format!(
                "{}.{:07}Z",
                t.format("%Y-%m-%dT%H:%M:%S"),
                ns.rem_euclid(1_000_000_000) / 100
            )))
        }
        (KqlType::TimeSpan, _) => Err(FunctionError::Unsupported(
            "a timespan percentile as a dynamic value (give `typeof(timespan)`)".into(),
        )),
        (_, v) => Ok(v.to_json()),
    }
}
