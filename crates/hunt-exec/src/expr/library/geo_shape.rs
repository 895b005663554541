//! Geospatial shape functions (`geo_point_in_polygon`, `geo_polygon_area`, the line and
//! polygon predicates): walks the argument arrays and calls the kernels in
//! `crate::kernels::{geo_polygon, geo_lines}`. A shape is parsed and validated once per
//! distinct text (a constant polygon is the common case); invalid input gives null, and
//! a case hunt cannot answer exactly is a run-time error naming it.

use super::{Args, dyn_array, pv, user_error};
use crate::error::{ExecError, Result};
use crate::kernels::geo::{self, valid_point};
use crate::kernels::geo_densify as densify;
use crate::kernels::geo_lines::{self as lines, Edges};
use crate::kernels::geo_polygon::{self as poly, Polygon};
use crate::kernels::geo_sphere::{Bad, Geo};
use arrow::array::*;
use hunt_plan::library::LibFunc;
use hunt_plan::types::KqlType;
use serde_json::Value;
use std::sync::Arc;

/// The parsed shape of the previous row, reused while the text repeats.
struct Shapes<'a, T> {
    arr: &'a StringArray,
    parse: fn(&Value) -> Geo<T>,
    last: Option<(String, Geo<T>)>,
}

impl<'a, T> Shapes<'a, T> {
    fn new(arr: &'a StringArray, parse: fn(&Value) -> Geo<T>) -> Self {
        Shapes {
            arr,
            parse,
            last: None,
        }
    }

    /// The shape at row `i`; a null or non-JSON cell is invalid.
    fn get(&mut self, i: usize) -> Geo<&T> {
        if self.arr.is_null(i) {
            return Err(Bad::Invalid);
        }
        let text = self.arr.value(i);
        if !matches!(&self.last, Some((t, _)) if t == text) {
            let shape = match serde_json::from_str::<Value>(text) {
                Ok(v) => (self.parse)(&v),
                Err(_) => Err(Bad::Invalid),
            };
            self.last = Some((text.to_string(), shape));
        }
        match &self.last {
            Some((_, Ok(s))) => Ok(s),
            Some((_, Err(e))) => Err(*e),
            None => Err(Bad::Invalid),
        }
    }
}

/// An outcome as a cell: invalid → null, unsupported → an error naming the case.
fn cell<T>(f: LibFunc, r: Geo<T>) -> Result<Option<T>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(Bad::Invalid) => Ok(None),
        Err(Bad::Unsupported(what)) => Err(unsupported(f, what)),
    }
}

fn unsupported(f: LibFunc, what: &str) -> ExecError {
    user_error(format!("{} of {what} is not supported", f.name()))
}

