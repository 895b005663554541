//! Typing of the geospatial shape functions (`geo_point_in_polygon`, `geo_polygon_area`,
//! the line and polygon predicates, points along lines): coordinates are reals in degrees, shapes dynamic
//! GeoJSON. Their kernels are in `hunt_exec::kernels::{geo_polygon, geo_lines}`.

use super::{Binder, LibFunc};
use crate::error::PlanError;
use crate::expr::{Expr, ExprKind, Scalar};
use crate::types::KqlType;

/// The shape functions (dispatched here from `library::bind`).
pub(super) fn is_geo_shape(f: LibFunc) -> bool {
    use LibFunc::*;
    matches!(
        f,
        GeoPointInPolygon
            | GeoPolygonArea
            | GeoPolygonPerimeter
            | GeoDistancePointToPolygon
            | GeoDistancePointToLine
            | GeoIntersects2Lines
            | GeoIntersects2Polygons
            | GeoIntersectsLineWithPolygon
            | GeoLineCentroid
            | GeoLineInterpolatePoint
            | GeoLineLocatePoint
            | GeoPolygonCentroid
            | GeoIntersection2Lines
            | GeoLineDensify
            | GeoPolygonDensify
            | GeoClosestPointOnLine
            | GeoClosestPointOnPolygon
            | GeoLineSimplify
            | GeoPolygonSimplify
            | GeoSimplifyPolygonsArray
            | GeoUnionLinesArray
            | GeoUnionPolygonsArray
            | GeoIntersection2Polygons
            | GeoIntersectionLineWithPolygon
            | GeoPolygonToS2cells
            | GeoPolygonToH3cells
            | GeoPointBuffer
    )
}

pub(super) fn bind(b: &Binder<'_>, args: Vec<Expr>) -> Result<Expr, PlanError> {
    use KqlType::*;
    use LibFunc::*;
    if matches!(
        b.f,
        GeoLineDensify
            | GeoPolygonDensify
            | GeoLineSimplify
            | GeoPolygonSimplify
            | GeoSimplifyPolygonsArray
    ) {
        return with_tolerance(b, args);
    }
    if matches!(b.f, GeoPolygonToS2cells | GeoPolygonToH3cells) {
        return to_cells(b, args);
    }
    if b.f == GeoPointBuffer {
        // (lng, lat, radius [, tolerance]); the docs' default tolerance is 10 meters
        b.arity(&args, 3, 4)?;
        let mut args = args
            .into_iter()
            .map(|a| b.real(a))
            .collect::<Result<Vec<_>, _>>()?;
        if args.len() == 3 {
            args.push(Expr::literal(Scalar::Real(10.0), b.span));
        }
        return Ok(b.call(args, Dynamic));
    }
    // shape first, then numbers
    let trailing = match b.f {
        GeoLineCentroid | GeoPolygonCentroid => Some((0, Dynamic)),
        GeoLineInterpolatePoint => Some((1, Dynamic)),
        GeoLineLocatePoint => Some((2, Real)),
        _ => None,
    };
    if let Some((reals, out)) = trailing {
        b.arity(&args, 1 + reals, 1 + reals)?;
        let args = args
            .into_iter()
            .enumerate()
            .map(|(i, a)| if i == 0 { b.dynamic(a) } else { b.real(a) })
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(b.call(args, out));
    }
    // (number of leading coordinate arguments, number of shapes, result type)
    let (coords, shapes, out) = match b.f {
        GeoPointInPolygon => (2, 1, Bool),
        GeoDistancePointToPolygon | GeoDistancePointToLine => (2, 1, Real),
        GeoPolygonArea | GeoPolygonPerimeter => (0, 1, Real),
        GeoIntersects2Lines | GeoIntersects2Polygons | GeoIntersectsLineWithPolygon => (0, 2, Bool),
        GeoIntersection2Lines | GeoIntersection2Polygons | GeoIntersectionLineWithPolygon => {
            (0, 2, Dynamic)
        }
        GeoClosestPointOnLine | GeoClosestPointOnPolygon => (2, 1, Dynamic),
        GeoUnionLinesArray | GeoUnionPolygonsArray => (0, 1, Dynamic),
        _ => {
            return Err(PlanError::invalid(
                b.span,
                format!("bug: `{}` bound as a geospatial shape function", b.name),
            ));
        }
    };
    b.arity(&args, coords + shapes, coords + shapes)?;
    let args = args
        .into_iter()
        .enumerate()
        .map(|(i, a)| if i < coords { b.real(a) } else { b.dynamic(a) })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(b.call(args, out))
}

/// `geo_*_densify(shape [, tolerance [, preserve_crossing]])` and the simplify functions
/// `(shape [, tolerance])`: the docs' default tolerance is 10 meters; keeping antimeridian
/// crossings (`preserve_crossing = true`) is refused.
fn with_tolerance(b: &Binder<'_>, args: Vec<Expr>) -> Result<Expr, PlanError> {
    let densify = matches!(b.f, LibFunc::GeoLineDensify | LibFunc::GeoPolygonDensify);
    b.arity(&args, 1, if densify { 3 } else { 2 })?;
    let mut args = args.into_iter();
    let mut out = Vec::with_capacity(2);
    if let Some(shape) = args.next() {
        out.push(b.dynamic(shape)?);
    }
    out.push(match args.next() {
        Some(t) => b.real(t)?,
        None => Expr::literal(Scalar::Real(10.0), b.span),
    });
    if let Some(keep) = args.next()
        && !matches!(keep.kind, ExprKind::Literal(Scalar::Bool(false)))
    {
        return Err(b.unsupported("keeping antimeridian crossings (`preserve_crossing`)"));
    }
    Ok(b.call(out, KqlType::Dynamic))
}

/// `geo_polygon_to_s2cells(polygon [, level [, radius]])` and `geo_polygon_to_h3cells`:
/// the docs' defaults are level 11 (S2), resolution 6 (H3) and radius 0. The kernel gets
/// `(polygon, radius, level)`: reals before integers.
fn to_cells(b: &Binder<'_>, args: Vec<Expr>) -> Result<Expr, PlanError> {
    b.arity(&args, 1, 3)?;
    let default = if b.f == LibFunc::GeoPolygonToS2cells {
        11
    } else {
        6
    };
    let mut args = args.into_iter();
    let mut out = Vec::with_capacity(3);
    if let Some(shape) = args.next() {
        out.push(b.dynamic(shape)?);
    }
    let level = match args.next() {
        Some(l) => b.long(l)?,
        None => Expr::literal(Scalar::Long(default), b.span),
    };
    out.push(match args.next() {
        Some(r) => b.real(r)?,
        None => Expr::literal(Scalar::Real(0.0), b.span),
    });
    out.push(level);
    Ok(b.call(out, KqlType::Dynamic))
}
