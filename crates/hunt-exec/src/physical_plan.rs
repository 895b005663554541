//! The physical plan: a tree of streaming operators, and the translation from the
//! logical plan.
//!
//! Every operator pulls batches from its input through a [`BatchIter`] and keeps
//! only its own state (hash table, sort buffer), so memory is bounded by that
//! state, not by the data scanned.

use crate::error::{ExecError, Result};
use crate::operators::{
    AggregateExec, ApplyRowsExec, ApplySlot, FilterExec, GraphExec, HashJoinExec, LimitExec,
    MvApplyExec, MvExpandExec, ParseExec, ProjectionExec, RangeExec, SeriesExec, SortExec,
    StepScanExec, TopNestedExec, UnionExec, ValuesExec, WindowExec,
};
use crate::scan::{ParquetScanExec, TableSet, TopBound};
use arrow::record_batch::RecordBatch;
use hunt_plan::LogicalPlan;
use hunt_plan::logical_plan::JoinKind;
use hunt_plan::types::Schema;
use std::sync::Arc;

/// A stream of batches pulled one at a time.
pub type BatchIter = Box<dyn Iterator<Item = Result<RecordBatch>> + Send>;

/// What one unit of a scan was folded into (type-erased, so the trait stays object-safe;
/// the folder downcasts it back).
pub type Folded = Box<dyn std::any::Any + Send>;

/// Folds the batches of one unit of a scan (a row group), after the per-batch operators
/// between the scan and the folder, into one value. It runs on the scan's worker threads.
pub type UnitFold =
    Arc<dyn Fn(&mut dyn Iterator<Item = Result<RecordBatch>>) -> Result<Folded> + Send + Sync>;

/// The folded units, in unit order.
pub type FoldedIter = Box<dyn Iterator<Item = Result<Folded>> + Send>;

/// A physical operator.
pub trait ExecutionPlan: Send + Sync + std::fmt::Debug {
    /// One line for EXPLAIN.
    fn describe(&self) -> String;
    /// The KQL schema of the batches it yields.
    fn schema(&self) -> &Schema;
    /// Its inputs.
    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>>;
    /// Starts producing batches.
    fn execute(&self) -> Result<BatchIter>;
    /// When this plan's batches come from a scan through per-batch operators only (filters,
    /// projections), runs `fold` over each unit's batches on the scan's worker threads and
    /// yields the results in unit order: the same units, in the same order, whatever the
    /// thread count. `None` for any other plan.
    fn execute_units(&self, fold: UnitFold) -> Option<Result<FoldedIter>> {
        let _ = fold;
        None
    }
    /// `where` conjuncts every row this plan yields already satisfies (a filter above need
    /// not check them again).
    fn applied_conjuncts(&self) -> Vec<hunt_plan::expr::Expr> {
        Vec::new()
    }
    /// About how many units [`ExecutionPlan::execute_units`] will yield, when it can be
    /// told before running (the row groups a scan's statistics leave; pruning by
    /// dictionaries and bloom filters, and the split of small files, make it rough either
    /// way). The hash aggregate uses it to decide early that it will spill.
    fn units_hint(&self) -> Option<usize> {
        None
    }
    /// Whether [`ExecutionPlan::execute_units`] returns `Some`, asked before doing work
    /// (such as building a join's hash table) that only the unit path would use.
    fn has_units(&self) -> bool {
        false
    }
}

