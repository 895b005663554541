//! `geo_line_densify` and `geo_polygon_densify`: planar (straight in longitude/latitude)
//! edges turned into chains close to geodesics, as S2's `S2EdgeTessellator` does with the
//! plate carrée projection: an edge is kept when the estimated distance between the
//! planar edge and the geodesic is within the tolerance, else it is halved in projected
//! coordinates and each half is tessellated again. The added vertices are the projected
//! midpoints, so integral input stays exact (`[50.125, 50.125]` in the docs).

use super::geo::{EARTH_RADIUS_M, cross, dot, norm};
use super::geo_lines;
use super::geo_polygon;
use super::geo_sphere::{Bad, Geo, V3, add, angle, normalize, point, position, scale, sub};
use serde_json::{Value, json};

/// S2's interpolation fraction for the error estimate.
const T1: f64 = 0.312_156_910_822_483_15;
/// S2's scale on the tolerance (the estimate at `T1` underestimates the maximum error).
const SCALE: f64 = 0.838_299_925_698_885_1;
/// The docs' limit on the points of a densified shape.
const MAX_POINTS: usize = 10_485_760;

/// The chord-squared form of a tolerance in meters (S2's `S1ChordAngle(S1Angle)`).
fn chord_tolerance(meters: f64) -> f64 {
    let radians = SCALE * (meters / EARTH_RADIUS_M);
    let len = 2.0 * (0.5 * radians.min(std::f64::consts::PI)).sin();
    len * len
}

/// The point at fraction `t` of the geodesic `ab` (S2's `Interpolate(a, b, t)`).
fn interpolate(a: V3, b: V3, t: f64) -> V3 {
    if t == 0.0 {
        return a;
    }
    if t == 1.0 {
        return b;
    }
    let ax = t * angle(a, b);
    let normal = cross(sub(a, b), add(a, b));
    let tangent = cross(normal, a);
    normalize(add(
        scale(a, ax.cos()),
        scale(tangent, ax.sin() / norm(tangent)),
    ))
}

/// The point at fraction `f` of the planar edge `pq`.
fn lerp(f: f64, p: (f64, f64), q: (f64, f64)) -> (f64, f64) {
    ((1.0 - f) * p.0 + f * q.0, (1.0 - f) * p.1 + f * q.1)
}

fn unproject(p: (f64, f64)) -> V3 {
    point(p.0, p.1)
}

fn chord2(a: V3, b: V3) -> f64 {
    let d = sub(a, b);
    dot(d, d).min(4.0)
}

/// S2's `EstimateMaxError` of the planar edge `pa pb` against the geodesic `ab`.
fn max_error(pa: (f64, f64), a: V3, pb: (f64, f64), b: V3) -> f64 {
    if dot(a, b) < -1e-14 {
        return f64::INFINITY;
    }
    let (m1, m2) = (interpolate(a, b, T1), interpolate(a, b, 1.0 - T1));
    let p1 = unproject(lerp(T1, pa, pb));
    let p2 = unproject(lerp(1.0 - T1, pa, pb));
    chord2(m1, p1).max(chord2(m2, p2))
}

/// Appends the tessellation of edge `pa pb` (without `pa`) to `out`.
fn tessellate(
    pa: (f64, f64),
    a: V3,
    pb: (f64, f64),
    b: V3,
    tol: f64,
    out: &mut Vec<(f64, f64)>,
) -> Geo<()> {
    if out.len() > MAX_POINTS {
        return Err(Bad::Unsupported("a result over the docs' point limit"));
    }
    if max_error(pa, a, pb, b) <= tol {
        out.push(pb);
        return Ok(());
    }
    let pm = lerp(0.5, pa, pb);
    let m = unproject(pm);
    tessellate(pa, a, pm, m, tol, out)?;
    tessellate(pm, m, pb, b, tol, out)
}

/// The densified chain of positions.
fn chain(pts: &[(f64, f64)], tol: f64) -> Geo<Value> {
    let mut out = Vec::new();
    if let Some(&first) = pts.first() {
        out.push(first);
    }
    for w in pts.windows(2) {
        let (p, q) = (w[0], w[1]);
        if (q.0 - p.0).abs() > 180.0 {
            return Err(Bad::Unsupported("an edge crossing the antimeridian"));
        }
        tessellate(p, unproject(p), q, unproject(q), tol, &mut out)?;
    }
    Ok(Value::Array(
        out.into_iter()
            .map(|(x, y)| super::geo::position(x, y))
            .collect(),
    ))
}

fn positions(v: &Value) -> Geo<Vec<(f64, f64)>> {
    v.as_array()
        .ok_or(Bad::Invalid)?
        .iter()
        .map(position)
        .collect()
}

/// A tolerance in meters within the docs' range [0.1, 10000].
fn tolerance(meters: f64) -> Geo<f64> {
    if (0.1..=10_000.0).contains(&meters) {
        Ok(chord_tolerance(meters))
    } else {
        Err(Bad::Invalid)
    }
}

/// `geo_line_densify`.
pub fn densify_line(v: &Value, meters: f64) -> Geo<Value> {
    geo_lines::lines(v)?;
    let tol = tolerance(meters)?;
    let ty = v.get("type").and_then(Value::as_str).ok_or(Bad::Invalid)?;
    let coords = v.get("coordinates").ok_or(Bad::Invalid)?;
    let out = if ty == "LineString" {
        chain(&positions(coords)?, tol)?
    } else {
        let lines = coords.as_array().ok_or(Bad::Invalid)?;
        Value::Array(
            lines
                .iter()
                .map(|l| chain(&positions(l)?, tol))
                .collect::<Geo<_>>()?,
        )
    };
    Ok(json!({"type": ty, "coordinates": out}))
}

/// `geo_polygon_densify`. Coordinates out of range or unclosed rings are invalid (null);
/// a polygon hunt's validation rejects otherwise is refused, since the docs don't say
/// whether Kusto checks the planar input or the geodesic result.
pub fn densify_polygon(v: &Value, meters: f64) -> Geo<Value> {
    let ty = v.get("type").and_then(Value::as_str).ok_or(Bad::Invalid)?;
    let coords = v
        .get("coordinates")
        .and_then(Value::as_array)
        .ok_or(Bad::Invalid)?;
    let polys: Vec<&Value> = match ty {
        "Polygon" => vec![v.get("coordinates").ok_or(Bad::Invalid)?],
        "MultiPolygon" => coords.iter().collect(),
        _ => return Err(Bad::Invalid),
    };
    let mut rings = Vec::new();
    for p in &polys {
        let rs = p.as_array().ok_or(Bad::Invalid)?;
        let mut out = Vec::new();
        for r in rs {
            let pts = positions(r)?;
            if pts.len() < 4 || pts.first() != pts.last() {
                return Err(Bad::Invalid);
            }
            out.push(pts);
        }
        rings.push(out);
    }
    match geo_polygon::polygons(v) {
        Ok(_) => {}
        Err(Bad::Invalid) => return Err(Bad::Unsupported("a polygon with crossing rings")),
        Err(e) => return Err(e),
    }
    let tol = tolerance(meters)?;
    let mut out = Vec::new();
    for p in rings {
        out.push(Value::Array(
            p.iter().map(|r| chain(r, tol)).collect::<Geo<_>>()?,
        ));
    }
    let coords = if ty == "Polygon" {
        out.into_iter().next().ok_or(Bad::Invalid)?
    } else {
        Value::Array(out)
    };
    Ok(json!({"type": ty, "coordinates": coords}))
}
