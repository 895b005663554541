//! The match table of `graph-match` / `graph-shortest-paths`: one row per match, one
//! column per pattern reference the planner found (`n.name`, `node_degree_in(n)`,
//! `map(e, x)`); `where` filters it, shortest paths are kept per pair of end nodes,
//! and `project` computes the output.

use super::build::Graph;
use super::matcher::{self, Matches};
use crate::error::{ExecError, Result};
use crate::expr::scalar::array_value;
use crate::expr::{compile, evaluate};
use crate::operators::accumulators::scalar_json;
use arrow::array::{
    Array, ArrayRef, BooleanArray, Int64Array, RecordBatch, RecordBatchOptions, StringArray,
    UInt32Array,
};
use arrow::compute::take;
use hunt_plan::expr::Expr;
use hunt_plan::graph::{Cycles, GraphMatch, MatchColumn, PathFn};
use hunt_plan::types::{KqlType, Schema};
use std::collections::HashMap;
use std::sync::Arc;

/// Runs the match operator `m` over `g`: the rows of `out` (its `project` columns).
pub(super) fn run(g: &Graph, m: &GraphMatch, out: &Schema) -> Result<RecordBatch> {
    // Shortest paths are searched among simple paths (no node twice): the shortest
    // path meeting per-element conditions never repeats a node.
    let cycles = if m.shortest.is_some() {
        Cycles::None
    } else {
        m.cycles
    };
    let masks = node_masks(g, m)?;
    let found = matcher::find(g, m, cycles, &masks)?;
    let table = match_table(g, m, &found)?;
    let mut keep: Vec<u32> = match &m.predicate {
        Some(p) => {
            let mask = eval_bool(p, &table)?;
            (0..table.num_rows() as u32)
                .filter(|&i| mask.is_valid(i as usize) && mask.value(i as usize))
                .collect()
        }
        None => (0..table.num_rows() as u32).collect(),
    };
    if let Some(all) = m.shortest {
        keep = shortest(m, &found, &keep, all)?;
    }
    let table = take_rows(&table, &keep)?;
    let cols = m
        .project
        .iter()
        .map(|(_, e)| evaluate(&compile(e, &table_schema(m))?, &table))
        .collect::<Result<Vec<_>>>()?;
    let opts = RecordBatchOptions::new().with_row_count(Some(table.num_rows()));
    Ok(RecordBatch::try_new_with_options(
        out.to_arrow(),
        cols,
        &opts,
    )?)
}

fn table_schema(m: &GraphMatch) -> Schema {
    m.match_schema()
}

/// For each node slot with `where` conjuncts of its own, the nodes that meet them.
fn node_masks(g: &Graph, m: &GraphMatch) -> Result<Vec<Option<Vec<bool>>>> {
    let mut masks: Vec<Option<Vec<bool>>> = vec![None; m.slots];
    if m.node_filters.is_empty() {
        return Ok(masks);
    }
    let (deg_in, deg_out) = g.degrees();
    for (slot, e) in &m.node_filters {
        let mut names = Vec::new();
        e.columns_into(&mut names);
        let mut fields = Vec::new();
        let mut cols: Vec<ArrayRef> = Vec::new();
        for name in names {
            let Some((f, col)) = m.columns.iter().find(|(f, _)| f.name == name) else {
                return Err(ExecError::Internal(format!(
                    "graph column `{name}` missing"
                )));
            };
            cols.push(match col {
                MatchColumn::NodeProperty { property, .. } => {
                    g.props.columns().get(*property).cloned().ok_or_else(|| {
                        ExecError::Internal("graph node property out of range".into())
                    })?
                }
                MatchColumn::DegreeIn(_) => Arc::new(Int64Array::from(deg_in.clone())),
                MatchColumn::DegreeOut(_) => Arc::new(Int64Array::from(deg_out.clone())),
                MatchColumn::NodeId(_) => Arc::new(StringArray::from_iter_values(&g.ids)),
                _ => return Err(ExecError::Internal("graph node filter on a path".into())),
            });
            fields.push(f.clone());
        }
        let schema = Schema::new(fields);
        let opts = RecordBatchOptions::new().with_row_count(Some(g.ids.len()));
        let b = RecordBatch::try_new_with_options(schema.to_arrow(), cols, &opts)?;
        let ok = eval_bool(e, &b)?;
        let mask = masks
            .get_mut(*slot)
            .ok_or_else(|| ExecError::Internal("graph slot out of range".into()))?
            .get_or_insert_with(|| vec![true; g.ids.len()]);
        for (i, keep) in mask.iter_mut().enumerate() {
            *keep = *keep && ok.is_valid(i) && ok.value(i);
        }
    }
    Ok(masks)
}

