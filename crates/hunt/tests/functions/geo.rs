//! The geospatial shape functions end to end, with values from their doc pages
//! (`docs: <page>`).

use super::{check, fails};

/// Central Park as the doc pages draw it.
const CENTRAL_PARK: &str = r#"dynamic({"type":"Polygon","coordinates":[[[-73.9495,40.7969],[-73.95807266235352,40.80068603561921],[-73.98201942443848,40.76825672305777],[-73.97317886352539,40.76455136505513],[-73.9495,40.7969]]]})"#;

/// A ring with a repeated vertex (invalid: LinearRing vertices must be distinct).
const BAD_RING: &str =
    r#"dynamic({"type": "Polygon","coordinates": [[[0,0],[10,10],[10,10],[0,0]]]})"#;

#[test]
fn point_in_polygon() {
    // docs: geo-point-in-polygon-function (a polygon with a hole; invalid inputs are null)
    check(
        r#"let p = dynamic({"type":"Polygon","coordinates":[[[-73.92597198486328,40.87821814104651],[-73.94691467285156,40.85069618625578],[-73.94691467285156,40.841865966890786],[-74.01008605957031,40.7519385984599],[-74.01866912841797,40.704586878965245],[-74.01214599609375,40.699901911003046],[-73.99772644042969,40.70875101828792],[-73.97747039794922,40.71083299030839],[-73.97026062011719,40.7290474687069],[-73.97506713867186,40.734510840309376],[-73.970947265625,40.74543623770158],[-73.94210815429688,40.77586181063573],[-73.9434814453125,40.78080140115127],[-73.92974853515625,40.79691751000055],[-73.93077850341797,40.804454347291006],[-73.93489837646484,40.80965166748853],[-73.93524169921875,40.837190668541105],[-73.92288208007812,40.85770758108904],[-73.9101791381836,40.871728144624974],[-73.92597198486328,40.87821814104651]],[[-73.95824432373047,40.80071852197889],[-73.98206233978271,40.76815921628347],[-73.97309303283691,40.76422632379533],[-73.94914627075195,40.796949998204596],[-73.95824432373047,40.80071852197889]]]});
           datatable(lng:real, lat:real)[-73.985654, 40.748487, -73.963249, 40.779525, -73.874367, 40.777356]
           | project inside = geo_point_in_polygon(lng, lat, p)"#,
        "inside:bool\ntrue\nfalse\nfalse",
    );
    check(
        &format!(
            r#"print a = geo_point_in_polygon(200, 1, dynamic({{"type": "Polygon","coordinates": [[[0,0],[10,10],[10,1],[0,0]]]}})), b = geo_point_in_polygon(1, 1, {BAD_RING})"#
        ),
        "a:bool|b:bool\nnull|null",
    );
}

#[test]
fn polygon_measures() {
    // docs: geo-polygon-area-function, geo-polygon-perimeter-function
    check(
        &format!(
            "print a = round(geo_polygon_area({CENTRAL_PARK}), 2), p = round(geo_polygon_perimeter({CENTRAL_PARK}), 6), \
             n = geo_polygon_area({BAD_RING}), m = geo_polygon_perimeter({BAD_RING})"
        ),
        "a:real|p:real|n:real|m:real\n3475207.28|9930.301496|null|null",
    );
    // docs: geo-polygon-area-function measures the union of overlapping polygons, which
    // hunt refuses
    fails(
        r#"print geo_polygon_area(dynamic({"type":"MultiPolygon","coordinates":[[[[-73.9495,40.7969],[-73.95807266235352,40.80068603561921],[-73.98201942443848,40.76825672305777],[-73.97317886352539,40.76455136505513],[-73.9495,40.7969]]],[[[-73.94262313842773,40.775991804565585],[-73.98107528686523,40.791849155467695],[-73.99600982666016,40.77092185281977],[-73.96150588989258,40.75609977566361],[-73.94262313842773,40.775991804565585]]]]}))"#,
    );
}

