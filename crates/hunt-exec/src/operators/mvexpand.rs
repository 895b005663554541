//! `MvExpandExec`: one output row per element of the expanded dynamic values.
//!
//! Per the Kusto docs: a null value gives one row (null); an empty array or bag gives
//! no rows; several expansions run in lockstep, the shorter padded with nulls; a bag
//! expands to one `{key: value}` (or `[key, value]` with `kind=array`) per entry; with
//! `to typeof(T)` elements that are not of type T become null (a cast, not a parse).
//!
//! Kusto's default row limit per value is 2^31 - 1, so one input batch may expand to any
//! number of rows: the output comes in chunks of at most [`BATCH_SIZE`] rows, resuming
//! inside a value's elements, so a `take` above stops the expansion and the memory limit
//! sees the output as it grows.
//!
//! An array expanded as `dynamic` (the usual case) is not parsed: its elements' spans are
//! found in the JSON text ([`json_scan`]) and each element's text is copied when it is
//! already what hunt stores (as `string`, a string element's contents); bags, other typed
//! expansions and text the scan is unsure of are parsed as before.

use crate::error::{ExecError, Result};
use crate::expr::scalar::array_from_scalars;
use crate::expr::{PhysicalExpr, compile, evaluate, json_calls};
use crate::kernels::json_scan;
use crate::physical_plan::{BATCH_SIZE, BatchIter, ExecutionPlan};
use arrow::array::{
    Array, ArrayRef, Int64Array, RecordBatch, RecordBatchOptions, StringArray, StringBuilder,
    UInt32Array,
};
use arrow::compute::take;
use arrow::datatypes::DataType;
use hunt_plan::expr::Scalar;
use hunt_plan::logical_plan::MvExpandItem;
use hunt_plan::types::{KqlType, Schema};
use serde_json::Value;
use std::ops::Range;
use std::sync::Arc;

/// Expands dynamic arrays and bags into rows.
#[derive(Debug)]
pub struct MvExpandExec {
    input: Arc<dyn ExecutionPlan>,
    expander: Expander,
}

/// The per-batch work, shared with the lazy output iterator.
#[derive(Debug, Clone)]
pub(super) struct Expander {
    items: Vec<(PhysicalExpr, KqlType)>,
    /// For each output column: an input column to repeat, or an expansion item.
    outputs: Vec<Out>,
    bag_as_array: bool,
    limit: Option<usize>,
    schema: Schema,
}

#[derive(Debug, Clone, Copy)]
enum Out {
    Input(usize),
    Item(usize),
    Index,
}

impl MvExpandExec {
    /// Compiles the expansions against the input.
    pub fn try_new(
        input: Arc<dyn ExecutionPlan>,
        items: &[MvExpandItem],
        index_column: Option<&str>,
        bag_as_array: bool,
        limit: Option<usize>,
        schema: Schema,
    ) -> Result<MvExpandExec> {
        let expander = Expander::try_new(
            input.schema(),
            items,
            index_column,
            bag_as_array,
            limit,
            schema,
        )?;
        Ok(MvExpandExec { input, expander })
    }
}

impl Expander {
    /// Compiles the expansions against `input`; `schema` is the `mv-expand` output.
    pub(super) fn try_new(
        input: &Schema,
        items: &[MvExpandItem],
        index_column: Option<&str>,
        bag_as_array: bool,
        limit: Option<usize>,
        schema: Schema,
    ) -> Result<Expander> {
        let compiled = items
            .iter()
            .map(|i| Ok((compile(&i.expr, input)?, i.ty)))
            .collect::<Result<Vec<_>>>()?;
        let outputs = schema
            .fields
            .iter()
            .map(|f| {
                if let Some(k) = items.iter().position(|i| i.name == f.name) {
                    Ok(Out::Item(k))
                } else if Some(f.name.as_str()) == index_column {
                    Ok(Out::Index)
                } else {
                    input.index_of(&f.name).map(Out::Input).ok_or_else(|| {
                        ExecError::Internal(format!("mv-expand column `{}` missing", f.name))
                    })
                }
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Expander {
            items: compiled,
            outputs,
            bag_as_array,
            limit,
            schema,
        })
    }
}

/// The elements one value expands to.
fn elements(v: Option<&str>, bag_as_array: bool) -> Vec<Value> {
    let Some(text) = v else {
        return vec![Value::Null];
    };
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Array(a)) => a,
        Ok(Value::Object(m)) => m
            .into_iter()
            .map(|(k, v)| {
                if bag_as_array {
                    Value::Array(vec![Value::String(k), v])
                } else {
                    let mut one = serde_json::Map::new();
                    one.insert(k, v);
                    Value::Object(one)
                }
            })
            .collect(),
        Ok(other) => vec![other],
        Err(_) => vec![Value::String(text.to_string())],
    }
}

