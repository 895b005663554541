//! Pruning: deciding from Parquet statistics that a row group (or a page) holds no row
//! the scan's filters could keep, so it need not be decoded.
//!
//! The scan gets the conjuncts of the `where` directly above it. Each conjunct of a
//! supported shape becomes a [`Pruning`] tree; the others are ignored (the `Filter` above
//! the scan re-checks every row, so pruning only has to be *conservative*: it may keep a
//! row group without a match, it must never drop one with a match).
//!
//! Supported shapes, with `c` a `datetime`, `int`, `long`, `real` or `string` column and `v`
//! a constant (a literal, or literal arithmetic such as `ago(1h)` = `now - 1h`):
//!
//! | filter | pruned when (`lo`/`hi` = the chunk's min/max) |
//! | --- | --- |
//! | `c == v` | `v < lo` or `v > hi` |
//! | `c < v`, `c <= v` | `lo >= v`, `lo > v` |
//! | `c > v`, `c >= v` | `hi <= v`, `hi < v` |
//! | `c in (v1, v2, …)` | every `vi` is outside `[lo, hi]` |
//! | `c between (a .. b)` | the two conjuncts `c >= a`, `c <= b` |
//! | `s startswith_cs p` | no string in `[lo, hi]` can start with `p` |
//! | `isnotnull(c)`, `isnotempty(c)` | every value is null (empty) |
//! | `p or q` | both sides are pruned |
//!
//! Also `v op c` (flipped) and widening casts of an integer column (`IntCol == 5` is
//! bound as `tolong(IntCol) == 5`). Not pruned: `!=`, `!in`, `=~`, `in~`, the
//! case-insensitive string operators, `has`/`contains`, and anything over a computed value.
//!
//! How values in a file relate to the values the engine sees (`scan::conform_column`):
//! - Timestamps are stored in ms, µs or ns (or as days for `DATE`); statistics are in the
//!   stored unit and are converted to nanoseconds here.
//! - A null string reads as `""` in KQL, so a chunk of a nullable string column may hold
//!   `""` besides `[min, max]`: a test that `""` passes (`== ""`, `< "x"`) keeps it. The
//!   `parquet` crate reports a missing row-group null count as 0, so for row groups "no
//!   nulls" is believed only for a `REQUIRED` column; the page index reports null counts
//!   faithfully.
//! - Nulls of other types never satisfy `==`, `<`, `in`, … (Kusto semantics, see
//!   `expr::functions::compare`), so only an all-null chunk is pruned for them.
//! - Reals compare in IEEE total order (arrow's kernels), so `-0.0 < 0.0`. A min of `±0` is
//!   widened to `-0.0` and a max of `±0` to `+0.0` (the Parquet spec tells readers to, as old
//!   writers did not distinguish them); a NaN bound or literal never prunes.
//! - String statistics are compared as bytes (UTF-8 byte order is the code-point order the
//!   engine's `==`/`<` use). They are used only when the file declares the type-defined
//!   (unsigned) column order, as legacy files sorted bytes as signed.

use hunt_plan::expr::{Expr, ExprKind, Func, Scalar};
use hunt_plan::types::KqlType;
use hunt_syntax::ast::StrOp;
use parquet::basic::{
    ColumnOrder, ConvertedType, LogicalType, SortOrder, TimeUnit, Type as PhysicalType,
};
use parquet::file::metadata::ParquetMetaData;
use parquet::file::page_index::column_index::ColumnIndexMetaData;
use parquet::file::statistics::Statistics;
use parquet::schema::types::ColumnDescriptor;
use std::cmp::Ordering;
use std::ops::Range as Rows;

/// A filter reduced to what statistics can decide.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Pruning {
    /// One column tested against constants.
    Leaf(Leaf),
    /// Every part must be able to match.
    And(Vec<Pruning>),
    /// Some part must be able to match.
    Or(Vec<Pruning>),
}

/// `column test`, e.g. `Timestamp >= datetime(2024-01-01)`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Leaf {
    /// The table column.
    column: String,
    /// Its KQL type, which decides how its statistics are read.
    col_ty: KqlType,
    /// The test compares reals while the column is an integer (`tolong`/`toreal` casts).
    as_real: bool,
    /// What is asked of the column's values.
    test: Test,
}

/// A comparison operator, with the column on the left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Op {
    /// The operator with its operands swapped: `5 < c` is `c > 5`.
    fn flip(self) -> Op {
        match self {
            Op::Eq => Op::Eq,
            Op::Lt => Op::Gt,
            Op::Le => Op::Ge,
            Op::Gt => Op::Lt,
            Op::Ge => Op::Le,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Test {
    /// `c op v`
    Cmp(Op, Value),
    /// `c in (v, …)` (null items dropped: nothing equals them).
    In(Vec<Value>),
    /// `c startswith_cs p`
    Prefix(Vec<u8>),
    /// `isnotnull(c)` for a non-string column.
    NotNull,
}

/// A statistic or constant in the domain the comparison is done in: integers (also
/// datetimes as ns since the epoch), reals, or string bytes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    /// `int`, `long`, `datetime` (ns).
    Int(i64),
    /// `real`.
    Real(f64),
    /// `string` (UTF-8 bytes, possibly a truncated statistic).
    Bytes(Vec<u8>),
}

/// Orders two values the way the engine's comparison kernels do, or `None` when they are
/// of different kinds or a NaN is involved (then nothing may be concluded).
fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Some(x.cmp(y)),
        (Value::Real(x), Value::Real(y)) if !x.is_nan() && !y.is_nan() => Some(x.total_cmp(y)),
        (Value::Bytes(x), Value::Bytes(y)) => Some(x.as_slice().cmp(y.as_slice())),
        _ => None,
    }
}

