//! Shortcuts for JSON calls that read the text of a dynamic column: the same answers as
//! evaluating each call on its own, in fewer passes over the text.
//!
//! - `parse_json(tostring(d))` of a dynamic `d`: where `d`'s text is compact JSON other
//!   than a string, `tostring` gives that text and `parse_json` gives it back, so one
//!   scan tells and the text is copied ([`reparse_append`]); other rows take the two
//!   steps as before.
//! - `d.key` with a constant key: the members of a batch's bags are found once for every
//!   key read from the same column ([`crate::kernels::json_members`]).

use super::{PhysicalExpr, Value, eval, functions};
use crate::error::Result;
use crate::kernels::{json, json_members, json_scan};
use arrow::array::{Array, ArrayRef, RecordBatch, StringArray, StringBuilder};
use hunt_plan::expr::{Func, Scalar};
use hunt_plan::library::LibFunc;
use hunt_plan::types::KqlType;
use std::sync::Arc;

/// Scratch space of [`reparse_append`], reused between rows.
#[derive(Debug, Default)]
pub(crate) struct Reparse {
    scan: json_scan::Scratch,
    keys: Vec<(usize, usize)>,
    buf: String,
}

/// Appends `parse_json(text)` as hunt stores it: the text itself when it is compact JSON,
/// else the parsed value written back (null for JSON null and blank text).
pub(crate) fn parse_json_append(text: &str, s: &mut json_scan::Scratch, b: &mut StringBuilder) {
    match json_scan::parse_json_text(text, s) {
        Some(Some(t)) => b.append_value(t),
        Some(None) => b.append_null(),
        None => match json::parse_text(text) {
            serde_json::Value::Null => b.append_null(),
            v => b.append_value(v.to_string()),
        },
    }
}

/// Appends `parse_json(tostring(d))` for the dynamic value stored as `v` (`None`: null).
pub(crate) fn reparse_append(v: Option<&str>, r: &mut Reparse, b: &mut StringBuilder) {
    let Some(v) = v else {
        // tostring(null) is "", and parse_json("") is null.
        b.append_null();
        return;
    };
    // Compact JSON other than a string (and null) is its own `tostring`, and then its
    // own `parse_json`.
    if !v.starts_with('"')
        && v != "null"
        && json_scan::document(v, &mut r.scan).is_some_and(|(_, compact)| compact)
    {
        b.append_value(v);
        return;
    }
    let Reparse { scan, keys, buf } = r;
    functions::dynamic_tostring(v, keys, buf, |t| parse_json_append(t, scan, b));
}

/// The `d` of `parse_json(tostring(d))` with `d` dynamic.
pub(crate) fn reparse_arg(e: &PhysicalExpr) -> Option<&PhysicalExpr> {
    let PhysicalExpr::Call {
        func: Func::Lib(LibFunc::ParseJson),
        args,
        ..
    } = e
    else {
        return None;
    };
    let [
        PhysicalExpr::Call {
            func: Func::ToString,
            args: inner,
            ..
        },
    ] = args.as_slice()
    else {
        return None;
    };
    match inner.as_slice() {
        [d] if d.ty() == KqlType::Dynamic => Some(d),
        _ => None,
    }
}

/// `parse_json(tostring(d))` over the dynamic column `d`.
pub(crate) fn reparse_column(d: &StringArray) -> ArrayRef {
    let mut r = Reparse::default();
    let mut b = StringBuilder::with_capacity(d.len(), d.values().len());
    for v in d.iter() {
        reparse_append(v, &mut r, &mut b);
    }
    Arc::new(b.finish())
}

/// The value of call `func(args)` by a shortcut, or `None` to evaluate it as usual.
pub(super) fn shortcut(e: &PhysicalExpr, batch: &RecordBatch) -> Result<Option<Value>> {
    let PhysicalExpr::Call { func, args, .. } = e else {
        return Ok(None);
    };
    if let Some(d) = reparse_arg(e) {
        let Value::Array(a) = eval(d, batch)? else {
            return Ok(None);
        };
        return Ok(a
            .as_any()
            .downcast_ref::<StringArray>()
            .map(|d| Value::Array(reparse_column(d))));
    }
    if let (Func::Lib(LibFunc::Member), [d, PhysicalExpr::Literal(Scalar::String(key))]) =
        (func, args.as_slice())
        && d.ty() == KqlType::Dynamic
    {
        let Value::Array(a) = eval(d, batch)? else {
            return Ok(None);
        };
        return Ok(json_members::member_column(&a, key).map(Value::Array));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::json_scan::tests::all_cases;
    use crate::kernels::text::dynamic_to_string_parsed;

    /// `parse_json(tostring(d))` as hunt computed it before: `tostring` of the parsed
    /// value, then that text parsed and written back.
    fn two_parses(v: Option<&str>) -> Option<String> {
        let s = v.map(dynamic_to_string_parsed).unwrap_or_default();
        let p = json::parse_text(&s);
        (!p.is_null()).then(|| p.to_string())
    }

    #[test]
    fn reparse_is_tostring_then_parse_json() {
        let mut texts: Vec<Option<String>> = all_cases().into_iter().map(Some).collect();
        texts.push(None);
        for extra in [
            "\"[1, 2]\"",
            "\"{\\\"a\\\":1,\\\"a\\\":2}\"",
            "\"  \"",
            "\"null\"",
            "\"\\\"x\\\"\"",
            "\"not json\"",
            "\"{\\\"SensitiveInfoTypeId\\\":\\\"abc\\\",\\\"Count\\\":3}\"",
        ] {
            texts.push(Some(extra.to_string()));
        }
        let arr = StringArray::from_iter(texts.iter().map(|t| t.as_deref()));
        let got = reparse_column(&arr);
        let got = got.as_any().downcast_ref::<StringArray>().expect("strings");
        for (i, t) in texts.iter().enumerate() {
            let g = (!got.is_null(i)).then(|| got.value(i).to_string());
            assert_eq!(g, two_parses(t.as_deref()), "{t:?}");
        }
    }
}
