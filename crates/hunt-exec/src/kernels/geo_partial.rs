//! The geospatial functions hunt answers only in part: invalid input gives null, as the
//! docs say, and two shapes that are apart intersect in an empty GeometryCollection; any
//! other answer is a GeoJSON shape S2 builds (snapping, simplifying, assembling rings) in
//! ways hunt does not reproduce to the bit, so those are refused.

use super::geo::valid_point;
use super::geo_lines::{line_meets_polygon, lines};
use super::geo_polygon::{polygons, polygons_intersect};
use super::geo_sphere::{Bad, Geo};
use serde_json::{Value, json};

/// A function answered in part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Partial {
    /// `geo_closest_point_on_line(lng, lat, line)`
    ClosestOnLine,
    /// `geo_closest_point_on_polygon(lng, lat, polygon)`
    ClosestOnPolygon,
    /// `geo_line_simplify(line, tolerance)`
    LineSimplify,
    /// `geo_polygon_simplify(polygon, tolerance)`
    PolygonSimplify,
    /// `geo_simplify_polygons_array(polygons, tolerance)`
    SimplifyPolygons,
    /// `geo_union_lines_array(lines)`
    UnionLines,
    /// `geo_union_polygons_array(polygons)`
    UnionPolygons,
    /// `geo_intersection_2polygons(polygon1, polygon2)`
    Intersection2Polygons,
    /// `geo_intersection_line_with_polygon(line, polygon)`
    IntersectionLinePolygon,
}

/// The first invalid outcome wins over a refusal: Kusto gives null for any invalid
/// argument, whatever the others are.
fn all_valid(checks: &[Geo<()>]) -> Geo<()> {
    if checks.contains(&Err(Bad::Invalid)) {
        return Err(Bad::Invalid);
    }
    checks
        .iter()
        .copied()
        .find(Result::is_err)
        .unwrap_or(Ok(()))
}

fn arg(vals: &[Option<Value>], i: usize) -> Geo<&Value> {
    vals.get(i).and_then(Option::as_ref).ok_or(Bad::Invalid)
}

fn num(nums: &[Option<f64>], i: usize) -> Geo<f64> {
    nums.get(i).copied().flatten().ok_or(Bad::Invalid)
}

/// Every element of a dynamic array checked by `check`; anything but an array is invalid.
fn each(v: Geo<&Value>, check: fn(&Value) -> Geo<()>) -> Geo<()> {
    let items = v?.as_array().ok_or(Bad::Invalid)?;
    if items.is_empty() {
        return Err(Bad::Unsupported("an empty array"));
    }
    all_valid(&items.iter().map(check).collect::<Vec<_>>())
}

fn line_ok(v: &Value) -> Geo<()> {
    lines(v).map(|_| ())
}

fn polygon_ok(v: &Value) -> Geo<()> {
    polygons(v).map(|_| ())
}

/// A simplification tolerance: negative (or missing) is out of every range the docs give.
fn tolerance_ok(t: Geo<f64>) -> Geo<()> {
    match t {
        Ok(t) if t >= 0.0 => Ok(()),
        _ => Err(Bad::Invalid),
    }
}

/// The answer for one row: `Ok(Some(shape))`, null (`Err(Invalid)`) or a refusal.
pub fn answer(f: Partial, vals: &[Option<Value>], nums: &[Option<f64>]) -> Geo<Option<Value>> {
    use Partial::*;
    let refused = Err(Bad::Unsupported("a valid shape (S2 builds this result)"));
    match f {
        ClosestOnLine | ClosestOnPolygon => {
            let point = match (num(nums, 0), num(nums, 1)) {
                (Ok(x), Ok(y)) if valid_point(x, y) => Ok(()),
                _ => Err(Bad::Invalid),
            };
            let check = if f == ClosestOnLine {
                line_ok
            } else {
                polygon_ok
            };
            all_valid(&[point, arg(vals, 0).and_then(check)])?;
            refused
        }
        LineSimplify | PolygonSimplify => {
            let check = if f == LineSimplify {
                line_ok
            } else {
                polygon_ok
            };
            all_valid(&[arg(vals, 0).and_then(check), tolerance_ok(num(nums, 0))])?;
            refused
        }
        SimplifyPolygons => {
            all_valid(&[each(arg(vals, 0), polygon_ok), tolerance_ok(num(nums, 0))])?;
            refused
        }
        UnionLines => {
            each(arg(vals, 0), line_ok)?;
            refused
        }
        UnionPolygons => {
            each(arg(vals, 0), polygon_ok)?;
            refused
        }
        Intersection2Polygons | IntersectionLinePolygon => {
            let first = arg(vals, 0).and_then(if f == Intersection2Polygons {
                polygon_ok
            } else {
                line_ok
            });
            all_valid(&[first, arg(vals, 1).and_then(polygon_ok)])?;
            let (p, q) = (arg(vals, 0)?, polygons(arg(vals, 1)?)?);
            let meet = if f == Intersection2Polygons {
                polygons_intersect(&polygons(p)?, &q)?
            } else {
                line_meets_polygon(&lines(p)?, &q)?
            };
            if meet {
                return refused;
            }
            Ok(Some(
                json!({"type": "GeometryCollection", "geometries": []}),
            ))
        }
    }
}
