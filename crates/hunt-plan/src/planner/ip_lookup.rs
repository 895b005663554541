//! Planning `evaluate ipv4_lookup(LookupTable, SourceIPv4Key, IPv4LookupKey [, ExtraKey…]
//! [, return_unmatched])` (docs: ipv4-lookup-plugin): each input row joined with the rows
//! of the lookup table whose IPv4 range (a `a.b.c.d/n` prefix, or one address) holds the
//! row's address and whose extra keys are equal; the output schema is "the union of the
//! source and lookup tables, similar to the result of the lookup operator": the input's
//! columns, then the lookup table's except the extra keys. Unmatched rows are dropped, or
//! kept with nulls when `return_unmatched` is true.
//!
//! Both tables are read at plan time (through the catalog's probe, as `pivot` does) and the
//! result becomes a `Values` plan; the lookup table is small by the page's own note.
//! Refused, because the page does not say what Kusto does: an input address that matches
//! several lookup rows, a masked input address (`1.2.3.0/24`), a lookup range that is not
//! IPv4 text, more than [`MAX_ROWS`] rows on either side. A lookup column named like an
//! input column (not an extra key) is renamed as the lookup operator does (`name1`). An
//! input address that is not IPv4 text (or is empty) matches nothing.

use super::Planner;
use crate::error::PlanError;
use crate::expr::Scalar;
use crate::logical_plan::LogicalPlan;
use crate::types::{Field, KqlType, Schema};
use hunt_syntax::Span;
use hunt_syntax::ast;
use std::collections::HashMap;
use std::net::Ipv4Addr;

/// The most rows read from either side.
pub const MAX_ROWS: usize = 1_000_000;

/// An IPv4 text as (address, prefix length); `None` when it is not IPv4.
fn parse_v4(text: &str) -> Option<(u32, u8)> {
    let (addr, len) = match text.split_once('/') {
        Some((a, l)) => (a, l.trim().parse::<u8>().ok().filter(|l| *l <= 32)?),
        None => (text, 32),
    };
    let a: Ipv4Addr = addr.trim().parse().ok()?;
    Some((u32::from(a) & mask(len), len))
}

fn mask(len: u8) -> u32 {
    if len == 0 {
        0
    } else {
        u32::MAX << (32 - u32::from(len))
    }
}

fn column<'a>(e: &'a ast::Expr, what: &str) -> Result<&'a ast::Ident, PlanError> {
    match &e.kind {
        ast::ExprKind::Ident(id) => Ok(id),
        _ => Err(PlanError::invalid(
            e.span,
            format!("`ipv4_lookup` needs a column name for {what}"),
        )),
    }
}

fn const_bool(e: &ast::Expr) -> Option<bool> {
    match &e.kind {
        ast::ExprKind::Literal(ast::Literal::Bool(b)) => Some(*b),
        _ => None,
    }
}

