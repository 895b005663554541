//! The geospatial functions hunt answers only in part: invalid input gives null, as the
//! docs say, a simplification whose tolerance exceeds every distance between the shape's
//! vertices leaves nothing (null), and two shapes that are apart intersect in an empty
//! GeometryCollection; any
//! other answer is a GeoJSON shape S2 builds (snapping, simplifying, assembling rings) in
//! ways hunt does not reproduce to the bit, so those are refused.

use super::geo::{EARTH_RADIUS_M, valid_point};
use super::geo_lines::{line_meets_polygon, lines};
use super::geo_polygon::area;
use super::geo_polygon::{polygons, polygons_intersect};
use super::geo_sphere::{Bad, Geo, position};
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
    /// `geo_polygon_to_s2cells(polygon, radius, level)` (arguments as the binder orders them)
    PolygonToS2cells,
    /// `geo_polygon_to_h3cells(polygon, radius, resolution)`
    PolygonToH3cells,
    /// `geo_point_buffer(lng, lat, radius, tolerance)`
    PointBuffer,
}

/// The docs' limit on the S2 cells of a covering; more gives null.
const MAX_S2_CELLS: f64 = 65_536.0;

/// An upper bound of the area in steradians of an S2 cell of `level` (S2's
/// `kMaxArea.GetValue(level)`, rounded up), so `area / max` bounds a covering's cell count
/// from below.
fn s2_max_cell_area(level: f64) -> f64 {
    2.636 * 0.25f64.powf(level)
}

/// A polygon that the docs' LinearRing rules make invalid beyond doubt (bad positions, an
/// unclosed ring, fewer than four positions); other rejections of hunt's geodesic
/// validation are refused.
fn planar_polygon_ok(v: &Value) -> Geo<()> {
    let ty = v.get("type").and_then(Value::as_str).ok_or(Bad::Invalid)?;
    let coords = v
        .get("coordinates")
        .and_then(Value::as_array)
        .ok_or(Bad::Invalid)?;
    let polys: Vec<&Value> = match ty {
        "Polygon" => vec![v.get("coordinates").ok_or(Bad::Invalid)?],
        "MultiPolygon" if !coords.is_empty() => coords.iter().collect(),
        _ => return Err(Bad::Invalid),
    };
    for p in polys {
        let rings = p.as_array().ok_or(Bad::Invalid)?;
        if rings.is_empty() {
            return Err(Bad::Invalid);
        }
        for r in rings {
            let pts = r
                .as_array()
                .ok_or(Bad::Invalid)?
                .iter()
                .map(position)
                .collect::<Geo<Vec<_>>>()?;
            if pts.len() < 4 || pts.first() != pts.last() {
                return Err(Bad::Invalid);
            }
        }
    }
    match polygons(v) {
        Ok(_) => Ok(()),
        Err(Bad::Invalid) => Err(Bad::Unsupported(
            "a polygon whose validity hunt cannot decide",
        )),
        Err(e) => Err(e),
    }
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

/// The positions of a GeoJSON shape's coordinates, in order.
fn vertices(v: &Value, out: &mut Vec<(f64, f64)>) {
    if let Ok(p) = position(v) {
        out.push(p);
    } else if let Some(items) = v.as_array() {
        for item in items {
            vertices(item, out);
        }
    }
}

/// Null when simplifying with `tolerance` leaves nothing: the pages promise a result
/// "with no two vertices with distance less than tolerance", whose vertices come from the
/// input, and that "high tolerance may cause small line to disappear" — so when every two
/// input vertices are closer than the tolerance, no line or polygon is left. (Closer by a
/// margin, so that rounding cannot decide; larger inputs stay refused.)
fn collapses(shapes: &[&Value], tolerance: f64) -> Geo<()> {
    let mut pts = Vec::new();
    for s in shapes {
        if let Some(c) = s.get("coordinates") {
            vertices(c, &mut pts);
        }
    }
    if pts.is_empty() || pts.len() > 4096 {
        return Ok(());
    }
    let within = pts.iter().enumerate().all(|(i, a)| {
        pts[i + 1..]
            .iter()
            .all(|b| super::geo::distance(a.0, a.1, b.0, b.1) < tolerance * 0.999)
    });
    if within { Err(Bad::Invalid) } else { Ok(()) }
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
            collapses(&[arg(vals, 0)?], num(nums, 0)?)?;
            refused
        }
        SimplifyPolygons => {
            all_valid(&[each(arg(vals, 0), polygon_ok), tolerance_ok(num(nums, 0))])?;
            let shapes = arg(vals, 0)?.as_array().ok_or(Bad::Invalid)?;
            collapses(&shapes.iter().collect::<Vec<_>>(), num(nums, 0)?)?;
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
        PolygonToS2cells | PolygonToH3cells => {
            let max_level = if f == PolygonToS2cells { 30.0 } else { 15.0 };
            let level = match num(nums, 1) {
                Ok(l) if (0.0..=max_level).contains(&l) => Ok(()),
                _ => Err(Bad::Invalid),
            };
            let radius = match num(nums, 0) {
                Ok(r) if r >= 0.0 => Ok(()),
                _ => Err(Bad::Invalid),
            };
            let shape = arg(vals, 0).and_then(if f == PolygonToS2cells {
                polygon_ok
            } else {
                planar_polygon_ok
            });
            all_valid(&[shape, level, radius])?;
            if f == PolygonToS2cells && num(nums, 0)? == 0.0 {
                // a covering has at least area / (largest cell area) cells
                let sr = area(&polygons(arg(vals, 0)?)?) / (EARTH_RADIUS_M * EARTH_RADIUS_M);
                if sr / s2_max_cell_area(num(nums, 1)?) > MAX_S2_CELLS {
                    return Err(Bad::Invalid);
                }
            }
            refused
        }
        PointBuffer => {
            let point = match (num(nums, 0), num(nums, 1)) {
                (Ok(x), Ok(y)) if valid_point(x, y) => Ok(()),
                _ => Err(Bad::Invalid),
            };
            let radius = match num(nums, 2) {
                Ok(r) if r < 0.0 => Err(Bad::Invalid),
                Ok(r) if r > 0.0 => Ok(()),
                Ok(_) => Err(Bad::Unsupported("a zero radius")),
                Err(e) => Err(e),
            };
            all_valid(&[point, radius])?;
            refused
        }
    }
}
