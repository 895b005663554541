//! KQL-specific kernels: free functions over Arrow arrays, one family per module.
//! Everything arrow's own compute kernels do is called, not rewritten.

pub mod arith;
pub mod calendar;
pub mod geo;
pub mod geo_cells;
pub mod geo_densify;
pub mod geo_lines;
pub mod geo_partial;
pub mod geo_polygon;
pub mod geo_shapes;
pub mod geo_sphere;
pub mod geo_wkt;
pub mod hash;
pub mod ipv4;
pub mod ipv6;
pub mod json;
pub mod json_members;
pub mod json_scan;
pub mod json_text;
pub mod kv;
pub mod misc;
pub mod numeric;
pub mod regex_cache;
pub mod series;
pub mod strfn;
pub mod string;
pub mod text;
