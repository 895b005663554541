//! Geospatial functions (`geo_*`): walks the argument arrays and calls the kernels in
//! `crate::kernels::{geo, geo_cells, geo_wkt}`. Invalid input gives null (an empty
//! string for the token functions), as the docs say.

use super::{Args, dyn_array, pv, sv, user_error};
use crate::error::Result;
use crate::kernels::geo::{self, valid_point};
use crate::kernels::geo_cells as cells;
use crate::kernels::geo_shapes::{Measure, line_length};
use crate::kernels::geo_wkt::{FromWkt, from_wkt};
use arrow::array::*;
use hunt_plan::library::LibFunc;
use hunt_plan::types::KqlType;
use serde_json::Value;
use std::sync::Arc;

pub(super) fn call(a: &Args<'_>, _out: KqlType) -> Result<ArrayRef> {
    use LibFunc::*;
    let n = a.n;
    Ok(match a.f {
        GeoPointToGeohash | GeoPointToH3cell | GeoPointToS2cell => {
            let (lng, lat, lvl) = (a.real(0)?, a.real(1)?, a.long(2)?);
            let mut b = StringBuilder::new();
            for i in 0..n {
                let r = match (pv(lng, i), pv(lat, i), pv(lvl, i)) {
                    (Some(x), Some(y), Some(l)) => token(a.f, x, y, l),
                    _ => None,
                };
                b.append_value(r.unwrap_or_default());
            }
            Arc::new(b.finish())
        }
        GeoGeohashToCentralPoint
        | GeoGeohashToPolygon
        | GeoH3cellNeighbors
        | GeoH3cellToCentralPoint
        | GeoH3cellToPolygon
        | GeoS2cellToCentralPoint
        | GeoS2cellToPolygon => {
            let s = a.str(0)?;
            dyn_array((0..n).map(|i| shape_of_token(a.f, sv(s, i))))
        }
        GeoFromWkt => {
            let s = a.str(0)?;
            let mut vals = Vec::with_capacity(n);
            for i in 0..n {
                vals.push(match from_wkt(sv(s, i)) {
                    FromWkt::Shape(v) => Some(v),
                    FromWkt::Invalid => None,
                    FromWkt::Unsupported(what) => {
                        return Err(user_error(format!(
                            "geo_from_wkt of {what} is not supported"
                        )));
                    }
                });
            }
            dyn_array(vals)
        }
        GeoLineLength => {
            let mut j = a.json(0)?;
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                out.push(match j.get(i).map(line_length) {
                    None | Some(Measure::Invalid) => None,
                    Some(Measure::Value(v)) => Some(v),
                    Some(Measure::Unsupported(what)) => {
                        return Err(user_error(format!(
                            "geo_line_length of {what} is not supported"
                        )));
                    }
                });
            }
            Arc::new(Float64Array::from(out))
        }
        GeoH3cellLevel => {
            let s = a.str(0)?;
            Arc::new(
                (0..n)
                    .map(|i| cells::h3_level(sv(s, i)))
                    .collect::<Int32Array>(),
            )
        }
        GeoH3cellParent => {
            let (s, r) = (a.str(0)?, a.opt_long(1)?);
            let mut b = StringBuilder::new();
            for i in 0..n {
                let p = match r {
                    None => cells::h3_parent(sv(s, i), None),
                    Some(r) => pv(r, i).and_then(|r| cells::h3_parent(sv(s, i), Some(r))),
                };
                b.append_value(p.unwrap_or_default());
            }
            Arc::new(b.finish())
        }
        GeoH3cellChildren => {
            let (s, r) = (a.str(0)?, a.opt_long(1)?);
            dyn_array((0..n).map(|i| match r {
                None => cells::h3_children(sv(s, i), None),
                Some(r) => pv(r, i).and_then(|r| cells::h3_children(sv(s, i), Some(r))),
            }))
        }
        GeoH3cellRings => {
            let (s, k) = (a.str(0)?, a.long(1)?);
            dyn_array((0..n).map(|i| pv(k, i).and_then(|k| cells::h3_rings(sv(s, i), k))))
        }
        GeoDistance2Points | GeoAzimuth | GeoAngle => {
            let cols = (0..a.len())
                .map(|c| a.real(c))
                .collect::<Result<Vec<_>>>()?;
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                let v: Option<Vec<f64>> = cols.iter().map(|c| pv(c, i)).collect();
                out.push(v.and_then(|v| measure(a.f, &v)));
            }
            Arc::new(Float64Array::from(out))
        }
        GeoPointInCircle => {
            let cols = (0..5).map(|c| a.real(c)).collect::<Result<Vec<_>>>()?;
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                let v: Option<Vec<f64>> = cols.iter().map(|c| pv(c, i)).collect();
                out.push(v.and_then(|v| in_circle(&v)));
            }
            Arc::new(BooleanArray::from(out))
        }
        _ => return Err(a.internal()),
    })
}

