//! Kernel tests: doc and oracle examples, and properties against plain arithmetic.

use super::*;
use proptest::prelude::*;
use serde_json::json;

fn arr(v: Value) -> Vec<Value> {
    match v {
        Value::Array(xs) => xs,
        _ => Vec::new(),
    }
}

#[test]
fn doc_examples() {
    // Values from the series_* doc pages.
    let s1 = arr(json!([1, 2, 4]));
    let s2 = arr(json!([4, 2, 1]));
    assert_eq!(binary(Binary::Add, &s1, &s2), arr(json!([5, 4, 5])));
    assert_eq!(binary(Binary::Subtract, &s1, &s2), arr(json!([-3, 0, 3])));
    assert_eq!(binary(Binary::Multiply, &s1, &s2), arr(json!([4, 4, 4])));
    assert_eq!(
        binary(Binary::Divide, &s1, &s2),
        arr(json!([0.25, 1.0, 4.0]))
    );
    assert_eq!(
        binary(Binary::GreaterEquals, &s1, &s2),
        arr(json!([false, true, true]))
    );
    assert_eq!(
        binary(
            Binary::Pow,
            &arr(json!([1, 2, 3, 4])),
            &arr(json!([1, 2, 3, 0.5]))
        ),
        arr(json!([1.0, 4.0, 27.0, 2.0]))
    );
    assert_eq!(
        unary(Unary::Ceiling, &arr(json!([-1.5, 1, 2.5]))),
        arr(json!([-1.0, 1.0, 3.0]))
    );
    assert_eq!(
        unary(Unary::Sign, &arr(json!([-6, 0, 8]))),
        arr(json!([-1, 0, 1]))
    );
    assert_eq!(
        fill_backward(&arr(json!([
            111, null, 36, 41, null, null, 16, 61, 33, null, null
        ]))),
        arr(json!([111, 36, 36, 41, 16, 16, 16, 61, 33, null, null]))
    );
    let ints = arr(json!([
        null, 111, null, 36, 41, null, null, 16, 61, 33, null, null
    ]));
    assert_eq!(
        fill_linear(&ints, false, Some(Num::Real(0.0))),
        Ok(arr(json!([
            null, 111, 73, 36, 41, 32, 24, 16, 61, 33, null, null
        ])))
    );
    assert_eq!(magnitude(&arr(json!([1, 2, 3, 4]))), Ok(5.477225575051661));
    assert_eq!(product(&arr(json!([1, 2, 3, 4]))), Ok(24.0));
    let fit = fit_line(&arr(json!([2, 5, 6, 8, 11, 15, 17, 18, 25, 26, 30, 30])));
    let fit = fit.unwrap_or_default();
    let get = |k: &str| fit.get(k).and_then(Value::as_f64).unwrap_or(f64::NAN);
    // The doc prints the values cut to three decimals.
    for (k, want) in [
        ("rsquare", 0.982),
        ("slope", 2.730),
        ("variance", 98.628),
        ("rvariance", 1.686),
        ("interception", -1.666),
    ] {
        assert!((get(k) - want).abs() < 1e-3, "{k}: {}", get(k));
    }
    let x = arr(json!([
        23, 46, 23, 87, 4, 8, 3, 75, 2, 56, 13, 75, 32, 16, 29
    ]));
    let st = stats(&x, false).unwrap_or_default();
    // docs: series-stats-dynamic-function, its 17-digit text kept as written
    #[allow(clippy::excessive_precision)]
    let (var, sd) = (812.45714285714291, 28.503633853548269);
    assert_eq!(st.get("variance"), Some(&json!(var)));
    assert_eq!(st.get("stdev"), Some(&json!(sd)));
}

#[test]
fn oracle_cases() {
    // agent-window-series-scan-0020 and -0043.
    let s = arr(json!([5, 15, 10, 20]));
    assert_eq!(
        fir(&s, &arr(json!([1, -1])), Some(false), false),
        Ok(Some(arr(json!([5, 10, -5, 10]))))
    );
    let s = arr(json!([0, 0, 5]));
    assert_eq!(pearson(&s, &s), Some(1.0000000000000002));
}

#[test]
fn iir_cumulative_sum() {
    // The series_iir doc: numerators [1], denominators [1,-1] sum the series.
    let x = arr(json!([1.0, 2.0, 3.0, 4.0]));
    assert_eq!(
        iir(&x, &arr(json!([1])), &arr(json!([1, -1]))),
        Ok(arr(json!([1.0, 3.0, 6.0, 10.0])))
    );
}

proptest! {
    /// Element-wise arithmetic agrees with scalar arithmetic, element for element,
    /// and pads the shorter side with nulls.
    #[test]
    fn binary_matches_scalar(a in prop::collection::vec(-1000i64..1000, 0..8),
                             b in prop::collection::vec(-1000.0f64..1000.0, 0..8)) {
        let xa: Vec<Value> = a.iter().map(|v| json!(v)).collect();
        let xb: Vec<Value> = b.iter().map(|v| json!(v)).collect();
        let out = binary(Binary::Subtract, &xa, &xb);
        prop_assert_eq!(out.len(), a.len().max(b.len()));
        for (i, o) in out.iter().enumerate() {
            match (a.get(i), b.get(i)) {
                (Some(p), Some(q)) => prop_assert_eq!(o.as_f64(), Some(*p as f64 - q)),
                _ => prop_assert!(o.is_null()),
            }
        }
        let longs = binary(Binary::Add, &xa, &xa);
        for (o, p) in longs.iter().zip(&a) {
            prop_assert_eq!(o.as_i64(), Some(p + p));
        }
    }

    /// fill_forward then leaves nulls only before the first value.
    #[test]
    fn fill_forward_leaves_only_leading_nulls(v in prop::collection::vec(prop::option::of(-5i64..5), 0..10)) {
        let xs: Vec<Value> = v.iter().map(|x| json!(x)).collect();
        let out = fill_forward(&xs);
        let first = v.iter().position(Option::is_some).unwrap_or(v.len());
        for (i, o) in out.iter().enumerate() {
            prop_assert_eq!(o.is_null(), i < first);
        }
    }

    /// series_sum and series_product agree with folding the reals.
    #[test]
    fn reductions_match_fold(v in prop::collection::vec(-100.0f64..100.0, 0..10)) {
        let xs: Vec<Value> = v.iter().map(|x| json!(x)).collect();
        prop_assert_eq!(sum(&xs), Ok(v.iter().sum::<f64>()));
        prop_assert_eq!(product(&xs), Ok(v.iter().product::<f64>()));
    }
}
