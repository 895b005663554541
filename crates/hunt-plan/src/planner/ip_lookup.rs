//! Planning `evaluate ipv4_lookup(LookupTable, SourceIPv4Key, IPv4LookupKey [, ExtraKey…]
//! [, return_unmatched])` (docs: ipv4-lookup-plugin) and `evaluate ipv6_lookup(LookupTable,
//! SourceIPv6Key, IPv6LookupKey [, return_unmatched])` (docs: ipv6-lookup-plugin; no extra
//! keys, Kusto.Language's `PlugIns.cs`): each input row joined with the rows of the lookup
//! table whose range (a prefix `a.b.c.d/n` or `x:…:y/n`, or one address) holds the row's
//! address and whose extra keys are equal; the output schema is "the union of the source
//! and lookup tables, similar to the result of the lookup operator": the input's columns,
//! then the lookup table's except the extra keys (so `PlugIns.cs` builds both plugins'
//! schemas; the ipv6 page's example prints the lookup columns first, against its own
//! text). Unmatched rows are dropped, or kept with nulls when `return_unmatched` is true.
//!
//! Both tables are read at plan time (through the catalog's probe, as `pivot` does) and the
//! result becomes a `Values` plan; the lookup table is small by the page's own note.
//! Refused, because the page does not say what Kusto does: an input address that matches
//! several lookup rows, a masked input address (`1.2.3.0/24`), a lookup range that is not
//! text of the plugin's family, IPv4 text in `ipv6_lookup` (whether Kusto maps it to IPv6
//! is not said), more than [`MAX_ROWS`] rows on either side. A lookup column named like an
//! input column (not an extra key) is renamed as the lookup operator does (`name1`). An
//! input address that is not text of the family (or is empty) matches nothing.

use super::Planner;
use crate::error::PlanError;
use crate::expr::Scalar;
use crate::logical_plan::LogicalPlan;
use crate::types::{Field, KqlType, Schema};
use hunt_syntax::Span;
use hunt_syntax::ast;
use std::collections::HashMap;
use std::net::{Ipv4Addr, Ipv6Addr};

/// The most rows read from either side.
pub const MAX_ROWS: usize = 1_000_000;

/// The address family a plugin looks up.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    V4,
    V6,
}

impl Family {
    fn plugin(self) -> &'static str {
        match self {
            Family::V4 => "ipv4_lookup",
            Family::V6 => "ipv6_lookup",
        }
    }
    fn bits(self) -> u8 {
        match self {
            Family::V4 => 32,
            Family::V6 => 128,
        }
    }
    fn name(self) -> &'static str {
        match self {
            Family::V4 => "IPv4",
            Family::V6 => "IPv6",
        }
    }
    /// One address of this family as a number; `None` for other text.
    fn address(self, text: &str) -> Option<u128> {
        match self {
            Family::V4 => text
                .trim()
                .parse::<Ipv4Addr>()
                .ok()
                .map(|a| u128::from(u32::from(a))),
            Family::V6 => text.trim().parse::<Ipv6Addr>().ok().map(u128::from),
        }
    }
    /// A range as (network, prefix length); `None` when it is not text of this family.
    fn range(self, text: &str) -> Option<(u128, u8)> {
        let (addr, len) = match text.split_once('/') {
            Some((a, l)) => (
                a,
                l.trim().parse::<u8>().ok().filter(|l| *l <= self.bits())?,
            ),
            None => (text, self.bits()),
        };
        Some((self.address(addr)? & self.mask(len), len))
    }
    fn mask(self, len: u8) -> u128 {
        let all = u128::MAX >> (128 - u32::from(self.bits()));
        if len == 0 {
            0
        } else {
            all & (all << (self.bits() - len))
        }
    }
}