fn is(a: &Value, b: &Value, want: Ordering) -> bool {
    compare(a, b) == Some(want)
}

/// What statistics say about a column's values in a row group or page.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Range {
    /// Nothing is known.
    Unknown,
    /// Every value is null (only for non-string columns: a null string is `""`).
    AllNull,
    /// Every non-null value lies in `[lo, hi]`.
    Bounded {
        /// A lower bound.
        lo: Value,
        /// An upper bound.
        hi: Value,
        /// A string column that may also hold nulls, which read as `""` (always false for
        /// other types: their nulls pass none of the tests).
        empty: bool,
    },
}

/// The empty string, which a null string reads as.
const EMPTY: Value = Value::Bytes(Vec::new());

impl Test {
    /// Whether a value admitted by `range` could pass this test.
    fn admits(&self, range: &Range) -> bool {
        match range {
            Range::Unknown => true,
            // Every supported test is false on null.
            Range::AllNull => false,
            Range::Bounded { lo, hi, empty } => {
                self.admits_between(lo, hi) || (*empty && self.admits_between(&EMPTY, &EMPTY))
            }
        }
    }

    /// Whether a value in `[lo, hi]` could pass this test.
    fn admits_between(&self, lo: &Value, hi: &Value) -> bool {
        match self {
            Test::Cmp(op, v) => match op {
                Op::Eq => !(is(v, lo, Ordering::Less) || is(v, hi, Ordering::Greater)),
                Op::Lt => !matches!(compare(lo, v), Some(Ordering::Greater | Ordering::Equal)),
                Op::Le => !is(lo, v, Ordering::Greater),
                Op::Gt => !matches!(compare(hi, v), Some(Ordering::Less | Ordering::Equal)),
                Op::Ge => !is(hi, v, Ordering::Less),
            },
            Test::In(vs) => vs
                .iter()
                .any(|v| !(is(v, lo, Ordering::Less) || is(v, hi, Ordering::Greater))),
            Test::Prefix(p) => {
                // Strings starting with `p` form the interval [p, p⁺): it meets [lo, hi]
                // unless hi < p, or lo is past every string starting with `p`.
                let (Value::Bytes(lo), Value::Bytes(hi)) = (lo, hi) else {
                    return true;
                };
                !(hi.as_slice() < p.as_slice()
                    || (lo.as_slice() > p.as_slice() && !lo.starts_with(p)))
            }
            Test::NotNull => true,
        }
    }
}

impl Leaf {
    /// `range` (in the column's own domain) moved to the test's domain.
    fn in_domain(&self, range: Range) -> Range {
        match range {
            Range::Bounded {
                lo: Value::Int(lo),
                hi: Value::Int(hi),
                empty,
            } if self.as_real => Range::Bounded {
                // i64 → f64 rounds monotonically, so the bounds stay bounds.
                lo: Value::Real(lo as f64),
                hi: Value::Real(hi as f64),
                empty,
            },
            r => r,
        }
    }
    /// The table column this leaf tests.
    pub(crate) fn column(&self) -> &str {
        &self.column
    }
    /// The column's KQL type.
    pub(crate) fn col_ty(&self) -> KqlType {
        self.col_ty
    }
}

/// Sorted, disjoint, non-adjacent row ranges within a row group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RowSet(pub(crate) Vec<Rows<usize>>);

impl RowSet {
    /// All `n` rows.
    pub(crate) fn full(n: usize) -> RowSet {
        RowSet(if n == 0 {
            vec![]
        } else {
            std::iter::once(0..n).collect()
        })
    }
    fn from_unsorted(mut v: Vec<Rows<usize>>) -> RowSet {
        v.retain(|r| r.start < r.end);
        v.sort_by_key(|r| r.start);
        let mut out: Vec<Rows<usize>> = Vec::with_capacity(v.len());
        for r in v {
            match out.last_mut() {
                Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                _ => out.push(r),
            }
        }
        RowSet(out)
    }
    fn union(self, other: RowSet) -> RowSet {
        let mut v = self.0;
        v.extend(other.0);
        RowSet::from_unsorted(v)
    }
    fn intersect(&self, other: &RowSet) -> RowSet {
        let (mut i, mut j) = (0, 0);
        let mut out = Vec::new();
        while i < self.0.len() && j < other.0.len() {
            let (a, b) = (&self.0[i], &other.0[j]);
            let (s, e) = (a.start.max(b.start), a.end.min(b.end));
            if s < e {
                out.push(s..e);
            }
            if a.end <= b.end {
                i += 1;
            } else {
                j += 1;
            }
        }
        RowSet::from_unsorted(out)
    }
    /// Number of rows in the set.
    pub(crate) fn len(&self) -> usize {
        self.0.iter().map(|r| r.end - r.start).sum()
    }
}

/// Statistics of one column, page by page: each page's rows and what its statistics say.
pub(crate) type PageRanges = Vec<(Rows<usize>, Range)>;

