//! GeoJSON polygons on Kusto's sphere: reading and validating them by the rules of the
//! Kusto docs (closed LinearRings of at least three distinct vertices, edges shorter than
//! 180°, rings that neither cross nor share edges, each ring enclosing the smaller of the
//! two regions it bounds), then containment, area, perimeter and distance.
//!
//! Multipolygons are measured as the union of their polygons; hunt answers only when the
//! polygons are disjoint (then the union is the plain sum) and refuses otherwise.

use super::geo::{EARTH_RADIUS_M, cross, dot, norm};
use super::geo_sphere::{
    Bad, Geo, Meet, TOUCH, V3, add, angle, boxes_overlap, edge_box, edge_distance, lng_lat, meet,
    neg, point, position, triangle_area, triangle_centroid, turn, winding_angle,
};
use serde_json::Value;
use std::f64::consts::{PI, TAU};

/// A ring oriented counter-clockwise around the region it encloses, without the closing
/// repeat of its first vertex.
#[derive(Debug, Clone)]
pub struct Ring {
    /// The vertices as unit vectors.
    pub v: Vec<V3>,
    boxes: Vec<[f64; 6]>,
    /// The union of `boxes`.
    bbox: [f64; 6],
    /// The sum of the turning angles (2π minus the enclosed area).
    turning: f64,
    /// Whether the input listed the vertices clockwise (and they were reversed).
    reversed: bool,
}

/// A polygon: a shell and holes inside it.
#[derive(Debug, Clone)]
pub struct Polygon {
    /// The outer ring.
    pub shell: Ring,
    /// The holes.
    pub holes: Vec<Ring>,
}

impl Ring {
    fn edges(&self) -> impl Iterator<Item = (usize, V3, V3)> + '_ {
        let n = self.v.len();
        (0..n).map(move |i| (i, self.v[i], self.v[(i + 1) % n]))
    }

    /// The enclosed area in steradians: the fan of triangles from the first vertex, which
    /// is exact for small rings, unless it disagrees with the turning angles (large rings).
    fn area(&self) -> f64 {
        let by_turning = TAU - self.turning;
        let fan: f64 = match self.v.first() {
            Some(&o) => self
                .v
                .windows(2)
                .skip(1)
                .map(|w| triangle_area(o, w[0], w[1]))
                .sum(),
            None => 0.0,
        };
        if (fan - by_turning).abs() < 1e-6 {
            fan
        } else {
            by_turning
        }
    }

    /// A box around all the ring's edges (not its region).
    fn bbox(&self) -> [f64; 6] {
        self.bbox
    }

    /// The union of edge boxes.
    fn edges_box(boxes: &[[f64; 6]]) -> [f64; 6] {
        let (lo, hi) = (f64::INFINITY, f64::NEG_INFINITY);
        let mut r = [lo, lo, lo, hi, hi, hi];
        for b in boxes {
            for k in 0..3 {
                r[k] = r[k].min(b[k]);
                r[k + 3] = r[k + 3].max(b[k + 3]);
            }
        }
        r
    }

    fn perimeter(&self) -> f64 {
        self.edges().map(|(_, a, b)| angle(a, b)).sum()
    }

    fn min_distance(&self, p: V3) -> f64 {
        self.edges()
            .map(|(_, a, b)| edge_distance(p, a, b))
            .fold(f64::INFINITY, f64::min)
    }

    /// Whether `p` is strictly inside; ambiguous within [`TOUCH`] of the boundary.
    fn contains(&self, p: V3) -> Geo<bool> {
        let mut w = 0.0;
        for (_, a, b) in self.edges() {
            // |p·n|/|n| is the sine of p's distance from the edge's great circle, a lower
            // bound of its distance from the edge: only near points need the exact test
            let n = cross(a, b);
            if dot(p, n).abs() <= 2.0 * TOUCH * norm(n)
                && (edge_distance(p, a, b) < TOUCH || edge_distance(neg(p), a, b) < TOUCH)
            {
                return Err(Bad::Unsupported("a point on a polygon's boundary"));
            }
            w += winding_angle(p, a, b);
        }
        // +1 when p is inside the counter-clockwise ring, -1 when its antipode is
        Ok((w / TAU).round() > 0.5)
    }
}

