//! One level of `top-nested`: the groups of (kept parent, key) with their aggregate, and
//! the choice of each parent's top groups.
//!
//! A group is keyed by its parent's id (the kept group of the level above; 0 on the first
//! level) and the row encoding of its key, and remembers the place of its first row. Each
//! parent's groups are ordered by their aggregate (nulls last whatever the direction), ties
//! by first place — the order the in-memory operator always had (groups in order of first
//! appearance, sorted stably) — and cut to the level's count. That order is total, so the
//! top groups of a parent are the same whether its groups were aggregated in one table or
//! partition by partition (each partition's own top groups, then the top of those).

use crate::error::{ExecError, Result};
use crate::expr::scalar::array_value;
use arrow::array::{Array, ArrayRef, AsArray};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Float64Type, Int64Type};
use arrow::row::Rows;
use hunt_plan::expr::{AggFunc, Scalar};
use hunt_plan::types::KqlType;
use std::cmp::Ordering;
use std::collections::HashMap;

/// Orders scalars of one type: integers (and the integer-backed datetime and timespan)
/// exactly, strings by text, reals by `total_cmp`.
pub(super) fn cmp(a: &Scalar, b: &Scalar) -> Ordering {
    let int = |s: &Scalar| match s {
        Scalar::Int(v) => Some(*v as i64),
        Scalar::Long(v) | Scalar::DateTime(v) | Scalar::TimeSpan(v) => Some(*v),
        _ => None,
    };
    let real = |s: &Scalar| match s {
        Scalar::Real(v) => *v,
        s => int(s).map_or(f64::NAN, |v| v as f64),
    };
    match (a, b) {
        (Scalar::String(x), Scalar::String(y)) => x.cmp(y),
        _ => match (int(a), int(b)) {
            (Some(x), Some(y)) => x.cmp(&y),
            _ => real(a).total_cmp(&real(b)),
        },
    }
}

/// A level's aggregate arguments over one batch, in the form its aggregate reads.
pub(super) enum Arg {
    /// `count()`: none.
    None,
    /// `sum` of reals.
    Real(ArrayRef),
    /// `sum` of integers (int, long, datetime, timespan): exact, wrapping as Kusto's long
    /// arithmetic does.
    Int(ArrayRef),
    /// `min`/`max`: the values, compared with [`cmp`].
    Values(ArrayRef, KqlType),
}

impl Arg {
    /// The arrow type an argument of this kind is kept as (in spill files too); `None` for
    /// `count()`.
    pub(super) fn arrow_type(func: AggFunc, ty: KqlType, arg: Option<KqlType>) -> Option<DataType> {
        match (arg, func) {
            (None, _) | (_, AggFunc::Count) => None,
            (Some(_), AggFunc::Sum) if ty == KqlType::Real => Some(DataType::Float64),
            (Some(_), AggFunc::Sum) => Some(DataType::Int64),
            (Some(a), _) => Some(a.arrow_type()),
        }
    }

    /// `values` (an evaluated argument, any type) as the argument of `func`.
    pub(super) fn new(func: AggFunc, ty: KqlType, arg: Option<(ArrayRef, KqlType)>) -> Result<Arg> {
        let Some((v, aty)) = arg else {
            return Ok(Arg::None);
        };
        Ok(match Arg::arrow_type(func, ty, Some(aty)) {
            None => Arg::None,
            Some(t) => {
                let v = if v.data_type() == &t {
                    v
                } else {
                    cast(&v, &t)?
                };
                match func {
                    AggFunc::Sum if ty == KqlType::Real => Arg::Real(v),
                    AggFunc::Sum => Arg::Int(v),
                    _ => Arg::Values(v, aty),
                }
            }
        })
    }

    /// The column written to spill files (nulls for `count()`).
    pub(super) fn column(&self, rows: usize) -> ArrayRef {
        match self {
            Arg::None => arrow::array::new_null_array(&DataType::Int64, rows),
            Arg::Real(v) | Arg::Int(v) | Arg::Values(v, _) => v.clone(),
        }
    }
}

/// A group's aggregate so far.
enum Acc {
    Count(i64),
    Real(f64),
    Int(i64),
    /// The best value seen (`min` keeps the first of equals, `max` the last).
    Best(Option<Scalar>),
}

impl Acc {
    fn new(arg: &Arg) -> Acc {
        match arg {
            Arg::None => Acc::Count(0),
            Arg::Real(_) => Acc::Real(0.0),
            Arg::Int(_) => Acc::Int(0),
            Arg::Values(..) => Acc::Best(None),
        }
    }

    fn add(&mut self, func: AggFunc, arg: &Arg, i: usize) -> Result<()> {
        match (self, arg) {
            (Acc::Count(n), _) => *n += 1,
            (Acc::Real(s), Arg::Real(v)) => {
                if v.is_valid(i) {
                    *s += v.as_primitive::<Float64Type>().value(i);
                }
            }
            (Acc::Int(s), Arg::Int(v)) => {
                if v.is_valid(i) {
                    *s = s.wrapping_add(v.as_primitive::<Int64Type>().value(i));
                }
            }
            (Acc::Best(best), Arg::Values(v, ty)) => {
                let x = array_value(v.as_ref(), i, *ty)?;
                if x.is_null() {
                    return Ok(());
                }
                let better = match best {
                    None => true,
                    Some(b) if func == AggFunc::Min => cmp(&x, b) == Ordering::Less,
                    Some(b) => cmp(&x, b) != Ordering::Less,
                };
                if better {
                    *best = Some(x);
                }
            }
            _ => {
                return Err(ExecError::Internal(
                    "a top-nested argument changed kind".into(),
                ));
            }
        }
        Ok(())
    }