impl Pruning {
    /// The pruning implied by one filter conjunct, if statistics can decide anything about it.
    pub(crate) fn from_expr(e: &Expr) -> Option<Pruning> {
        let ExprKind::Call(func, args) = &e.kind else {
            return None;
        };
        match (func, args.as_slice()) {
            (Func::And, _) => {
                // Dropping an undecidable part of an `and` only makes it weaker.
                let parts: Vec<Pruning> = args.iter().filter_map(Pruning::from_expr).collect();
                match parts.len() {
                    0 => None,
                    1 => parts.into_iter().next(),
                    _ => Some(Pruning::And(parts)),
                }
            }
            (Func::Or, _) => {
                // An `or` is decidable only if each side is.
                let parts = args
                    .iter()
                    .map(Pruning::from_expr)
                    .collect::<Option<Vec<_>>>()?;
                Some(Pruning::Or(parts))
            }
            (Func::Eq | Func::Lt | Func::Le | Func::Gt | Func::Ge, [a, b]) => {
                let op = match func {
                    Func::Eq => Op::Eq,
                    Func::Lt => Op::Lt,
                    Func::Le => Op::Le,
                    Func::Gt => Op::Gt,
                    _ => Op::Ge,
                };
                let (col, k, op) = match (column_ref(a), column_ref(b)) {
                    (Some(c), None) => (c, b, op),
                    (None, Some(c)) => (c, a, op.flip()),
                    _ => return None,
                };
                let v = col.value(&constant(k)?)?;
                Some(col.leaf(Test::Cmp(op, v)))
            }
            (
                Func::In {
                    ci: false,
                    negated: false,
                },
                [x, items @ ..],
            ) => {
                let col = column_ref(x)?;
                let mut vs = Vec::new();
                for i in items {
                    let s = constant(i)?;
                    if !s.is_null() {
                        vs.push(col.value(&s)?);
                    }
                }
                if vs.is_empty() {
                    return None;
                }
                Some(col.leaf(Test::In(vs)))
            }
            (Func::Str(StrOp::StartsWithCs, false), [x, p]) => {
                let col = column_ref(x)?;
                match (col.col_ty, constant(p)?) {
                    (KqlType::String, Scalar::String(p)) => {
                        Some(col.leaf(Test::Prefix(p.as_bytes().to_vec())))
                    }
                    _ => None,
                }
            }
            (Func::IsNotNull | Func::IsNotEmpty, [x]) => {
                let col = column_ref(x)?;
                if col.as_real {
                    return None;
                }
                Some(match col.col_ty {
                    // `isnotnull("")` is true in KQL; `isnotempty(s)` is `s > ""`.
                    KqlType::String if *func == Func::IsNotEmpty => {
                        col.leaf(Test::Cmp(Op::Gt, Value::Bytes(vec![])))
                    }
                    KqlType::String => return None,
                    _ => col.leaf(Test::NotNull),
                })
            }
            _ => None,
        }
    }

    /// Every leaf, in order.
    pub(crate) fn leaves(&self) -> Vec<&Leaf> {
        fn go<'a>(p: &'a Pruning, out: &mut Vec<&'a Leaf>) {
            match p {
                Pruning::Leaf(l) => out.push(l),
                Pruning::And(ps) | Pruning::Or(ps) => ps.iter().for_each(|p| go(p, out)),
            }
        }
        let mut out = Vec::new();
        go(self, &mut out);
        out
    }

    /// Whether a chunk whose columns' statistics are given by `range` may hold a row
    /// that passes. `range` gets each leaf and answers for the leaf's column.
    pub(crate) fn can_match(&self, range: &mut dyn FnMut(&Leaf) -> Range) -> bool {
        match self {
            Pruning::Leaf(l) => l.test.admits(&l.in_domain(range(l))),
            Pruning::And(ps) => ps.iter().all(|p| p.can_match(range)),
            Pruning::Or(ps) => ps.iter().any(|p| p.can_match(range)),
        }
    }

    /// The rows of a row group of `rows` rows that may pass, from per-page statistics:
    /// `pages` answers for each leaf's column, or `None` when the column has no page index
    /// (then all rows may pass).
    pub(crate) fn select(
        &self,
        rows: usize,
        pages: &mut dyn FnMut(&Leaf) -> Option<PageRanges>,
    ) -> RowSet {
        match self {
            Pruning::Leaf(l) => match pages(l) {
                None => RowSet::full(rows),
                Some(ps) => RowSet::from_unsorted(
                    ps.into_iter()
                        .filter(|(_, r)| l.test.admits(&l.in_domain(r.clone())))
                        .map(|(rs, _)| rs)
                        .collect(),
                ),
            },
            Pruning::And(ps) => {
                let mut acc = RowSet::full(rows);
                for p in ps {
                    if acc.0.is_empty() {
                        break;
                    }
                    acc = acc.intersect(&p.select(rows, pages));
                }
                acc
            }
            Pruning::Or(ps) => {
                let mut acc = RowSet(vec![]);
                for p in ps {
                    acc = acc.union(p.select(rows, pages));
                }
                acc
            }
        }
    }
}

/// A column as a comparison operand: its name, type, and whether it is compared as a real.
struct ColumnRef<'a> {
    name: &'a str,
    col_ty: KqlType,
    as_real: bool,
}

impl ColumnRef<'_> {
    fn leaf(&self, test: Test) -> Pruning {
        Pruning::Leaf(Leaf {
            column: self.name.to_string(),
            col_ty: self.col_ty,
            as_real: self.as_real,
            test,
        })
    }
    /// A constant in this operand's comparison domain.
    fn value(&self, s: &Scalar) -> Option<Value> {
        if self.as_real {
            return match s {
                Scalar::Real(v) => Some(Value::Real(*v)),
                _ => None,
            };
        }
        match (self.col_ty, s) {
            (KqlType::Int | KqlType::Long, Scalar::Long(v)) => Some(Value::Int(*v)),
            (KqlType::Int | KqlType::Long, Scalar::Int(v)) => Some(Value::Int(i64::from(*v))),
            (KqlType::Real, Scalar::Real(v)) => Some(Value::Real(*v)),
            (KqlType::DateTime, Scalar::DateTime(ns)) => Some(Value::Int(*ns)),
            (KqlType::String, Scalar::String(s)) => Some(Value::Bytes(s.as_bytes().to_vec())),
            _ => None,
        }
    }
}