/// Runs `plan` unit-parallel when it can be (see [`ExecutionPlan::execute_units`]): each
/// unit's batches are computed on a worker and passed on in unit order.
pub fn execute_parallel(plan: &dyn ExecutionPlan) -> Option<Result<BatchIter>> {
    let fold: UnitFold = Arc::new(|batches| {
        let out = batches
            .filter(|b| !matches!(b, Ok(b) if b.num_rows() == 0))
            .collect::<Result<Vec<RecordBatch>>>()?;
        Ok(Box::new(out) as Folded)
    });
    let units = match plan.execute_units(fold)? {
        Ok(u) => u,
        Err(e) => return Some(Err(e)),
    };
    let batches = units.flat_map(|unit| -> Vec<Result<RecordBatch>> {
        match unit.and_then(|u| {
            u.downcast::<Vec<RecordBatch>>()
                .map_err(|_| ExecError::Internal("a unit folded into another type".into()))
        }) {
            Ok(batches) => batches.into_iter().map(Ok).collect(),
            Err(e) => vec![Err(e)],
        }
    });
    Some(Ok(Box::new(batches)))
}

/// Rows per batch produced by operators that build their own batches.
pub const BATCH_SIZE: usize = 8192;

/// The input of an aggregate: when it is a scan under filters and projections, the scan
/// passes string columns on dictionary-encoded where the files store them so. Filters and
/// projections read dictionaries (an expression over one dictionary column is evaluated
/// once per distinct value), projections keep them, and the aggregate groups dictionary keys
/// by their codes and counts distinct dictionary values once per batch.
fn aggregate_input(
    plan: &LogicalPlan,
    tables: &TableSet,
    rows: Option<&ApplySlot>,
) -> Result<Arc<dyn ExecutionPlan>> {
    Ok(match plan {
        LogicalPlan::Scan { .. } => {
            let strings = plan
                .schema()
                .fields
                .iter()
                .filter(|f| f.ty == hunt_plan::types::KqlType::String)
                .map(|f| f.name.clone())
                .collect();
            Arc::new(scan_exec(plan, tables)?.with_dictionary_output(strings))
        }
        LogicalPlan::Filter { input, predicate } if matches!(**input, LogicalPlan::Join { .. }) => {
            join(input, tables, rows, true, Some(predicate))?
        }
        LogicalPlan::Filter { input, predicate } => {
            filter(aggregate_input(input, tables, rows)?, predicate)?
        }
        LogicalPlan::Projection { input, exprs } => Arc::new(
            ProjectionExec::try_new(aggregate_input(input, tables, rows)?, exprs, plan.schema())?
                .keeping_dictionaries(),
        ),
        LogicalPlan::Join { .. } => join(plan, tables, rows, true, None)?,
        other => build(other, tables, rows)?,
    })
}

/// A `where` over `input`, leaving out the conjuncts `input` already applies to every row
/// (a scan's dictionary predicates); without others there is no filter at all.
fn filter(
    input: Arc<dyn ExecutionPlan>,
    predicate: &hunt_plan::expr::Expr,
) -> Result<Arc<dyn ExecutionPlan>> {
    use hunt_plan::expr::{ExprKind, Func};
    let applied = input.applied_conjuncts();
    if applied.is_empty() {
        return Ok(Arc::new(FilterExec::try_new(input, predicate)?));
    }
    fn conjuncts<'e>(e: &'e hunt_plan::expr::Expr, out: &mut Vec<&'e hunt_plan::expr::Expr>) {
        match &e.kind {
            ExprKind::Call(Func::And, args) => args.iter().for_each(|a| conjuncts(a, out)),
            _ => out.push(e),
        }
    }
    let mut all = Vec::new();
    conjuncts(predicate, &mut all);
    let rest: Vec<&hunt_plan::expr::Expr> =
        all.into_iter().filter(|c| !applied.contains(c)).collect();
    let Some(first) = rest.first() else {
        return Ok(input);
    };
    let mut kept = (*first).clone();
    for c in &rest[1..] {
        let span = kept.span;
        kept = hunt_plan::expr::Expr {
            kind: ExprKind::Call(Func::And, vec![kept, (*c).clone()]),
            ty: hunt_plan::types::KqlType::Bool,
            span,
        };
    }
    Ok(Arc::new(FilterExec::try_new(input, &kept)?))
}

