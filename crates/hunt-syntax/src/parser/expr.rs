//! Scalar expressions by precedence climbing (lowest first): `or`; `and`;
//! comparisons, string and list operators, `between`; `+ -`; `* / %`; unary
//! `-`/`+`; postfix `.name` / `[index]`; primary.

use super::lexical::{
    TYPED_LITERALS, bracketed_ident, column_pattern, ident, is_ident_char, number, peek_assign,
    peek_kw, peek_sym, starts_string, strings, sym, typed_text, word, ws,
};
use super::statement::{continue_pipeline, pipeline, source_from_expr, starts_tabular};
use super::{Ctx, Expected, PResult, cut_err, err, fatal};
use crate::ast::{
    BinOp, Expr, ExprKind, Ident, JoinSide, LikeOp, ListOp, Literal, NamedExpr, SchemaItem, StrOp,
};

/// Binding power of `or`.
pub(crate) const PREC_OR: u8 = 1;
/// Binding power of `and`.
pub(crate) const PREC_AND: u8 = 2;
/// Binding power of comparisons, string and list operators and `between`.
pub(crate) const PREC_CMP: u8 = 3;
/// Binding power of `+` and `-`.
pub(crate) const PREC_ADD: u8 = 4;
/// Binding power of `*`, `/` and `%`.
pub(crate) const PREC_MUL: u8 = 5;
/// Binding power of unary minus.
pub(crate) const PREC_UNARY: u8 = 6;
/// Binding power of postfix and primary expressions.
pub(crate) const PREC_ATOM: u8 = 7;

/// The binding power of a binary operator.
pub(crate) fn bin_prec(op: BinOp) -> u8 {
    match op {
        BinOp::Or => PREC_OR,
        BinOp::And => PREC_AND,
        BinOp::Add | BinOp::Sub => PREC_ADD,
        BinOp::Mul | BinOp::Div | BinOp::Mod => PREC_MUL,
        _ => PREC_CMP,
    }
}

/// An infix operator found after an operand.
enum Infix {
    Bin(BinOp),
    List(ListOp),
    Between { negated: bool },
    Like(LikeOp),
}

/// A full expression.
pub(crate) fn expr<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Expr> {
    let i = ws(i);
    let _depth = c.descend(i)?;
    binary(c, i, 0)
}

/// An expression without comparisons or list operators (`a + b * c`): the
/// axis of `make-series … on T in range(…)`, where `in` is a keyword.
pub(crate) fn arith_expr<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Expr> {
    let i = ws(i);
    let _depth = c.descend(i)?;
    binary(c, i, PREC_ADD)
}

/// Recognizes the infix operator at the next token, returning it, its binding
/// power and the input after it.
fn infix(i: &str) -> Option<(Infix, u8, &str)> {
    let i = ws(i);
    // `ws` has already removed `//` comments, so `/` here is division.
    const SYMBOLS: [(&str, BinOp); 14] = [
        ("==", BinOp::Eq),
        ("!=", BinOp::Ne),
        ("<>", BinOp::Ne),
        ("<=", BinOp::Le),
        (">=", BinOp::Ge),
        ("=~", BinOp::EqCi),
        ("!~", BinOp::NeCi),
        ("<", BinOp::Lt),
        (">", BinOp::Gt),
        ("+", BinOp::Add),
        ("-", BinOp::Sub),
        ("*", BinOp::Mul),
        ("/", BinOp::Div),
        ("%", BinOp::Mod),
    ];
    for (s, op) in SYMBOLS {
        if let Some(rest) = i.strip_prefix(s) {
            return Some((Infix::Bin(op), bin_prec(op), rest));
        }
    }
    let (negated, w) = match i.strip_prefix('!') {
        Some(r) => (true, r),
        None => (false, i),
    };
    let (name, rest) = word(w)?;
    let found = match (name, negated) {
        ("or", false) => (Infix::Bin(BinOp::Or), PREC_OR, rest),
        ("and", false) => (Infix::Bin(BinOp::And), PREC_AND, rest),
        ("in", _) => match (rest.strip_prefix('~'), negated) {
            (Some(r), false) => (Infix::List(ListOp::InCi), PREC_CMP, r),
            (Some(r), true) => (Infix::List(ListOp::NotInCi), PREC_CMP, r),
            (None, false) => (Infix::List(ListOp::In), PREC_CMP, rest),
            (None, true) => (Infix::List(ListOp::NotIn), PREC_CMP, rest),
        },
        ("has_any", false) => (Infix::List(ListOp::HasAny), PREC_CMP, rest),
        ("has_all", false) => (Infix::List(ListOp::HasAll), PREC_CMP, rest),
        ("between", _) => (Infix::Between { negated }, PREC_CMP, rest),
        (w, false) if LikeOp::ALL.iter().any(|(_, k)| *k == w) => {
            let op = LikeOp::ALL
                .iter()
                .find(|(_, k)| *k == w)
                .map_or(LikeOp::Like, |(o, _)| *o);
            (Infix::Like(op), PREC_CMP, rest)
        }
        // Kusto's grammar (KqlTokens.g4) keeps the older spellings `containscs`,
        // `notcontains` and `notcontainscs` of `contains_cs`, `!contains`, `!contains_cs`.
        ("containscs" | "notcontains" | "notcontainscs", false) => (
            Infix::Bin(BinOp::Str {
                op: if name == "notcontains" {
                    StrOp::Contains
                } else {
                    StrOp::ContainsCs
                },
                negated: name != "containscs",
            }),
            PREC_CMP,
            rest,
        ),
        ("matches", false) => {
            let r = peek_kw(rest, "regex")?;
            (
                Infix::Bin(BinOp::Str {
                    op: StrOp::MatchesRegex,
                    negated: false,
                }),
                PREC_CMP,
                r,
            )
        }
        _ => {
            let (op, _) = StrOp::ALL
                .iter()
                .find(|(op, kw)| *kw == name && *op != StrOp::MatchesRegex)?;
            (Infix::Bin(BinOp::Str { op: *op, negated }), PREC_CMP, rest)
        }
    };
    Some(found)
}

