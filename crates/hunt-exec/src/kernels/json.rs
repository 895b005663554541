//! Dynamic values (hunt stores them as compact JSON text): parsing as `parse_json` does,
//! Kusto's equality and ordering of elements, JSONPath lookups, and the bags built by
//! `parse_url` / `parse_path`.

use serde_json::{Map, Value};
use std::cmp::Ordering;

/// `parse_json(text)`: the parsed value; the empty string is null; text that is not JSON
/// stays a string value (Kusto: "a dynamic value that holds the original string").
///
/// ```
/// use hunt_exec::kernels::json::parse_text;
/// assert_eq!(parse_text("[1,2]"), serde_json::json!([1, 2]));
/// assert_eq!(parse_text("not json"), serde_json::json!("not json"));
/// assert_eq!(parse_text(""), serde_json::Value::Null);
/// ```
pub fn parse_text(text: &str) -> Value {
    if text.trim().is_empty() {
        return Value::Null;
    }
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_string()))
}

/// A real as a dynamic value: NaN and infinities, which JSON cannot hold, as the strings
/// Kusto prints for them.
pub fn real(v: f64) -> Value {
    match serde_json::Number::from_f64(v) {
        Some(n) => Value::Number(n),
        None if v.is_nan() => Value::String("NaN".into()),
        None if v > 0.0 => Value::String("Infinity".into()),
        None => Value::String("-Infinity".into()),
    }
}

/// Kusto's equality of dynamic elements: numbers compare by value (`2 == 2.0`), other
/// values structurally, strings case-sensitively.
pub fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x == y,
            _ => x.as_f64() == y.as_f64(),
        },
        _ => a == b,
    }
}

/// A hash key agreeing with [`equal`] (numbers by value).
pub fn key(v: &Value) -> String {
    match v {
        Value::Number(n) => match n.as_i64() {
            Some(i) => format!("n{i}"),
            None => {
                let f = n.as_f64().unwrap_or(f64::NAN);
                if f.fract() == 0.0 && f.abs() < 9.0e15 {
                    format!("n{}", f as i64)
                } else {
                    format!("n{f:e}")
                }
            }
        },
        other => other.to_string(),
    }
}

fn rank(v: &Value) -> u8 {
    match v {
        Value::Bool(_) => 0,
        Value::Number(_) => 1,
        Value::String(_) => 2,
        Value::Array(_) => 3,
        Value::Object(_) => 4,
        Value::Null => 5,
    }
}

/// The order `array_sort_asc` puts non-null elements in: numbers by value, strings
/// ordinally (ISO datetimes therefore chronologically); elements of different kinds by
/// kind (hunt's choice: Kusto documents no order for mixed arrays).
pub fn compare(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x.cmp(&y),
            _ => x
                .as_f64()
                .partial_cmp(&y.as_f64())
                .unwrap_or(Ordering::Equal),
        },
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        _ => rank(a)
            .cmp(&rank(b))
            .then_with(|| a.to_string().cmp(&b.to_string())),
    }
}

/// `tostring()` of an element: a string's contents, otherwise compact JSON; null is "".
pub fn text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The Kusto runtime type name of a dynamic value (`gettype`): integers are `long` and
/// other numbers `double`, as the oracle shows (`gettype(parse_json("1.5"))` is `double`).
pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "double",
        Value::Number(_) => "long",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "dictionary",
    }
}

