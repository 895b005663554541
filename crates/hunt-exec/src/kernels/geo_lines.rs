//! GeoJSON lines on Kusto's sphere for the line predicates and measures
//! (`geo_distance_point_to_line`, `geo_intersects_2lines`,
//! `geo_intersects_line_with_polygon`, `geo_line_centroid`, `geo_line_interpolate_point`,
//! `geo_line_locate_point`, `geo_intersection_2lines`): a `LineString` or `MultiLineString` of at least two valid
//! positions per line, every edge shorter than 180°.
//!
//! The functions that return a point follow S2's arithmetic step by step (the same
//! operations in the same order), because GeoJSON results must match Kusto to the bit;
//! the docs' examples check that they do.

use super::geo::EARTH_RADIUS_M;
use super::geo::{self, cross, dot};
use super::geo_polygon::{self as poly, Polygon};
use super::geo_sphere::{
    Bad, Geo, Meet, V3, add, angle, crossing_point, edge_centroid, edge_distance, lng_lat, meet,
    normalize, point, point_at, position, scale, sub,
};
use serde_json::{Value, json};
use std::f64::consts::PI;

/// The edges of a line or multiline.
pub type Edges = Vec<(V3, V3)>;

/// The edges of a GeoJSON `LineString` or `MultiLineString`.
pub fn lines(v: &Value) -> Geo<Edges> {
    let ty = v.get("type").and_then(Value::as_str).ok_or(Bad::Invalid)?;
    let coords = v
        .get("coordinates")
        .and_then(Value::as_array)
        .ok_or(Bad::Invalid)?;
    let parts: Vec<&Value> = match ty {
        "LineString" => vec![v.get("coordinates").ok_or(Bad::Invalid)?],
        "MultiLineString" if !coords.is_empty() => coords.iter().collect(),
        _ => return Err(Bad::Invalid),
    };
    let mut edges = Vec::new();
    for part in parts {
        let pts = part.as_array().ok_or(Bad::Invalid)?;
        if pts.len() < 2 {
            return Err(Bad::Invalid);
        }
        let vs = pts
            .iter()
            .map(|p| position(p).map(|(x, y)| point(x, y)))
            .collect::<Geo<Vec<_>>>()?;
        for w in vs.windows(2) {
            if let [a, b] = w {
                if angle(*a, *b) >= PI - 1e-12 {
                    return Err(Bad::Invalid);
                }
                edges.push((*a, *b));
            }
        }
    }
    Ok(edges)
}

/// `geo_distance_point_to_line`, in meters.
pub fn distance_to_point(lng: f64, lat: f64, edges: &Edges) -> f64 {
    let p = point(lng, lat);
    edges
        .iter()
        .map(|&(a, b)| edge_distance(p, a, b))
        .fold(f64::INFINITY, f64::min)
        * EARTH_RADIUS_M
}

/// How two edge sets meet: `Cross` (or a shared vertex) wins over `Touch`.
fn contact(p: &Edges, q: &Edges) -> Meet {
    let mut touch = false;
    for &(a, b) in p {
        for &(c, d) in q {
            match meet(a, b, c, d) {
                Meet::Apart => {}
                Meet::Cross => return Meet::Cross,
                Meet::Vertex => return Meet::Vertex,
                Meet::Touch => touch = true,
            }
        }
    }
    if touch { Meet::Touch } else { Meet::Apart }
}

/// `geo_intersects_2lines`: lines that cross or share a vertex intersect.
pub fn lines_intersect(p: &Edges, q: &Edges) -> Geo<bool> {
    match contact(p, q) {
        Meet::Apart => Ok(false),
        Meet::Cross | Meet::Vertex => Ok(true),
        Meet::Touch => Err(Bad::Unsupported("lines that touch")),
    }
}