/// `e` over `b` as a boolean array.
fn eval_bool(e: &Expr, b: &RecordBatch) -> Result<BooleanArray> {
    let schema = Schema::new(
        b.schema()
            .fields()
            .iter()
            .filter_map(|f| {
                KqlType::from_arrow(f.data_type())
                    .map(|t| hunt_plan::types::Field::new(f.name(), t))
            })
            .collect(),
    );
    let a = evaluate(&compile(e, &schema)?, b)?;
    a.as_any()
        .downcast_ref::<BooleanArray>()
        .cloned()
        .ok_or_else(|| ExecError::Internal("graph condition is not a bool".into()))
}

/// The rows `keep` of `b`.
pub(super) fn take_rows(b: &RecordBatch, keep: &[u32]) -> Result<RecordBatch> {
    let idx = UInt32Array::from(keep.to_vec());
    let cols = b
        .columns()
        .iter()
        .map(|c| Ok(take(c, &idx, None)?))
        .collect::<Result<Vec<_>>>()?;
    let opts = RecordBatchOptions::new().with_row_count(Some(keep.len()));
    Ok(RecordBatch::try_new_with_options(b.schema(), cols, &opts)?)
}

/// Of the matches in `keep`, the shortest per pair of end nodes: all of them with
/// `output=all`; with `output=any` the one shortest path, refused when there are several
/// (Kusto returns an arbitrary one).
fn shortest(m: &GraphMatch, found: &Matches, keep: &[u32], all: bool) -> Result<Vec<u32>> {
    let last = m.edges.last().map(|e| e.to).unwrap_or(0);
    let length = |i: usize| -> usize {
        found
            .edges
            .iter()
            .map(|p| p.get(i).map_or(0, Vec::len))
            .sum()
    };
    let mut best: HashMap<(u32, u32), (usize, Vec<u32>)> = HashMap::new();
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    for &i in keep {
        let i_us = i as usize;
        let pair = (
            found.node(i_us, m.slots, 0),
            found.node(i_us, m.slots, last),
        );
        let len = length(i_us);
        match best.get_mut(&pair) {
            None => {
                pairs.push(pair);
                best.insert(pair, (len, vec![i]));
            }
            Some((l, v)) if len < *l => {
                *l = len;
                *v = vec![i];
            }
            Some((l, v)) if len == *l => v.push(i),
            Some(_) => {}
        }
    }
    let mut out = Vec::new();
    for p in pairs {
        let Some((_, v)) = best.remove(&p) else {
            continue;
        };
        if !all && v.len() > 1 {
            return Err(ExecError::Unsupported(
                "graph-shortest-paths with several shortest paths between two nodes (Kusto returns an arbitrary one; `output=all` returns them all)".into(),
            ));
        }
        out.extend(v);
    }
    Ok(out)
}

