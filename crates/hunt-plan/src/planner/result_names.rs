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
//! name, and the operator numbers it `Column1`, `Column2`, ….

use hunt_syntax::ast;

/// How a function names its result (Kusto's `ResultNameKind`).
#[derive(Clone, Copy)]
enum Kind {
    /// The first argument's name.
    FirstArgument,
    /// The function's name, `_`, and the first argument's name.
    NameAndFirstArgument,
    /// A fixed prefix, `_`, and the first argument's name.
    PrefixAndFirstArgument(&'static str),
    /// The argument's name when there is exactly one argument.
    OnlyArgument,
}

/// Scalar functions whose result is named after an argument, from the
/// `WithResultNameKind(…)` of each function in Kusto's `Functions.cs`; every other scalar
/// function has none.
// TODO(#10): move into each function's definition when the function registry lands.
const SCALAR_KINDS: &[(&str, Kind)] = &[
    ("strlen", Kind::NameAndFirstArgument),
    ("string_size", Kind::NameAndFirstArgument),
    ("gettype", Kind::PrefixAndFirstArgument("type")),
    ("repeat", Kind::PrefixAndFirstArgument("repeat")),
    ("make_datetime", Kind::OnlyArgument),
    ("make_timespan", Kind::OnlyArgument),
    ("split", Kind::FirstArgument),
    ("tostring", Kind::FirstArgument),
    ("tohex", Kind::FirstArgument),
    ("todynamic", Kind::FirstArgument),
    ("toobject", Kind::FirstArgument),
    ("tolong", Kind::FirstArgument),
    ("toint", Kind::FirstArgument),
    ("toreal", Kind::FirstArgument),
    ("todouble", Kind::FirstArgument),
    ("todatetime", Kind::FirstArgument),
    ("totimespan", Kind::FirstArgument),
    ("totime", Kind::FirstArgument),
    ("tobool", Kind::FirstArgument),
    ("toboolean", Kind::FirstArgument),
    ("todecimal", Kind::FirstArgument),
    ("toguid", Kind::FirstArgument),
    ("parse_csv", Kind::FirstArgument),
    ("parsejson", Kind::FirstArgument),
    ("parse_json", Kind::FirstArgument),
    ("parse_xml", Kind::FirstArgument),
    ("format_datetime", Kind::FirstArgument),
    ("format_timespan", Kind::FirstArgument),
    ("startofday", Kind::FirstArgument),
    ("bin", Kind::FirstArgument),
    ("floor", Kind::FirstArgument),
    ("bin_at", Kind::FirstArgument),
    ("binary_and", Kind::FirstArgument),
    ("binary_or", Kind::FirstArgument),
    ("binary_xor", Kind::FirstArgument),
    ("binary_not", Kind::FirstArgument),
    ("binary_shift_right", Kind::FirstArgument),
    ("binary_shift_left", Kind::FirstArgument),
    ("bitset_count_ones", Kind::FirstArgument),
    ("series_fir", Kind::FirstArgument),
    ("series_outliers", Kind::FirstArgument),
    ("series_iir", Kind::FirstArgument),
    ("series_fill_backward", Kind::FirstArgument),
    ("series_fill_forward", Kind::FirstArgument),
    ("series_fill_const", Kind::FirstArgument),
    ("series_fill_linear", Kind::FirstArgument),
    ("round", Kind::FirstArgument),
    ("ceiling", Kind::FirstArgument),
    ("pow", Kind::FirstArgument),
    ("sqrt", Kind::FirstArgument),
    ("log", Kind::FirstArgument),
    ("log2", Kind::FirstArgument),
    ("log10", Kind::FirstArgument),
    ("exp", Kind::FirstArgument),
    ("exp2", Kind::FirstArgument),
    ("exp10", Kind::FirstArgument),
    ("cos", Kind::FirstArgument),
    ("sin", Kind::FirstArgument),
    ("tan", Kind::FirstArgument),
    ("acos", Kind::FirstArgument),
    ("asin", Kind::FirstArgument),
    ("atan", Kind::FirstArgument),
    ("atan2", Kind::FirstArgument),
    ("abs", Kind::FirstArgument),
    ("gamma", Kind::FirstArgument),
    ("loggamma", Kind::FirstArgument),
    ("erf", Kind::FirstArgument),
    ("erfc", Kind::FirstArgument),
    ("format_bytes", Kind::FirstArgument),
];

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
    let kind = SCALAR_KINDS.iter().find(|(n, _)| *n == function)?.1;
    let first = || args.first().and_then(result_name);
    match kind {
        Kind::FirstArgument => first(),
        Kind::NameAndFirstArgument => Some(format!("{function}_{}", first().unwrap_or_default())),
        Kind::PrefixAndFirstArgument(p) => Some(format!("{p}_{}", first().unwrap_or_default())),
        Kind::OnlyArgument if args.len() == 1 => first(),
        Kind::OnlyArgument => None,
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
    }
}
