//! Property tests for the parser and the canonical printer.
//!
//! (a) Queries generated from a small KQL grammar parse, and printing is a
//!     fixed point: `parse(print(parse(q)))` equals `parse(q)` (ignoring
//!     spans) and prints the same text.
//! (b) Arbitrary text never panics the parser; errors carry spans inside the
//!     text on char boundaries; whatever parses round-trips as in (a).

#![allow(clippy::unwrap_used)]

use hunt_syntax::parse;
use proptest::prelude::*;

/// The `Debug` form of a value with every span number blanked, so ASTs parsed
/// from different texts can be compared.
fn without_spans(debug: &str) -> String {
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug;
    while let Some(n) = rest.find("Span { start: ") {
        out.push_str(&rest[..n]);
        out.push_str("Span");
        let after = &rest[n..];
        rest = after.find('}').map_or("", |e| &after[e + 1..]);
    }
    out.push_str(rest);
    out
}

/// Checks the round-trip invariant for text that parsed; returns a message on failure.
fn check_round_trip(src: &str) -> Result<(), String> {
    let Ok(q) = parse(src) else { return Ok(()) };
    let printed = q.to_string();
    let q2 = parse(&printed)
        .map_err(|e| format!("print does not re-parse: {e:?}\nsrc: {src:?}\nprint: {printed}"))?;
    if q2.to_string() != printed {
        return Err(format!(
            "print not stable for {src:?}:\n{printed}\n---\n{q2}"
        ));
    }
    let (a, b) = (
        without_number_member_parens(&without_spans(&format!("{q:?}"))),
        without_number_member_parens(&without_spans(&format!("{q2:?}"))),
    );
    if a != b {
        return Err(format!(
            "AST changed through print for {src:?}:\n{printed}\n{a}\n---\n{b}"
        ));
    }
    Ok(())
}

/// The printer parenthesizes a number before a member access (`0.on` prints `(0).['on']`,
/// because `0.` would read back as a real): those parentheses change no meaning, so the
/// syntax trees are compared without them.
fn without_number_member_parens(s: &str) -> String {
    const OPEN: &str = "Member { expr: Expr { kind: Paren(Expr { kind: Literal(";
    const CLOSE: &str = "), span: Span }), span: Span }";
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find(OPEN) {
        out.push_str(&rest[..i]);
        out.push_str("Member { expr: Expr { kind: Literal(");
        rest = &rest[i + OPEN.len()..];
        if let Some(j) = rest.find(CLOSE) {
            out.push_str(&rest[..j]);
            out.push_str("), span: Span }");
            rest = &rest[j + CLOSE.len()..];
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn a_number_before_a_member_access_round_trips() {
    // A proptest find: `0.A100` prints as `(0).A100`.
    assert_eq!(check_round_trip("print f(Timestamp = 0.A100)"), Ok(()));
    assert_eq!(check_round_trip("print 1.5.x, 0.on"), Ok(()));
}

/// Checks that an error span is inside `src` and on char boundaries.
fn check_error_span(src: &str) -> Result<(), String> {
    if let Err(e) = parse(src) {
        let (s, t) = (e.span.start as usize, e.span.end as usize);
        if s > t || t > src.len() || !src.is_char_boundary(s) || !src.is_char_boundary(t) {
            return Err(format!(
                "bad span {:?} for {src:?} ({} bytes)",
                e.span,
                src.len()
            ));
        }
        if e.message.is_empty() {
            return Err(format!("empty message for {src:?}"));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// A small grammar of valid queries, as strings.
// ---------------------------------------------------------------------------

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "A",
            "B",
            "Timestamp",
            "AlertId",
            "Title",
            "count_",
            "x1",
            "_y",
            "Severity",
            "has",
            "inner",
            "count",
            "Type",
            "kind",
            "order",
            "hasx",
            "ands",
        ])
        .prop_map(String::from),
        "[a-zA-Z ]{1,6}".prop_map(|s| format!("['{s}']")),
    ]
}

fn table() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "AlertInfo",
        "AlertEvidence",
        "DataSecurityEvents",
        "T",
        "['My Table']",
    ])
    .prop_map(String::from)
}

