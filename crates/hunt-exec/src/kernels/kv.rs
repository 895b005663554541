//! `parse-kv … with (pair_delimiter=…, kv_delimiter=…, greedy=true)` (docs: parse-kv
//! operator, "Extraction in greedy mode"): "scan until the next key appearance (or end of
//! string) when looking for the value ending". The text splits at the pair delimiter; a
//! piece holding the key-value delimiter starts a pair (its key before the first
//! delimiter), any other piece continues the value before it (with the delimiter between
//! them). Keys and values are trimmed and the first occurrence of a key wins, as in the
//! other modes. Whether a key the operator does not list is a "key appearance" the page
//! does not say; where that decides a listed key's value (an unlisted key after a listed
//! one), the text is refused.

use crate::error::{ExecError, Result};

/// The greedy value of `key` in `text`; `listed` are the operator's keys.
pub fn greedy_value(
    text: &str,
    key: &str,
    pair: &str,
    kv: &str,
    listed: &[String],
) -> Result<String> {
    if pair.is_empty() || kv.is_empty() {
        return Err(ExecError::Internal(
            "greedy parse-kv without delimiters".into(),
        ));
    }
    let is_listed = |k: &str| listed.iter().any(|l| l == k);
    let mut pairs: Vec<(&str, String)> = Vec::new();
    let mut after_listed = false;
    for piece in text.split(pair) {
        match piece.split_once(kv) {
            Some((k, v)) => {
                let k = k.trim();
                if is_listed(k) {
                    after_listed = true;
                } else if after_listed {
                    return Err(ExecError::Unsupported(format!(
                        "parse-kv `greedy=true` over a text where the unlisted key `{k}` follows a listed one (whether it ends that value is not documented)"
                    )));
                }
                pairs.push((k, v.to_string()));
            }
            None => {
                if let Some((_, v)) = pairs.last_mut() {
                    v.push_str(pair);
                    v.push_str(piece);
                }
            }
        }
    }
    Ok(pairs
        .into_iter()
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::greedy_value;

    fn keys(k: &[&str]) -> Vec<String> {
        k.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn values_run_to_the_next_key() {
        // The parse-kv page's greedy example.
        let text = "name=John Doe phone=555 5555 city=New York";
        let listed = keys(&["name", "phone", "city"]);
        let v = |k| greedy_value(text, k, " ", "=", &listed).ok();
        assert_eq!(v("name").as_deref(), Some("John Doe"));
        assert_eq!(v("phone").as_deref(), Some("555 5555"));
        assert_eq!(v("city").as_deref(), Some("New York"));
        // The first occurrence wins; a missing key is empty.
        let t = "a=1 2 a=3 b=x";
        let l = keys(&["a", "b", "c"]);
        assert_eq!(
            greedy_value(t, "a", " ", "=", &l).ok().as_deref(),
            Some("1 2")
        );
        assert_eq!(greedy_value(t, "c", " ", "=", &l).ok().as_deref(), Some(""));
        // An unlisted key before any listed one changes nothing; after one it is refused.
        let l = keys(&["b"]);
        assert_eq!(
            greedy_value(t, "b", " ", "=", &l).ok().as_deref(),
            Some("x")
        );
        assert!(greedy_value("b=x y a=1", "b", " ", "=", &l).is_err());
    }
}
