//! Great-circle primitives on unit vectors for the shape kernels (`geo_polygon`,
//! `geo_lines`): angles, the distance from a point to an edge, edge meetings, triangle
//! areas and turning angles, plus the GeoJSON position reader they share.
//!
//! Kusto decides boundary cases (a point exactly on an edge, edges that only touch) with
//! S2's exact predicates and symbolic perturbation, which hunt does not reproduce: such
//! cases come out as [`Bad::Unsupported`] so the caller refuses instead of guessing.

use super::geo::{cross, dot, norm, unit, valid_point};
use serde_json::Value;

/// A point of the unit sphere.
pub type V3 = [f64; 3];

/// How close (radians; about 0.6 µm on Earth) a point may come to an edge before hunt
/// calls the answer ambiguous.
pub const TOUCH: f64 = 1e-13;

/// Why a shape has no answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bad {
    /// Invalid input: Kusto's result is null.
    Invalid,
    /// A case whose exact answer hunt cannot give.
    Unsupported(&'static str),
}

/// A shape computation's outcome.
pub type Geo<T> = Result<T, Bad>;

/// The difference of two vectors.
pub fn sub(a: V3, b: V3) -> V3 {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

/// A vector times a scalar.
pub fn scale(a: V3, k: f64) -> V3 {
    [a[0] * k, a[1] * k, a[2] * k]
}

/// The antipode.
pub fn neg(a: V3) -> V3 {
    scale(a, -1.0)
}

/// The angle between two unit vectors, in radians.
pub fn angle(a: V3, b: V3) -> f64 {
    norm(cross(a, b)).atan2(dot(a, b))
}

/// The distance in radians from `x` to the great-circle edge `ab` (shorter than π).
pub fn edge_distance(x: V3, a: V3, b: V3) -> f64 {
    let n = cross(a, b);
    let len = norm(n);
    if len > 0.0 {
        let n = scale(n, 1.0 / len);
        let xn = dot(x, n);
        let p = sub(x, scale(n, xn));
        // the closest point of the whole great circle lies inside the edge
        if dot(cross(a, p), n) > 0.0 && dot(cross(p, b), n) > 0.0 {
            return xn.abs().atan2(norm(p));
        }
    }
    angle(x, a).min(angle(x, b))
}

/// How two edges meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Meet {
    /// They share no point.
    Apart,
    /// Their interiors cross.
    Cross,
    /// They share an endpoint exactly.
    Vertex,
    /// A vertex lies on (or within [`TOUCH`] of) the other edge: ambiguous.
    Touch,
}

/// How edges `ab` and `cd` meet.
pub fn meet(a: V3, b: V3, c: V3, d: V3) -> Meet {
    if a == c || a == d || b == c || b == d {
        return Meet::Vertex;
    }
    let near = edge_distance(a, c, d)
        .min(edge_distance(b, c, d))
        .min(edge_distance(c, a, b))
        .min(edge_distance(d, a, b));
    if near < TOUCH {
        return Meet::Touch;
    }
    // S2's SimpleCrossing: each edge separates the other's endpoints, on the same side.
    let ab = cross(a, b);
    let acb = -dot(ab, c);
    let bda = dot(ab, d);
    if acb * bda <= 0.0 {
        return Meet::Apart;
    }
    let cd = cross(c, d);
    let cbd = -dot(cd, b);
    let dac = dot(cd, a);
    if acb * cbd > 0.0 && acb * dac > 0.0 {
        Meet::Cross
    } else {
        Meet::Apart
    }
}

/// A box around edge `ab` (its endpoints' box widened by the arc's bulge), for cheap
/// rejection of edge pairs that cannot meet.
pub fn edge_box(a: V3, b: V3) -> [f64; 6] {
    let half = angle(a, b) / 2.0;
    let bulge = 1.0 - half.cos() + 1e-12;
    let mut r = [0.0; 6];
    for k in 0..3 {
        r[k] = a[k].min(b[k]) - bulge;
        r[k + 3] = a[k].max(b[k]) + bulge;
    }
    r
}

