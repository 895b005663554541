//! Planning `T | search …`: bare string terms match any column with `has` semantics
//! (`kind=case_sensitive`: `has_cs`); `"abc*"`, `"*abc"` and `"*abc*"` are prefix, suffix
//! and substring matches; `Col:"x"` limits a term to one column; other predicates are
//! ordinary expressions. The output starts with `$table` (`search_arg0`), as the Kusto
//! oracle shows.

use super::Scope;
use super::exprs::{bind_expr, to_string_expr};
use crate::error::PlanError;
use crate::expr::{Expr, Func, Scalar};
use crate::logical_plan::LogicalPlan;
use crate::types::{KqlType, Schema};
use hunt_syntax::Span;
use hunt_syntax::ast::{self, StrOp};

fn term_match(col: Expr, term: &str, cs: bool, span: Span) -> Expr {
    let (op, needle) = match (term.strip_prefix('*'), term.strip_suffix('*')) {
        (Some(rest), _) if rest.ends_with('*') && rest.len() > 1 => (
            if cs {
                StrOp::ContainsCs
            } else {
                StrOp::Contains
            },
            &rest[..rest.len() - 1],
        ),
        (Some(rest), _) => (
            if cs {
                StrOp::HasSuffixCs
            } else {
                StrOp::HasSuffix
            },
            rest,
        ),
        (None, Some(rest)) => (
            if cs {
                StrOp::HasPrefixCs
            } else {
                StrOp::HasPrefix
            },
            rest,
        ),
        (None, None) => (if cs { StrOp::HasCs } else { StrOp::Has }, term),
    };
    let needle = Expr::literal(Scalar::String(needle.to_string().into()), span);
    Expr::call(
        Func::Str(op, false),
        vec![to_string_expr(col), needle],
        KqlType::Bool,
        span,
    )
}

fn any_column(schema: &Schema, term: &str, cs: bool, span: Span) -> Expr {
    let mut acc: Option<Expr> = None;
    for f in &schema.fields {
        let m = term_match(Expr::column(&f.name, f.ty, span), term, cs, span);
        acc = Some(match acc {
            None => m,
            Some(a) => Expr::call(Func::Or, vec![a, m], KqlType::Bool, span),
        });
    }
    acc.unwrap_or_else(|| Expr::literal(Scalar::Bool(false), span))
}

/// `* op rhs` in a predicate (`where`, `search`): Kusto's grammar allows `*` as the left
/// operand of every string operator (`StringOperation` in its QueryGrammar). The operator
/// applies to each column as a string (`search "1"` finds a long column holding 1, as the
/// Kusto oracle shows); a positive operator holds when some column satisfies it, a negated
/// one (`* !contains "x"`) when no column satisfies the positive form (the oracle:
/// `where * contains "needle" or * !contains "row"` drops the row whose text has "row"
/// although its number column does not).
pub(crate) fn bind_star_op(
    op: ast::BinOp,
    rhs: Expr,
    sc: &Scope<'_>,
    span: Span,
) -> Result<Expr, PlanError> {
    let (positive, negated) = match op {
        ast::BinOp::Str { op, negated } => (Func::Str(op, false), negated),
        ast::BinOp::EqCi => (Func::EqCi, false),
        ast::BinOp::NeCi => (Func::EqCi, true),
        _ => {
            return Err(PlanError::unsupported(
                span,
                "`* ==` (the docs do not say how a column of another type compares)",
            ));
        }
    };
    let rhs = to_string_expr(rhs);
    let mut acc: Option<Expr> = None;
    for f in &sc.schema.fields {
        let col = to_string_expr(Expr::column(&f.name, f.ty, span));
        let m = Expr::call(positive, vec![col, rhs.clone()], KqlType::Bool, span);
        acc = Some(match acc {
            None => m,
            Some(a) => Expr::call(Func::Or, vec![a, m], KqlType::Bool, span),
        });
    }
    let any = acc.unwrap_or_else(|| Expr::literal(Scalar::Bool(false), span));
    Ok(if negated {
        Expr::call(Func::Not, vec![any], KqlType::Bool, span)
    } else {
        any
    })
}

pub(crate) fn bind_search(e: &ast::Expr, sc: &Scope<'_>, cs: bool) -> Result<Expr, PlanError> {
    let span = e.span;
    match &e.kind {
        ast::ExprKind::Literal(ast::Literal::String(t)) => Ok(any_column(sc.schema, t, cs, span)),
        ast::ExprKind::Literal(_) => Err(PlanError::unsupported(
            span,
            "a search term that is not a string",
        )),
        ast::ExprKind::ColumnTerm { column, term } => {
            let ast::ExprKind::Literal(ast::Literal::String(t)) = &term.kind else {
                return Err(PlanError::unsupported(
                    term.span,
                    "a search term that is not a string",
                ));
            };
            let col = bind_expr(
                &ast::Expr {
                    kind: ast::ExprKind::Ident(column.clone()),
                    span: column.span,
                },
                sc,
            )?;
            Ok(term_match(col, t, cs, span))
        }
        ast::ExprKind::Paren(inner) => bind_search(inner, sc, cs),
        ast::ExprKind::Binary {
            op: op @ (ast::BinOp::And | ast::BinOp::Or),
            lhs,
            rhs,
        } => {
            let f = if *op == ast::BinOp::And {
                Func::And
            } else {
                Func::Or
            };
            Ok(Expr::call(
                f,
                vec![bind_search(lhs, sc, cs)?, bind_search(rhs, sc, cs)?],
                KqlType::Bool,
                span,
            ))
        }
        ast::ExprKind::Call { name, args } if name.name == "not" && args.len() == 1 => {
            Ok(Expr::call(
                Func::Not,
                vec![bind_search(&args[0], sc, cs)?],
                KqlType::Bool,
                span,
            ))
        }
        _ => {
            let p = bind_expr(e, sc)?;
            if p.ty != KqlType::Bool {
                return Err(PlanError::ty(
                    span,
                    format!("a search predicate must be bool, got {}", p.ty),
                ));
            }
            Ok(p)
        }
    }
}

pub(crate) fn plan_search(
    input: LogicalPlan,
    sc: &Scope<'_>,
    params: &[(ast::Ident, ast::Expr)],
    tables: &Option<Vec<ast::Expr>>,
    predicate: &ast::Expr,
    source_name: Option<&str>,
    span: Span,
) -> Result<LogicalPlan, PlanError> {
    if tables.is_some() {
        return Err(PlanError::unsupported(span, "`search in (…)` after a pipe"));
    }
    let mut cs = false;
    for (name, value) in params {
        match (name.name.as_str(), &value.kind) {
            ("kind", ast::ExprKind::Ident(v)) if v.name == "case_sensitive" => cs = true,
            ("kind", ast::ExprKind::Ident(v)) if v.name == "case_insensitive" => cs = false,
            _ => {
                return Err(PlanError::unsupported(
                    name.span,
                    format!("the search parameter `{}`", name.name),
                ));
            }
        }
    }
    let pred = bind_search(predicate, sc, cs)?;
    let schema = sc.schema.clone();
    let mut exprs = vec![(
        "$table".to_string(),
        Expr::literal(
            Scalar::String(source_name.unwrap_or("search_arg0").into()),
            span,
        ),
    )];
    exprs.extend(
        schema
            .fields
            .iter()
            .map(|f| (f.name.clone(), Expr::column(&f.name, f.ty, span))),
    );
    Ok(LogicalPlan::Projection {
        input: Box::new(LogicalPlan::Filter {
            input: Box::new(input),
            predicate: pred,
        }),
        exprs,
    })
}
