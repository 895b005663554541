//! The members index against serde_json's reading: on the tricky texts of the scan's
//! tests (whitespace, escapes, `\u`, repeated keys, nesting, malformed text), every key
//! read through [`member_column`] (several keys over one array, so later ones come from
//! the memo) is what parsing each row gives; and the memo never answers for an array it
//! was not built from.

use super::*;
use crate::kernels::json_scan::tests::all_cases;

/// `d.key` as hunt read it before: the row parsed, the member written back.
fn parsed_member(text: Option<&str>, key: &str) -> Option<String> {
    match serde_json::from_str::<Value>(text?) {
        Ok(Value::Object(m)) => m.get(key).filter(|v| !v.is_null()).map(Value::to_string),
        _ => None,
    }
}

fn column(texts: &[Option<String>]) -> ArrayRef {
    Arc::new(StringArray::from_iter(texts.iter().map(|t| t.as_deref())))
}

fn values(a: &ArrayRef) -> Vec<Option<String>> {
    let s = a
        .as_any()
        .downcast_ref::<StringArray>()
        .expect("a string column");
    s.iter().map(|v| v.map(str::to_string)).collect()
}

const KEYS: &[&str] = &[
    "a",
    "b",
    "x",
    "Count",
    "SensitiveInfoTypeId",
    "Confidence",
    "RuleName",
    "",
    "z",
    "a\"",
];

#[test]
fn member_column_agrees_with_parsing() {
    let mut texts: Vec<Option<String>> = all_cases().into_iter().map(Some).collect();
    texts.push(None);
    texts.push(Some("{\"a\":1,\"b\":2,\"a\":{\"c\":[1, 2]}}".into()));
    texts.push(Some("{ \"a\" : \"\\u0041\" , \"b\":\"\\n\" }".into()));
    let arr = column(&texts);
    // Twice over: the second round reads the memo.
    for _ in 0..2 {
        for key in KEYS {
            let got = values(&member_column(&arr, key).expect("a string column"));
            let want: Vec<Option<String>> = texts
                .iter()
                .map(|t| parsed_member(t.as_deref(), key))
                .collect();
            for (i, (g, w)) in got.iter().zip(&want).enumerate() {
                assert_eq!(g, w, "{:?} . {key}", texts[i]);
            }
        }
    }
}

#[test]
fn members_find_the_last_of_a_repeated_key() {
    let (mut ms, mut s) = (Vec::new(), Scratch::default());
    let t = r#"{"a":1,"b":[2],"a":"three"}"#;
    assert_eq!(members(t, &mut ms, &mut s), Some(true));
    assert_eq!(ms.len(), 3);
    let found = find(t, &ms, "a").map(|(r, _)| &t[r]);
    assert_eq!(found, Some("\"three\""));
    assert_eq!(find(t, &ms, "c"), None);
    // The scan's member is the same definition.
    assert_eq!(json_scan::member(t, "a", &mut s), Some(find(t, &ms, "a")));
}

/// An array dropped and another made (quite possibly at the same address) gets its own
/// answers, never the memo's for the old one; and one array's index serves every key.
#[test]
fn the_memo_answers_only_for_its_own_array() {
    for n in 0..200 {
        let texts = vec![Some(format!("{{\"k\":{n},\"j\":\"{n}\"}}")), None];
        let arr = column(&texts);
        let k = values(&member_column(&arr, "k").expect("a string column"));
        assert_eq!(k, vec![Some(n.to_string()), None]);
        let j = values(&member_column(&arr, "j").expect("a string column"));
        assert_eq!(j, vec![Some(format!("\"{n}\"")), None]);
        drop(arr);
    }
    let arr = column(&[Some("{\"a\":1}".into())]);
    let first = index_of(&arr, arr.as_any().downcast_ref().expect("strings"));
    let again = index_of(&arr, arr.as_any().downcast_ref().expect("strings"));
    assert!(
        Rc::ptr_eq(&first, &again),
        "the second read uses the first index"
    );
    // A slice is another array, with its own rows.
    let sliced = arr.slice(0, 0);
    let other = index_of(&sliced, sliced.as_any().downcast_ref().expect("strings"));
    assert!(!Rc::ptr_eq(&first, &other));
}
