//! `parse_urlquery` and `parse_csv`.
//!
//! `parse_urlquery` lists `key=value` pairs under "Query Parameters" like `parse_url`
//! does (pairs without `=` dropped, keys sorted). The docs do not say whether values are
//! percent-decoded or which of two equal keys wins, so text with `%`, `+`, a repeated key
//! or a leading `?` is an error. `parse_csv` reads the first record of CSV text (docs:
//! "only the first record is taken"), quotes and `""` escapes as RFC 4180; an empty text,
//! whose record the docs do not show, is an error.

use super::{Args, dyn_array, sv, user_error};
use crate::error::Result;
use arrow::array::*;
use hunt_plan::library::LibFunc;
use hunt_plan::types::KqlType;
use serde_json::{Map, Value};

pub(super) fn call(a: &Args<'_>, _out: KqlType) -> Result<ArrayRef> {
    let s = a.str(0)?;
    let mut vals = Vec::with_capacity(a.n);
    for i in 0..a.n {
        let text = sv(s, i);
        vals.push(Some(if a.f == LibFunc::ParseUrlQuery {
            url_query(text)?
        } else {
            csv_record(text)?
        }));
    }
    Ok(dyn_array(vals))
}

fn url_query(q: &str) -> Result<Value> {
    if q.contains(['%', '+']) || q.starts_with('?') {
        return Err(user_error(format!(
            "parse_urlquery of `{q}`: how Kusto decodes it is not documented"
        )));
    }
    let mut pairs: Vec<(&str, &str)> = q.split('&').filter_map(|p| p.split_once('=')).collect();
    pairs.sort_by(|x, y| x.0.cmp(y.0));
    let mut params = Map::new();
    for (k, v) in pairs {
        if params
            .insert(k.to_string(), Value::String(v.to_string()))
            .is_some()
        {
            return Err(user_error(format!(
                "parse_urlquery of `{q}`: which value of a repeated key Kusto keeps is not documented"
            )));
        }
    }
    let mut m = Map::new();
    m.insert("Query Parameters".into(), Value::Object(params));
    Ok(Value::Object(m))
}

fn csv_record(text: &str) -> Result<Value> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let rec = match r.records().next() {
        Some(Ok(rec)) if !text.is_empty() => rec,
        Some(Err(e)) => {
            return Err(user_error(format!("parse_csv of `{text}`: {e}")));
        }
        _ => {
            return Err(user_error(
                "parse_csv of an empty string: Kusto's answer is not documented".into(),
            ));
        }
    };
    Ok(Value::Array(
        rec.iter().map(|f| Value::String(f.to_string())).collect(),
    ))
}
