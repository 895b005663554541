//! The optimizer: rewrites that keep the answer and cut the work.
//!
//! - Projection pushdown: each `Scan` learns the columns the rest of the plan reads, so
//!   the Parquet reader decodes only those; projections and aggregates drop the columns
//!   their parent does not read.
//! - Predicate pushdown: the conjuncts of a `where` directly above a `Scan` (after
//!   merging stacked `where`s) are copied into the scan, which uses them to skip row
//!   groups by their statistics. The `Filter` is kept, so skipping is only ever an
//!   optimization.
//! - `sort … | take N` (also with projections between) is a sort that keeps only its
//!   first N rows, as `top N` is: the sort's ties keep their input order either way, so
//!   the rows are the same.

use crate::expr::{Expr, ExprKind, Func};
use crate::logical_plan::{LogicalPlan, Side, WindowFunc};

/// Optimizes a plan (entry point of the stage).
pub fn optimize(plan: LogicalPlan) -> LogicalPlan {
    let plan = fuse_sort_limit(push_filters(plan));
    let all = plan.schema().fields.into_iter().map(|f| f.name).collect();
    push_projection(plan, all)
}

/// Rewrites `plan` knowing its parent reads only the columns in `needed`.
fn push_projection(plan: LogicalPlan, needed: Vec<String>) -> LogicalPlan {
    match plan {
        LogicalPlan::Scan {
            table,
            table_schema,
            filters,
            ..
        } => {
            let projection = table_schema
                .fields
                .iter()
                .filter(|f| needed.contains(&f.name))
                .map(|f| f.name.clone())
                .collect();
            LogicalPlan::Scan {
                table,
                table_schema,
                projection: Some(projection),
                filters,
            }
        }
        v @ (LogicalPlan::Values { .. }
        | LogicalPlan::Range { .. }
        | LogicalPlan::ApplyRows { .. }) => v,
        // The body may read any column of the record, so the input keeps all of them;
        // the body is a plan of its own, optimized on its own.
        LogicalPlan::MvApply {
            input,
            items,
            index_column,
            limit,
            body,
            outer,
        } => {
            let cols = input.schema().fields.into_iter().map(|f| f.name).collect();
            LogicalPlan::MvApply {
                input: Box::new(push_projection(*input, cols)),
                items,
                index_column,
                limit,
                body: Box::new(optimize(*body)),
                outer,
            }
        }
        // A graph reads every column of its inputs (edge and node properties).
        LogicalPlan::Graph(g) => LogicalPlan::Graph(Box::new(g.map_inputs(|i| {
            let cols = i.schema().fields.into_iter().map(|f| f.name).collect();
            push_projection(i, cols)
        }))),
        LogicalPlan::Filter { input, predicate } => {
            let mut cols = needed;
            predicate.columns_into(&mut cols);
            LogicalPlan::Filter {
                input: Box::new(push_projection(*input, cols)),
                predicate,
            }
        }
        LogicalPlan::Projection { input, exprs } => {
            // Columns the parent does not read are dropped here too.
            let exprs: Vec<_> = exprs
                .into_iter()
                .filter(|(n, _)| needed.contains(n))
                .collect();
            let mut cols = Vec::new();
            for (_, e) in &exprs {
                e.columns_into(&mut cols);
            }
            LogicalPlan::Projection {
                input: Box::new(push_projection(*input, cols)),
                exprs,
            }
        }
        LogicalPlan::Aggregate {
            input,
            group_by,
            aggs,
        } => {
            // Aggregates the parent does not read are dropped (each `arg_max(T, *)` column
            // is one), so their input columns are never read; without `by`, one stays to
            // keep the single row.
            let keep_one = group_by.is_empty() && !aggs.iter().any(|(n, _)| needed.contains(n));
            let aggs: Vec<_> = aggs
                .into_iter()
                .enumerate()
                .filter(|(i, (n, _))| needed.contains(n) || (keep_one && *i == 0))
                .map(|(_, a)| a)
                .collect();
            let mut cols = Vec::new();
            for (_, e) in &group_by {
                e.columns_into(&mut cols);
            }
            for (_, a) in &aggs {
                a.args.iter().for_each(|e| e.columns_into(&mut cols));
                if let Some(f) = &a.filter {
                    f.columns_into(&mut cols);
                }
            }
            LogicalPlan::Aggregate {
                input: Box::new(push_projection(*input, cols)),
                group_by,
                aggs,
            }
        }
        LogicalPlan::Sort { input, keys, fetch } => {
            let mut cols = needed;
            keys.iter().for_each(|k| k.expr.columns_into(&mut cols));
            LogicalPlan::Sort {
                input: Box::new(push_projection(*input, cols)),
                keys,
                fetch,
            }
        }
        LogicalPlan::Parse {
            input,
            expr,
            regex,
            columns,
            relaxed,
            drop_unmatched,
        } => {
            let mut cols: Vec<String> = needed
                .iter()
                .filter(|n| !columns.iter().any(|c| c.name == **n))
                .cloned()
                .collect();
            expr.columns_into(&mut cols);
            LogicalPlan::Parse {
                input: Box::new(push_projection(*input, cols)),
                expr,
                regex,
                columns,
                relaxed,
                drop_unmatched,
            }
        }
        LogicalPlan::TopNested { input, levels } => {
            let mut cols = Vec::new();
            for l in &levels {
                l.key.1.columns_into(&mut cols);
                l.agg.1.args.iter().for_each(|a| a.columns_into(&mut cols));
            }
            LogicalPlan::TopNested {
                input: Box::new(push_projection(*input, cols)),
                levels,
            }
        }
        // A series reads every column of its aggregate below.
        LogicalPlan::Series {
            input,
            keys,
            values,
            axis,
        } => {
            let cols = input.schema().fields.into_iter().map(|f| f.name).collect();
            LogicalPlan::Series {
                input: Box::new(push_projection(*input, cols)),
                keys,
                values,
                axis,
            }
        }
        // A scan's evaluation reads input columns by position: keep them all.
        LogicalPlan::Steps { input, spec } => {
            let cols = input.schema().fields.into_iter().map(|f| f.name).collect();
            LogicalPlan::Steps {
                input: Box::new(push_projection(*input, cols)),
                spec,
            }
        }
        LogicalPlan::Window { input, exprs } => {
            let mut cols: Vec<String> = needed
                .iter()
                .filter(|n| !exprs.iter().any(|(w, _)| w == *n))
                .cloned()
                .collect();
            for (_, w) in &exprs {
                window_columns(w, &mut cols);
            }
            LogicalPlan::Window {
                input: Box::new(push_projection(*input, cols)),
                exprs,
            }
        }
        LogicalPlan::Union { inputs } => LogicalPlan::Union {
            inputs: inputs
                .into_iter()
                .map(|i| push_projection(i, needed.clone()))
                .collect(),
        },
        LogicalPlan::MvExpand {
            input,
            items,
            index_column,
            bag_as_array,
            limit,
        } => {
            // Pass-through columns the parent reads, plus what the expansions read.
            let mut cols: Vec<String> = needed
                .into_iter()
                .filter(|n| !items.iter().any(|i| i.name == *n) && index_column.as_ref() != Some(n))
                .collect();
            for it in &items {
                it.expr.columns_into(&mut cols);
            }
            let input = push_projection(*input, cols);
            LogicalPlan::MvExpand {
                input: Box::new(input),
                items,
                index_column,
                bag_as_array,
                limit,
            }
        }
        LogicalPlan::Join {
            left,
            right,
            kind,
            on,
            outputs,
        } => {
            let outputs: Vec<_> = outputs
                .into_iter()
                .filter(|(n, _, _)| needed.contains(n))
                .collect();
            let mut lcols: Vec<String> = on.iter().map(|(l, _)| l.clone()).collect();
            let mut rcols: Vec<String> = on.iter().map(|(_, r)| r.clone()).collect();
            for (_, side, col) in &outputs {
                let v = if *side == Side::Left {
                    &mut lcols
                } else {
                    &mut rcols
                };
                if !v.contains(col) {
                    v.push(col.clone());
                }
            }
            LogicalPlan::Join {
                left: Box::new(push_projection(*left, lcols)),
                right: Box::new(push_projection(*right, rcols)),
                kind,
                on,
                outputs,
            }
        }
        LogicalPlan::Limit { input, fetch } => LogicalPlan::Limit {
            input: Box::new(push_projection(*input, needed)),
            fetch,
        },
    }
}