impl Planner<'_> {
    pub(crate) fn plan_ipv4_lookup(
        &mut self,
        input: LogicalPlan,
        args: &[ast::Expr],
        span: Span,
    ) -> Result<LogicalPlan, PlanError> {
        let mut args: Vec<&ast::Expr> = args.iter().collect();
        let mut unmatched = false;
        if let Some(last) = args.last() {
            let named = match &last.kind {
                ast::ExprKind::NamedArg { name, value } if name.name == "return_unmatched" => {
                    Some(value.as_ref())
                }
                ast::ExprKind::NamedArg { name, .. } => {
                    return Err(PlanError::invalid(
                        name.span,
                        format!("`ipv4_lookup` has no parameter `{}`", name.name),
                    ));
                }
                _ => None,
            };
            let flag = named.or((args.len() > 3).then_some(*last));
            if let Some(f) = flag.and_then(const_bool) {
                unmatched = f;
                args.pop();
            } else if let Some(v) = named {
                return Err(PlanError::invalid(
                    v.span,
                    "`return_unmatched` is a constant bool",
                ));
            }
        }
        let [table, src, key, extra @ ..] = args.as_slice() else {
            return Err(PlanError::invalid(
                span,
                "`ipv4_lookup` takes a lookup table, the source key and the lookup key",
            ));
        };
        let lookup = self
            .tabular_expr(table)?
            .ok_or_else(|| PlanError::invalid(table.span, "`ipv4_lookup` needs a lookup table"))?;
        let (left_s, right_s) = (input.schema(), lookup.schema());
        let src = column(src, "the source key")?;
        let key = column(key, "the lookup key")?;
        let find = |s: &Schema, id: &ast::Ident, side: &str| {
            s.index_of(&id.name).ok_or_else(|| {
                PlanError::invalid(
                    id.span,
                    format!("unknown column `{}` in the {side} table", id.name),
                )
            })
        };
        let src_i = find(&left_s, src, "input")?;
        let key_i = find(&right_s, key, "lookup")?;
        for (i, s, id) in [(src_i, &left_s, src), (key_i, &right_s, key)] {
            if s.fields[i].ty != KqlType::String {
                return Err(PlanError::ty(
                    id.span,
                    format!(
                        "`ipv4_lookup` keys are strings, `{}` is {}",
                        id.name, s.fields[i].ty
                    ),
                ));
            }
        }
        let mut extras: Vec<(usize, usize)> = Vec::new();
        for e in extra {
            let id = column(e, "an extra key")?;
            let (l, r) = (find(&left_s, id, "input")?, find(&right_s, id, "lookup")?);
            if left_s.fields[l].ty != right_s.fields[r].ty {
                return Err(PlanError::ty(
                    id.span,
                    format!("the extra key `{}` has two types", id.name),
                ));
            }
            extras.push((l, r));
        }
        // Output: the input's columns, then the lookup's but the extra keys.
        let right_out: Vec<usize> = (0..right_s.fields.len())
            .filter(|r| !extras.iter().any(|(_, x)| x == r))
            .collect();
        let read = |plan: &LogicalPlan, what: &str| {
            self.probe_rows(plan, what, "ipv4_lookup", MAX_ROWS, span)
        };
        let right_rows = read(&lookup, "`ipv4_lookup`'s lookup table")?;
        let left_rows = read(&input, "`ipv4_lookup`'s input")?;
        // The lookup ranges by (prefix length, network).
        let mut ranges: HashMap<(u8, u32), Vec<usize>> = HashMap::new();
        let mut lengths: Vec<u8> = Vec::new();
        for (i, row) in right_rows.iter().enumerate() {
            let text = match &row[key_i] {
                Scalar::String(s) if !s.is_empty() => s.to_string(),
                _ => {
                    return Err(PlanError::unsupported(
                        key.span,
                        "`ipv4_lookup` with an empty lookup range",
                    ));
                }
            };
            let Some((net, len)) = parse_v4(&text) else {
                return Err(PlanError::unsupported(
                    key.span,
                    format!("`ipv4_lookup` with the lookup range `{text}`, not IPv4"),
                ));
            };
            ranges.entry((len, net)).or_default().push(i);
            if !lengths.contains(&len) {
                lengths.push(len);
            }
        }
        let mut out_rows: Vec<Vec<Scalar>> = Vec::new();
        for row in left_rows {
            let addr = match &row[src_i] {
                Scalar::String(s) if s.contains('/') => {
                    return Err(PlanError::unsupported(
                        src.span,
                        format!("`ipv4_lookup` of the masked address `{s}`"),
                    ));
                }
                Scalar::String(s) => s.trim().parse::<Ipv4Addr>().ok().map(u32::from),
                _ => None,
            };
            let mut hits: Vec<usize> = Vec::new();
            if let Some(a) = addr {
                for len in &lengths {
                    if let Some(rs) = ranges.get(&(*len, a & mask(*len))) {
                        hits.extend(rs.iter().copied().filter(|r| {
                            extras
                                .iter()
                                .all(|(l, x)| keys_equal(&row[*l], &right_rows[*r][*x]))
                        }));
                    }
                }
            }
            match hits.as_slice() {
                [] if unmatched => {
                    let mut out = row;
                    out.extend(
                        right_out
                            .iter()
                            .map(|r| Scalar::Null(right_s.fields[*r].ty)),
                    );
                    out_rows.push(out);
                }
                [] => {}
                [one] => {
                    let mut out = row;
                    out.extend(right_out.iter().map(|r| right_rows[*one][*r].clone()));
                    out_rows.push(out);
                }
                _ => {
                    return Err(PlanError::unsupported(
                        span,
                        "`ipv4_lookup` where an address falls in several lookup ranges",
                    ));
                }
            }
        }
        let mut fields = left_s.fields.clone();
        for r in &right_out {
            let f = &right_s.fields[*r];
            fields.push(Field::new(
                super::geo_lookup::free_name(&fields, &f.name),
                f.ty,
            ));
        }
        Ok(LogicalPlan::Values {
            schema: Schema::new(fields),
            rows: out_rows,
        })
    }
}

/// Extra keys match as `join` keys do: equal values, and a null matches nothing.
fn keys_equal(a: &Scalar, b: &Scalar) -> bool {
    match (a, b) {
        (Scalar::Null(_), _) | (_, Scalar::Null(_)) => false,
        (Scalar::String(x), Scalar::String(y)) => !x.is_empty() && x == y,
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::parse_v4;

    #[test]
    fn ipv4_text_with_and_without_prefix() {
        assert_eq!(parse_v4("5.8.0.0/19"), Some((0x0508_0000, 19)));
        assert_eq!(parse_v4("5.8.1.2"), Some((0x0508_0102, 32)));
        assert_eq!(parse_v4("0.0.0.0/0"), Some((0, 0)));
        assert_eq!(parse_v4("5.8.1.2/33"), None);
        assert_eq!(parse_v4("::1"), None);
    }
}