/// Precedence climbing: an operand, then every infix operator binding at
/// least as tightly as `min`, left-associatively.
fn binary<'a>(c: &Ctx, i: &'a str, min: u8) -> PResult<'a, Expr> {
    let (mut rest, mut lhs) = unary(c, i)?;
    // Each chained operator deepens the (left-leaning) tree by one level.
    let mut guards = Vec::new();
    // After `x in (…)` or `x between (…)` nothing was absorbed on the right,
    // so a tighter operator (`x in (1) + 2`) must not apply to the whole.
    let mut max = u8::MAX;
    while let Some((op, prec, after)) = infix(rest) {
        if prec < min || prec > max {
            break;
        }
        if !matches!(op, Infix::Bin(_) | Infix::Like(_)) {
            max = prec;
        }
        guards.push(c.grow(ws(rest))?);
        let (r, e) = apply_infix(c, lhs, op, prec, after)?;
        lhs = e;
        rest = r;
    }
    if let Some((w, _)) = word(ws(rest))
        && UNSUPPORTED_INFIX.contains(&w)
    {
        let at = ws(rest);
        return fatal(
            at,
            w.len(),
            format!("`{w}` is not a Kusto operator"),
            Some(format!("write `!{}`", &w[3..])),
        );
    }
    Ok((rest, lhs))
}

/// Parses the right operand of `op` (input `after` the operator) and builds
/// the node. Once an operator is consumed an operand must follow: `cut`, so
/// `where x >` reports the missing operand rather than a stray `>`.
fn apply_infix<'a>(c: &Ctx, lhs: Expr, op: Infix, prec: u8, after: &'a str) -> PResult<'a, Expr> {
    let start = lhs.span;
    let (r, kind) = match op {
        Infix::Bin(op) => {
            let (r, rhs) = cut_err(binary(c, after, prec + 1))?;
            (
                r,
                ExprKind::Binary {
                    op,
                    lhs: Box::new(lhs),
                    rhs: Box::new(rhs),
                },
            )
        }
        Infix::Like(op) => {
            let (r, rhs) = cut_err(binary(c, after, prec + 1))?;
            (
                r,
                ExprKind::Like {
                    op,
                    lhs: Box::new(lhs),
                    rhs: Box::new(rhs),
                },
            )
        }
        Infix::List(op) => {
            let (r, list) = cut_err(paren_list(c, after))?;
            (
                r,
                ExprKind::InList {
                    expr: Box::new(lhs),
                    op,
                    list,
                },
            )
        }
        Infix::Between { negated } => {
            let (r, (low, high)) = cut_err(between_range(c, after))?;
            let (low, high) = (Box::new(low), Box::new(high));
            (
                r,
                ExprKind::Between {
                    expr: Box::new(lhs),
                    negated,
                    low,
                    high,
                },
            )
        }
    };
    Ok((
        r,
        Expr {
            kind,
            span: start.to(c.span(r, r)),
        },
    ))
}

/// Infix operators KQL has that hunt does not parse yet; naming them gives a
/// clearer error than "expected end of input".
const UNSUPPORTED_INFIX: [&str; 1] = ["nothas"];

/// `(a, b, …)` after a list operator.
fn paren_list<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Vec<Expr>> {
    let (mut rest, _) = sym(i, "(")?;
    let mut items = Vec::new();
    if let Some(r) = peek_sym(rest, ")") {
        return Ok((r, items));
    }
    loop {
        let (r, e) = expr_or_pipeline(c, rest)?;
        items.push(e);
        let r = ws(r);
        if let Some(r) = r.strip_prefix(',') {
            rest = r;
        } else if let Some(r) = r.strip_prefix(')') {
            return Ok((r, items));
        } else {
            return err(r, Expected::Desc("`,` or `)`"));
        }
    }
}

/// `(low .. high)` after `between`.
fn between_range<'a>(c: &Ctx, i: &'a str) -> PResult<'a, (Expr, Expr)> {
    let (r, _) = sym(i, "(")?;
    let (r, low) = expr(c, r)?;
    let (r, _) = sym(r, "..")?;
    let (r, high) = expr(c, r)?;
    let (r, _) = sym(r, ")")?;
    Ok((r, (low, high)))
}

/// Unary `-` / `+`, then a postfix expression.
fn unary<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Expr> {
    let i = ws(i);
    match i.chars().next() {
        Some('-') => neg_expr(c, i),
        Some('+') => plus_expr(c, i),
        _ => postfix(c, i),
    }
}

/// `-x`; `i` starts at `-`.
fn neg_expr<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Expr> {
    // `-9223372036854775808` is the smallest long, though its digits alone overflow.
    if let Some(r) = i.strip_prefix("-9223372036854775808")
        && !r.starts_with(|ch: char| is_ident_char(ch) || ch == '.')
    {
        return Ok((
            r,
            Expr {
                kind: ExprKind::Literal(Literal::Long(i64::MIN)),
                span: c.span(i, r),
            },
        ));
    }
    let _depth = c.descend(i)?;
    let (r, e) = cut_err(unary(c, &i[1..]))?;
    Ok((
        r,
        Expr {
            kind: ExprKind::Neg(Box::new(e)),
            span: c.span(i, r),
        },
    ))
}

/// `+x`, which changes nothing: the operand, with its span widened.
fn plus_expr<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Expr> {
    let _depth = c.descend(i)?;
    let (r, mut e) = cut_err(unary(c, &i[1..]))?;
    e.span = c.span(i, r);
    Ok((r, e))
}

/// A primary expression followed by `.name` and `[index]` suffixes.
fn postfix<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Expr> {
    let (mut rest, mut e) = primary(c, i)?;
    let mut guards = Vec::new();
    loop {
        // `..` belongs to `between (a .. b)`.
        let member = rest.starts_with('.') && !rest.starts_with("..");
        if !member && !rest.starts_with('[') {
            break;
        }
        guards.push(c.grow(rest)?);
        let (r, next) = if member {
            member_suffix(c, e, rest)?
        } else {
            index_suffix(c, e, rest)?
        };
        e = next;
        rest = r;
    }
    Ok((rest, e))
}

