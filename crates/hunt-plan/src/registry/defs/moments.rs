//! `stdev`, `variance` (sample, with their `…if` forms) and `stdevp`, `variancep`
//! (population): Welford's running count, mean and sum of squared deviations per group,
//! merged by Chan et al.'s formula. Kusto's results come out rounded to 10 decimals (its
//! oracle gives variance(1, 2, 3, 4) = 1.6666666667 and stdev the root of that; the
//! variancep page gives variancep(1..5) = 2 and stdevp 1.4142135623731), so hunt rounds
//! the variance the same way. Over no values the sample forms give 0 (the summarize page's
//! table of defaults) and the population forms null.
//! (`stdevpif`/`variancepif` are refused in the registry: see its table.)

use crate::error::PlanError;
use crate::expr::Expr;
use crate::planner::cast_to;
use crate::registry::traits::{AggregateFunction, FunctionError, GroupState, same_state};
use crate::types::KqlType;
use arrow_array::{Array, ArrayRef, Float64Array};
use hunt_syntax::Span;
use std::any::Any;
use std::sync::Arc;

/// One of the four: sample or population, deviation or variance.
pub struct Moments {
    pub(super) name: &'static str,
    pub(super) if_name: Option<&'static str>,
    pub(super) population: bool,
    pub(super) stdev: bool,
}

/// `stdev(x)`, `stdevif(x, p)`.
pub const STDEV: Moments = Moments {
    name: "stdev",
    if_name: Some("stdevif"),
    population: false,
    stdev: true,
};
/// `variance(x)`, `varianceif(x, p)`.
pub const VARIANCE: Moments = Moments {
    name: "variance",
    if_name: Some("varianceif"),
    population: false,
    stdev: false,
};
/// `stdevp(x)`.
pub const STDEVP: Moments = Moments {
    name: "stdevp",
    if_name: None,
    population: true,
    stdev: true,
};
/// `variancep(x)`.
pub const VARIANCEP: Moments = Moments {
    name: "variancep",
    if_name: None,
    population: true,
    stdev: false,
};

/// The one numeric argument of a statistics aggregate, as a real.
pub(super) fn real_arg(name: &str, args: Vec<Expr>, span: Span) -> Result<Vec<Expr>, PlanError> {
    let n = args.len();
    let mut out = Vec::with_capacity(n);
    for a in args {
        if !a.ty.is_numeric() {
            return Err(PlanError::ty(
                a.span,
                format!("`{name}` needs numbers, got {}", a.ty),
            ));
        }
        out.push(cast_to(a, KqlType::Real));
    }
    let _ = span;
    Ok(out)
}

impl AggregateFunction for Moments {
    fn name(&self) -> &'static str {
        self.name
    }
    fn if_name(&self) -> Option<&'static str> {
        self.if_name
    }
    fn bind(&self, args: Vec<Expr>, span: Span) -> Result<(Vec<Expr>, KqlType), PlanError> {
        if args.len() != 1 {
            return Err(PlanError::invalid(
                span,
                format!("`{}` takes 1 argument, got {}", self.name, args.len()),
            ));
        }
        Ok((real_arg(self.name, args, span)?, KqlType::Real))
    }
    fn state(&self, _: &[KqlType], _: KqlType) -> Result<Box<dyn GroupState>, FunctionError> {
        Ok(Box::new(MomentState {
            population: self.population,
            stdev: self.stdev,
            n: vec![],
            mean: vec![],
            m2: vec![],
        }))
    }
}

struct MomentState {
    population: bool,
    stdev: bool,
    n: Vec<f64>,
    mean: Vec<f64>,
    m2: Vec<f64>,
}

/// The argument of a real-valued aggregate (the binder cast it to real).
pub(super) fn reals(args: &[ArrayRef], i: usize) -> Result<&Float64Array, FunctionError> {
    args.get(i)
        .and_then(|a| a.as_any().downcast_ref::<Float64Array>())
        .ok_or_else(|| FunctionError::Internal("aggregate argument is not a real".into()))
}

/// Chan et al.'s combination of two (count, mean, M2) summaries into the first.
pub(super) fn combine(a: (&mut f64, &mut f64, &mut f64), nb: f64, mb: f64, m2b: f64) {
    let (n, mean, m2) = a;
    if nb == 0.0 {
        return;
    }
    let na = *n;
    if na == 0.0 {
        (*n, *mean, *m2) = (nb, mb, m2b);
        return;
    }
    let total = na + nb;
    let d = mb - *mean;
    *mean += d * nb / total;
    *m2 += m2b + d * d * na * nb / total;
    *n = total;
}

impl GroupState for MomentState {
    fn grow(&mut self, groups: usize) {
        for v in [&mut self.n, &mut self.mean, &mut self.m2] {
            v.resize(groups, 0.0);
        }
    }
    fn update(&mut self, gids: &[usize], args: &[ArrayRef]) -> Result<(), FunctionError> {
        let a = reals(args, 0)?;
        for (i, &g) in gids.iter().enumerate() {
            if a.is_valid(i) {
                let x = a.value(i);
                self.n[g] += 1.0;
                let d = x - self.mean[g];
                self.mean[g] += d / self.n[g];
                self.m2[g] += d * (x - self.mean[g]);
            }
        }
        Ok(())
    }
    fn merge(&mut self, other: Box<dyn GroupState>, map: &[usize]) -> Result<(), FunctionError> {
        let o = same_state::<MomentState>(other)?;
        for (g, &t) in map.iter().enumerate().take(o.n.len()) {
            let mine = (&mut self.n[t], &mut self.mean[t], &mut self.m2[t]);
            combine(mine, o.n[g], o.mean[g], o.m2[g]);
        }
        Ok(())
    }
    fn finish(self: Box<Self>) -> Result<ArrayRef, FunctionError> {
        let (population, stdev) = (self.population, self.stdev);
        let out = self.n.iter().zip(&self.m2).map(|(&n, &m2)| {
            let var = match (population, n) {
                (true, 0.0) => return None,
                (false, 0.0) => return Some(0.0),
                (true, _) => m2 / n,
                (false, _) if n > 1.0 => m2 / (n - 1.0),
                (false, _) => 0.0,
            };
            let var = (var * 1e10).round() / 1e10;
            Some(if stdev { var.sqrt() } else { var })
        });
        Ok(Arc::new(Float64Array::from_iter(out)))
    }
    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }
}