#[test]
fn distances_to_shapes() {
    // docs: geo-distance-point-to-polygon-function, geo-distance-point-to-line-function
    check(
        &format!(
            r#"print a = round(geo_distance_point_to_polygon(-73.9839, 40.7705, {CENTRAL_PARK}), 6),
                     b = geo_distance_point_to_polygon(-73.965, 40.782, {CENTRAL_PARK}),
                     c = geo_distance_point_to_polygon(500, 1, {CENTRAL_PARK}),
                     d = geo_distance_point_to_polygon(1, 1, {BAD_RING})"#
        ),
        "a:real|b:real|c:real|d:real\n259.940756|0|null|null",
    );
    check(
        r#"print a = round(geo_distance_point_to_line(-115.199625, 36.210419, dynamic({ "type":"LineString","coordinates":[[-115.115385,36.229195],[-115.136995,36.200366],[-115.140252,36.192470],[-115.143558,36.188523],[-115.144076,36.181954],[-115.154662,36.174483],[-115.166431,36.176388],[-115.183289,36.175007],[-115.192612,36.176736],[-115.202485,36.173439],[-115.225355,36.174365]]})), 6),
                 b = geo_distance_point_to_line(1, 1, dynamic({"type":"LineString"})),
                 c = geo_distance_point_to_line(300, 3, dynamic({"type":"LineString","coordinates":[[1,1],[2,2]]}))"#,
        "a:real|b:real|c:real\n3797.888873|null|null",
    );
}

#[test]
fn intersections() {
    // docs: geo-intersects-2lines-function, geo-intersects-2polygons-function,
    // geo-intersects-line-with-polygon-function
    check(
        r#"let l1 = dynamic({"type":"LineString","coordinates":[[-73.978929,40.785155],[-73.980903,40.782621]]});
           let l2 = dynamic({"type":"LineString","coordinates":[[-73.985195,40.788275],[-73.974552,40.779761]]});
           let p = dynamic({"type":"Polygon","coordinates":[[[-73.9712905883789,40.78580561168767],[-73.98004531860352,40.775276834803655],[-73.97000312805176,40.77852663535664],[-73.9712905883789,40.78580561168767]]]});
           print a = geo_intersects_2lines(l1, l2), b = geo_intersects_2lines(l1, dynamic({"type":"LineString","coordinates":[[-73.985195,40.788275]]})),
                 c = geo_intersects_line_with_polygon(l2, p), d = geo_intersects_2polygons(dynamic({"type":"Polygon"}), p)"#,
        "a:bool|b:bool|c:bool|d:bool\ntrue|null|true|null",
    );
    check(
        r#"let p1 = dynamic({"type":"Polygon","coordinates":[[[-73.9630937576294,40.77498840732385],[-73.963565826416,40.774383111780914],[-73.96205306053162,40.773745311181585],[-73.96160781383514,40.7743912365898],[-73.9630937576294,40.77498840732385]]]});
           let p2 = dynamic({"type":"Polygon","coordinates":[[[-73.96213352680206,40.775045280447145],[-73.9631313085556,40.774578106920345],[-73.96207988262177,40.77416780398293],[-73.96213352680206,40.775045280447145]]]});
           print geo_intersects_2polygons(p1, p2)"#,
        "print_0:bool\ntrue",
    );
}

#[test]
fn points_along_lines() {
    // docs: geo-line-centroid-function, geo-line-interpolate-point-function,
    // geo-line-locate-point-function (the same double as the docs' 17-digit text)
    check(
        r#"let line = dynamic({"type":"LineString","coordinates":[[-73.95796, 40.80042], [-73.97317, 40.764486]]});
           print c = geo_line_centroid(line), i = geo_line_interpolate_point(line, 0.25),
                 l = round(geo_line_locate_point(line, -73.965, 40.792), 12)"#,
        r#"c:dynamic|i:dynamic|l:real
           {"type":"Point","coordinates":[-73.96556705723094,40.782453249627416]}|{"type":"Point","coordinates":[-73.96176404321828,40.79143668725723]}|0.255601351003"#,
    );
    check(
        r#"let line = dynamic({"type":"LineString","coordinates":[[-73.95807266235352,40.800426144169315],[-73.94966125488281,40.79691751000055],[-73.97317886352539,40.764486356930334],[-73.98210525512695,40.76786669510221],[-73.96004676818848,40.7980870753293]]});
           print c = round(todouble(geo_line_centroid(line).coordinates[0]), 12), i = round(todouble(geo_line_interpolate_point(line, 0.9).coordinates[0]), 12)"#,
        "c:real|i:real\n-73.966067562684|-73.965565458328",
    );
    let bad = r#"dynamic({"type":"LineString","coordinates":[[1, 1]]})"#;
    check(
        &format!(
            "print a = geo_line_centroid({bad}), b = geo_line_interpolate_point({bad}, 0.5), c = geo_line_locate_point({bad}, 1, 1)"
        ),
        "a:dynamic|b:dynamic|c:real\nnull|null|null",
    );
}