/// A string literal in one of KQL's quoting styles, from arbitrary content.
fn string_lit() -> impl Strategy<Value = String> {
    ("[ -~éü😀\t]{0,8}", 0..5u8).prop_map(|(s, style)| match style {
        0 => {
            let esc = s
                .replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('\t', "\\t");
            format!("\"{esc}\"")
        }
        1 => {
            let esc = s
                .replace('\\', "\\\\")
                .replace('\'', "\\'")
                .replace('\t', "\\t");
            format!("'{esc}'")
        }
        2 => format!("@\"{}\"", s.replace('"', "\"\"")),
        3 => format!("h'{}'", s.replace('\\', "\\\\").replace('\'', "\\'")),
        _ => format!("```{}```", s.replace('`', "")),
    })
}

fn literal() -> impl Strategy<Value = String> {
    prop_oneof![
        (0..1_000_000i64).prop_map(|n| n.to_string()),
        (0..1000u32, 0..1000u32).prop_map(|(a, b)| format!("{a}.{b}")),
        (1..9u32, -20..20i32).prop_map(|(a, e)| format!("{a}e{e}")),
        (0..100u32).prop_map(|n| format!("0x{n:X}")),
        (
            1..100u32,
            prop::sample::select(vec![
                "d", "h", "m", "min", "s", "ms", "tick", "hours", "seconds"
            ])
        )
            .prop_map(|(n, u)| format!("{n}{u}")),
        prop::sample::select(vec![
            "true",
            "False",
            "datetime(2025-06-01)",
            "datetime(2025-06-01 10:00:00.1234567)",
            "dynamic({\"a\": [1, 2], \"b\": \")\"})",
            "dynamic([])",
            "long(null)",
            "timespan(1.02:03:04)",
            "guid(00000000-0000-0000-0000-000000000001)",
        ])
        .prop_map(String::from),
        string_lit(),
        (string_lit(), string_lit()).prop_map(|(a, b)| format!("{a} {b}")),
    ]
}

const BIN_OPS: [&str; 37] = [
    "like",
    "notlike",
    "likecs",
    "notlikecs",
    "or",
    "and",
    "==",
    "!=",
    "<>",
    "<",
    "<=",
    ">",
    ">=",
    "=~",
    "!~",
    "+",
    "-",
    "*",
    "/",
    "%",
    "has",
    "!has",
    "has_cs",
    "hasprefix",
    "!hassuffix_cs",
    "contains",
    "!contains",
    "contains_cs",
    "startswith",
    "!startswith_cs",
    "endswith",
    "!endswith",
    "matches regex",
    "hassuffix",
    "!hasprefix",
    "startswith_cs",
    "endswith_cs",
];

fn expr() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![literal(), name(), name().prop_map(|n| format!("$left.{n}"))];
    leaf.prop_recursive(5, 48, 4, |inner| {
        prop_oneof![
            (
                inner.clone(),
                prop::sample::select(BIN_OPS.to_vec()),
                inner.clone()
            )
                .prop_map(|(a, op, b)| format!("{a} {op} {b}")),
            inner.clone().prop_map(|a| format!("({a})")),
            inner.clone().prop_map(|a| format!("-{a}")),
            (
                prop::sample::select(vec!["f", "strcat", "iff", "count", "not", "bin"]),
                prop::collection::vec(inner.clone(), 0..3)
            )
                .prop_map(|(f, args)| format!("{f}({})", args.join(", "))),
            (inner.clone(), name()).prop_map(|(a, n)| format!("({a}).{n}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a})[{b}]")),
            (
                inner.clone(),
                prop::sample::select(vec!["in", "!in", "in~", "!in~", "has_any", "has_all"]),
                prop::collection::vec(inner.clone(), 1..3)
            )
                .prop_map(|(a, op, l)| format!("({a} {op} ({}))", l.join(", "))),
            (inner.clone(), any::<bool>(), inner.clone(), inner.clone()).prop_map(
                |(a, n, lo, hi)| {
                    format!("({a} {}between ({lo} .. {hi}))", if n { "!" } else { "" })
                }
            ),
            inner.clone().prop_map(|a| format!("arg_max({a}, *)")),
            (
                inner.clone(),
                name(),
                prop::collection::vec(inner.clone(), 0..3)
            )
                .prop_map(|(a, m, args)| format!("({a}).{m}({})", args.join(", "))),
            (name(), inner.clone()).prop_map(|(n, a)| format!("f({n} = {a})")),
            prop::sample::select(vec!["x1", "Title", "true", "\"s\""])
                .prop_map(|n| format!("not {n}")),
            (table(), inner.clone()).prop_map(|(t, a)| format!("toscalar({t} | where {a})")),
            (inner.clone(), table()).prop_map(|(a, t)| format!("({a} in ({t} | take 1))")),
            Just("typeof(*, x:long)".to_string()),
        ]
    })
}

