//! `treepath(object)` (docs: treepath-function): the path expressions of a property bag,
//! as an array of strings. The page's examples fix the shape: every key gets its path
//! (`['a']`), inner keys extend their parent's (`['a']['b']`), parents come before their
//! children and keys in the bag's order; an array is one step `[0]` under which the paths
//! of all its elements meet, each once (`{"p":[100,"x",{"x":"y"}]}` gives `['p']`,
//! `['p'][0]`, `['p'][0]['x']`). What the page leaves open is refused at run time: an
//! argument that is not a bag (null included), an empty array, a key holding `'` or `\`
//! (how Kusto quotes it is not shown).

use crate::error::PlanError;
use crate::expr::Expr;
use crate::registry::traits::{ArgValue, FunctionError, ScalarFunction};
use crate::types::KqlType;
use arrow_array::StringArray;
use hunt_syntax::Span;
use serde_json::Value;
use std::sync::Arc;

/// The `treepath` function.
pub struct TreePath;

impl ScalarFunction for TreePath {
    fn name(&self) -> &'static str {
        "treepath"
    }
    fn bind(&self, args: Vec<Expr>, span: Span) -> Result<(Vec<Expr>, KqlType), PlanError> {
        super::exact_arity("treepath", &args, 1, span)?;
        super::dynamic_args("treepath", "a property bag", &args)?;
        Ok((args, KqlType::Dynamic))
    }
    fn invoke(&self, args: &[ArgValue], rows: usize) -> Result<ArgValue, FunctionError> {
        let [object] = args else {
            return Err(FunctionError::Internal("treepath takes 1 argument".into()));
        };
        let mut out: Vec<Option<String>> = Vec::with_capacity(rows);
        for i in 0..rows {
            let v = super::bag_zip::dynamic_at(object, i)?;
            if !v.is_object() {
                return Err(FunctionError::Unsupported(
                    "`treepath` of a value that is not a property bag (the page documents bags only)"
                        .into(),
                ));
            }
            let mut paths = Vec::new();
            walk(&v, "", &mut paths)?;
            out.push(Some(Value::from(paths).to_string()));
        }
        Ok(ArgValue::Array(Arc::new(StringArray::from(out))))
    }
}

/// Appends the paths under `v` (whose own path is `prefix`) to `out`, each once.
fn walk(v: &Value, prefix: &str, out: &mut Vec<String>) -> Result<(), FunctionError> {
    let add = |p: String, child: &Value, out: &mut Vec<String>| {
        if !out.contains(&p) {
            out.push(p.clone());
        }
        walk(child, &p, out)
    };
    match v {
        Value::Object(bag) => {
            for (k, child) in bag {
                if k.contains(['\'', '\\']) {
                    return Err(FunctionError::Unsupported(
                        "`treepath` of a key holding a quote or a backslash (the page does not show how Kusto writes it)"
                            .into(),
                    ));
                }
                add(format!("{prefix}['{k}']"), child, out)?;
            }
        }
        Value::Array(items) if items.is_empty() => {
            return Err(FunctionError::Unsupported(
                "`treepath` of an empty array (the page does not say whether it has a `[0]` path)"
                    .into(),
            ));
        }
        Value::Array(items) => {
            for child in items {
                add(format!("{prefix}[0]"), child, out)?;
            }
        }
        _ => {}
    }
    Ok(())
}
