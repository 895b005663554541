//! `HashJoinExec`: every KQL join flavour as a hash join that builds on the right
//! input and probes with the left one, batch by batch.
//!
//! Keys are encoded with arrow's `RowConverter`. A null key matches a null key: Kusto's
//! oracle joins `long(null)` with `long(null)` (unlike SQL).

use super::group_keys::GroupKeys;
use crate::error::{ExecError, Result};
use crate::expr::dictionary::{DictMemo, entries, values_with_empty};
use crate::physical_plan::{BatchIter, ExecutionPlan, FoldedIter, UnitFold, execute_parallel};
use crate::scan::conform_column;
use arrow::array::{
    Array, ArrayRef, DictionaryArray, RecordBatch, RecordBatchOptions, UInt32Array,
};
use arrow::compute::{concat_batches, take};
use arrow::datatypes::{DataType, Field, Int32Type, Schema as ArrowSchema};
use arrow::row::{RowConverter, SortField};
use hunt_plan::logical_plan::{JoinKind, Side};
use hunt_plan::types::{KqlType, Schema};
use std::collections::HashSet;

/// A fast, seeded hasher for the join's tables of encoded keys.
type FastHash = foldhash::fast::RandomState;
use std::sync::Arc;

/// An equi-join of two inputs.
#[derive(Debug)]
pub struct HashJoinExec {
    left: Arc<dyn ExecutionPlan>,
    right: Arc<dyn ExecutionPlan>,
    core: Arc<JoinCore>,
}

/// What probing needs besides the build side: shared with the scan's workers.
#[derive(Debug)]
struct JoinCore {
    kind: JoinKind,
    keys: Vec<(usize, usize)>,
    outputs: Vec<(Side, usize)>,
    schema: Schema,
}

/// The build side: the right input's rows, grouped by key: `keys` gives a key's group,
/// and group `g`'s right row numbers are `rows[offsets[g]..offsets[g + 1]]` (in order).
struct Build {
    rb: RecordBatch,
    conv: RowConverter,
    keys: GroupKeys,
    offsets: Vec<u32>,
    rows: Vec<u32>,
}

impl Build {
    /// The right rows of group `g`.
    fn hits(&self, g: u32) -> &[u32] {
        let g = g as usize;
        &self.rows[self.offsets[g] as usize..self.offsets[g + 1] as usize]
    }
}

/// What a probe keeps about the dictionary of the left key it last saw: each entry's
/// group on the build side.
type KeyCache = DictMemo<Vec<Option<u32>>>;

