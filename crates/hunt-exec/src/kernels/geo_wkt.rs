//! `geo_from_wkt`: Well-known text (parsed by the `wkt` crate) to a GeoJSON value.
//!
//! The docs give null for invalid or unsupported text and show only two-dimensional
//! shapes with coordinates in range; what they leave open (EMPTY shapes, Z and M
//! coordinates, out-of-range coordinates) is an `Unsupported` outcome that the caller
//! reports as an error rather than guess Kusto's answer.

use super::geo::{geometry, position, valid_point};
use serde_json::{Map, Value};
use std::str::FromStr;
use wkt::Wkt;
use wkt::types::{Coord, Dimension, LineString, Polygon};

/// What converting one text gave.
pub enum FromWkt {
    /// The GeoJSON shape.
    Shape(Value),
    /// Text that is not WKT: Kusto's result is null.
    Invalid,
    /// WKT whose conversion the docs don't show.
    Unsupported(&'static str),
}

/// Converts WKT text to GeoJSON.
pub fn from_wkt(text: &str) -> FromWkt {
    let Ok(w) = Wkt::<f64>::from_str(text) else {
        return FromWkt::Invalid;
    };
    match shape(&w) {
        Ok(v) => FromWkt::Shape(v),
        Err(why) => FromWkt::Unsupported(why),
    }
}

type Conv = Result<Value, &'static str>;

fn shape(w: &Wkt<f64>) -> Conv {
    Ok(match w {
        Wkt::Point(p) => {
            dim(p.dimension())?;
            let c = p.coord().ok_or("an EMPTY point")?;
            geometry("Point", pos(c)?)
        }
        Wkt::LineString(l) => geometry("LineString", line(l)?),
        Wkt::Polygon(p) => geometry("Polygon", polygon(p)?),
        Wkt::MultiPoint(m) => {
            dim(m.dimension())?;
            let pts = m
                .points()
                .iter()
                .map(|p| p.coord().ok_or("an EMPTY point").and_then(pos))
                .collect::<Result<Vec<_>, _>>()?;
            geometry("MultiPoint", nonempty(pts)?)
        }
        Wkt::MultiLineString(m) => {
            dim(m.dimension())?;
            let ls = m
                .line_strings()
                .iter()
                .map(line)
                .collect::<Result<_, _>>()?;
            geometry("MultiLineString", nonempty(ls)?)
        }
        Wkt::MultiPolygon(m) => {
            dim(m.dimension())?;
            let ps = m.polygons().iter().map(polygon).collect::<Result<_, _>>()?;
            geometry("MultiPolygon", nonempty(ps)?)
        }
        Wkt::GeometryCollection(g) => {
            dim(g.dimension())?;
            let gs = g.geometries().iter().map(shape).collect::<Result<_, _>>()?;
            let mut m = Map::new();
            m.insert("type".into(), Value::String("GeometryCollection".into()));
            m.insert("geometries".into(), nonempty(gs)?);
            Value::Object(m)
        }
    })
}

fn dim(d: Dimension) -> Result<(), &'static str> {
    match d {
        Dimension::XY => Ok(()),
        _ => Err("Z or M coordinates"),
    }
}

fn nonempty(v: Vec<Value>) -> Conv {
    if v.is_empty() {
        return Err("an EMPTY shape");
    }
    Ok(Value::Array(v))
}

fn pos(c: &Coord<f64>) -> Conv {
    if c.z.is_some() || c.m.is_some() {
        return Err("Z or M coordinates");
    }
    if !valid_point(c.x, c.y) {
        return Err("coordinates out of range");
    }
    Ok(position(c.x, c.y))
}

fn line(l: &LineString<f64>) -> Conv {
    dim(l.dimension())?;
    if l.coords().len() < 2 {
        return Err("a line of fewer than two points");
    }
    nonempty(l.coords().iter().map(pos).collect::<Result<_, _>>()?)
}

fn polygon(p: &Polygon<f64>) -> Conv {
    dim(p.dimension())?;
    for r in p.rings() {
        let c = r.coords();
        let closed =
            matches!((c.first(), c.last()), (Some(a), Some(b)) if a.x == b.x && a.y == b.y);
        if c.len() < 4 || !closed {
            return Err("a polygon ring that is not closed or has fewer than four points");
        }
    }
    nonempty(p.rings().iter().map(line).collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(t: &str) -> String {
        match from_wkt(t) {
            FromWkt::Shape(v) => v.to_string(),
            FromWkt::Invalid => "null".into(),
            FromWkt::Unsupported(w) => format!("unsupported: {w}"),
        }
    }

    #[test]
    fn converts_the_doc_examples() {
        // docs: geo-from-wkt-function
        assert_eq!(
            text("POINT (1 2)"),
            r#"{"type":"Point","coordinates":[1,2]}"#
        );
        assert_eq!(
            text("MULTILINESTRING ((1 1, 2 2, 3 3), (4 4, 5 5))"),
            r#"{"type":"MultiLineString","coordinates":[[[1,1],[2,2],[3,3]],[[4,4],[5,5]]]}"#
        );
        assert_eq!(text("LINESTRING"), "null");
    }
}
