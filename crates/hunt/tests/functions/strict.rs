//! Kusto's strictness on argument types (issue #10, deliverable 3): a built-in function
//! converts none of its arguments implicitly, so a number where it declares a string, or a
//! bool where it declares an integer, is a binder error. Each row cites the parameter kind
//! of `src/Kusto.Language/Functions.cs` in microsoft/Kusto-Query-Language (the binder the
//! Kusto editor and service share) and must fail at bind time (`Engine::check`), before
//! any row is produced; its well-typed twin must bind.

use crate::common::engine;

/// A call Kusto's binder refuses, with the parameter kind that refuses it, and the same
/// call with the argument in its declared type.
struct Strict {
    source: &'static str,
    refused: &'static str,
    accepted: &'static str,
}

fn strict_table(rows: &[Strict]) {
    let e = engine();
    for r in rows {
        assert!(
            e.check(r.refused).is_err(),
            "{}: `{}` should be refused at bind time",
            r.source,
            r.refused
        );
        if let Err(err) = e.check(r.accepted) {
            panic!("{}: `{}` should bind: {err}", r.source, r.accepted);
        }
    }
}

#[test]
fn strings_where_a_string_is_declared() {
    strict_table(&[
        Strict {
            source: "Functions.cs: strlen(string: StringOrDynamic)",
            refused: "print strlen(123)",
            accepted: "print strlen('123'), strlen(dynamic('x'))",
        },
        Strict {
            source: "Functions.cs: strlen(string: StringOrDynamic)",
            refused: "print strlen(true)",
            accepted: "print strlen(tostring(true))",
        },
        Strict {
            source: "Functions.cs: parse_ipv4(ip: string)",
            refused: "print parse_ipv4(167772161)",
            accepted: "print parse_ipv4('10.0.0.1')",
        },
        Strict {
            source: "Functions.cs: ipv4_is_in_range(ip: string, range: string)",
            refused: "print ipv4_is_in_range('10.0.0.1', 8)",
            accepted: "print ipv4_is_in_range('10.0.0.1', '10.0.0.0/8')",
        },
        Strict {
            source: "Functions.cs: ipv4_is_private(ip: string)",
            refused: "print ipv4_is_private(now())",
            accepted: "print ipv4_is_private('10.0.0.1')",
        },
        Strict {
            source: "Functions.cs: ipv6_compare(ip1: string, ip2: string)",
            refused: "print ipv6_compare('::1', 1)",
            accepted: "print ipv6_compare('::1', '::2')",
        },
        Strict {
            source: "Functions.cs: has_ipv4(source: StringOrDynamic, ip: string)",
            refused: "print has_ipv4(1, '10.0.0.1')",
            accepted: "print has_ipv4('from 10.0.0.1', '10.0.0.1')",
        },
        Strict {
            source: "Functions.cs: bag_has_key(bag: DynamicBag, key: string)",
            refused: "print bag_has_key(dynamic({'a':1}), 1)",
            accepted: "print bag_has_key(dynamic({'a':1}), 'a')",
        },
        Strict {
            source: "Functions.cs: parse_csv(csv_text: StringOrDynamic)",
            refused: "print parse_csv(1.5)",
            accepted: "print parse_csv('a,b')",
        },
        Strict {
            source: "Functions.cs: parse_urlquery(query: string)",
            refused: "print parse_urlquery(1h)",
            accepted: "print parse_urlquery('a=1')",
        },
        Strict {
            source: "Functions.cs: has_any_index(source: StringOrDynamic, values: DynamicArray)",
            refused: "print has_any_index(7, dynamic(['7']))",
            accepted: "print has_any_index('7', dynamic(['7']))",
        },
        Strict {
            source: "oracle agent-string-ops-0022: extract_all needs a capture group",
            refused: "print extract_all(@'a', 'aaa')",
            accepted: "print extract_all(@'(a)', 'aaa')",
        },
        Strict {
            source: "Functions.cs: extract_json(jsonPath: string, jsonText: string)",
            refused: "print extract_json('$.a', 1)",
            accepted: "print extract_json('$.a', '{\"a\":1}')",
        },
    ]);
}

#[test]
fn integers_where_an_integer_is_declared() {
    strict_table(&[
        Strict {
            source: "Functions.cs: substring(start: Integer)",
            refused: "print substring('abc', true)",
            accepted: "print substring('abc', 1)",
        },
        Strict {
            source: "Functions.cs: binary_and(value1: Integer, value2: Integer)",
            refused: "print binary_and(true, 1)",
            accepted: "print binary_and(int(3), 1)",
        },
        Strict {
            source: "Functions.cs: tohex(value: Integer)",
            refused: "print tohex(false)",
            accepted: "print tohex(255)",
        },
        Strict {
            source: "Functions.cs: array_slice(start: Integer, end: Integer)",
            refused: "print array_slice(dynamic([1,2,3]), 0, true)",
            accepted: "print array_slice(dynamic([1,2,3]), 0, 1)",
        },
        Strict {
            source: "Functions.cs: strrep(multiplier: long)",
            refused: "print strrep('ab', true)",
            accepted: "print strrep('ab', 2)",
        },
    ]);
}

/// Parameters Kusto declares as any scalar keep converting (`tostring` semantics).
#[test]
fn scalar_parameters_still_take_any_scalar() {
    let e = engine();
    for q in [
        "print toupper(123), tolower(true)",
        "print substring(12345, 1, 2)",
        "print strcat(1, 'a', now())",
        "print reverse(123)",
        "print format_ipv4(167772161)",
        "print strcat_array(dynamic([1,2]), 0)",
    ] {
        if let Err(err) = e.check(q) {
            panic!("`{q}` should bind: {err}");
        }
    }
}

