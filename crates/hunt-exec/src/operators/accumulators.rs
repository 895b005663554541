//! Per-group aggregate states for [`super::AggregateExec`]: one `Acc` per aggregate,
//! holding a value per group, updated batch by batch.

use crate::error::{ExecError, Result};
use crate::expr::scalar::{array_from_scalars, array_value};
use arrow::array::*;
use arrow::compute::cast;
use arrow::datatypes::{DataType, Float64Type};
use arrow::row::{OwnedRow, RowConverter, SortField};
use hunt_plan::expr::{AggFunc, Scalar};
use hunt_plan::types::KqlType;
use std::collections::HashSet;

use std::sync::Arc;

/// Kusto's default cap on `make_list`/`make_set` sizes.
pub(super) const DEFAULT_MAX_ITEMS: usize = 1_048_576;

/// About the bytes `v` holds in memory (its text, and a value's overhead).
pub(super) fn json_bytes(v: &serde_json::Value) -> usize {
    use serde_json::Value;
    const VALUE: usize = 32;
    match v {
        Value::String(s) => VALUE + s.len(),
        Value::Array(a) => VALUE + a.iter().map(json_bytes).sum::<usize>(),
        Value::Object(m) => {
            VALUE
                + m.iter()
                    .map(|(k, v)| VALUE + k.len() + json_bytes(v))
                    .sum::<usize>()
        }
        _ => VALUE,
    }
}

/// Per-group state of one aggregate.
pub(super) enum Acc {
    Count(Vec<i64>),
    DCount(Box<super::distinct::Distinct>),
    SumLong(Vec<i64>),
    SumReal(Vec<f64>),
    Avg(Vec<f64>, Vec<i64>),
    /// avg over longs: Kusto sums in (wrapping) long arithmetic, then divides.
    AvgLong(Vec<i64>, Vec<i64>),
    /// min/max keep the best value's order-preserving row encoding.
    MinMax {
        min: bool,
        conv: RowConverter,
        best: Vec<Option<OwnedRow>>,
        dt: DataType,
        skip_empty: bool,
        /// Groups that saw a NaN: Kusto's min/max of reals is then NaN.
        nan: Vec<bool>,
    },
    /// min/max of an integer-backed type (int, long, datetime, timespan), as i64.
    MinMaxInt {
        min: bool,
        best: Vec<Option<i64>>,
        dt: DataType,
    },
    /// min/max of reals (in IEEE total order, as the row encoding orders them); a group
    /// that saw a NaN gives NaN.
    MinMaxReal {
        min: bool,
        best: Vec<Option<f64>>,
        nan: Vec<bool>,
    },
    /// make_set/make_list of scalar values, interned ([`super::make_items`]).
    Items(Box<super::make_items::MakeItems>),
    List {
        set: bool,
        limit: usize,
        items: Vec<Vec<serde_json::Value>>,
        seen: Vec<HashSet<String>>,
        ty: KqlType,
        /// About how many bytes the lists (and the set's seen strings) hold: what the
        /// aggregate reserves from the query's memory budget.
        bytes: usize,
    },
    /// make_bag: per group, the merged bag (first value of a key wins) and the size cap.
    Bag {
        limit: usize,
        bags: Vec<serde_json::Map<String, serde_json::Value>>,
    },
    TakeAny(Vec<Scalar>, KqlType),
    Percentile {
        p: f64,
        values: Vec<Vec<Scalar>>,
        ty: KqlType,
    },
    /// The less common aggregates, kept in their own module.
    More(super::accumulators_more::MoreAcc),
    /// An aggregate with a definition of its own (`hunt_plan::registry::defs`).
    Def(Box<dyn hunt_plan::registry::GroupState>),
}

/// A scalar as a JSON value inside `make_list`/`make_set` results.
pub(crate) fn scalar_json(s: &Scalar) -> serde_json::Value {
    use crate::kernels::text;
    match s {
        Scalar::Null(_) => serde_json::Value::Null,
        Scalar::Bool(b) => (*b).into(),
        Scalar::Int(v) => (*v).into(),
        Scalar::Long(v) => (*v).into(),
        // JSON has no NaN or infinities; Kusto writes them as strings in dynamic values.
        Scalar::Real(v) => serde_json::Number::from_f64(*v)
            .map(Into::into)
            .unwrap_or_else(|| text::real_to_string(*v).unwrap_or_default().into()),
        Scalar::String(v) => v.to_string().into(),
        Scalar::Guid(v) => v.clone().into(),
        Scalar::DateTime(v) => text::datetime_to_string(*v).into(),
        Scalar::TimeSpan(v) => text::timespan_to_string(*v).into(),
        Scalar::Dynamic(v) => v.clone(),
    }
}