/// For `top N by Col …` with `Col` a `long` or `int` column of a scan under filters only:
/// a running bound on `Col` for that scan.
fn top_bound(
    keys: &[hunt_plan::logical_plan::SortKey],
    input: &LogicalPlan,
) -> Option<Arc<TopBound>> {
    let key = keys.first()?;
    let hunt_plan::expr::ExprKind::Column(name) = &key.expr.kind else {
        return None;
    };
    if !matches!(
        key.expr.ty,
        hunt_plan::types::KqlType::Long | hunt_plan::types::KqlType::Int
    ) {
        return None;
    }
    let mut p = input;
    loop {
        match p {
            LogicalPlan::Filter { input, .. } => p = input,
            LogicalPlan::Scan { .. } => break,
            _ => return None,
        }
    }
    Some(Arc::new(TopBound::new(
        name,
        key.descending,
        key.nulls_first,
    )))
}

/// The hash join of a `Join` node, with `predicate` (a `where` directly above it) applied
/// to its output as it is made. Under an aggregate (`keep_dictionaries`), a join whose
/// output rows each come from one left row passes the left side's dictionaries on (the
/// probe looks each dictionary entry up once).
fn join(
    plan: &LogicalPlan,
    tables: &TableSet,
    rows: Option<&ApplySlot>,
    keep_dictionaries: bool,
    predicate: Option<&hunt_plan::expr::Expr>,
) -> Result<Arc<dyn ExecutionPlan>> {
    let LogicalPlan::Join {
        left,
        right,
        kind,
        on,
        outputs,
    } = plan
    else {
        return Err(ExecError::Internal("not a join".into()));
    };
    let per_left_row = matches!(
        kind,
        JoinKind::Inner | JoinKind::LeftOuter | JoinKind::LeftSemi | JoinKind::LeftAnti
    );
    let left = if keep_dictionaries && per_left_row {
        aggregate_input(left, tables, rows)?
    } else {
        build(left, tables, rows)?
    };
    let mut exec = HashJoinExec::try_new(
        left,
        build(right, tables, rows)?,
        *kind,
        on,
        outputs,
        plan.schema(),
    )?
    .with_budget(tables.budget());
    if let Some(p) = predicate {
        exec = exec.with_filter(p)?;
    }
    Ok(Arc::new(exec))
}

/// `plan`, filters over a scan, built with `bound` pushed into the scan.
fn bounded(
    plan: &LogicalPlan,
    tables: &TableSet,
    bound: Arc<TopBound>,
) -> Result<Arc<dyn ExecutionPlan>> {
    match plan {
        LogicalPlan::Scan { .. } => Ok(Arc::new(scan_exec(plan, tables)?.with_top_bound(bound))),
        LogicalPlan::Filter { input, predicate } => {
            filter(bounded(input, tables, bound)?, predicate)
        }
        other => build(other, tables, None),
    }
}

/// The Parquet scan of a `Scan` node.
fn scan_exec(plan: &LogicalPlan, tables: &TableSet) -> Result<ParquetScanExec> {
    let LogicalPlan::Scan { table, filters, .. } = plan else {
        return Err(ExecError::Internal("not a scan".into()));
    };
    let Some(t) = tables.get(table)? else {
        return Err(ExecError::Internal(format!(
            "table `{table}` planned but not registered"
        )));
    };
    let scan = ParquetScanExec::try_new(t, filters.clone(), plan.schema())?;
    Ok(match tables.control() {
        Some(token) => scan.with_control(token.clone()),
        None => scan,
    })
}

/// Builds the operator tree for a logical plan.
pub fn create_physical_plan(
    plan: &LogicalPlan,
    tables: &TableSet,
) -> Result<Arc<dyn ExecutionPlan>> {
    build(plan, tables, None)
}

/// Builds the operator tree of an `mv-apply` body once: its [`LogicalPlan::ApplyRows`]
/// leaf yields whatever batch `slot` holds when the tree is executed.
pub(crate) fn create_apply_plan(
    plan: &LogicalPlan,
    tables: &TableSet,
    slot: &ApplySlot,
) -> Result<Arc<dyn ExecutionPlan>> {
    build(plan, tables, Some(slot))
}

