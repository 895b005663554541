//! Geospatial kernels on Kusto's Earth model: points on a sphere of radius 6,371,010 m
//! (the S2 library's mean Earth radius, which reproduces the distances in Kusto's docs),
//! edges that are great-circle arcs, and geohash cells. GeoJSON values are built here too.
//!
//! Coordinates are WGS-84 degrees, longitude first, as in GeoJSON and in Kusto's
//! function signatures.

use serde_json::{Map, Value};

/// The sphere radius Kusto measures distances on, in meters.
pub const EARTH_RADIUS_M: f64 = 6_371_010.0;

/// A longitude and a latitude in Kusto's valid ranges ([-180, 180], [-90, 90]); NaN and
/// infinities are invalid.
pub fn valid_point(lng: f64, lat: f64) -> bool {
    (-180.0..=180.0).contains(&lng) && (-90.0..=90.0).contains(&lat)
}

/// The unit vector of a point given in degrees.
pub fn unit(lng: f64, lat: f64) -> [f64; 3] {
    let (lng, lat) = (lng.to_radians(), lat.to_radians());
    [lat.cos() * lng.cos(), lat.cos() * lng.sin(), lat.sin()]
}

/// The cross product.
pub fn cross(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ]
}

/// The dot product.
pub fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

/// The Euclidean length.
pub fn norm(a: [f64; 3]) -> f64 {
    dot(a, a).sqrt()
}

/// The central angle between two points, in radians: `atan2(|a×b|, a·b)`, accurate for
/// both tiny and near-antipodal separations (S2's `S1Angle(a, b)`).
pub fn central_angle(lng1: f64, lat1: f64, lng2: f64, lat2: f64) -> f64 {
    let (a, b) = (unit(lng1, lat1), unit(lng2, lat2));
    norm(cross(a, b)).atan2(dot(a, b))
}

/// The great-circle distance in meters between two valid points.
pub fn distance(lng1: f64, lat1: f64, lng2: f64, lat2: f64) -> f64 {
    central_angle(lng1, lat1, lng2, lat2) * EARTH_RADIUS_M
}

/// The initial bearing from point 1 to point 2, clockwise from north, in radians in
/// [0, 2π); `None` when the direction is undefined (equal or antipodal points).
pub fn azimuth(lng1: f64, lat1: f64, lng2: f64, lat2: f64) -> Option<f64> {
    let (a, b) = (unit(lng1, lat1), unit(lng2, lat2));
    if a == b || norm(cross(a, b)) == 0.0 {
        return None;
    }
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dl = (lng2 - lng1).to_radians();
    let y = dl.sin() * p2.cos();
    let x = p1.cos() * p2.sin() - p1.sin() * p2.cos() * dl.cos();
    let t = y.atan2(x);
    Some(if t < 0.0 {
        t + std::f64::consts::TAU
    } else {
        t
    })
}

/// The clockwise angle at point 2 from the line towards point 1 to the line towards
/// point 3, in radians in [0, 2π) (`geo_angle`).
pub fn angle(p1: (f64, f64), p2: (f64, f64), p3: (f64, f64)) -> Option<f64> {
    let a1 = azimuth(p2.0, p2.1, p1.0, p1.1)?;
    let a3 = azimuth(p2.0, p2.1, p3.0, p3.1)?;
    let d = a3 - a1;
    Some(if d < 0.0 {
        d + std::f64::consts::TAU
    } else {
        d
    })
}

/// The base-32 alphabet of geohash.
const GEOHASH: &[u8; 32] = b"0123456789bcdefghjkmnpqrstuvwxyz";