#[test]
fn aggregates_take_their_declared_kinds() {
    let t = "datatable(b:bool, l:long, g:guid, y:dynamic)[true, 1, guid(74be27de-1e4e-49d9-b579-fe0b331d3642), dynamic([1])]";
    let rows = [
        (
            "Aggregates.cs: sum(expr: Summable)",
            "summarize sum(b)",
            "summarize sum(l)",
        ),
        (
            "Aggregates.cs: sumif(expr: Summable, predicate: bool)",
            "summarize sumif(b, l > 0)",
            "summarize sumif(l, b)",
        ),
        (
            "Aggregates.cs: avg(expr: integer | real | decimal | timespan | datetime)",
            "summarize avg(b)",
            "summarize avg(l)",
        ),
        (
            "Aggregates.cs: count_distinct(expr: NotDynamic)",
            "summarize count_distinct(y)",
            "summarize count_distinct(l)",
        ),
        (
            "Aggregates.cs: arg_max(maximized: Orderable, ...)",
            "summarize arg_max(g, l)",
            "summarize arg_max(l, g)",
        ),
    ];
    let e = engine();
    for (source, refused, accepted) in rows {
        let (refused, accepted) = (format!("{t} | {refused}"), format!("{t} | {accepted}"));
        assert!(
            e.check(&refused).is_err(),
            "{source}: `{refused}` should be refused"
        );
        if let Err(err) = e.check(&accepted) {
            panic!("{source}: `{accepted}` should bind: {err}");
        }
    }
}

#[test]
fn a_column_is_declared_once_per_list() {
    // Binder/ProjectionBuilder.cs `Declare`: KS171 "A column with the name '…' is already
    // declared" when `name = …` or a bare column names a column a second time in one
    // `extend`, `print` or `summarize` (its `by` keys and aggregates share one list);
    // unnamed expressions get unique names instead.
    strict_table(&[
        Strict {
            source: "ProjectionBuilder.Declare (extend)",
            refused: "datatable(x:long)[1] | extend y = 1, y = 2",
            accepted: "datatable(x:long)[1] | extend x = x + 1, y = x",
        },
        Strict {
            source: "ProjectionBuilder.Declare (print)",
            refused: "print a = 1, a = 2",
            accepted: "print a = 1, b = 2, 3, 4",
        },
        Strict {
            source: "ProjectionBuilder.Declare (summarize by)",
            refused: "datatable(x:long)[1] | summarize count() by x, x",
            accepted: "datatable(x:long)[1] | summarize count() by bin(x, 1), x",
        },
        Strict {
            source: "ProjectionBuilder.Declare (summarize aggregate and key)",
            refused: "datatable(x:long)[1] | summarize x = count() by x",
            accepted: "datatable(x:long)[1] | summarize count(), count() by x",
        },
    ]);
}

#[test]
fn iff_branches_share_a_type() {
    // oracle: r2 agent-type-casts-coercion-0028 rejects `iif(true, 1, 2.0)` together with
    // `case(true, 1, 2.5)` and `coalesce(toint(1), 2.0)`: a long and a real do not meet;
    // an int and a long do (oracle t1-nested-pipelines-let-cte-0003: `coalesce(i, -1)`).
    strict_table(&[
        Strict {
            source: "oracle agent-type-casts-coercion-0028 (iff)",
            refused: "print iff(true, 1, 2.0)",
            accepted: "print iff(true, toint(1), 2), iff(true, 1.0, 2.0)",
        },
        Strict {
            source: "oracle agent-type-casts-coercion-0028 (case)",
            refused: "print case(true, 1, 2.5)",
            accepted: "print case(true, 1, 2)",
        },
        Strict {
            source: "oracle agent-type-casts-coercion-0028 (coalesce)",
            refused: "print coalesce(toint(1), 2.0)",
            accepted: "print coalesce(toint(1), 2)",
        },
        Strict {
            source: "Functions.cs iff: a bool and a number have no common type",
            refused: "print iff(true, true, 1)",
            accepted: "print iff(true, true, false)",
        },
    ]);
}

#[test]
fn keywords_are_not_bare_names() {
    // QueryGrammar.cs `IdentifierName`: an identifier or a keyword marked `canBeIdentifier`
    // in SyntaxFacts.cs; the oracle rejects `extend first = …`, `project last = …`,
    // `extend missing = …` and `parse … with first:string`. Bracketed, any word is a name.
    strict_table(&[
        Strict {
            source: "SyntaxFacts.cs: `first` is a keyword, not a name",
            refused: "print x = 1 | extend first = 2",
            accepted: "print x = 1 | extend ['first'] = 2, First = 3",
        },
        Strict {
            source: "SyntaxFacts.cs: `time` is a keyword, not a name",
            refused: "print time = 1",
            accepted: "print ['time'] = 1, Time = 2",
        },
        Strict {
            source: "SyntaxFacts.cs: `and` is a keyword, not a name",
            refused: "print x = 1 | project and = x",
            accepted: "print x = 1 | project ['and'] = x",
        },
        Strict {
            source: "SyntaxFacts.cs: `long` in a parse pattern",
            refused: r#"print s = "a b" | parse s with long:string " " b:string"#,
            accepted: r#"print s = "a b" | parse s with Long:string " " b:string"#,
        },
        Strict {
            source: "SyntaxFacts.cs: `bool` can be a name; KustoFacts.cs: `print` in places",
            refused: "print x = 1 | extend where = 2",
            accepted: "print print = 1 | extend bool = 2, guid = 3, count = 4",
        },
    ]);
}
