//! The logical plan: relational operators over typed expressions.
//!
//! Vocabulary per `STYLE.md`: `where` → [`LogicalPlan::Filter`], `project`/`extend`
//! → [`LogicalPlan::Projection`], `summarize`/`count`/`distinct` →
//! [`LogicalPlan::Aggregate`], `sort`/`top` → [`LogicalPlan::Sort`], `take` →
//! [`LogicalPlan::Limit`].

mod display;

use crate::expr::{AggExpr, Expr, Scalar};
use crate::types::{Field, KqlType, Schema};

/// One sort key with KQL's defaults already filled in by the planner.
#[derive(Debug, Clone, PartialEq)]
pub struct SortKey {
    /// The sorted expression.
    pub expr: Expr,
    /// True for descending (KQL's default).
    pub descending: bool,
    /// True when nulls come first (KQL: first for `asc`, last for `desc`, unless written).
    pub nulls_first: bool,
}

/// The flavours of `join` (<https://learn.microsoft.com/kusto/query/join-operator>).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinKind {
    /// The default: the left side deduplicated by key, then an inner join.
    InnerUnique,
    /// Every matching pair.
    Inner,
    /// Every left row, with matches or nulls.
    LeftOuter,
    /// Every right row, with matches or nulls.
    RightOuter,
    /// Every row of both sides.
    FullOuter,
    /// Left rows with a match (left columns only).
    LeftSemi,
    /// Left rows without a match (left columns only).
    LeftAnti,
    /// Right rows with a match (right columns only).
    RightSemi,
    /// Right rows without a match (right columns only).
    RightAnti,
}

/// Which input of a join an output column comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The left (outer) input.
    Left,
    /// The right input (`join (…)`).
    Right,
}

/// One expanded expression of `mv-expand`.
#[derive(Debug, Clone, PartialEq)]
pub struct MvExpandItem {
    /// Output column name (an input column's name replaces that column in place).
    pub name: String,
    /// The dynamic value to expand.
    pub expr: Expr,
    /// `to typeof(T)`: the element type (`dynamic` when absent).
    pub ty: KqlType,
}

/// A window function over serialized rows (<https://learn.microsoft.com/kusto/query/window-functions>).
#[derive(Debug, Clone, PartialEq)]
pub enum WindowFunc {
    /// `row_number([start [, restart]])`
    RowNumber {
        /// The first number.
        start: i64,
        /// Restart numbering at rows where this is true.
        restart: Option<Expr>,
    },
    /// `row_cumsum(x [, restart])`
    RowCumsum {
        /// The summed value.
        expr: Expr,
        /// Restart the sum at rows where this is true.
        restart: Option<Expr>,
    },
    /// `prev(x [, offset [, default]])` (`next` with `forward`).
    Shift {
        /// The value read from another row.
        expr: Expr,
        /// How many rows back (or forward), at least 1.
        offset: usize,
        /// The value where that row does not exist.
        default: Scalar,
        /// `next` rather than `prev`.
        forward: bool,
    },
    /// `row_rank_min(x [, restart])` (`dense` for `row_rank_dense`).
    RowRank {
        /// The ranked value.
        expr: Expr,
        /// Restart ranking at rows where this is true.
        restart: Option<Expr>,
        /// Dense ranks (1, 2, 3) rather than minimum ranks (1, 2, 2, 4).
        dense: bool,
    },
    /// `row_window_session(t, max_from_first, max_between [, restart])`: the datetime that
    /// began each row's session.
    Session {
        /// The datetime grouped into sessions.
        expr: Expr,
        /// A value this far (nanoseconds) or more after the session's first starts a new one.
        max_from_first: i64,
        /// A value this far (nanoseconds) or more after the row before starts a new one.
        max_between: i64,
        /// Restart the session at rows where this is true.
        restart: Option<Expr>,
    },
}