fn column<'a>(e: &'a ast::Expr, plugin: &str, what: &str) -> Result<&'a ast::Ident, PlanError> {
    match &e.kind {
        ast::ExprKind::Ident(id) => Ok(id),
        _ => Err(PlanError::invalid(
            e.span,
            format!("`{plugin}` needs a column name for {what}"),
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
    pub(crate) fn plan_ip_lookup(
        &mut self,
        family: Family,
        input: LogicalPlan,
        args: &[ast::Expr],
        span: Span,
    ) -> Result<LogicalPlan, PlanError> {
        let plugin = family.plugin();
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
                        format!("`{plugin}` has no parameter `{}`", name.name),
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
                format!("`{plugin}` takes a lookup table, the source key and the lookup key"),
            ));
        };
        if family == Family::V6
            && let Some(e) = extra.first()
        {
            return Err(PlanError::invalid(
                e.span,
                "`ipv6_lookup` takes no extra keys",
            ));
        }
        let lookup = self.tabular_expr(table)?.ok_or_else(|| {
            PlanError::invalid(table.span, format!("`{plugin}` needs a lookup table"))
        })?;
        let (left_s, right_s) = (input.schema(), lookup.schema());
        let src = column(src, plugin, "the source key")?;
        let key = column(key, plugin, "the lookup key")?;
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
                        "`{plugin}` keys are strings, `{}` is {}",
                        id.name, s.fields[i].ty
                    ),
                ));
            }
        }
        let mut extras: Vec<(usize, usize)> = Vec::new();
        for e in extra {
            let id = column(e, plugin, "an extra key")?;
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
        let read =
            |plan: &LogicalPlan, what: &str| self.probe_rows(plan, what, plugin, MAX_ROWS, span);
        let right_rows = read(&lookup, &format!("`{plugin}`'s lookup table"))?;
        let left_rows = read(&input, &format!("`{plugin}`'s input"))?;
        // The lookup ranges by (prefix length, network).
        let mut ranges: HashMap<(u8, u128), Vec<usize>> = HashMap::new();
        let mut lengths: Vec<u8> = Vec::new();
        for (i, row) in right_rows.iter().enumerate() {
            let text = match &row[key_i] {
                Scalar::String(s) if !s.is_empty() => s.to_string(),
                _ => {
                    return Err(PlanError::unsupported(
                        key.span,
                        format!("`{plugin}` with an empty lookup range"),
                    ));
                }
            };
            let Some((net, len)) = family.range(&text) else {
                return Err(PlanError::unsupported(
                    key.span,
                    format!(
                        "`{plugin}` with the lookup range `{text}`, not {}",
                        family.name()
                    ),
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
                        format!("`{plugin}` of the masked address `{s}`"),
                    ));
                }
                Scalar::String(s) if family == Family::V6 && s.contains('.') => {
                    return Err(PlanError::unsupported(
                        src.span,
                        format!("`ipv6_lookup` of the address `{s}` (IPv4 text)"),
                    ));
                }
                Scalar::String(s) => family.address(s),
                _ => None,
            };
            let mut hits: Vec<usize> = Vec::new();
            if let Some(a) = addr {
                for len in &lengths {
                    if let Some(rs) = ranges.get(&(*len, a & family.mask(*len))) {
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
                        format!("`{plugin}` where an address falls in several lookup ranges"),
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
    use super::Family;

    #[test]
    fn ipv4_text_with_and_without_prefix() {
        let v4 = |t| Family::V4.range(t);
        assert_eq!(v4("5.8.0.0/19"), Some((0x0508_0000, 19)));
        assert_eq!(v4("5.8.1.2"), Some((0x0508_0102, 32)));
        assert_eq!(v4("0.0.0.0/0"), Some((0, 0)));
        assert_eq!(v4("5.8.1.2/33"), None);
        assert_eq!(v4("::1"), None);
    }

    #[test]
    fn ipv6_text_with_and_without_prefix() {
        let v6 = |t| Family::V6.range(t);
        // The ipv6-lookup-plugin page's notation: fe80::85d:e82c:9446:7994/120.
        assert_eq!(
            v6("fe80::85d:e82c:9446:7994/120"),
            Some((0xfe80_0000_0000_0000_085d_e82c_9446_7900, 120))
        );
        assert_eq!(
            v6("2001:0db8:85a3::/48"),
            Some((0x2001_0db8_85a3_u128 << 80, 48))
        );
        assert_eq!(v6("::1"), Some((1, 128)));
        assert_eq!(v6("::/0"), Some((0, 0)));
        assert_eq!(v6("::1/129"), None);
        assert_eq!(v6("5.8.1.2"), None);
    }
}
