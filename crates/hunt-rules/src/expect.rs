//! Checking a result against a case's `expect:`, and the diff shown when it does not hold:
//! rows that are missing, rows that are unexpected, and for a pair of rows that agree on some
//! columns, the cells that changed.

use hunt::Schema;

use crate::rule::Trigger;
use crate::spec::{ExpectSpec, Row};
use crate::value::Cell;

/// A result, read into typed cells.
#[derive(Debug, Clone)]
pub struct Answer {
    /// Column names and types.
    pub schema: Schema,
    /// The rows, in order.
    pub rows: Vec<Vec<Cell>>,
}

/// An expected row, typed by the result's columns: `(column index, value)` pairs.
type Partial = Vec<(usize, Cell)>;

/// Checks every expectation; each failure is one message (several lines for a diff).
pub fn check(expect: &ExpectSpec, answer: &Answer, trigger: &Trigger) -> Vec<String> {
    let mut failures = Vec::new();
    if let Some(cols) = &expect.columns {
        let got: Vec<&str> = answer
            .schema
            .fields
            .iter()
            .map(|f| f.name.as_str())
            .collect();
        if got != cols.iter().map(String::as_str).collect::<Vec<_>>() {
            failures.push(format!(
                "columns differ:\n  expected [{}]\n  got      [{}]",
                cols.join(", "),
                got.join(", ")
            ));
        }
    }
    if let Some(n) = expect.count
        && answer.rows.len() != n
    {
        failures.push(format!("expected {n} row(s), got {}", answer.rows.len()));
    }
    if let Some(alert) = expect.alert {
        let fires = trigger.fires(answer.rows.len());
        if fires != alert {
            failures.push(format!(
                "expected {}, but {} row(s) {} the trigger (rows {} {})",
                if alert { "an alert" } else { "no alert" },
                answer.rows.len(),
                if fires { "meet" } else { "do not meet" },
                op_text(trigger),
                trigger.threshold
            ));
        }
    }
    let typed = |rows: &Option<Vec<Row>>, what: &str, failures: &mut Vec<String>| {
        let mut out = Vec::new();
        for (i, row) in rows.iter().flatten().enumerate() {
            match type_row(row, &answer.schema) {
                Ok(p) => out.push(p),
                Err(m) => failures.push(format!("expect.{what}[{}]: {m}", i + 1)),
            }
        }
        out
    };
    if expect.rows.is_some() {
        let want = typed(&expect.rows, "rows", &mut failures);
        if let Some(diff) = diff_rows(&want, answer, expect.ordered) {
            failures.push(diff);
        }
    }
    if expect.contains.is_some() {
        for p in typed(&expect.contains, "contains", &mut failures) {
            if !answer.rows.iter().any(|r| matches(&p, r)) {
                failures.push(format!(
                    "expected a row {}; no row matches",
                    show(&p, &answer.schema)
                ));
            }
        }
    }
    if expect.absent.is_some() {
        for p in typed(&expect.absent, "absent", &mut failures) {
            let n = answer.rows.iter().filter(|r| matches(&p, r)).count();
            if n > 0 {
                failures.push(format!(
                    "expected no row {}; {n} row(s) match",
                    show(&p, &answer.schema)
                ));
            }
        }
    }
    failures
}

fn op_text(t: &Trigger) -> &'static str {
    match t.op {
        crate::rule::TriggerOp::Gt => ">",
        crate::rule::TriggerOp::Lt => "<",
        crate::rule::TriggerOp::Eq => "==",
        crate::rule::TriggerOp::Ne => "!=",
    }
}

fn type_row(row: &Row, schema: &Schema) -> Result<Partial, String> {
    let mut p = Vec::with_capacity(row.len());
    for (col, v) in row {
        let i = schema.index_of(col).ok_or_else(|| {
            let names: Vec<&str> = schema.fields.iter().map(|f| f.name.as_str()).collect();
            format!(
                "the result has no column `{col}` (it has {})",
                names.join(", ")
            )
        })?;
        let cell = Cell::from_json(v, schema.fields[i].ty).map_err(|m| format!("{col}: {m}"))?;
        p.push((i, cell));
    }
    p.sort_by_key(|(i, _)| *i);
    Ok(p)
}

fn matches(p: &Partial, row: &[Cell]) -> bool {
    p.iter().all(|(i, c)| c.same(&row[*i]))
}