#[test]
fn polygon_centroid() {
    // docs: geo-polygon-centroid-function
    check(
        &format!(
            "print c = geo_polygon_centroid({CENTRAL_PARK}), n = geo_polygon_centroid({BAD_RING})"
        ),
        r#"c:dynamic|n:dynamic
           {"type":"Point","coordinates":[-73.96573568990762,40.78255053805781]}|null"#,
    );
}

#[test]
fn line_intersections() {
    // docs: geo-intersection-2lines-function (the same doubles as the docs' 17-digit text)
    check(
        r#"let l1 = dynamic({"type":"LineString","coordinates":[[-73.978929,40.785155],[-73.980903,40.782621]]});
           let l2 = dynamic({"type":"LineString","coordinates":[[-73.985195,40.788275],[-73.974552,40.779761]]});
           print a = geo_intersection_2lines(l1, l2),
                 b = geo_intersection_2lines(dynamic({"type":"LineString","coordinates":[[1, 1],[2, 2]]}), dynamic({"type":"LineString","coordinates":[[3, 3],[4, 4]]})),
                 c = geo_intersection_2lines(l1, dynamic({"type":"LineString","coordinates":[[3, 3]]}))"#,
        r#"a:dynamic|b:dynamic|c:dynamic
           {"type":"Point","coordinates":[-73.97983711667098,40.783989289772165]}|{"type":"GeometryCollection","geometries":[]}|null"#,
    );
    // docs: the intersection of a line with itself is the line; hunt refuses overlaps
    fails(
        r#"let l = dynamic({"type":"LineString","coordinates":[[-73.978929,40.785155],[-73.980903,40.782621]]}); print geo_intersection_2lines(l, l)"#,
    );
}

#[test]
fn densify() {
    // docs: geo-line-densify-function, geo-polygon-densify-function
    check(
        r#"print a = geo_line_densify(dynamic({"type":"LineString","coordinates":[[50, 50], [51, 51]]})),
                 b = geo_line_densify(dynamic({"type":"LineString","coordinates":[[1,1],[2,2]]}), 0),
                 c = geo_line_densify(dynamic({"type":"LineString","coordinates":[[300,1],[1,1]]}))"#,
        r#"a:dynamic|b:dynamic|c:dynamic
           {"type":"LineString","coordinates":[[50,50],[50.125,50.125],[50.25,50.25],[50.375,50.375],[50.5,50.5],[50.625,50.625],[50.75,50.75],[50.875,50.875],[51,51]]}|null|null"#,
    );
    check(
        r#"print a = geo_polygon_densify(dynamic({"type":"Polygon","coordinates":[[[10,10],[11,10],[11,11],[10,11],[10,10]]]})),
                 b = geo_polygon_densify(dynamic({"type":"Polygon","coordinates":[[[10,900],[11,10],[11,11],[10,11],[10,10]]]}))"#,
        r#"a:dynamic|b:dynamic
           {"type":"Polygon","coordinates":[[[10,10],[10.25,10],[10.5,10],[10.75,10],[11,10],[11,11],[10.75,11],[10.5,11],[10.25,11],[10,11],[10,10]]]}|null"#,
    );
    fails(
        r#"print geo_line_densify(dynamic({"type":"LineString","coordinates":[[1,1],[2,2]]}), 10, true)"#,
    );
}