fn const_of(a: &ArrayRef) -> Option<i64> {
    let a = a.as_any().downcast_ref::<Int64Array>()?;
    (!a.is_empty() && a.is_valid(0)).then(|| a.value(0))
}

impl Acc {
    /// About the bytes this state's values hold, for those that grow with their input
    /// (lists and sets); 0 for the fixed-size ones.
    pub(super) fn held_bytes(&self) -> usize {
        match self {
            Acc::List { bytes, .. } => *bytes,
            Acc::Items(m) => m.held_bytes(),
            Acc::DCount(d) => d.held_bytes(),
            Acc::Def(d) => d.held_bytes(),
            _ => 0,
        }
    }

    /// About the bytes one group's fixed-size state takes (its slots in the per-group
    /// vectors; a `min`/`max` of strings also its encoded value, counted as a slot).
    pub(super) fn group_bytes(&self) -> usize {
        match self {
            Acc::Count(_) | Acc::SumLong(_) | Acc::SumReal(_) => 8,
            Acc::MinMaxInt { .. } | Acc::MinMaxReal { .. } | Acc::Avg(..) | Acc::AvgLong(..) => 16,
            Acc::MinMax { .. } | Acc::TakeAny(..) | Acc::Bag { .. } | Acc::Percentile { .. } => 48,
            Acc::More(_) | Acc::Def(_) => 48,
            Acc::List { .. } | Acc::Items(_) | Acc::DCount(_) => 24,
        }
    }

    /// About the bytes each input row adds to a state that keeps every value it is fed
    /// (`percentile`, `percentilew`, `make_list_with_nulls`, `make_bag`), which
    /// [`Acc::held_bytes`] does not count; 0 for the others.
    pub(super) fn row_bytes(&self) -> usize {
        match self {
            Acc::Percentile { .. } | Acc::Bag { .. } => 40,
            Acc::More(m) => m.row_bytes(),
            _ => 0,
        }
    }

    /// A new state. `arg_tys` are the argument types, `consts` the first row of the
    /// argument arrays for constant parameters (limits, percentiles).
    pub(super) fn new(func: AggFunc, arg_tys: &[KqlType], out: KqlType) -> Result<Acc> {
        let ty0 = arg_tys.first().copied().unwrap_or(KqlType::Long);
        let dt = ty0.arrow_type();
        Ok(match func {
            AggFunc::Def(d) => Acc::Def(d.0.state(arg_tys, out)?),
            AggFunc::Count | AggFunc::CountIf => Acc::Count(vec![]),
            AggFunc::DCount => Acc::DCount(Box::new(super::distinct::Distinct::new(dt)?)),
            AggFunc::Sum if out == KqlType::Real => Acc::SumReal(vec![]),
            AggFunc::Sum => Acc::SumLong(vec![]),
            AggFunc::Avg if ty0 == KqlType::Long => Acc::AvgLong(vec![], vec![]),
            AggFunc::Avg => Acc::Avg(vec![], vec![]),
            AggFunc::Min | AggFunc::Max
                if matches!(
                    ty0,
                    KqlType::Int | KqlType::Long | KqlType::DateTime | KqlType::TimeSpan
                ) =>
            {
                Acc::MinMaxInt {
                    min: func == AggFunc::Min,
                    best: vec![],
                    dt,
                }
            }
            AggFunc::Min | AggFunc::Max if ty0 == KqlType::Real => Acc::MinMaxReal {
                min: func == AggFunc::Min,
                best: vec![],
                nan: vec![],
            },
            AggFunc::Min | AggFunc::Max => Acc::MinMax {
                min: func == AggFunc::Min,
                conv: RowConverter::new(vec![SortField::new(dt.clone())])?,
                best: vec![],
                dt,
                skip_empty: ty0 == KqlType::String,
                nan: vec![],
            },
            AggFunc::MakeList | AggFunc::MakeSet if super::make_items::handles(ty0) => {
                Acc::Items(Box::new(super::make_items::MakeItems::new(
                    func == AggFunc::MakeSet,
                    DEFAULT_MAX_ITEMS,
                    ty0,
                )?))
            }
            AggFunc::MakeList | AggFunc::MakeSet => Acc::List {
                set: func == AggFunc::MakeSet,
                limit: DEFAULT_MAX_ITEMS,
                items: vec![],
                seen: vec![],
                ty: ty0,
                bytes: 0,
            },
            AggFunc::MakeBag => Acc::Bag {
                limit: DEFAULT_MAX_ITEMS,
                bags: vec![],
            },
            AggFunc::TakeAny => Acc::TakeAny(vec![], out),
            AggFunc::Percentile => Acc::Percentile {
                p: 50.0,
                values: vec![],
                ty: out,
            },
            other => Acc::More(
                super::accumulators_more::MoreAcc::new(other, arg_tys)
                    .ok_or_else(|| ExecError::Internal(format!("no accumulator for {other:?}")))?,
            ),
        })
    }

