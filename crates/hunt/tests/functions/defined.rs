//! The functions defined one file each (`hunt_plan::registry::defs`), table-driven: each
//! row is a query and Kusto's answer from the function's Microsoft Learn page (cited per
//! table), or a form the page leaves open, which hunt must refuse.

use super::{check, fails};

/// (query, expected table) rows.
type Rows = &'static [(&'static str, &'static str)];

/// docs: https://learn.microsoft.com/en-us/kusto/query/buildschema-aggregation-function
const BUILDSCHEMA: Rows = &[
    // The page's example and its result.
    (
        r#"datatable(value: dynamic) [
            dynamic({"x":1, "y":3.5}),
            dynamic({"x":"somevalue", "z":[1, 2, 3]}),
            dynamic({"y":{"w":"zzz"}, "t":["aa", "bb"], "z":["foo"]})
        ] | summarize buildschema(value)"#,
        r#"schema_value:dynamic
           {"x":["long","string"],"y":["double",{"w":"string"}],"z":{"indexer":["long","string"]},"t":{"indexer":"string"}}"#,
    ),
    // The page's schema breakdown, per group: "every property is implicitly optional"
    // (a property of one row only is in the schema), a union lists each type once.
    (
        r#"datatable(k: long, value: dynamic) [
            1, dynamic({"x":1}), 2, dynamic({"t":["aa"]}), 1, dynamic({"x":2, "y":"a"})
        ] | summarize buildschema(value) by k"#,
        r#"k:long|schema_value:dynamic
           1|{"x":"long","y":"string"}
           2|{"t":{"indexer":"string"}}"#,
    ),
];

#[test]
fn buildschema_follows_its_page() {
    for (q, want) in BUILDSCHEMA {
        check(q, want);
    }
    // The parameter is dynamic ("DynamicExpr | dynamic").
    fails("datatable(s: string) ['a'] | summarize buildschema(s)");
    // Booleans: the page's primitive types stop at "long" | "string" | ...
    fails("datatable(v: dynamic) [dynamic({'a': true})] | summarize buildschema(v)");
}

/// docs: https://learn.microsoft.com/en-us/kusto/query/bag-zip
const BAG_ZIP: Rows = &[
    // The page's examples, in its order.
    (
        "print b = bag_zip(dynamic(['a', 'b', 'c']), dynamic([1, '2', 3.4]))",
        r#"b:dynamic
           {"a":1,"b":"2","c":3.4}"#,
    ),
    // More keys than values: the missing values are null.
    (
        "print b = bag_zip(dynamic(['a', 'b', 'c']), dynamic([1, '2']))",
        r#"b:dynamic
           {"a":1,"b":"2","c":null}"#,
    ),
    // More values than keys: the extra values are ignored.
    (
        "print b = bag_zip(dynamic(['a', 'b']), dynamic([1, '2', 2.5]))",
        r#"b:dynamic
           {"a":1,"b":"2"}"#,
    ),
    // A key that is not a string is skipped with its value.
    (
        "print b = bag_zip(dynamic(['a', 8, 'b']), dynamic([1, '2', 2.5]))",
        r#"b:dynamic
           {"a":1,"b":2.5}"#,
    ),
    // Values that are not an array: every value is null.
    (
        "print b = bag_zip(dynamic(['a', 8, 'b']), dynamic(1))",
        r#"b:dynamic
           {"a":null,"b":null}"#,
    ),
    // Keys that are not an array: the bag is null.
    (
        "print b = bag_zip(dynamic('a'), dynamic([1, '2', 2.5])) | extend e = isnull(b)",
        "b:dynamic|e:bool
         null|true",
    ),
    // Over columns, row by row (the page's examples use a datatable).
    (
        "datatable(k: dynamic, v: dynamic) [dynamic(['a']), dynamic([1]), dynamic(['b', 'c']), dynamic([2])] | project b = bag_zip(k, v)",
        r#"b:dynamic
           {"a":1}
           {"b":2,"c":null}"#,
    ),
];

#[test]
fn bag_zip_follows_its_page() {
    for (q, want) in BAG_ZIP {
        check(q, want);
    }
    // The parameters are dynamic arrays.
    fails("print bag_zip('a', dynamic([1]))");
    // A key twice: the page does not say which value wins.
    fails("print bag_zip(dynamic(['a', 'a']), dynamic([1, 2]))");
}

