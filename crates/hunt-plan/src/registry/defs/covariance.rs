//! `covariance(x, y)` (sample) and `covariancep(x, y)` (population), with their `…if`
//! forms: running means and co-moment of the (x, y) pairs where both are present, merged
//! by the pairwise formula C = Ca + Cb + dx·dy·na·nb/n. Over no pairs: null; over one
//! pair the sample form gives 0. Named `<name>_<x>_<y>`.

use super::moments::{real_arg, reals};
use crate::error::PlanError;
use crate::expr::Expr;
use crate::registry::traits::{AggregateFunction, FunctionError, GroupState, same_state};
use crate::types::KqlType;
use arrow_array::{Array, ArrayRef, Float64Array};
use hunt_syntax::Span;
use std::any::Any;
use std::sync::Arc;

/// Sample or population covariance.
pub struct Covariance {
    name: &'static str,
    if_name: &'static str,
    population: bool,
}

/// `covariance(x, y)`, `covarianceif(x, y, p)`.
pub const COVARIANCE: Covariance = Covariance {
    name: "covariance",
    if_name: "covarianceif",
    population: false,
};
/// `covariancep(x, y)`, `covariancepif(x, y, p)`.
pub const COVARIANCEP: Covariance = Covariance {
    name: "covariancep",
    if_name: "covariancepif",
    population: true,
};

impl AggregateFunction for Covariance {
    fn name(&self) -> &'static str {
        self.name
    }
    fn if_name(&self) -> Option<&'static str> {
        Some(self.if_name)
    }
    fn column_name(&self, called: &str, first: &str, args: &[Expr]) -> String {
        let y = args.get(1).and_then(Expr::as_column).unwrap_or("");
        format!("{called}_{first}_{y}")
    }
    fn bind(&self, args: Vec<Expr>, span: Span) -> Result<(Vec<Expr>, KqlType), PlanError> {
        if args.len() != 2 {
            return Err(PlanError::invalid(
                span,
                format!("`{}` takes 2 arguments, got {}", self.name, args.len()),
            ));
        }
        Ok((real_arg(self.name, args, span)?, KqlType::Real))
    }
    fn state(&self, _: &[KqlType], _: KqlType) -> Result<Box<dyn GroupState>, FunctionError> {
        Ok(Box::new(CoState {
            population: self.population,
            n: vec![],
            mx: vec![],
            my: vec![],
            c: vec![],
        }))
    }
}

struct CoState {
    population: bool,
    n: Vec<f64>,
    mx: Vec<f64>,
    my: Vec<f64>,
    c: Vec<f64>,
}

impl GroupState for CoState {
    fn grow(&mut self, groups: usize) {
        for v in [&mut self.n, &mut self.mx, &mut self.my, &mut self.c] {
            v.resize(groups, 0.0);
        }
    }
    fn update(&mut self, gids: &[usize], args: &[ArrayRef]) -> Result<(), FunctionError> {
        let (xs, ys) = (reals(args, 0)?, reals(args, 1)?);
        for (i, &g) in gids.iter().enumerate() {
            if xs.is_valid(i) && ys.is_valid(i) {
                let (x, y) = (xs.value(i), ys.value(i));
                self.n[g] += 1.0;
                let dx = x - self.mx[g];
                self.mx[g] += dx / self.n[g];
                self.my[g] += (y - self.my[g]) / self.n[g];
                self.c[g] += dx * (y - self.my[g]);
            }
        }
        Ok(())
    }
    fn merge(&mut self, other: Box<dyn GroupState>, map: &[usize]) -> Result<(), FunctionError> {
        let o = same_state::<CoState>(other)?;
        for (g, &t) in map.iter().enumerate().take(o.n.len()) {
            let nb = o.n[g];
            if nb == 0.0 {
                continue;
            }
            let na = self.n[t];
            if na == 0.0 {
                (self.n[t], self.mx[t], self.my[t], self.c[t]) = (nb, o.mx[g], o.my[g], o.c[g]);
                continue;
            }
            let total = na + nb;
            let (dx, dy) = (o.mx[g] - self.mx[t], o.my[g] - self.my[t]);
            self.c[t] += o.c[g] + dx * dy * na * nb / total;
            self.mx[t] += dx * nb / total;
            self.my[t] += dy * nb / total;
            self.n[t] = total;
        }
        Ok(())
    }
    fn finish(self: Box<Self>) -> Result<ArrayRef, FunctionError> {
        let population = self.population;
        let out = self.n.iter().zip(&self.c).map(|(&n, &c)| {
            let d = if population { n } else { n - 1.0 };
            if n == 0.0 {
                None
            } else if d <= 0.0 {
                Some(0.0)
            } else {
                Some(c / d)
            }
        });
        Ok(Arc::new(Float64Array::from_iter(out)))
    }
    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }
}