/// The cell token of a point (`None` → Kusto's empty string).
fn token(f: LibFunc, lng: f64, lat: f64, level: i64) -> Option<String> {
    match f {
        LibFunc::GeoPointToGeohash => {
            let len = usize::try_from(level)
                .ok()
                .filter(|l| (1..=18).contains(l))?;
            valid_point(lng, lat).then(|| geo::geohash_encode(lng, lat, len))
        }
        LibFunc::GeoPointToH3cell => cells::h3_from_point(lng, lat, level),
        _ => cells::s2_from_point(lng, lat, level),
    }
}

/// The GeoJSON (or cell array) a token converts to.
fn shape_of_token(f: LibFunc, t: &str) -> Option<Value> {
    use LibFunc::*;
    match f {
        GeoGeohashToCentralPoint => {
            let (x0, y0, x1, y1) = geo::geohash_bbox(t)?;
            Some(geo::point((x0 + x1) / 2.0, (y0 + y1) / 2.0))
        }
        GeoGeohashToPolygon => {
            let (x0, y0, x1, y1) = geo::geohash_bbox(t)?;
            // counter-clockwise from the south-west corner, as the docs print it
            Some(geo::ring_polygon(&[(x0, y0), (x1, y0), (x1, y1), (x0, y1)]))
        }
        GeoH3cellNeighbors => cells::h3_neighbors(t),
        GeoH3cellToCentralPoint => cells::h3_center(t),
        GeoH3cellToPolygon => cells::h3_polygon(t),
        GeoS2cellToCentralPoint => cells::s2_center(t),
        _ => cells::s2_polygon(t),
    }
}

/// `geo_distance_2points`, `geo_azimuth`, `geo_angle` of one row's coordinates.
fn measure(f: LibFunc, v: &[f64]) -> Option<f64> {
    let at = |i: usize| v.get(i).copied().unwrap_or(f64::NAN);
    let pts: Vec<(f64, f64)> = (0..v.len() / 2)
        .map(|i| (at(2 * i), at(2 * i + 1)))
        .collect();
    if !pts.iter().all(|&(x, y)| valid_point(x, y)) {
        return None;
    }
    match (f, pts.as_slice()) {
        (LibFunc::GeoDistance2Points, [p, q]) => Some(geo::distance(p.0, p.1, q.0, q.1)),
        (LibFunc::GeoAzimuth, [p, q]) => geo::azimuth(p.0, p.1, q.0, q.1),
        (LibFunc::GeoAngle, [p, q, r]) => geo::angle(*p, *q, *r),
        _ => None,
    }
}

/// `geo_point_in_circle`: within `radius` meters of the center; a negative radius or an
/// invalid coordinate is null.
fn in_circle(v: &[f64]) -> Option<bool> {
    let [x, y, cx, cy, r] = v else { return None };
    if !valid_point(*x, *y) || !valid_point(*cx, *cy) || r.is_nan() || *r < 0.0 {
        return None;
    }
    Some(geo::distance(*x, *y, *cx, *cy) <= *r)
}