/// A postfix expression (`f(x).a[0]`): no infix operators.
pub(crate) fn postfix_expr<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Expr> {
    let i = ws(i);
    let _depth = c.descend(i)?;
    postfix(c, i)
}

/// `.name` after `e`; `i` starts at the dot.
fn member_suffix<'a>(c: &Ctx, e: Expr, i: &'a str) -> PResult<'a, Expr> {
    let after_dot = ws(&i[1..]);
    // `d.[key]` with a non-literal key is an index: `d[key]`.
    if let Some(inner) = after_dot.strip_prefix('[')
        && !starts_string(ws(inner))
    {
        return index_suffix(c, e, after_dot);
    }
    // `X.$current_database` (scope properties inside `macro-expand`).
    let (r, name) = if after_dot.starts_with('$') {
        dollar_name(c, after_dot)?
    } else if c.patterns.get() {
        cut_err(column_pattern(c, after_dot))?
    } else {
        cut_err(ident(c, after_dot))?
    };
    if let Some(args) = peek_sym(r, "(") {
        return method_call(c, e, name, args);
    }
    let span = e.span.to(name.span);
    Ok((
        r,
        Expr {
            kind: ExprKind::Member {
                expr: Box::new(e),
                name,
            },
            span,
        },
    ))
}

/// `$name` after a dot; `i` starts at `$`.
fn dollar_name<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Ident> {
    let Some((w, r)) = word(&i[1..]) else {
        return cut_err(err(&i[1..], Expected::Desc("an identifier")));
    };
    Ok((
        r,
        Ident {
            name: format!("${w}"),
            span: c.span(i, r),
        },
    ))
}

/// `e.name(args)`; `args` is the input after `(`. Its own function so the
/// argument list's locals are not on the stack of every member access.
#[inline(never)]
fn method_call<'a>(c: &Ctx, e: Expr, name: Ident, args: &'a str) -> PResult<'a, Expr> {
    let (r, args) = cut_err(call_args(c, args))?;
    let span = e.span.to(c.span(r, r));
    Ok((
        r,
        Expr {
            kind: ExprKind::MethodCall {
                receiver: Box::new(e),
                name,
                args,
            },
            span,
        },
    ))
}

/// `[index]` after `e`; `i` starts at the bracket.
fn index_suffix<'a>(c: &Ctx, e: Expr, i: &'a str) -> PResult<'a, Expr> {
    let (r, index) = cut_err(expr(c, &i[1..]))?;
    let (r, _) = cut_err(sym(r, "]"))?;
    let span = e.span.to(c.span(r, r));
    Ok((
        r,
        Expr {
            kind: ExprKind::Index {
                expr: Box::new(e),
                index: Box::new(index),
            },
            span,
        },
    ))
}

// Stack use: the parser recurses once per nesting level through `expr`,
// `binary`, `unary`, `postfix`, `primary` and one of the small helpers below.
// Unoptimized builds give every local its own stack slot, so each alternative
// lives in its own function: only the taken branch's locals are on the stack.

/// Literals, identifiers, `$left.X`, calls, typed literals and `(expr)`.
fn primary<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Expr> {
    let i = ws(i);
    match i.chars().next() {
        Some('(') => paren_expr(c, i),
        Some(ch) if ch.is_ascii_digit() => number_expr(c, i),
        Some('$') => join_side_expr(c, i),
        Some('[') => bracketed_expr(c, i),
        Some(_) if starts_string(i) => string_expr(c, i),
        Some(ch) if ch.is_ascii_alphabetic() || ch == '_' => word_expr(c, i),
        // `* has "x"`: any column, in `where`, `search` and `find`.
        Some('*') if star_operand(&i[1..]) => star_expr(c, i),
        _ => err(i, Expected::Desc("an expression")),
    }
}

/// `*` as an operand; `i` starts at it.
fn star_expr<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Expr> {
    let r = &i[1..];
    Ok((
        r,
        Expr {
            kind: ExprKind::Star,
            span: c.span(i, r),
        },
    ))
}

/// True if `*` (with `rest` after it) is an operand: a string operator or `==`
/// follows (`* has "x"`, `* !contains "y"`, `* =~ "z"`), as Kusto's grammar has it.
fn star_operand(rest: &str) -> bool {
    let next = ws(rest);
    next.starts_with(|ch: char| ch.is_ascii_alphabetic() || ch == '!' || ch == '=')
        && infix(next).is_some()
}

/// `(expr)`
fn paren_expr<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Expr> {
    let (r, inner) = expr_or_pipeline(c, &i[1..])?;
    let (r, _) = sym(r, ")")?;
    Ok((
        r,
        Expr {
            kind: ExprKind::Paren(Box::new(inner)),
            span: c.span(i, r),
        },
    ))
}

/// A string literal (adjacent literals concatenated).
fn string_expr<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Expr> {
    let Some(res) = strings(c, i) else {
        return err(i, Expected::Desc("an expression"));
    };
    let (r, (s, span)) = res?;
    Ok((
        r,
        Expr {
            kind: ExprKind::Literal(Literal::String(s)),
            span,
        },
    ))
}

/// A number or timespan literal.
fn number_expr<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Expr> {
    let (r, l) = number(i)?;
    Ok((
        r,
        Expr {
            kind: ExprKind::Literal(l),
            span: c.span(i, r),
        },
    ))
}

/// `$left.X` / `$right.X`
fn join_side_expr<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Expr> {
    let r = &i[1..];
    let side = match word(r) {
        Some(("left", r)) => Some((JoinSide::Left, r)),
        Some(("right", r)) => Some((JoinSide::Right, r)),
        _ => None,
    };
    let Some((side, r)) = side else {
        let len = 1 + word(r).map_or(0, |(w, _)| w.len());
        return fatal(i, len, "expected `$left` or `$right`", None);
    };
    let (r, _) = cut_err(sym(r, "."))?;
    let (r, column) = cut_err(ident(c, r))?;
    Ok((
        r,
        Expr {
            kind: ExprKind::JoinSide { side, column },
            span: c.span(i, r),
        },
    ))
}

