//! `gamma`, `loggamma`, `beta_cdf` and `beta_pdf`. `gamma` and `loggamma` are C's
//! `tgamma`/`lgamma` (the `libm` crate), which give the docs' `gamma(5)` = 24 and
//! `loggamma(5)` = 3.1780538303479458 exactly; `beta_cdf` is the regularized incomplete
//! beta function of `statrs` (docs: `beta_cdf(0.9, 10, 20)` = 0.999999999999959) and
//! `beta_pdf` is x^(α-1)·(1-x)^(β-1)·Γ(α+β)/(Γ(α)·Γ(β)), the form that gives the docs'
//! `beta_pdf(0.5, 10, 20)` = 0.746176019310951 (a log-space form differs in the 14th digit).

use super::{Args, pv, user_error};
use crate::error::Result;
use arrow::array::*;
use hunt_plan::library::LibFunc;
use hunt_plan::types::KqlType;
use std::sync::Arc;

pub(super) fn call(a: &Args<'_>, _out: KqlType) -> Result<ArrayRef> {
    use LibFunc::*;
    let n = a.n;
    let cols = (0..a.len())
        .map(|c| a.real(c))
        .collect::<Result<Vec<_>>>()?;
    let mut out = Float64Builder::with_capacity(n);
    for i in 0..n {
        let vals: Option<Vec<f64>> = cols.iter().map(|c| pv(c, i)).collect();
        let Some(v) = vals else {
            out.append_null();
            continue;
        };
        let r = match (a.f, v.as_slice()) {
            (Gamma, [x]) => libm::tgamma(*x),
            (LogGamma, [x]) => libm::lgamma(*x),
            (BetaCdf, [x, al, be]) => beta_cdf(*x, *al, *be),
            (BetaPdf, [x, al, be]) => beta_pdf(*x, *al, *be)?,
            _ => return Err(a.internal()),
        };
        out.append_value(r);
    }
    Ok(Arc::new(out.finish()))
}

/// Invalid arguments give NaN (docs: x outside 0..1, a negative α or β).
fn beta_valid(x: f64, a: f64, b: f64) -> bool {
    (0.0..=1.0).contains(&x) && a > 0.0 && b > 0.0 && a.is_finite() && b.is_finite()
}

fn beta_cdf(x: f64, a: f64, b: f64) -> f64 {
    if !beta_valid(x, a, b) {
        return f64::NAN;
    }
    statrs::function::beta::beta_reg(a, b, x)
}

fn beta_pdf(x: f64, a: f64, b: f64) -> Result<f64> {
    if !beta_valid(x, a, b) {
        return Ok(f64::NAN);
    }
    let (ga, gb, gab) = (libm::tgamma(a), libm::tgamma(b), libm::tgamma(a + b));
    if !(ga.is_finite() && gb.is_finite() && gab.is_finite()) {
        // Γ overflows past 171: Kusto's way around that is not documented.
        return Err(user_error(format!(
            "beta_pdf with α = {a}, β = {b}: Kusto's answer is not documented"
        )));
    }
    Ok(x.powf(a - 1.0) * (1.0 - x).powf(b - 1.0) * gab / (ga * gb))
}
