//! Grid cells of Kusto's geospatial functions: H3 (through the `h3o` crate, a port of
//! Uber's H3 that gives the same cells, tokens, centers and boundaries) and S2 (through
//! the `s2` crate, with cell corners normalized by division before conversion to degrees,
//! which reproduces Kusto's printed coordinates to the last bit).
//!
//! Every function returns `None` where Kusto's result is null or empty: an invalid token,
//! resolution or coordinate.

use super::geo::{point, ring_polygon, valid_point};
use h3o::{CellIndex, LatLng, Resolution};
use serde_json::Value;
use std::str::FromStr;

/// An H3 cell from its token (lower-case hex, as `geo_point_to_h3cell` prints it).
pub fn h3_cell(token: &str) -> Option<CellIndex> {
    if token.is_empty() || token.len() > 16 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    CellIndex::from_str(token).ok()
}

/// An H3 resolution in [0, 15].
fn resolution(r: i64) -> Option<Resolution> {
    u8::try_from(r)
        .ok()
        .and_then(|r| Resolution::try_from(r).ok())
}

/// The token of the H3 cell of a point at resolution `res` (`geo_point_to_h3cell`).
pub fn h3_from_point(lng: f64, lat: f64, res: i64) -> Option<String> {
    if !valid_point(lng, lat) {
        return None;
    }
    let ll = LatLng::new(lat, lng).ok()?;
    Some(ll.to_cell(resolution(res)?).to_string())
}

/// The resolution of an H3 cell.
pub fn h3_level(token: &str) -> Option<i32> {
    h3_cell(token).map(|c| i32::from(u8::from(c.resolution())))
}

/// The parent of an H3 cell at resolution `res` (the next coarser one by default).
pub fn h3_parent(token: &str, res: Option<i64>) -> Option<String> {
    let c = h3_cell(token)?;
    let r = match res {
        Some(r) => resolution(r)?,
        None => resolution(i64::from(u8::from(c.resolution())) - 1)?,
    };
    c.parent(r).map(|p| p.to_string())
}

/// The children of an H3 cell at resolution `res` (the next finer one by default); the
/// docs cap the difference of resolutions at 5.
pub fn h3_children(token: &str, res: Option<i64>) -> Option<Value> {
    let c = h3_cell(token)?;
    let own = i64::from(u8::from(c.resolution()));
    let r = res.unwrap_or(own + 1);
    if r < own || r - own > 5 {
        return None;
    }
    let kids = c.children(resolution(r)?);
    Some(Value::Array(
        kids.map(|k| Value::String(k.to_string())).collect(),
    ))
}

/// The cells around an H3 cell, in H3's `gridDisk` order without the cell itself.
pub fn h3_neighbors(token: &str) -> Option<Value> {
    let c = h3_cell(token)?;
    let disk: Vec<CellIndex> = c.grid_disk(1);
    Some(Value::Array(
        disk.into_iter()
            .filter(|&n| n != c)
            .map(|n| Value::String(n.to_string()))
            .collect(),
    ))
}

/// The rings of cells at distances 0 to `k` from an H3 cell, each in H3's
/// `gridDiskDistances` order; the docs allow distances in [0, 142].
pub fn h3_rings(token: &str, k: i64) -> Option<Value> {
    let c = h3_cell(token)?;
    let k = u32::try_from(k).ok().filter(|&k| k <= 142)?;
    let mut rings: Vec<Vec<Value>> = vec![Vec::new(); k as usize + 1];
    let disk: Vec<(CellIndex, u32)> = c.grid_disk_distances(k);
    for (cell, d) in disk {
        if let Some(r) = rings.get_mut(d as usize) {
            r.push(Value::String(cell.to_string()));
        }
    }
    Some(Value::Array(rings.into_iter().map(Value::Array).collect()))
}

/// The center of an H3 cell as a GeoJSON point.
pub fn h3_center(token: &str) -> Option<Value> {
    let ll = LatLng::from(h3_cell(token)?);
    Some(point(ll.lng(), ll.lat()))
}

/// The boundary of an H3 cell as a GeoJSON polygon (H3's counter-clockwise vertices).
pub fn h3_polygon(token: &str) -> Option<Value> {
    let b = h3_cell(token)?.boundary();
    let v: Vec<(f64, f64)> = b.iter().map(|ll| (ll.lng(), ll.lat())).collect();
    Some(ring_polygon(&v))
}

/// An S2 cell from its token (at most 16 hex digits, trailing zeros dropped).
fn s2_cell(token: &str) -> Option<s2::cellid::CellID> {
    if token.is_empty() || token.len() > 16 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let id = s2::cellid::CellID::from_token(token);
    id.is_valid().then_some(id)
}

/// The token of the S2 cell of a point at level `level` in [0, 30] (`geo_point_to_s2cell`).
pub fn s2_from_point(lng: f64, lat: f64, level: i64) -> Option<String> {
    if !valid_point(lng, lat) {
        return None;
    }
    let level = u64::try_from(level).ok().filter(|&l| l <= 30)?;
    let ll = s2::latlng::LatLng::from_degrees(lat, lng);
    Some(s2::cellid::CellID::from(ll).parent(level).to_token())
}

/// The center of an S2 cell as a GeoJSON point.
pub fn s2_center(token: &str) -> Option<Value> {
    let ll = s2::latlng::LatLng::from(s2_cell(token)?);
    Some(point(ll.lng.deg(), ll.lat.deg()))
}

/// The corners of an S2 cell as a GeoJSON polygon, in S2's counter-clockwise order.
pub fn s2_polygon(token: &str) -> Option<Value> {
    let cell = s2::cell::Cell::from(&s2_cell(token)?);
    let face = cell.face();
    let v: Vec<(f64, f64)> = cell
        .uv
        .vertices()
        .iter()
        .map(|uv| {
            let [x, y, z] = face_uv_to_xyz(face, uv.x, uv.y);
            // normalized by division: the `s2` crate's own normalization is a bit off
            let n = (x * x + y * y + z * z).sqrt();
            let (x, y, z) = (x / n, y / n, z / n);
            (
                y.atan2(x).to_degrees(),
                z.atan2((x * x + y * y).sqrt()).to_degrees(),
            )
        })
        .collect();
    Some(ring_polygon(&v))
}

/// S2's (face, u, v) to an unnormalized vector (the `s2` crate keeps this private).
fn face_uv_to_xyz(face: u8, u: f64, v: f64) -> [f64; 3] {
    match face {
        0 => [1.0, u, v],
        1 => [-u, 1.0, v],
        2 => [-u, -v, 1.0],
        3 => [-1.0, -v, -u],
        4 => [v, -1.0, -u],
        _ => [v, u, -1.0],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_follow_the_docs() {
        // docs: geo-point-to-h3cell-function, geo-h3cell-parent-function,
        // geo-point-to-s2cell-function
        assert_eq!(
            h3_from_point(-74.04450446039874, 40.689250859314974, 6).as_deref(),
            Some("862a1072fffffff")
        );
        assert_eq!(h3_from_point(1.0, 1.0, 16), None);
        assert_eq!(
            h3_parent("862a1072fffffff", None).as_deref(),
            Some("852a1073fffffff")
        );
        assert_eq!(h3_parent("862a1072fffffff", Some(15)), None);
        assert_eq!(
            s2_from_point(-80.195829, 25.802215, 8).as_deref(),
            Some("88d9b")
        );
        assert_eq!(s2_center("a"), None);
    }
}
