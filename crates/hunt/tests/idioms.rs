//! The idioms of real hunting queries, end to end: list operators over dynamic arrays,
//! `let` values and tables; dynamic literals written as people paste them; deprecated
//! function names; Kusto's implicit column names; `take_any` over several columns.
//! Every expected value follows from the Kusto documentation (`docs: <page>`) or the
//! real-Kusto oracle in `shared/conformance/kusto-oracle` (`oracle: <case id>`), never
//! from hunt's own output.

mod common;

use common::{check, fails, run};

const STATES: &str =
    r#"datatable(State:string)["FLORIDA","georgia","NEW YORK","TEXAS","Kansas","florida"]"#;

// ------------------------------------------------------------ list operators

#[test]
fn in_flattens_a_dynamic_array() {
    // docs: in-operator — `in~ ("FLORIDA", "georgia", "NEW YORK")` and
    // `in~ (dynamic(["FLORIDA", "georgia", "NEW YORK"]))` count the same rows: a dynamic
    // array in the list stands for its elements.
    let lit = run(&format!(
        r#"{STATES} | where State in~ ("FLORIDA", "georgia", "NEW YORK") | count"#
    ));
    let dynamic = run(&format!(
        r#"{STATES} | where State in~ (dynamic(["FLORIDA", "georgia", "NEW YORK"])) | count"#
    ));
    assert_eq!(lit, "Count:long\n4");
    assert_eq!(dynamic, lit);
    // Case-sensitive `in` compares exactly: FLORIDA, georgia, NEW YORK.
    check(
        &format!(
            r#"{STATES} | where State in (dynamic(["FLORIDA", "georgia", "NEW YORK"])) | count"#
        ),
        "Count:long\n3",
    );
}

#[test]
fn in_with_long_and_short_constant_lists() {
    // docs: in-operator — `in` is a case-sensitive equality to any of the values, `in~`
    // case-insensitive, `!in`/`!in~` their negations; a list of nine or more constants
    // (looked up in a set) answers as a short one (compared one by one) does.
    let long = r#""x1","x2","x3","x4","x5","x6","x7","x8","FLORIDA","Texas""#;
    let short = r#""FLORIDA","Texas""#;
    for list in [long, short] {
        check(
            &format!("{STATES} | where State in ({list}) | count"),
            "Count:long\n1",
        );
        check(
            &format!("{STATES} | where State in~ ({list}) | count"),
            "Count:long\n3",
        );
        check(
            &format!("{STATES} | where State !in ({list}) | count"),
            "Count:long\n5",
        );
        check(
            &format!("{STATES} | where State !in~ ({list}) | count"),
            "Count:long\n3",
        );
    }
}

#[test]
fn in_over_a_let_bound_array() {
    // docs: not-in-operator — `let states = dynamic([...]); ... | where State !in~ (states)`.
    check(
        &format!(
            r#"let states = dynamic(["Florida", "Georgia", "New York"]);
            {STATES} | where State !in~ (states) | project State"#
        ),
        "State:string\nTEXAS\nKansas",
    );
    // The IRM hunt: `let AIWorkloads = dynamic([...]); ... | where Workload in (AIWorkloads)`.
    check(
        r#"let AIWorkloads = dynamic(["Copilot","ChatGPT"]);
        datatable(Workload:string)["Copilot","Exchange","ChatGPT","copilot"]
        | where Workload in (AIWorkloads) | count"#,
        "Count:long\n2",
    );
    check(
        r#"let AIWorkloads = dynamic(["Copilot","ChatGPT"]);
        datatable(Workload:string)["Copilot","Exchange","ChatGPT","copilot"]
        | where Workload !in (AIWorkloads)"#,
        "Workload:string\nExchange\ncopilot",
    );
}

#[test]
fn in_mixes_scalars_and_arrays_and_scalar_lets() {
    check(
        r#"let one = 1; let more = dynamic([3, 4]);
        range x from 1 to 5 step 1 | where x in (one, more)"#,
        "x:long\n1\n3\n4",
    );
    check(
        r#"let names = dynamic(["a", "b"]);
        datatable(s:string)["a","c","B"] | extend hit = s in~ (names)"#,
        "s:string|hit:bool\na|true\nc|false\nB|true",
    );
}

