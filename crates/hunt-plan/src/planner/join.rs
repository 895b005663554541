//! Planning `join`: kind, key pairs and Kusto's output column names.

use crate::error::{PlanError, PlanErrorKind, closest};
use crate::expr::{Expr, Func};
use crate::logical_plan::{JoinKind, LogicalPlan, Side};
use crate::types::{KqlType, Schema};
use hunt_syntax::Span;
use hunt_syntax::ast::{self, BinOp, ExprKind, JoinSide};

fn kind_of(params: &[(ast::Ident, ast::Expr)]) -> Result<JoinKind, PlanError> {
    let mut kind = JoinKind::InnerUnique;
    for (name, value) in params {
        match name.name.as_str() {
            "kind" => {
                let ExprKind::Ident(v) = &value.kind else {
                    return Err(PlanError::invalid(
                        value.span,
                        "expected a join kind such as `inner`",
                    ));
                };
                kind = match v.name.as_str() {
                    "innerunique" => JoinKind::InnerUnique,
                    "inner" => JoinKind::Inner,
                    "leftouter" => JoinKind::LeftOuter,
                    "rightouter" => JoinKind::RightOuter,
                    "fullouter" | "outer" => JoinKind::FullOuter,
                    "leftsemi" => JoinKind::LeftSemi,
                    "leftanti" | "anti" | "leftantisemi" => JoinKind::LeftAnti,
                    "rightsemi" => JoinKind::RightSemi,
                    "rightanti" | "rightantisemi" => JoinKind::RightAnti,
                    other => {
                        return Err(PlanError::invalid(v.span, format!("unknown join kind `{other}`")).with_help(
                            "kinds: innerunique, inner, leftouter, rightouter, fullouter, leftsemi, leftanti, rightsemi, rightanti",
                        ));
                    }
                };
            }
            // Hints change how Kusto distributes the work, never the answer.
            n if n.starts_with("hint.") => {}
            other => {
                return Err(PlanError::unsupported(
                    name.span,
                    format!("the join parameter `{other}`"),
                ));
            }
        }
    }
    Ok(kind)
}

fn column<'a>(
    schema: &'a Schema,
    id: &ast::Ident,
    side: &str,
) -> Result<&'a crate::types::Field, PlanError> {
    schema
        .fields
        .iter()
        .find(|f| f.name == id.name)
        .ok_or_else(|| {
            let mut e = PlanError::new(
                PlanErrorKind::UnknownColumn,
                id.span,
                format!(
                    "unknown column `{}` on the {side} side of the join",
                    id.name
                ),
            )
            .with_label(format!("not a column of the {side} side"));
            if let Some(c) = closest(&id.name, schema.fields.iter().map(|f| f.name.as_str())) {
                e = e.with_help(format!("did you mean `{c}`?"));
            }
            e
        })
}

/// Flattens `a and b`, and reads each condition as a key pair.
fn conditions(
    e: &ast::Expr,
    out: &mut Vec<(ast::Ident, ast::Ident, Span)>,
) -> Result<(), PlanError> {
    match &e.kind {
        ExprKind::Paren(inner) => conditions(inner, out),
        ExprKind::Ident(id) => {
            out.push((id.clone(), id.clone(), e.span));
            Ok(())
        }
        ExprKind::Binary {
            op: BinOp::And,
            lhs,
            rhs,
        } => {
            conditions(lhs, out)?;
            conditions(rhs, out)
        }
        ExprKind::Binary {
            op: BinOp::Eq,
            lhs,
            rhs,
        } => match (&lhs.kind, &rhs.kind) {
            (
                ExprKind::JoinSide {
                    side: a,
                    column: ca,
                },
                ExprKind::JoinSide {
                    side: b,
                    column: cb,
                },
            ) if a != b => {
                let (l, r) = if *a == JoinSide::Left {
                    (ca, cb)
                } else {
                    (cb, ca)
                };
                out.push((l.clone(), r.clone(), e.span));
                Ok(())
            }
            _ => Err(PlanError::unsupported(
                e.span,
                "a join condition other than `$left.a == $right.b`",
            )),
        },
        _ => Err(PlanError::unsupported(e.span, "this join condition")),
    }
}