fn named_expr() -> impl Strategy<Value = String> {
    prop_oneof![
        expr(),
        (name(), expr()).prop_map(|(n, e)| format!("{n} = {e}")),
        (name(), name(), expr()).prop_map(|(a, b, e)| format!("({a}, {b}) = {e}")),
    ]
}

fn list<S: Strategy<Value = String>>(s: S, max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(s, 1..max).prop_map(|v| v.join(", "))
}

fn sort_keys() -> impl Strategy<Value = String> {
    list(
        (
            expr(),
            prop::sample::select(vec!["", " asc", " desc"]),
            prop::sample::select(vec!["", " nulls first", " nulls last"]),
        )
            .prop_map(|(e, o, n)| format!("{e}{o}{n}")),
        3,
    )
}

fn operand() -> impl Strategy<Value = String> {
    prop_oneof![
        table(),
        (table(), expr()).prop_map(|(t, e)| format!("({t} | where {e})"))
    ]
}

fn operator() -> impl Strategy<Value = String> {
    prop_oneof![
        expr().prop_map(|e| format!("where {e}")),
        expr().prop_map(|e| format!("filter {e}")),
        list(named_expr(), 3).prop_map(|l| format!("project {l}")),
        list(named_expr(), 3).prop_map(|l| format!("extend {l}")),
        list(
            prop::sample::select(vec!["A", "B*", "*Id", "['x y']", "*"]).prop_map(String::from),
            3
        )
        .prop_map(|l| format!("project-away {l}")),
        list(
            prop::sample::select(vec!["A", "B*"]).prop_map(String::from),
            3
        )
        .prop_map(|l| format!("project-keep {l}")),
        list((name(), name()).prop_map(|(a, b)| format!("{a} = {b}")), 3)
            .prop_map(|l| format!("project-rename {l}")),
        (
            prop::option::of(list(named_expr(), 3)),
            prop::option::of(list(named_expr(), 3))
        )
            .prop_map(|(a, b)| {
                match (a, b) {
                    (None, None) => "summarize count()".to_string(),
                    (Some(a), None) => format!("summarize {a}"),
                    (None, Some(b)) => format!("summarize by {b}"),
                    (Some(a), Some(b)) => format!("summarize {a} by {b}"),
                }
            }),
        (prop::sample::select(vec!["take", "limit"]), 0..100u32)
            .prop_map(|(k, n)| format!("{k} {n}")),
        (prop::sample::select(vec!["sort", "order"]), sort_keys())
            .prop_map(|(k, s)| format!("{k} by {s}")),
        (1..50u32, sort_keys()).prop_map(|(n, s)| format!("top {n} by {s}")),
        Just("count".to_string()),
        Just("getschema".to_string()),
        Just("distinct *".to_string()),
        list(expr(), 3).prop_map(|l| format!("distinct {l}")),
        (
            prop::sample::select(vec!["join", "lookup"]),
            prop::sample::select(vec![
                "",
                "kind=inner ",
                "kind = leftouter hint.strategy=shuffle "
            ]),
            operand(),
            list(
                prop_oneof![
                    name(),
                    (name(), name()).prop_map(|(a, b)| format!("$left.{a} == $right.{b}"))
                ],
                3
            )
        )
            .prop_map(|(k, p, r, on)| format!("{k} {p}{r} on {on}")),
        (
            prop::sample::select(vec!["", "kind=outer ", "withsource=Src isfuzzy=true "]),
            list(operand(), 3)
        )
            .prop_map(|(p, t)| format!("union {p}{t}")),
        (
            prop::sample::select(vec!["mv-expand", "mvexpand"]),
            prop::sample::select(vec!["", "bagexpansion=array ", "with_itemindex=Idx "]),
            list(
                (
                    named_expr(),
                    prop::sample::select(vec!["", " to typeof(string)", " to typeof(long)"])
                )
                    .prop_map(|(e, t)| format!("{e}{t}")),
                3
            ),
            prop::option::of(1..100u32)
        )
            .prop_map(|(k, p, items, lim)| match lim {
                Some(n) => format!("{k} {p}{items} limit {n}"),
                None => format!("{k} {p}{items}"),
            }),
        prop::sample::select(vec![
            "render timechart",
            "render piechart with (title=\"a | b\", legend=visible)"
        ])
        .prop_map(String::from),
        name().prop_map(|n| format!("as {n}")),
        Just("serialize".to_string()),
        list(named_expr(), 2).prop_map(|l| format!("serialize {l}")),
        extended_operator(),
    ]
}