/// Whether two edge boxes overlap.
pub fn boxes_overlap(p: &[f64; 6], q: &[f64; 6]) -> bool {
    (0..3).all(|k| p[k] <= q[k + 3] && q[k] <= p[k + 3])
}

/// The signed area of spherical triangle `abc` (positive counter-clockwise), in
/// steradians: `2·atan2(a·(b×c), 1 + a·b + b·c + c·a)`, exact for tiny triangles.
pub fn triangle_area(a: V3, b: V3, c: V3) -> f64 {
    2.0 * dot(a, cross(b, c)).atan2(1.0 + dot(a, b) + dot(b, c) + dot(c, a))
}

/// The turning angle at `b` walking `a → b → c`: positive for a left turn.
pub fn turn(a: V3, b: V3, c: V3) -> f64 {
    let (n1, n2) = (cross(a, b), cross(b, c));
    dot(cross(n1, n2), b).atan2(dot(n1, n2))
}

/// The signed angle subtended at `p` by edge `ab` (its share of the winding number).
pub fn winding_angle(p: V3, a: V3, b: V3) -> f64 {
    dot(p, cross(a, b)).atan2(dot(a, b) - dot(a, p) * dot(b, p))
}

/// A GeoJSON position `[lng, lat]` as degrees; positions with a third coordinate are
/// refused (hunt does not know what Kusto makes of them).
pub fn position(v: &Value) -> Geo<(f64, f64)> {
    let p = v.as_array().ok_or(Bad::Invalid)?;
    if p.len() > 2 {
        return Err(Bad::Unsupported("positions with more than two coordinates"));
    }
    let (x, y) = match (
        p.first().and_then(Value::as_f64),
        p.get(1).and_then(Value::as_f64),
    ) {
        (Some(x), Some(y)) => (x, y),
        _ => return Err(Bad::Invalid),
    };
    if valid_point(x, y) {
        Ok((x, y))
    } else {
        Err(Bad::Invalid)
    }
}

/// The unit vector of a valid point in degrees.
pub fn point(lng: f64, lat: f64) -> V3 {
    unit(lng, lat)
}

/// `v` scaled to unit length (S2's `Normalize`: multiplied by the reciprocal norm).
pub fn normalize(v: V3) -> V3 {
    let n = norm(v);
    scale(v, if n != 0.0 { 1.0 / n } else { n })
}

/// The longitude and latitude in degrees of a (not necessarily unit) vector, as S2's
/// `S2LatLng(p)` computes them.
pub fn lng_lat(p: V3) -> (f64, f64) {
    let lat = p[2].atan2((p[0] * p[0] + p[1] * p[1]).sqrt());
    let lng = p[1].atan2(p[0]);
    (lng.to_degrees(), lat.to_degrees())
}

/// The sum of two vectors.
pub fn add(a: V3, b: V3) -> V3 {
    [a[0] + b[0], a[1] + b[1], a[2] + b[2]]
}

/// Edge `ab`'s centroid times its length (S2's `TrueCentroid(a, b)`): a vector towards
/// the edge's midpoint, zero for an antipodal edge.
pub fn edge_centroid(a: V3, b: V3) -> V3 {
    let (vdiff, vsum) = (sub(a, b), add(a, b));
    let (sin2, cos2) = (dot(vdiff, vdiff), dot(vsum, vsum));
    if cos2 == 0.0 {
        return [0.0; 3];
    }
    scale(vsum, (sin2 / cos2).sqrt())
}

/// The point at angle `ax` (radians) from `a` towards `b` along edge `ab` (S2's
/// `InterpolateAtDistance`, with the tangent from `(a - b) × (a + b)`).
pub fn point_at(ax: f64, a: V3, b: V3) -> V3 {
    let normal = cross(sub(a, b), add(a, b));
    let tangent = cross(normal, a);
    normalize(add(
        scale(a, ax.cos()),
        scale(tangent, ax.sin() / norm(tangent)),
    ))
}