    fn value(self, ty: KqlType) -> Scalar {
        match self {
            Acc::Count(n) | Acc::Int(n) => Scalar::Long(n),
            Acc::Real(s) => Scalar::Real(s),
            Acc::Best(b) => b.unwrap_or(Scalar::Null(ty)),
        }
    }
}

/// One group, ready to be ranked.
pub(super) struct Cand {
    /// The parent's id, then the key's row encoding: the group's identity.
    pub(super) enc: Box<[u8]>,
    pub(super) parent: u32,
    pub(super) key: Scalar,
    pub(super) value: Scalar,
    pub(super) first: u64,
}

impl Cand {
    /// About the bytes a candidate holds.
    pub(super) fn bytes(&self) -> usize {
        std::mem::size_of::<Cand>() + self.enc.len() + scalar_bytes(&self.key) + 16
    }
}

fn scalar_bytes(s: &Scalar) -> usize {
    match s {
        Scalar::String(t) => t.len(),
        Scalar::Guid(t) => t.len(),
        Scalar::Dynamic(v) => v.to_string().len(),
        _ => 0,
    }
}

/// About the bytes a new group holds, as measured (a 1M-group level held about twice what
/// a flat 112 bytes a group said): the index's slot (with the free slots of a hash table)
/// and the key encoding's allocation, the vectors' slots (with their growth slack), the key
/// value's text.
fn group_bytes(enc: usize, key: &Scalar) -> usize {
    use std::mem::size_of;
    let index = 2 * (size_of::<Box<[u8]>>() + size_of::<u32>() + 1) + enc + 16;
    let slots = (size_of::<u32>() + size_of::<Scalar>() + size_of::<Acc>() + 8) * 3 / 2;
    index + slots + scalar_bytes(key) + 16
}

/// The groups of one level being aggregated.
pub(super) struct Table {
    index: HashMap<Box<[u8]>, u32>,
    parent: Vec<u32>,
    key: Vec<Scalar>,
    acc: Vec<Acc>,
    first: Vec<u64>,
    bytes: usize,
    buf: Vec<u8>,
}

impl Table {
    pub(super) fn new() -> Table {
        Table {
            index: HashMap::new(),
            parent: Vec::new(),
            key: Vec::new(),
            acc: Vec::new(),
            first: Vec::new(),
            bytes: 0,
            buf: Vec::new(),
        }
    }

    /// About the bytes the groups hold.
    pub(super) fn bytes(&self) -> usize {
        self.bytes
    }

    /// Adds rows: row `i` (where `parents[i]` is some) has key `keys.row(i)` (its value in
    /// `key`, of type `key_ty`), argument `arg`'s value `i`, and place `places[i]`.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn push(
        &mut self,
        func: AggFunc,
        parents: &[Option<u32>],
        keys: &Rows,
        key: &dyn Array,
        key_ty: KqlType,
        arg: &Arg,
        places: &[u64],
    ) -> Result<()> {
        for (i, p) in parents.iter().enumerate() {
            let Some(p) = *p else { continue };
            self.buf.clear();
            self.buf.extend_from_slice(&p.to_le_bytes());
            self.buf.extend_from_slice(keys.row(i).as_ref());
            let g = match self.index.get(self.buf.as_slice()) {
                Some(g) => *g as usize,
                None => {
                    let g = self.key.len();
                    let k = array_value(key, i, key_ty)?;
                    self.bytes += group_bytes(self.buf.len(), &k);
                    self.index.insert(self.buf.as_slice().into(), g as u32);
                    self.parent.push(p);
                    self.key.push(k);
                    self.acc.push(Acc::new(arg));
                    self.first.push(places[i]);
                    g
                }
            };
            self.acc[g].add(func, arg, i)?;
        }
        Ok(())
    }

    /// Every group, with its aggregate.
    pub(super) fn into_cands(self, ty: KqlType) -> Vec<Cand> {
        let Table {
            index,
            parent,
            key,
            acc,
            first,
            ..
        } = self;
        let mut enc: Vec<Box<[u8]>> = vec![Box::default(); parent.len()];
        for (e, g) in index {
            enc[g as usize] = e;
        }
        enc.into_iter()
            .zip(parent)
            .zip(key)
            .zip(acc)
            .zip(first)
            .map(|((((enc, parent), key), acc), first)| Cand {
                enc,
                parent,
                key,
                value: acc.value(ty),
                first,
            })
            .collect()
    }
}

/// The top `count` (all when `None`) of each parent's candidates, grouped by parent in
/// parent order, each parent's in rank order.
pub(super) fn top(mut cands: Vec<Cand>, count: Option<usize>, descending: bool) -> Vec<Cand> {
    cands.sort_by(|a, b| {
        a.parent
            .cmp(&b.parent)
            .then_with(|| match (a.value.is_null(), b.value.is_null()) {
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                _ => {
                    let o = cmp(&a.value, &b.value);
                    if descending { o.reverse() } else { o }
                }
            })
            .then(a.first.cmp(&b.first))
    });
    let Some(n) = count else {
        return cands;
    };
    let mut out = Vec::with_capacity(cands.len());
    let mut run: Option<(u32, usize)> = None;
    for c in cands {
        let taken = match run {
            Some((p, t)) if p == c.parent => t,
            _ => 0,
        };
        run = Some((c.parent, taken + 1));
        if taken < n {
            out.push(c);
        }
    }
    out
}