/// One value's elements: parsed, or (an array expanded as `dynamic`) where each
/// element's stored text lies.
enum Elems {
    Parsed(Vec<Value>),
    Texts(Vec<ElemText>),
}

/// The stored text of one element of an array expanded without parsing (of a string
/// item: the element's contents).
enum ElemText {
    /// The element's text in the value, compact JSON already.
    Span(Range<usize>),
    /// JSON null: a null dynamic.
    Null,
    /// The element rewritten as hunt stores it (whitespace, reals …).
    Owned(String),
}

impl Elems {
    fn len(&self) -> usize {
        match self {
            Elems::Parsed(v) => v.len(),
            Elems::Texts(v) => v.len(),
        }
    }
}

/// The elements of `v` as `elements` gives them; an array expanded as `dynamic` (or as
/// `string`) as the texts of its elements, without parsing when the scan can (see the
/// module docs).
fn row_elements(
    v: Option<&str>,
    ty: KqlType,
    bag_as_array: bool,
    spans: &mut Vec<json_scan::Found>,
    scratch: &mut json_scan::Scratch,
) -> Elems {
    if let (Some(text), KqlType::Dynamic) = (v, ty)
        && json_scan::array_elements(text, spans, scratch) == Some(true)
    {
        let texts = spans
            .iter()
            .map(|(r, compact)| {
                Some(match json_scan::stored_text(&text[r.clone()], *compact)? {
                    None => ElemText::Null,
                    Some(std::borrow::Cow::Borrowed(_)) => ElemText::Span(r.clone()),
                    Some(std::borrow::Cow::Owned(s)) => ElemText::Owned(s),
                })
            })
            .collect::<Option<Vec<_>>>();
        if let Some(texts) = texts {
            return Elems::Texts(texts);
        }
    }
    // `to typeof(string)`: string elements are their contents, any other element null.
    if let (Some(text), KqlType::String) = (v, ty)
        && json_scan::array_elements(text, spans, scratch) == Some(true)
    {
        let mut buf = String::new();
        let texts = spans
            .iter()
            .map(|(r, _)| {
                let span = &text[r.clone()];
                Some(if !span.starts_with('"') {
                    ElemText::Null
                } else if !span.contains('\\') {
                    ElemText::Span(r.start + 1..r.end - 1)
                } else {
                    ElemText::Owned(json_scan::string_contents(span, &mut buf)?.to_string())
                })
            })
            .collect::<Option<Vec<_>>>();
        if let Some(texts) = texts {
            return Elems::Texts(texts);
        }
    }
    Elems::Parsed(elements(v, bag_as_array))
}

/// The output column of one expansion item, filled element by element.
enum Cells {
    /// A dynamic item: the stored texts.
    Dynamic(StringBuilder),
    Typed(Vec<Scalar>),
}

impl Cells {
    fn new(ty: KqlType) -> Cells {
        if ty == KqlType::Dynamic {
            Cells::Dynamic(StringBuilder::new())
        } else {
            Cells::Typed(Vec::new())
        }
    }

