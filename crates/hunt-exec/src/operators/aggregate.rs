//! `AggregateExec`: hash aggregation for `summarize`, `count` and `distinct`.
//!
//! Group keys are encoded with arrow's `RowConverter` into byte strings that hash
//! and compare as the values do; each aggregate keeps one state per group.
//!
//! Above a scan, each unit of the scan (a row group) is aggregated into a partial table
//! on the worker that decodes it, and the partial tables are merged in unit order.
//!
//! When every key is a string column that the scan passes on dictionary-encoded, a batch's
//! rows are first grouped by their combination of dictionary keys (integer arithmetic), and
//! only one row per distinct combination is encoded and looked up.

use super::accumulators::{Acc, i64_view};
use super::arg_rows::{ArgRows, ArgSpec};
use super::group_keys::GroupKeys;
use super::str_ids::StrIds;
use crate::error::{ExecError, Result};
use crate::expr::dictionary::same_values;
use crate::expr::{PhysicalExpr, compile, evaluate};
use crate::physical_plan::{BatchIter, ExecutionPlan, Folded, UnitFold};
use arrow::array::*;
use arrow::datatypes::Int32Type;
use arrow::record_batch::RecordBatch;
use arrow::row::{RowConverter, SortField};
use hunt_plan::expr::{AggExpr, AggFunc, Expr};
use hunt_plan::types::{KqlType, Schema};
use std::collections::HashMap;
use std::sync::Arc;

#[path = "aggregate_spill.rs"]
mod spill;

/// The largest product of dictionary sizes the per-batch code table may span: a million
/// codes (8 MiB, made once per row group's dictionaries) covers two keys such as
/// department × user (12 × 7,000) whose rows would otherwise each be row-encoded and
/// compared byte by byte.
const MAX_DICT_CODES: usize = 1 << 20;

/// One aggregate ready to run: function, arguments, result type, optional row filter.
#[derive(Debug)]
struct CompiledAgg {
    func: AggFunc,
    args: Vec<PhysicalExpr>,
    ty: KqlType,
    filter: Option<PhysicalExpr>,
    /// The first aggregate with the same filter: its row mask, evaluated once per batch,
    /// serves every aggregate that shares it (`dcountif(A, p), dcountif(B, p)`).
    mask_of: usize,
}

/// Groups rows by key and computes aggregates; output is keys then aggregates.
#[derive(Debug)]
pub struct AggregateExec {
    input: Arc<dyn ExecutionPlan>,
    core: Arc<Core>,
}

