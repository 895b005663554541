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
