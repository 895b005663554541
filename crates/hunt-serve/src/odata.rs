//! The OData query options Graph list endpoints take: `$filter` (`eq`, `ne`, `gt`, `ge`, `lt`,
//! `le`, `in (…)`, `and`, `or`, `not`, parentheses; string, datetime, number, boolean and
//! `null` literals), `$orderby` (`field [asc|desc], …`), `$top` and `$skip`.
//!
//! Filters and orderings apply to the JSON resources the endpoint returns, over the fields the
//! endpoint allows; any other field or construct is refused by name (400), never ignored.

use std::cmp::Ordering;

use serde_json::Value;

use crate::error::ApiError;
use crate::kusto_request::parse_datetime;

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `eq`
    Eq,
    /// `ne`
    Ne,
    /// `gt`
    Gt,
    /// `ge`
    Ge,
    /// `lt`
    Lt,
    /// `le`
    Le,
}

/// A parsed `$filter`.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// `a and b`
    And(Box<Filter>, Box<Filter>),
    /// `a or b`
    Or(Box<Filter>, Box<Filter>),
    /// `not a`
    Not(Box<Filter>),
    /// `field op literal`
    Cmp(String, Op, Value),
    /// `field in (l1, l2, …)`
    In(String, Vec<Value>),
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Str(String),
    Open,
    Close,
    Comma,
}

fn tokenize(text: &str) -> Result<Vec<Tok>, ApiError> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' => {
                chars.next();
                out.push(Tok::Open);
            }
            ')' => {
                chars.next();
                out.push(Tok::Close);
            }
            ',' => {
                chars.next();
                out.push(Tok::Comma);
            }
            '\'' => {
                chars.next();
                let mut s = String::new();
                loop {
                    match chars.next() {
                        Some('\'') if chars.peek() == Some(&'\'') => {
                            chars.next();
                            s.push('\'');
                        }
                        Some('\'') => break,
                        Some(ch) => s.push(ch),
                        None => {
                            return Err(ApiError::bad_request(
                                "$filter: a string literal is not closed with '",
                            ));
                        }
                    }
                }
                out.push(Tok::Str(s));
            }
            _ => {
                let mut w = String::new();
                while let Some(&ch) = chars.peek() {
                    if ch.is_whitespace() || matches!(ch, '(' | ')' | ',' | '\'') {
                        break;
                    }
                    w.push(ch);
                    chars.next();
                }
                out.push(Tok::Word(w));
            }
        }
    }
    Ok(out)
}

struct Parser<'a> {
    toks: Vec<Tok>,
    pos: usize,
    fields: &'a [&'a str],
}

fn bad(msg: impl Into<String>) -> ApiError {
    ApiError::bad_request(format!("$filter: {}", msg.into()))
}

