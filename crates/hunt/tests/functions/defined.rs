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
