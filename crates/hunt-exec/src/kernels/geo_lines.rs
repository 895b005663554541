//! GeoJSON lines on Kusto's sphere for the line predicates and measures
//! (`geo_distance_point_to_line`, `geo_intersects_2lines`,
//! `geo_intersects_line_with_polygon`): a `LineString` or `MultiLineString` of at least
//! two valid positions per line, every edge shorter than 180°.

use super::geo::EARTH_RADIUS_M;
use super::geo_polygon::{self as poly, Polygon};
use super::geo_sphere::{Bad, Geo, Meet, V3, angle, edge_distance, meet, point, position};
use serde_json::Value;
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