impl Parser<'_> {
    fn peek_word(&self) -> Option<String> {
        match self.toks.get(self.pos) {
            Some(Tok::Word(w)) => Some(w.to_ascii_lowercase()),
            _ => None,
        }
    }

    fn or(&mut self) -> Result<Filter, ApiError> {
        let mut left = self.and()?;
        while self.peek_word().as_deref() == Some("or") {
            self.pos += 1;
            left = Filter::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Filter, ApiError> {
        let mut left = self.unary()?;
        while self.peek_word().as_deref() == Some("and") {
            self.pos += 1;
            left = Filter::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Filter, ApiError> {
        if self.peek_word().as_deref() == Some("not") {
            self.pos += 1;
            return Ok(Filter::Not(Box::new(self.unary()?)));
        }
        if self.toks.get(self.pos) == Some(&Tok::Open) {
            self.pos += 1;
            let inner = self.or()?;
            if self.toks.get(self.pos) != Some(&Tok::Close) {
                return Err(bad("a parenthesis is not closed"));
            }
            self.pos += 1;
            return Ok(inner);
        }
        self.comparison()
    }

    fn literal(&mut self) -> Result<Value, ApiError> {
        let tok = self.toks.get(self.pos).cloned();
        self.pos += 1;
        match tok {
            Some(Tok::Str(s)) => Ok(Value::String(s)),
            Some(Tok::Word(w)) => Ok(match w.as_str() {
                "null" => Value::Null,
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => match w.parse::<f64>() {
                    Ok(n) => serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number),
                    Err(_) if parse_datetime(&w).is_some() => Value::String(w),
                    Err(_) => return Err(bad(format!("`{w}` is not a literal"))),
                },
            }),
            _ => Err(bad("a value is missing after an operator")),
        }
    }

    fn comparison(&mut self) -> Result<Filter, ApiError> {
        let field = match self.toks.get(self.pos) {
            Some(Tok::Word(w)) => w.clone(),
            _ => return Err(bad("expected a field name")),
        };
        let Some(field) = self.fields.iter().find(|f| f.eq_ignore_ascii_case(&field)) else {
            return Err(bad(format!(
                "filtering on `{field}` is not supported; the fields are: {}",
                self.fields.join(", ")
            )));
        };
        self.pos += 1;
        let op = self
            .peek_word()
            .ok_or_else(|| bad(format!("expected an operator after `{field}`")))?;
        self.pos += 1;
        let op = match op.as_str() {
            "eq" => Op::Eq,
            "ne" => Op::Ne,
            "gt" => Op::Gt,
            "ge" => Op::Ge,
            "lt" => Op::Lt,
            "le" => Op::Le,
            "in" => {
                if self.toks.get(self.pos) != Some(&Tok::Open) {
                    return Err(bad("expected ( after in"));
                }
                self.pos += 1;
                let mut values = vec![self.literal()?];
                while self.toks.get(self.pos) == Some(&Tok::Comma) {
                    self.pos += 1;
                    values.push(self.literal()?);
                }
                if self.toks.get(self.pos) != Some(&Tok::Close) {
                    return Err(bad("expected ) to close the in list"));
                }
                self.pos += 1;
                return Ok(Filter::In((*field).to_owned(), values));
            }
            other => return Err(bad(format!("operator `{other}` is not supported"))),
        };
        Ok(Filter::Cmp((*field).to_owned(), op, self.literal()?))
    }
}

/// Parses a `$filter` over the given fields.
pub fn parse_filter(text: &str, fields: &[&str]) -> Result<Filter, ApiError> {
    let mut p = Parser {
        toks: tokenize(text)?,
        pos: 0,
        fields,
    };
    let f = p.or()?;
    if p.pos != p.toks.len() {
        return Err(bad("unexpected text after the end of the filter"));
    }
    Ok(f)
}

/// Orders two JSON values of one field: datetimes by instant, enums by Graph's order for
/// `severity`/`status`, strings case-insensitively, numbers numerically, null first.
pub fn compare(field: &str, a: &Value, b: &Value) -> Ordering {
    let rank = |v: &Value| -> Option<usize> {
        let s = v.as_str()?;
        let order: &[&str] = match field {
            "severity" => &["unknown", "informational", "low", "medium", "high"],
            "status" => &[
                "unknown",
                "new",
                "active",
                "inProgress",
                "redirected",
                "resolved",
            ],
            _ => return None,
        };
        order.iter().position(|o| o.eq_ignore_ascii_case(s))
    };
    match (a, b) {
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Null, _) => Ordering::Less,
        (_, Value::Null) => Ordering::Greater,
        (Value::Number(x), Value::Number(y)) => x
            .as_f64()
            .partial_cmp(&y.as_f64())
            .unwrap_or(Ordering::Equal),
        (Value::String(x), Value::String(y)) => {
            if let (Some(rx), Some(ry)) = (rank(a), rank(b)) {
                return rx.cmp(&ry);
            }
            if field.ends_with("DateTime") {
                if let (Some(dx), Some(dy)) = (parse_datetime(x), parse_datetime(y)) {
                    return dx.cmp(&dy);
                }
            }
            x.to_ascii_lowercase().cmp(&y.to_ascii_lowercase())
        }
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        _ => a.to_string().cmp(&b.to_string()),
    }
}

impl Filter {
    /// True if `resource` (a JSON object) passes.
    pub fn matches(&self, resource: &Value) -> bool {
        match self {
            Filter::And(a, b) => a.matches(resource) && b.matches(resource),
            Filter::Or(a, b) => a.matches(resource) || b.matches(resource),
            Filter::Not(a) => !a.matches(resource),
            Filter::In(field, values) => {
                let v = &resource[field.as_str()];
                values
                    .iter()
                    .any(|l| compare(field, v, l) == Ordering::Equal)
            }
            Filter::Cmp(field, op, lit) => {
                let v = &resource[field.as_str()];
                let ord = compare(field, v, lit);
                match op {
                    Op::Eq => ord == Ordering::Equal,
                    Op::Ne => ord != Ordering::Equal,
                    // Ranges never match a missing value.
                    _ if v.is_null() => false,
                    Op::Gt => ord == Ordering::Greater,
                    Op::Ge => ord != Ordering::Less,
                    Op::Lt => ord == Ordering::Less,
                    Op::Le => ord != Ordering::Greater,
                }
            }
        }
    }
}

/// A parsed `$orderby`: fields with `true` for descending.
pub fn parse_orderby(text: &str, fields: &[&str]) -> Result<Vec<(String, bool)>, ApiError> {
    let mut out = Vec::new();
    for part in text.split(',') {
        let words: Vec<&str> = part.split_whitespace().collect();
        let (name, desc) = match words.as_slice() {
            [f] => (*f, false),
            [f, d] if d.eq_ignore_ascii_case("asc") => (*f, false),
            [f, d] if d.eq_ignore_ascii_case("desc") => (*f, true),
            _ => {
                return Err(ApiError::bad_request(format!(
                    "$orderby: `{}` is not `field [asc|desc]`",
                    part.trim()
                )));
            }
        };
        let Some(field) = fields.iter().find(|f| f.eq_ignore_ascii_case(name)) else {
            return Err(ApiError::bad_request(format!(
                "$orderby: ordering by `{name}` is not supported; the fields are: {}",
                fields.join(", ")
            )));
        };
        out.push(((*field).to_owned(), desc));
    }
    Ok(out)
}

/// Sorts resources by an `$orderby` (stable: ties keep their order).
pub fn sort(resources: &mut [Value], order: &[(String, bool)]) {
    resources.sort_by(|a, b| {
        for (field, desc) in order {
            let o = compare(field, &a[field.as_str()], &b[field.as_str()]);
            let o = if *desc { o.reverse() } else { o };
            if o != Ordering::Equal {
                return o;
            }
        }
        Ordering::Equal
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const F: [&str; 3] = ["serviceSource", "status", "createdDateTime"];

    #[test]
    fn filters_parse_and_match() {
        let a = json!({"serviceSource": "microsoftInsiderRiskManagement", "status": "new",
                       "createdDateTime": "2025-06-01T10:00:00.0000000Z"});
        let yes = [
            "serviceSource eq 'microsoftInsiderRiskManagement'",
            "servicesource eq 'MICROSOFTINSIDERRISKMANAGEMENT'",
            "status eq 'new' and createdDateTime ge 2025-06-01T00:00:00Z",
            "createdDateTime lt 2025-06-01T10:00:01Z and createdDateTime gt 2025-06-01T09:59:59Z",
            "status eq 'resolved' or (status in ('new', 'inProgress'))",
            "not status eq 'resolved'",
            "status ne 'it''s'",
        ];
        for f in yes {
            assert!(parse_filter(f, &F).unwrap().matches(&a), "{f}");
        }
        let no = [
            "status eq 'resolved'",
            "createdDateTime ge 2025-06-02T00:00:00Z",
            "createdDateTime eq 2025-06-01T10:00:00.0000001Z",
        ];
        for f in no {
            assert!(!parse_filter(f, &F).unwrap().matches(&a), "{f}");
        }
        for bad in [
            "title eq 'x'",
            "status eq",
            "status like 'x'",
            "(status eq 'new'",
            "status eq 'new' extra",
            "status eq 'open",
            "status eq banana",
        ] {
            assert_eq!(
                parse_filter(bad, &F).unwrap_err().status.as_u16(),
                400,
                "{bad}"
            );
        }
    }

    #[test]
    fn orderby_sorts_enums_and_times() {
        let mut v = vec![
            json!({"status": "resolved", "createdDateTime": "2025-06-01T00:00:00Z"}),
            json!({"status": "new", "createdDateTime": "2025-06-03T00:00:00Z"}),
            json!({"status": "inProgress", "createdDateTime": "2025-06-02T00:00:00Z"}),
        ];
        sort(&mut v, &parse_orderby("status", &F).unwrap());
        assert_eq!(v[0]["status"], "new");
        assert_eq!(v[2]["status"], "resolved");
        sort(&mut v, &parse_orderby("createdDateTime desc", &F).unwrap());
        assert_eq!(v[0]["status"], "new");
        assert!(parse_orderby("title", &F).is_err());
        assert!(parse_orderby("status sideways", &F).is_err());
    }
}