/// Splits `a and b and c` into its conjuncts.
fn conjuncts(e: &Expr, out: &mut Vec<Expr>) {
    match &e.kind {
        ExprKind::Call(Func::And, args) => args.iter().for_each(|a| conjuncts(a, out)),
        _ => out.push(e.clone()),
    }
}

/// `Limit` over `Sort` (through projections, which keep the row count) becomes a sort
/// with a fetch.
fn fuse_sort_limit(plan: LogicalPlan) -> LogicalPlan {
    match plan {
        LogicalPlan::Limit { input, fetch } => match with_fetch(*input, fetch) {
            Ok(fused) => fuse_sort_limit(fused),
            Err(input) => LogicalPlan::Limit {
                input: Box::new(fuse_sort_limit(input)),
                fetch,
            },
        },
        other => other.map_inputs(fuse_sort_limit),
    }
}

/// `plan` keeping only its first `n` rows, when that can be pushed into a sort below it;
/// otherwise `plan` back, unchanged.
fn with_fetch(plan: LogicalPlan, n: usize) -> Result<LogicalPlan, LogicalPlan> {
    match plan {
        LogicalPlan::Sort { input, keys, fetch } => Ok(LogicalPlan::Sort {
            input,
            keys,
            fetch: Some(fetch.map_or(n, |m| m.min(n))),
        }),
        LogicalPlan::Projection { input, exprs } => match with_fetch(*input, n) {
            Ok(input) => Ok(LogicalPlan::Projection {
                input: Box::new(input),
                exprs,
            }),
            Err(input) => Err(LogicalPlan::Projection {
                input: Box::new(input),
                exprs,
            }),
        },
        other => Err(other),
    }
}