/// Plans `left | join kind=… (right) on …`.
pub(crate) fn plan_join(
    left: LogicalPlan,
    right: LogicalPlan,
    params: &[(ast::Ident, ast::Expr)],
    on: &[ast::Expr],
    span: Span,
) -> Result<LogicalPlan, PlanError> {
    let kind = kind_of(params)?;
    let (ls, rs) = (left.schema(), right.schema());
    let mut conds = Vec::new();
    for c in on {
        conditions(c, &mut conds)?;
    }
    if conds.is_empty() {
        return Err(PlanError::invalid(span, "a join needs `on` keys"));
    }
    let mut keys = Vec::new();
    for (l, r, cspan) in &conds {
        let (lf, rf) = (column(&ls, l, "left")?, column(&rs, r, "right")?);
        if lf.ty != rf.ty {
            return Err(PlanError::ty(
                *cspan,
                format!(
                    "join keys `{}` ({}) and `{}` ({}) have different types",
                    lf.name, lf.ty, rf.name, rf.ty
                ),
            ));
        }
        if lf.ty == crate::types::KqlType::Dynamic {
            return Err(PlanError::unsupported(*cspan, "joining on dynamic values"));
        }
        keys.push((lf.name.clone(), rf.name.clone()));
    }
    let left_out = || {
        ls.fields
            .iter()
            .map(|f| (f.name.clone(), Side::Left, f.name.clone()))
    };
    let outputs: Vec<(String, Side, String)> = match kind {
        JoinKind::LeftSemi | JoinKind::LeftAnti => left_out().collect(),
        JoinKind::RightSemi | JoinKind::RightAnti => rs
            .fields
            .iter()
            .map(|f| (f.name.clone(), Side::Right, f.name.clone()))
            .collect(),
        _ => {
            // Right columns whose names are taken get the first free numeric suffix: `Key1`.
            let mut out: Vec<(String, Side, String)> = left_out().collect();
            for f in &rs.fields {
                let mut name = f.name.clone();
                let mut i = 1;
                while out.iter().any(|(n, _, _)| *n == name) {
                    name = format!("{}{i}", f.name);
                    i += 1;
                }
                out.push((name, Side::Right, f.name.clone()));
            }
            out
        }
    };
    Ok(LogicalPlan::Join {
        left: Box::new(left),
        right: Box::new(right),
        kind,
        on: keys,
        outputs,
    })
}

/// A `where` on an `innerunique` join. Kusto pushes a filter that follows a join to the
/// side its columns come from, and for the default `innerunique` flavour that filters the
/// left side *before* it is deduplicated by key, which changes the answer: the
/// join-innerunique docs show `t1 | join t2 on key | where value == "val1.2"` always
/// keeping the `val1.2` rows, whichever left row the deduplication would have kept. So
/// the conjuncts that read only left columns go below the join; the rest stay above.
pub(crate) fn filter_join(input: LogicalPlan, predicate: Expr) -> LogicalPlan {
    let LogicalPlan::Join {
        left,
        right,
        kind: JoinKind::InnerUnique,
        on,
        outputs,
    } = input
    else {
        return LogicalPlan::Filter {
            input: Box::new(input),
            predicate,
        };
    };
    let mut conj = Vec::new();
    conjuncts(predicate, &mut conj);
    let (mut below, mut above) = (Vec::new(), Vec::new());
    for c in conj {
        let mut cols = Vec::new();
        c.columns_into(&mut cols);
        let renames: Option<Vec<(&str, &str)>> = cols
            .iter()
            .map(|n| {
                outputs
                    .iter()
                    .find(|(o, side, _)| o == n && *side == Side::Left)
                    .map(|(o, _, col)| (o.as_str(), col.as_str()))
            })
            .collect();
        match renames {
            Some(r) if !cols.is_empty() => below.push(rename_columns(&c, &r)),
            _ => above.push(c),
        }
    }
    let left = match and_all(below) {
        Some(p) => Box::new(LogicalPlan::Filter {
            input: left,
            predicate: p,
        }),
        None => left,
    };
    let join = LogicalPlan::Join {
        left,
        right,
        kind: JoinKind::InnerUnique,
        on,
        outputs,
    };
    match and_all(above) {
        Some(p) => LogicalPlan::Filter {
            input: Box::new(join),
            predicate: p,
        },
        None => join,
    }
}

fn conjuncts(e: Expr, out: &mut Vec<Expr>) {
    match e.kind {
        crate::expr::ExprKind::Call(Func::And, args) => {
            args.into_iter().for_each(|a| conjuncts(a, out))
        }
        kind => out.push(Expr { kind, ..e }),
    }
}

fn and_all(mut es: Vec<Expr>) -> Option<Expr> {
    let first = es.pop()?;
    Some(es.into_iter().rev().fold(first, |acc, e| {
        let span = e.span.to(acc.span);
        Expr::call(Func::And, vec![e, acc], KqlType::Bool, span)
    }))
}

/// `e` reading input column `to` wherever it read output column `from`.
fn rename_columns(e: &Expr, renames: &[(&str, &str)]) -> Expr {
    use crate::expr::ExprKind as K;
    let kind = match &e.kind {
        K::Column(c) => K::Column(
            renames
                .iter()
                .find(|(from, _)| from == c)
                .map_or_else(|| c.clone(), |(_, to)| (*to).to_string()),
        ),
        K::Literal(v) => K::Literal(v.clone()),
        K::Call(f, args) => K::Call(
            *f,
            args.iter().map(|a| rename_columns(a, renames)).collect(),
        ),
    };
    Expr { kind, ..e.clone() }
}