    /// Makes room for `groups` groups.
    pub(super) fn grow(&mut self, groups: usize) {
        match self {
            Acc::Count(v) | Acc::SumLong(v) => v.resize(groups, 0),
            Acc::SumReal(v) => v.resize(groups, 0.0),
            Acc::Avg(s, c) => {
                s.resize(groups, 0.0);
                c.resize(groups, 0);
            }
            Acc::AvgLong(s, c) => {
                s.resize(groups, 0);
                c.resize(groups, 0);
            }
            Acc::DCount(d) => d.grow(groups),
            Acc::MinMaxInt { best, .. } => best.resize(groups, None),
            Acc::MinMaxReal { best, nan, .. } => {
                best.resize(groups, None);
                nan.resize(groups, false);
            }
            Acc::MinMax { best, nan, .. } => {
                best.resize(groups, None);
                nan.resize(groups, false);
            }
            Acc::Items(m) => m.grow(groups),
            Acc::List { items, seen, .. } => {
                items.resize_with(groups, Vec::new);
                seen.resize_with(groups, HashSet::new);
            }
            Acc::Bag { bags, .. } => bags.resize_with(groups, serde_json::Map::new),
            Acc::TakeAny(v, t) => v.resize(groups, Scalar::Null(*t)),
            Acc::Percentile { values, .. } => values.resize_with(groups, Vec::new),
            Acc::More(m) => m.grow(groups),
            Acc::Def(d) => d.grow(groups),
        }
    }