#[test]
fn has_any_and_has_all_over_arrays() {
    // docs: has-any-operator — `State has_any (dynamic(['south', 'north']))` and the same
    // through `let areas = dynamic([...])`.
    let data =
        r#"datatable(State:string)["NORTH CAROLINA","SOUTH DAKOTA","TEXAS","ATLANTIC SOUTH"]"#;
    let want = "State:string\nNORTH CAROLINA\nSOUTH DAKOTA\nATLANTIC SOUTH";
    check(
        &format!("{data} | where State has_any (dynamic(['south', 'north']))"),
        want,
    );
    check(
        &format!("let areas = dynamic(['south', 'north']); {data} | where State has_any (areas)"),
        want,
    );
    // docs: has-all-operator — has_all over a literal list and over dynamic([...]) agree.
    let notes =
        r#"datatable(n:string)["cold strong wind in the afternoon with hail","cold afternoon"]"#;
    let want = "n:string\ncold strong wind in the afternoon with hail";
    check(
        &format!(r#"{notes} | where n has_all ("cold", "strong", "afternoon", "hail")"#),
        want,
    );
    check(
        &format!(
            r#"let criteria = dynamic(["cold", "strong", "afternoon", "hail"]); {notes} | where n has_all (criteria)"#
        ),
        want,
    );
}

#[test]
fn in_over_a_table() {
    // docs: in-operator — `State in~ (PopulationData | where … | project State)` and
    // `let large_states = …; … in~ (large_states)`: the first column's values.
    let pop = r#"datatable(State:string, Population:long)["TEXAS",29000000,"KANSAS",2900000,"GEORGIA",10700000]"#;
    let storms = r#"datatable(State:string)["TEXAS","Kansas","georgia","OHIO"]"#;
    let want = "State:string\nTEXAS\ngeorgia";
    check(
        &format!("{storms} | where State in~ ({pop} | where Population > 5000000 | project State)"),
        want,
    );
    check(
        &format!(
            "let large_states = {pop} | where Population > 5000000 | project State; {storms} | where State in~ (large_states)"
        ),
        want,
    );
    // docs: has-any-operator — `has_any` over a tabular `let`.
    check(
        &format!(
            "let large_states = {pop} | where Population > 5000000 | project State; {storms} | where State has_any (large_states)"
        ),
        want,
    );
    // docs: in-cs-operator — `iff(State in (Top_5_States), State, "Other")` inside extend.
    check(
        &format!(
            r#"let big = {pop} | where Population > 5000000 | project State; {storms} | extend S = iff(State in (big), State, "Other")"#
        ),
        "State:string|S:string\nTEXAS|TEXAS\nKansas|Other\ngeorgia|Other\nOHIO|Other",
    );
}

#[test]
fn a_dynamic_value_in_a_list_of_a_dynamic_column() {
    // docs: in-cs-operator — a tabular list contributes its first column; "nested arrays
    // are flattened into a single list of values"; docs: equals operator on dynamic — a
    // dynamic compared with a scalar compares its value (as `==` does). The shape of the
    // AiTM hunt (defender/51): `RawEventData.SessionId in (suspiciousSessionIds)`.
    let ids = r#"datatable(s:dynamic)[dynamic("a1"), dynamic(["b2","c3"])]"#;
    let events = r#"datatable(Raw:dynamic)[dynamic({"SessionId":"a1"}), dynamic({"SessionId":"c3"}), dynamic({"SessionId":"zz"}), dynamic({"Other":1})]"#;
    check(
        &format!("let ids = {ids}; {events} | where Raw.SessionId in (ids) | count"),
        "Count:long\n2",
    );
    check(
        &format!("let ids = {ids}; {events} | where Raw.SessionId !in (ids) | count"),
        "Count:long\n2",
    );
    // A literal list: the dynamic's string value against strings; `in~` ignores case.
    check(
        &format!(r#"{events} | where Raw.SessionId in~ ("A1", "ZZ") | count"#),
        "Count:long\n2",
    );
}

// ------------------------------------------------------------ dynamic literals

#[test]
fn dynamic_literals_as_pasted() {
    // docs: scalar-data-types/dynamic — dynamic literals take KQL string literals;
    // docs: string literals — `@"…"` is verbatim (no escapes), `h"…"` is obfuscated.
    check(
        "let L = dynamic([ // indicators\n  @\"C:\\Temp\\a.exe\", // verbatim\n  h'secret',\u{a0}\"x\"\n]);\nprint n = array_length(L), a = tostring(L[0]), b = tostring(L[1]), c = tostring(L[2])",
        "n:long|a:string|b:string|c:string\n3|C:\\Temp\\a.exe|secret|x",
    );
    check(
        "print d = dynamic({ \"k\": @'it''s', // comment with ) and \"\n 'n': 1 })",
        "d:dynamic\n{\"k\":\"it's\",\"n\":1}",
    );
}

// ------------------------------------------------------------ deprecated names

#[test]
fn deprecated_names_call_the_current_function() {
    // Kusto's Functions.cs / Aggregates.cs mark each `Obsolete("current")`; the docs'
    // examples of the current functions give the values.
    check(
        r#"print a = tostring(parsejson('{"x":1}').x), b = notempty(""), c = notnull(1), d = toobject('[1]')[0]"#,
        "a:string|b:bool|c:bool|d:dynamic\n1|false|true|1",
    );
    // docs: replace-regex-function — replace(regex, rewrite, text) is the old form of
    // replace_regex(text, regex, rewrite).
    check(
        r#"print r = replace(@"cat", "hat", "The cat sat on the mat")"#,
        "r:string\nThe hat sat on the mat",
    );
    // makeset/makelist are make_set/make_list, named set_x/list_x.
    check(
        "datatable(x:long)[1,2,2] | summarize makelist(x), makeset(x)",
        "list_x:dynamic|set_x:dynamic\n[1,2,2]|[1,2]",
    );
    // any(x) is take_any(x) named `any_x` (Aggregates.cs prefix "any").
    check("datatable(x:long)[7] | summarize any(x)", "any_x:long\n7");
    // argmax(T, a) is arg_max named `T`, `T_a` (Aggregates.cs GetArgMinMaxDepResult).
    check(
        "datatable(T:long, a:string)[1,'p',3,'q',2,'r'] | summarize argmax(T, a)",
        "T:long|T_a:string\n3|q",
    );
    // notcontains / notcontainscs / containscs (KqlTokens.g4).
    check(
        "datatable(s:string)['Abc','xyz'] | where s notcontains 'b' and s notcontainscs 'Y' | count",
        "Count:long\n1",
    );
    check(
        "datatable(s:string)['Abc','abc'] | where s containscs 'Ab' | count",
        "Count:long\n1",
    );
}

// ------------------------------------------------------------ implicit column names

#[test]
fn implicit_names_follow_kusto() {
    // Kusto's Binder.GetExpressionResultName: `bin(Timestamp, 1h)` keeps `Timestamp`,
    // a path `d.a.b` is `d_a_b`, a conversion keeps its argument's name, anything else is Column1, Column2, ….
    check(
        "datatable(Timestamp:datetime)[datetime(2025-06-01 10:20)] | summarize count() by bin(Timestamp, 1h)",
        "Timestamp:datetime|count_:long\n2025-06-01T10:00:00.0000000Z|1",
    );
    check(
        r#"print d = dynamic({"a":{"b":1}}) | project d.a.b, tostring(d.a), strcat("x", "y"), 1 + 2"#,
        "d_a_b:dynamic|d_a:string|Column1:string|Column2:long\n1|{\"b\":1}|xy|3",
    );
    check(
        r#"datatable(d:dynamic)[dynamic({"k":"v"})] | summarize count() by tostring(d.k)"#,
        "d_k:string|count_:long\nv|1",
    );
    check(
        r#"datatable(d:dynamic, x:long)[dynamic({"k":"v"}), 5] | summarize sum(x), dcount(tostring(d["k"]))"#,
        "sum_x:long|dcount_d_k:long\n5|1",
    );
}

// ------------------------------------------------------------ take_any, pack_array, …

#[test]
fn take_any_of_several_columns_takes_one_record() {
    // docs: take-any-aggregation-function — "returns the value of one or more expressions
    // over each such record"; columns keep their names.
    check(
        "datatable(g:string, a:long, b:string)['x',1,'p','x',1,'p'] | summarize take_any(a, b) by g",
        "g:string|a:long|b:string\nx|1|p",
    );
    check(
        "datatable(g:string, a:long, b:string)['x',1,'p'] | summarize take_any(*) by g",
        "g:string|a:long|b:string\nx|1|p",
    );
    // docs: take-anyif-aggregation-function.
    check(
        "datatable(a:long, p:bool)[1,false,2,true] | summarize take_anyif(a, p)",
        "a:long\n2",
    );
}

#[test]
fn pack_array_takes_many_values_and_hex_literals_read() {
    let many: Vec<String> = (1..=70).map(|i| i.to_string()).collect();
    check(
        &format!("print n = array_length(pack_array({}))", many.join(", ")),
        "n:long\n70",
    );
    // docs: binary-all-and — 0xFFFFFFFF etc. are long literals.
    check("print x = 0x1F, y = 0xff", "x:long|y:long\n31|255");
}

// ------------------------------------------------------------ strictness

#[test]
fn prefix_not_is_rejected() {
    // Kql.g4 has no `not` operator; `not` is the function `not(x)`.
    fails("print not true");
    fails("datatable(b:bool)[true] | where not b");
    check(
        "print a = not(true), b = not (false)",
        "a:bool|b:bool\nfalse|true",
    );
}

#[test]
fn nested_dynamic_and_search_over_views() {
    // docs: dynamic-to-json-function — `dynamic({'Y10':dynamic({}), 'X8': dynamic({…})})`:
    // a nested dynamic(…) is its content; the docs print the keys sorted.
    check(
        "print r = dynamic_to_json(dynamic({'Y10':dynamic({}), 'X8': dynamic({'c3':1, 'a4':6}), 'A14':[15, 13]}))",
        "r:string\n{\"A14\":[15,13],\"X8\":{\"a4\":6,\"c3\":1},\"Y10\":{}}",
    );
    // docs: let-statement — views are searched: `search MyColumn == 5` over two views
    // gives ($table, MyColumn) = (Range10, 5), (Range20, 5).
    check(
        "let Range10 = view () { range MyColumn from 1 to 10 step 1 };
         let Range20 = view () { range MyColumn from 1 to 20 step 1 };
         search MyColumn == 5",
        "$table:string|MyColumn:long\nRange10|5\nRange20|5",
    );
}

#[test]
fn in_over_a_table_with_a_computed_left_side() {
    // docs: in-operator — the left side is any scalar expression; the list's table gives
    // the values of its first column.
    check(
        r#"let bad = datatable(h:string)["ABC", "XYZ"];
        datatable(s:string)["abc", "def", "xyz"] | where toupper(s) in (bad)"#,
        "s:string\nabc\nxyz",
    );
}
