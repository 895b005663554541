//! `project-reorder` with orders (`project-reorder a* asc, B granny-desc`): the columns
//! each pattern matches come first, in the order given (docs: project-reorder-operator):
//! `asc`/`desc` by name, `granny-asc`/`granny-desc` in natural order (a run of digits
//! compares as a number: `a2` before `a10`); a pattern without an order keeps the input
//! order. The rest follow in input order. Names that differ only in case are refused where
//! an order is given: the page does not say whether the order is ordinal or ignores case.

use crate::error::PlanError;
use crate::types::Schema;
use hunt_syntax::Span;
use hunt_syntax::ast::{self, ReorderOrder};
use std::cmp::Ordering;

/// The output column names in order.
pub(super) fn reordered(
    items: &[(ast::Ident, Option<ReorderOrder>)],
    schema: &Schema,
    span: Span,
) -> Result<Vec<String>, PlanError> {
    let mut out: Vec<String> = Vec::new();
    for (pattern, order) in items {
        let mut names: Vec<String> =
            super::operators::match_columns(std::slice::from_ref(pattern), schema)?
                .into_iter()
                .filter(|n| !out.contains(n))
                .collect();
        if let Some(order) = order {
            for (i, a) in names.iter().enumerate() {
                if names[i + 1..].iter().any(|b| b.eq_ignore_ascii_case(a)) {
                    return Err(PlanError::unsupported(
                        pattern.span,
                        "`project-reorder` ordering names that differ only in case",
                    ));
                }
            }
            names.sort_by(|a, b| match order {
                ReorderOrder::Asc => a.cmp(b),
                ReorderOrder::Desc => b.cmp(a),
                ReorderOrder::GrannyAsc => natural(a, b),
                ReorderOrder::GrannyDesc => natural(b, a),
            });
        }
        for n in names {
            if !out.contains(&n) {
                out.push(n);
            }
        }
    }
    let _ = span;
    out.extend(
        schema
            .fields
            .iter()
            .map(|f| f.name.clone())
            .filter(|n| !out.contains(n))
            .collect::<Vec<_>>(),
    );
    Ok(out)
}

/// Natural order: runs of digits compare by value, the rest by character.
fn natural(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a.chars().peekable(), b.chars().peekable());
    loop {
        match (x.peek().copied(), y.peek().copied()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let take = |it: &mut std::iter::Peekable<std::str::Chars<'_>>| {
                    let mut s = String::new();
                    while let Some(ch) = it.peek().copied().filter(char::is_ascii_digit) {
                        s.push(ch);
                        it.next();
                    }
                    s
                };
                let (p, q) = (take(&mut x), take(&mut y));
                let (p, q) = (p.trim_start_matches('0'), q.trim_start_matches('0'));
                let o = p.len().cmp(&q.len()).then_with(|| p.cmp(q));
                if o != Ordering::Equal {
                    return o;
                }
            }
            (Some(c), Some(d)) => {
                if c != d {
                    return c.cmp(&d);
                }
                x.next();
                y.next();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::natural;
    use std::cmp::Ordering;

    #[test]
    fn natural_order_reads_numbers() {
        assert_eq!(natural("a2", "a10"), Ordering::Less);
        assert_eq!(natural("a10", "a9"), Ordering::Greater);
        assert_eq!(natural("b", "a10"), Ordering::Greater);
        assert_eq!(natural("a01", "a1"), Ordering::Equal);
    }
}