#[test]
fn shapes_built_by_s2_only_when_invalid_or_apart() {
    // docs: geo-closest-point-on-line-function, geo-closest-point-on-polygon-function,
    // geo-line-simplify-function, geo-polygon-simplify-function (invalid input is null)
    check(
        &format!(
            r#"print a = isnull(geo_closest_point_on_line(1, 1, dynamic({{"type":"LineString"}}))),
                     b = isnull(geo_closest_point_on_polygon(500, 1, {CENTRAL_PARK})),
                     c = isnull(geo_line_simplify(dynamic({{"type":"LineString","coordinates":[[1, 1],[2,2]]}}), -1)),
                     d = isnull(geo_polygon_simplify(dynamic({{"type":"Polygon","coordinates":[[[5,48],[5,48]]]}})))"#
        ),
        "a:bool|b:bool|c:bool|d:bool\ntrue|true|true|true",
    );
    // docs: geo-union-polygons-array-function, geo-simplify-polygons-array-function (an
    // invalid polygon in the array makes the result null)
    check(
        &format!(
            r#"print a = isnull(geo_union_polygons_array(pack_array({CENTRAL_PARK}, dynamic({{"type":"Polygon","coordinates":[[[-73.94622,40.79249]]]}})))),
                     b = isnull(geo_simplify_polygons_array(pack_array({CENTRAL_PARK}), -1))"#
        ),
        "a:bool|b:bool\ntrue|true",
    );
    // docs: geo-intersection-2polygons-function, geo-intersection-line-with-polygon-function
    // (shapes that are apart intersect in an empty collection)
    check(
        r#"print a = geo_intersection_2polygons(dynamic({"type":"Polygon","coordinates":[[[2,45],[0,45],[1,44],[2,45]]]}), dynamic({"type":"Polygon","coordinates":[[[3,44],[3,45],[2,43],[3,44]]]})),
                 b = geo_intersection_line_with_polygon(dynamic({"type":"LineString","coordinates":[[1, 1],[2, 2]]}), dynamic({"type":"Polygon","coordinates":[[[-73.9712905883789,40.78580561168767],[-73.98004531860352,40.775276834803655],[-73.97000312805176,40.77852663535664],[-73.9712905883789,40.78580561168767]]]}))"#,
        r#"a:dynamic|b:dynamic
           {"type":"GeometryCollection","geometries":[]}|{"type":"GeometryCollection","geometries":[]}"#,
    );
    // docs: geo-line-simplify-function, geo-polygon-simplify-function,
    // geo-simplify-polygons-array-function: a tolerance above every distance between the
    // shape's vertices leaves nothing ("High tolerance may cause small line to disappear"),
    // null as each page's example shows.
    check(
        r#"print a = isnull(geo_line_simplify(dynamic({"type":"LineString","coordinates":[[1.1, 1.1],[1.2,1.2]]}), 100000)),
                 b = isnull(geo_polygon_simplify(dynamic({"type":"Polygon","coordinates":[[[5,48],[0,50],[0,47],[4,47],[5,48]]]}), 1000000)),
                 c = isnull(geo_simplify_polygons_array(pack_array(
                     dynamic({"type":"Polygon","coordinates":[[[-73.9495,40.7969],[-73.95807,40.80068],[-73.98201,40.76825],[-73.97317,40.76455],[-73.9495,40.7969]]]}),
                     dynamic({"type":"Polygon","coordinates":[[[-73.94622,40.79249],[-73.96888,40.79282],[-73.9577,40.7789],[-73.94622,40.79249]]]})), 10000))"#,
        "a:bool|b:bool|c:bool\ntrue|true|true",
    );
    // a valid shape is S2's to build: refused
    fails(&format!(
        "print geo_closest_point_on_polygon(-73.9839, 40.7705, {CENTRAL_PARK})"
    ));
    // two vertices farther apart than the tolerance: a result exists, S2's to build
    fails(
        r#"print geo_line_simplify(dynamic({"type":"LineString","coordinates":[[1.1, 1.1],[1.2,1.2]]}), 10000)"#,
    );
    fails(&format!("print geo_polygon_simplify({CENTRAL_PARK}, 10)"));
}

#[test]
fn cell_coverings_and_buffers_only_when_null() {
    // docs: geo-polygon-to-s2cells-function (level 30 needs more cells than the limit),
    // geo-polygon-to-h3cells-function and geo-point-buffer-function (invalid input)
    check(
        r#"let polygon = dynamic({"type":"Polygon","coordinates":[[[0,0],[0,50],[100,50],[0,0]]]});
           print a = isnull(geo_polygon_to_s2cells(polygon, 30)),
                 b = isnull(geo_polygon_to_h3cells(dynamic({"type":"Polygon","coordinates":[[[0,0],[1,1]]]}))),
                 c = isnull(geo_point_buffer(200, 1, 0.1)), d = isnull(geo_point_buffer(10, 10, -1))"#,
        "a:bool|b:bool|c:bool|d:bool\ntrue|true|true|true",
    );
    // docs: a level-5 covering of that polygon has 286 cells; S2's covering is refused
    fails(
        r#"print array_length(geo_polygon_to_s2cells(dynamic({"type":"Polygon","coordinates":[[[0,0],[0,50],[100,50],[0,0]]]}), 5))"#,
    );
}