/// Triangle `abc`'s centroid times its area (S2's `TrueCentroid(a, b, c)`, solved by
/// Cramer's rule after subtracting the first row, in S2's order of operations).
pub fn triangle_centroid(a: V3, b: V3, c: V3) -> V3 {
    let ratio = |t: f64| if t == 0.0 { 1.0 } else { t / t.sin() };
    let (ra, rb, rc) = (ratio(angle(b, c)), ratio(angle(c, a)), ratio(angle(a, b)));
    let x = [a[0], b[0] - a[0], c[0] - a[0]];
    let y = [a[1], b[1] - a[1], c[1] - a[1]];
    let z = [a[2], b[2] - a[2], c[2] - a[2]];
    let r = [ra, rb - ra, rc - ra];
    scale(
        [
            dot(cross(y, z), r),
            dot(cross(z, x), r),
            dot(cross(x, y), r),
        ],
        0.5,
    )
}

/// Half the distance from 1.0 to the next double (S2's `DBL_ERR`).
const DBL_ERR: f64 = f64::EPSILON / 2.0;

/// The point where crossing edges `a0a1` and `b0b1` meet, computed as S2's
/// `GetIntersectionStable` does (the longer edge gives the plane, the shorter one is
/// interpolated, endpoints chosen deterministically). `None` when S2 would find the
/// error bound too loose and fall back to exact arithmetic (hunt keeps a 2× margin on
/// S2's bound), or when the edges tie in length.
pub fn crossing_point(a0: V3, a1: V3, b0: V3, b1: V3) -> Option<V3> {
    let (la, lb) = (dot(sub(a1, a0), sub(a1, a0)), dot(sub(b1, b0), sub(b1, b0)));
    let x = if la > lb {
        crossing_sorted(a0, a1, b0, b1)?
    } else if lb > la {
        crossing_sorted(b0, b1, a0, a1)?
    } else {
        return None;
    };
    // the intersection on the side of the sphere where the edges are
    Some(if dot(x, add(add(a0, a1), add(b0, b1))) < 0.0 {
        neg(x)
    } else {
        x
    })
}

fn crossing_sorted(a0: V3, a1: V3, b0: V3, b1: V3) -> Option<V3> {
    let a_norm = cross(sub(a0, a1), add(a0, a1));
    let a_norm_len = norm(a_norm);
    let b_len = norm(sub(b1, b0));
    let (b0_dist, b0_error) = projection(b0, a_norm, a_norm_len, a0, a1);
    let (b1_dist, b1_error) = projection(b1, a_norm, a_norm_len, a0, a1);
    let dist_sum = (b0_dist - b1_dist).abs();
    let error_sum = b0_error + b1_error;
    if dist_sum <= error_sum {
        return None;
    }
    let x = sub(scale(b1, b0_dist), scale(b0, b1_dist));
    let err = b_len * (b0_dist * b1_error - b1_dist * b0_error).abs() / (dist_sum - error_sum)
        + 2.0 * DBL_ERR * dist_sum;
    let x_len2 = dot(x, x);
    if x_len2 < f64::MIN_POSITIVE {
        return None;
    }
    let x_len = x_len2.sqrt();
    let max_error = 8.0 * DBL_ERR;
    if err > 0.5 * (max_error - DBL_ERR) * x_len {
        return None;
    }
    Some(scale(x, 1.0 / x_len))
}

/// The signed distance of `x` from the plane of `a0a1` (scaled by `|a_norm|`), measured
/// from the nearer endpoint, and its error bound (S2's `GetProjection`).
fn projection(x: V3, a_norm: V3, a_norm_len: f64, a0: V3, a1: V3) -> (f64, f64) {
    let (x0, x1) = (sub(x, a0), sub(x, a1));
    let (d0, d1) = (dot(x0, x0), dot(x1, x1));
    let (dist, result) = if d0 < d1 || (d0 == d1 && x0 < x1) {
        (d0.sqrt(), dot(x0, a_norm))
    } else {
        (d1.sqrt(), dot(x1, a_norm))
    };
    let sqrt3 = 3.0f64.sqrt();
    let error = (((3.5 + 2.0 * sqrt3) * a_norm_len + 32.0 * sqrt3 * DBL_ERR) * dist
        + 1.5 * result.abs())
        * DBL_ERR;
    (result, error)
}
