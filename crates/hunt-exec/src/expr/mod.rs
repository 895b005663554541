//! Physical expressions: a logical [`Expr`] with columns resolved to positions,
//! evaluated over a [`RecordBatch`] to an Arrow array.

pub mod dictionary;
mod functions;
pub(crate) mod json_calls;
pub mod library;
pub mod scalar;

use crate::error::{ExecError, Result};
use arrow::array::ArrayRef;
use arrow::record_batch::RecordBatch;
use hunt_plan::expr::{Expr, ExprKind, Func, Scalar};
use hunt_plan::types::{KqlType, Schema};
use hunt_syntax::Span;
use std::fmt;

/// An expression ready to evaluate against batches of one schema.
#[derive(Debug, Clone)]
pub enum PhysicalExpr {
    /// The column at this position.
    Column(usize, KqlType),
    /// A constant.
    Literal(Scalar),
    /// A function of sub-expressions.
    Call {
        /// The function.
        func: Func,
        /// Arguments.
        args: Vec<PhysicalExpr>,
        /// Result type.
        ty: KqlType,
        /// Query text, for run-time errors.
        span: Span,
        /// Compiled regex for `matches regex` with a constant pattern.
        regex: Option<regex::Regex>,
    },
}

impl PhysicalExpr {
    /// The KQL result type.
    pub fn ty(&self) -> KqlType {
        match self {
            PhysicalExpr::Column(_, t) => *t,
            PhysicalExpr::Literal(s) => s.ty(),
            PhysicalExpr::Call { ty, .. } => *ty,
        }
    }
}

impl fmt::Display for PhysicalExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PhysicalExpr::Column(i, _) => write!(f, "#{i}"),
            PhysicalExpr::Literal(s) => write!(f, "{s}"),
            PhysicalExpr::Call { func, args, .. } => {
                let a: Vec<String> = args.iter().map(|a| a.to_string()).collect();
                write!(f, "{}({})", func.name(), a.join(", "))
            }
        }
    }
}

/// Resolves `e`'s column names against `schema`.
pub fn compile(e: &Expr, schema: &Schema) -> Result<PhysicalExpr> {
    Ok(match &e.kind {
        ExprKind::Column(name) => {
            let i = schema.index_of(name).ok_or_else(|| {
                ExecError::Internal(format!("column `{name}` missing from the input"))
            })?;
            PhysicalExpr::Column(i, e.ty)
        }
        ExprKind::Literal(s) => PhysicalExpr::Literal(s.clone()),
        ExprKind::Call(func, args) => {
            let args = args
                .iter()
                .map(|a| compile(a, schema))
                .collect::<Result<Vec<_>>>()?;
            let regex = match (func, args.get(1)) {
                (
                    Func::Str(hunt_syntax::ast::StrOp::MatchesRegex, _),
                    Some(PhysicalExpr::Literal(Scalar::String(p))),
                ) => Some(regex::Regex::new(p).map_err(|err| ExecError::Eval {
                    message: format!("invalid regular expression: {err}"),
                    span: e.span,
                })?),
                _ => None,
            };
            PhysicalExpr::Call {
                func: *func,
                args,
                ty: e.ty,
                span: e.span,
                regex,
            }
        }
    })
}

/// A value during evaluation: a column, or one constant standing for every row.
#[derive(Debug, Clone)]
pub enum Value {
    /// One value per row.
    Array(ArrayRef),
    /// The same value for every row (never broadcast unless a kernel needs it).
    Scalar(Scalar),
}

/// Evaluates `e` over `batch`, returning an array with one value per row.
pub fn evaluate(e: &PhysicalExpr, batch: &RecordBatch) -> Result<ArrayRef> {
    let v = eval(e, batch)?;
    scalar::to_array(v, batch.num_rows())
}