/// The match table: one row per match, the columns of `m.columns`.
fn match_table(g: &Graph, m: &GraphMatch, found: &Matches) -> Result<RecordBatch> {
    let (deg_in, deg_out) = g.degrees();
    let slot_nodes = |slot: usize| -> UInt32Array {
        (0..found.count)
            .map(|i| found.node(i, m.slots, slot))
            .collect::<Vec<u32>>()
            .into()
    };
    let node_values = |slot: usize, per_node: &dyn Fn(usize) -> i64| -> ArrayRef {
        Arc::new(Int64Array::from(
            (0..found.count)
                .map(|i| per_node(found.node(i, m.slots, slot) as usize))
                .collect::<Vec<i64>>(),
        ))
    };
    let mut element_nodes: Option<RecordBatch> = None;
    let mut cols: Vec<ArrayRef> = Vec::new();
    for (field, col) in &m.columns {
        let a: ArrayRef = match col {
            MatchColumn::NodeProperty { slot, property } => {
                let c = g.props.columns().get(*property).ok_or_else(|| {
                    ExecError::Internal("graph node property out of range".into())
                })?;
                take(c, &slot_nodes(*slot), None)?
            }
            MatchColumn::DegreeIn(slot) => {
                node_values(*slot, &|n| deg_in.get(n).copied().unwrap_or(0))
            }
            MatchColumn::DegreeOut(slot) => {
                node_values(*slot, &|n| deg_out.get(n).copied().unwrap_or(0))
            }
            MatchColumn::PathLength(edge) => Arc::new(Int64Array::from(
                found
                    .edges
                    .get(*edge)
                    .map(|p| p.iter().map(|x| x.len() as i64).collect::<Vec<i64>>())
                    .unwrap_or_default(),
            )),
            MatchColumn::NodeId(slot) => {
                Arc::new(StringArray::from_iter_values((0..found.count).map(|i| {
                    g.ids
                        .get(found.node(i, m.slots, *slot) as usize)
                        .map_or("", String::as_str)
                })))
            }
            MatchColumn::EdgeProperty { edge, property } => {
                let c = g.edges.columns().get(*property).ok_or_else(|| {
                    ExecError::Internal("graph edge property out of range".into())
                })?;
                let paths = found
                    .edges
                    .get(*edge)
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                let variable = m.edges.get(*edge).is_some_and(|e| e.variable);
                if variable {
                    let ty = g.edges.schema().field(*property).data_type().clone();
                    let ty = KqlType::from_arrow(&ty).unwrap_or(KqlType::Dynamic);
                    json_arrays(paths, c, ty)?
                } else {
                    let idx: UInt32Array = paths
                        .iter()
                        .map(|p| p.first().copied().unwrap_or(0))
                        .collect::<Vec<u32>>()
                        .into();
                    take(c, &idx, None)?
                }
            }
            MatchColumn::Path {
                edge,
                inner_nodes,
                func,
                expr,
            } => {
                let (elements, schema): (Vec<Vec<u32>>, Schema) = if *inner_nodes {
                    let nodes = found
                        .path_nodes
                        .get(*edge)
                        .map(Vec::as_slice)
                        .unwrap_or_default();
                    let inner = nodes
                        .iter()
                        .map(|p| {
                            p.get(1..p.len().saturating_sub(1))
                                .unwrap_or_default()
                                .to_vec()
                        })
                        .collect();
                    if element_nodes.is_none() {
                        element_nodes = Some(node_elements(g, &deg_in, &deg_out)?);
                    }
                    (inner, schema_of(element_nodes.as_ref()))
                } else {
                    let edges = found.edges.get(*edge).cloned().unwrap_or_default();
                    (edges, schema_of(Some(&g.edges)))
                };
                let source = if *inner_nodes {
                    element_nodes.as_ref()
                } else {
                    Some(&g.edges)
                };
                let source =
                    source.ok_or_else(|| ExecError::Internal("graph elements not built".into()))?;
                path_column(&elements, source, &schema, expr, *func)?
            }
        };
        if a.len() != found.count {
            return Err(ExecError::Internal(format!(
                "graph column `{}` has {} rows for {} matches",
                field.name,
                a.len(),
                found.count
            )));
        }
        cols.push(a);
    }
    let opts = RecordBatchOptions::new().with_row_count(Some(found.count));
    Ok(RecordBatch::try_new_with_options(
        m.match_schema().to_arrow(),
        cols,
        &opts,
    )?)
}

