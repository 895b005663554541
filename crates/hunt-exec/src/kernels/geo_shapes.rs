//! Measures of GeoJSON lines on Kusto's sphere (`geo_line_length`), with the validity
//! rules of the docs: a line has at least two points, coordinates are in range, and no
//! edge spans 180 degrees.

use super::geo::{EARTH_RADIUS_M, central_angle, valid_point};
use serde_json::Value;

/// What measuring a shape gave.
pub enum Measure {
    /// The value.
    Value(f64),
    /// An invalid shape: Kusto's result is null.
    Invalid,
    /// A shape whose answer hunt cannot give exactly.
    Unsupported(&'static str),
}

/// The lines of a GeoJSON `LineString` or `MultiLineString`; `None` if invalid.
fn lines(v: &Value) -> Option<Vec<Vec<(f64, f64)>>> {
    let ty = v.get("type")?.as_str()?;
    let coords = v.get("coordinates")?.as_array()?;
    match ty {
        "LineString" => Some(vec![line(coords)?]),
        "MultiLineString" if !coords.is_empty() => coords
            .iter()
            .map(|l| l.as_array().and_then(|l| line(l)))
            .collect(),
        _ => None,
    }
}

fn line(points: &[Value]) -> Option<Vec<(f64, f64)>> {
    if points.len() < 2 {
        return None;
    }
    points
        .iter()
        .map(|p| {
            let p = p.as_array()?;
            let (x, y) = (p.first()?.as_f64()?, p.get(1)?.as_f64()?);
            (p.len() == 2 && valid_point(x, y)).then_some((x, y))
        })
        .collect()
}

/// The unit normal of the great circle through an edge (zero for a degenerate edge).
fn normal(a: (f64, f64), b: (f64, f64)) -> [f64; 3] {
    let u = |(x, y): (f64, f64)| {
        let (x, y) = (x.to_radians(), y.to_radians());
        [y.cos() * x.cos(), y.cos() * x.sin(), y.sin()]
    };
    let (p, q) = (u(a), u(b));
    let n = [
        p[1] * q[2] - p[2] * q[1],
        p[2] * q[0] - p[0] * q[2],
        p[0] * q[1] - p[1] * q[0],
    ];
    let len = (n[0] * n[0] + n[1] * n[1] + n[2] * n[2]).sqrt();
    if len == 0.0 {
        return n;
    }
    [n[0] / len, n[1] / len, n[2] / len]
}

/// `geo_line_length`: the total length in meters. Kusto measures the union of the lines
/// of a multiline, so lines that could overlap (edges on one great circle) are refused.
pub fn line_length(v: &Value) -> Measure {
    let Some(ls) = lines(v) else {
        return Measure::Invalid;
    };
    let mut total = 0.0;
    for l in &ls {
        for e in l.windows(2) {
            if let [a, b] = e {
                let d = central_angle(a.0, a.1, b.0, b.1);
                if d >= std::f64::consts::PI - 1e-12 {
                    return Measure::Invalid;
                }
                total += d;
            }
        }
    }
    if ls.len() > 1 {
        let edges: Vec<Vec<[f64; 3]>> = ls
            .iter()
            .map(|l| {
                l.windows(2)
                    .filter_map(|e| match e {
                        [a, b] => Some(normal(*a, *b)),
                        _ => None,
                    })
                    .collect()
            })
            .collect();
        for (i, ei) in edges.iter().enumerate() {
            for ej in edges.iter().skip(i + 1) {
                for n in ei {
                    for m in ej {
                        let c = [
                            n[1] * m[2] - n[2] * m[1],
                            n[2] * m[0] - n[0] * m[2],
                            n[0] * m[1] - n[1] * m[0],
                        ];
                        if (c[0] * c[0] + c[1] * c[1] + c[2] * c[2]).sqrt() < 1e-9 {
                            return Measure::Unsupported("lines of a multiline that may overlap");
                        }
                    }
                }
            }
        }
    }
    Measure::Value(total * EARTH_RADIUS_M)
}
