//! The column name Kusto infers for an unnamed expression in `project`, `extend`,
//! `summarize … by` and aggregate arguments.
//!
//! The rule is Kusto's `Binder.GetExpressionResultName` (Binder_Projection.cs of
//! microsoft/Kusto-Query-Language): a column reference keeps its name; a path `d.a.b` or
//! `d["a"]` joins its parts with `_` (`d_a_b`, `d_a`; a non-constant index leaves the
//! part empty: `d_`); a call is named by its function's result-name kind — most
//! conversion, rounding and math functions take the name of their first argument
//! (`tostring(X)` and `bin(Timestamp, 1h)` give `X` and `Timestamp`), `strlen(s)` gives
//! `strlen_s`, an aggregate `<prefix>_<arg>` (`sum_x`, `list_x`); anything else has no
//! name, and the operator numbers it `Column1`, `Column2`, …. Each function's kind comes
//! from the function registry (`crate::registry::Registry::result_name`).

use crate::registry::{ResultName as Kind, registry};
use hunt_syntax::ast;

/// The name Kusto infers for `e`, or `None` when it infers none.
pub(crate) fn result_name(e: &ast::Expr) -> Option<String> {
    match &e.kind {
        ast::ExprKind::Paren(inner) => result_name(inner),
        ast::ExprKind::Ident(id) => Some(id.name.clone()),
        ast::ExprKind::Member { expr, name } => Some(joined(expr, Some(name.name.clone()))),
        ast::ExprKind::Index { expr, index } => Some(joined(expr, index_name(index))),
        ast::ExprKind::Call { name, args } => call_name(&name.name, args),
        _ => None,
    }
}

/// `left_right` for a path step, or `right` alone when the left has no name.
fn joined(left: &ast::Expr, right: Option<String>) -> String {
    let right = right.unwrap_or_default();
    match result_name(left) {
        Some(l) if !l.trim().is_empty() => format!("{l}_{right}"),
        _ => right,
    }
}

/// The name of a `[…]` selector: its text when it is a string or integer literal.
fn index_name(index: &ast::Expr) -> Option<String> {
    match &index.kind {
        ast::ExprKind::Paren(inner) => index_name(inner),
        ast::ExprKind::Literal(ast::Literal::String(s)) => Some(s.clone()),
        ast::ExprKind::Literal(ast::Literal::Long(v)) => Some(v.to_string()),
        _ => None,
    }
}

fn call_name(function: &str, args: &[ast::Expr]) -> Option<String> {
    let kind = registry().result_name(function)?;
    let first = || args.first().and_then(result_name);
    match kind {
        Kind::First => first(),
        Kind::NameAndFirst => Some(format!("{function}_{}", first().unwrap_or_default())),
        Kind::PrefixAndFirst(p) => Some(format!("{p}_{}", first().unwrap_or_default())),
        Kind::Prefix(p) => Some(p.to_string()),
        Kind::Only if args.len() == 1 => first(),
        Kind::Only => None,
    }
}

/// The default name of an aggregate's column: `prefix_` and the name of its first
/// argument (`sum_x`, `count_`, `dcount_AccountUpn`, `list_d_a`).
pub(crate) fn aggregate_name(prefix: &str, args: &[ast::Expr]) -> String {
    let arg = args.first().and_then(result_name).unwrap_or_default();
    format!("{prefix}_{arg}")
}

#[cfg(test)]
mod tests {
    use super::result_name;

    fn name(src: &str) -> Option<String> {
        let q = hunt_syntax::parse(&format!("print {src}")).expect("parses");
        let hunt_syntax::ast::Statement::Tabular(p) = &q.statements[0] else {
            panic!("not tabular")
        };
        let hunt_syntax::ast::Source::Print { exprs, .. } = &p.source else {
            panic!("not print")
        };
        result_name(&exprs[0].expr)
    }

    #[test]
    fn names_follow_kusto() {
        assert_eq!(name("Timestamp").as_deref(), Some("Timestamp"));
        assert_eq!(name("bin(Timestamp, 1h)").as_deref(), Some("Timestamp"));
        assert_eq!(name("tostring(d.a.b)").as_deref(), Some("d_a_b"));
        assert_eq!(name("d['k']").as_deref(), Some("d_k"));
        assert_eq!(name("d[0]").as_deref(), Some("d_0"));
        assert_eq!(name("strlen(s)").as_deref(), Some("strlen_s"));
        assert_eq!(name("strcat(a, b)"), None);
        assert_eq!(name("a + 1"), None);
        assert_eq!(name("tostring(1)"), None);
        // Through a definition (registry/defs/real_math.rs): Functions.cs names `sqrt` and
        // `pow` after their first argument, `degrees` not at all.
        assert_eq!(name("sqrt(x)").as_deref(), Some("x"));
        assert_eq!(name("pow(x, 2)").as_deref(), Some("x"));
        assert_eq!(name("degrees(x)"), None);
    }
}
