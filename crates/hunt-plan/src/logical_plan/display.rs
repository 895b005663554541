//! EXPLAIN text of a logical plan: one node per line, DataFusion style.

use super::LogicalPlan;
use std::fmt;

impl LogicalPlan {
    fn fmt_indent(&self, f: &mut fmt::Formatter<'_>, depth: usize) -> fmt::Result {
        write!(f, "{:02}){}", depth + 1, "--".repeat(depth))?;
        match self {
            LogicalPlan::Scan {
                table,
                projection,
                filters,
                ..
            } => {
                write!(f, "Scan: {table}")?;
                if let Some(p) = projection {
                    write!(f, " projection=[{}]", p.join(", "))?;
                }
                if !filters.is_empty() {
                    let fs: Vec<String> = filters.iter().map(|e| e.to_string()).collect();
                    write!(f, " filters=[{}]", fs.join(", "))?;
                }
            }
            LogicalPlan::Values { schema, rows } => write!(
                f,
                "Values: {} columns, {} rows",
                schema.fields.len(),
                rows.len()
            )?,
            LogicalPlan::Range {
                start, step, count, ..
            } => write!(f, "Range: {count} rows from {start} step {step}")?,
            LogicalPlan::ApplyRows { schema } => {
                write!(f, "ApplyRows: {} columns", schema.fields.len())?
            }
            LogicalPlan::MvApply { items, body, .. } => {
                let k: Vec<String> = items
                    .iter()
                    .map(|i| format!("{}={} to {}", i.name, i.expr, i.ty))
                    .collect();
                // The body is a plan of its own: shown inline, one line per node.
                let b: Vec<String> = body.to_string().lines().map(str::to_string).collect();
                write!(f, "MvApply: {} on ({})", k.join(", "), b.join(" "))?
            }
            LogicalPlan::Filter { predicate, .. } => write!(f, "Filter: {predicate}")?,
            LogicalPlan::Projection { exprs, .. } => {
                let items: Vec<String> = exprs.iter().map(|(n, e)| format!("{n}={e}")).collect();
                write!(f, "Projection: {}", items.join(", "))?
            }
            LogicalPlan::Aggregate { group_by, aggs, .. } => {
                let g: Vec<String> = group_by.iter().map(|(n, e)| format!("{n}={e}")).collect();
                let a: Vec<String> = aggs.iter().map(|(n, e)| format!("{n}={e}")).collect();
                write!(
                    f,
                    "Aggregate: by=[{}] aggs=[{}]",
                    g.join(", "),
                    a.join(", ")
                )?
            }
            LogicalPlan::Sort { keys, fetch, .. } => {
                let k: Vec<String> = keys
                    .iter()
                    .map(|k| {
                        format!(
                            "{} {} nulls {}",
                            k.expr,
                            if k.descending { "desc" } else { "asc" },
                            if k.nulls_first { "first" } else { "last" }
                        )
                    })
                    .collect();
                write!(f, "Sort: {}", k.join(", "))?;
                if let Some(n) = fetch {
                    write!(f, " fetch={n}")?;
                }
            }
            LogicalPlan::Limit { fetch, .. } => write!(f, "Limit: {fetch}")?,
            LogicalPlan::Graph(g) => write!(
                f,
                "Graph: {} --> {} as {:?}",
                g.source,
                g.target,
                g.output_name()
            )?,
            LogicalPlan::Steps { spec, .. } => {
                let k: Vec<&str> = spec.steps.iter().map(|s| s.name.as_str()).collect();
                write!(f, "Steps: [{}]", k.join(", "))?
            }
            LogicalPlan::Union { inputs } => write!(f, "Union: {} inputs", inputs.len())?,
            LogicalPlan::TopNested { levels, .. } => {
                write!(f, "TopNested: {} levels", levels.len())?
            }
            LogicalPlan::Series { axis, .. } => {
                write!(f, "Series: {} bins on {}", axis.1.len(), axis.0)?
            }
            LogicalPlan::Parse { expr, regex, .. } => write!(f, "Parse: {expr} with /{regex}/")?,
            LogicalPlan::Window { exprs, .. } => {
                let k: Vec<String> = exprs.iter().map(|(n, w)| format!("{n}={w:?}")).collect();
                write!(f, "Window: [{}]", k.join(", "))?
            }
            LogicalPlan::MvExpand { items, .. } => {
                let k: Vec<String> = items
                    .iter()
                    .map(|i| format!("{}={} to {}", i.name, i.expr, i.ty))
                    .collect();
                write!(f, "MvExpand: {}", k.join(", "))?
            }
            LogicalPlan::Join { kind, on, .. } => {
                let k: Vec<String> = on.iter().map(|(l, r)| format!("{l} == {r}")).collect();
                write!(f, "Join: kind={kind:?} on [{}]", k.join(", "))?
            }
        }
        writeln!(f)?;
        for i in self.inputs() {
            i.fmt_indent(f, depth + 1)?;
        }
        Ok(())
    }
}

/// EXPLAIN text, one node per line, DataFusion style: `01)Limit: 10` / `02)--Scan: T`.
impl fmt::Display for LogicalPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.fmt_indent(f, 0)
    }
}