    /// Appends element `k` of `els` (null past its end); `text` is the expanded value.
    fn push(&mut self, els: &Elems, k: usize, text: &str, ty: KqlType) {
        match (self, els) {
            (Cells::Dynamic(b), Elems::Texts(t)) => match t.get(k) {
                Some(ElemText::Span(r)) => b.append_value(&text[r.clone()]),
                Some(ElemText::Owned(s)) => b.append_value(s),
                Some(ElemText::Null) | None => b.append_null(),
            },
            (Cells::Dynamic(b), Elems::Parsed(p)) => match p.get(k) {
                None | Some(Value::Null) => b.append_null(),
                Some(v) => b.append_value(v.to_string()),
            },
            (Cells::Typed(c), Elems::Parsed(p)) => {
                c.push(p.get(k).map_or(Scalar::Null(ty), |v| element_scalar(v, ty)))
            }
            // A string item's elements (see `row_elements`).
            (Cells::Typed(c), Elems::Texts(t)) => c.push(match t.get(k) {
                Some(ElemText::Span(r)) => Scalar::String(Arc::from(&text[r.clone()])),
                Some(ElemText::Owned(s)) => Scalar::String(Arc::from(s.as_str())),
                Some(ElemText::Null) | None => Scalar::Null(ty),
            }),
        }
    }

    fn finish(self, ty: KqlType) -> Result<ArrayRef> {
        match self {
            Cells::Dynamic(mut b) => Ok(Arc::new(b.finish())),
            Cells::Typed(c) => array_from_scalars(c.iter(), ty),
        }
    }
}

/// An element as a value of type `ty`; elements of another type become null.
fn element_scalar(v: &Value, ty: KqlType) -> Scalar {
    match (ty, v) {
        (_, Value::Null) => Scalar::Null(ty),
        (KqlType::Dynamic, v) => Scalar::Dynamic(v.clone()),
        (KqlType::String, Value::String(s)) => Scalar::String(s.clone().into()),
        (KqlType::Long, Value::Number(n)) => {
            n.as_i64().map(Scalar::Long).unwrap_or(Scalar::Null(ty))
        }
        (KqlType::Int, Value::Number(n)) => n
            .as_i64()
            .and_then(|x| i32::try_from(x).ok())
            .map(Scalar::Int)
            .unwrap_or(Scalar::Null(ty)),
        (KqlType::Real, Value::Number(n)) => {
            n.as_f64().map(Scalar::Real).unwrap_or(Scalar::Null(ty))
        }
        (KqlType::Bool, Value::Bool(b)) => Scalar::Bool(*b),
        (KqlType::DateTime, Value::String(s)) => {
            hunt_plan::planner::literals::parse_datetime_text(s)
                .map(Scalar::DateTime)
                .unwrap_or(Scalar::Null(ty))
        }
        (KqlType::TimeSpan, Value::String(s)) => {
            hunt_plan::planner::literals::parse_timespan_text(s)
                .map(Scalar::TimeSpan)
                .unwrap_or(Scalar::Null(ty))
        }
        (KqlType::Guid, Value::String(s)) => hunt_plan::planner::literals::parse_guid_text(s)
            .map(Scalar::Guid)
            .unwrap_or(Scalar::Null(ty)),
        _ => Scalar::Null(ty),
    }
}

impl Expander {
    /// The expansion of `b`, in chunks of about [`CHUNK_BYTES`] of repeated input values,
    /// each passed to `each` as it is made (which may refuse it, e.g. at the memory limit).
    pub(super) fn expand_batches(
        &self,
        b: &RecordBatch,
        mut each: impl FnMut(&RecordBatch) -> Result<()>,
    ) -> Result<Vec<RecordBatch>> {
        let vals = self.values(b)?;
        let mut c = Cursor::default();
        let mut out = Vec::new();
        loop {
            let (chunk, _, done) = self.expand_chunk(b, &vals, &mut c, usize::MAX)?;
            if chunk.num_rows() > 0 {
                each(&chunk)?;
                out.push(chunk);
            }
            if done {
                return Ok(out);
            }
        }
    }

    /// The expansion of a small `b` as one batch and, for each output row, the input row it
    /// comes from (for the equivalence tests).
    #[cfg(test)]
    pub(super) fn expand_rows(&self, b: &RecordBatch) -> Result<(RecordBatch, Vec<u32>)> {
        let vals = self.values(b)?;
        let (out, rows, _) = self.expand_chunk(b, &vals, &mut Cursor::default(), usize::MAX)?;
        Ok((out, rows))
    }