/// `geo_intersects_line_with_polygon`: the line crosses the boundary or lies inside.
pub fn line_meets_polygon(line: &Edges, shape: &[Polygon]) -> Geo<bool> {
    match contact(line, &poly::edges(shape)) {
        Meet::Cross => return Ok(true),
        Meet::Apart => {}
        Meet::Vertex | Meet::Touch => {
            return Err(Bad::Unsupported("a line touching a polygon's boundary"));
        }
    }
    let Some(&(a, _)) = line.first() else {
        return Err(Bad::Invalid);
    };
    for p in shape {
        if p.contains(a)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The vertices of a single GeoJSON `LineString`, for the functions whose docs take one
/// line only; a valid `MultiLineString` is refused.
pub fn polyline(v: &Value) -> Geo<Vec<V3>> {
    lines(v)?;
    if v.get("type").and_then(Value::as_str) != Some("LineString") {
        return Err(Bad::Unsupported("a multiline"));
    }
    let pts = v
        .get("coordinates")
        .and_then(Value::as_array)
        .ok_or(Bad::Invalid)?;
    pts.iter()
        .map(|p| position(p).map(|(x, y)| point(x, y)))
        .collect()
}

/// `geo_line_centroid`: the length-weighted centroid of the edges (S2's
/// `S2Polyline::GetCentroid`), in degrees.
pub fn centroid(pts: &[V3]) -> Geo<(f64, f64)> {
    let mut c = [0.0; 3];
    for w in pts.windows(2) {
        if let [a, b] = w {
            c = add(c, edge_centroid(*a, *b));
        }
    }
    if c == [0.0; 3] {
        return Err(Bad::Unsupported("a line of zero length"));
    }
    Ok(lng_lat(c))
}

/// `geo_line_interpolate_point`: the point at `fraction` of the length (S2's
/// `S2Polyline::GetSuffix`), in degrees; a fraction outside [0, 1] is invalid.
pub fn interpolate(pts: &[V3], fraction: f64) -> Geo<(f64, f64)> {
    if !(0.0..=1.0).contains(&fraction) {
        return Err(Bad::Invalid);
    }
    let (Some(&first), Some(&last)) = (pts.first(), pts.last()) else {
        return Err(Bad::Invalid);
    };
    if fraction <= 0.0 {
        return Ok(lng_lat(first));
    }
    let total: f64 = pts.windows(2).map(|w| angle(w[0], w[1])).sum();
    let mut target = fraction * total;
    for w in pts.windows(2) {
        let len = angle(w[0], w[1]);
        if target < len {
            return Ok(lng_lat(point_at(target, w[0], w[1])));
        }
        target -= len;
    }
    Ok(lng_lat(last))
}

/// `geo_line_locate_point`: the fraction of the length at which the line comes closest
/// to the point (S2's `Project` then `UnInterpolate`).
pub fn locate(pts: &[V3], lng: f64, lat: f64) -> Geo<f64> {
    let x = point(lng, lat);
    let mut best = (f64::INFINITY, 0usize);
    for (i, w) in pts.windows(2).enumerate() {
        let d = edge_distance(x, w[0], w[1]);
        if d < best.0 {
            best = (d, i);
        }
    }
    let total: f64 = pts.windows(2).map(|w| angle(w[0], w[1])).sum();
    if total == 0.0 {
        return Err(Bad::Unsupported("a line of zero length"));
    }
    let i = best.1;
    let (Some(&a), Some(&b)) = (pts.get(i), pts.get(i + 1)) else {
        return Err(Bad::Invalid);
    };
    let before: f64 = pts[..=i].windows(2).map(|w| angle(w[0], w[1])).sum();
    let along = closest_along(x, a, b);
    Ok(((before + along) / total).min(1.0))
}

/// The angle from `a` to the point of edge `ab` closest to `x` (S2's `Project`).
fn closest_along(x: V3, a: V3, b: V3) -> f64 {
    let n = cross(sub(a, b), add(a, b));
    let p = sub(x, scale(n, dot(x, n) / dot(n, n)));
    if dot(cross(n, a), p) > 0.0 && dot(cross(p, b), n) > 0.0 {
        return angle(a, normalize(p));
    }
    let (da, db) = (sub(x, a), sub(x, b));
    if dot(da, da) <= dot(db, db) {
        0.0
    } else {
        angle(a, b)
    }
}

/// `geo_intersection_2lines`: the GeoJSON of the lines' intersection. Answered when the
/// lines are apart (an empty GeometryCollection) or cross at exactly one point; lines
/// that touch, overlap or cross more than once are refused (S2's boolean operation
/// assembles those results in an order hunt does not reproduce).
pub fn intersection(p: &Edges, q: &Edges) -> Geo<Value> {
    let mut found = Vec::new();
    for &(a, b) in p {
        for &(c, d) in q {
            match meet(a, b, c, d) {
                Meet::Apart => {}
                Meet::Cross => found.push((a, b, c, d)),
                Meet::Vertex | Meet::Touch => {
                    return Err(Bad::Unsupported("lines that touch or overlap"));
                }
            }
        }
    }
    match found.as_slice() {
        [] => Ok(json!({"type": "GeometryCollection", "geometries": []})),
        [(a, b, c, d)] => {
            let x = crossing_point(*a, *b, *c, *d)
                .ok_or(Bad::Unsupported("a crossing S2 computes exactly"))?;
            let (lng, lat) = lng_lat(x);
            Ok(geo::point(lng, lat))
        }
        _ => Err(Bad::Unsupported("lines that cross more than once")),
    }
}