/// `['name']` as a column reference (or, in a search predicate, `['name']:term`: the
/// printer quotes a keyword column so).
fn bracketed_expr<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Expr> {
    let (r, id) = bracketed_ident(c, i)?;
    if c.search_terms.get()
        && let Some(term) = r.strip_prefix(':')
        && !term.starts_with(':')
    {
        return column_term_of(c, i, id, term);
    }
    let span = id.span;
    Ok((
        r,
        Expr {
            kind: ExprKind::Ident(id),
            span,
        },
    ))
}

/// A word: `true`/`false`, a typed literal `datetime(…)`, a call `f(…)` or
/// an identifier.
fn word_expr<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Expr> {
    let Some((w, rest)) = word(i) else {
        return err(i, Expected::Desc("an expression"));
    };
    let lit = |r: &'a str, l: Literal| {
        Ok((
            r,
            Expr {
                kind: ExprKind::Literal(l),
                span: c.span(i, r),
            },
        ))
    };
    match w {
        "true" | "True" | "TRUE" => return lit(rest, Literal::Bool(true)),
        "false" | "False" | "FALSE" => return lit(rest, Literal::Bool(false)),
        "not" if prefix_not(rest) => return not_expr(c, i, rest),
        "typeof" if peek_sym(rest, "(").is_some() => return typeof_expr(c, i, rest),
        "entity_group" if peek_sym(rest, "[").is_some() => return entity_group(c, i, rest),
        _ => {}
    }
    if c.search_terms.get()
        && let Some(r) = rest.strip_prefix(':')
        && !r.starts_with(':')
    {
        return column_term(c, i, w, rest, r);
    }
    if let Some(args) = peek_sym(rest, "(") {
        if TYPED_LITERALS.contains(&w) {
            let (r, text) = typed_text(rest)?;
            return lit(
                r,
                Literal::Typed {
                    ty: w.to_string(),
                    text,
                },
            );
        }
        // `union(…)`/`print(…)` where an expression stands (`+union(x)`): Kusto has no such
        // functions, and the text would read back as the operator.
        if matches!(w, "union" | "print") {
            return super::fatal(
                i,
                w.len(),
                format!("`{w}` is an operator, not a function"),
                Some(format!("start a query or a subquery with `{w}`")),
            );
        }
        return call_expr(c, i, w, rest, args);
    }
    let id = Ident {
        name: w.to_string(),
        span: c.span(i, rest),
    };
    Ok((
        rest,
        Expr {
            kind: ExprKind::Ident(id),
            span: c.span(i, rest),
        },
    ))
}

/// `name(args)`; `args` is the input after `(`.
fn call_expr<'a>(c: &Ctx, i: &'a str, w: &str, rest: &'a str, args: &'a str) -> PResult<'a, Expr> {
    let name = Ident {
        name: w.to_string(),
        span: c.span(i, rest),
    };
    let (r, args) = cut_err(call_args(c, args))?;
    Ok((
        r,
        Expr {
            kind: ExprKind::Call { name, args },
            span: c.span(i, r),
        },
    ))
}

/// Call arguments after `(`, up to and including `)`. `*` is an argument.
pub(crate) fn call_args<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Vec<Expr>> {
    let mut args = Vec::new();
    if let Some(r) = peek_sym(i, ")") {
        return Ok((r, args));
    }
    let mut rest = i;
    loop {
        let a = ws(rest);
        let (r, e) = match a.strip_prefix('*') {
            Some(r) if peek_sym(r, ",").is_some() || peek_sym(r, ")").is_some() => (
                r,
                Expr {
                    kind: ExprKind::Star,
                    span: c.span(a, r),
                },
            ),
            _ => call_arg(c, a)?,
        };
        args.push(e);
        let r = ws(r);
        if let Some(r) = r.strip_prefix(',') {
            rest = r;
        } else if let Some(r) = r.strip_prefix(')') {
            return Ok((r, args));
        } else {
            return err(r, Expected::Desc("`,` or `)`"));
        }
    }
}

/// One call argument: `name = value` (a named argument) or
/// [`expr_or_pipeline`].
fn call_arg<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Expr> {
    let i = ws(i);
    let named = match word(i) {
        Some((_, r)) => peek_assign(r).is_some(),
        None => i.starts_with('[') && is_named_arg(c, i),
    };
    if named {
        return named_arg(c, i);
    }
    expr_or_pipeline(c, i)
}

/// True if `['name'] =` starts at `i`.
#[inline(never)]
fn is_named_arg(c: &Ctx, i: &str) -> bool {
    matches!(bracketed_ident(c, i), Ok((r, _)) if peek_assign(r).is_some())
}

/// `name = value` in an argument list; `i` starts at the name.
#[inline(never)]
fn named_arg<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Expr> {
    let (r, name) = ident(c, i)?;
    let Some(after) = peek_assign(r) else {
        return err(ws(r), Expected::Tok("="));
    };
    let (r, value) = cut_err(expr(c, after))?;
    Ok((
        r,
        Expr {
            kind: ExprKind::NamedArg {
                name,
                value: Box::new(value),
            },
            span: c.span(i, r),
        },
    ))
}

/// An expression, or a tabular expression where KQL allows one inside
/// parentheses (call arguments, `in (…)` lists, `(…)`): it starts with a
/// tabular keyword (`print`, `range x from`, `datatable(…)`, …) or an
/// expression is followed by `|`. The pipeline becomes [`ExprKind::Subquery`].
///
/// This sits on the recursion path of every nested call and parenthesis,
/// so the pipeline cases live in their own functions (keeping this frame
/// small in unoptimized builds).
pub(crate) fn expr_or_pipeline<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Expr> {
    let i = ws(i);
    if starts_tabular(i) {
        return tabular_subquery(c, i);
    }
    let (r, e) = expr(c, i)?;
    if peek_sym(r, "|").is_none() {
        return Ok((r, e));
    }
    piped_subquery(c, i, e, r)
}

/// A subquery that starts with a tabular keyword.
#[inline(never)]
fn tabular_subquery<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Expr> {
    let (r, p) = pipeline(c, i)?;
    let span = p.span;
    Ok((
        r,
        Expr {
            kind: ExprKind::Subquery(Box::new(p)),
            span,
        },
    ))
}

