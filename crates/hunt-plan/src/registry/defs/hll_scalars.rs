//! The scalar functions over `hll` sketches: `dcount_hll(hll)`, the distinct count a
//! sketch holds (docs: dcount-hll-function; hunt's sketches are exact, so it is
//! `dcount` of the values), and `hll_merge(hll1, hll2 [, …])`, the sketch of the union
//! (docs: hll-merge-function; 2 to 16 sketches, Kusto's binder). A null sketch counts as
//! empty in a merge; `dcount_hll(null)` is null. A dynamic value that is not a sketch
//! made by hunt is an error (Kusto's bytes are not hunt's).

use super::sketch::{Hll, dynamic_at};
use crate::error::PlanError;
use crate::expr::Expr;
use crate::registry::traits::{ArgValue, FunctionError, ResultName, ScalarFunction};
use crate::types::KqlType;
use arrow_array::{Int64Array, StringArray};
use hunt_syntax::Span;
use std::sync::Arc;

/// `dcount_hll(hll)`.
pub struct DcountHll;

impl ScalarFunction for DcountHll {
    fn name(&self) -> &'static str {
        "dcount_hll"
    }
    fn result_name(&self) -> Option<ResultName> {
        // Functions.cs: `ResultNameKind.NameAndFirstArgument`.
        Some(ResultName::NameAndFirst)
    }
    fn bind(&self, args: Vec<Expr>, span: Span) -> Result<(Vec<Expr>, KqlType), PlanError> {
        super::exact_arity("dcount_hll", &args, 1, span)?;
        super::dynamic_args("dcount_hll", "a sketch", &args)?;
        Ok((args, KqlType::Long))
    }
    fn invoke(&self, args: &[ArgValue], rows: usize) -> Result<ArgValue, FunctionError> {
        let [h] = args else {
            return Err(FunctionError::Internal(
                "dcount_hll takes 1 argument".into(),
            ));
        };
        let mut out = Vec::with_capacity(rows);
        for i in 0..rows {
            out.push(Hll::from_json(&dynamic_at(h, i)?)?.map(|s| s.hashes.len() as i64));
        }
        Ok(ArgValue::Array(Arc::new(Int64Array::from(out))))
    }
}

/// `hll_merge(hll1, hll2 [, …])` as a scalar.
pub struct HllMerge;

impl ScalarFunction for HllMerge {
    fn name(&self) -> &'static str {
        "hll_merge"
    }
    fn result_name(&self) -> Option<ResultName> {
        // Functions.cs: `PrefixOnly`, `hll_merged_result`.
        Some(ResultName::Prefix("hll_merged_result"))
    }
    fn bind(&self, args: Vec<Expr>, span: Span) -> Result<(Vec<Expr>, KqlType), PlanError> {
        if !(2..=16).contains(&args.len()) {
            return Err(PlanError::invalid(
                span,
                format!("`hll_merge` takes 2 to 16 sketches, got {}", args.len()),
            ));
        }
        super::dynamic_args("hll_merge", "a sketch", &args)?;
        Ok((args, KqlType::Dynamic))
    }
    fn invoke(&self, args: &[ArgValue], rows: usize) -> Result<ArgValue, FunctionError> {
        let mut out: Vec<Option<String>> = Vec::with_capacity(rows);
        for i in 0..rows {
            let mut merged: Option<Hll> = None;
            for a in args {
                if let Some(s) = Hll::from_json(&dynamic_at(a, i)?)? {
                    match &mut merged {
                        Some(m) => m.merge(&s)?,
                        None => merged = Some(s),
                    }
                }
            }
            out.push(merged.map(|m| m.to_json().to_string()));
        }
        Ok(ArgValue::Array(Arc::new(StringArray::from(out))))
    }
}