/// Reads one LinearRing; `None` coordinates → invalid.
fn ring(coords: &Value) -> Geo<Ring> {
    let pts = coords.as_array().ok_or(Bad::Invalid)?;
    let ll = pts.iter().map(position).collect::<Geo<Vec<_>>>()?;
    if ll.len() < 4 || ll.first() != ll.last() {
        return Err(Bad::Invalid);
    }
    let mut v: Vec<V3> = ll[..ll.len() - 1]
        .iter()
        .map(|&(x, y)| point(x, y))
        .collect();
    let n = v.len();
    for i in 0..n {
        if v[i + 1..].contains(&v[i]) {
            return Err(Bad::Invalid);
        }
        if angle(v[i], v[(i + 1) % n]) >= PI - 1e-12 {
            return Err(Bad::Invalid);
        }
    }
    let mut r = Ring {
        boxes: Vec::new(),
        bbox: [0.0; 6],
        turning: 0.0,
        reversed: false,
        v: Vec::new(),
    };
    r.boxes = (0..n).map(|i| edge_box(v[i], v[(i + 1) % n])).collect();
    // edges that fold back onto their neighbor share a piece of edge
    for i in 0..n {
        let (a, b, c) = (v[i], v[(i + 1) % n], v[(i + 2) % n]);
        if edge_distance(c, a, b) < TOUCH || edge_distance(a, b, c) < TOUCH {
            return Err(Bad::Unsupported("a ring whose edges fold back"));
        }
    }
    for i in 0..n {
        for j in i + 2..n {
            if (i == 0 && j == n - 1) || !boxes_overlap(&r.boxes[i], &r.boxes[j]) {
                continue;
            }
            let m = meet(v[i], v[(i + 1) % n], v[j], v[(j + 1) % n]);
            match m {
                Meet::Apart => {}
                Meet::Cross => return Err(Bad::Invalid),
                Meet::Vertex | Meet::Touch => {
                    return Err(Bad::Unsupported("a ring that touches itself"));
                }
            }
        }
    }
    let turning: f64 = (0..n)
        .map(|i| turn(v[i], v[(i + 1) % n], v[(i + 2) % n]))
        .sum();
    if turning.abs() < 1e-9 {
        return Err(Bad::Unsupported("a ring enclosing half of the sphere"));
    }
    // the docs: of the two regions a ring bounds, it encloses the smaller one
    if turning < 0.0 {
        r.reversed = true;
        v.reverse();
        r.boxes = (0..n).map(|i| edge_box(v[i], v[(i + 1) % n])).collect();
    }
    r.bbox = Ring::edges_box(&r.boxes);
    r.turning = turning.abs();
    r.v = v;
    Ok(r)
}

/// How the edges of two rings meet: `Cross` if any cross, else `Touch` if any touch or
/// share a vertex, else `Apart`.
fn contact(p: &Ring, q: &Ring) -> Meet {
    if !boxes_overlap(&p.bbox(), &q.bbox()) {
        return Meet::Apart;
    }
    let mut touch = false;
    for (i, a, b) in p.edges() {
        for (j, c, d) in q.edges() {
            if !boxes_overlap(&p.boxes[i], &q.boxes[j]) {
                continue;
            }
            match meet(a, b, c, d) {
                Meet::Apart => {}
                Meet::Cross => return Meet::Cross,
                Meet::Vertex | Meet::Touch => touch = true,
            }
        }
    }
    if touch { Meet::Touch } else { Meet::Apart }
}

/// Rings of one polygon must not cross (invalid); touching ones hunt refuses.
fn separate(p: &Ring, q: &Ring) -> Geo<()> {
    match contact(p, q) {
        Meet::Apart => Ok(()),
        Meet::Cross => Err(Bad::Invalid),
        _ => Err(Bad::Unsupported("polygon rings that touch")),
    }
}