pub(super) fn call(a: &Args<'_>, _out: KqlType) -> Result<ArrayRef> {
    use LibFunc::*;
    let (f, n) = (a.f, a.n);
    Ok(match f {
        GeoPointInPolygon | GeoDistancePointToPolygon => {
            let (x, y) = (a.real(0)?, a.real(1)?);
            let mut s = Shapes::new(a.str(2)?, poly::polygons);
            let mut bools = Vec::new();
            let mut reals = Vec::new();
            for i in 0..n {
                let p = match (pv(x, i), pv(y, i)) {
                    (Some(x), Some(y)) if valid_point(x, y) => Ok((x, y)),
                    _ => Err(Bad::Invalid),
                };
                let shape = p.and_then(|p| s.get(i).map(|s| (p, s)));
                if f == GeoPointInPolygon {
                    let r = shape.and_then(|((x, y), s)| poly::point_in_polygon(x, y, s));
                    bools.push(cell(f, r)?);
                } else {
                    let r = shape.map(|((x, y), s)| poly::distance_to_point(x, y, s));
                    reals.push(cell(f, r)?);
                }
            }
            if f == GeoPointInPolygon {
                Arc::new(BooleanArray::from(bools))
            } else {
                Arc::new(Float64Array::from(reals))
            }
        }
        GeoDistancePointToLine => {
            let (x, y) = (a.real(0)?, a.real(1)?);
            let mut s = Shapes::new(a.str(2)?, lines::lines);
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                let r = match (pv(x, i), pv(y, i)) {
                    (Some(x), Some(y)) if valid_point(x, y) => {
                        s.get(i).map(|l| lines::distance_to_point(x, y, l))
                    }
                    _ => Err(Bad::Invalid),
                };
                out.push(cell(f, r)?);
            }
            Arc::new(Float64Array::from(out))
        }
        GeoPolygonArea | GeoPolygonPerimeter => {
            let mut s = Shapes::new(a.str(0)?, poly::polygons);
            let measure: fn(&[Polygon]) -> f64 = if f == GeoPolygonArea {
                poly::area
            } else {
                poly::perimeter
            };
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                out.push(cell(f, s.get(i).map(|p| measure(p)))?);
            }
            Arc::new(Float64Array::from(out))
        }
        GeoIntersects2Lines => {
            let mut p = Shapes::new(a.str(0)?, lines::lines);
            let mut q = Shapes::new(a.str(1)?, lines::lines);
            pairs(f, n, |i| lines::lines_intersect(p.get(i)?, q.get(i)?))?
        }
        GeoIntersection2Lines => {
            let mut p = Shapes::new(a.str(0)?, lines::lines);
            let mut q = Shapes::new(a.str(1)?, lines::lines);
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                let r = p
                    .get(i)
                    .and_then(|p| q.get(i).and_then(|q| lines::intersection(p, q)));
                out.push(cell(f, r)?);
            }
            dyn_array(out)
        }
        GeoLineDensify | GeoPolygonDensify => {
            let (mut j, tol) = (a.json(0)?, a.real(1)?);
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                let r = match (j.get(i), pv(tol, i)) {
                    (Some(v), Some(t)) if f == GeoLineDensify => densify::densify_line(v, t),
                    (Some(v), Some(t)) => densify::densify_polygon(v, t),
                    _ => Err(Bad::Invalid),
                };
                out.push(cell(f, r)?);
            }
            dyn_array(out)
        }
        GeoClosestPointOnLine
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
        | GeoPointBuffer => partial(a)?,
        GeoIntersects2Polygons => {
            let mut p = Shapes::new(a.str(0)?, poly::polygons);
            let mut q = Shapes::new(a.str(1)?, poly::polygons);
            pairs(f, n, |i| poly::polygons_intersect(p.get(i)?, q.get(i)?))?
        }
        GeoIntersectsLineWithPolygon => {
            let mut p: Shapes<'_, Edges> = Shapes::new(a.str(0)?, lines::lines);
            let mut q = Shapes::new(a.str(1)?, poly::polygons);
            pairs(f, n, |i| lines::line_meets_polygon(p.get(i)?, q.get(i)?))?
        }
        GeoLineCentroid | GeoLineInterpolatePoint => {
            let mut s = Shapes::new(a.str(0)?, lines::polyline);
            let frac = if f == GeoLineInterpolatePoint {
                Some(a.real(1)?)
            } else {
                None
            };
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                let r = s.get(i).and_then(|l| match frac {
                    None => lines::centroid(l),
                    Some(fr) => pv(fr, i).map_or(Err(Bad::Invalid), |fr| lines::interpolate(l, fr)),
                });
                out.push(cell(f, r)?.map(|(x, y)| geo::point(x, y)));
            }
            dyn_array(out)
        }
        GeoPolygonCentroid => {
            let mut s = Shapes::new(a.str(0)?, poly::polygons);
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                let r = s.get(i).and_then(|p| poly::centroid(p));
                out.push(cell(f, r)?.map(|(x, y)| geo::point(x, y)));
            }
            dyn_array(out)
        }
        GeoLineLocatePoint => {
            let mut s = Shapes::new(a.str(0)?, lines::polyline);
            let (x, y) = (a.real(1)?, a.real(2)?);
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                let r = match (pv(x, i), pv(y, i)) {
                    (Some(x), Some(y)) if valid_point(x, y) => {
                        s.get(i).and_then(|l| lines::locate(l, x, y))
                    }
                    _ => Err(Bad::Invalid),
                };
                out.push(cell(f, r)?);
            }
            Arc::new(Float64Array::from(out))
        }
        _ => return Err(a.internal()),
    })
}

/// A boolean column of a predicate over two shapes per row.
fn pairs(f: LibFunc, n: usize, mut pred: impl FnMut(usize) -> Geo<bool>) -> Result<ArrayRef> {
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        out.push(cell(f, pred(i))?);
    }
    Ok(Arc::new(BooleanArray::from(out)))
}

/// The functions hunt answers only in part (`kernels::geo_partial`): each row's arguments
/// as JSON values and reals, then the kernel.
fn partial(a: &Args<'_>) -> Result<ArrayRef> {
    use crate::kernels::geo_partial::{Partial, answer};
    use LibFunc::*;
    let f = a.f;
    let which = match f {
        GeoClosestPointOnLine => Partial::ClosestOnLine,
        GeoClosestPointOnPolygon => Partial::ClosestOnPolygon,
        GeoLineSimplify => Partial::LineSimplify,
        GeoPolygonSimplify => Partial::PolygonSimplify,
        GeoSimplifyPolygonsArray => Partial::SimplifyPolygons,
        GeoUnionLinesArray => Partial::UnionLines,
        GeoUnionPolygonsArray => Partial::UnionPolygons,
        GeoIntersection2Polygons => Partial::Intersection2Polygons,
        GeoIntersectionLineWithPolygon => Partial::IntersectionLinePolygon,
        GeoPolygonToS2cells => Partial::PolygonToS2cells,
        GeoPolygonToH3cells => Partial::PolygonToH3cells,
        GeoPointBuffer => Partial::PointBuffer,
        _ => return Err(a.internal()),
    };
    let mut out = Vec::with_capacity(a.n);
    let tys = a.tys;
    let mut jsons = Vec::new();
    let mut reals = Vec::new();
    let mut longs = Vec::new();
    for (c, ty) in tys.iter().enumerate() {
        match ty {
            KqlType::Dynamic => jsons.push(a.json(c)?),
            KqlType::Long => longs.push(a.long(c)?),
            _ => reals.push(a.real(c)?),
        }
    }
    for i in 0..a.n {
        // reals first, then integer levels (as the binder orders them)
        let nums: Vec<Option<f64>> = reals
            .iter()
            .map(|r| pv(*r, i))
            .chain(longs.iter().map(|l| pv(*l, i).map(|l| l as f64)))
            .collect();
        let vals: Vec<Option<Value>> = jsons.iter_mut().map(|j| j.get(i).cloned()).collect();
        out.push(cell(f, answer(which, &vals, &nums))?.flatten());
    }
    Ok(dyn_array(out))
}