/// A subquery whose source `e` (starting at `i`) was parsed as an
/// expression and is followed by `|` at `r`.
#[inline(never)]
fn piped_subquery<'a>(c: &Ctx, i: &'a str, e: Expr, r: &'a str) -> PResult<'a, Expr> {
    let (r, p) = continue_pipeline(c, i, source_from_expr(e), r)?;
    let span = p.span;
    Ok((
        r,
        Expr {
            kind: ExprKind::Subquery(Box::new(p)),
            span,
        },
    ))
}

/// True if the word `not` (input `rest` after it) is the prefix operator
/// `not x` rather than a name: an operand must follow, and not an operator
/// or a clause keyword. `not(x)` is an ordinary call.
fn prefix_not(rest: &str) -> bool {
    let next = ws(rest);
    if next.starts_with('(') || infix(rest).is_some() {
        return false;
    }
    match word(next) {
        Some((w, _)) => !CLAUSE_WORDS.contains(&w),
        None => {
            next.starts_with(|ch: char| ch.is_ascii_digit() || matches!(ch, '$' | '!' | '['))
                || starts_string(next)
        }
    }
}

/// Words that end an expression inside an operator; `not` before one of
/// them is a name.
const CLAUSE_WORDS: [&str; 14] = [
    "by", "on", "to", "step", "from", "asc", "desc", "nulls", "with", "limit", "of", "default",
    "as", "kind",
];

/// `not x` without parentheses: read as the call `not(x)` (the operand is a
/// postfix expression, so `not a == b` is `not(a) == b`).
fn not_expr<'a>(c: &Ctx, i: &'a str, rest: &'a str) -> PResult<'a, Expr> {
    let _depth = c.descend(i)?;
    let name = Ident {
        name: "not".into(),
        span: c.span(i, rest),
    };
    let (r, arg) = cut_err(unary(c, rest))?;
    Ok((
        r,
        Expr {
            kind: ExprKind::Call {
                name,
                args: vec![arg],
            },
            span: c.span(i, r),
        },
    ))
}

/// `typeof(long)` or `typeof(*, x:double)`; `rest` is after `typeof`.
fn typeof_expr<'a>(c: &Ctx, i: &'a str, rest: &'a str) -> PResult<'a, Expr> {
    let (r, items) = cut_err(schema(c, rest, true))?;
    Ok((
        r,
        Expr {
            kind: ExprKind::TypeOf(items),
            span: c.span(i, r),
        },
    ))
}

/// `(a:long, *)` — a schema in parentheses. With `bare_types`, an element
/// may be a type name alone (`typeof(string)`).
pub(crate) fn schema<'a>(c: &Ctx, i: &'a str, bare_types: bool) -> PResult<'a, Vec<SchemaItem>> {
    let (mut r, _) = sym(i, "(")?;
    let mut items = Vec::new();
    if let Some(after) = peek_sym(r, ")") {
        return Ok((after, items));
    }
    loop {
        if let Some(after) = peek_sym(r, "*") {
            items.push(SchemaItem::Star);
            r = after;
        } else {
            let (after, name) = ident(c, r)?;
            if let Some(after) = peek_sym(after, ":") {
                let (after, ty) = ident(c, after)?;
                items.push(SchemaItem::Column { name, ty });
                r = after;
            } else if bare_types {
                items.push(SchemaItem::Type(name));
                r = after;
            } else {
                return err(ws(after), Expected::Tok(":"));
            }
        }
        if let Some(after) = peek_sym(r, ",") {
            r = after;
            continue;
        }
        let (after, _) = sym(r, ")")?;
        return Ok((after, items));
    }
}

/// `entity_group [e1, e2]`; `rest` is after the keyword.
fn entity_group<'a>(c: &Ctx, i: &'a str, rest: &'a str) -> PResult<'a, Expr> {
    let (r, _) = sym(rest, "[")?;
    let (r, items) = cut_err(comma_list(c, r, expr))?;
    let (r, _) = cut_err(sym(r, "]"))?;
    Ok((
        r,
        Expr {
            kind: ExprKind::EntityGroup(items),
            span: c.span(i, r),
        },
    ))
}

/// `Column:term` in a search predicate; `w` is the column, `term` the input
/// after the colon.
fn column_term<'a>(
    c: &Ctx,
    i: &'a str,
    w: &str,
    rest: &'a str,
    term: &'a str,
) -> PResult<'a, Expr> {
    let column = Ident {
        name: w.to_string(),
        span: c.span(i, rest),
    };
    column_term_of(c, i, column, term)
}

/// `column:term` with the column read, `term` the text after the `:`.
fn column_term_of<'a>(c: &Ctx, i: &'a str, column: Ident, term: &'a str) -> PResult<'a, Expr> {
    let _depth = c.descend(i)?;
    let (r, t) = cut_err(unary(c, term))?;
    Ok((
        r,
        Expr {
            kind: ExprKind::ColumnTerm {
                column,
                term: Box::new(t),
            },
            span: c.span(i, r),
        },
    ))
}

/// `expr`, `Name = expr` or `(A, B) = expr`.
pub(crate) fn named_expr<'a>(c: &Ctx, i: &'a str) -> PResult<'a, NamedExpr> {
    let i = ws(i);
    // A name may start with a digit when it is assigned: `5h_Avg = …`.
    if i.starts_with(|ch: char| ch.is_ascii_digit()) {
        let end = i.find(|ch: char| !is_ident_char(ch)).unwrap_or(i.len());
        let (text, r) = i.split_at(end);
        if text.contains(|ch: char| ch.is_ascii_alphabetic() || ch == '_')
            && number(i).is_err()
            && let Some(after) = peek_assign(r)
        {
            let name = Ident {
                name: text.to_string(),
                span: c.span(i, r),
            };
            let (r, e) = cut_err(expr(c, after))?;
            return Ok((
                r,
                NamedExpr {
                    names: vec![name],
                    expr: e,
                },
            ));
        }
    }
    if let Ok((r, name)) = ident(c, i)
        && let Some(r) = peek_assign(r)
    {
        let (r, e) = cut_err(expr(c, r))?;
        return Ok((
            r,
            NamedExpr {
                names: vec![name],
                expr: e,
            },
        ));
    }
    if let Some(r) = i.strip_prefix('(')
        && let Ok((r, names)) = comma_list(c, r, ident)
        && let Some(r) = peek_sym(r, ")")
        && let Some(r) = peek_assign(r)
    {
        let (r, e) = cut_err(expr(c, r))?;
        return Ok((r, NamedExpr { names, expr: e }));
    }
    let (r, e) = expr(c, i)?;
    Ok((
        r,
        NamedExpr {
            names: Vec::new(),
            expr: e,
        },
    ))
}