impl WindowFunc {
    /// The result type.
    pub fn ty(&self) -> KqlType {
        match self {
            WindowFunc::RowNumber { .. } | WindowFunc::RowRank { .. } => KqlType::Long,
            WindowFunc::RowCumsum { expr, .. }
            | WindowFunc::Shift { expr, .. }
            | WindowFunc::Session { expr, .. } => expr.ty,
        }
    }
}

/// One level of `top-nested`: group by `key`, aggregate, keep the top `count` groups.
#[derive(Debug, Clone, PartialEq)]
pub struct TopNestedLevel {
    /// Output name and expression of the grouping value.
    pub key: (String, Expr),
    /// Output name and aggregate (count, sum, min or max).
    pub agg: (String, AggExpr),
    /// How many groups to keep (all when `None`).
    pub count: Option<usize>,
    /// Keep the largest aggregates (the default) or the smallest.
    pub descending: bool,
}

/// A node of the logical plan. Each node's output schema is [`LogicalPlan::schema`].
#[derive(Debug, Clone, PartialEq)]
pub enum LogicalPlan {
    /// Read a registered table. `projection` (set by the optimizer) lists the
    /// columns actually needed, in table order; `None` reads all.
    Scan {
        /// Table name.
        table: String,
        /// The table's full schema.
        table_schema: Schema,
        /// Columns to read, by name.
        projection: Option<Vec<String>>,
        /// Conjuncts of a `where` directly above, copied here by the optimizer so the
        /// scan may skip data (row groups, pages) that cannot match. The `Filter` stays
        /// in the plan: the scan may return rows that fail these, never drop ones that pass.
        filters: Vec<Expr>,
    },
    /// Constant rows (`datatable`, `print`).
    Values {
        /// Output schema.
        schema: Schema,
        /// Row-major values, each matching the schema's types.
        rows: Vec<Vec<Scalar>>,
    },
    /// `range`: `count` rows of one column, `start + i * step` (a `long`, `datetime` or
    /// `timespan` as the schema says), produced batch by batch when run, never held.
    Range {
        /// Output schema: one column.
        schema: Schema,
        /// The first value (ticks for `datetime`/`timespan`).
        start: i64,
        /// The step between rows (not zero; its sign points from `start` to the end).
        step: i64,
        /// How many rows.
        count: usize,
    },
    /// Keep rows where the predicate is true (null counts as false).
    Filter {
        /// Input.
        input: Box<LogicalPlan>,
        /// A `bool` expression.
        predicate: Expr,
    },
    /// Compute output columns (each named) from the input row.
    Projection {
        /// Input.
        input: Box<LogicalPlan>,
        /// Output columns in order.
        exprs: Vec<(String, Expr)>,
    },
    /// Group by keys and aggregate; the output is the keys then the aggregates.
    Aggregate {
        /// Input.
        input: Box<LogicalPlan>,
        /// Grouping expressions, named.
        group_by: Vec<(String, Expr)>,
        /// Aggregates, named.
        aggs: Vec<(String, AggExpr)>,
    },
    /// Sort; with `fetch`, keep only the first rows (`top`).
    Sort {
        /// Input.
        input: Box<LogicalPlan>,
        /// Keys, most significant first.
        keys: Vec<SortKey>,
        /// Row limit for `top`.
        fetch: Option<usize>,
    },
    /// An equi-join. Output columns are listed explicitly, each taken from one side,
    /// because Kusto renames clashing right columns (`Key` → `Key1`).
    Join {
        /// Left input.
        left: Box<LogicalPlan>,
        /// Right input.
        right: Box<LogicalPlan>,
        /// The flavour.
        kind: JoinKind,
        /// Key pairs: (left column, right column), same types.
        on: Vec<(String, String)>,
        /// Output columns: (output name, side, input column name).
        outputs: Vec<(String, Side, String)>,
    },
    /// `mv-expand`: one output row per element of the expanded arrays (in lockstep).
    MvExpand {
        /// Input.
        input: Box<LogicalPlan>,
        /// Expanded values.
        items: Vec<MvExpandItem>,
        /// `with_itemindex=` column (long, appended last).
        index_column: Option<String>,
        /// `kind=array`: bag entries expand to `[key, value]` instead of `{key: value}`.
        bag_as_array: bool,
        /// `limit N`: at most N rows per input row.
        limit: Option<usize>,
    },
    /// The rows an `mv-apply` body runs over: one input record's expansion, bound by the
    /// executor for each record in turn (the body's only leaf).
    ApplyRows {
        /// The expansion's columns (the `mv-expand` output schema).
        schema: Schema,
    },
    /// `mv-apply`: each input record is expanded as by `mv-expand`, `body` runs over that
    /// record's rows, and the output is the record's `outer` columns followed by the
    /// body's columns, for each row the body returns.
    MvApply {
        /// Input.
        input: Box<LogicalPlan>,
        /// Expanded values.
        items: Vec<MvExpandItem>,
        /// `with_itemindex=` column (long, appended last in the expansion).
        index_column: Option<String>,
        /// `limit N`: at most N expanded rows per record.
        limit: Option<usize>,
        /// The subquery, planned over [`LogicalPlan::ApplyRows`].
        body: Box<LogicalPlan>,
        /// Input columns repeated before the body's columns: the record's columns that are
        /// not expanded in place and that the body does not return itself.
        outer: Vec<String>,
    },
    /// The rows of every input, in input order; inputs have the same schema.
    Union {
        /// Inputs (each projected to the union's columns by the planner).
        inputs: Vec<LogicalPlan>,
    },
    /// Serialized rows plus window-function columns computed over them in order
    /// (`serialize`; also planned under an `extend` that uses window functions).
    Window {
        /// Input.
        input: Box<LogicalPlan>,
        /// Added columns, appended after the input's.
        exprs: Vec<(String, WindowFunc)>,
    },
    /// `parse` / `parse-where`: regex captures of a string expression as new columns.
    Parse {
        /// Input.
        input: Box<LogicalPlan>,
        /// The parsed text (a string).
        expr: Expr,
        /// The regex the pattern compiles to: one capture group per column.
        regex: String,
        /// Extracted columns, appended (or replacing same-named ones) in pattern order.
        columns: Vec<Field>,
        /// `kind=relaxed`: a value that does not convert gives null without failing the row.
        relaxed: bool,
        /// `parse-where`: drop rows that do not match.
        drop_unmatched: bool,
    },
    /// The last step of `make-series`: rows of (keys, bin index, aggregate values) become
    /// one row per key with one array per aggregate (missing bins get the default) and the
    /// array of bin starts.
    Series {
        /// Input: the `by` keys, then the bin index (long), then one column per aggregate.
        input: Box<LogicalPlan>,
        /// Number of `by` keys at the front of the input.
        keys: usize,
        /// Output names and defaults of the aggregates (their arrays are dynamic).
        values: Vec<(String, Scalar)>,
        /// The axis column's name and the bin starts it gets.
        axis: (String, Vec<Scalar>),
    },
    /// `top-nested`: hierarchical top groups, one output row per leaf.
    TopNested {
        /// Input.
        input: Box<LogicalPlan>,
        /// Levels, outermost first.
        levels: Vec<TopNestedLevel>,
    },
    /// `scan`: the input's records matched in order against stateful steps.
    Steps {
        /// Input, in its serialized order.
        input: Box<LogicalPlan>,
        /// Declarations, steps and their bound expressions.
        spec: Box<crate::scan_spec::ScanSpec>,
    },
    /// The first `fetch` rows.
    Limit {
        /// Input.
        input: Box<LogicalPlan>,
        /// How many rows.
        fetch: usize,
    },
    /// `make-graph` and the graph operators that read its graph.
    Graph(Box<crate::graph::GraphPlan>),
}