/// The geohash of a valid point with `len` characters, by bisection of the longitude
/// and latitude ranges (a value on a midpoint goes to the upper half). Written here
/// because the `geohash` crate stops at 12 characters and Kusto goes to 18.
pub fn geohash_encode(lng: f64, lat: f64, len: usize) -> String {
    let (mut lo, mut la) = ((-180.0f64, 180.0f64), (-90.0f64, 90.0f64));
    let mut out = String::with_capacity(len);
    let mut even = true;
    for _ in 0..len {
        let mut v = 0usize;
        for _ in 0..5 {
            let (r, x) = if even { (&mut lo, lng) } else { (&mut la, lat) };
            let mid = (r.0 + r.1) / 2.0;
            v <<= 1;
            if x >= mid {
                v |= 1;
                r.0 = mid;
            } else {
                r.1 = mid;
            }
            even = !even;
        }
        out.push(char::from(GEOHASH[v]));
    }
    out
}

/// The bounding box `(min_lng, min_lat, max_lng, max_lat)` of a geohash of 1 to 18
/// characters; `None` for anything else.
pub fn geohash_bbox(hash: &str) -> Option<(f64, f64, f64, f64)> {
    if hash.is_empty() || hash.len() > 18 {
        return None;
    }
    let (mut lo, mut la) = ((-180.0f64, 180.0f64), (-90.0f64, 90.0f64));
    let mut even = true;
    for c in hash.bytes() {
        let v = GEOHASH.iter().position(|&g| g == c)?;
        for bit in (0..5).rev() {
            let r = if even { &mut lo } else { &mut la };
            let mid = (r.0 + r.1) / 2.0;
            if (v >> bit) & 1 == 1 {
                r.0 = mid;
            } else {
                r.1 = mid;
            }
            even = !even;
        }
    }
    Some((lo.0, la.0, lo.1, la.1))
}

/// A coordinate as a JSON number; integral values print without a fraction, as Kusto
/// prints them (`[1,2]`).
pub fn coord(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        Value::from(v as i64)
    } else {
        super::json::real(v)
    }
}

/// A `[lng, lat]` position.
pub fn position(lng: f64, lat: f64) -> Value {
    Value::Array(vec![coord(lng), coord(lat)])
}

/// A GeoJSON geometry `{"type": ty, "coordinates": coordinates}`.
pub fn geometry(ty: &str, coordinates: Value) -> Value {
    let mut m = Map::new();
    m.insert("type".into(), Value::String(ty.into()));
    m.insert("coordinates".into(), coordinates);
    Value::Object(m)
}

/// A GeoJSON point.
pub fn point(lng: f64, lat: f64) -> Value {
    geometry("Point", position(lng, lat))
}

/// A GeoJSON polygon of one ring through `vertices`, closed by repeating the first.
pub fn ring_polygon(vertices: &[(f64, f64)]) -> Value {
    let mut ring: Vec<Value> = vertices.iter().map(|&(x, y)| position(x, y)).collect();
    if let Some(&(x, y)) = vertices.first() {
        ring.push(position(x, y));
    }
    geometry("Polygon", Value::Array(vec![Value::Array(ring)]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn geohash_round_trips_the_docs() {
        // docs: geo-point-to-geohash-function, geo-geohash-to-polygon-function
        assert_eq!(geohash_encode(-80.195829, 25.802215, 8), "dhwfz15h");
        assert_eq!(
            geohash_bbox("dr5ru"),
            Some((-74.00390625, 40.7373046875, -73.9599609375, 40.78125))
        );
        assert_eq!(geohash_bbox("a"), None);
    }

    #[test]
    fn distance_and_azimuth_follow_the_docs() {
        // docs: geo-distance-2points-function, geo-azimuth-function, geo-angle-function
        let d = distance(-122.407628, 47.578557, -118.275287, 34.019056);
        assert!((d - 1546754.35197381).abs() < 1e-6);
        let a = azimuth(5.0, 10.0, 10.0, -40.0).unwrap_or(f64::NAN);
        assert!((a - 3.05459939796449).abs() < 1e-12);
        assert_eq!(azimuth(5.0, 10.0, 5.0, 10.0), None);
        let g = angle((0.0, 10.0), (0.0, 5.0), (3.0, -10.0)).unwrap_or(f64::NAN);
        assert!((g - 2.94493843406882).abs() < 1e-12);
    }
}
