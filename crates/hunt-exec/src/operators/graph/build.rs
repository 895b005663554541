//! Building the in-memory graph: node ids in order of first appearance (node table
//! rows first, then edge ends), node properties, adjacency, and the components of
//! `graph-mark-components`.

use crate::error::{ExecError, Result};
use crate::expr::scalar::{array_from_scalars, array_value};
use arrow::array::{ArrayRef, Int64Array, RecordBatch, RecordBatchOptions, UInt32Array};
use arrow::compute::take;
use hunt_plan::expr::Scalar;
use hunt_plan::graph::{GraphNodes, GraphPlan};
use hunt_plan::types::KqlType;
use std::collections::HashMap;
use std::sync::Arc;

/// A directed multigraph with properties on nodes and edges.
pub(super) struct Graph {
    /// Node ids as text (`node_id()`), by node index.
    pub ids: Vec<String>,
    /// Node ids as values of the id type, by node index.
    values: Vec<Scalar>,
    /// Node properties ([`GraphPlan::node_schema`]), one row per node.
    pub props: RecordBatch,
    /// Edge rows, one per edge.
    pub edges: RecordBatch,
    /// Source and target node of each edge.
    pub ends: Vec<(u32, u32)>,
    /// Edges leaving each node, in edge order.
    pub out_edges: Vec<Vec<u32>>,
    /// Edges entering each node, in edge order.
    pub in_edges: Vec<Vec<u32>>,
}

/// The ids in column `name` of `b` (of KQL type `ty`): each row's key text and value,
/// `None` for a null or empty id.
fn ids_of(b: &RecordBatch, name: &str, ty: KqlType) -> Result<Vec<Option<(String, Scalar)>>> {
    let col = b
        .column_by_name(name)
        .ok_or_else(|| ExecError::Internal(format!("graph id column `{name}` missing")))?;
    (0..b.num_rows())
        .map(|r| {
            let v = array_value(col.as_ref(), r, ty)?;
            Ok(match &v {
                Scalar::String(s) if !s.is_empty() => Some((s.to_string(), v)),
                Scalar::Guid(s) if !s.is_empty() => Some((s.clone(), v)),
                Scalar::Long(n) => Some((n.to_string(), v)),
                Scalar::Int(n) => Some((n.to_string(), v)),
                _ => None,
            })
        })
        .collect()
}

impl Graph {
    /// Builds the graph of `plan` from its edge rows and, for a node table, its rows
    /// and id column.
    pub(super) fn new(
        plan: &GraphPlan,
        edges: RecordBatch,
        nodes: Option<(RecordBatch, &str)>,
    ) -> Result<Graph> {
        let mut index: HashMap<String, u32> = HashMap::new();
        let mut ids: Vec<String> = Vec::new();
        let mut values: Vec<Scalar> = Vec::new();
        // The node table row of each node, if it has one.
        let mut rows: Vec<Option<u32>> = Vec::new();
        if let Some((nb, key)) = &nodes {
            for (r, id) in ids_of(nb, key, plan.id_type)?.into_iter().enumerate() {
                let Some((id, value)) = id else {
                    return Err(ExecError::Unsupported(
                        "a node table row with an empty node id".into(),
                    ));
                };
                match index.get(&id) {
                    Some(&n) => {
                        // Kusto keeps an arbitrary one of conflicting rows.
                        let first = rows.get(n as usize).copied().flatten().unwrap_or(0);
                        if !same_row(nb, first as usize, r)? {
                            return Err(ExecError::Unsupported(format!(
                                "node `{id}` has several rows with different properties (Kusto keeps an arbitrary one)"
                            )));
                        }
                    }
                    None => {
                        index.insert(id.clone(), ids.len() as u32);
                        ids.push(id);
                        values.push(value);
                        rows.push(Some(r as u32));
                    }
                }
            }
        }
        let src = ids_of(&edges, &plan.source, plan.id_type)?;
        let dst = ids_of(&edges, &plan.target, plan.id_type)?;
        let mut ends = Vec::with_capacity(edges.num_rows());
        for (s, t) in src.into_iter().zip(dst) {
            let mut end = |id: Option<(String, Scalar)>| -> Result<u32> {
                let Some((id, value)) = id else {
                    return Err(ExecError::Unsupported(
                        "an edge with an empty source or target node id".into(),
                    ));
                };
                Ok(match index.get(&id) {
                    Some(&n) => n,
                    None => {
                        let n = ids.len() as u32;
                        index.insert(id.clone(), n);
                        ids.push(id);
                        values.push(value);
                        rows.push(None);
                        n
                    }
                })
            };
            let s = end(s)?;
            let t = end(t)?;
            ends.push((s, t));
        }
        let n = ids.len();
        let mut out_edges = vec![Vec::new(); n];
        let mut in_edges = vec![Vec::new(); n];
        for (e, (s, t)) in ends.iter().enumerate() {
            if let Some(v) = out_edges.get_mut(*s as usize) {
                v.push(e as u32);
            }
            if let Some(v) = in_edges.get_mut(*t as usize) {
                v.push(e as u32);
            }
        }
        let mut g = Graph {
            props: RecordBatch::new_empty(plan.node_schema().to_arrow()),
            ids,
            values,
            edges,
            ends,
            out_edges,
            in_edges,
        };
        g.props = g.properties(plan, nodes, &rows)?;
        Ok(g)
    }