/// Evaluates `e`, keeping constants as scalars.
pub fn eval(e: &PhysicalExpr, batch: &RecordBatch) -> Result<Value> {
    match e {
        PhysicalExpr::Column(i, ty) => {
            let col = batch.column(*i);
            // A scan may pass a string column on dictionary-encoded (for an aggregate's
            // keys); expressions read it as the `Utf8` column it stands for.
            if matches!(col.data_type(), arrow::datatypes::DataType::Dictionary(..)) {
                return Ok(Value::Array(crate::scan::conform_column(col, *ty)?));
            }
            Ok(Value::Array(col.clone()))
        }
        PhysicalExpr::Literal(s) => Ok(Value::Scalar(s.clone())),
        PhysicalExpr::Call {
            func,
            args,
            ty,
            span,
            regex,
        } => {
            // Over one dictionary-encoded column: once per distinct value.
            if let Some((keys, values)) = dictionary::eval_per_entry(e, batch)? {
                return Ok(Value::Array(arrow::compute::take(&values, &keys, None)?));
            }
            // JSON calls that read a dynamic column's text in fewer passes.
            if let Some(v) = json_calls::shortcut(e, batch)? {
                return Ok(v);
            }
            let mut first = in_tostring_dynamic(*func, args, batch)?;
            let vals = args
                .iter()
                .map(|a| match first.take() {
                    Some(v) => Ok(v),
                    None => eval(a, batch),
                })
                .collect::<Result<Vec<_>>>()?;
            let tys: Vec<KqlType> = args.iter().map(|a| a.ty()).collect();
            functions::call(*func, vals, &tys, *ty, batch.num_rows(), regex.as_ref()).map_err(
                |err| match err {
                    ExecError::Function(message) => ExecError::Eval {
                        message,
                        span: *span,
                    },
                    ExecError::Arrow(a) => ExecError::Eval {
                        message: format!("{a} (in `{e}`)"),
                        span: *span,
                    },
                    other => other,
                },
            )
        }
    }
}

/// For `tostring(d) in ("…", …)` (case-sensitive, `!in` too, and `==`/`!=` one constant,
/// which is what `d != "[]"` binds to) over a dynamic column `d`
/// stored as plain text and constants without whitespace: the `tostring` argument with
/// each row that surely matches no constant left as its stored text (which then matches
/// none either, see [`crate::kernels::json_text::surely_none_of`]) and only the others
/// converted, so `tostring(d) !in ("", "[]")` does not walk every value. `None` for any
/// other call.
fn in_tostring_dynamic(
    func: Func,
    args: &[PhysicalExpr],
    batch: &RecordBatch,
) -> Result<Option<Value>> {
    use arrow::array::{Array, StringArray, StringBuilder};
    if !matches!(func, Func::In { ci: false, .. } | Func::Eq | Func::Ne) {
        return Ok(None);
    }
    let Some(PhysicalExpr::Call {
        func: Func::ToString,
        args: inner,
        ..
    }) = args.first()
    else {
        return Ok(None);
    };
    let [PhysicalExpr::Column(c, KqlType::Dynamic)] = inner.as_slice() else {
        return Ok(None);
    };
    let mut consts = Vec::with_capacity(args.len() - 1);
    for a in &args[1..] {
        match a {
            PhysicalExpr::Literal(Scalar::String(s))
                if !s.bytes().any(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r')) =>
            {
                consts.push(s.as_ref())
            }
            _ => return Ok(None),
        }
    }
    let Some(col) = batch.column(*c).as_any().downcast_ref::<StringArray>() else {
        return Ok(None);
    };
    let (mut keys, mut buf) = (Vec::new(), String::new());
    let mut b = StringBuilder::with_capacity(col.len(), 0);
    for v in col.iter() {
        match v {
            // tostring(null) is the empty string.
            None => b.append_value(""),
            Some(v) if crate::kernels::json_text::surely_none_of(v, &consts) => b.append_value(v),
            Some(v) => functions::dynamic_tostring(v, &mut keys, &mut buf, |s| b.append_value(s)),
        }
    }
    Ok(Some(Value::Array(std::sync::Arc::new(b.finish()))))
}