/// A few operators, for the bodies of subqueries (not recursive, so the
/// strategy stays finite).
fn simple_operator() -> impl Strategy<Value = String> {
    prop_oneof![
        expr().prop_map(|e| format!("where {e}")),
        (1..10u32).prop_map(|n| format!("take {n}")),
        list(named_expr(), 2).prop_map(|l| format!("project {l}")),
        Just("summarize count() by A".to_string()),
    ]
}

/// Operators hunt parses but does not plan yet.
fn extended_operator() -> impl Strategy<Value = String> {
    prop_oneof![
        (expr(), string_lit(), name())
            .prop_map(|(e, s, n)| format!("parse {e} with * {s} {n}:long *")),
        (name(), string_lit()).prop_map(|(n, s)| format!("parse-where kind=regex {n} with {s} X")),
        name().prop_map(|n| format!("parse-kv {n} as (A:string, B) with (pair_delimiter=\",\")")),
        list(expr(), 3).prop_map(|l| format!("evaluate bag_unpack({l}) : (*, x:long)")),
        (named_expr(), expr()).prop_map(|(a, d)| format!(
            "make-series {a} default = {d} on Timestamp from ago(1d) to now() step 1h by A"
        )),
        (named_expr(), simple_operator())
            .prop_map(|(i, o)| format!("mv-apply {i} to typeof(long) on ({o})")),
        (name(), expr()).prop_map(|(n, e)| format!(
            "top-nested 3 of {n} with others = 0 by {e} desc, top-nested of B by count()"
        )),
        (1..100u32).prop_map(|n| format!("sample {n}")),
        name().prop_map(|n| format!("sample-distinct 5 of {n}")),
        simple_operator().prop_map(|o| format!("facet by A, B with ({o})")),
        expr().prop_map(|e| format!("search in (T, U*) {e}")),
        list(expr(), 3).prop_map(|l| format!("invoke f({l})")),
        (expr(), expr()).prop_map(|(p, e)| format!(
            "scan declare (s:long = 0) with (step a: {p} => s = {e}; step b output=none: true;)"
        )),
        name().prop_map(|n| format!("reduce by {n} with threshold=0.5")),
        simple_operator().prop_map(|o| format!("partition hint.strategy=native by A ({o})")),
        (simple_operator(), simple_operator()).prop_map(|(a, b)| format!("fork ({a}) X = ({b})")),
        Just("project-reorder A asc, B* granny-desc, C".to_string()),
        Just("consume".to_string()),
    ]
}