    /// The node property rows: the node table's row (its id column holding the node id
    /// even for nodes only seen in edges), or the id alone, then the components.
    fn properties(
        &self,
        plan: &GraphPlan,
        nodes: Option<(RecordBatch, &str)>,
        rows: &[Option<u32>],
    ) -> Result<RecordBatch> {
        let ids: ArrayRef = array_from_scalars(self.values.iter(), plan.id_type)?;
        let mut cols: Vec<ArrayRef> = match (&plan.nodes, nodes) {
            (GraphNodes::Table { .. }, Some((nb, key))) => {
                let idx = UInt32Array::from(rows.to_vec());
                let mut cols = Vec::new();
                let node_schema = plan.node_schema();
                for (i, f) in nb.schema().fields().iter().enumerate() {
                    if f.name() == key {
                        cols.push(ids.clone());
                        continue;
                    }
                    let col = take(nb.column(i), &idx, None)?;
                    // A node that only the edges name has no row: its string properties
                    // are "" (KQL's null string), the others null.
                    let is_string = node_schema
                        .fields
                        .get(i)
                        .is_some_and(|f| f.ty == KqlType::String);
                    cols.push(if is_string && col.null_count() > 0 {
                        empty_for_null(&col)?
                    } else {
                        col
                    });
                }
                cols
            }
            (GraphNodes::IdProperty(_), _) => vec![ids],
            _ => Vec::new(),
        };
        let schema = plan.node_schema();
        for c in &plan.components {
            let comp: ArrayRef = Arc::new(Int64Array::from(if c.strong {
                self.strong_components()
            } else {
                self.weak_components()
            }));
            match schema.index_of(&c.property) {
                Some(i) if i < cols.len() => cols[i] = comp,
                _ => cols.push(comp),
            }
        }
        let opts = RecordBatchOptions::new().with_row_count(Some(self.ids.len()));
        Ok(RecordBatch::try_new_with_options(
            schema.to_arrow(),
            cols,
            &opts,
        )?)
    }

    /// Weakly connected components, numbered from 0 in order of their first node.
    fn weak_components(&self) -> Vec<i64> {
        let n = self.ids.len();
        let mut parent: Vec<usize> = (0..n).collect();
        fn find(p: &mut [usize], mut x: usize) -> usize {
            while p[x] != x {
                p[x] = p[p[x]];
                x = p[x];
            }
            x
        }
        for &(s, t) in &self.ends {
            let (a, b) = (find(&mut parent, s as usize), find(&mut parent, t as usize));
            if a != b {
                parent[a.max(b)] = a.min(b);
            }
        }
        let roots: Vec<usize> = (0..n).map(|x| find(&mut parent, x)).collect();
        number_by_first(&roots)
    }

    /// Strongly connected components (Kosaraju), numbered from 0 in order of their
    /// first node.
    fn strong_components(&self) -> Vec<i64> {
        let n = self.ids.len();
        // First pass: finishing order of a depth-first search along the edges.
        let mut seen = vec![false; n];
        let mut order = Vec::with_capacity(n);
        for start in 0..n {
            if seen[start] {
                continue;
            }
            seen[start] = true;
            let mut stack = vec![(start, 0usize)];
            while let Some((v, i)) = stack.pop() {
                match self.out_edges[v].get(i) {
                    Some(&e) => {
                        stack.push((v, i + 1));
                        let w = self.ends[e as usize].1 as usize;
                        if !seen[w] {
                            seen[w] = true;
                            stack.push((w, 0));
                        }
                    }
                    None => order.push(v),
                }
            }
        }
        // Second pass: against the edges, in reverse finishing order.
        let mut comp = vec![usize::MAX; n];
        for &root in order.iter().rev() {
            if comp[root] != usize::MAX {
                continue;
            }
            comp[root] = root;
            let mut stack = vec![root];
            while let Some(v) = stack.pop() {
                for &e in &self.in_edges[v] {
                    let w = self.ends[e as usize].0 as usize;
                    if comp[w] == usize::MAX {
                        comp[w] = root;
                        stack.push(w);
                    }
                }
            }
        }
        number_by_first(&comp)
    }

    /// In- and out-degree of each node.
    pub(super) fn degrees(&self) -> (Vec<i64>, Vec<i64>) {
        (
            self.in_edges.iter().map(|v| v.len() as i64).collect(),
            self.out_edges.iter().map(|v| v.len() as i64).collect(),
        )
    }
}

/// Renumbers component labels 0, 1, … in order of each component's first node.
fn number_by_first(labels: &[usize]) -> Vec<i64> {
    let mut numbers: HashMap<usize, i64> = HashMap::new();
    labels
        .iter()
        .map(|l| {
            let next = numbers.len() as i64;
            *numbers.entry(*l).or_insert(next)
        })
        .collect()
}

/// True when rows `a` and `b` of `batch` hold the same values.
fn same_row(batch: &RecordBatch, a: usize, b: usize) -> Result<bool> {
    for (i, f) in batch.schema().fields().iter().enumerate() {
        let Some(ty) = KqlType::from_arrow(f.data_type()) else {
            return Ok(false);
        };
        let col = batch.column(i);
        if array_value(col.as_ref(), a, ty)? != array_value(col.as_ref(), b, ty)? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// A string column with its nulls replaced by `""`.
fn empty_for_null(col: &ArrayRef) -> Result<ArrayRef> {
    let Some(s) = col.as_any().downcast_ref::<arrow::array::StringArray>() else {
        return Err(ExecError::Internal(
            "a string node property that is not Utf8".into(),
        ));
    };
    Ok(Arc::new(
        s.iter()
            .map(|v| Some(v.unwrap_or("")))
            .collect::<arrow::array::StringArray>(),
    ))
}