/// A copy with every bag's keys sorted (`dynamic_to_json`).
pub fn sorted(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let mut out = Map::new();
            for k in keys {
                out.insert(k.clone(), sorted(&m[k]));
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

/// One step of a JSONPath.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// `.name` or `['name']`
    Key(String),
    /// `[3]`
    Index(i64),
}

/// Parses the JSONPath subset Kusto documents for `extract_json` / `bag_has_key`:
/// `$`, `.name`, `['name']`, `["name"]`, `[index]`. Wildcards and filters are refused.
pub fn parse_path(path: &str) -> Result<Vec<Step>, String> {
    let bad = || format!("unsupported JSONPath `{path}`");
    let rest = path.trim().strip_prefix('$').ok_or_else(bad)?;
    let chars: Vec<char> = rest.chars().collect();
    let mut steps = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '.' => {
                let start = i + 1;
                let mut j = start;
                while j < chars.len() && chars[j] != '.' && chars[j] != '[' {
                    j += 1;
                }
                let name: String = chars[start..j].iter().collect();
                if name.is_empty() || name == "*" {
                    return Err(bad());
                }
                steps.push(Step::Key(name));
                i = j;
            }
            '[' => {
                let close = chars[i..].iter().position(|c| *c == ']').ok_or_else(bad)? + i;
                let inner: String = chars[i + 1..close].iter().collect();
                let inner = inner.trim();
                let quoted = (inner.starts_with('\'') && inner.ends_with('\''))
                    || (inner.starts_with('"') && inner.ends_with('"'));
                if quoted && inner.len() >= 2 {
                    steps.push(Step::Key(inner[1..inner.len() - 1].to_string()));
                } else {
                    steps.push(Step::Index(inner.parse().map_err(|_| bad())?));
                }
                i = close + 1;
            }
            _ => return Err(bad()),
        }
    }
    Ok(steps)
}

/// Follows `steps` into `v`; a negative index counts from the end.
pub fn lookup<'a>(v: &'a Value, steps: &[Step]) -> Option<&'a Value> {
    let mut cur = v;
    for s in steps {
        cur = match (s, cur) {
            (Step::Key(k), Value::Object(m)) => m.get(k)?,
            (Step::Index(i), Value::Array(a)) => {
                let at = if *i < 0 { a.len() as i64 + i } else { *i };
                a.get(usize::try_from(at).ok()?)?
            }
            _ => return None,
        };
    }
    Some(cur)
}

/// Removes the value at `steps` from `v` (for `bag_remove_keys` with a JSONPath key).
pub fn remove(v: &mut Value, steps: &[Step]) {
    let Some((last, init)) = steps.split_last() else {
        return;
    };
    let mut cur = v;
    for s in init {
        cur = match (s, cur) {
            (Step::Key(k), Value::Object(m)) => match m.get_mut(k) {
                Some(x) => x,
                None => return,
            },
            (Step::Index(i), Value::Array(a)) => {
                match usize::try_from(*i).ok().and_then(|i| a.get_mut(i)) {
                    Some(x) => x,
                    None => return,
                }
            }
            _ => return,
        };
    }
    if let (Step::Key(k), Value::Object(m)) = (last, cur) {
        m.shift_remove(k);
    }
}

/// `parse_path(path)`: the parts of a file path, as in the Kusto docs' example.
pub fn path_parts(p: &str) -> Value {
    let (scheme, rest) = match p.find("://") {
        Some(i) if p[..i].chars().all(|c| c.is_ascii_alphabetic()) && i > 1 => {
            (&p[..i], &p[i + 3..])
        }
        _ => ("", p),
    };
    let sep = |c: char| c == '/' || c == '\\';
    let (dir, file) = match rest.rfind(sep) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => ("", rest),
    };
    // `file.txt:stream` names an alternate data stream.
    let (file, stream) = match file.find(':') {
        Some(i) => (&file[..i], &file[i + 1..]),
        None => (file, ""),
    };
    let root = match dir.find(':') {
        Some(1) if dir.as_bytes()[0].is_ascii_alphabetic() => &dir[..2],
        _ => "",
    };
    let dir_name = dir.rsplit(sep).next().unwrap_or("");
    let ext = match file.rfind('.') {
        Some(i) => &file[i + 1..],
        None => "",
    };
    let mut m = Map::new();
    for (k, v) in [
        ("Scheme", scheme),
        ("RootPath", root),
        ("DirectoryPath", dir),
        ("DirectoryName", dir_name),
        ("Filename", file),
        ("Extension", ext),
        ("AlternateDataStreamName", stream),
    ] {
        m.insert(k.to_string(), Value::String(v.to_string()));
    }
    Value::Object(m)
}

