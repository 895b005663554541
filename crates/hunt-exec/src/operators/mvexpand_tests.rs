//! `mv-expand` of JSON text without parsing against the parsing it replaced: on tricky
//! values (escapes, unicode, nested arrays, nulls, empty arrays, bags, values that are not
//! arrays, whitespace, `1.0` against `1`, big integers, malformed text) the expansion,
//! alone and in lockstep with a second item, gives the rows the parse of every value gives.

use super::*;
use hunt_plan::types::Field;
use hunt_syntax::Span;

/// Values to expand, null among them.
const VALUES: &[Option<&str>] = &[
    Some("[1,2,3]"),
    None,
    Some("[]"),
    Some("[ ]"),
    Some("{}"),
    Some("[null]"),
    Some("[null,\"a\",null]"),
    Some(" [ 1 , 1.0 , 2.50 , -0 ] "),
    Some("[1e3,7]"),
    Some("[9223372036854775807,9223372036854775808,123456789012345678901234567890]"),
    Some("[\"a\\\"b\",\"\\u00e9\",\"é\",\"\\/\",\"tab\\t\"]"),
    Some("[\"{\\\"SensitiveInfoTypeId\\\":\\\"x\\\",\\\"Count\\\":3}\"]"),
    Some("[[1,[2]],[],{\"a\":{\"b\":[]}}]"),
    Some("[{\"b\":1,\"a\":2},{\"a\":1,\"a\":2}]"),
    Some("{\"k\":1,\"j\":[2]}"),
    Some("\"just a string\""),
    Some("42"),
    Some("true"),
    Some("null"),
    Some("not json"),
    Some("[1,"),
    Some("[1,]"),
    Some("[1] x"),
    Some("[\"\\ud800\"]"),
    Some("[1e400]"),
    Some("[\"tab\\t\",\"q\\\"\",\"\",1,{\"s\":\"x\"},[\"y\"],\"\\/\"]"),
];

/// The expansion as hunt computed it before: every value parsed (`elements`), every
/// element made a scalar and the scalars a column.
fn reference(vals: &[&StringArray], tys: &[KqlType], bag: bool) -> (Vec<u32>, Vec<ArrayRef>) {
    let mut rows = Vec::new();
    let mut cells: Vec<Vec<Scalar>> = vec![Vec::new(); vals.len()];
    for r in 0..vals[0].len() {
        let els: Vec<Vec<Value>> = vals
            .iter()
            .map(|s| elements((!s.is_null(r)).then(|| s.value(r)), bag))
            .collect();
        let n = els.iter().map(Vec::len).max().unwrap_or(0);
        for k in 0..n {
            rows.push(r as u32);
            for (j, e) in els.iter().enumerate() {
                cells[j].push(
                    e.get(k)
                        .map_or(Scalar::Null(tys[j]), |v| element_scalar(v, tys[j])),
                );
            }
        }
    }
    let cols = cells
        .iter()
        .zip(tys)
        .map(|(c, ty)| array_from_scalars(c.iter(), *ty).expect("a column of the scalars"))
        .collect();
    (rows, cols)
}

fn expand(vals: Vec<StringArray>, tys: &[KqlType], bag: bool) {
    let names: Vec<String> = (0..vals.len()).map(|j| format!("d{j}")).collect();
    let input = Schema::new(
        names
            .iter()
            .map(|n| Field::new(n.clone(), KqlType::Dynamic))
            .collect(),
    );
    let items: Vec<MvExpandItem> = names
        .iter()
        .zip(tys)
        .map(|(n, ty)| MvExpandItem {
            name: n.clone(),
            expr: Expr::column(n.clone(), KqlType::Dynamic, Span::default()),
            ty: *ty,
        })
        .collect();
    let output = Schema::new(
        names
            .iter()
            .zip(tys)
            .map(|(n, ty)| Field::new(n.clone(), *ty))
            .collect(),
    );
    let ex = Expander::try_new(&input, &items, None, bag, None, output).expect("an expander");
    let cols: Vec<ArrayRef> = vals
        .iter()
        .map(|v| Arc::new(v.clone()) as ArrayRef)
        .collect();
    let batch = RecordBatch::try_new(input.to_arrow(), cols).expect("a batch");
    let (out, rows) = ex.expand_rows(&batch).expect("the expansion");
    let refs: Vec<&StringArray> = vals.iter().collect();
    let (want_rows, want) = reference(&refs, tys, bag);
    assert_eq!(rows, want_rows, "{tys:?}");
    for (j, w) in want.iter().enumerate() {
        assert_eq!(
            out.column(j).as_ref(),
            w.as_ref(),
            "item {j} of {tys:?}, bag {bag}"
        );
    }
}