/// `None` when the result is exactly `want` (on the columns `want` names).
fn diff_rows(want: &[Partial], answer: &Answer, ordered: bool) -> Option<String> {
    let mut cols: Vec<usize> = want.iter().flatten().map(|(i, _)| *i).collect();
    cols.sort_unstable();
    cols.dedup();
    let project = |row: &[Cell]| -> Partial { cols.iter().map(|&i| (i, row[i].clone())).collect() };
    let mut missing: Vec<Partial> = Vec::new();
    let mut unexpected: Vec<Partial> = Vec::new();
    let mut out_of_order = false;
    if ordered {
        for k in 0..want.len().max(answer.rows.len()) {
            match (want.get(k), answer.rows.get(k)) {
                (Some(w), Some(r)) if matches(w, r) => {}
                (w, r) => {
                    missing.extend(w.cloned());
                    unexpected.extend(r.map(|r| project(r)));
                }
            }
        }
        // Same rows in another order: say so instead of a long diff.
        if !missing.is_empty() && diff_rows(want, answer, false).is_none() {
            out_of_order = true;
        }
    } else {
        let mut used = vec![false; answer.rows.len()];
        for w in want {
            match (0..answer.rows.len()).find(|&k| !used[k] && matches(w, &answer.rows[k])) {
                Some(k) => used[k] = true,
                None => missing.push(w.clone()),
            }
        }
        for (k, r) in answer.rows.iter().enumerate() {
            if !used[k] {
                unexpected.push(project(r));
            }
        }
    }
    if missing.is_empty() && unexpected.is_empty() {
        return None;
    }
    let schema = &answer.schema;
    let mut text = format!(
        "rows differ (expected {}, got {}{}):",
        want.len(),
        answer.rows.len(),
        if ordered { ", in order" } else { "" }
    );
    if out_of_order {
        text.push_str("\n  the same rows, in another order");
        return Some(text);
    }
    // Pair each missing row with the unexpected row that agrees on the most cells.
    let mut taken = vec![false; unexpected.len()];
    let mut lone = Vec::new();
    for m in &missing {
        let best = unexpected
            .iter()
            .enumerate()
            .filter(|(k, _)| !taken[*k])
            .map(|(k, u)| (k, agreeing(m, u)))
            .filter(|(_, n)| *n > 0)
            .max_by_key(|(k, n)| (*n, std::cmp::Reverse(*k)));
        match best {
            Some((k, _)) => {
                taken[k] = true;
                let u = &unexpected[k];
                let same: Partial = m
                    .iter()
                    .filter(|(i, c)| u.iter().any(|(j, d)| i == j && c.same(d)))
                    .cloned()
                    .collect();
                text.push_str(&format!("\n  changed    {}", show(&same, schema)));
                for (i, c) in m {
                    if let Some((_, d)) = u.iter().find(|(j, d)| j == i && !c.same(d)) {
                        text.push_str(&format!(
                            "\n             {}: expected {}, got {}",
                            schema.fields[*i].name,
                            c.show(),
                            d.show()
                        ));
                    }
                }
            }
            None => lone.push(m),
        }
    }
    for m in lone {
        text.push_str(&format!("\n  missing    {}", show(m, schema)));
    }
    for (k, u) in unexpected.iter().enumerate() {
        if !taken[k] {
            text.push_str(&format!("\n  unexpected {}", show(u, schema)));
        }
    }
    Some(text)
}

fn agreeing(a: &Partial, b: &Partial) -> usize {
    a.iter()
        .filter(|(i, c)| b.iter().any(|(j, d)| i == j && c.same(d)))
        .count()
}

fn show(p: &Partial, schema: &Schema) -> String {
    let cells: Vec<String> = p
        .iter()
        .map(|(i, c)| format!("{}: {}", schema.fields[*i].name, c.show()))
        .collect();
    format!("{{{}}}", cells.join(", "))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::rule::TriggerOp;
    use hunt::{Field, KqlType};

    fn answer() -> Answer {
        Answer {
            schema: Schema::new(vec![
                Field::new("User", KqlType::String),
                Field::new("Files", KqlType::Long),
            ]),
            rows: vec![
                vec![Cell::Str("a".into()), Cell::Int(3)],
                vec![Cell::Str("b".into()), Cell::Int(1)],
            ],
        }
    }

    fn spec(yaml: &str) -> ExpectSpec {
        serde_yaml_ng::from_str(yaml).unwrap()
    }

    const ANY: Trigger = Trigger {
        op: TriggerOp::Gt,
        threshold: 0,
    };

    #[test]
    fn exact_rows_as_a_multiset() {
        let e = spec("rows: [{User: b, Files: 1}, {User: a, Files: 3}]\ncount: 2\nalert: true");
        assert!(check(&e, &answer(), &ANY).is_empty());
    }

    #[test]
    fn changed_cell_is_shown() {
        let e = spec("rows: [{User: a, Files: 4}, {User: b, Files: 1}]");
        let f = check(&e, &answer(), &ANY);
        assert_eq!(f.len(), 1);
        assert!(f[0].contains("changed    {User: \"a\"}"), "{}", f[0]);
        assert!(f[0].contains("Files: expected 4, got 3"), "{}", f[0]);
    }

    #[test]
    fn missing_unexpected_and_order() {
        let e = spec("rows: [{User: c, Files: 9}, {User: a, Files: 3}]");
        let f = check(&e, &answer(), &ANY).join("\n");
        assert!(f.contains("missing    {User: \"c\", Files: 9}"), "{f}");
        assert!(f.contains("unexpected {User: \"b\", Files: 1}"), "{f}");
        let e = spec("rows: [{User: b}, {User: a}]\nordered: true");
        let f = check(&e, &answer(), &ANY).join("\n");
        assert!(f.contains("in another order"), "{f}");
    }

    #[test]
    fn contains_absent_alert_columns() {
        let e = spec(
            "contains: [{Files: 3}]\nabsent: [{User: z}]\ncolumns: [User, Files]\nalert: true",
        );
        assert!(check(&e, &answer(), &ANY).is_empty());
        let e = spec("contains: [{Files: 7}]\nabsent: [{User: a}]\ncolumns: [Files]\nalert: false");
        assert_eq!(check(&e, &answer(), &ANY).len(), 4);
        let e = spec("rows: [{Nope: 1}]");
        let f = check(&e, &answer(), &ANY).join("\n");
        assert!(f.contains("no column `Nope`"), "{f}");
    }
}