/// `parse_url(url)`: scheme, host, port, path, user info, query parameters and fragment,
/// following the outputs Kusto gives (microsoft/Kusto-Query-Language issue #112): the
/// path keeps its leading `/`; user info is recognized only as `user:password@`; the port
/// is what follows the last `:` of the authority; query parameters without `=` are
/// dropped and the rest are listed by key. Text without `scheme://` gives every part empty.
pub fn url_parts(u: &str) -> Value {
    let mut parts = ["", "", "", "", "", "", ""];
    let mut params = Map::new();
    if let Some(i) = u.find("://") {
        let scheme = &u[..i];
        let rest = &u[i + 3..];
        let (rest, fragment) = rest.split_once('#').unwrap_or((rest, ""));
        let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
        let (authority, path) = match rest.find('/') {
            Some(j) => (&rest[..j], &rest[j..]),
            None => (rest, ""),
        };
        let (user, password, hostport) = match authority.rfind('@') {
            Some(j) if authority[..j].contains(':') => {
                let (u, p) = authority[..j]
                    .split_once(':')
                    .unwrap_or((&authority[..j], ""));
                (u, p, &authority[j + 1..])
            }
            _ => ("", "", authority),
        };
        let (host, port) = hostport.rsplit_once(':').unwrap_or((hostport, ""));
        parts = [scheme, host, port, path, user, password, fragment];
        let mut pairs: Vec<(&str, &str)> =
            query.split('&').filter_map(|p| p.split_once('=')).collect();
        pairs.sort_by(|a, b| a.0.cmp(b.0));
        for (k, v) in pairs {
            params.insert(k.to_string(), Value::String(v.to_string()));
        }
    }
    let [scheme, host, port, path, user, password, fragment] = parts;
    let mut m = Map::new();
    let s = |x: &str| Value::String(x.to_string());
    m.insert("Scheme".into(), s(scheme));
    m.insert("Host".into(), s(host));
    m.insert("Port".into(), s(port));
    m.insert("Path".into(), s(path));
    m.insert("Username".into(), s(user));
    m.insert("Password".into(), s(password));
    m.insert("Query Parameters".into(), Value::Object(params));
    m.insert("Fragment".into(), s(fragment));
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_follow_the_docs() {
        // parse-path-function-00 (Kusto docs)
        assert_eq!(
            path_parts(r"C:\temp\file.txt"),
            json!({"Scheme":"","RootPath":"C:","DirectoryPath":"C:\\temp","DirectoryName":"temp",
                   "Filename":"file.txt","Extension":"txt","AlternateDataStreamName":""})
        );
        assert_eq!(
            path_parts("file://C:/temp/file.txt:some.exe"),
            json!({"Scheme":"file","RootPath":"C:","DirectoryPath":"C:/temp","DirectoryName":"temp",
                   "Filename":"file.txt","Extension":"txt","AlternateDataStreamName":"some.exe"})
        );
        assert_eq!(
            path_parts(r"\\shared\users\temp\file.txt.gz")["DirectoryPath"],
            json!(r"\\shared\users\temp")
        );
    }

    #[test]
    fn urls_as_kusto_parses_them() {
        // microsoft/Kusto-Query-Language issue #112 (actual Kusto output)
        assert_eq!(
            url_parts(
                "https://john.doe@www.example.com:123/forum/questions/?tag=networking&order=newest#top"
            ),
            json!({"Scheme":"https","Host":"john.doe@www.example.com","Port":"123","Path":"/forum/questions/",
                   "Username":"","Password":"","Query Parameters":{"order":"newest","tag":"networking"},"Fragment":"top"})
        );
        assert_eq!(
            url_parts("ldap://[2001:db8::7]/c=GB?objectClass?one"),
            json!({"Scheme":"ldap","Host":"[2001:db8:","Port":"7]","Path":"/c=GB","Username":"","Password":"",
                   "Query Parameters":{},"Fragment":""})
        );
    }

    #[test]
    fn json_paths() {
        let v = json!({"a": {"b": [1, 2, {"c": 3}]}});
        let p = parse_path("$.a.b[2]['c']").expect("valid path");
        assert_eq!(lookup(&v, &p), Some(&json!(3)));
        assert!(parse_path("$..a").is_err());
    }
}