impl AggregateExec {
    /// Compiles keys and aggregate arguments against the input schema.
    pub fn try_new(
        input: Arc<dyn ExecutionPlan>,
        group_by: &[(String, Expr)],
        aggs: &[(String, AggExpr)],
        schema: Schema,
    ) -> Result<AggregateExec> {
        let keys = group_by
            .iter()
            .map(|(_, e)| compile(e, input.schema()))
            .collect::<Result<Vec<_>>>()?;
        let compiled = aggs
            .iter()
            .enumerate()
            .map(|(k, (_, a))| {
                let args = a
                    .args
                    .iter()
                    .map(|e| compile(e, input.schema()))
                    .collect::<Result<Vec<_>>>()?;
                let filter = a
                    .filter
                    .as_ref()
                    .map(|f| compile(f, input.schema()))
                    .transpose()?;
                let mask_of = aggs
                    .iter()
                    .position(|(_, o)| match (&o.filter, &a.filter) {
                        (Some(x), Some(y)) => same_text(x, y),
                        _ => false,
                    })
                    .unwrap_or(k);
                Ok(CompiledAgg {
                    func: a.func,
                    args,
                    ty: a.ty,
                    filter,
                    mask_of,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let (slots, args) = fuse_arg_aggs(aggs, &compiled, input.schema())?;
        Ok(AggregateExec {
            input,
            core: Arc::new(Core {
                keys,
                aggs: compiled,
                slots,
                args,
                schema,
                budget: crate::limits::MemoryBudget::default(),
            }),
        })
    }

    /// This aggregate with the lists it builds reserved from `budget` (the query's).
    pub fn with_budget(mut self, budget: crate::limits::MemoryBudget) -> AggregateExec {
        if let Some(core) = Arc::get_mut(&mut self.core) {
            core.budget = budget;
        }
        self
    }
}

impl ExecutionPlan for AggregateExec {
    fn describe(&self) -> String {
        let n = self.core.keys.len();
        let keys: Vec<String> = self
            .core
            .keys
            .iter()
            .zip(&self.core.schema.fields)
            .map(|(k, f)| format!("{}={k}", f.name))
            .collect();
        let aggs: Vec<String> = self
            .core
            .aggs
            .iter()
            .zip(&self.core.schema.fields[n..])
            .map(|(agg, fld)| {
                let a: Vec<String> = agg.args.iter().map(|x| x.to_string()).collect();
                let f = agg
                    .filter
                    .as_ref()
                    .map(|f| format!(" if {f}"))
                    .unwrap_or_default();
                format!("{}={:?}({}){f}", fld.name, agg.func, a.join(", "))
            })
            .collect();
        format!(
            "AggregateExec: by=[{}] aggs=[{}]",
            keys.join(", "),
            aggs.join(", ")
        )
    }
    fn schema(&self) -> &Schema {
        &self.core.schema
    }
    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }
    fn execute(&self) -> Result<BatchIter> {
        let core = self.core.clone();
        let mut table = GroupTable::new(&core)?;
        // Partial tables per unit of the scan below, on the scan's workers, merged here in
        // unit order: groups keep their order of first appearance, and every sum adds the
        // same partial sums in the same order whatever the thread count.
        let parallel = if table.mergeable() {
            let c = core.clone();
            let fold: UnitFold = Arc::new(move |batches| {
                let mut t = GroupTable::new(&c)?;
                for b in batches {
                    t.push(&c, &b?)?;
                }
                Ok(Box::new(t) as Folded)
            });
            self.input.execute_units(fold)
        } else {
            None
        };
        // Past the spill threshold, the aggregate starts over partitioned on disk (once the
        // input's stream, and the partial tables in flight, are dropped).
        let units = parallel.is_some();
        let mut spill = false;
        match parallel {
            Some(units) => {
                let hint = self.input.units_hint();
                let mut history: Vec<usize> = Vec::new();
                for unit in units? {
                    let partial = unit?.downcast::<GroupTable>().map_err(|_| {
                        ExecError::Internal("a unit folded into another type".into())
                    })?;
                    // The first unit's table becomes the table (merging it into an empty
                    // one would re-add each of its keys, values and pairs one by one).
                    if table.keys.as_ref().is_some_and(|k| k.len() == 0) {
                        table = *partial;
                    } else {
                        table.merge(*partial)?;
                    }
                    history.push(spill::table_bytes(&table));
                    if spill::spill_due(&core, &table)
                        || spill::spill_foreseen(&core, &table, &history, hint)
                    {
                        spill = true;
                        break;
                    }
                }
            }
            None => {
                for batch in self.input.execute()? {
                    table.push(&core, &batch?)?;
                    if spill::spill_due(&core, &table) {
                        spill = true;
                        break;
                    }
                }
            }
        }
        if spill {
            drop(table);
            return spill::partitioned(&self.input, &core, units);
        }
        let batch = table.finish(&core)?;
        Ok(Box::new(std::iter::once(Ok(batch))))
    }
}

/// What every group table of one aggregate shares: the compiled keys and aggregates.
#[derive(Debug)]
struct Core {
    keys: Vec<PhysicalExpr>,
    aggs: Vec<CompiledAgg>,
    /// Where each aggregate's column comes from.
    slots: Vec<Slot>,
    /// The fused `arg_max`/`arg_min` states' specs.
    args: Vec<ArgSpec>,
    schema: Schema,
    budget: crate::limits::MemoryBudget,
}

/// The state behind one aggregate's result column.
#[derive(Debug, Clone, Copy)]
enum Slot {
    /// Its own accumulator (the index into the table's `accs`).
    Acc(usize),
    /// Column `.1` of the fused arg_max state `.0`.
    Arg(usize, usize),
}

/// Whether two expressions compute the same thing, wherever in the query they are written
/// (their spans aside); a volatile one (`rand()`) never does, each use being a new draw.
fn same_text(a: &Expr, b: &Expr) -> bool {
    use hunt_plan::expr::ExprKind;
    a.ty == b.ty
        && !a.is_volatile()
        && match (&a.kind, &b.kind) {
            (ExprKind::Column(x), ExprKind::Column(y)) => x == y,
            (ExprKind::Literal(x), ExprKind::Literal(y)) => x == y,
            (ExprKind::Call(f, xs), ExprKind::Call(g, ys)) => {
                f == g && xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| same_text(x, y))
            }
            _ => false,
        }
}

/// Fuses the `arg_max`/`arg_min` aggregates that share function, key and filter into one
/// row-reference state each (`arg_max(T, *)` is one aggregate per column); the others
/// keep an accumulator of their own.
fn fuse_arg_aggs(
    aggs: &[(String, AggExpr)],
    compiled: &[CompiledAgg],
    input: &Schema,
) -> Result<(Vec<Slot>, Vec<ArgSpec>)> {
    let mut slots = Vec::with_capacity(aggs.len());
    let mut specs: Vec<ArgSpec> = Vec::new();
    let mut owners: Vec<&AggExpr> = Vec::new();
    let mut plain = 0;
    for ((_, a), c) in aggs.iter().zip(compiled) {
        let max = match a.func {
            AggFunc::ArgMax => true,
            AggFunc::ArgMin => false,
            _ => {
                slots.push(Slot::Acc(plain));
                plain += 1;
                continue;
            }
        };
        let [key, value] = a.args.as_slice() else {
            return Err(ExecError::Internal(
                "arg_max takes a key and a value".into(),
            ));
        };
        let same = |o: &&AggExpr| o.func == a.func && o.args[0] == *key && o.filter == a.filter;
        let s = match owners.iter().position(|o| same(o)) {
            Some(s) => s,
            None => {
                owners.push(a);
                specs.push(ArgSpec {
                    max,
                    key: compile(key, input)?,
                    values: Vec::new(),
                    tys: Vec::new(),
                    filter: c.filter.clone(),
                });
                specs.len() - 1
            }
        };
        slots.push(Slot::Arg(s, specs[s].values.len()));
        specs[s].values.push(compile(value, input)?);
        specs[s].tys.push(a.ty);
    }
    Ok((slots, specs))
}

/// Groups and their aggregate states. A table is either fed batches ([`GroupTable::push`])
/// or fed other tables ([`GroupTable::merge`]), never both.
struct GroupTable {
    conv: Option<RowConverter>,
    /// The accumulators of the aggregates in [`Slot::Acc`].
    accs: Vec<Acc>,
    /// The fused arg_max/arg_min states, as [`Core::args`].
    args: Vec<ArgRows>,
    /// The groups' keys and their index (present when `conv` is).
    keys: Option<GroupKeys>,
    /// For the dictionary key path: group per code, while batches share dictionaries.
    code_groups: Vec<usize>,
    cached_dicts: Vec<ArrayRef>,
    /// For the single integer key path.
    int_index: HashMap<Option<i64>, usize, foldhash::fast::RandomState>,
    /// For the single string key path: the keys met, and each one's group.
    str_index: StrIds,
    str_groups: Vec<usize>,
    /// For two to four string or integer keys.
    multi: Option<super::multi_keys::MultiKeys>,
    groups: usize,
    gids: Vec<usize>,
    /// What the states' lists hold, reserved from the query's budget.
    held: crate::limits::Reservation,
    /// Bytes `held` covers.
    reserved: usize,
    /// What the states that keep every value they are fed hold ([`Acc::row_bytes`]).
    fed_bytes: usize,
}

/// What an aggregate's reservation is named in a limit error.
const AGGREGATE_STATE: &str = "a `summarize`'s groups and states (`make_list`, `make_set`, …)";

impl GroupTable {
    fn new(core: &Core) -> Result<GroupTable> {
        let key_types: Vec<KqlType> = core.keys.iter().map(|k| k.ty()).collect();
        let conv = if key_types.is_empty() {
            None
        } else {
            Some(RowConverter::new(
                key_types
                    .iter()
                    .map(|t| SortField::new(t.arrow_type()))
                    .collect(),
            )?)
        };
        let mut accs = core
            .aggs
            .iter()
            .zip(&core.slots)
            .filter(|(_, s)| matches!(s, Slot::Acc(_)))
            .map(|(a, _)| {
                let tys: Vec<KqlType> = a.args.iter().map(|x| x.ty()).collect();
                Acc::new(a.func, &tys, a.ty)
            })
            .collect::<Result<Vec<_>>>()?;
        let mut args = core
            .args
            .iter()
            .map(ArgRows::new)
            .collect::<Result<Vec<_>>>()?;
        // Without `by`, there is exactly one group even over no rows (count() is 0).
        let groups = if conv.is_some() { 0 } else { 1 };
        accs.iter_mut().for_each(|a| a.grow(groups));
        args.iter_mut().for_each(|a| a.grow(groups));
        Ok(GroupTable {
            keys: conv.as_ref().map(GroupKeys::new),
            conv,
            accs,
            args,
            code_groups: Vec::new(),
            cached_dicts: Vec::new(),
            int_index: HashMap::default(),
            str_index: StrIds::default(),
            str_groups: Vec::new(),
            multi: super::multi_keys::MultiKeys::new(&key_types),
            groups,
            gids: Vec::new(),
            held: core.budget.reserve(0, AGGREGATE_STATE)?,
            reserved: 0,
            fed_bytes: 0,
        })
    }

    /// Reserves what the groups and states grew by since the last call.
    fn account(&mut self) -> Result<()> {
        let now = self.held_bytes();
        if now > self.reserved {
            self.held.grow(now - self.reserved, AGGREGATE_STATE)?;
            self.reserved = now;
        }
        Ok(())
    }

    /// About the bytes the groups' keys and states hold (each part counted in O(1)).
    pub(super) fn held_bytes(&self) -> usize {
        let per_group: usize = 8 + self.accs.iter().map(Acc::group_bytes).sum::<usize>();
        self.accs.iter().map(Acc::held_bytes).sum::<usize>()
            + self.args.iter().map(ArgRows::held_bytes).sum::<usize>()
            + self.keys.as_ref().map_or(0, GroupKeys::held_bytes)
            + self.int_index.capacity() * 24
            + self.str_index.held_bytes()
            + self.str_groups.capacity() * 8
            + self.multi.as_ref().map_or(0, |m| m.held_bytes())
            + self.groups * per_group
            + self.fed_bytes
    }

    /// True when every aggregate's state can absorb another's (arg_max states always can).
    fn mergeable(&self) -> bool {
        self.accs.iter().all(Acc::mergeable)
    }

    /// True when every state gives the same fed straight or merged from partials
    /// ([`Acc::merge_exact`]; the fused arg_max states keep the first best row either way).
    fn merge_exact(&self) -> bool {
        self.accs.iter().all(Acc::merge_exact)
    }

    /// Adds a batch's rows.
    fn push(&mut self, core: &Core, batch: &RecordBatch) -> Result<()> {
        let n = batch.num_rows();
        let mut gids = std::mem::take(&mut self.gids);
        gids.clear();
        let keyed = self.conv.is_some();
        if keyed {
            self.group_ids(core, batch, &mut gids)?;
            self.groups = self.keys.as_ref().map_or(0, GroupKeys::len);
        } else {
            gids.resize(n, 0);
        }
        let groups = self.groups;
        self.accs.iter_mut().for_each(|a| a.grow(groups));
        self.args.iter_mut().for_each(|a| a.grow(groups));
        let mut r = update_aggs(&mut self.accs, core, batch, &gids);
        for (a, spec) in self.args.iter_mut().zip(&core.args) {
            if r.is_ok() {
                r = a.update(spec, batch, &gids);
            }
        }
        self.gids = gids;
        r?;
        let row_bytes: usize = self.accs.iter().map(Acc::row_bytes).sum();
        self.fed_bytes = self.fed_bytes.saturating_add(row_bytes * n);
        self.account()
    }

    /// Each row's group, new groups numbered in order of appearance.
    fn group_ids(&mut self, core: &Core, batch: &RecordBatch, gids: &mut Vec<usize>) -> Result<()> {
        let (Some(conv), Some(keys)) = (self.conv.as_mut(), self.keys.as_mut()) else {
            return Ok(());
        };
        let n = batch.num_rows();
        if let Some(codes) = dict_codes(&core.keys, batch) {
            // Code → group, kept while batches share their dictionaries (the batches of
            // one row group do).
            let same = self.cached_dicts.len() == codes.values.len()
                && self
                    .cached_dicts
                    .iter()
                    .zip(&codes.values)
                    .all(|(a, b)| same_values(a, b));
            if !same {
                self.code_groups.clear();
                self.code_groups.resize(codes.size, usize::MAX);
                self.cached_dicts = codes.values.clone();
            }
            // One representative row per code without a group yet; only those rows are
            // encoded and looked up.
            let mut reps: Vec<u32> = Vec::new();
            let mut rep_codes: Vec<usize> = Vec::new();
            for (i, &c) in codes.codes.iter().enumerate() {
                let c = c as usize;
                if self.code_groups[c] == usize::MAX {
                    self.code_groups[c] = usize::MAX - 1;
                    reps.push(i as u32);
                    rep_codes.push(c);
                }
            }
            if !reps.is_empty() {
                let small = arrow::compute::take_record_batch(batch, &UInt32Array::from(reps))?;
                let cols = core
                    .keys
                    .iter()
                    .map(|k| evaluate(k, &small))
                    .collect::<Result<Vec<_>>>()?;
                let rows = conv.convert_columns(&cols)?;
                for (j, &c) in rep_codes.iter().enumerate() {
                    self.code_groups[c] = keys.group_of(rows.row(j));
                }
            }
            gids.extend(codes.codes.iter().map(|&c| self.code_groups[c as usize]));
            return Ok(());
        }
        if let Some(m) = self.multi.as_mut()
            && m.group_ids(&core.keys, batch, conv, keys, gids)?
        {
            if m.too_many() {
                self.multi = None;
            }
            return Ok(());
        }
        let cols = core
            .keys
            .iter()
            .map(|k| evaluate(k, batch))
            .collect::<Result<Vec<_>>>()?;
        // One integer key (long, datetime, timespan): hashed as an i64, and encoded only
        // when it starts a group.
        if let [col] = cols.as_slice() {
            if let Some(ints) = i64_view(col) {
                for i in 0..n {
                    let k = ints.is_valid(i).then(|| ints.value(i));
                    let g = match self.int_index.get(&k) {
                        Some(g) => *g,
                        None => {
                            let r = conv.convert_columns(&[col.slice(i, 1)])?;
                            let g = keys.push_new(r.row(0));
                            self.int_index.insert(k, g);
                            g
                        }
                    };
                    gids.push(g);
                }
                return Ok(());
            }
        }
        // One string key without nulls (a column the files do not dictionary-encode):
        // hashed from the string buffer, and encoded only when it starts a group.
        if let [col] = cols.as_slice()
            && let Some(s) = col.as_string_opt::<i32>().filter(|s| s.null_count() == 0)
        {
            let known = self.str_groups.len();
            let mut reps: Vec<u32> = Vec::new();
            let start = gids.len();
            for i in 0..n {
                let v = self.str_index.id_of(s.value(i).as_bytes()) as usize;
                if v == self.str_groups.len() {
                    self.str_groups.push(usize::MAX);
                    reps.push(i as u32);
                }
                gids.push(v);
            }
            if !reps.is_empty() {
                let small = arrow::compute::take(col.as_ref(), &UInt32Array::from(reps), None)?;
                let rows = conv.convert_columns(&[small])?;
                for j in 0..rows.num_rows() {
                    self.str_groups[known + j] = keys.group_of(rows.row(j));
                }
            }
            for g in &mut gids[start..] {
                *g = self.str_groups[*g];
            }
            return Ok(());
        }
        let rows = conv.convert_columns(&cols)?;
        for i in 0..n {
            gids.push(keys.group_of(rows.row(i)));
        }
        Ok(())
    }

    /// Adds the groups and states of `other`, a table of later rows; returns the group
    /// here of each of `other`'s groups.
    fn merge(&mut self, other: GroupTable) -> Result<Vec<usize>> {
        let map: Vec<usize> = match (&self.conv, self.keys.as_mut(), &other.keys) {
            (Some(conv), Some(keys), Some(theirs)) => {
                // Rows carry the converter that made them; the encoding itself is the
                // same in every converter of these types, so it is re-read with ours.
                keys.reserve(theirs.len());
                let parser = conv.parser();
                (0..theirs.len())
                    .map(|g| {
                        let (row, hash) = theirs.key(g);
                        keys.group_of_hashed(parser.parse(row.as_ref()), hash)
                    })
                    .collect()
            }
            _ => vec![0],
        };
        if let Some(keys) = &self.keys {
            self.groups = keys.len();
        }
        let groups = self.groups;
        for (acc, o) in self.accs.iter_mut().zip(other.accs) {
            acc.grow(groups);
            acc.merge(o, &map)?;
        }
        self.fed_bytes = self.fed_bytes.saturating_add(other.fed_bytes);
        for (a, o) in self.args.iter_mut().zip(other.args) {
            a.grow(groups);
            a.merge(o, &map)?;
        }
        self.account()?;
        Ok(map)
    }

    /// The result: keys then aggregates, one row per group.
    fn finish(self, core: &Core) -> Result<RecordBatch> {
        let mut cols: Vec<ArrayRef> = match (&self.conv, &self.keys) {
            (Some(conv), Some(keys)) => conv.convert_rows(keys.rows())?,
            _ => vec![],
        };
        let mut accs: Vec<Option<ArrayRef>> = Vec::with_capacity(self.accs.len());
        let plain = core.aggs.iter().zip(&core.slots);
        let plain = plain.filter(|(_, s)| matches!(s, Slot::Acc(_)));
        for (acc, (agg, _)) in self.accs.into_iter().zip(plain) {
            accs.push(Some(acc.finish(agg.ty)?));
        }
        let mut fused: Vec<Vec<Option<ArrayRef>>> = Vec::with_capacity(self.args.len());
        for a in self.args {
            fused.push(a.finish()?.into_iter().map(Some).collect());
        }
        for slot in &core.slots {
            let col = match *slot {
                Slot::Acc(k) => accs.get_mut(k).and_then(Option::take),
                Slot::Arg(s, j) => fused.get_mut(s).and_then(|f| f.get_mut(j)?.take()),
            };
            cols.push(col.ok_or_else(|| ExecError::Internal("aggregate column lost".into()))?);
        }
        let opts = RecordBatchOptions::new().with_row_count(Some(self.groups));
        Ok(RecordBatch::try_new_with_options(
            core.schema.to_arrow(),
            cols,
            &opts,
        )?)
    }
}

/// Feeds one batch's rows, whose groups are `gids`, to every aggregate.
fn update_aggs(accs: &mut [Acc], core: &Core, batch: &RecordBatch, gids: &[usize]) -> Result<()> {
    let plain = core.aggs.iter().zip(&core.slots);
    let plain = plain.filter(|(_, s)| matches!(s, Slot::Acc(_)));
    // Row masks of the filters evaluated so far, by the first aggregate that has each.
    let mut masks: Vec<Option<ArrayRef>> = vec![None; core.aggs.len()];
    for (acc, (agg, _)) in accs.iter_mut().zip(plain) {
        let items = matches!(acc, Acc::Items(_));
        let mut vals = agg
            .args
            .iter()
            .map(|a| match a {
                // `dcount` (and `dcountif`: filtering keeps the dictionary) counts a
                // dictionary column's values by their keys; `make_set`/`make_list` keep
                // them by their keys too.
                PhysicalExpr::Column(i, KqlType::String)
                    if (agg.func == AggFunc::DCount || items)
                        && batch
                            .column(*i)
                            .as_any()
                            .downcast_ref::<DictionaryArray<Int32Type>>()
                            .is_some() =>
                {
                    Ok(batch.column(*i).clone())
                }
                _ => evaluate(a, batch),
            })
            .collect::<Result<Vec<_>>>()?;
        let tys: Vec<KqlType> = agg.args.iter().map(|a| a.ty()).collect();
        match &agg.filter {
            None => acc.update(gids, &vals, &tys)?,
            Some(f) => {
                // `…if` aggregates see only the rows where their predicate is true.
                let mask = match masks.get(agg.mask_of).cloned().flatten() {
                    Some(m) => m,
                    None => {
                        let m = evaluate(f, batch)?;
                        if let Some(slot) = masks.get_mut(agg.mask_of) {
                            *slot = Some(m.clone());
                        }
                        m
                    }
                };
                let mask = mask
                    .as_any()
                    .downcast_ref::<BooleanArray>()
                    .ok_or_else(|| ExecError::Internal("aggregate filter is not bool".into()))?;
                // `dcountif` skips the rows its mask rejects where they are, without a
                // filtered copy of its values.
                if let (Acc::DCount(d), [v]) = (&mut *acc, vals.as_slice()) {
                    d.update(gids, v, Some(mask))?;
                    continue;
                }
                let keep: Vec<usize> = gids
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| mask.is_valid(*i) && mask.value(*i))
                    .map(|(_, g)| *g)
                    .collect();
                for v in vals.iter_mut() {
                    *v = arrow::compute::filter(v.as_ref(), mask)?;
                }
                acc.update(&keep, &vals, &tys)?;
            }
        }
    }
    Ok(())
}

/// Per-row codes of a batch's combination of dictionary keys.
struct DictCodes {
    /// One code per row, below `size`.
    codes: Vec<u32>,
    /// The product of the dictionaries' sizes (each plus one, for null keys).
    size: usize,
    /// The dictionaries' values, in key order (to tell when the next batch shares them).
    values: Vec<ArrayRef>,
}

/// The rows' dictionary-key combinations, when every key is a column that is
/// dictionary-encoded in `batch` and the combinations fit a small table.
fn dict_codes(keys: &[PhysicalExpr], batch: &RecordBatch) -> Option<DictCodes> {
    let mut dicts = Vec::with_capacity(keys.len());
    let mut size = 1usize;
    for k in keys {
        let PhysicalExpr::Column(i, KqlType::String) = k else {
            return None;
        };
        let d = batch
            .column(*i)
            .as_any()
            .downcast_ref::<DictionaryArray<Int32Type>>()?;
        let card = d.values().len() + 1;
        size = size.checked_mul(card)?;
        if size > MAX_DICT_CODES {
            return None;
        }
        dicts.push((d, card));
    }
    let values: Vec<ArrayRef> = dicts.iter().map(|(d, _)| d.values().clone()).collect();
    let n = batch.num_rows();
    let mut codes = vec![0u32; n];
    let mut stride = 1usize;
    for (d, card) in dicts {
        let null_code = card - 1;
        let keys = d.keys();
        for (i, c) in codes.iter_mut().enumerate() {
            let k = if keys.is_valid(i) {
                usize::try_from(keys.value(i))
                    .ok()
                    .filter(|k| *k < null_code)?
            } else {
                null_code
            };
            *c += (k * stride) as u32;
        }
        stride *= card;
    }
    Some(DictCodes {
        codes,
        size,
        values,
    })
}