/// docs: https://learn.microsoft.com/en-us/kusto/query/treepath-function
const TREEPATH: Rows = &[
    // The page's three examples.
    (
        r#"print a = treepath(parse_json('{"a":"b", "c":123}'))"#,
        r#"a:dynamic
           ["['a']","['c']"]"#,
    ),
    (
        r#"print a = treepath(parse_json('{"prop1":[1,2,3,4], "prop2":"value2"}'))"#,
        r#"a:dynamic
           ["['prop1']","['prop1'][0]","['prop2']"]"#,
    ),
    (
        r#"print a = treepath(parse_json('{"listProperty":[100,200,300,"abcde",{"x":"y"}]}'))"#,
        r#"a:dynamic
           ["['listProperty']","['listProperty'][0]","['listProperty'][0]['x']"]"#,
    ),
    // oracle: r3 agent-dynamic-json-0006 (inner keys have paths too)
    (
        r#"print d = dynamic({"a":{"b":{"c":1}},"x":{"y":2}}) | extend paths = treepath(d) | mv-expand p = paths to typeof(string) | sort by p asc | summarize make_list(p)"#,
        r#"list_p:dynamic
           ["['a']","['a']['b']","['a']['b']['c']","['x']","['x']['y']"]"#,
    ),
];

#[test]
fn treepath_follows_its_page() {
    for (q, want) in TREEPATH {
        check(q, want);
    }
    // What the page leaves open: not a bag, an empty array, a key with a quote.
    fails("print treepath(dynamic([1, 2]))");
    fails("print treepath(dynamic(null))");
    fails(r#"print treepath(dynamic({"a": []}))"#);
    fails(r#"print treepath(dynamic({"it's": 1}))"#);
    fails("print treepath('a')");
}

/// The registry and the binders agree: every name the registry says hunt runs is bound by
/// something (a call of it is never "unknown function"), every name it marks unsupported
/// is refused as unsupported, and so is every alias of either. (The lists the registry
/// replaced disagreed: `row_number` was reported unsupported although it ran.)
#[test]
fn every_registry_name_binds() {
    use hunt::{DiagnosticKind, FunctionKind, function_registry};
    let reg = function_registry();
    let kind_of = |q: &str| {
        super::common::engine()
            .query(q)
            .err()
            .map(|e| e.diagnostic().kind)
    };
    let mut wrong = Vec::new();
    for e in reg.entries() {
        let q = match e.kind {
            FunctionKind::Aggregate => {
                format!("range x from 1 to 3 step 1 | summarize {}()", e.name)
            }
            _ => format!("print {}()", e.name),
        };
        let got = kind_of(&q);
        // series_stats returns several columns: alone in `extend`, not inside `print`.
        let ok = if e.name == "series_stats" {
            got.is_some()
        } else if e.supported() {
            !matches!(
                got,
                Some(DiagnosticKind::UnknownName | DiagnosticKind::Unsupported)
            )
        } else {
            got == Some(DiagnosticKind::Unsupported)
        };
        if !ok {
            wrong.push(format!("{q}: {got:?}"));
        }
    }
    for (alias, current) in reg.aliases() {
        let Some(target) = reg.get(current) else {
            wrong.push(format!("alias {alias} of unknown {current}"));
            continue;
        };
        let q = match target.kind {
            FunctionKind::Aggregate => format!("range x from 1 to 3 step 1 | summarize {alias}()"),
            _ => format!("print {alias}()"),
        };
        let got = kind_of(&q);
        if got == Some(DiagnosticKind::UnknownName) {
            wrong.push(format!("{q}: {got:?}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "registry and binders disagree:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn bitwise_functions_name_and_refuse_as_before() {
    // docs: binary-not-function (binary_not(100) is -101); Functions.cs names the column
    // after the first argument.
    check(
        "datatable(x: long) [100] | project binary_not(x)",
        "x:long\n-101",
    );
    // 100 is 0b1100100.
    check(
        "datatable(x: long) [100] | project bitset_count_ones(x)",
        "x:long\n3",
    );
    // A shift outside 0..63: the docs do not say what Kusto gives.
    fails("print binary_shift_left(1, 64)");
    fails("print binary_shift_right(1, -1)");
}

/// docs: https://learn.microsoft.com/en-us/kusto/query/hll-merge-function,
/// dcount-hll-function, hll-aggregation-function, hll-if-aggregation-function. hunt's
/// sketches are exact, so `dcount_hll(hll(x))` is `dcount(x)`.
const HLL: Rows = &[
    // The hll-merge page's example: 1..10 and 11..20 merged count 20.
    (
        "range x from 1 to 10 step 1
         | extend y = x + 10
         | summarize hll_x = hll(x), hll_y = hll(y)
         | project merged = hll_merge(hll_x, hll_y)
         | project dcount_hll(merged)",
        "dcount_hll_merged:long\n20",
    ),
    // The dcount-hll page's shape: sketches per group, merged by the scalar; overlapping
    // values count once; an accuracy argument is accepted.
    (
        "range x from 1 to 30 step 1
         | summarize h = hll(x % 7, 2) by k = x % 2
         | summarize a = take_anyif(h, k == 0), b = take_anyif(h, k == 1)
         | project n = dcount_hll(hll_merge(a, b))",
        "n:long\n7",
    ),
    // hll_if counts the rows where the predicate holds (the hll-if page).
    (
        "range x from 1 to 10 step 1 | summarize h = hll_if(x, x > 4) | project dcount_hll(h)",
        "dcount_hll_h:long\n6",
    ),
    // Nulls and empty strings are not counted, as in dcount; strings and longs are
    // distinct kinds.
    (
        "datatable(s: string) ['a', '', 'b', 'a'] | summarize h = hll(s) | project n = dcount_hll(h)",
        "n:long\n2",
    ),
    // Over no rows the sketch is null (the summarize page's example of defaults).
    (
        "datatable(x: long) [] | summarize h = hll(x) | project isnull(h), dcount_hll(h)",
        "Column1:bool|dcount_hll_h:long\ntrue|null",
    ),
];

#[test]
fn hll_follows_its_pages() {
    for (q, want) in HLL {
        check(q, want);
    }
    // The round trip the using-hll-tdigest page promises, over a bigger input.
    check(
        "range x from 1 to 5000 step 1 | extend v = x * 7919 % 1237
         | summarize d = dcount(v), h = dcount_hll(hll(v))
         | project same = d == h",
        "same:bool\ntrue",
    );
    // Kusto's binder: not real or bool; the accuracy is 0..4; hll_merge takes 2..16.
    fails("print x = 1.5 | summarize hll(x)");
    fails("print x = true | summarize hll(x)");
    fails("print x = 1 | summarize hll(x, 7)");
    fails("print x = 1 | summarize h = hll(x) | project hll_merge(h)");
    // A value that is not a sketch made by hunt (Kusto's bytes are not hunt's).
    fails("print dcount_hll(dynamic([1, 2, 3]))");
}

/// docs: https://learn.microsoft.com/en-us/kusto/query/tdigest-aggregation-function,
/// merge-tdigest-function, percentile-tdigest-function, percentile-array-tdigest-function,
/// rank-tdigest-function. hunt's digests are exact: `percentile_tdigest(tdigest(x), p)` is
/// `percentile(x, p)`.
const TDIGEST: Rows = &[
    // The merge-tdigest page's example.
    (
        "range x from 1 to 10 step 1
         | extend y = x + 10
         | summarize tdigestX = tdigest(x), tdigestY = tdigest(y)
         | project merged = merge_tdigest(tdigestX, tdigestY)
         | project percentile_tdigest(merged, 100, typeof(long))",
        "percentile_tdigest_merged:long\n20",
    ),
    // The rank-tdigest page's example: the rank of 685 among 1..1000.
    (
        "range x from 1 to 1000 step 1
         | summarize t_x = tdigest(x)
         | project rank_of_685 = rank_tdigest(t_x, 685)",
        "rank_of_685:real\n685",
    ),
    // percentiles_array_tdigest: a list of percentiles or a dynamic array of them (its page),
    // the result column named percentile_tdigest_<arg>.
    (
        "range x from 1 to 10 step 1 | summarize t = tdigest(x)
         | project percentiles_array_tdigest(t, 10, 50, 100), b = percentiles_array_tdigest(t, dynamic([90]))",
        "percentile_tdigest_t:dynamic|b:dynamic\n[1,5,10]|[9]",
    ),
    // tdigest_merge as an aggregate over sketches per group (the tdigest-merge page's shape).
    (
        "range x from 1 to 20 step 1
         | summarize t = tdigest(x) by k = x % 4
         | summarize m = tdigest_merge(t)
         | project p = percentile_tdigest(m, 50)",
        "p:dynamic\n10",
    ),
    // A weight counts each value that many times (the tdigest page's `weight`).
    (
        "datatable(v: long, w: long) [1, 1, 2, 8, 3, 1]
         | summarize t = tdigest(v, w) | project percentile_tdigest(t, 50)",
        "percentile_tdigest_t:dynamic\n2",
    ),
    // Datetime values come back as datetimes (the percentile-tdigest page's second example).
    (
        "datatable(d: datetime) [datetime(2007-12-20 11:30), datetime(2007-12-01)]
         | summarize t = tdigest(d) | project p = percentile_tdigest(t, 100, typeof(datetime))",
        "p:datetime\n2007-12-20T11:30:00.0000000Z",
    ),
];

#[test]
fn tdigest_follows_its_pages() {
    for (q, want) in TDIGEST {
        check(q, want);
    }
    // The documented round trip, at several percentiles, against percentile() itself.
    check(
        "range x from 1 to 999 step 1 | extend v = x * 7919 % 1237
         | summarize t = tdigest(v), p1 = percentile(v, 1), p37 = percentile(v, 37), p99 = percentile(v, 99)
         | project ok = p1 == tolong(percentile_tdigest(t, 1)) and p37 == tolong(percentile_tdigest(t, 37)) and p99 == tolong(percentile_tdigest(t, 99))",
        "ok:bool\ntrue",
    );
    // Kusto's binder: summable values only; merge_tdigest takes 2..16 sketches.
    fails("print s = 'a' | summarize tdigest(s)");
    fails("print x = 1 | summarize t = tdigest(x) | project merge_tdigest(t)");
    fails("print percentile_tdigest(dynamic(['x']), 50)");
}

/// docs: https://learn.microsoft.com/en-us/kusto/query/rand-function and
/// new-guid-function. Random values cannot be compared to a table; their documented
/// properties can: the range, the set of rand(N), a draw per row.
#[test]
fn rand_and_new_guid_draw_per_row() {
    // rand() is real in [0, 1); 1000 rows draw (almost surely) more than 990 values.
    check(
        "range x from 1 to 1000 step 1 | extend r = rand()
         | summarize lo = min(r) >= 0.0, hi = max(r) < 1.0, many = dcount(r) > 990",
        "lo:bool|hi:bool|many:bool\ntrue|true|true",
    );
    // rand(N) is a real of {0.0, …, N − 1}, and a constant argument is drawn per row too.
    check(
        "range x from 1 to 2000 step 1 | extend r = rand(3)
         | summarize n = dcount(r), whole = countif(r != floor(r, 1)) == 0, lo = min(r), hi = max(r)",
        "n:long|whole:bool|lo:real|hi:real\n3|true|0|2",
    );
    // The column is named after the argument, none here: print's own name.
    check("print r = rand(1) | project r", "r:real\n0");
    // new_guid(): a guid per row.
    check(
        "range x from 1 to 100 step 1 | extend g = new_guid() | summarize dcount(g), t = take_any(gettype(g))",
        "dcount_g:long|t:string\n100|guid",
    );
    // Kusto's binder: rand takes an integer; new_guid no argument.
    fails("print rand(1.5)");
    fails("print rand('a')");
    fails("print new_guid(1)");
}

/// docs: https://learn.microsoft.com/en-us/kusto/query/toscalar-function, its example:
/// `toscalar(new_guid())` is one value for all rows, a `let` of `new_guid()` a draw per row.
#[test]
fn a_volatile_let_draws_per_use_and_toscalar_once() {
    check(
        "let g1 = toscalar(new_guid());
         let g2 = new_guid();
         range x from 1 to 50 step 1
         | extend a = g1, b = g2
         | summarize dcount(a), dcount(b)",
        "dcount_a:long|dcount_b:long\n1|50",
    );
}

/// docs: https://learn.microsoft.com/en-us/kusto/query/hll-merge-aggregation-function,
/// tdigest-merge-aggregate-function, merge-tdigest-function: Kusto has `hll_merge` and
/// `merge_tdigest` as aggregates and scalars, and `tdigest_merge` as both too.
#[test]
fn sketch_merges_exist_as_aggregates_and_scalars() {
    // The aggregate hll_merge (the using-hll-tdigest page's `dcount_hll(hll_merge(…))`).
    check(
        "range x from 1 to 30 step 1
         | summarize h = hll(x % 7) by k = x % 3
         | summarize n = dcount_hll(hll_merge(h)), m = hll_merge(h)
         | project n, named = dcount_hll(m)",
        "n:long|named:long\n7|7",
    );
    // Its default column name: hll_merge_<arg> (Kusto's prefix `hll_merge`).
    check(
        "range x from 1 to 3 step 1 | summarize h = hll(x) by x | summarize hll_merge(h) | project dcount_hll(hll_merge_h)",
        "dcount_hll_hll_merge_h:long\n3",
    );
    // merge_tdigest as an aggregate, tdigest_merge as a scalar.
    check(
        "range x from 1 to 20 step 1
         | summarize t = tdigest(x) by k = x % 4
         | summarize m = merge_tdigest(t)
         | project p = percentile_tdigest(m, 50)",
        "p:dynamic\n10",
    );
    check(
        "range x from 1 to 10 step 1 | summarize a = tdigest(x), b = tdigest(x + 10)
         | project p = percentile_tdigest(tdigest_merge(a, b), 100)",
        "p:dynamic\n20",
    );
}

/// docs: https://learn.microsoft.com/en-us/kusto/query/convert-angle-function and the
/// pages of convert_energy, convert_force, convert_length, convert_mass, convert_speed,
/// convert_temperature and convert_volume: each page's one example (its printed digits,
/// so compared within their last place).
const CONVERT_UNITS: &[(&str, f64)] = &[
    ("convert_angle(1.2, 'Degree', 'Arcminute')", 72.0),
    (
        "convert_energy(1.2, 'Joule', 'BritishThermalUnit')",
        0.001_137_380_544_375_98,
    ),
    ("convert_force(1.2, 'Newton', 'Decanewton')", 0.12),
    ("convert_length(1.2, 'Meter', 'Foot')", 3.937_007_874_015_75),
    (
        "convert_mass(1.2, 'Kilogram', 'Pound')",
        2.645_547_146_218_53,
    ),
    (
        "convert_speed(1.2, 'MeterPerSecond', 'CentimeterPerHour')",
        432_000.0,
    ),
    (
        "convert_temperature(1.2, 'Kelvin', 'DegreeCelsius')",
        -271.95,
    ),
    (
        "convert_volume(1.2, 'CubicMeter', 'AcreFoot')",
        0.000_972_856_8,
    ),
];

#[test]
fn convert_units_follow_their_pages() {
    for (call, want) in CONVERT_UNITS {
        let tolerance = want.abs() * 1e-13;
        check(
            &format!("print ok = abs({call} - {want:e}) <= {tolerance:e}"),
            "ok:bool\ntrue",
        );
    }
    // "Invalid units return null"; a null value is null too.
    check(
        "print a = convert_length(1.0, 'Meter', 'Parsnip'), b = convert_length(real(null), 'Meter', 'Foot')",
        "a:real|b:real\nnull|null",
    );
    // The unit may come from a column; the value converts from int and long.
    check(
        "datatable(u: string, x: long) ['Kilometer', 2, 'Centimeter', 300] | project m = convert_length(x, u, 'Meter')",
        "m:real\n2000\n3",
    );
    // Affine scales go through the base unit: 212 °F is 100 °C.
    check(
        "print c = round(convert_temperature(212, 'DegreeFahrenheit', 'DegreeCelsius'), 9)",
        "c:real\n100",
    );
    // Units whose UnitsNet factor changed between versions (the mile), non-linear ones
    // (tilt), and a listed unit in another case are refused, as a constant or per row.
    fails("print convert_length(1.0, 'Mile', 'Meter')");
    fails("print convert_angle(1.0, 'Tilt', 'Degree')");
    fails("print convert_length(1.0, 'meter', 'Foot')");
    fails("datatable(u: string) ['Mile'] | project convert_length(1.0, u, 'Meter')");
    // Kusto's signature: (real, string, string).
    fails("print convert_length('1', 'Meter', 'Foot')");
    fails("print convert_length(1.0, 1, 'Foot')");
    fails("print convert_length(1.0, 'Meter')");
}

/// docs: https://learn.microsoft.com/en-us/kusto/query/array-sort-asc-function and
/// https://learn.microsoft.com/en-us/kusto/query/array-sort-desc-function: several arrays
/// give several columns (Kusto's tuple; `GetArraySortResult` in Functions.cs names them
/// `<argument>_sorted`), the first sorted, the others reordered to match.
const ARRAY_SORT_TUPLES: Rows = &[
    // Example 1 of each page.
    (
        r#"let array1 = dynamic([1,3,4,5,2]);
           let array2 = dynamic(["a","b","c","d","e"]);
           print array_sort_asc(array1,array2)"#,
        r#"array1_sorted:dynamic|array2_sorted:dynamic
           [1,2,3,4,5]|["a","e","b","c","d"]"#,
    ),
    (
        r#"let array1 = dynamic([1,3,4,5,2]);
           let array2 = dynamic(["a","b","c","d","e"]);
           print array_sort_desc(array1,array2)"#,
        r#"array1_sorted:dynamic|array2_sorted:dynamic
           [5,4,3,2,1]|["d","c","b","e","a"]"#,
    ),
    // The pages' note: `(out1, out2) = …` names the columns.
    (
        r#"print (out1, out2) = array_sort_asc(dynamic([2,1]), dynamic(["b","a"]))"#,
        r#"out1:dynamic|out2:dynamic
           [1,2]|["a","b"]"#,
    ),
    // Example 3: the second array of the tuple, by index.
    (
        r#"datatable(command:string, command_time:datetime, user_id:string)
           ['chmod', datetime(2019-07-15), "user1", 'ls', datetime(2019-07-02), "user1",
            'dir', datetime(2019-07-22), "user1", 'rm', datetime(2019-07-23), "user2"]
           | summarize timestamps = make_list(command_time), commands = make_list(command) by user_id
           | project user_id, c = array_sort_asc(timestamps, commands)[1]"#,
        r#"user_id:string|c:dynamic
           user1|["ls","chmod","dir"]
           user2|["rm"]"#,
    ),
    // "null is returned for every array that differs in length from the first one";
    // an argument without a name makes `array<i>_sorted`; nulls go last by default and
    // first with nulls_last=false, their partners with them.
    (
        r#"print array_sort_asc(dynamic([3,null,1]), dynamic(["c","n","a"]), dynamic([1]))"#,
        r#"array0_sorted:dynamic|array1_sorted:dynamic|array2_sorted:dynamic
           [1,3,null]|["a","c","n"]|null"#,
    ),
    (
        r#"print (a, b) = array_sort_desc(dynamic([3,null,1]), dynamic(["c","n","a"]), false)"#,
        r#"a:dynamic|b:dynamic
           [null,3,1]|["n","c","a"]"#,
    ),
];

#[test]
fn array_sort_over_several_arrays_follows_its_pages() {
    for (q, want) in ARRAY_SORT_TUPLES {
        check(q, want);
    }
    // Equal elements whose partners differ: the pages do not say which comes first.
    fails(r#"print array_sort_asc(dynamic([1,1]), dynamic(["b","a"]))"#);
    // The index must be a constant within the tuple.
    fails(r#"print array_sort_asc(dynamic([1,2]), dynamic(["b","a"]))[2]"#);
    // More names than arrays.
    fails(r#"print (a, b, c) = array_sort_asc(dynamic([1,2]), dynamic(["b","a"]))"#);
    // nulls_last must be a constant bool.
    fails(
        r#"datatable(b: bool) [true] | project array_sort_asc(dynamic([1,2]), dynamic([3,4]), b)"#,
    );
}

/// docs: https://learn.microsoft.com/en-us/kusto/query/assert-function
#[test]
fn assert_follows_its_page() {
    // The page's examples: a valid length passes ...
    check(
        r#"let checkLength = (len:long, s:string) { assert(len > 0, "Length must be greater than zero") and strlen(s) > len };
           datatable(input:string) ['123', '4567'] | where checkLength(len=3, input)"#,
        "input:string\n4567",
    );
    // ... an invalid one fails the query ...
    fails(
        r#"let checkLength = (len:long, s:string) { assert(len > 0, "Length must be greater than zero") and strlen(s) > len };
           datatable(input:string) ['123', '4567'] | where checkLength(len=long(-1), input)"#,
    );
    // ... even where no row reaches the assert (it is evaluated at query analysis).
    fails(r#"let b=false; print x="Hello" | where b | where assert(b, "Assertion failed")"#);
    check(r#"print a = assert(1 < 2, "never")"#, "a:bool\ntrue");
    // The condition "can't be bound to row-context".
    fails(r#"datatable(x: long) [1] | where assert(x > 0, "positive")"#);
    // Kusto's signature: (bool, string).
    fails(r#"print assert(1, "x")"#);
    fails("print assert(true, 1)");
}

/// docs: https://learn.microsoft.com/en-us/kusto/query/geo-geohash-neighbors-function and
/// https://learn.microsoft.com/en-us/kusto/query/geo-s2cell-neighbors-function
const CELL_NEIGHBORS: Rows = &[
    // The pages' invalid examples: "If the … is invalid, the query produces a null result."
    (
        "print invalid = isnull(geo_geohash_neighbors('a'))",
        "invalid:bool\ntrue",
    ),
    (
        "print invalid = isnull(geo_s2cell_neighbors('a'))",
        "invalid:bool\ntrue",
    ),
    // A null (empty) cell is no valid cell either; the result is dynamic.
    (
        "datatable(c: string) ['', 'X'] | project n = geo_s2cell_neighbors(c), g = geo_geohash_neighbors(c)",
        "n:dynamic|g:dynamic\nnull|null\nnull|null",
    ),
];

#[test]
fn cell_neighbors_follow_their_pages() {
    for (q, want) in CELL_NEIGHBORS {
        check(q, want);
    }
    // A valid cell: the pages' `sunny` and `89c259` examples list the neighbors in an
    // order they do not document, so hunt refuses rather than pick one.
    fails("print neighbors = geo_geohash_neighbors('sunny')");
    fails("print neighbors = geo_s2cell_neighbors('89c259')");
    fails("datatable(c: string) ['a', '89c259'] | project geo_s2cell_neighbors(c)");
    // The parameter is a string (Functions.cs).
    fails("print geo_s2cell_neighbors(1)");
}

/// docs: https://learn.microsoft.com/en-us/kusto/query/estimate-data-size-function
const ESTIMATE_DATA_SIZE: Rows = &[
    // The page's example: "x (long) is 8", "Text length is 10", (8+10)x10 = 180.
    (
        "range x from 1 to 10 step 1
         | extend Text = '1234567890'
         | summarize Total=sum(estimate_data_size(*))",
        "Total:long\n180",
    ),
    // The same sizes column by column; an empty string has length 0.
    (
        "datatable(x: long, s: string) [1, 'abc', 2, '']
         | project a = estimate_data_size(x), b = estimate_data_size(s), c = estimate_data_size(x, s)",
        "a:long|b:long|c:long\n8|3|11\n8|0|8",
    ),
];

#[test]
fn estimate_data_size_follows_its_page() {
    for (q, want) in ESTIMATE_DATA_SIZE {
        check(q, want);
    }
    // Sizes the page does not state: other types, a dynamic (only "more complex" than
    // its text), a null long, a string beyond ASCII; and arguments that are not columns.
    fails("print x = 1.5 | project estimate_data_size(x)");
    fails("print x = dynamic({'a':'bcd'}) | project estimate_data_size(x)");
    fails("print x = now() | project estimate_data_size(x)");
    fails("print x = long(null) | project estimate_data_size(x)");
    fails("print x = 'é' | project estimate_data_size(x)");
    fails("print estimate_data_size(1)");
    fails("print x = 1 | project estimate_data_size()");
}
