//! The `render` a query ends in, as Kusto reports it in the v2 `@ExtendedProperties` table:
//! `{"Visualization": "timechart", "Title": …, "XColumn": …, "YColumns": …, …}`.
//!
//! The engine runs the query without drawing anything; the client (Kusto Explorer, the web
//! page at `/`) draws the chart from these properties.

use hunt_syntax::ast::{OperatorKind, Statement};
use serde_json::{Map, Value, json};

/// A `render` operator's chart and its `with (…)` properties.
#[derive(Debug, Clone, PartialEq)]
pub struct Visualization {
    /// The chart: `timechart`, `columnchart`, `piechart`, …
    pub chart: String,
    /// Properties by Kusto's property name (`Title`, `XColumn`, `YColumns`, …).
    pub properties: Map<String, Value>,
}

/// Kusto's property names, by their lower-case `with (…)` spelling.
const PROPERTIES: [&str; 15] = [
    "Title",
    "XColumn",
    "YColumns",
    "Series",
    "XTitle",
    "YTitle",
    "XAxis",
    "YAxis",
    "Legend",
    "YSplit",
    "Accumulate",
    "Kind",
    "Ymin",
    "Ymax",
    "AnomalyColumns",
];

impl Visualization {
    /// The JSON object Kusto puts in `@ExtendedProperties` (every property, null when unset).
    pub fn to_json(&self) -> Value {
        let mut obj = Map::new();
        obj.insert("Visualization".into(), json!(self.chart));
        for p in PROPERTIES {
            let v = self.properties.get(p).cloned().unwrap_or(match p {
                "Accumulate" => json!(false),
                "Ymin" | "Ymax" => json!("NaN"),
                _ => Value::Null,
            });
            obj.insert(p.into(), v);
        }
        obj.insert("IsQuerySorted".into(), json!(false));
        Value::Object(obj)
    }
}

/// The visualization of the query's last tabular statement, if it ends in `render`.
/// A query that does not parse has none (its error is reported by the run).
pub fn visualization(kql: &str) -> Option<Visualization> {
    let ast = hunt_syntax::parse(kql).ok()?;
    let pipeline = ast.statements.iter().rev().find_map(|s| match s {
        Statement::Tabular(p) => Some(p),
        _ => None,
    })?;
    let op = pipeline.ops.last()?;
    let OperatorKind::Render { chart, rest } = &op.kind else {
        return None;
    };
    Some(Visualization {
        chart: chart.name.clone(),
        properties: with_properties(rest),
    })
}

/// Splits `with (title="x", ycolumns=a, b, kind=stacked)` into Kusto property names and values.
fn with_properties(rest: &str) -> Map<String, Value> {
    let mut out = Map::new();
    let text = rest.trim();
    let Some(text) = text
        .strip_prefix("with")
        .map(str::trim)
        .and_then(|t| t.strip_prefix('('))
        .and_then(|t| t.strip_suffix(')'))
    else {
        return out;
    };
    // Split on commas outside quotes.
    let mut parts = Vec::new();
    let (mut cur, mut quote) = (String::new(), None::<char>);
    for c in text.chars() {
        match (c, quote) {
            ('"' | '\'', None) => {
                quote = Some(c);
                cur.push(c);
            }
            (q, Some(open)) if q == open => {
                quote = None;
                cur.push(c);
            }
            (',', None) => parts.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    parts.push(cur);
    let unquote = |s: &str| {
        let s = s.trim();
        s.strip_prefix('"')
            .and_then(|t| t.strip_suffix('"'))
            .or_else(|| s.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')))
            .unwrap_or(s)
            .to_owned()
    };
    let mut last: Option<String> = None;
    for part in parts {
        match part.split_once('=') {
            Some((k, v)) => {
                let key = k.trim().to_ascii_lowercase();
                let Some(name) = PROPERTIES.iter().find(|p| p.to_ascii_lowercase() == key) else {
                    last = None;
                    continue;
                };
                let value = unquote(v);
                let json_value = match (*name, value.as_str()) {
                    ("Accumulate", "true") => json!(true),
                    ("Accumulate", "false") => json!(false),
                    _ => json!(value),
                };
                out.insert((*name).to_owned(), json_value);
                last = Some((*name).to_owned());
            }
            // `ycolumns=a, b`: a bare name continues the previous list property.
            None => {
                if let Some(name) = &last {
                    if let Some(Value::String(s)) = out.get_mut(name) {
                        s.push(',');
                        s.push_str(&unquote(&part));
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_properties_are_reported() {
        let v = visualization(
            "T | summarize count() by bin(Timestamp, 1h) | render timechart with (title=\"Per hour, all\", ycolumns=a, b)",
        )
        .unwrap();
        assert_eq!(v.chart, "timechart");
        let j = v.to_json();
        assert_eq!(j["Visualization"], "timechart");
        assert_eq!(j["Title"], "Per hour, all");
        assert_eq!(j["YColumns"], "a,b");
        assert_eq!(j["XColumn"], Value::Null);
        assert!(visualization("T | take 1").is_none());
        assert_eq!(
            visualization("T | render piechart").unwrap().chart,
            "piechart"
        );
    }
}
