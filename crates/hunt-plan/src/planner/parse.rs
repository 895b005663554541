//! Planning `parse` and `parse-where`: the pattern becomes one regex with a capture
//! group per extracted column.
//!
//! From the Kusto docs and its oracle: `kind=simple` (default) matches string
//! constants literally and string columns lazily, anchored at the start, with a final
//! column running to the end; typed columns match only their type's text. `kind=regex`
//! takes the constants as regexes (its string columns are greedy, as the oracle shows:
//! `letters:string @"\d+" rest:string` on `abc123def` gives `abc12`, `def`; so are its
//! datetime and timespan columns, as the doc's examples show). A constant may hold its
//! own groups, so each column's group is named.
//! `kind=relaxed` is simple matching where a value that fails to convert is null.

use super::Scope;
use super::exprs::{bind_expr, to_string_expr};
use crate::error::PlanError;
use crate::logical_plan::LogicalPlan;
use crate::types::{Field, KqlType};
use hunt_syntax::ast::{self, ParsePart};

fn type_regex(t: KqlType) -> &'static str {
    match t {
        KqlType::Int | KqlType::Long => r"-?\d+",
        KqlType::Real => r"-?\d+(?:\.\d*)?(?:[eE][+-]?\d+)?",
        KqlType::Bool => r"(?i:true|false)",
        KqlType::Guid => {
            r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
        }
        _ => r".+?",
    }
}

pub(crate) fn plan_parse(
    input: LogicalPlan,
    sc: &Scope<'_>,
    params: &[(ast::Ident, ast::Expr)],
    expr: &ast::Expr,
    pattern: &[ParsePart],
    drop_unmatched: bool,
) -> Result<LogicalPlan, PlanError> {
    let mut kind = "simple".to_string();
    let mut flags = String::new();
    for (name, value) in params {
        let word = match &value.kind {
            ast::ExprKind::Ident(v) => v.name.clone(),
            ast::ExprKind::Literal(ast::Literal::String(s)) => s.clone(),
            _ => return Err(PlanError::invalid(value.span, "expected a name")),
        };
        match name.name.as_str() {
            "kind" => kind = word,
            "flags" => flags = word,
            other => {
                return Err(PlanError::unsupported(
                    name.span,
                    format!("the parse parameter `{other}`"),
                ));
            }
        }
    }
    let (regex_mode, relaxed) = match kind.as_str() {
        "simple" => (false, false),
        "regex" => (true, false),
        "relaxed" => (false, true),
        other => {
            return Err(PlanError::invalid(
                expr.span,
                format!("unknown parse kind `{other}`"),
            ));
        }
    };
    let text = to_string_expr(bind_expr(expr, sc)?);
    let mut re = String::new();
    for f in flags.chars() {
        match f {
            'i' | 'm' | 's' | 'U' => re.push_str(&format!("(?{f})")),
            other => {
                return Err(PlanError::unsupported(
                    expr.span,
                    format!("the regex flag `{other}`"),
                ));
            }
        }
    }
    if !regex_mode {
        re.push('^');
    }
    let mut columns: Vec<Field> = Vec::new();
    for (i, part) in pattern.iter().enumerate() {
        let last = i + 1 == pattern.len();
        match part {
            ParsePart::Star => re.push_str(".*?"),
            ParsePart::Text(t) => {
                if regex_mode {
                    re.push_str(&format!("(?:{t})"));
                } else {
                    re.push_str(&regex_escape(t));
                }
            }
            ParsePart::Column { name, ty } => {
                let t = match ty {
                    None => KqlType::String,
                    Some(t) => KqlType::from_name(&t.name).ok_or_else(|| {
                        PlanError::invalid(t.span, format!("unknown type `{}`", t.name))
                    })?,
                };
                if regex_mode
                    && matches!(
                        t,
                        KqlType::Real | KqlType::Bool | KqlType::Guid | KqlType::Dynamic
                    )
                {
                    // The parse-operator page gives the regex of `*`, string and long
                    // columns only (and datetimes by example); which text Kusto's regex
                    // mode takes for the other types is not documented.
                    return Err(PlanError::unsupported(
                        name.span,
                        format!("a {t} column in `parse kind=regex`"),
                    ));
                }
                let body = match (t, regex_mode, relaxed) {
                    // Greedy in regex mode for the types without a number's shape: the
                    // parse-operator doc's `flags=s` example takes whole datetimes from
                    // `lockTime: datetime "(.*?)releaseTime="`.
                    (
                        KqlType::String | KqlType::Dynamic | KqlType::DateTime | KqlType::TimeSpan,
                        true,
                        _,
                    ) => ".*",
                    (KqlType::String | KqlType::Dynamic, false, _) => ".*?",
                    (t, _, _) => type_regex(t),
                };
                // Named groups: a `kind=regex` constant may hold its own groups, which
                // must not shift the columns (the doc's `"(.*?)[a-zA-Z]*=" resourceName`).
                let group = capture_name(columns.len());
                if relaxed && !matches!(t, KqlType::String | KqlType::Dynamic) {
                    // Relaxed: a value that is not of the type still lets the row match
                    // (the column is then null).
                    re.push_str(&format!("(?P<{group}>(?:{body})|.*?)"));
                } else {
                    re.push_str(&format!("(?P<{group}>{body})"));
                }
                if last && !regex_mode {
                    // A trailing column takes the rest of the text.
                    re.push('$');
                }
                if !name.is_bracketed() && super::operators::reserved_name(&name.name) {
                    return Err(PlanError::invalid(
                        name.span,
                        format!("`{}` is a reserved word", name.name),
                    ));
                }
                if columns.iter().any(|c| c.name == name.name) {
                    return Err(PlanError::invalid(
                        name.span,
                        format!("`{}` appears twice in the pattern", name.name),
                    ));
                }
                columns.push(Field::new(&name.name, t));
            }
        }
    }
    if let Err(e) = regex_check(&re) {
        return Err(PlanError::invalid(
            expr.span,
            format!("the parse pattern is not a valid regex: {e}"),
        ));
    }
    Ok(LogicalPlan::Parse {
        input: Box::new(input),
        expr: text,
        regex: re,
        columns,
        relaxed,
        drop_unmatched,
    })
}

/// The name of the capture group of the `k`-th extracted column in the plan's regex.
pub fn capture_name(k: usize) -> String {
    format!("hunt_col_{k}")
}

fn regex_escape(t: &str) -> String {
    let mut out = String::new();
    for c in t.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Rejects obviously broken patterns at plan time (unbalanced groups); the executor
/// compiles the regex and reports anything subtler.
fn regex_check(re: &str) -> Result<(), String> {
    let mut depth = 0i32;
    let mut escaped = false;
    for c in re.chars() {
        match (escaped, c) {
            (true, _) => escaped = false,
            (false, '\\') => escaped = true,
            (false, '(') => depth += 1,
            (false, ')') => depth -= 1,
            _ => {}
        }
        if depth < 0 {
            return Err("unbalanced `)`".into());
        }
    }
    if depth != 0 {
        return Err("unbalanced `(`".into());
    }
    Ok(())
}