fn build(
    plan: &LogicalPlan,
    tables: &TableSet,
    rows: Option<&ApplySlot>,
) -> Result<Arc<dyn ExecutionPlan>> {
    Ok(match plan {
        LogicalPlan::Scan { .. } => Arc::new(scan_exec(plan, tables)?),
        LogicalPlan::Values {
            schema,
            rows: values,
        } => Arc::new(ValuesExec::try_new(schema.clone(), values)?.within(&tables.budget())?),
        LogicalPlan::Range {
            schema,
            start,
            step,
            count,
        } => Arc::new(RangeExec::new(schema.clone(), *start, *step, *count)),
        LogicalPlan::ApplyRows { schema } => match rows {
            Some(slot) => Arc::new(ApplyRowsExec::new(schema.clone(), slot.clone())),
            None => {
                return Err(ExecError::Internal(
                    "mv-apply rows outside an mv-apply body".into(),
                ));
            }
        },
        LogicalPlan::MvApply {
            input,
            items,
            index_column,
            limit,
            body,
            outer,
        } => Arc::new(MvApplyExec::try_new(
            build(input, tables, rows)?,
            items,
            index_column.as_deref(),
            *limit,
            (**body).clone(),
            outer,
            tables.clone(),
            plan.schema(),
        )?),
        LogicalPlan::Filter { input, predicate } if matches!(**input, LogicalPlan::Join { .. }) => {
            join(input, tables, rows, false, Some(predicate))?
        }
        LogicalPlan::Filter { input, predicate } => filter(build(input, tables, rows)?, predicate)?,
        LogicalPlan::Projection { input, exprs } => Arc::new(ProjectionExec::try_new(
            build(input, tables, rows)?,
            exprs,
            plan.schema(),
        )?),
        LogicalPlan::Aggregate {
            input,
            group_by,
            aggs,
        } => Arc::new(
            AggregateExec::try_new(
                aggregate_input(input, tables, rows)?,
                group_by,
                aggs,
                plan.schema(),
            )?
            .with_budget(tables.budget()),
        ),
        LogicalPlan::Sort { input, keys, fetch } => match fetch.and(top_bound(keys, input)) {
            // `top N by Col` over a scan: the scan drops rows the top can no longer take.
            Some(bound) => {
                let column = input
                    .schema()
                    .index_of(bound.column())
                    .ok_or_else(|| ExecError::Internal("top key missing from its input".into()))?;
                Arc::new(
                    SortExec::try_new(bounded(input, tables, bound.clone())?, keys, *fetch)?
                        .with_bound(bound, column)
                        .with_budget(tables.budget()),
                )
            }
            None => Arc::new(
                SortExec::try_new(build(input, tables, rows)?, keys, *fetch)?
                    .with_budget(tables.budget()),
            ),
        },
        LogicalPlan::Join { .. } => join(plan, tables, rows, false, None)?,
        LogicalPlan::Parse {
            input,
            expr,
            regex,
            columns,
            relaxed,
            drop_unmatched,
        } => Arc::new(ParseExec::try_new(
            build(input, tables, rows)?,
            expr,
            regex,
            columns,
            *relaxed,
            *drop_unmatched,
            plan.schema(),
        )?),
        LogicalPlan::Series {
            input,
            keys,
            values,
            axis,
        } => Arc::new(
            SeriesExec::new(
                build(input, tables, rows)?,
                *keys,
                values.iter().map(|(_, d)| d.clone()).collect(),
                axis.1.clone(),
                plan.schema(),
            )
            .with_budget(tables.budget()),
        ),
        LogicalPlan::TopNested { input, levels } => Arc::new(
            TopNestedExec::try_new(build(input, tables, rows)?, levels, plan.schema())?
                .with_budget(tables.budget()),
        ),
        LogicalPlan::Steps { input, spec } => Arc::new(StepScanExec::try_new(
            create_physical_plan(input, tables)?,
            spec,
            plan.schema(),
        )?),
        LogicalPlan::Window { input, exprs } => Arc::new(
            WindowExec::try_new(build(input, tables, rows)?, exprs, plan.schema())?
                .with_budget(tables.budget()),
        ),
        LogicalPlan::Union { inputs } => Arc::new(UnionExec::new(
            inputs
                .iter()
                .map(|i| build(i, tables, rows))
                .collect::<Result<Vec<_>>>()?,
            plan.schema(),
        )),
        LogicalPlan::MvExpand {
            input,
            items,
            index_column,
            bag_as_array,
            limit,
        } => Arc::new(MvExpandExec::try_new(
            build(input, tables, rows)?,
            items,
            index_column.as_deref(),
            *bag_as_array,
            *limit,
            plan.schema(),
        )?),
        LogicalPlan::Limit { input, fetch } => {
            Arc::new(LimitExec::new(build(input, tables, rows)?, *fetch))
        }
        LogicalPlan::Graph(g) => {
            let nodes = match &g.nodes {
                hunt_plan::graph::GraphNodes::Table { plan, .. } => {
                    Some(build(plan, tables, rows)?)
                }
                _ => None,
            };
            Arc::new(
                GraphExec::new(build(&g.edges, tables, rows)?, nodes, (**g).clone())
                    .with_budget(tables.budget()),
            )
        }
    })
}