    /// Adds rows: `gids[i]` is row i's group, `args` the evaluated arguments.
    pub(super) fn update(
        &mut self,
        gids: &[usize],
        args: &[ArrayRef],
        tys: &[KqlType],
    ) -> Result<()> {
        let bad = || ExecError::Internal("aggregate argument of an unexpected type".into());
        match self {
            Acc::Count(v) => gids.iter().for_each(|g| v[*g] += 1),
            Acc::SumLong(v) => {
                let a = cast(&args[0], &DataType::Int64)?;
                let a = a.as_any().downcast_ref::<Int64Array>().ok_or_else(bad)?;
                each_valid(a, gids, |g, x| v[g] = v[g].wrapping_add(x));
            }
            Acc::SumReal(v) => {
                let a = cast(&args[0], &DataType::Float64)?;
                let a = a.as_any().downcast_ref::<Float64Array>().ok_or_else(bad)?;
                each_valid(a, gids, |g, x| v[g] += x);
            }
            Acc::Avg(sums, counts) => {
                let a = cast(&args[0], &DataType::Float64)?;
                let a = a.as_any().downcast_ref::<Float64Array>().ok_or_else(bad)?;
                each_valid(a, gids, |g, x| {
                    sums[g] += x;
                    counts[g] += 1;
                });
            }
            Acc::AvgLong(sums, counts) => {
                let a = args[0]
                    .as_any()
                    .downcast_ref::<Int64Array>()
                    .ok_or_else(bad)?;
                each_valid(a, gids, |g, x| {
                    sums[g] = sums[g].wrapping_add(x);
                    counts[g] += 1;
                });
            }
            Acc::DCount(d) => d.update(gids, &args[0], None)?,
            Acc::MinMaxInt { min, best, .. } => {
                let a = as_i64s(&args[0])?;
                each_valid(&a, gids, |g, v| {
                    let b = &mut best[g];
                    if b.is_none_or(|b| if *min { v < b } else { v > b }) {
                        *b = Some(v);
                    }
                });
            }
            Acc::MinMaxReal { min, best, nan } => {
                let a = args[0]
                    .as_any()
                    .downcast_ref::<Float64Array>()
                    .ok_or_else(bad)?;
                for (i, g) in gids.iter().enumerate() {
                    if a.is_valid(i) {
                        let v = a.value(i);
                        if v.is_nan() {
                            nan[*g] = true;
                            continue;
                        }
                        let b = &mut best[*g];
                        let better = |b: f64| {
                            let o = v.total_cmp(&b);
                            if *min { o.is_lt() } else { o.is_gt() }
                        };
                        if b.is_none_or(better) {
                            *b = Some(v);
                        }
                    }
                }
            }
            Acc::MinMax {
                min,
                conv,
                best,
                skip_empty,
                nan,
                ..
            } => {
                let strs = args[0].as_any().downcast_ref::<StringArray>();
                if let Some(f) = args[0].as_any().downcast_ref::<Float64Array>() {
                    for (i, g) in gids.iter().enumerate() {
                        if f.is_valid(i) && f.value(i).is_nan() {
                            nan[*g] = true;
                        }
                    }
                }
                let rows = conv.convert_columns(&[args[0].clone()])?;
                for (i, g) in gids.iter().enumerate() {
                    // Nulls (and, for strings, the empty string that stands for null) are ignored.
                    if args[0].is_null(i)
                        || (*skip_empty && strs.is_some_and(|s| s.value(i).is_empty()))
                    {
                        continue;
                    }
                    let r = rows.row(i);
                    let better = match &best[*g] {
                        None => true,
                        Some(b) => {
                            if *min {
                                r < b.row()
                            } else {
                                r > b.row()
                            }
                        }
                    };
                    if better {
                        best[*g] = Some(r.owned());
                    }
                }
            }
            Acc::Items(m) => {
                if let Some(l) = args.get(1).and_then(const_of) {
                    m.set_limit(usize::try_from(l).unwrap_or(0));
                }
                m.update(gids, &args[0])?;
            }
            Acc::List {
                set,
                limit,
                items,
                seen,
                ty,
                bytes,
            } => {
                if let Some(l) = args.get(1).and_then(const_of) {
                    *limit = usize::try_from(l).unwrap_or(0);
                }
                for (i, g) in gids.iter().enumerate() {
                    if args[0].is_null(i) || items[*g].len() >= *limit {
                        continue;
                    }
                    let v = scalar_json(&array_value(args[0].as_ref(), i, *ty)?);
                    // Array values give their elements: make_set's page ("Set from array
                    // column"), make_list in the geo-h3cell-rings page's example (a list
                    // of rings is one flat list of cells) and the oracle
                    // (agent-aggregation-0029: make_list of lists is flat).
                    let vals = match v {
                        serde_json::Value::Array(a) if *ty == KqlType::Dynamic => a,
                        other => vec![other],
                    };
                    for v in vals {
                        if items[*g].len() >= *limit || (*set && !seen[*g].insert(v.to_string())) {
                            continue;
                        }
                        *bytes += json_bytes(&v) * if *set { 2 } else { 1 };
                        items[*g].push(v);
                    }
                }
            }
            Acc::Bag { limit, bags } => {
                if let Some(l) = args.get(1).and_then(const_of) {
                    *limit = usize::try_from(l).unwrap_or(0);
                }
                let a = args[0]
                    .as_any()
                    .downcast_ref::<StringArray>()
                    .ok_or_else(bad)?;
                for (i, g) in gids.iter().enumerate() {
                    if a.is_null(i) {
                        continue;
                    }
                    // Values that are not property bags are skipped (the make_bag docs).
                    let Ok(serde_json::Value::Object(m)) =
                        serde_json::from_str::<serde_json::Value>(a.value(i))
                    else {
                        continue;
                    };
                    let bag = &mut bags[*g];
                    for (k, v) in m {
                        if bag.len() >= *limit {
                            break;
                        }
                        // Kusto keeps an arbitrary one of a key's values; hunt the first.
                        bag.entry(k).or_insert(v);
                    }
                }
            }
            Acc::TakeAny(v, t) => {
                for (i, g) in gids.iter().enumerate() {
                    if v[*g].is_null() && args[0].is_valid(i) {
                        v[*g] = array_value(args[0].as_ref(), i, *t)?;
                    }
                }
            }
            Acc::Percentile { p, values, ty } => {
                if let Some(pa) = args
                    .get(1)
                    .and_then(|a| a.as_any().downcast_ref::<Float64Array>())
                {
                    if !pa.is_empty() && pa.is_valid(0) {
                        *p = pa.value(0);
                    }
                }
                for (i, g) in gids.iter().enumerate() {
                    if args[0].is_valid(i) {
                        values[*g].push(array_value(args[0].as_ref(), i, *ty)?);
                    }
                }
            }
            Acc::More(m) => m.update(gids, args)?,
            Acc::Def(d) => d.update(gids, args)?,
        }
        let _ = tys;
        Ok(())
    }