impl HashJoinExec {
    /// Resolves key and output columns against the inputs.
    pub fn try_new(
        left: Arc<dyn ExecutionPlan>,
        right: Arc<dyn ExecutionPlan>,
        kind: JoinKind,
        on: &[(String, String)],
        outputs: &[(String, Side, String)],
        schema: Schema,
    ) -> Result<HashJoinExec> {
        let find = |s: &Schema, n: &str| {
            s.index_of(n).ok_or_else(|| {
                ExecError::Internal(format!("join column `{n}` missing from its input"))
            })
        };
        let keys = on
            .iter()
            .map(|(l, r)| Ok((find(left.schema(), l)?, find(right.schema(), r)?)))
            .collect::<Result<Vec<_>>>()?;
        let outputs = outputs
            .iter()
            .map(|(_, side, col)| {
                let s = if *side == Side::Left {
                    left.schema()
                } else {
                    right.schema()
                };
                Ok((*side, find(s, col)?))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(HashJoinExec {
            left,
            right,
            core: Arc::new(JoinCore {
                kind,
                keys,
                outputs,
                schema,
            }),
        })
    }

    /// Runs the right input and indexes its rows by key.
    fn build(&self) -> Result<Build> {
        let right_batches = self.right.execute()?.collect::<Result<Vec<_>>>()?;
        let rb = concat_batches(&self.right.schema().to_arrow(), &right_batches)?;
        drop(right_batches);
        let fields: Vec<SortField> = self
            .core
            .keys
            .iter()
            .map(|(_, r)| SortField::new(self.right.schema().fields[*r].ty.arrow_type()))
            .collect();
        let conv = RowConverter::new(fields)?;
        let rkeys: Vec<ArrayRef> = self
            .core
            .keys
            .iter()
            .map(|(_, r)| rb.column(*r).clone())
            .collect();
        let rrows = conv.convert_columns(&rkeys)?;
        let mut keys = GroupKeys::new(&conv);
        let group: Vec<u32> = (0..rb.num_rows())
            .map(|i| keys.group_of(rrows.row(i)) as u32)
            .collect();
        // Rows by group, in row order within a group (a counting sort).
        let mut offsets = vec![0u32; keys.len() + 1];
        for g in &group {
            offsets[*g as usize + 1] += 1;
        }
        for g in 0..keys.len() {
            offsets[g + 1] += offsets[g];
        }
        let mut next = offsets.clone();
        let mut rows = vec![0u32; group.len()];
        for (i, g) in group.iter().enumerate() {
            rows[next[*g as usize] as usize] = i as u32;
            next[*g as usize] += 1;
        }
        Ok(Build {
            rb,
            conv,
            keys,
            offsets,
            rows,
        })
    }

    /// True when each left row's output depends on that row alone, so left units can be
    /// probed independently (innerunique keeps the first left row per key; the right
    /// flavours report right rows after all left rows).
    fn per_left_row(&self) -> bool {
        use JoinKind::*;
        matches!(self.core.kind, Inner | LeftOuter | LeftSemi | LeftAnti)
    }
}

/// Row indices of one output chunk: left and right, `None` where that side is absent.
struct Pairs {
    left: Vec<Option<u32>>,
    right: Vec<Option<u32>>,
}

/// What the sequential probe keeps across left batches.
struct ProbeState {
    matched: Vec<bool>,
    /// For innerunique: the build groups a left row was already joined with.
    seen_left: HashSet<u32, FastHash>,
}

impl JoinCore {
    fn emit(
        &self,
        lb: Option<&RecordBatch>,
        rb: &RecordBatch,
        pairs: Pairs,
    ) -> Result<RecordBatch> {
        let n = pairs.left.len();
        let li = UInt32Array::from(pairs.left);
        let ri = UInt32Array::from(pairs.right);
        let cols = self
            .outputs
            .iter()
            .zip(&self.schema.fields)
            .map(|((side, col), field)| {
                let taken = match (side, lb) {
                    (Side::Left, Some(lb)) => take(lb.column(*col).as_ref(), &li, None)?,
                    (Side::Left, None) => arrow::array::new_null_array(&field.ty.arrow_type(), n),
                    (Side::Right, _) => take(rb.column(*col).as_ref(), &ri, None)?,
                };
                // Outer joins leave absent strings null; KQL shows them as empty strings.
                // (A dictionary-encoded left column, under an aggregate, stays one.)
                if field.ty == KqlType::String
                    && taken.null_count() > 0
                    && !matches!(taken.data_type(), DataType::Dictionary(..))
                {
                    conform_column(&taken, KqlType::String)
                } else {
                    Ok(taken)
                }
            })
            .collect::<Result<Vec<ArrayRef>>>()?;
        let mut schema = self.schema.to_arrow();
        if cols
            .iter()
            .zip(schema.fields())
            .any(|(c, f)| c.data_type() != f.data_type())
        {
            let fields: Vec<Field> = cols
                .iter()
                .zip(schema.fields())
                .map(|(c, f)| f.as_ref().clone().with_data_type(c.data_type().clone()))
                .collect();
            schema = Arc::new(ArrowSchema::new(fields));
        }
        let opts = RecordBatchOptions::new().with_row_count(Some(n));
        Ok(RecordBatch::try_new_with_options(schema, cols, &opts)?)
    }

    /// Each left row's build group: through the dictionary (once per entry) when the only
    /// key is a dictionary-encoded column, else by encoding the keys.
    fn groups_of(
        &self,
        build: &Build,
        lb: &RecordBatch,
        cache: &mut KeyCache,
    ) -> Result<Vec<Option<u32>>> {
        if let [(l, _)] = self.keys.as_slice() {
            if let Some(d) = lb
                .column(*l)
                .as_any()
                .downcast_ref::<DictionaryArray<Int32Type>>()
            {
                let per_entry = cache.get_or_make(d, || {
                    let rows = build.conv.convert_columns(&[values_with_empty(d)?])?;
                    Ok((0..rows.num_rows())
                        .map(|k| build.keys.get(rows.row(k).as_ref()).map(|g| g as u32))
                        .collect())
                })?;
                return Ok(entries(d).map(|k| per_entry[k]).collect());
            }
        }
        // Other dictionary keys are read as the strings they stand for.
        let lkeys: Vec<ArrayRef> = self
            .keys
            .iter()
            .map(|(l, _)| match lb.column(*l) {
                c if matches!(c.data_type(), DataType::Dictionary(..)) => {
                    conform_column(c, KqlType::String)
                }
                c => Ok(c.clone()),
            })
            .collect::<Result<_>>()?;
        let lrows = build.conv.convert_columns(&lkeys)?;
        Ok((0..lb.num_rows())
            .map(|i| build.keys.get(lrows.row(i).as_ref()).map(|g| g as u32))
            .collect())
    }

    /// The output rows of one left batch (`None` when there are none). `state` is needed
    /// by the flavours that are not [`HashJoinExec::per_left_row`].
    fn probe(
        &self,
        build: &Build,
        lb: &RecordBatch,
        mut state: Option<&mut ProbeState>,
        cache: &mut KeyCache,
    ) -> Result<Option<RecordBatch>> {
        use JoinKind::*;
        let groups = self.groups_of(build, lb, cache)?;
        let mut p = Pairs {
            left: vec![],
            right: vec![],
        };
        for (i, g) in groups.into_iter().enumerate() {
            if self.kind == InnerUnique {
                // innerunique keeps one left row per key (the first seen); a key without
                // a match gives no row either way.
                if let (Some(st), Some(g)) = (state.as_deref_mut(), g) {
                    if !st.seen_left.insert(g) {
                        continue;
                    }
                }
            }
            let hits: &[u32] = g.map_or(&[], |g| build.hits(g));
            let li = Some(i as u32);
            match self.kind {
                Inner | InnerUnique | RightOuter => {
                    for r in hits {
                        p.left.push(li);
                        p.right.push(Some(*r));
                    }
                }
                LeftOuter | FullOuter => {
                    if hits.is_empty() {
                        p.left.push(li);
                        p.right.push(None);
                    }
                    for r in hits {
                        p.left.push(li);
                        p.right.push(Some(*r));
                    }
                }
                LeftSemi if !hits.is_empty() => {
                    p.left.push(li);
                    p.right.push(None);
                }
                LeftAnti if hits.is_empty() => {
                    p.left.push(li);
                    p.right.push(None);
                }
                _ => {}
            }
            if let Some(st) = state.as_deref_mut() {
                for r in hits {
                    st.matched[*r as usize] = true;
                }
            }
        }
        if p.left.is_empty() {
            return Ok(None);
        }
        Ok(Some(self.emit(Some(lb), &build.rb, p)?))
    }

    /// The right rows decided only once every left row was seen.
    fn tail(&self, build: &Build, matched: &[bool]) -> Result<Option<RecordBatch>> {
        use JoinKind::*;
        let n = build.rb.num_rows() as u32;
        let tail: Vec<u32> = match self.kind {
            RightOuter | FullOuter | RightAnti => {
                (0..n).filter(|r| !matched[*r as usize]).collect()
            }
            RightSemi => (0..n).filter(|r| matched[*r as usize]).collect(),
            _ => vec![],
        };
        if tail.is_empty() {
            return Ok(None);
        }
        let p = Pairs {
            left: vec![None; tail.len()],
            right: tail.into_iter().map(Some).collect(),
        };
        Ok(Some(self.emit(None, &build.rb, p)?))
    }
}

impl ExecutionPlan for HashJoinExec {
    fn describe(&self) -> String {
        let k: Vec<String> = self
            .core
            .keys
            .iter()
            .map(|(l, r)| format!("#{l} == #{r}"))
            .collect();
        format!(
            "HashJoinExec: kind={:?} on [{}] (build: right)",
            self.core.kind,
            k.join(", ")
        )
    }
    fn schema(&self) -> &Schema {
        &self.core.schema
    }
    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.left, &self.right]
    }
    fn execute(&self) -> Result<BatchIter> {
        if let Some(parallel) = execute_parallel(self) {
            return parallel;
        }
        // Left batches are probed as they are pulled; the right-only rows come last.
        let build = self.build()?;
        let mut state = ProbeState {
            matched: vec![false; build.rb.num_rows()],
            seen_left: HashSet::default(),
        };
        let core = self.core.clone();
        let mut left = Some(self.left.execute()?);
        let mut cache = KeyCache::default();
        Ok(Box::new(std::iter::from_fn(move || {
            while let Some(it) = left.as_mut() {
                match it.next() {
                    Some(Ok(lb)) => match core.probe(&build, &lb, Some(&mut state), &mut cache) {
                        Ok(Some(out)) => return Some(Ok(out)),
                        Ok(None) => {}
                        Err(e) => {
                            left = None;
                            return Some(Err(e));
                        }
                    },
                    Some(Err(e)) => {
                        left = None;
                        return Some(Err(e));
                    }
                    None => {
                        left = None;
                        return core.tail(&build, &state.matched).transpose();
                    }
                }
            }
            None
        })))
    }
    fn has_units(&self) -> bool {
        self.per_left_row() && self.left.has_units()
    }
    fn execute_units(&self, fold: UnitFold) -> Option<Result<FoldedIter>> {
        if !self.has_units() {
            return None;
        }
        let build = match self.build() {
            Ok(b) => Arc::new(b),
            Err(e) => return Some(Err(e)),
        };
        let core = self.core.clone();
        self.left.execute_units(Arc::new(move |batches| {
            let mut cache = KeyCache::default();
            fold(&mut batches.filter_map(|lb| match lb {
                Ok(lb) => core.probe(&build, &lb, None, &mut cache).transpose(),
                Err(e) => Some(Err(e)),
            }))
        }))
    }
}