impl LogicalPlan {
    /// The output columns of this node.
    pub fn schema(&self) -> Schema {
        match self {
            LogicalPlan::Scan {
                table_schema,
                projection,
                ..
            } => match projection {
                None => table_schema.clone(),
                Some(cols) => Schema::new(
                    table_schema
                        .fields
                        .iter()
                        .filter(|f| cols.contains(&f.name))
                        .cloned()
                        .collect(),
                ),
            },
            LogicalPlan::Values { schema, .. }
            | LogicalPlan::Range { schema, .. }
            | LogicalPlan::ApplyRows { schema } => schema.clone(),
            LogicalPlan::MvApply {
                input, body, outer, ..
            } => {
                let ins = input.schema();
                let mut fields: Vec<Field> = outer
                    .iter()
                    .filter_map(|n| ins.fields.iter().find(|f| f.name == *n).cloned())
                    .collect();
                fields.extend(body.schema().fields);
                Schema::new(fields)
            }
            LogicalPlan::Filter { input, .. }
            | LogicalPlan::Sort { input, .. }
            | LogicalPlan::Limit { input, .. } => input.schema(),
            LogicalPlan::Projection { exprs, .. } => {
                Schema::new(exprs.iter().map(|(n, e)| Field::new(n, e.ty)).collect())
            }
            LogicalPlan::Join {
                left,
                right,
                outputs,
                ..
            } => {
                let (ls, rs) = (left.schema(), right.schema());
                Schema::new(
                    outputs
                        .iter()
                        .filter_map(|(name, side, col)| {
                            let s = if *side == Side::Left { &ls } else { &rs };
                            s.fields
                                .iter()
                                .find(|f| f.name == *col)
                                .map(|f| Field::new(name, f.ty))
                        })
                        .collect(),
                )
            }
            LogicalPlan::Union { inputs } => inputs.first().map(|i| i.schema()).unwrap_or_default(),
            LogicalPlan::TopNested { levels, .. } => Schema::new(
                levels
                    .iter()
                    .flat_map(|l| {
                        [
                            Field::new(&l.key.0, l.key.1.ty),
                            Field::new(&l.agg.0, l.agg.1.ty),
                        ]
                    })
                    .collect(),
            ),
            LogicalPlan::Series {
                input,
                keys,
                values,
                axis,
            } => {
                let mut fields: Vec<Field> =
                    input.schema().fields.into_iter().take(*keys).collect();
                fields.extend(values.iter().map(|(n, _)| Field::new(n, KqlType::Dynamic)));
                fields.push(Field::new(&axis.0, KqlType::Dynamic));
                Schema::new(fields)
            }
            LogicalPlan::Parse { input, columns, .. } => {
                let mut fields = input.schema().fields;
                for c in columns {
                    match fields.iter_mut().find(|f| f.name == c.name) {
                        Some(f) => f.ty = c.ty,
                        None => fields.push(c.clone()),
                    }
                }
                Schema::new(fields)
            }
            LogicalPlan::Steps { input, spec } => {
                let mut s = input.schema();
                s.fields.extend(spec.declare.iter().map(|(f, _)| f.clone()));
                if let Some(m) = &spec.match_id {
                    s.fields.push(Field::new(m, KqlType::Long));
                }
                s
            }
            LogicalPlan::Window { input, exprs } => {
                let mut s = input.schema();
                s.fields
                    .extend(exprs.iter().map(|(n, w)| Field::new(n, w.ty())));
                s
            }
            LogicalPlan::MvExpand {
                input,
                items,
                index_column,
                ..
            } => {
                let mut fields = input.schema().fields;
                for it in items {
                    match fields.iter_mut().find(|f| f.name == it.name) {
                        Some(f) => f.ty = it.ty,
                        None => fields.push(Field::new(&it.name, it.ty)),
                    }
                }
                if let Some(ix) = index_column {
                    fields.push(Field::new(ix, KqlType::Long));
                }
                Schema::new(fields)
            }
            LogicalPlan::Graph(g) => g.schema(),
            LogicalPlan::Aggregate { group_by, aggs, .. } => Schema::new(
                group_by
                    .iter()
                    .map(|(n, e)| Field::new(n, e.ty))
                    .chain(aggs.iter().map(|(n, a)| Field::new(n, a.ty)))
                    .collect(),
            ),
        }
    }