/// The KQL schema of a batch built by this module.
fn schema_of(b: Option<&RecordBatch>) -> Schema {
    Schema::new(
        b.map(|b| {
            b.schema()
                .fields()
                .iter()
                .map(|f| {
                    hunt_plan::types::Field::new(
                        f.name(),
                        KqlType::from_arrow(f.data_type()).unwrap_or(KqlType::Dynamic),
                    )
                })
                .collect()
        })
        .unwrap_or_default(),
    )
}

/// The nodes as the elements `map`/`all`/`any` see over `inner_nodes()`: properties,
/// then in-degree, out-degree and id.
fn node_elements(g: &Graph, deg_in: &[i64], deg_out: &[i64]) -> Result<RecordBatch> {
    let mut cols: Vec<ArrayRef> = g.props.columns().to_vec();
    cols.push(Arc::new(Int64Array::from(deg_in.to_vec())));
    cols.push(Arc::new(Int64Array::from(deg_out.to_vec())));
    cols.push(Arc::new(StringArray::from_iter_values(&g.ids)));
    let mut fields: Vec<arrow::datatypes::FieldRef> =
        g.props.schema().fields().iter().cloned().collect();
    for (name, ty) in [
        (hunt_plan::graph::DEGREE_IN, KqlType::Long),
        (hunt_plan::graph::DEGREE_OUT, KqlType::Long),
        (hunt_plan::graph::NODE_ID, KqlType::String),
    ] {
        fields.push(Arc::new(arrow::datatypes::Field::new(
            name,
            ty.arrow_type(),
            true,
        )));
    }
    let schema = Arc::new(arrow::datatypes::Schema::new(fields));
    let opts = RecordBatchOptions::new().with_row_count(Some(g.ids.len()));
    Ok(RecordBatch::try_new_with_options(schema, cols, &opts)?)
}

/// `map`/`all`/`any` of `expr` over the elements (rows of `source`) of each match.
fn path_column(
    elements: &[Vec<u32>],
    source: &RecordBatch,
    schema: &Schema,
    expr: &Expr,
    func: PathFn,
) -> Result<ArrayRef> {
    let flat: Vec<u32> = elements.iter().flatten().copied().collect();
    let rows = take_rows(source, &flat)?;
    let values = evaluate(&compile(expr, schema)?, &rows)?;
    let mut start = 0;
    Ok(match func {
        PathFn::Map => {
            let mut out = Vec::with_capacity(elements.len());
            for e in elements {
                let mut items = Vec::with_capacity(e.len());
                for i in start..start + e.len() {
                    items.push(scalar_json(&array_value(values.as_ref(), i, expr.ty)?));
                }
                start += e.len();
                out.push(serde_json::Value::Array(items).to_string());
            }
            Arc::new(StringArray::from(out))
        }
        PathFn::All | PathFn::Any => {
            let b = values
                .as_any()
                .downcast_ref::<BooleanArray>()
                .ok_or_else(|| ExecError::Internal("graph condition is not a bool".into()))?;
            let truth = |i: usize| b.is_valid(i) && b.value(i);
            let mut out = Vec::with_capacity(elements.len());
            for e in elements {
                let range = start..start + e.len();
                start += e.len();
                out.push(if func == PathFn::All {
                    range.clone().all(truth)
                } else {
                    range.clone().any(truth)
                });
            }
            Arc::new(BooleanArray::from(out))
        }
    })
}

/// For each match's path, the dynamic array of column `c` (of type `ty`) at its edges.
fn json_arrays(paths: &[Vec<u32>], c: &ArrayRef, ty: KqlType) -> Result<ArrayRef> {
    let mut out = Vec::with_capacity(paths.len());
    for p in paths {
        let items = p
            .iter()
            .map(|&e| Ok(scalar_json(&array_value(c.as_ref(), e as usize, ty)?)))
            .collect::<Result<Vec<_>>>()?;
        out.push(serde_json::Value::Array(items).to_string());
    }
    Ok(Arc::new(StringArray::from(out)))
}