/// Runs a plan to completion.
pub fn collect(plan: &Arc<dyn ExecutionPlan>) -> Result<Vec<RecordBatch>> {
    collect_within(plan, &crate::limits::MemoryBudget::default())
}

/// [`collect`], holding the result within `budget`: a query whose answer outgrows the
/// query memory limit stops with a limit error as soon as it does.
pub fn collect_within(
    plan: &Arc<dyn ExecutionPlan>,
    budget: &crate::limits::MemoryBudget,
) -> Result<Vec<RecordBatch>> {
    let mut held = budget.reserve(0, "the result")?;
    let mut out = Vec::new();
    for b in plan.execute()? {
        let b = b?;
        if b.num_rows() == 0 {
            continue;
        }
        held.grow(b.get_array_memory_size(), "the result")?;
        out.push(b);
    }
    Ok(out)
}

/// Runs `input` to completion as one batch for an operator that needs all of its rows at
/// once (`serialize`'s window functions, `top-nested`, `make-series`, graph building),
/// reserving them from `budget` as they arrive (twice: the batches, then their
/// concatenation), so an input past the memory limit stops with the limit error as soon
/// as it passes it. The reservation is returned to be held while the rows are.
pub(crate) fn collect_held(
    input: &Arc<dyn ExecutionPlan>,
    budget: &crate::limits::MemoryBudget,
    what: &str,
) -> Result<(RecordBatch, crate::limits::Reservation)> {
    let mut held = budget.reserve(0, what)?;
    let mut batches = Vec::new();
    for b in input.execute()? {
        let b = b?;
        held.grow(2 * b.get_array_memory_size(), what)?;
        batches.push(b);
    }
    let all = arrow::compute::concat_batches(&input.schema().to_arrow(), &batches)?;
    Ok((all, held))
}

/// EXPLAIN text of the physical plan.
pub fn display(plan: &Arc<dyn ExecutionPlan>) -> String {
    fn go(p: &Arc<dyn ExecutionPlan>, depth: usize, out: &mut String) {
        out.push_str(&format!(
            "{:02}){}{}\n",
            depth + 1,
            "--".repeat(depth),
            p.describe()
        ));
        for c in p.children() {
            go(c, depth + 1, out);
        }
    }
    let mut s = String::new();
    go(plan, 0, &mut s);
    s
}