    /// The result column.
    pub(super) fn finish(self, out: KqlType) -> Result<ArrayRef> {
        Ok(match self {
            Acc::Count(v) => Arc::new(Int64Array::from(v)),
            Acc::SumLong(v) => cast(
                &(Arc::new(Int64Array::from(v)) as ArrayRef),
                &out.arrow_type(),
            )?,
            Acc::SumReal(v) => Arc::new(Float64Array::from(v)),
            // 0/0 is NaN: Kusto's avg over no rows.
            Acc::Avg(s, c) => Arc::new(Float64Array::from_iter_values(
                s.iter().zip(&c).map(|(s, c)| s / *c as f64),
            )),
            Acc::AvgLong(s, c) => Arc::new(Float64Array::from_iter_values(
                s.iter().zip(&c).map(|(s, c)| *s as f64 / *c as f64),
            )),
            Acc::DCount(d) => d.finish(),
            Acc::MinMaxInt { best, dt, .. } => {
                let longs: ArrayRef = Arc::new(Int64Array::from(best));
                match dt {
                    DataType::Int64 => longs,
                    DataType::Timestamp(..) | DataType::Duration(..) => {
                        make_array(longs.to_data().into_builder().data_type(dt).build()?)
                    }
                    other => cast(&longs, &other)?,
                }
            }
            Acc::MinMaxReal { best, nan, .. } => Arc::new(Float64Array::from_iter(
                best.iter()
                    .zip(&nan)
                    .map(|(b, n)| if *n { Some(f64::NAN) } else { *b }),
            )),
            Acc::MinMax {
                conv,
                best,
                dt,
                nan,
                ..
            } => {
                let null = conv.convert_columns(&[new_null_array(&dt, 1)])?;
                let rows: Vec<_> = best
                    .iter()
                    .map(|b| b.as_ref().map(|r| r.row()).unwrap_or(null.row(0)))
                    .collect();
                let mut cols = conv.convert_rows(rows)?;
                let col = cols
                    .pop()
                    .ok_or_else(|| ExecError::Internal("min/max produced no column".into()))?;
                // A NaN anywhere in the group makes Kusto's min/max NaN.
                match col.as_any().downcast_ref::<Float64Array>() {
                    Some(f) if nan.iter().any(|x| *x) => Arc::new(Float64Array::from_iter(
                        f.iter()
                            .zip(&nan)
                            .map(|(v, n)| if *n { Some(f64::NAN) } else { v }),
                    )),
                    _ => col,
                }
            }
            Acc::Items(m) => m.finish()?,
            Acc::List { items, set, .. } => {
                // Each list is one value, held to the per-value limit.
                let name = if set { "make_set" } else { "make_list" };
                let texts = items
                    .into_iter()
                    .map(|v| {
                        let text = serde_json::Value::Array(v).to_string();
                        crate::limits::check_value_size(text.len(), name)?;
                        Ok(text)
                    })
                    .collect::<Result<Vec<_>>>()?;
                Arc::new(StringArray::from_iter_values(texts))
            }
            Acc::Bag { bags, .. } => Arc::new(StringArray::from_iter_values(
                bags.into_iter()
                    .map(|m| serde_json::Value::Object(m).to_string()),
            )),
            Acc::TakeAny(v, t) => array_from_scalars(v.iter(), t)?,
            Acc::Percentile { p, mut values, ty } => {
                let picked: Vec<Scalar> = values
                    .iter_mut()
                    .map(|vals| {
                        if vals.is_empty() {
                            return Scalar::Null(ty);
                        }
                        vals.sort_by(|a, b| cmp_scalar(a, b));
                        // Nearest rank: the smallest value with at least p% of values at or below it.
                        let rank = ((p / 100.0) * vals.len() as f64).ceil() as usize;
                        vals[rank.saturating_sub(1).min(vals.len() - 1)].clone()
                    })
                    .collect();
                array_from_scalars(picked.iter(), ty)?
            }
            Acc::More(m) => m.finish()?,
            Acc::Def(d) => d.finish()?,
        })
    }
}