    /// The values of the expanded expressions over `b`; `parse_json(tostring(d))` as
    /// [`reparse_for_expansion`] gives it.
    fn values(&self, b: &RecordBatch) -> Result<Vec<ArrayRef>> {
        (self.items.iter())
            .map(|(e, _)| {
                let Some(d) = json_calls::reparse_arg(e) else {
                    return evaluate(e, b);
                };
                let d = evaluate(d, b)?;
                match d.as_any().downcast_ref::<StringArray>() {
                    Some(s) => Ok(reparse_for_expansion(s).unwrap_or(d)),
                    None => evaluate(e, b),
                }
            })
            .collect()
    }

    /// The next at most `cap` rows of the expansion of `b` from `c` (with the input row
    /// each comes from), and whether `b` is done. A chunk also stops near [`CHUNK_BYTES`] of
    /// input values repeated on its rows (a large value repeated on each element's row
    /// would otherwise pass Arrow's offset limit).
    fn expand_chunk(
        &self,
        b: &RecordBatch,
        vals: &[ArrayRef],
        c: &mut Cursor,
        cap: usize,
    ) -> Result<(RecordBatch, Vec<u32>, bool)> {
        let strs = vals
            .iter()
            .map(|a| {
                a.as_any()
                    .downcast_ref::<StringArray>()
                    .ok_or_else(|| ExecError::Internal("mv-expand value is not dynamic".into()))
            })
            .collect::<Result<Vec<_>>>()?;
        let mut rows: Vec<u32> = Vec::new();
        let mut index: Vec<i64> = Vec::new();
        let mut cells: Vec<Cells> = self.items.iter().map(|(_, ty)| Cells::new(*ty)).collect();
        let (mut spans, mut scratch) = (Vec::new(), json_scan::Scratch::default());
        let repeated: Vec<&dyn Array> = (self.outputs.iter())
            .filter_map(|o| match o {
                Out::Input(c) => Some(b.column(*c).as_ref()),
                _ => None,
            })
            .collect();
        let mut bytes = 0usize;
        while c.row < b.num_rows() && rows.len() < cap && bytes < CHUNK_BYTES {
            let r = c.row;
            let per_row = value_bytes(&repeated, r);
            let room = ((CHUNK_BYTES - bytes) / per_row).max(1);
            let els = c.els.get_or_insert_with(|| {
                strs.iter()
                    .zip(&self.items)
                    .map(|(s, (_, ty))| {
                        let v = (!s.is_null(r)).then(|| s.value(r));
                        row_elements(v, *ty, self.bag_as_array, &mut spans, &mut scratch)
                    })
                    .collect()
            });
            let mut n = els.iter().map(Elems::len).max().unwrap_or(0);
            if let Some(l) = self.limit {
                n = n.min(l);
            }
            let upto = n.min(c.k.saturating_add((cap - rows.len()).min(room)));
            bytes = bytes.saturating_add((upto - c.k) * per_row);
            for k in c.k..upto {
                rows.push(r as u32);
                index.push(k as i64);
                for (j, e) in els.iter().enumerate() {
                    let text = if strs[j].is_null(r) {
                        ""
                    } else {
                        strs[j].value(r)
                    };
                    cells[j].push(e, k, text, self.items[j].1);
                }
            }
            if upto < n {
                c.k = upto;
                break;
            }
            *c = Cursor {
                row: r + 1,
                ..Cursor::default()
            };
        }
        let idx = UInt32Array::from(rows.clone());
        let items = cells
            .into_iter()
            .zip(&self.items)
            .map(|(c, (_, ty))| c.finish(*ty))
            .collect::<Result<Vec<_>>>()?;
        let cols = self
            .outputs
            .iter()
            .map(|o| -> Result<ArrayRef> {
                Ok(match o {
                    Out::Input(c) => take(b.column(*c).as_ref(), &idx, None)?,
                    Out::Item(k) => items[*k].clone(),
                    Out::Index => Arc::new(Int64Array::from(index.clone())),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let opts = RecordBatchOptions::new().with_row_count(Some(idx.len()));
        let out = RecordBatch::try_new_with_options(self.schema.to_arrow(), cols, &opts)?;
        Ok((out, rows, c.row >= b.num_rows()))
    }
}

/// A column that expands as `parse_json(tostring(d))` over the dynamic column `d` does:
/// `None` when that is `d` itself, every row's text starting with `[` (or null).
///
/// Why a row whose text starts with `[` may stay as it is: if serde_json reads it, it is
/// an array, whose `tostring` is its compact JSON, which `parse_json` reads back as the
/// same array; if serde_json refuses it, `tostring` leaves the text as it is and
/// `parse_json` makes it a string, which expands to one element, that text, as the
/// text itself does (`elements`). Either way the elements are the same, and expanding
/// them needs one scan of the text instead of three. Other rows are converted.
fn reparse_for_expansion(d: &StringArray) -> Option<ArrayRef> {
    let kept = |v: Option<&str>| v.is_none_or(|t| t.starts_with('['));
    if d.iter().all(kept) {
        return None;
    }
    let mut r = json_calls::Reparse::default();
    let mut out = StringBuilder::with_capacity(d.len(), d.values().len());
    for v in d.iter() {
        match v {
            Some(t) if kept(v) => out.append_value(t),
            _ => json_calls::reparse_append(v, &mut r, &mut out),
        }
    }
    Some(Arc::new(out.finish()))
}

/// The bytes of input values one expansion chunk repeats on its rows before it stops.
const CHUNK_BYTES: usize = 16 * 1024 * 1024;

/// The bytes of row `r` of `cols` (a string or binary value's length; 8 for the others).
fn value_bytes(cols: &[&dyn Array], r: usize) -> usize {
    use arrow::array::AsArray;
    cols.iter()
        .map(|a| match a.data_type() {
            DataType::Utf8 => a.as_string::<i32>().value_length(r) as usize,
            DataType::LargeUtf8 => a.as_string::<i64>().value_length(r) as usize,
            DataType::Binary => a.as_binary::<i32>().value_length(r) as usize,
            _ => 8,
        })
        .sum::<usize>()
        .max(1)
}

/// Where the expansion of one batch stands: the next input row, the next of its elements,
/// and that row's elements (parsed once however many chunks they fill).
#[derive(Default)]
struct Cursor {
    row: usize,
    k: usize,
    els: Option<Vec<Elems>>,
}

/// The expansion of an input stream, chunk by chunk.
struct Expanding {
    ex: Expander,
    input: Option<BatchIter>,
    /// The batch being expanded, its expanded values, and where it stands.
    current: Option<(RecordBatch, Vec<ArrayRef>, Cursor)>,
}

impl Iterator for Expanding {
    type Item = Result<RecordBatch>;
    fn next(&mut self) -> Option<Result<RecordBatch>> {
        loop {
            if let Some((b, vals, c)) = self.current.as_mut() {
                match self.ex.expand_chunk(b, vals, c, BATCH_SIZE) {
                    Ok((out, _, done)) => {
                        if done {
                            self.current = None;
                        }
                        if out.num_rows() > 0 {
                            return Some(Ok(out));
                        }
                    }
                    Err(e) => {
                        self.current = None;
                        self.input = None;
                        return Some(Err(e));
                    }
                }
                continue;
            }
            match self.input.as_mut()?.next()? {
                Ok(b) => match self.ex.values(&b) {
                    Ok(vals) => self.current = Some((b, vals, Cursor::default())),
                    Err(e) => {
                        self.input = None;
                        return Some(Err(e));
                    }
                },
                Err(e) => {
                    self.input = None;
                    return Some(Err(e));
                }
            }
        }
    }
}

impl ExecutionPlan for MvExpandExec {
    fn describe(&self) -> String {
        let items: Vec<String> = self
            .expander
            .items
            .iter()
            .map(|(e, t)| format!("{e} to {t}"))
            .collect();
        format!("MvExpandExec: [{}]", items.join(", "))
    }
    fn schema(&self) -> &Schema {
        &self.expander.schema
    }
    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }
    fn execute(&self) -> Result<BatchIter> {
        Ok(Box::new(Expanding {
            ex: self.expander.clone(),
            input: Some(self.input.execute()?),
            current: None,
        }))
    }
}

#[cfg(test)]
#[path = "mvexpand_tests.rs"]
mod tests;
