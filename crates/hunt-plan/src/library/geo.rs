//! Typing of the geospatial functions (`geo_*`): coordinates are reals in degrees, cell
//! tokens strings, shapes dynamic GeoJSON. Optional resolutions get the docs' defaults
//! here, so the kernels always see them.

use super::{Binder, LibFunc};
use crate::error::PlanError;
use crate::expr::{Expr, ExprKind, Scalar};
use crate::types::KqlType;

pub(super) fn bind(b: &Binder<'_>, args: Vec<Expr>) -> Result<Expr, PlanError> {
    use KqlType::*;
    use LibFunc::*;
    let reals = |args: Vec<Expr>| -> Result<Vec<Expr>, PlanError> {
        args.into_iter().map(|a| b.real(a)).collect()
    };
    match b.f {
        GeoPointToGeohash | GeoPointToH3cell | GeoPointToS2cell => {
            b.arity(&args, 2, 3)?;
            // docs: accuracy 5 (geohash), resolution 6 (H3), level 11 (S2) when unspecified
            let default = match b.f {
                GeoPointToGeohash => 5,
                GeoPointToH3cell => 6,
                _ => 11,
            };
            let mut args = args.into_iter();
            let (lng, lat) = (next(&mut args, b)?, next(&mut args, b)?);
            let level = match args.next() {
                Some(e) => b.long(e)?,
                None => Expr::literal(Scalar::Long(default), b.span),
            };
            Ok(b.call(vec![b.real(lng)?, b.real(lat)?, level], String))
        }
        GeoGeohashToCentralPoint
        | GeoGeohashToPolygon
        | GeoH3cellNeighbors
        | GeoH3cellToCentralPoint
        | GeoH3cellToPolygon
        | GeoS2cellToCentralPoint
        | GeoS2cellToPolygon
        | GeoFromWkt => {
            b.arity(&args, 1, 1)?;
            Ok(b.call(strings(b, args)?, Dynamic))
        }
        GeoH3cellLevel => {
            b.arity(&args, 1, 1)?;
            Ok(b.call(strings(b, args)?, Int))
        }
        GeoH3cellParent | GeoH3cellChildren | GeoH3cellRings => {
            if b.f == GeoH3cellRings {
                b.arity(&args, 2, 2)?;
            } else {
                b.arity(&args, 1, 2)?;
            }
            let mut args = args.into_iter();
            let mut a = strings(b, vec![next(&mut args, b)?])?;
            if let Some(e) = args.next() {
                a.push(b.long(e)?);
            }
            let out = if b.f == GeoH3cellParent {
                String
            } else {
                Dynamic
            };
            Ok(b.call(a, out))
        }
        GeoDistance2Points => {
            b.arity(&args, 4, 5)?;
            let mut args = args;
            if args.len() == 5 {
                let spheroid = args.pop();
                if !matches!(
                    spheroid.as_ref().map(|e| &e.kind),
                    Some(ExprKind::Literal(Scalar::Bool(false)))
                ) {
                    return Err(b.unsupported("measured on the spheroid (`use_spheroid`)"));
                }
            }
            Ok(b.call(reals(args)?, Real))
        }
        GeoPointInCircle => {
            b.arity(&args, 5, 5)?;
            Ok(b.call(reals(args)?, Bool))
        }
        GeoLineLength => {
            b.arity(&args, 1, 1)?;
            let a = args
                .into_iter()
                .map(|a| b.dynamic(a))
                .collect::<Result<_, _>>()?;
            Ok(b.call(a, Real))
        }
        GeoAzimuth => {
            b.arity(&args, 4, 4)?;
            Ok(b.call(reals(args)?, Real))
        }
        GeoAngle => {
            b.arity(&args, 6, 6)?;
            Ok(b.call(reals(args)?, Real))
        }
        _ => Err(PlanError::invalid(
            b.span,
            format!("bug: `{}` bound as a geospatial function", b.name),
        )),
    }
}

/// The next argument (arity was checked before).
fn next(args: &mut impl Iterator<Item = Expr>, b: &Binder<'_>) -> Result<Expr, PlanError> {
    args.next()
        .ok_or_else(|| PlanError::invalid(b.span, format!("`{}` is missing arguments", b.name)))
}

/// Token and text arguments: strings, as Kusto types them.
fn strings(b: &Binder<'_>, args: Vec<Expr>) -> Result<Vec<Expr>, PlanError> {
    args.into_iter()
        .map(|a| b.exact(a, KqlType::String))
        .collect()
}