/// Copies the predicates of `where`s that sit directly on a scan into that scan.
fn push_filters(plan: LogicalPlan) -> LogicalPlan {
    match plan {
        LogicalPlan::Filter { input, predicate } => {
            let input = push_filters(*input);
            let input = match input {
                LogicalPlan::Scan {
                    table,
                    table_schema,
                    projection,
                    mut filters,
                } => {
                    conjuncts(&predicate, &mut filters);
                    LogicalPlan::Scan {
                        table,
                        table_schema,
                        projection,
                        filters,
                    }
                }
                // A `where` on a `where` on a scan: the inner one already pushed its part;
                // ours can be pushed through it too, since both must hold.
                LogicalPlan::Filter {
                    input: inner,
                    predicate: p2,
                } => match *inner {
                    LogicalPlan::Scan {
                        table,
                        table_schema,
                        projection,
                        mut filters,
                    } => {
                        conjuncts(&predicate, &mut filters);
                        LogicalPlan::Filter {
                            input: Box::new(LogicalPlan::Scan {
                                table,
                                table_schema,
                                projection,
                                filters,
                            }),
                            predicate: p2,
                        }
                    }
                    other => LogicalPlan::Filter {
                        input: Box::new(other),
                        predicate: p2,
                    },
                },
                other => other,
            };
            LogicalPlan::Filter {
                input: Box::new(input),
                predicate,
            }
        }
        other => other.map_inputs(push_filters),
    }
}

fn window_columns(w: &WindowFunc, out: &mut Vec<String>) {
    match w {
        WindowFunc::RowNumber { restart, .. } => {
            if let Some(r) = restart {
                r.columns_into(out);
            }
        }
        WindowFunc::RowCumsum { expr, restart }
        | WindowFunc::RowRank { expr, restart, .. }
        | WindowFunc::Session { expr, restart, .. } => {
            expr.columns_into(out);
            if let Some(r) = restart {
                r.columns_into(out);
            }
        }
        WindowFunc::Shift { expr, .. } => expr.columns_into(out),
    }
}