fn source() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => table(),
        1 => list(named_expr(), 3).prop_map(|l| format!("print {l}")),
        1 => (expr(), expr(), expr()).prop_map(|(a, b, c)| format!("range x from {a} to {b} step {c}")),
        1 => prop::collection::vec(literal(), 0..4).prop_map(|v| format!("datatable(a:string, ['b c']:long) [{}]", v.join(", "))),
        1 => list(operand(), 3).prop_map(|l| format!("union {l}")),
        1 => (table(), operator()).prop_map(|(t, o)| format!("({t} | {o})")),
        1 => list(expr(), 2).prop_map(|l| format!("f({l})")),
        1 => table().prop_map(|t| format!("cluster(\"c\").database(\"d\").{t}")),
        1 => expr().prop_map(|e| format!("search kind=case_sensitive {e}")),
        1 => Just("externaldata(a:string) [\"https://x\"] with (format=\"csv\")".to_string()),
        1 => Just("evaluate sql_request(\"c\", \"select 1\")".to_string()),
    ]
}

/// Separators between operators: spaces, newlines and comments.
fn pipe() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![" | ", "\n| ", "|", " // comment\n| ", "\n\t|\n  "])
}

fn query() -> impl Strategy<Value = String> {
    let pipeline =
        (source(), prop::collection::vec((pipe(), operator()), 0..5)).prop_map(|(s, ops)| {
            let mut q = s;
            for (p, o) in ops {
                q.push_str(p);
                q.push_str(&o);
            }
            q
        });
    let lets = prop::collection::vec(
        (
            name(),
            prop_oneof![
                expr(),
                (table(), operator()).prop_map(|(t, o)| format!("{t} | {o}")),
                (expr(), table(), operator()).prop_map(|(e, t, o)| format!(
                    "(a:long, T:(*), b:string = {e}) {{ let y = a; {t} | {o} }}"
                )),
            ],
        )
            .prop_map(|(n, v)| format!("let {n} = {v};\n")),
        0..3,
    );
    let set = prop::option::of(prop::sample::select(vec![
        "set notruncation;\n",
        "set query_take_max_records = 10;\n",
        "declare query_parameters(a:long = 1);\n",
    ]));
    (set, lets, pipeline, any::<bool>()).prop_map(|(st, l, p, semi)| {
        format!(
            "{}{}{p}{}",
            st.unwrap_or(""),
            l.concat(),
            if semi { ";" } else { "" }
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    #[test]
    fn generated_queries_parse_and_round_trip(src in query()) {
        if let Err(e) = parse(&src) {
            prop_assert!(false, "generated query does not parse: {e:?}\n{src}");
        }
        prop_assert_eq!(check_round_trip(&src), Ok(()));
    }

    #[test]
    fn arbitrary_text_never_panics(src in ".{0,64}") {
        prop_assert_eq!(check_error_span(&src), Ok(()));
        prop_assert_eq!(check_round_trip(&src), Ok(()));
    }

    #[test]
    fn kql_like_text_never_panics(
        src in "([a-z]{1,6}|[ \\n|;,.()\\[\\]=!<>~+*/%-]|\"[a-z\\\\\"]{0,3}\"?|'|@|\\$left|[0-9]{1,3}|h|//|\\.\\.|```|é){0,40}"
    ) {
        prop_assert_eq!(check_error_span(&src), Ok(()));
        prop_assert_eq!(check_round_trip(&src), Ok(()));
    }

    #[test]
    fn mutated_queries_never_panic(src in query(), pos in any::<prop::sample::Index>(), ins in "[ -~]?|é", del in 0..3usize) {
        // Delete a few chars at a random char boundary and insert another.
        let chars: Vec<char> = src.chars().collect();
        let at = pos.index(chars.len() + 1);
        let end = (at + del).min(chars.len());
        let mutated: String = chars[..at].iter().chain(ins.chars().collect::<Vec<_>>().iter()).chain(chars[end..].iter()).collect();
        prop_assert_eq!(check_error_span(&mutated), Ok(()));
        prop_assert_eq!(check_round_trip(&mutated), Ok(()));
    }
}

#[test]
fn without_spans_blanks_every_span() {
    assert_eq!(
        without_spans("A { span: Span { start: 1, end: 2 }, x: 3 }"),
        "A { span: Span, x: 3 }"
    );
}
