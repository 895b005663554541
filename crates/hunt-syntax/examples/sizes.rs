//! Prints AST type sizes.
use hunt_syntax::ast::*;
fn main() {
    eprintln!("Expr {} ExprKind {} Ident {} Source {} Pipeline {} OperatorKind {} Operator {} NamedExpr {} Literal {}",
        size_of::<Expr>(), size_of::<ExprKind>(), size_of::<Ident>(), size_of::<Source>(), size_of::<Pipeline>(), size_of::<OperatorKind>(), size_of::<Operator>(), size_of::<NamedExpr>(), size_of::<Literal>());
}