fn prunable_type(t: KqlType) -> bool {
    matches!(
        t,
        KqlType::Int | KqlType::Long | KqlType::Real | KqlType::DateTime | KqlType::String
    )
}

/// `e` as a bare column, possibly under an order-preserving widening cast.
fn column_ref(e: &Expr) -> Option<ColumnRef<'_>> {
    match &e.kind {
        ExprKind::Column(name) if prunable_type(e.ty) => Some(ColumnRef {
            name,
            col_ty: e.ty,
            as_real: false,
        }),
        ExprKind::Call(Func::Cast(to), args) => {
            let [inner] = args.as_slice() else {
                return None;
            };
            let ExprKind::Column(name) = &inner.kind else {
                return None;
            };
            match (inner.ty, to) {
                (KqlType::Int, KqlType::Long) => Some(ColumnRef {
                    name,
                    col_ty: KqlType::Int,
                    as_real: false,
                }),
                (KqlType::Int | KqlType::Long, KqlType::Real) => Some(ColumnRef {
                    name,
                    col_ty: inner.ty,
                    as_real: true,
                }),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The value of a constant expression: a literal, or `+`/`-` over constants of the
/// kinds the planner leaves unfolded (`ago(1h)` is `now - 1h`, `between (t .. 1h)` is
/// `t + 1h`). Overflow gives `None`, as does anything else.
fn constant(e: &Expr) -> Option<Scalar> {
    use Scalar::*;
    match &e.kind {
        ExprKind::Literal(s) => Some(s.clone()),
        ExprKind::Call(Func::Neg, args) => match args.as_slice() {
            [a] => match constant(a)? {
                Long(v) => v.checked_neg().map(Long),
                Real(v) => Some(Real(-v)),
                TimeSpan(v) => v.checked_neg().map(TimeSpan),
                _ => None,
            },
            _ => None,
        },
        ExprKind::Call(f @ (Func::Add | Func::Sub), args) => {
            let [a, b] = args.as_slice() else {
                return None;
            };
            let (a, b) = (constant(a)?, constant(b)?);
            let add = *f == Func::Add;
            let op = |x: i64, y: i64| {
                if add {
                    x.checked_add(y)
                } else {
                    x.checked_sub(y)
                }
            };
            match (a, b) {
                (DateTime(x), TimeSpan(y)) => op(x, y).map(DateTime),
                (TimeSpan(x), DateTime(y)) if add => x.checked_add(y).map(DateTime),
                (TimeSpan(x), TimeSpan(y)) => op(x, y).map(TimeSpan),
                (Long(x), Long(y)) => op(x, y).map(Long),
                (Real(x), Real(y)) => Some(Real(if add { x + y } else { x - y })),
                _ => None,
            }
        }
        _ => None,
    }
}

/// How a file stores a column whose statistics hunt reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LeafKind {
    /// INT32/INT64; `unsigned` for UINT_32 and smaller stored in INT32.
    Int { unsigned: bool },
    /// FLOAT/DOUBLE.
    Real,
    /// INT64 timestamps or INT32 dates; multiply by `ns_per_unit` for nanoseconds.
    Time { ns_per_unit: i64 },
    /// BYTE_ARRAY strings in unsigned byte order.
    Bytes,
}

/// Where a file keeps a tested column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    /// The file lacks the column: every row reads as null (`""` for strings).
    Missing,
    /// Stored in a form whose statistics hunt does not interpret.
    Opaque,
    /// Parquet leaf column `index`.
    Leaf {
        index: usize,
        kind: LeafKind,
        /// Whether the column is OPTIONAL (may hold nulls).
        nullable: bool,
    },
}

/// The tested columns of one file, resolved against its Parquet schema.
#[derive(Debug, Clone)]
pub(crate) struct FileColumns {
    columns: Vec<(String, Source)>,
}

impl FileColumns {
    /// Resolves the columns `pruning` tests in a file with this metadata and Arrow schema.
    pub(crate) fn resolve(
        pruning: &Pruning,
        arrow: &arrow::datatypes::Schema,
        meta: &ParquetMetaData,
    ) -> FileColumns {
        let descr = meta.file_metadata().schema_descr();
        let mut columns: Vec<(String, Source)> = Vec::new();
        for leaf in pruning.leaves() {
            if columns.iter().any(|(n, _)| n == leaf.column()) {
                continue;
            }
            let source = if arrow.field_with_name(leaf.column()).is_err() {
                Source::Missing
            } else {
                descr
                    .columns()
                    .iter()
                    .position(|c| c.path().parts() == [leaf.column().to_string()])
                    .and_then(|i| {
                        let c = descr.column(i);
                        let order = meta.file_metadata().column_order(i);
                        leaf_kind(&c, order, leaf.col_ty()).map(|kind| Source::Leaf {
                            index: i,
                            kind,
                            nullable: c.max_def_level() > 0,
                        })
                    })
                    .unwrap_or(Source::Opaque)
            };
            columns.push((leaf.column().to_string(), source));
        }
        FileColumns { columns }
    }

    fn source(&self, column: &str) -> Source {
        self.columns
            .iter()
            .find(|(n, _)| n == column)
            .map_or(Source::Opaque, |(_, s)| *s)
    }

    /// What row group `rg`'s column-chunk statistics say about `leaf`'s column.
    pub(crate) fn row_group_range(&self, meta: &ParquetMetaData, rg: usize, leaf: &Leaf) -> Range {
        let is_string = leaf.col_ty() == KqlType::String;
        let Some(group) = meta.row_groups().get(rg) else {
            return Range::Unknown;
        };
        let rows = u64::try_from(group.num_rows()).unwrap_or(0);
        match self.source(leaf.column()) {
            Source::Missing => missing_range(is_string),
            Source::Opaque => Range::Unknown,
            Source::Leaf {
                index,
                kind,
                nullable,
            } => {
                let Some(stats) = group.columns().get(index).and_then(|c| c.statistics()) else {
                    return Range::Unknown;
                };
                // Legacy min/max fields were ordered as signed bytes / signed ints.
                if stats.is_min_max_deprecated()
                    && matches!(kind, LeafKind::Bytes | LeafKind::Int { unsigned: true })
                {
                    return Range::Unknown;
                }
                let (lo, hi) = stat_bounds(stats);
                let nulls = stats.null_count_opt();
                // The parquet crate turns a missing null count into 0, so 0 is not proof.
                let may_have_nulls = nullable;
                let all_null = rows > 0 && nulls == Some(rows);
                make_range(kind, is_string, may_have_nulls, lo, hi, all_null)
            }
        }
    }

    /// What the page index of row group `rg` (of `rows` rows) says about `leaf`'s column,
    /// page by page; `None` when the file has no usable page index for it.
    pub(crate) fn page_ranges(
        &self,
        meta: &ParquetMetaData,
        rg: usize,
        rows: usize,
        leaf: &Leaf,
    ) -> Option<PageRanges> {
        let is_string = leaf.col_ty() == KqlType::String;
        let Source::Leaf {
            index,
            kind,
            nullable,
        } = self.source(leaf.column())
        else {
            // A missing column is decided at the row-group level already.
            return None;
        };
        let ci = meta.column_index()?.get(rg)?.get(index)?;
        // A column written without statistics has no column index (`NONE`), whose
        // accessors panic: such a column cannot prune pages.
        if matches!(ci, ColumnIndexMetaData::NONE) {
            return None;
        }
        let oi = meta.offset_index()?.get(rg)?.get(index)?;
        let locs = oi.page_locations();
        let n = usize::try_from(ci.num_pages()).ok()?;
        if n != locs.len() || n == 0 {
            return None;
        }
        let mut out = Vec::with_capacity(n);
        for p in 0..n {
            let start = usize::try_from(locs[p].first_row_index).ok()?;
            let end = match locs.get(p + 1) {
                Some(next) => usize::try_from(next.first_row_index).ok()?,
                None => rows,
            };
            if start > end || end > rows {
                return None;
            }
            let (lo, hi) = page_bounds(ci, p);
            let nulls = ci.null_count(p);
            let may_have_nulls = nullable && nulls != Some(0);
            let all_null = ci.is_null_page(p);
            out.push((
                start..end,
                make_range(kind, is_string, may_have_nulls, lo, hi, all_null),
            ));
        }
        Some(out)
    }
}

/// The range of a column a file lacks: all null, which reads as `""` for strings.
fn missing_range(is_string: bool) -> Range {
    if is_string {
        Range::Bounded {
            lo: EMPTY,
            hi: EMPTY,
            empty: false,
        }
    } else {
        Range::AllNull
    }
}

/// A raw statistic before unit conversion.
enum Raw<'a> {
    I(i64),
    F(f64),
    B(&'a [u8]),
}

fn stat_bounds(s: &Statistics) -> (Option<Raw<'_>>, Option<Raw<'_>>) {
    match s {
        Statistics::Int32(v) => (
            v.min_opt().map(|x| Raw::I(i64::from(*x))),
            v.max_opt().map(|x| Raw::I(i64::from(*x))),
        ),
        Statistics::Int64(v) => (
            v.min_opt().map(|x| Raw::I(*x)),
            v.max_opt().map(|x| Raw::I(*x)),
        ),
        Statistics::Float(v) => (
            v.min_opt().map(|x| Raw::F(f64::from(*x))),
            v.max_opt().map(|x| Raw::F(f64::from(*x))),
        ),
        Statistics::Double(v) => (
            v.min_opt().map(|x| Raw::F(*x)),
            v.max_opt().map(|x| Raw::F(*x)),
        ),
        Statistics::ByteArray(v) => (
            v.min_opt().map(|x| Raw::B(x.data())),
            v.max_opt().map(|x| Raw::B(x.data())),
        ),
        _ => (None, None),
    }
}

fn page_bounds(ci: &ColumnIndexMetaData, p: usize) -> (Option<Raw<'_>>, Option<Raw<'_>>) {
    match ci {
        ColumnIndexMetaData::INT32(x) => (
            x.min_value(p).map(|v| Raw::I(i64::from(*v))),
            x.max_value(p).map(|v| Raw::I(i64::from(*v))),
        ),
        ColumnIndexMetaData::INT64(x) => (
            x.min_value(p).map(|v| Raw::I(*v)),
            x.max_value(p).map(|v| Raw::I(*v)),
        ),
        ColumnIndexMetaData::FLOAT(x) => (
            x.min_value(p).map(|v| Raw::F(f64::from(*v))),
            x.max_value(p).map(|v| Raw::F(f64::from(*v))),
        ),
        ColumnIndexMetaData::DOUBLE(x) => (
            x.min_value(p).map(|v| Raw::F(*v)),
            x.max_value(p).map(|v| Raw::F(*v)),
        ),
        ColumnIndexMetaData::BYTE_ARRAY(x) => {
            (x.min_value(p).map(Raw::B), x.max_value(p).map(Raw::B))
        }
        _ => (None, None),
    }
}

/// A raw statistic as a value the engine would see, or `None` if it does not fit `kind`.
fn convert(kind: LeafKind, raw: Raw<'_>) -> Option<Value> {
    match (kind, raw) {
        (LeafKind::Int { unsigned: false }, Raw::I(v)) => Some(Value::Int(v)),
        // UINT_32 and smaller are stored as INT32 bit patterns.
        (LeafKind::Int { unsigned: true }, Raw::I(v)) => {
            Some(Value::Int(i64::from(i32::try_from(v).ok()? as u32)))
        }
        (LeafKind::Time { ns_per_unit }, Raw::I(v)) => v.checked_mul(ns_per_unit).map(Value::Int),
        (LeafKind::Real, Raw::F(v)) => Some(Value::Real(v)),
        (LeafKind::Bytes, Raw::B(b)) => Some(Value::Bytes(b.to_vec())),
        _ => None,
    }
}

/// Builds the [`Range`] of a chunk from its raw min/max.
///
/// `may_have_nulls`: the chunk may hold nulls. `all_null`: it holds only nulls.
fn make_range(
    kind: LeafKind,
    is_string: bool,
    may_have_nulls: bool,
    lo: Option<Raw<'_>>,
    hi: Option<Raw<'_>>,
    all_null: bool,
) -> Range {
    if all_null {
        return missing_range(is_string);
    }
    let (Some(lo), Some(hi)) = (lo, hi) else {
        return Range::Unknown;
    };
    let (Some(mut lo), Some(mut hi)) = (convert(kind, lo), convert(kind, hi)) else {
        return Range::Unknown;
    };
    if let Value::Real(v) = &mut lo
        && *v == 0.0
    {
        *v = -0.0;
    }
    if let Value::Real(v) = &mut hi
        && *v == 0.0
    {
        *v = 0.0;
    }
    Range::Bounded {
        lo,
        hi,
        // A null string reads as "".
        empty: is_string && may_have_nulls,
    }
}

/// How a Parquet leaf stores a column of KQL type `ty`, if its statistics can be read.
fn leaf_kind(col: &ColumnDescriptor, order: ColumnOrder, ty: KqlType) -> Option<LeafKind> {
    use ConvertedType as C;
    use PhysicalType as P;
    if col.max_rep_level() != 0 {
        return None;
    }
    let logical = col.logical_type_ref();
    let converted = col.converted_type();
    let physical = col.physical_type();
    let unsigned_order = matches!(order, ColumnOrder::TYPE_DEFINED_ORDER(SortOrder::UNSIGNED));
    match ty {
        KqlType::Int | KqlType::Long => {
            let unsigned = match (logical, converted) {
                (Some(LogicalType::Integer { is_signed, .. }), _) => !is_signed,
                (Some(_), _) => return None,
                (None, C::NONE | C::INT_8 | C::INT_16 | C::INT_32 | C::INT_64) => false,
                (None, C::UINT_8 | C::UINT_16 | C::UINT_32) => true,
                _ => return None,
            };
            match (physical, unsigned) {
                (P::INT32 | P::INT64, false) => Some(LeafKind::Int { unsigned: false }),
                (P::INT32, true) if unsigned_order => Some(LeafKind::Int { unsigned: true }),
                _ => None,
            }
        }
        KqlType::Real => match (physical, logical, converted) {
            (P::FLOAT | P::DOUBLE, None, C::NONE) => Some(LeafKind::Real),
            _ => None,
        },
        KqlType::DateTime => {
            let ns_per_unit = match (physical, logical, converted) {
                (P::INT64, Some(LogicalType::Timestamp { unit, .. }), _) => match unit {
                    TimeUnit::MILLIS => 1_000_000,
                    TimeUnit::MICROS => 1_000,
                    TimeUnit::NANOS => 1,
                },
                (P::INT64, None, C::TIMESTAMP_MILLIS) => 1_000_000,
                (P::INT64, None, C::TIMESTAMP_MICROS) => 1_000,
                (P::INT32, Some(LogicalType::Date), _) | (P::INT32, None, C::DATE) => {
                    86_400 * 1_000_000_000
                }
                _ => return None,
            };
            Some(LeafKind::Time { ns_per_unit })
        }
        KqlType::String => match (physical, logical, converted) {
            (
                P::BYTE_ARRAY,
                None | Some(LogicalType::String | LogicalType::Enum | LogicalType::Json),
                C::NONE | C::UTF8 | C::ENUM | C::JSON,
            ) if unsigned_order => Some(LeafKind::Bytes),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hunt_syntax::Span;

    fn col(name: &str, ty: KqlType) -> Expr {
        Expr::column(name, ty, Span::default())
    }
    fn lit(s: Scalar) -> Expr {
        Expr::literal(s, Span::default())
    }
    fn call(f: Func, args: Vec<Expr>) -> Expr {
        Expr::call(f, args, KqlType::Bool, Span::default())
    }
    fn bytes(s: &str) -> Value {
        Value::Bytes(s.as_bytes().to_vec())
    }
    fn bounded(lo: Value, hi: Value) -> Range {
        Range::Bounded {
            lo,
            hi,
            empty: false,
        }
    }
    /// Whether `e` can match a chunk where every column has range `r`.
    fn admits(e: &Expr, r: Range) -> bool {
        let p = Pruning::from_expr(e).unwrap_or_else(|| panic!("not prunable: {e}"));
        p.can_match(&mut |_| r.clone())
    }

    #[test]
    fn comparisons_prune_outside_the_range() {
        let id = || col("Id", KqlType::Long);
        let r = || bounded(Value::Int(10), Value::Int(20));
        let cases = [
            (Func::Eq, 9, false),
            (Func::Eq, 10, true),
            (Func::Eq, 20, true),
            (Func::Eq, 21, false),
            (Func::Lt, 10, false),
            (Func::Lt, 11, true),
            (Func::Le, 10, true),
            (Func::Le, 9, false),
            (Func::Gt, 20, false),
            (Func::Gt, 19, true),
            (Func::Ge, 20, true),
            (Func::Ge, 21, false),
        ];
        for (f, v, want) in cases {
            let e = call(f, vec![id(), lit(Scalar::Long(v))]);
            assert_eq!(admits(&e, r()), want, "{e}");
        }
        // `5 < Id` is `Id > 5`.
        let e = call(Func::Lt, vec![lit(Scalar::Long(20)), id()]);
        assert!(!admits(&e, r()));
        let e = call(Func::Lt, vec![lit(Scalar::Long(19)), id()]);
        assert!(admits(&e, r()));
    }

    #[test]
    fn all_null_chunks_match_no_comparison_and_unknown_matches_all() {
        let e = call(
            Func::Eq,
            vec![col("Id", KqlType::Long), lit(Scalar::Long(1))],
        );
        assert!(!admits(&e, Range::AllNull));
        assert!(admits(&e, Range::Unknown));
        let nn = call(Func::IsNotNull, vec![col("Id", KqlType::Long)]);
        assert!(!admits(&nn, Range::AllNull));
        assert!(admits(&nn, bounded(Value::Int(1), Value::Int(1))));
        // `isnotnull` of a string is always true: nothing to prune.
        assert!(
            Pruning::from_expr(&call(Func::IsNotNull, vec![col("S", KqlType::String)])).is_none()
        );
    }

    #[test]
    fn in_lists_ignore_nulls_and_need_one_item_in_range() {
        let x = || col("Id", KqlType::Long);
        let r = || bounded(Value::Int(10), Value::Int(20));
        let inn = Func::In {
            ci: false,
            negated: false,
        };
        let e = call(
            inn,
            vec![
                x(),
                lit(Scalar::Long(1)),
                lit(Scalar::Null(KqlType::Long)),
                lit(Scalar::Long(30)),
            ],
        );
        assert!(!admits(&e, r()));
        let e = call(inn, vec![x(), lit(Scalar::Long(1)), lit(Scalar::Long(15))]);
        assert!(admits(&e, r()));
        // `!in` and `in~` are not used.
        let not_in = Func::In {
            ci: false,
            negated: true,
        };
        assert!(Pruning::from_expr(&call(not_in, vec![x(), lit(Scalar::Long(1))])).is_none());
    }

    #[test]
    fn and_keeps_usable_parts_or_needs_all() {
        let id = || col("Id", KqlType::Long);
        let eq = |v| call(Func::Eq, vec![id(), lit(Scalar::Long(v))]);
        let opaque = call(
            Func::EqCi,
            vec![col("S", KqlType::String), lit(Scalar::String("a".into()))],
        );
        let r = || bounded(Value::Int(10), Value::Int(20));
        let and = Expr::call(
            Func::And,
            vec![eq(1), opaque.clone()],
            KqlType::Bool,
            Span::default(),
        );
        assert!(!admits(&and, r()));
        let or = Expr::call(
            Func::Or,
            vec![eq(1), opaque],
            KqlType::Bool,
            Span::default(),
        );
        assert!(Pruning::from_expr(&or).is_none());
        let or = Expr::call(
            Func::Or,
            vec![eq(1), eq(30)],
            KqlType::Bool,
            Span::default(),
        );
        assert!(!admits(&or, r()));
        let or = Expr::call(
            Func::Or,
            vec![eq(1), eq(15)],
            KqlType::Bool,
            Span::default(),
        );
        assert!(admits(&or, r()));
    }

    #[test]
    fn constants_fold_datetime_arithmetic() {
        // `Timestamp > ago(1h)` arrives as `Timestamp > now - 1h`.
        let hour = 3_600_000_000_000;
        let now = 100 * hour;
        let ago = Expr::call(
            Func::Sub,
            vec![lit(Scalar::DateTime(now)), lit(Scalar::TimeSpan(hour))],
            KqlType::DateTime,
            Span::default(),
        );
        let e = call(Func::Gt, vec![col("T", KqlType::DateTime), ago]);
        assert!(!admits(&e, bounded(Value::Int(0), Value::Int(now - hour))));
        assert!(admits(
            &e,
            bounded(Value::Int(0), Value::Int(now - hour + 1))
        ));
        // Overflow: nothing is concluded.
        let big = Expr::call(
            Func::Add,
            vec![lit(Scalar::DateTime(i64::MAX)), lit(Scalar::TimeSpan(1))],
            KqlType::DateTime,
            Span::default(),
        );
        assert!(
            Pruning::from_expr(&call(Func::Eq, vec![col("T", KqlType::DateTime), big])).is_none()
        );
    }

    #[test]
    fn widening_casts_of_columns_are_seen_through() {
        let int_col = col("N", KqlType::Int);
        let as_long = Expr::call(
            Func::Cast(KqlType::Long),
            vec![int_col.clone()],
            KqlType::Long,
            Span::default(),
        );
        let e = call(Func::Eq, vec![as_long, lit(Scalar::Long(50))]);
        assert!(!admits(&e, bounded(Value::Int(0), Value::Int(10))));
        let as_real = Expr::call(
            Func::Cast(KqlType::Real),
            vec![col("L", KqlType::Long)],
            KqlType::Real,
            Span::default(),
        );
        let e = call(Func::Gt, vec![as_real, lit(Scalar::Real(10.5))]);
        assert!(!admits(&e, bounded(Value::Int(0), Value::Int(10))));
        assert!(admits(&e, bounded(Value::Int(0), Value::Int(11))));
        // A narrowing cast or any other function is not a column.
        let narrowing = Expr::call(
            Func::Cast(KqlType::Int),
            vec![col("L", KqlType::Long)],
            KqlType::Int,
            Span::default(),
        );
        assert!(
            Pruning::from_expr(&call(Func::Eq, vec![narrowing, lit(Scalar::Int(1))])).is_none()
        );
    }

    #[test]
    fn reals_use_total_order_and_nan_never_prunes() {
        let x = || col("R", KqlType::Real);
        let r = |lo: f64, hi: f64| bounded(Value::Real(lo), Value::Real(hi));
        let e = call(Func::Lt, vec![x(), lit(Scalar::Real(0.0))]);
        // make_range widens a zero min to -0.0, and -0.0 < 0.0 in the engine.
        assert!(admits(&e, r(-0.0, 1.0)));
        assert!(!admits(&e, r(0.5, 1.0)));
        // A NaN bound or literal decides nothing.
        assert!(admits(&e, r(f64::NAN, 1.0)));
        let e = call(Func::Eq, vec![x(), lit(Scalar::Real(f64::NAN))]);
        assert!(admits(&e, r(0.5, 1.0)));
        let lo = make_range(
            LeafKind::Real,
            false,
            false,
            Some(Raw::F(0.0)),
            Some(Raw::F(-0.0)),
            false,
        );
        match lo {
            Range::Bounded {
                lo: Value::Real(a),
                hi: Value::Real(b),
                ..
            } => assert!(a.is_sign_negative() && b.is_sign_positive()),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn nullable_strings_may_hold_the_empty_string() {
        let eq = |v: &str| {
            call(
                Func::Eq,
                vec![col("S", KqlType::String), lit(Scalar::String(v.into()))],
            )
        };
        let range = |may_have_nulls| {
            make_range(
                LeafKind::Bytes,
                true,
                may_have_nulls,
                Some(Raw::B(b"b")),
                Some(Raw::B(b"c")),
                false,
            )
        };
        assert!(admits(&eq(""), range(true)));
        assert!(!admits(&eq(""), range(false)));
        // Nulls do not stop pruning for a non-empty value.
        assert!(!admits(&eq("a"), range(true)));
        assert!(admits(&eq("bb"), range(true)));
        let lt = call(
            Func::Lt,
            vec![col("S", KqlType::String), lit(Scalar::String("a".into()))],
        );
        assert!(admits(&lt, range(true)));
        assert!(!admits(&lt, range(false)));
        // All-null strings read as "".
        let all_null = make_range(LeafKind::Bytes, true, true, None, None, true);
        assert!(admits(&eq(""), all_null.clone()));
        assert!(!admits(&eq("a"), all_null.clone()));
        let e = call(Func::IsNotEmpty, vec![col("S", KqlType::String)]);
        assert!(!admits(&e, all_null));
    }

    #[test]
    fn startswith_cs_prunes_by_prefix_interval() {
        let e = |p: &str| {
            call(
                Func::Str(StrOp::StartsWithCs, false),
                vec![col("S", KqlType::String), lit(Scalar::String(p.into()))],
            )
        };
        let r = || bounded(bytes("bar"), bytes("foo"));
        assert!(admits(&e("c"), r()));
        assert!(admits(&e("ba"), r()));
        assert!(admits(&e("fo"), r()));
        assert!(!admits(&e("a"), r()));
        assert!(!admits(&e("fp"), r()));
        assert!(admits(&e(""), r()));
        // Case-insensitive `startswith` is not used.
        let ci = call(
            Func::Str(StrOp::StartsWith, false),
            vec![col("S", KqlType::String), lit(Scalar::String("a".into()))],
        );
        assert!(Pruning::from_expr(&ci).is_none());
    }

    #[test]
    fn datetime_units_convert_to_nanoseconds() {
        let ms = LeafKind::Time {
            ns_per_unit: 1_000_000,
        };
        assert_eq!(convert(ms, Raw::I(5)), Some(Value::Int(5_000_000)));
        assert_eq!(convert(ms, Raw::I(i64::MAX)), None);
        assert_eq!(
            convert(LeafKind::Int { unsigned: true }, Raw::I(-1)),
            Some(Value::Int(u32::MAX as i64))
        );
    }

    #[test]
    fn row_sets_intersect_and_union() {
        let a = RowSet::from_unsorted(vec![0..10, 20..30]);
        let b = RowSet::from_unsorted(std::iter::once(5..25).collect());
        assert_eq!(a.intersect(&b), RowSet(vec![5..10, 20..25]));
        assert_eq!(a.clone().union(b), RowSet(std::iter::once(0..30).collect()));
        assert_eq!(
            RowSet::from_unsorted(vec![3..4, 0..2, 2..3]),
            RowSet(std::iter::once(0..4).collect())
        );
        assert_eq!(a.len(), 20);
    }
}
