//! The scalar function library: KQL functions beyond the core operators, each bound
//! here (argument checks, implicit conversions, result type) and evaluated in
//! `hunt_exec::expr::library`.
//!
//! To add a function: a line in the [`lib_funcs!`] table below (variant, KQL name, aliases),
//! its [`Family`] in [`family`] (both stages dispatch on it), its typing in the family module (`string`, `datetime`, `dynamic`, `math`, `series`), and its kernel
//! in `hunt-exec`. Result types follow what Kusto reports for the function (checked against
//! the real-Kusto oracle in `shared/conformance/kusto-oracle`); where hunt cannot give
//! Kusto's exact answer for some form of a call, binding refuses it with
//! [`PlanError::unsupported`] rather than run it.

pub mod datetime;
mod dynamic;
mod geo;
mod geo_shape;
mod ipv6;
mod math;
mod misc;
mod parsing;
pub mod series;
mod stats;
mod string;
mod timezone;

pub use string::MAX_STRREP;

use crate::error::PlanError;
use crate::expr::{Expr, ExprKind, Func, Scalar};
use crate::planner::cast_to as cast;
use crate::types::KqlType;
use hunt_syntax::Span;

/// Declares [`LibFunc`], its names and its name lookup from one table.
macro_rules! lib_funcs {
    (
        internal { $( $(#[$idoc:meta])* $ivar:ident => $iname:literal, )* }
        public { $( $(#[$doc:meta])* $var:ident => $name:literal $(| $alias:literal)*, )* }
    ) => {
        /// A library function.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum LibFunc {
            $( $(#[$idoc])* $ivar, )*
            $( $(#[$doc])* $var, )*
        }

        /// Names of the library functions callable by name, aliases included (for suggestions).
        pub const NAMES: &[&str] = &[ $( $name, $($alias,)* )* ];

        impl LibFunc {
            /// The KQL name.
            pub fn name(self) -> &'static str {
                match self {
                    $( LibFunc::$ivar => $iname, )*
                    $( LibFunc::$var => $name, )*
                }
            }
            /// The function a KQL name (or alias) calls; internal functions have no name.
            pub fn lookup(name: &str) -> Option<LibFunc> {
                match name {
                    $( $name $(| $alias)* => Some(LibFunc::$var), )*
                    _ => None,
                }
            }
        }
    };
}

lib_funcs! {
    internal {
        /// `d.key` / `d["key"]`: a property of a dynamic bag (null if absent or not a bag).
        /// Args: the dynamic value and the key as a string.
        Member => "member",
        /// `d[i]`: an element of a dynamic array; negative indexes count from the end.
        /// Args: the dynamic value and the index as a long.
        Index => "index",
        /// A scalar as a dynamic value (`pack("k", 1)` stores its values this way).
        ToDynamicValue => "todynamic_value",
        /// `pack_all(true)`: `pack` leaving out null and empty-string values.
        PackNonEmpty => "pack_nonempty",
    }
    public {
        // ---- math ----
        /// `abs(x)`
        Abs => "abs",
        /// `round(x [, precision])`: half away from zero on the decimal digits.
        Round => "round",
        /// `ceiling(x)`
        Ceiling => "ceiling",
        /// `sign(x)`: -1, 0 or 1.
        Sign => "sign",
        /// `pi()`
        Pi => "pi",
        /// `max_of(a, b, …)`: nulls ignored.
        MaxOf => "max_of",
        /// `min_of(a, b, …)`: nulls ignored.
        MinOf => "min_of",
        /// `coalesce(a, b, …)`: the first non-null (non-empty for strings).
        Coalesce => "coalesce",
        /// `case(p1, v1, p2, v2, …, else)`
        Case => "case",
        /// `tobool(x)`
        ToBool => "tobool",
        /// `toguid(x)`
        ToGuid => "toguid",
        /// `gettype(x)`: the runtime type name.
        GetType => "gettype",
        /// `ipv4_is_private(ip)`
        Ipv4IsPrivate => "ipv4_is_private",
        /// `ipv4_is_in_range(ip, range)`
        Ipv4IsInRange => "ipv4_is_in_range",
        /// `ipv4_is_match(a, b [, prefix])`
        Ipv4IsMatch => "ipv4_is_match",
        /// `ipv4_compare(a, b [, prefix])`
        Ipv4Compare => "ipv4_compare",
        /// `parse_ipv4(ip)`: the address as a long.
        ParseIpv4 => "parse_ipv4",
        /// `format_ipv4(ip [, prefix])`
        FormatIpv4 => "format_ipv4",
        /// `format_ipv4_mask(ip [, prefix])`: `a.b.c.d/prefix`.
        FormatIpv4Mask => "format_ipv4_mask",
        /// `ipv4_is_in_any_range(ip, range, …)` or `(ip, dynamic([ranges]))`
        Ipv4IsInAnyRange => "ipv4_is_in_any_range",
        /// `has_ipv4(text, ip)`
        HasIpv4 => "has_ipv4",

        /// `ipv4_netmask_suffix(ip)`: the prefix length (32 when none is written).
        Ipv4NetmaskSuffix => "ipv4_netmask_suffix",
        /// `ipv4_range_to_cidr_list(start, end)`: the CIDR blocks covering the range.
        Ipv4RangeToCidrList => "ipv4_range_to_cidr_list",
        /// `parse_ipv4_mask(ip, prefix)`: the address masked to the shorter prefix, as a long.
        ParseIpv4Mask => "parse_ipv4_mask",
        /// `has_any_ipv4(text, ip, …)` or `(text, dynamic([ips]))`
        HasAnyIpv4 => "has_any_ipv4",
        /// `has_ipv4_prefix(text, prefix)`
        HasIpv4Prefix => "has_ipv4_prefix",
        /// `has_any_ipv4_prefix(text, prefix, …)` or `(text, dynamic([prefixes]))`
        HasAnyIpv4Prefix => "has_any_ipv4_prefix",
        /// `parse_ipv6(ip)`: canonical IPv6 text (IPv4 as `::ffff:a.b.c.d`).
        ParseIpv6 => "parse_ipv6",
        /// `parse_ipv6_mask(ip, prefix)`
        ParseIpv6Mask => "parse_ipv6_mask",
        /// `ipv6_compare(a, b [, prefix])`
        Ipv6Compare => "ipv6_compare",
        /// `ipv6_is_match(a, b [, prefix])`
        Ipv6IsMatch => "ipv6_is_match",
        /// `ipv6_is_in_range(ip, range)`
        Ipv6IsInRange => "ipv6_is_in_range",
        /// `ipv6_is_in_any_range(ip, range, …)` or `(ip, dynamic([ranges]))`
        Ipv6IsInAnyRange => "ipv6_is_in_any_range",

        /// `gamma(x)`
        Gamma => "gamma",
        /// `loggamma(x)`: the natural log of |Γ(x)|.
        LogGamma => "loggamma",
        /// `beta_cdf(x, alpha, beta)`
        BetaCdf => "beta_cdf",
        /// `beta_pdf(x, alpha, beta)`
        BetaPdf => "beta_pdf",
        /// `beta_inv(p, alpha, beta)`: refused (see `stats`).
        BetaInv => "beta_inv",

        /// `datetime_utc_to_local(dt, tz)`
        DatetimeUtcToLocal => "datetime_utc_to_local",
        /// `datetime_local_to_utc(dt, tz)`
        DatetimeLocalToUtc => "datetime_local_to_utc",

        /// `parse_urlquery(query)`: `{"Query Parameters": {…}}`.
        ParseUrlQuery => "parse_urlquery",
        /// `parse_csv(text)`: the fields of the first CSV record.
        ParseCsv => "parse_csv",

        // ---- string ----
        /// `substring(s, start [, length])`
        Substring => "substring",
        /// `indexof(s, lookup [, start [, length [, occurrence]]])`
        IndexOf => "indexof",
        /// `split(s, delimiter [, index])`: a dynamic array of strings.
        Split => "split",
        /// `replace_string(s, lookup, rewrite)`
        ReplaceString => "replace_string",
        /// `replace_regex(s, regex, rewrite)`: `\1` in the rewrite is group 1.
        ReplaceRegex => "replace_regex",
        /// `extract(regex, group, s)`
        Extract => "extract",
        /// `extract_all(regex, s)`
        ExtractAll => "extract_all",
        /// `trim(regex, s)`: one match of `regex` removed from each end.
        Trim => "trim",
        /// `trim_start(regex, s)`
        TrimStart => "trim_start",
        /// `trim_end(regex, s)`
        TrimEnd => "trim_end",
        /// `strcat_delim(delimiter, a, b, …)`
        StrcatDelim => "strcat_delim",
        /// `countof(s, search [, kind])`
        CountOf => "countof",
        /// `reverse(s)`
        Reverse => "reverse",
        /// `strrep(s, n [, delimiter])`
        StrRep => "strrep",
        /// `string_size(s)`: UTF-8 bytes.
        StringSize => "string_size",
        /// `strcmp(a, b)`: -1, 0 or 1.
        StrCmp => "strcmp",
        /// `url_encode(s)`
        UrlEncode => "url_encode",
        /// `url_encode_component(s)`
        UrlEncodeComponent => "url_encode_component",
        /// `url_decode(s)`
        UrlDecode => "url_decode",
        /// `base64_encode_tostring(s)`
        Base64EncodeToString => "base64_encode_tostring",
        /// `base64_decode_tostring(s)`
        Base64DecodeToString => "base64_decode_tostring",
        /// `parse_url(s)`: a bag of the URL parts.
        ParseUrl => "parse_url",
        /// `parse_path(s)`: a bag of the path parts.
        ParsePath => "parse_path",
        /// `hash_sha256(s)`
        HashSha256 => "hash_sha256",
        /// `hash_md5(s)`
        HashMd5 => "hash_md5",

        // ---- dynamic ----
        /// `parse_json(s)` / `todynamic(s)`
        ParseJson => "parse_json",
        /// `array_length(a)`: null when not an array.
        ArrayLength => "array_length",
        /// `bag_keys(b)`
        BagKeys => "bag_keys",
        /// `bag_has_key(b, key)`
        BagHasKey => "bag_has_key",
        /// `bag_merge(b1, b2, …)`: the first bag with a key wins.
        BagMerge => "bag_merge",
        /// `bag_remove_keys(b, keys)`
        BagRemoveKeys => "bag_remove_keys",
        /// `pack(k1, v1, …)` / `bag_pack(…)`
        Pack => "bag_pack",
        /// `pack_array(v1, …)`
        PackArray => "pack_array",
        /// `set_has_element(a, v)`
        SetHasElement => "set_has_element",
        /// `array_index_of(a, v)`
        ArrayIndexOf => "array_index_of",
        /// `set_union(a, b, …)`
        SetUnion => "set_union",
        /// `set_intersect(a, b, …)`
        SetIntersect => "set_intersect",
        /// `set_difference(a, b, …)`
        SetDifference => "set_difference",
        /// `array_slice(a, start, end)`: `end` inclusive.
        ArraySlice => "array_slice",
        /// `array_concat(a, b, …)`
        ArrayConcat => "array_concat",
        /// `array_sum(a)`: a real.
        ArraySum => "array_sum",
        /// `array_reverse(a)`
        ArrayReverse => "array_reverse",
        /// `array_sort_asc(a [, nulls_last])`
        ArraySortAsc => "array_sort_asc",
        /// `array_sort_desc(a [, nulls_last])`
        ArraySortDesc => "array_sort_desc",
        /// `array_rotate_left(a, n)`
        ArrayRotateLeft => "array_rotate_left",
        /// `array_rotate_right(a, n)`
        ArrayRotateRight => "array_rotate_right",
        /// `array_shift_left(a, n [, fill])`
        ArrayShiftLeft => "array_shift_left",
        /// `array_shift_right(a, n [, fill])`
        ArrayShiftRight => "array_shift_right",
        /// `strcat_array(a, delimiter)`
        StrcatArray => "strcat_array",
        /// `extract_json(path, text)` / `extractjson`
        ExtractJson => "extract_json",
        /// `zip(a, b, …)`
        Zip => "zip",
        /// `dynamic_to_json(d)`: compact JSON with bag keys sorted.
        DynamicToJson => "dynamic_to_json",
        /// `range(start, stop [, step])`: a dynamic array of the values.
        Range => "range",
        /// `array_iff(conditions, when_true, when_false)`: element-wise choice.
        ArrayIff => "array_iff",

        // ---- series (numeric arrays) ----
        /// `series_abs(a)`
        SeriesAbs => "series_abs",
        /// `series_acos(a)`
        SeriesAcos => "series_acos",
        /// `series_asin(a)`
        SeriesAsin => "series_asin",
        /// `series_atan(a)`
        SeriesAtan => "series_atan",
        /// `series_ceiling(a)`
        SeriesCeiling => "series_ceiling",
        /// `series_floor(a)`
        SeriesFloor => "series_floor",
        /// `series_cos(a)`
        SeriesCos => "series_cos",
        /// `series_sin(a)`
        SeriesSin => "series_sin",
        /// `series_tan(a)`
        SeriesTan => "series_tan",
        /// `series_exp(a)`
        SeriesExp => "series_exp",
        /// `series_log(a)`
        SeriesLog => "series_log",
        /// `series_sign(a)`
        SeriesSign => "series_sign",
        /// `series_pow(a, b)`
        SeriesPow => "series_pow",
        /// `series_add(a, b)`
        SeriesAdd => "series_add",
        /// `series_subtract(a, b)`
        SeriesSubtract => "series_subtract",
        /// `series_multiply(a, b)`
        SeriesMultiply => "series_multiply",
        /// `series_divide(a, b)`
        SeriesDivide => "series_divide",
        /// `series_equals(a, b)`
        SeriesEquals => "series_equals",
        /// `series_not_equals(a, b)`
        SeriesNotEquals => "series_not_equals",
        /// `series_greater(a, b)`
        SeriesGreater => "series_greater",
        /// `series_greater_equals(a, b)`
        SeriesGreaterEquals => "series_greater_equals",
        /// `series_less(a, b)`
        SeriesLess => "series_less",
        /// `series_less_equals(a, b)`
        SeriesLessEquals => "series_less_equals",
        /// `series_sum(a)`: a real.
        SeriesSum => "series_sum",
        /// `series_product(a)`: a real.
        SeriesProduct => "series_product",
        /// `series_magnitude(a)`: a real.
        SeriesMagnitude => "series_magnitude",
        /// `series_pearson_correlation(a, b)`: a real.
        SeriesPearsonCorrelation => "series_pearson_correlation",
        /// `series_fill_forward(a [, missing])`: nulls take the last value before them.
        SeriesFillForward => "series_fill_forward",
        /// `series_fill_backward(a [, missing])`: nulls take the first value after them.
        SeriesFillBackward => "series_fill_backward",
        /// `series_fill_const(a, c [, missing])`
        SeriesFillConst => "series_fill_const",
        /// `series_fill_linear(a [, missing [, fill_edges [, constant]]])`
        SeriesFillLinear => "series_fill_linear",
        /// `series_fir(a, filter [, normalize [, center]])`
        SeriesFir => "series_fir",
        /// `series_iir(a, numerators, denominators)`
        SeriesIir => "series_iir",
        /// `series_fit_line_dynamic(a)`: a bag of rsquare, slope, variance, rvariance,
        /// interception and line_fit.
        SeriesFitLineDynamic => "series_fit_line_dynamic",
        /// `series_stats_dynamic(a [, ignore_nonfinite])`: min, min_idx, max, max_idx, avg,
        /// stdev, variance, sum and len of a numeric array, as a bag.
        SeriesStatsDynamic => "series_stats_dynamic",
        /// `series_stats(a)`: several columns; the planner expands it in `extend` and
        /// `project` (see `series::MULTI_COLUMN`); anywhere else it is refused.
        SeriesStats => "series_stats",
        /// `series_fit_line(a)`: several columns, like `series_stats`.
        SeriesFitLine => "series_fit_line",
        // ---- misc (text utilities, bits, hashes, coding) ----
        /// `parse_command_line(cmd, "windows")`: the arguments as CommandLineToArgvW splits them.
        ParseCommandLine => "parse_command_line",
        /// `regex_quote(s)`: `s` with regex metacharacters escaped.
        RegexQuote => "regex_quote",
        /// `indexof_regex(s, regex [, start [, length [, occurrence]]])`
        IndexOfRegex => "indexof_regex",
        /// `isascii(s)`
        IsAscii => "isascii",
        /// `tohex(n [, min_length])`
        ToHex => "tohex",
        /// `format_bytes(size [, precision [, units]])`
        FormatBytes => "format_bytes",
        /// `has_any_index(s, terms)`: the index of the first term `s` has, or -1.
        HasAnyIndex => "has_any_index",
        /// `hash_sha1(s)`
        HashSha1 => "hash_sha1",
        /// `hash(x)` / `hash_xxhash64(x)`: xxhash64.
        Hash => "hash",
        /// `hash_many(a, b, …)`: refused (the combination is not documented).
        HashMany => "hash_many",
        /// `hash_combine(h1, h2, …)`: refused (not documented).
        HashCombine => "hash_combine",
        /// `base64_decode_toarray(s)`: the bytes as longs.
        Base64DecodeToArray => "base64_decode_toarray",
        /// `base64_decode_toguid(s)`
        Base64DecodeToGuid => "base64_decode_toguid",
        /// `base64_encode_fromguid(g)`
        Base64EncodeFromGuid => "base64_encode_fromguid",
        /// `base64_encode_fromarray(bytes)`
        Base64EncodeFromArray => "base64_encode_fromarray",
        /// `unicode_codepoints_from_string(s)`
        UnicodeCodepointsFromString => "unicode_codepoints_from_string",
        /// `unicode_codepoints_to_string(cp, …)`: numbers or arrays of numbers.
        UnicodeCodepointsToString => "unicode_codepoints_to_string",
        /// `zlib_decompress_from_base64_string(s)`
        ZlibDecompress => "zlib_decompress_from_base64_string",
        /// `zlib_compress_to_base64_string(s)`: refused (encoder-specific bytes).
        ZlibCompress => "zlib_compress_to_base64_string",
        /// `jaccard_index(a, b)`: distinct common elements over distinct elements of either.
        JaccardIndex => "jaccard_index",
        /// `array_split(a, index | indexes)`
        ArraySplit => "array_split",

        // ---- datetime and timespan ----
        /// `todatetime(x)`
        ToDateTime => "todatetime",
        /// `totimespan(x)`
        ToTimeSpan => "totimespan",
        /// `datetime_add(part, n, dt)`
        DatetimeAdd => "datetime_add",
        /// `datetime_diff(part, dt1, dt2)`
        DatetimeDiff => "datetime_diff",
        /// `datetime_part(part, dt)`
        DatetimePart => "datetime_part",
        /// `format_datetime(dt, format)`
        FormatDatetime => "format_datetime",
        /// `format_timespan(ts, format)`
        FormatTimespan => "format_timespan",
        /// `startofday(dt [, offset])`
        StartOfDay => "startofday",
        /// `startofweek(dt [, offset])`: weeks start on Sunday.
        StartOfWeek => "startofweek",
        /// `startofmonth(dt [, offset])`
        StartOfMonth => "startofmonth",
        /// `startofyear(dt [, offset])`
        StartOfYear => "startofyear",
        /// `endofday(dt [, offset])`
        EndOfDay => "endofday",
        /// `endofweek(dt [, offset])`
        EndOfWeek => "endofweek",
        /// `endofmonth(dt [, offset])`
        EndOfMonth => "endofmonth",
        /// `endofyear(dt [, offset])`
        EndOfYear => "endofyear",
        /// `dayofweek(dt)`: days since Sunday, as a timespan.
        DayOfWeek => "dayofweek",
        /// `dayofmonth(dt)`
        DayOfMonth => "dayofmonth",
        /// `dayofyear(dt)`
        DayOfYear => "dayofyear",
        /// `hourofday(dt)`
        HourOfDay => "hourofday",
        /// `monthofyear(dt)` / `getmonth(dt)`
        MonthOfYear => "monthofyear",
        /// `getyear(dt)`
        GetYear => "getyear",
        /// `week_of_year(dt)`: the ISO 8601 week number.
        WeekOfYear => "week_of_year",
        /// `weekofyear(dt)`: Kusto's older week number, not ISO 8601 compliant (its docs);
        /// hunt gives it only where it agrees with ISO 8601 (see the kernel).
        WeekOfYearLegacy => "weekofyear",
        /// `make_datetime(y, m, d [, h, min, s])`
        MakeDatetime => "make_datetime",
        /// `make_timespan([d,] h, m [, s])`
        MakeTimespan => "make_timespan",
        /// `bin_at(x, size, fixed_point)`
        BinAt => "bin_at",
        /// `unixtime_seconds_todatetime(n)`
        UnixSeconds => "unixtime_seconds_todatetime",
        /// `unixtime_milliseconds_todatetime(n)`
        UnixMillis => "unixtime_milliseconds_todatetime",
        /// `unixtime_microseconds_todatetime(n)`
        UnixMicros => "unixtime_microseconds_todatetime",
        /// `unixtime_nanoseconds_todatetime(n)`
        UnixNanos => "unixtime_nanoseconds_todatetime",

        // ---- geospatial ----
        /// `geo_point_to_geohash(lng, lat [, accuracy])`
        GeoPointToGeohash => "geo_point_to_geohash",
        /// `geo_geohash_to_central_point(geohash)`: a GeoJSON point.
        GeoGeohashToCentralPoint => "geo_geohash_to_central_point",
        /// `geo_geohash_to_polygon(geohash)`: a GeoJSON polygon.
        GeoGeohashToPolygon => "geo_geohash_to_polygon",
        /// `geo_point_to_h3cell(lng, lat [, resolution])`
        GeoPointToH3cell => "geo_point_to_h3cell",
        /// `geo_h3cell_level(h3cell)`
        GeoH3cellLevel => "geo_h3cell_level",
        /// `geo_h3cell_parent(h3cell [, resolution])`
        GeoH3cellParent => "geo_h3cell_parent",
        /// `geo_h3cell_children(h3cell [, resolution])`
        GeoH3cellChildren => "geo_h3cell_children",
        /// `geo_h3cell_neighbors(h3cell)`
        GeoH3cellNeighbors => "geo_h3cell_neighbors",
        /// `geo_h3cell_rings(h3cell, distance)`
        GeoH3cellRings => "geo_h3cell_rings",
        /// `geo_h3cell_to_central_point(h3cell)`
        GeoH3cellToCentralPoint => "geo_h3cell_to_central_point",
        /// `geo_h3cell_to_polygon(h3cell)`
        GeoH3cellToPolygon => "geo_h3cell_to_polygon",
        /// `geo_point_to_s2cell(lng, lat [, level])`
        GeoPointToS2cell => "geo_point_to_s2cell",
        /// `geo_s2cell_to_central_point(s2cell)`
        GeoS2cellToCentralPoint => "geo_s2cell_to_central_point",
        /// `geo_s2cell_to_polygon(s2cell)`
        GeoS2cellToPolygon => "geo_s2cell_to_polygon",
        /// `geo_distance_2points(lng1, lat1, lng2, lat2)`: meters on a sphere.
        GeoDistance2Points => "geo_distance_2points",
        /// `geo_point_in_circle(lng, lat, center_lng, center_lat, radius)`
        GeoPointInCircle => "geo_point_in_circle",
        /// `geo_azimuth(lng1, lat1, lng2, lat2)`: radians clockwise from north.
        GeoAzimuth => "geo_azimuth",
        /// `geo_angle(lng1, lat1, lng2, lat2, lng3, lat3)`: radians clockwise at point 2.
        GeoAngle => "geo_angle",
        /// `geo_from_wkt(text)`: a GeoJSON shape.
        GeoFromWkt => "geo_from_wkt",
        /// `geo_line_length(line)`: meters on the sphere.
        GeoLineLength => "geo_line_length",
        /// `geo_point_in_polygon(lng, lat, polygon)`
        GeoPointInPolygon => "geo_point_in_polygon",
        /// `geo_polygon_area(polygon)`: square meters on the sphere.
        GeoPolygonArea => "geo_polygon_area",
        /// `geo_polygon_perimeter(polygon)`: meters on the sphere.
        GeoPolygonPerimeter => "geo_polygon_perimeter",
        /// `geo_distance_point_to_polygon(lng, lat, polygon)`: meters, 0 inside.
        GeoDistancePointToPolygon => "geo_distance_point_to_polygon",
        /// `geo_distance_point_to_line(lng, lat, line)`: meters.
        GeoDistancePointToLine => "geo_distance_point_to_line",
        /// `geo_intersects_2lines(line1, line2)`
        GeoIntersects2Lines => "geo_intersects_2lines",
        /// `geo_intersects_2polygons(polygon1, polygon2)`
        GeoIntersects2Polygons => "geo_intersects_2polygons",
        /// `geo_intersects_line_with_polygon(line, polygon)`
        GeoIntersectsLineWithPolygon => "geo_intersects_line_with_polygon",
        /// `geo_line_centroid(line)`: a GeoJSON point.
        GeoLineCentroid => "geo_line_centroid",
        /// `geo_line_interpolate_point(line, fraction)`: a GeoJSON point.
        GeoLineInterpolatePoint => "geo_line_interpolate_point",
        /// `geo_line_locate_point(line, lng, lat)`: the fraction of the line's length.
        GeoLineLocatePoint => "geo_line_locate_point",
        /// `geo_polygon_centroid(polygon)`: a GeoJSON point.
        GeoPolygonCentroid => "geo_polygon_centroid",
        /// `geo_intersection_2lines(line1, line2)`: a GeoJSON shape.
        GeoIntersection2Lines => "geo_intersection_2lines",
        /// `geo_line_densify(line [, tolerance [, preserve_crossing]])`
        GeoLineDensify => "geo_line_densify",
        /// `geo_polygon_densify(polygon [, tolerance [, preserve_crossing]])`
        GeoPolygonDensify => "geo_polygon_densify",
        /// `geo_closest_point_on_line(lng, lat, line)`: null for invalid input, else refused.
        GeoClosestPointOnLine => "geo_closest_point_on_line",
        /// `geo_closest_point_on_polygon(lng, lat, polygon)`: as above.
        GeoClosestPointOnPolygon => "geo_closest_point_on_polygon",
        /// `geo_line_simplify(line [, tolerance])`: as above.
        GeoLineSimplify => "geo_line_simplify",
        /// `geo_polygon_simplify(polygon [, tolerance])`: as above.
        GeoPolygonSimplify => "geo_polygon_simplify",
        /// `geo_simplify_polygons_array(polygons [, tolerance])`: as above.
        GeoSimplifyPolygonsArray => "geo_simplify_polygons_array",
        /// `geo_union_lines_array(lines)`: as above.
        GeoUnionLinesArray => "geo_union_lines_array",
        /// `geo_union_polygons_array(polygons)`: as above.
        GeoUnionPolygonsArray => "geo_union_polygons_array",
        /// `geo_intersection_2polygons(polygon1, polygon2)`: empty when apart, else as above.
        GeoIntersection2Polygons => "geo_intersection_2polygons",
        /// `geo_intersection_line_with_polygon(line, polygon)`: as above.
        GeoIntersectionLineWithPolygon => "geo_intersection_line_with_polygon",
        /// `geo_polygon_to_s2cells(polygon [, level [, radius]])`: null for invalid input or
        /// too many cells, else refused.
        GeoPolygonToS2cells => "geo_polygon_to_s2cells",
        /// `geo_polygon_to_h3cells(polygon [, resolution [, radius]])`: null for invalid
        /// input, else refused.
        GeoPolygonToH3cells => "geo_polygon_to_h3cells",
        /// `geo_point_buffer(lng, lat, radius [, tolerance])`: null for invalid input, else
        /// refused.
        GeoPointBuffer => "geo_point_buffer",
    }
}

/// Binds a `pack(k1, v1, …)` of already-bound pairs (`pack_all`); `skip_empty` leaves out
/// null and empty-string values, as `pack_all(true)` does.
pub fn bind_pack(args: Vec<Expr>, skip_empty: bool, span: Span) -> Result<Expr, PlanError> {
    let f = if skip_empty {
        LibFunc::PackNonEmpty
    } else {
        LibFunc::Pack
    };
    bind_known(f, "pack_all", args, span)
}

pub use dynamic::bind_sort_tuple;

/// Binds `name(args)` if `name` is a library function; `None` otherwise. `args` are
/// already bound against the input.
pub fn bind(name: &str, args: Vec<Expr>, span: Span) -> Option<Result<Expr, PlanError>> {
    let f = LibFunc::lookup(name)?;
    Some(bind_known(f, name, args, span))
}

/// The family of modules that binds (here) and evaluates (in `hunt_exec::expr::library`)
/// a function: the one list both stages dispatch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// `Member`, `Index`, `ToDynamicValue`: bound by the planner, evaluated with dynamics.
    Internal,
    /// Numbers, conversions and IPv4.
    Math,
    /// Strings.
    String,
    /// Dynamic values: bags and arrays.
    Dynamic,
    /// Datetimes and timespans.
    Datetime,
    /// IPv6 and the newer IPv4 functions.
    Ipv6,
    /// Gamma and beta functions.
    Stats,
    /// Time zone conversions.
    Timezone,
    /// `parse_urlquery`, `parse_csv`.
    Parsing,
    /// Text utilities, bits, hashes and coding.
    Misc,
    /// Geohash, H3 and S2 cells, distances and directions.
    Geo,
    /// Lines and polygons.
    GeoShape,
    /// `series_*`.
    Series,
}

/// The family of `f`.
pub fn family(f: LibFunc) -> Family {
    use LibFunc::*;
    match f {
        Member | Index | ToDynamicValue => Family::Internal,
        Abs | Round | Ceiling | Sign | Pi | MaxOf | MinOf | Coalesce | Case | ToBool | ToGuid
        | GetType | Ipv4IsPrivate | Ipv4IsInRange | Ipv4IsMatch | Ipv4Compare | ParseIpv4
        | FormatIpv4 | FormatIpv4Mask | Ipv4IsInAnyRange | HasIpv4 => Family::Math,
        Substring | IndexOf | Split | ReplaceString | ReplaceRegex | Extract | ExtractAll
        | Trim | TrimStart | TrimEnd | StrcatDelim | CountOf | Reverse | StrRep | StringSize
        | StrCmp | UrlEncode | UrlEncodeComponent | UrlDecode | Base64EncodeToString
        | Base64DecodeToString | ParseUrl | ParsePath | HashSha256 | HashMd5 => Family::String,
        ParseJson | ArrayLength | BagKeys | BagHasKey | BagMerge | BagRemoveKeys | Pack
        | PackNonEmpty | PackArray | SetHasElement | ArrayIndexOf | SetUnion | SetIntersect
        | SetDifference | ArraySlice | ArrayConcat | ArraySum | ArrayReverse | ArraySortAsc
        | ArraySortDesc | ArrayRotateLeft | ArrayRotateRight | ArrayShiftLeft | ArrayShiftRight
        | StrcatArray | ExtractJson | Zip | DynamicToJson | Range | ArrayIff => Family::Dynamic,
        ToDateTime | ToTimeSpan | DatetimeAdd | DatetimeDiff | DatetimePart | FormatDatetime
        | FormatTimespan | StartOfDay | StartOfWeek | StartOfMonth | StartOfYear | EndOfDay
        | EndOfWeek | EndOfMonth | EndOfYear | DayOfWeek | DayOfMonth | DayOfYear | HourOfDay
        | MonthOfYear | GetYear | WeekOfYear | WeekOfYearLegacy | MakeDatetime | MakeTimespan
        | BinAt | UnixSeconds | UnixMillis | UnixMicros | UnixNanos => Family::Datetime,
        ParseIpv4Mask | HasAnyIpv4 | HasIpv4Prefix | HasAnyIpv4Prefix => Family::Ipv6,
        Ipv4NetmaskSuffix | Ipv4RangeToCidrList | ParseIpv6 | ParseIpv6Mask | Ipv6Compare
        | Ipv6IsMatch | Ipv6IsInRange | Ipv6IsInAnyRange => Family::Ipv6,
        Gamma | LogGamma | BetaCdf | BetaPdf | BetaInv => Family::Stats,
        DatetimeUtcToLocal | DatetimeLocalToUtc => Family::Timezone,
        ParseUrlQuery | ParseCsv => Family::Parsing,
        ParseCommandLine
        | RegexQuote
        | IndexOfRegex
        | IsAscii
        | ToHex
        | FormatBytes
        | HasAnyIndex
        | HashSha1
        | Hash
        | HashMany
        | HashCombine
        | Base64DecodeToArray
        | Base64DecodeToGuid
        | Base64EncodeFromGuid
        | Base64EncodeFromArray
        | UnicodeCodepointsFromString
        | UnicodeCodepointsToString
        | ZlibDecompress
        | ZlibCompress
        | JaccardIndex
        | ArraySplit => Family::Misc,
        GeoPointToGeohash
        | GeoGeohashToCentralPoint
        | GeoGeohashToPolygon
        | GeoPointToH3cell
        | GeoH3cellLevel
        | GeoH3cellParent
        | GeoH3cellChildren
        | GeoH3cellNeighbors
        | GeoH3cellRings
        | GeoH3cellToCentralPoint
        | GeoH3cellToPolygon
        | GeoPointToS2cell
        | GeoS2cellToCentralPoint
        | GeoS2cellToPolygon
        | GeoDistance2Points
        | GeoPointInCircle
        | GeoAzimuth
        | GeoAngle
        | GeoFromWkt
        | GeoLineLength => Family::Geo,
        _ if geo_shape::is_geo_shape(f) => Family::GeoShape,
        _ => Family::Series,
    }
}

fn bind_known(f: LibFunc, name: &str, args: Vec<Expr>, span: Span) -> Result<Expr, PlanError> {
    let b = Binder { f, name, span };
    match family(f) {
        Family::Internal => Ok(b.call(args, KqlType::Dynamic)),
        Family::Math => math::bind(&b, args),
        Family::String => string::bind(&b, args),
        Family::Dynamic => dynamic::bind(&b, args),
        Family::Datetime => datetime::bind(&b, args),
        Family::Ipv6 => ipv6::bind(&b, args),
        Family::Stats => stats::bind(&b, args),
        Family::Timezone => timezone::bind(&b, args),
        Family::Parsing => parsing::bind(&b, args),
        Family::Misc => misc::bind(&b, args),
        Family::Geo => geo::bind(&b, args),
        Family::GeoShape => geo_shape::bind(&b, args),
        Family::Series if series::is_series(f) => series::bind(&b, args),
        Family::Series => Err(PlanError::invalid(
            span,
            format!("bug: `{name}` has no binder"),
        )),
    }
}

/// What the family binders share: the function, the name it was called by, the call's span.
struct Binder<'a> {
    f: LibFunc,
    name: &'a str,
    span: Span,
}

impl Binder<'_> {
    /// The bound call.
    fn call(&self, args: Vec<Expr>, ty: KqlType) -> Expr {
        Expr::call(Func::Lib(self.f), args, ty, self.span)
    }

    /// Checks the argument count.
    fn arity(&self, args: &[Expr], min: usize, max: usize) -> Result<(), PlanError> {
        if args.len() < min || args.len() > max {
            let want = if min == max {
                format!("{min}")
            } else if max == usize::MAX {
                format!("at least {min}")
            } else {
                format!("{min} to {max}")
            };
            return Err(PlanError::invalid(
                self.span,
                format!(
                    "`{}` takes {want} argument(s), got {}",
                    self.name,
                    args.len()
                ),
            ));
        }
        Ok(())
    }

    /// A type error on argument `e`.
    fn bad(&self, e: &Expr, want: &str) -> PlanError {
        PlanError::ty(
            e.span,
            format!("`{}` needs {want}, got {}", self.name, e.ty),
        )
    }

    /// An argument that must have exactly type `ty` (a typed null literal is converted).
    fn exact(&self, e: Expr, ty: KqlType) -> Result<Expr, PlanError> {
        if e.ty == ty {
            return Ok(e);
        }
        if is_null_literal(&e) {
            return Ok(Expr::literal(Scalar::Null(ty), e.span));
        }
        Err(self.bad(&e, &format!("a {ty}")))
    }

    /// An integer argument (int or long), as a long. Kusto's binder refuses a bool where
    /// it wants an integer (`Kusto.Language` `ParameterTypeKind.Integer`).
    fn long(&self, e: Expr) -> Result<Expr, PlanError> {
        match e.ty {
            KqlType::Int | KqlType::Long => Ok(cast(e, KqlType::Long)),
            _ if is_null_literal(&e) => Ok(cast(e, KqlType::Long)),
            _ => Err(self.bad(&e, "an integer")),
        }
    }

    /// A numeric argument, as a real.
    fn real(&self, e: Expr) -> Result<Expr, PlanError> {
        match e.ty {
            KqlType::Int | KqlType::Long | KqlType::Real => Ok(cast(e, KqlType::Real)),
            _ if is_null_literal(&e) => Ok(cast(e, KqlType::Real)),
            _ => Err(self.bad(&e, "a number")),
        }
    }

    /// A string parameter (Kusto's `string` and `string or dynamic` parameters): strings
    /// pass, dynamic values are converted with `tostring()`, a null literal is the empty
    /// string; a number, bool, datetime, timespan or guid is a type error, as in Kusto's
    /// binder (which converts no argument of a built-in function implicitly).
    fn string(&self, e: Expr) -> Result<Expr, PlanError> {
        match e.ty {
            KqlType::String => Ok(e),
            KqlType::Dynamic => Ok(to_str(e)),
            _ if is_null_literal(&e) => Ok(Expr::literal(Scalar::String("".into()), e.span)),
            _ => Err(self.bad(&e, "a string")),
        }
    }

    /// Every argument as a string parameter ([`Binder::string`]).
    fn strings(&self, args: Vec<Expr>) -> Result<Vec<Expr>, PlanError> {
        args.into_iter().map(|e| self.string(e)).collect()
    }

    /// A dynamic argument.
    fn dynamic(&self, e: Expr) -> Result<Expr, PlanError> {
        self.exact(e, KqlType::Dynamic)
    }

    /// A constant string argument (a period name, a format).
    fn const_str(&self, e: &Expr) -> Result<String, PlanError> {
        match &e.kind {
            ExprKind::Literal(Scalar::String(s)) => Ok(s.to_string()),
            _ => Err(PlanError::unsupported(
                e.span,
                format!("a non-constant argument here in `{}`", self.name),
            )),
        }
    }

    /// `unsupported` for a form of this function.
    fn unsupported(&self, what: impl std::fmt::Display) -> PlanError {
        PlanError::unsupported(self.span, format!("`{}` {what}", self.name))
    }
}

/// Any argument converted to a string, as Kusto's string functions do (`tostring(x)`).
fn to_str(e: Expr) -> Expr {
    if e.ty == KqlType::String {
        return e;
    }
    let span = e.span;
    Expr::call(Func::ToString, vec![e], KqlType::String, span)
}

/// The text `hash_md5`, `hash_sha1` and `hash_sha256` hash: a string as it is, a datetime
/// as its `tostring()` text (each page's example: `hash_md5(datetime(2020-01-01))` is the
/// MD5 of "2020-01-01T00:00:00.0000000Z"). Kusto's bytes for the other types are not
/// documented, so they are refused.
fn hash_input(b: &Binder<'_>, e: Expr) -> Result<Expr, PlanError> {
    match e.ty {
        KqlType::String => Ok(e),
        KqlType::DateTime => Ok(to_str(e)),
        other => Err(b.unsupported(format!("of a {other} value"))),
    }
}

fn is_null_literal(e: &Expr) -> bool {
    matches!(e.kind, ExprKind::Literal(Scalar::Null(_)))
}

/// A scalar argument stored as a dynamic value (dynamic arguments pass through).
fn to_dynamic(e: Expr) -> Expr {
    if e.ty == KqlType::Dynamic {
        return e;
    }
    let span = e.span;
    Expr::call(
        Func::Lib(LibFunc::ToDynamicValue),
        vec![e],
        KqlType::Dynamic,
        span,
    )
}
