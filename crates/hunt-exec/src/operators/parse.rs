//! `ParseExec`: `parse`/`parse-where` — runs the pattern's regex over a string
//! expression and writes one column per capture group.

use crate::error::{ExecError, Result};
use crate::expr::scalar::array_from_scalars;
use crate::expr::{PhysicalExpr, compile, evaluate};
use crate::physical_plan::{BatchIter, ExecutionPlan};
use arrow::array::{Array, ArrayRef, BooleanArray, RecordBatch, RecordBatchOptions, StringArray};
use arrow::compute::filter_record_batch;
use hunt_plan::expr::Scalar;
use hunt_plan::planner::literals::{parse_datetime_text, parse_guid_text, parse_timespan_text};
use hunt_plan::types::{Field, KqlType, Schema};
use std::sync::Arc;

/// Extracts regex captures into columns.
#[derive(Debug)]
pub struct ParseExec {
    input: Arc<dyn ExecutionPlan>,
    parser: Parser,
}

#[derive(Debug, Clone)]
struct Parser {
    expr: PhysicalExpr,
    regex: regex::Regex,
    columns: Vec<Field>,
    relaxed: bool,
    drop_unmatched: bool,
    /// For each output column: an input column, or extracted column `k`.
    outputs: Vec<Result<usize, usize>>,
    /// For each extracted column, the index of its capture group in `regex`.
    groups: Vec<usize>,
    schema: Schema,
}

impl ParseExec {
    /// Compiles the regex and resolves columns.
    pub fn try_new(
        input: Arc<dyn ExecutionPlan>,
        expr: &hunt_plan::expr::Expr,
        regex: &str,
        columns: &[Field],
        relaxed: bool,
        drop_unmatched: bool,
        schema: Schema,
    ) -> Result<ParseExec> {
        let re = regex::Regex::new(regex).map_err(|e| ExecError::Eval {
            message: format!("invalid parse pattern: {e}"),
            span: expr.span,
        })?;
        let groups = (0..columns.len())
            .map(|k| {
                let name = hunt_plan::planner::parse::capture_name(k);
                re.capture_names()
                    .position(|n| n == Some(name.as_str()))
                    .ok_or_else(|| ExecError::Internal(format!("parse group `{name}` missing")))
            })
            .collect::<Result<Vec<_>>>()?;
        let outputs = schema
            .fields
            .iter()
            .map(|f| match columns.iter().position(|c| c.name == f.name) {
                Some(k) => Ok(Err(k)),
                None => input.schema().index_of(&f.name).map(Ok).ok_or_else(|| {
                    ExecError::Internal(format!("parse column `{}` missing", f.name))
                }),
            })
            .collect::<Result<Vec<_>>>()?;
        let expr = compile(expr, input.schema())?;
        Ok(ParseExec {
            input,
            parser: Parser {
                expr,
                regex: re,
                columns: columns.to_vec(),
                relaxed,
                drop_unmatched,
                outputs,
                groups,
                schema,
            },
        })
    }
}

/// Converts captured text to a column value; `None` when it does not fit the type.
fn convert(text: &str, ty: KqlType) -> Option<Scalar> {
    let t = text.trim();
    Some(match ty {
        KqlType::String => Scalar::String(text.to_string().into()),
        KqlType::Int => Scalar::Int(t.parse().ok()?),
        KqlType::Long => Scalar::Long(t.parse().ok()?),
        KqlType::Real => Scalar::Real(t.parse().ok()?),
        KqlType::Bool => Scalar::Bool(match t.to_ascii_lowercase().as_str() {
            "true" => true,
            "false" => false,
            _ => return None,
        }),
        KqlType::DateTime => Scalar::DateTime(parse_datetime_text(t)?),
        KqlType::TimeSpan => Scalar::TimeSpan(parse_timespan_text(t)?),
        KqlType::Guid => Scalar::Guid(parse_guid_text(t)?),
        KqlType::Dynamic => Scalar::Dynamic(
            serde_json::from_str(t).unwrap_or_else(|_| serde_json::Value::String(text.to_string())),
        ),
    })
}

impl Parser {
    fn parse(&self, b: &RecordBatch) -> Result<RecordBatch> {
        let text = evaluate(&self.expr, b)?;
        let text = text
            .as_any()
            .downcast_ref::<StringArray>()
            .ok_or_else(|| ExecError::Internal("parse input is not a string".into()))?;
        let n = b.num_rows();
        let mut cells: Vec<Vec<Scalar>> = vec![Vec::with_capacity(n); self.columns.len()];
        let mut matched = Vec::with_capacity(n);
        for i in 0..n {
            let caps = if text.is_null(i) {
                None
            } else {
                self.regex.captures(text.value(i))
            };
            let mut vals: Option<Vec<Scalar>> = caps.map(|c| {
                self.columns
                    .iter()
                    .zip(&self.groups)
                    .map(|(f, g)| {
                        c.get(*g)
                            .and_then(|m| convert(m.as_str(), f.ty))
                            .unwrap_or(Scalar::Null(f.ty))
                    })
                    .collect()
            });
            // Strict kinds fail the whole row when a typed value does not convert.
            if !self.relaxed {
                if let Some(v) = &vals {
                    if v.iter()
                        .zip(&self.columns)
                        .any(|(s, f)| s.is_null() && f.ty != KqlType::String)
                    {
                        vals = None;
                    }
                }
            }
            matched.push(vals.is_some());
            let vals =
                vals.unwrap_or_else(|| self.columns.iter().map(|f| Scalar::Null(f.ty)).collect());
            for (k, v) in vals.into_iter().enumerate() {
                cells[k].push(v);
            }
        }
        let cols = self
            .outputs
            .iter()
            .map(|o| match o {
                Ok(c) => Ok(b.column(*c).clone()),
                Err(k) => array_from_scalars(cells[*k].iter(), self.columns[*k].ty),
            })
            .collect::<Result<Vec<ArrayRef>>>()?;
        let opts = RecordBatchOptions::new().with_row_count(Some(n));
        let out = RecordBatch::try_new_with_options(self.schema.to_arrow(), cols, &opts)?;
        if self.drop_unmatched {
            Ok(filter_record_batch(&out, &BooleanArray::from(matched))?)
        } else {
            Ok(out)
        }
    }
}

impl ExecutionPlan for ParseExec {
    fn describe(&self) -> String {
        format!(
            "ParseExec: {} with /{}/",
            self.parser.expr, self.parser.regex
        )
    }
    fn schema(&self) -> &Schema {
        &self.parser.schema
    }
    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }
    fn execute(&self) -> Result<BatchIter> {
        let p = self.parser.clone();
        Ok(Box::new(
            self.input
                .execute()?
                .map(move |b| b.and_then(|b| p.parse(&b))),
        ))
    }
}