    /// This node with each input replaced by `f(input)` (for rewrites that only need to
    /// recurse).
    pub fn map_inputs(self, mut f: impl FnMut(LogicalPlan) -> LogicalPlan) -> LogicalPlan {
        use LogicalPlan::*;
        match self {
            s @ (Scan { .. } | Values { .. } | Range { .. } | ApplyRows { .. }) => s,
            MvApply {
                input,
                items,
                index_column,
                limit,
                body,
                outer,
            } => MvApply {
                input: Box::new(f(*input)),
                items,
                index_column,
                limit,
                body,
                outer,
            },
            Filter { input, predicate } => Filter {
                input: Box::new(f(*input)),
                predicate,
            },
            Projection { input, exprs } => Projection {
                input: Box::new(f(*input)),
                exprs,
            },
            Aggregate {
                input,
                group_by,
                aggs,
            } => Aggregate {
                input: Box::new(f(*input)),
                group_by,
                aggs,
            },
            Sort { input, keys, fetch } => Sort {
                input: Box::new(f(*input)),
                keys,
                fetch,
            },
            Join {
                left,
                right,
                kind,
                on,
                outputs,
            } => {
                let left = Box::new(f(*left));
                let right = Box::new(f(*right));
                Join {
                    left,
                    right,
                    kind,
                    on,
                    outputs,
                }
            }
            MvExpand {
                input,
                items,
                index_column,
                bag_as_array,
                limit,
            } => MvExpand {
                input: Box::new(f(*input)),
                items,
                index_column,
                bag_as_array,
                limit,
            },
            Union { inputs } => Union {
                inputs: inputs.into_iter().map(f).collect(),
            },
            Window { input, exprs } => Window {
                input: Box::new(f(*input)),
                exprs,
            },
            Parse {
                input,
                expr,
                regex,
                columns,
                relaxed,
                drop_unmatched,
            } => Parse {
                input: Box::new(f(*input)),
                expr,
                regex,
                columns,
                relaxed,
                drop_unmatched,
            },
            Series {
                input,
                keys,
                values,
                axis,
            } => Series {
                input: Box::new(f(*input)),
                keys,
                values,
                axis,
            },
            TopNested { input, levels } => TopNested {
                input: Box::new(f(*input)),
                levels,
            },
            Limit { input, fetch } => Limit {
                input: Box::new(f(*input)),
                fetch,
            },
            Steps { input, spec } => Steps {
                input: Box::new(f(*input)),
                spec,
            },
            Graph(g) => Graph(Box::new(g.map_inputs(f))),
        }
    }

    /// The direct inputs.
    pub fn inputs(&self) -> Vec<&LogicalPlan> {
        match self {
            LogicalPlan::Scan { .. }
            | LogicalPlan::Values { .. }
            | LogicalPlan::Range { .. }
            | LogicalPlan::ApplyRows { .. } => {
                vec![]
            }
            LogicalPlan::Filter { input, .. }
            | LogicalPlan::Projection { input, .. }
            | LogicalPlan::Aggregate { input, .. }
            | LogicalPlan::Sort { input, .. }
            | LogicalPlan::MvExpand { input, .. }
            | LogicalPlan::MvApply { input, .. }
            | LogicalPlan::Window { input, .. }
            | LogicalPlan::Parse { input, .. }
            | LogicalPlan::Series { input, .. }
            | LogicalPlan::TopNested { input, .. }
            | LogicalPlan::Steps { input, .. }
            | LogicalPlan::Limit { input, .. } => vec![input],
            LogicalPlan::Join { left, right, .. } => vec![left, right],
            LogicalPlan::Union { inputs } => inputs.iter().collect(),
            LogicalPlan::Graph(g) => g.inputs(),
        }
    }
}