fn polygon(coords: &Value) -> Geo<Polygon> {
    let rings = coords.as_array().ok_or(Bad::Invalid)?;
    let mut rings = rings.iter().map(ring);
    let shell = rings.next().ok_or(Bad::Invalid)??;
    let holes = rings.collect::<Geo<Vec<_>>>()?;
    for (k, h) in holes.iter().enumerate() {
        separate(&shell, h)?;
        for g in &holes[..k] {
            separate(g, h)?;
            if g.contains(h.v[0])? || h.contains(g.v[0])? {
                return Err(Bad::Unsupported("nested holes"));
            }
        }
        if !shell.contains(h.v[0])? {
            return Err(Bad::Unsupported("a hole outside its shell"));
        }
    }
    Ok(Polygon { shell, holes })
}

impl Polygon {
    fn rings(&self) -> impl Iterator<Item = &Ring> {
        std::iter::once(&self.shell).chain(&self.holes)
    }

    /// Whether `p` is inside (not in a hole); ambiguous on the boundary.
    pub fn contains(&self, p: V3) -> Geo<bool> {
        if !self.shell.contains(p)? {
            return Ok(false);
        }
        for h in &self.holes {
            if h.contains(p)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn area(&self) -> f64 {
        self.shell.area() - self.holes.iter().map(Ring::area).sum::<f64>()
    }

    /// The distance in radians from `p` to the boundary.
    fn boundary_distance(&self, p: V3) -> f64 {
        self.rings()
            .map(|r| r.min_distance(p))
            .fold(f64::INFINITY, f64::min)
    }
}

/// The polygons of a GeoJSON `Polygon` or `MultiPolygon`, checked to be disjoint.
pub fn polygons(v: &Value) -> Geo<Vec<Polygon>> {
    let ty = v.get("type").and_then(Value::as_str).ok_or(Bad::Invalid)?;
    let coords = v
        .get("coordinates")
        .and_then(Value::as_array)
        .ok_or(Bad::Invalid)?;
    let ps = match ty {
        "Polygon" => vec![polygon(&Value::Array(coords.clone()))?],
        "MultiPolygon" if !coords.is_empty() => {
            coords.iter().map(polygon).collect::<Geo<Vec<_>>>()?
        }
        _ => return Err(Bad::Invalid),
    };
    let overlap = Bad::Unsupported("a multipolygon whose polygons overlap or touch");
    for (k, p) in ps.iter().enumerate() {
        for q in &ps[..k] {
            for r in p.rings() {
                for s in q.rings() {
                    if contact(r, s) != Meet::Apart {
                        return Err(overlap);
                    }
                }
            }
            if p.contains(q.shell.v[0])? || q.contains(p.shell.v[0])? {
                return Err(overlap);
            }
        }
    }
    Ok(ps)
}

/// `geo_point_in_polygon`.
pub fn point_in_polygon(lng: f64, lat: f64, shape: &[Polygon]) -> Geo<bool> {
    let p = point(lng, lat);
    for poly in shape {
        if poly.contains(p)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// `geo_polygon_area`, in square meters.
pub fn area(shape: &[Polygon]) -> f64 {
    shape.iter().map(Polygon::area).sum::<f64>() * EARTH_RADIUS_M * EARTH_RADIUS_M
}

/// `geo_polygon_perimeter`, in meters.
pub fn perimeter(shape: &[Polygon]) -> f64 {
    shape
        .iter()
        .flat_map(Polygon::rings)
        .map(Ring::perimeter)
        .sum::<f64>()
        * EARTH_RADIUS_M
}

/// `geo_distance_point_to_polygon`, in meters: 0 inside. A point on the boundary is at
/// distance (about) 0 either way, so the ambiguity does not matter here.
pub fn distance_to_point(lng: f64, lat: f64, shape: &[Polygon]) -> f64 {
    let p = point(lng, lat);
    let mut best = f64::INFINITY;
    for poly in shape {
        match poly.contains(p) {
            Ok(true) => return 0.0,
            Ok(false) | Err(_) => best = best.min(poly.boundary_distance(p)),
        }
    }
    best * EARTH_RADIUS_M
}

/// Whether two polygon sets share a point (`geo_intersects_2polygons`); touching
/// boundaries are ambiguous.
pub fn polygons_intersect(p: &[Polygon], q: &[Polygon]) -> Geo<bool> {
    let mut touch = false;
    for a in p {
        for b in q {
            for r in a.rings() {
                for s in b.rings() {
                    match contact(r, s) {
                        Meet::Apart => {}
                        Meet::Cross => return Ok(true),
                        _ => touch = true,
                    }
                }
            }
            if a.contains(b.shell.v[0])? || b.contains(a.shell.v[0])? {
                return Ok(true);
            }
        }
    }
    if touch {
        return Err(Bad::Unsupported("polygons whose boundaries touch"));
    }
    Ok(false)
}

/// `geo_polygon_centroid` in degrees, following S2's `S2Loop::GetCentroid` step by step
/// (a fan of triangle centroids from the first vertex) so the point matches Kusto's to
/// the bit. Only a single counter-clockwise ring is answered: holes and multipolygons are
/// ordered and combined by S2 in ways hunt does not reproduce, a clockwise ring is
/// inverted by S2 with its own choice of first vertex, and a ring reaching near the
/// antipode of its first vertex makes S2 move the fan's origin.
pub fn centroid(shape: &[Polygon]) -> Geo<(f64, f64)> {
    let [p] = shape else {
        return Err(Bad::Unsupported("a multipolygon"));
    };
    if !p.holes.is_empty() {
        return Err(Bad::Unsupported("a polygon with holes"));
    }
    let ring = &p.shell;
    if ring.reversed {
        return Err(Bad::Unsupported("a clockwise ring"));
    }
    let Some(&o) = ring.v.first() else {
        return Err(Bad::Invalid);
    };
    let mut sum = [0.0; 3];
    for w in ring.v.windows(2).skip(1) {
        if angle(w[1], o) > PI - 1e-5 {
            return Err(Bad::Unsupported("a ring spanning nearly half the sphere"));
        }
        sum = add(sum, triangle_centroid(o, w[0], w[1]));
    }
    Ok(lng_lat(sum))
}

/// The edges of a polygon set, for the line predicates.
pub fn edges(shape: &[Polygon]) -> Vec<(V3, V3)> {
    shape
        .iter()
        .flat_map(Polygon::rings)
        .flat_map(|r| r.edges().map(|(_, a, b)| (a, b)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn shape(coords: Value) -> Geo<Vec<Polygon>> {
        polygons(&json!({"type": "Polygon", "coordinates": coords}))
    }

    #[test]
    fn rings_enclose_the_smaller_region() {
        // docs (polygon definition): of the two regions a ring bounds, the smaller one is
        // the polygon, whichever way the ring turns
        let ccw = shape(json!([[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]));
        let cw = shape(json!([[[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]]]));
        let (Ok(ccw), Ok(cw)) = (ccw, cw) else {
            panic!("valid squares")
        };
        assert!((area(&ccw) - area(&cw)).abs() < 1e-6);
        assert_eq!(point_in_polygon(0.5, 0.5, &cw), Ok(true));
        assert_eq!(point_in_polygon(5.0, 0.5, &cw), Ok(false));
    }

    #[test]
    fn holes_and_invalid_rings() {
        // docs (polygon definition): holes are outside the polygon; rings must not cross,
        // must be closed and need three distinct vertices
        let holed = shape(json!([
            [[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]],
            [[1, 1], [1, 2], [2, 2], [2, 1], [1, 1]]
        ]));
        let Ok(holed) = holed else {
            panic!("valid polygon with a hole")
        };
        assert_eq!(point_in_polygon(1.5, 1.5, &holed), Ok(false));
        assert_eq!(point_in_polygon(3.0, 3.0, &holed), Ok(true));
        let bow_tie = shape(json!([[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]));
        assert_eq!(bow_tie.err(), Some(Bad::Invalid));
        let open = shape(json!([[[0, 0], [1, 0], [1, 1], [0, 1]]]));
        assert_eq!(open.err(), Some(Bad::Invalid));
        // a point on an edge is decided by S2's exact predicates: refused
        let square = shape(json!([[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]));
        let Ok(square) = square else {
            panic!("valid square")
        };
        assert!(matches!(
            point_in_polygon(0.0, 0.5, &square),
            Err(Bad::Unsupported(_))
        ));
    }
}