/// Calls `f(group, value)` for each non-null row, without a per-row null check when the
/// array has no nulls.
fn each_valid<T: arrow::datatypes::ArrowPrimitiveType>(
    a: &PrimitiveArray<T>,
    gids: &[usize],
    mut f: impl FnMut(usize, T::Native),
) {
    let values = a.values();
    match a.nulls().filter(|n| n.null_count() > 0) {
        None => values.iter().zip(gids).for_each(|(v, g)| f(*g, *v)),
        Some(nulls) => {
            for (i, (v, g)) in values.iter().zip(gids).enumerate() {
                if nulls.is_valid(i) {
                    f(*g, *v);
                }
            }
        }
    }
}

/// A column stored as i64 (long, datetime, timespan) viewed as i64 values, without a copy.
pub(super) fn i64_view(col: &ArrayRef) -> Option<Int64Array> {
    match col.data_type() {
        DataType::Int64 | DataType::Timestamp(..) | DataType::Duration(..) => {
            let data = col
                .to_data()
                .into_builder()
                .data_type(DataType::Int64)
                .build()
                .ok()?;
            Some(Int64Array::from(data))
        }
        _ => None,
    }
}

/// An integer-backed column (int, long, datetime, timespan) as i64 values.
fn as_i64s(a: &ArrayRef) -> Result<Int64Array> {
    if let Some(v) = i64_view(a) {
        return Ok(v);
    }
    cast(a, &DataType::Int64)?
        .as_any()
        .downcast_ref::<Int64Array>()
        .cloned()
        .ok_or_else(|| ExecError::Internal("min/max of a non-integer".into()))
}

/// Orders two scalars of one numeric or time type (percentile values).
pub(super) fn cmp_scalar(a: &Scalar, b: &Scalar) -> std::cmp::Ordering {
    use Scalar::*;
    match (a, b) {
        (Int(x), Int(y)) => x.cmp(y),
        (Long(x), Long(y)) | (DateTime(x), DateTime(y)) | (TimeSpan(x), TimeSpan(y)) => x.cmp(y),
        (Real(x), Real(y)) => x.total_cmp(y),
        _ => std::cmp::Ordering::Equal,
    }
}

/// A real key column with every NaN given the sign that makes it win in the row encoding's
/// IEEE total order (+NaN above +inf for arg_max, -NaN below -inf for arg_min): Kusto's
/// max/min of reals with a NaN is NaN (oracle: agent-aggregation-0000, -0002), and
/// arg_max over such a group returns the NaN row (agent-aggregation-0002); arg_min
/// follows min the same way. Other key types pass through.
pub(super) fn nan_wins(keys: &ArrayRef, max: bool) -> ArrayRef {
    match keys.as_any().downcast_ref::<Float64Array>() {
        Some(f) if f.values().iter().any(|v| v.is_nan()) => {
            let nan = if max { f64::NAN.abs() } else { -f64::NAN.abs() };
            Arc::new(f.unary::<_, Float64Type>(|v| if v.is_nan() { nan } else { v }))
        }
        _ => keys.clone(),
    }
}

/// The refusal of `make_list_with_nulls` over a value that is an array: its page does not
/// say whether Kusto nests it or, as `make_list` does, takes its elements.
pub(super) fn list_of_arrays() -> ExecError {
    ExecError::Unsupported(
        "`make_list_with_nulls` over array values (the docs do not say whether Kusto nests \
         them or takes their elements as `make_list` does)"
            .into(),
    )
}