/// One or more items separated by `,`. An item must follow every comma.
pub(crate) fn comma_list<'a, T>(
    c: &Ctx,
    i: &'a str,
    f: impl Fn(&Ctx, &'a str) -> PResult<'a, T>,
) -> PResult<'a, Vec<T>> {
    let (mut rest, first) = f(c, i)?;
    let mut items = vec![first];
    while let Some(r) = peek_sym(rest, ",") {
        let (r, item) = f(c, r)?;
        items.push(item);
        rest = r;
    }
    Ok((rest, items))
}

/// A parameter value (`kind=inner`, `withsource=T`, `isfuzzy=true`): a
/// literal or a bare word, never a call, so `kind=inner (R)` is not `inner(R)`.
pub(crate) fn param_value<'a>(c: &Ctx, i: &'a str) -> PResult<'a, Expr> {
    let i = ws(i);
    if i.starts_with(|ch: char| ch.is_ascii_digit() || ch == '-') {
        // A number (possibly negative) and nothing more: `6.I` is not a parameter value,
        // so `find x=6.I …` reads `x=6.I` as the predicate, as its print reads back.
        let (r, e) = unary(c, i)?;
        let literal = |e: &Expr| matches!(e.kind, ExprKind::Literal(_));
        return match &e.kind {
            ExprKind::Literal(_) => Ok((r, e)),
            ExprKind::Neg(inner) if literal(inner) => Ok((r, e)),
            _ => err(i, Expected::Desc("a parameter value")),
        };
    }
    if i.starts_with('[') || starts_string(i) {
        return unary(c, i);
    }
    match word(i) {
        Some(("true" | "True" | "TRUE" | "false" | "False" | "FALSE", _)) => primary(c, i),
        Some((w, rest)) => {
            let id = Ident {
                name: w.to_string(),
                span: c.span(i, rest),
            };
            Ok((
                rest,
                Expr {
                    kind: ExprKind::Ident(id),
                    span: c.span(i, rest),
                },
            ))
        }
        None => err(i, Expected::Desc("a parameter value")),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::ast::{BinOp, ExprKind, JoinSide, LikeOp, ListOp, StrOp};
    use crate::test_util::{canonical, parse_err, print_expr, verified, where_expr};

    /// Shape of an expression as an S-expression, ignoring spans.
    fn sexp(src: &str) -> String {
        fn go(e: &crate::ast::Expr) -> String {
            match &e.kind {
                ExprKind::Binary { op, lhs, rhs } => format!("({op} {} {})", go(lhs), go(rhs)),
                ExprKind::Neg(x) => format!("(neg {})", go(x)),
                ExprKind::Paren(x) => format!("[{}]", go(x)),
                ExprKind::Member { expr, name } => format!("(. {} {})", go(expr), name.name),
                ExprKind::Index { expr, index } => format!("(idx {} {})", go(expr), go(index)),
                ExprKind::Call { name, args } => {
                    let a: Vec<String> = args.iter().map(go).collect();
                    format!("{}({})", name.name, a.join(" "))
                }
                ExprKind::Like { op, lhs, rhs } => {
                    format!("({} {} {})", op.keyword(), go(lhs), go(rhs))
                }
                ExprKind::InList { expr, op, list } => {
                    let a: Vec<String> = list.iter().map(go).collect();
                    format!("({op} {} [{}])", go(expr), a.join(" "))
                }
                ExprKind::Between {
                    expr,
                    negated,
                    low,
                    high,
                } => {
                    format!(
                        "({}between {} {} {})",
                        if *negated { "!" } else { "" },
                        go(expr),
                        go(low),
                        go(high)
                    )
                }
                _ => e.to_string(),
            }
        }
        go(&where_expr(src))
    }

    #[test]
    fn precedence_and_associativity() {
        assert_eq!(sexp("a or b and c"), "(or a (and b c))");
        assert_eq!(sexp("a and b or c"), "(or (and a b) c)");
        assert_eq!(sexp("a == 1 and b != 2"), "(and (== a 1) (!= b 2))");
        assert_eq!(
            sexp("a + b * c == d - e / f % g"),
            "(== (+ a (* b c)) (- d (% (/ e f) g)))"
        );
        assert_eq!(sexp("a - b - c"), "(- (- a b) c)");
        assert_eq!(sexp("(a - b) * c"), "(* [(- a b)] c)");
        assert_eq!(sexp("-a.b * 2"), "(* (neg (. a b)) 2)");
        assert_eq!(sexp("a + b in (1, 2)"), "(in (+ a b) [1 2])");
        assert_eq!(sexp("x between (1 .. 2) and y"), "(and (between x 1 2) y)");
        assert_eq!(sexp("x in (1) == true"), "(== (in x [1]) true)");
        assert_eq!(sexp("(x in (1)) + 1"), "(+ [(in x [1])] 1)");
        let e = parse_err("T | where x in (1) + 1");
        assert_eq!((e.span.start, e.span.end), (19, 20));
    }

    #[test]
    fn comparison_operators() {
        for (src, op) in [
            ("==", BinOp::Eq),
            ("!=", BinOp::Ne),
            ("<>", BinOp::Ne),
            ("<", BinOp::Lt),
            ("<=", BinOp::Le),
            (">", BinOp::Gt),
            (">=", BinOp::Ge),
            ("=~", BinOp::EqCi),
            ("!~", BinOp::NeCi),
        ] {
            let e = where_expr(&format!("a {src} 1"));
            assert!(
                matches!(e.kind, ExprKind::Binary { op: o, .. } if o == op),
                "{src}"
            );
        }
        canonical(
            "T | where a<>1 and b=~'x' and c!~\"y\"",
            "T\n| where a != 1 and b =~ \"x\" and c !~ \"y\"",
        );
    }

    #[test]
    fn string_operators_and_negations() {
        for (op, kw) in StrOp::ALL {
            let e = where_expr(&format!("a {kw} \"x\""));
            assert!(
                matches!(e.kind, ExprKind::Binary { op: BinOp::Str { op: o, negated: false }, .. } if o == op)
            );
            if op != StrOp::MatchesRegex {
                let e = where_expr(&format!("a !{kw} \"x\""));
                assert!(
                    matches!(e.kind, ExprKind::Binary { op: BinOp::Str { op: o, negated: true }, .. } if o == op),
                    "!{kw}"
                );
                verified(&format!("T\n| where a !{kw} \"x\""));
            }
            verified(&format!("T\n| where a {kw} \"x\""));
        }
        verified(
            "T\n| where FileName matches regex @\"x\" or a has_cs \"B\""
                .replace("@\"x\"", "\"x\"")
                .as_str(),
        );
    }

    #[test]
    fn word_operators_need_a_boundary() {
        // `hasx` is an identifier, so `a hasx` is not `a has x`.
        let e = parse_err("T | where a hasx 'b'");
        assert_eq!((e.span.start, e.span.end), (12, 16));
        // `has_any` is a list operator, not `has` followed by `_any`.
        let e = where_expr("a has_any ('x')");
        assert!(matches!(
            e.kind,
            ExprKind::InList {
                op: ListOp::HasAny,
                ..
            }
        ));
        // `order` and `information` are identifiers, not `or`/`in`.
        assert_eq!(sexp("order or information"), "(or order information)");
        assert_eq!(sexp("android and inner"), "(and android inner)");
    }

    #[test]
    fn list_operators() {
        for (src, op) in [
            ("in", ListOp::In),
            ("!in", ListOp::NotIn),
            ("in~", ListOp::InCi),
            ("!in~", ListOp::NotInCi),
            ("has_any", ListOp::HasAny),
            ("has_all", ListOp::HasAll),
        ] {
            let e = where_expr(&format!("a {src} (1, 'x')"));
            assert!(
                matches!(&e.kind, ExprKind::InList { op: o, list, .. } if *o == op && list.len() == 2),
                "{src}"
            );
            verified(&format!("T\n| where a {src} (1, \"x\")"));
        }
        canonical(
            "T | where Title in('a',\n'b' // c\n)",
            "T\n| where Title in (\"a\", \"b\")",
        );
        verified("T\n| where a in ()");
        // A pipeline inside the list is a subquery.
        let e = where_expr("a in (T | project x)");
        let ExprKind::InList { list, .. } = &e.kind else {
            panic!("{e:?}")
        };
        assert!(matches!(&list[0].kind, ExprKind::Subquery(p) if p.ops.len() == 1));
        verified("T\n| where a in (T | project x)");
        verified("T\n| where a has_any ((T | where b | project c))");
        let e = parse_err("T | where a in 1");
        assert!(e.message.contains("expected `(`"), "{}", e.message);
    }

    #[test]
    fn between() {
        assert_eq!(sexp("t between (a .. b)"), "(between t a b)");
        assert_eq!(sexp("t !between (0min..3min)"), "(!between t 0min 3min)");
        assert_eq!(
            sexp("t between ((a - 1h) ..(a + 1h))"),
            "(between t [(- a 1h)] [(+ a 1h)])"
        );
        assert_eq!(sexp("t between (1..2)"), "(between t 1 2)");
        verified("T\n| where t between (ago(1d) .. now()) and x !between (1.5 .. 2.5)");
        let e = parse_err("T | where t between (1, 2)");
        assert!(e.message.contains("expected `..`"), "{}", e.message);
    }

    #[test]
    fn unary_and_postfix() {
        assert_eq!(print_expr("-5").to_string(), "-5");
        assert!(matches!(print_expr("-5").kind, ExprKind::Neg(_)));
        canonical("print +5, - -x, -(1 + 2)", "print 5, - -x, -(1 + 2)");
        assert_eq!(sexp("d.a.b"), "(. (. d a) b)");
        assert_eq!(sexp("d['k'][0].x"), "(. (idx (idx d \"k\") 0) x)");
        assert_eq!(
            sexp("parse_json(f).Account.Sid"),
            "(. (. parse_json(f) Account) Sid)"
        );
        verified("print d.['a b'], d[\"k\"], arr[-1], f(x)[0]");
    }

    #[test]
    fn primaries() {
        let e = print_expr("$left.AlertId");
        assert!(
            matches!(&e.kind, ExprKind::JoinSide { side: JoinSide::Left, column } if column.name == "AlertId")
        );
        let e = print_expr("$right.['x y']");
        assert!(matches!(
            &e.kind,
            ExprKind::JoinSide {
                side: JoinSide::Right,
                ..
            }
        ));
        assert!(matches!(print_expr("['a b']").kind, ExprKind::Ident(_)));
        assert!(matches!(print_expr("(x)").kind, ExprKind::Paren(_)));
        assert_eq!(sexp("count()"), "count()");
        assert_eq!(sexp("arg_max(T, *)"), "arg_max(T *)");
        assert_eq!(sexp("strcat ('a', b)"), "strcat(\"a\" b)");
        assert_eq!(sexp("not(not(x))"), "not(not(x))");
        verified("print count(), arg_max(Timestamp, *), not(isempty(x)), null");
        let e = parse_err("print $lft.x");
        assert_eq!(e.message, "expected `$left` or `$right`");
        assert_eq!((e.span.start, e.span.end), (6, 10));
    }

    #[test]
    fn expression_spans() {
        let e = where_expr("a + f(b, 'c')");
        assert_eq!((e.span.start, e.span.end), (10, 23));
        let ExprKind::Binary { rhs, .. } = &e.kind else {
            panic!()
        };
        assert_eq!((rhs.span.start, rhs.span.end), (14, 23));
        let e = where_expr("(x).y[1]");
        assert_eq!((e.span.start, e.span.end), (10, 18));
        let e = where_expr("x in (1)");
        assert_eq!((e.span.start, e.span.end), (10, 18));
    }

    #[test]
    fn missing_operands_are_errors_at_the_gap() {
        let e = parse_err("T | where x >");
        assert_eq!(e.message, "expected an expression, found end of input");
        assert_eq!((e.span.start, e.span.end), (13, 13));
        let e = parse_err("T | where f(a,");
        assert_eq!((e.span.start, e.span.end), (14, 14));
        let e = parse_err("T | where f(a b)");
        assert_eq!(e.message, "expected `,` or `)`, found `b`");
        let e = parse_err("T | where d.");
        assert!(e.message.contains("identifier"), "{}", e.message);
        let e = parse_err("T | where a nothas 'x'");
        assert_eq!(e.message, "`nothas` is not a Kusto operator");
        assert_eq!(
            sexp("a notcontains 'x' and b notcontainscs 'y' and c containscs 'z'"),
            sexp("a !contains 'x' and b !contains_cs 'y' and c contains_cs 'z'")
        );
        let e = parse_err("T | where a like");
        assert!(
            e.message.contains("expected an expression"),
            "{}",
            e.message
        );
    }

    #[test]
    fn like_family() {
        for (op, kw) in LikeOp::ALL {
            let e = where_expr(&format!("a {kw} \"x*\""));
            assert!(
                matches!(&e.kind, ExprKind::Like { op: o, .. } if *o == op),
                "{kw}"
            );
            verified(&format!("T\n| where a {kw} \"x*\""));
        }
        assert_eq!(sexp("a like 'x' and b"), "(and (like a \"x\") b)");
    }

    #[test]
    fn method_calls() {
        let e = print_expr("\"text\".toupper()");
        assert!(
            matches!(&e.kind, ExprKind::MethodCall { name, args, .. } if name.name == "toupper" && args.is_empty())
        );
        verified("T\n| extend r = Col.split(\",\").count()");
        verified("cluster(\"help\").database(\"Samples\").StormEvents\n| count");
        verified("print d.f(1, 2).g[0]");
    }

    #[test]
    fn subqueries_in_arguments() {
        let e = print_expr("toscalar(T | summarize count())");
        let ExprKind::Call { args, .. } = &e.kind else {
            panic!("{e:?}")
        };
        assert!(matches!(&args[0].kind, ExprKind::Subquery(p) if p.ops.len() == 1));
        verified("print toscalar(T | count)");
        verified("print toscalar(print x = 1)");
        verified("print toscalar(range x from 1 to 9 step 1 | count)");
        verified("print f(datatable(x:string) [\"a\"])");
        verified("print materialize((T | take 1))");
        canonical(
            "print toscalar(T\n| where a\n| count)",
            "print toscalar(T | where a | count)",
        );
    }

    #[test]
    fn named_arguments() {
        let e = where_expr("f(len = 3, input)");
        let ExprKind::Call { args, .. } = &e.kind else {
            panic!("{e:?}")
        };
        assert!(matches!(&args[0].kind, ExprKind::NamedArg { name, .. } if name.name == "len"));
        canonical(
            "T | where f(len=3, x == 1)",
            "T\n| where f(len = 3, x == 1)",
        );
    }

    #[test]
    fn prefix_not_is_a_call() {
        let e = print_expr("not true");
        assert!(
            matches!(&e.kind, ExprKind::Call { name, args } if name.name == "not" && args.len() == 1)
        );
        canonical("print not x.y", "print not(x.y)");
        canonical("print not a == b", "print not(a) == b");
        // Before an operator or a clause keyword, `not` is a name.
        assert!(matches!(print_expr("not").kind, ExprKind::Ident(_)));
        assert!(matches!(
            where_expr("not has 'x'").kind,
            ExprKind::Binary { .. }
        ));
        canonical("T | sort by not asc", "T\n| sort by ['not'] asc");
    }

    #[test]
    fn other_primaries() {
        assert!(matches!(
            where_expr("* has 'x'").kind,
            ExprKind::Binary { .. }
        ));
        verified("T\n| where * has \"cow\"");
        verified("T\n| where * contains \"a\" or * !contains \"b\"");
        assert!(matches!(
            print_expr("typeof(string)").kind,
            ExprKind::TypeOf(_)
        ));
        verified("print typeof(*, fx:double), typeof(long)");
        verified(
            "let g = entity_group [cluster(\"a\").database(\"b\"), cluster(\"c\").database(\"d\")]",
        );
        canonical("T | extend 5h_Avg = 1", "T\n| extend ['5h_Avg'] = 1");
        canonical("print d.[k]", "print d[k]");
        canonical("print d.['k']", "print d.k");
        let e = print_expr("X.$current_database");
        assert!(
            matches!(&e.kind, ExprKind::Member { name, .. } if name.name == "$current_database")
        );
    }

    #[test]
    fn named_expressions() {
        verified("T\n| extend A = 1, B = a + b, c");
        verified("T\n| summarize (A, B) = arg_max(Timestamp, Account)");
        verified("T\n| project ['a b'] = x, (y)");
        canonical("T | extend (A) = 1", "T\n| extend A = 1");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        for open in ["(", "not(", "-", "f(1, ", "d["] {
            let src = format!("print {}", open.repeat(10_000));
            let e = parse_err(&src);
            assert!(
                e.message.contains("nests too deeply") || e.message.contains("too deep"),
                "{open}: {}",
                e.message
            );
        }
        let chain = format!("print 1{}", " + 1".repeat(10_000));
        assert!(parse_err(&chain).message.contains("too deep"));
        let members = format!("print d{}", ".a".repeat(10_000));
        assert!(parse_err(&members).message.contains("too deep"));
        // Depth up to the limit is fine.
        let ok = format!("print {}1{}", "(".repeat(60), ")".repeat(60));
        crate::parse(&ok).unwrap();
        let ok = format!("print 1{}", " or x".repeat(200));
        let printed = crate::parse(&ok).unwrap().to_string();
        assert_eq!(crate::parse(&printed).unwrap().to_string(), printed);
    }
}