use hunt_plan::expr::Expr;

#[test]
fn expansion_without_parsing_is_the_parsed_expansion() {
    let one = StringArray::from(VALUES.to_vec());
    for bag in [false, true] {
        expand(vec![one.clone()], &[KqlType::Dynamic], bag);
        expand(vec![one.clone()], &[KqlType::Long], bag);
        expand(vec![one.clone()], &[KqlType::String], bag);
    }
    // In lockstep with a shorter or longer value of the next row, parsed or scanned.
    let mut shifted: Vec<Option<&str>> = VALUES[1..].to_vec();
    shifted.push(Some("[\"last\"]"));
    let other = StringArray::from(shifted);
    expand(
        vec![one.clone(), other.clone()],
        &[KqlType::Dynamic, KqlType::Dynamic],
        false,
    );
    expand(vec![one, other], &[KqlType::Dynamic, KqlType::Real], false);
}

/// `mv-expand x = parse_json(tostring(d))` gives the rows of expanding the value the two
/// calls give when parsed as before (`tostring` of the parsed value, that text parsed),
/// though rows whose text starts with `[` are expanded from their own text.
#[test]
fn expansion_of_parse_json_of_tostring_is_that_of_the_parsed_value() {
    use crate::kernels::{json, text::dynamic_to_string_parsed};
    use hunt_plan::expr::Func;
    use hunt_plan::library::LibFunc;
    let mut vals: Vec<Option<&str>> = VALUES.to_vec();
    vals.extend([
        Some("\"[1, 2]\""),
        Some("\"[\\\"a\\\",{\\\"b\\\":1}]\""),
        Some("\"not json\""),
        Some(" [1]"),
        Some("\"\""),
    ]);
    let d = StringArray::from(vals.clone());
    let converted: StringArray = vals
        .iter()
        .map(|v| {
            let p = json::parse_text(&v.map(dynamic_to_string_parsed).unwrap_or_default());
            (!p.is_null()).then(|| p.to_string())
        })
        .collect();
    let input = Schema::new(vec![Field::new("d", KqlType::Dynamic)]);
    let sp = Span::default();
    let col = Expr::column("d", KqlType::Dynamic, sp);
    let tostring = Expr::call(Func::ToString, vec![col], KqlType::String, sp);
    let expr = Expr::call(
        Func::Lib(LibFunc::ParseJson),
        vec![tostring],
        KqlType::Dynamic,
        sp,
    );
    for ty in [KqlType::Dynamic, KqlType::String, KqlType::Long] {
        for bag in [false, true] {
            let items = [MvExpandItem {
                name: "x".into(),
                expr: expr.clone(),
                ty,
            }];
            let output = Schema::new(vec![Field::new("x", ty)]);
            let ex =
                Expander::try_new(&input, &items, None, bag, None, output).expect("an expander");
            let batch =
                RecordBatch::try_new(input.to_arrow(), vec![Arc::new(d.clone())]).expect("a batch");
            let (out, rows) = ex.expand_rows(&batch).expect("the expansion");
            let (want_rows, want) = reference(&[&converted], &[ty], bag);
            assert_eq!(rows, want_rows, "{ty:?}, bag {bag}");
            assert_eq!(
                out.column(0).as_ref(),
                want[0].as_ref(),
                "{ty:?}, bag {bag}"
            );
        }
    }
}
