//! Canonical printing of the operators in `parser/operator_ext.rs` (the
//! ones hunt parses but does not plan yet). Same conventions as
//! `display.rs`: subqueries print on one line inside parentheses.

use std::fmt::{self, Formatter};

use crate::ast::{FindProject, MakeSeries, OperatorKind, ParsePart, SortOrder};
use crate::display::{LeadParams, Params, comma, entity_list, expand_items, options, write_string};

/// Prints the operators that `Display for OperatorKind` delegates here.
pub(crate) fn fmt_operator(op: &OperatorKind, f: &mut Formatter<'_>) -> fmt::Result {
    match op {
        OperatorKind::Parse {
            params,
            expr,
            pattern,
        } => parse(f, "parse", params, expr, pattern),
        OperatorKind::ParseWhere {
            params,
            expr,
            pattern,
        } => parse(f, "parse-where", params, expr, pattern),
        OperatorKind::ParseKv {
            expr,
            columns,
            with,
        } => {
            write!(f, "parse-kv {expr} as (")?;
            for (n, (name, ty)) in columns.iter().enumerate() {
                if n > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{name}")?;
                if let Some(ty) = ty {
                    write!(f, ":{ty}")?;
                }
            }
            f.write_str(")")?;
            if !with.is_empty() {
                f.write_str(" with (")?;
                options(f, with)?;
                f.write_str(")")?;
            }
            Ok(())
        }
        OperatorKind::Evaluate {
            params,
            plugin,
            args,
            schema,
        } => {
            write!(f, "evaluate {}{plugin}(", Params(params))?;
            comma(f, args)?;
            f.write_str(")")?;
            if let Some(items) = schema {
                f.write_str(" : ")?;
                crate::display::schema(f, items)?;
            }
            Ok(())
        }
        OperatorKind::MakeSeries(m) => {
            let MakeSeries {
                params,
                aggs,
                on,
                from,
                to,
                step,
                by,
            } = m.as_ref();
            write!(f, "make-series {}", Params(params))?;
            for (n, (agg, default)) in aggs.iter().enumerate() {
                if n > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{agg}")?;
                if let Some(d) = default {
                    write!(f, " default = {d}")?;
                }
            }
            write!(f, " on {on}")?;
            if let Some(from) = from {
                write!(f, " from {from}")?;
            }
            if let Some(to) = to {
                write!(f, " to {to}")?;
            }
            write!(f, " step {step}")?;
            if !by.is_empty() {
                f.write_str(" by ")?;
                comma(f, by)?;
            }
            Ok(())
        }
        OperatorKind::MvApply {
            params,
            items,
            limit,
            body,
        } => {
            write!(f, "mv-apply {}", Params(params))?;
            expand_items(f, items)?;
            if let Some(limit) = limit {
                write!(f, " limit {limit}")?;
            }
            write!(f, " on ({body:#})")
        }
        OperatorKind::TopNested(levels) => {
            for (n, level) in levels.iter().enumerate() {
                if n > 0 {
                    f.write_str(", ")?;
                }
                f.write_str("top-nested ")?;
                if let Some(count) = &level.count {
                    write!(f, "{count} ")?;
                }
                write!(f, "of {}", level.of)?;
                if let Some(others) = &level.others {
                    write!(f, " with others = {others}")?;
                }
                write!(f, " by {}", level.by)?;
                match level.order {
                    Some(SortOrder::Asc) => f.write_str(" asc")?,
                    Some(SortOrder::Desc) => f.write_str(" desc")?,
                    None => {}
                }
            }
            Ok(())
        }
        OperatorKind::TopHitters { count, of, by } => {
            write!(f, "top-hitters {count} of {of}")?;
            match by {
                Some(by) => write!(f, " by {by}"),
                None => Ok(()),
            }
        }
        OperatorKind::Sample(n) => write!(f, "sample {n}"),
        OperatorKind::SampleDistinct { count, of } => {
            write!(f, "sample-distinct {count} of {of}")
        }
        OperatorKind::Facet { columns, with } => {
            f.write_str("facet by ")?;
            for (n, c) in columns.iter().enumerate() {
                if n > 0 {
                    f.write_str(", ")?;
                }
                crate::display::column_name(f, c)?;
            }
            match with {
                Some(p) => write!(f, " with ({p:#})"),
                None => Ok(()),
            }
        }
        OperatorKind::Search {
            params,
            tables,
            predicate,
        } => {
            write!(f, "search {}", Params(params))?;
            if let Some(tables) = tables {
                f.write_str("in (")?;
                entity_list(f, tables)?;
                f.write_str(") ")?;
            }
            write!(f, "{predicate}")
        }
        OperatorKind::Find {
            params,
            tables,
            predicate,
            project,
        } => {
            write!(f, "find {}", Params(params))?;
            if let Some(tables) = tables {
                f.write_str("in (")?;
                entity_list(f, tables)?;
                f.write_str(") ")?;
            }
            write!(f, "where {predicate}")?;
            match project {
                Some(FindProject::Smart) => f.write_str(" project-smart"),
                Some(FindProject::Columns(cols)) => {
                    f.write_str(" project ")?;
                    for (n, (e, ty)) in cols.iter().enumerate() {
                        if n > 0 {
                            f.write_str(", ")?;
                        }
                        write!(f, "{e}")?;
                        if let Some(ty) = ty {
                            write!(f, ":{ty}")?;
                        }
                    }
                    Ok(())
                }
                None => Ok(()),
            }
        }
        OperatorKind::Invoke(e) => write!(f, "invoke {e}"),
        OperatorKind::Scan {
            params,
            declare,
            steps,
        } => {
            write!(f, "scan {}", Params(params))?;
            if !declare.is_empty() {
                f.write_str("declare (")?;
                comma(f, declare)?;
                f.write_str(") ")?;
            }
            f.write_str("with (")?;
            for (n, step) in steps.iter().enumerate() {
                if n > 0 {
                    f.write_str(" ")?;
                }
                write!(f, "step {}", step.name)?;
                if let Some(o) = &step.output {
                    write!(f, " output={o}")?;
                }
                write!(f, ": {}", step.predicate)?;
                if !step.assignments.is_empty() {
                    f.write_str(" =>")?;
                    for (n, (name, e)) in step.assignments.iter().enumerate() {
                        let sep = if n > 0 { ", " } else { " " };
                        write!(f, "{sep}{name} = {e}")?;
                    }
                }
                f.write_str(";")?;
            }
            f.write_str(")")
        }
        OperatorKind::Consume(params) => write!(f, "consume{}", LeadParams(params)),
        OperatorKind::Reduce { params, by, with } => {
            write!(f, "reduce {}by {by}", Params(params))?;
            if !with.is_empty() {
                f.write_str(" with ")?;
                options(f, with)?;
            }
            Ok(())
        }
        OperatorKind::Partition {
            params,
            by,
            body,
            braces,
        } => {
            write!(f, "partition {}by {by} ", Params(params))?;
            if *braces {
                write!(f, "{{ {body:#} }}")
            } else {
                write!(f, "({body:#})")
            }
        }
        OperatorKind::Fork(branches) => {
            f.write_str("fork")?;
            for (name, body) in branches {
                match name {
                    Some(name) => write!(f, " {name} = ({body:#})")?,
                    None => write!(f, " ({body:#})")?,
                }
            }
            Ok(())
        }
        OperatorKind::MacroExpand {
            params,
            group,
            name,
            body,
        } => write!(
            f,
            "macro-expand {}{group} as {name} ({body:#})",
            Params(params)
        ),
        OperatorKind::MakeGraph(m) => crate::display_graph::make_graph(f, m),
        OperatorKind::GraphMatch(g) => crate::display_graph::graph_match(f, g),
        OperatorKind::GraphToTable(t) => crate::display_graph::graph_to_table(f, t),
        OperatorKind::GraphMarkComponents(p) => {
            write!(f, "graph-mark-components{}", LeadParams(p))
        }
        other => write!(f, "{}", other.keyword()),
    }
}

/// `parse [params] expr with pattern`.
fn parse(
    f: &mut Formatter<'_>,
    keyword: &str,
    params: &[(crate::ast::Ident, crate::ast::Expr)],
    expr: &crate::ast::Expr,
    pattern: &[ParsePart],
) -> fmt::Result {
    write!(f, "{keyword} {}{expr} with", Params(params))?;
    for part in pattern {
        f.write_str(" ")?;
        match part {
            ParsePart::Star => f.write_str("*")?,
            ParsePart::Text(t) => write_string(f, t, '"')?,
            ParsePart::Column { name, ty } => {
                write!(f, "{name}")?;
                if let Some(ty) = ty {
                    write!(f, ":{ty}")?;
                }
            }
        }
    }
    Ok(())
}
