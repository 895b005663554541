//! Rule files as detection teams keep them: a `.kql` query, a Microsoft Sentinel analytic rule
//! (YAML, as in the Azure-Sentinel repository), or a Defender XDR custom detection as a Microsoft
//! Graph `detectionRule` (JSON). Each becomes a [`Rule`]: its query, its settings, and a map from
//! each byte of the query back to its line and column in the file, so an error in the query can
//! be shown on the rule file's own line.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::duration::{defender_lookback, parse_duration};
use crate::error::RulesError;

/// Which format the rule file has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleKind {
    /// A bare KQL query.
    Kql,
    /// A Sentinel scheduled analytic rule (YAML).
    Sentinel,
    /// A Defender XDR custom detection (Graph `detectionRule` JSON).
    DetectionRule,
}

/// When a scheduled rule raises an alert: `result rows <op> threshold`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Trigger {
    /// The comparison.
    pub op: TriggerOp,
    /// The number of rows compared against.
    pub threshold: i64,
}

/// Sentinel's `triggerOperator`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TriggerOp {
    /// `gt` / `GreaterThan`.
    Gt,
    /// `lt` / `LessThan`.
    Lt,
    /// `eq` / `Equal`.
    Eq,
    /// `ne` / `NotEqual`.
    Ne,
}

impl Trigger {
    /// Whether `rows` result rows raise an alert.
    pub fn fires(&self, rows: usize) -> bool {
        let rows = i64::try_from(rows).unwrap_or(i64::MAX);
        match self.op {
            TriggerOp::Gt => rows > self.threshold,
            TriggerOp::Lt => rows < self.threshold,
            TriggerOp::Eq => rows == self.threshold,
            TriggerOp::Ne => rows != self.threshold,
        }
    }
}

/// A loaded rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// The rule file.
    pub path: PathBuf,
    /// Its format.
    pub kind: RuleKind,
    /// Its display name (the file name for a `.kql`).
    pub name: String,
    /// The KQL text.
    pub query: String,
    /// How far back each run reads (Sentinel `queryPeriod`; a detection rule's lookback).
    pub query_period_ns: Option<i64>,
    /// When a run alerts (a `.kql` and a detection rule alert on any row).
    pub trigger: Trigger,
    /// Result columns the rule maps to entities (Sentinel `entityMappings[].fieldMappings[].columnName`).
    pub entity_columns: Vec<String>,
    /// `(line, column)`, both 1-based, of each byte of `query` in the file (one more entry for
    /// the end).
    positions: Vec<(usize, usize)>,
}

impl Rule {
    /// Loads a rule file; the format follows the extension (`.kql`/`.txt`, `.yaml`/`.yml`, `.json`).
    pub fn load(path: &Path) -> Result<Rule, RulesError> {
        let text = std::fs::read_to_string(path).map_err(RulesError::io(path))?;
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        match ext.as_str() {
            "yaml" | "yml" => sentinel(path, &text),
            "json" => detection_rule(path, &text),
            _ => Ok(Rule {
                path: path.to_owned(),
                kind: RuleKind::Kql,
                name: path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                positions: positions_of(&text, 1, 1),
                query: text,
                query_period_ns: None,
                trigger: any_row(),
                entity_columns: Vec::new(),
            }),
        }
    }

    /// The 1-based `(line, column)` in the rule file of byte `offset` of the query.
    pub fn location(&self, offset: usize) -> (usize, usize) {
        let i = offset.min(self.positions.len().saturating_sub(1));
        self.positions.get(i).copied().unwrap_or((1, 1))
    }
}

fn any_row() -> Trigger {
    Trigger {
        op: TriggerOp::Gt,
        threshold: 0,
    }
}

/// Line and column of each byte of `text` when it starts at `(line, col)`; columns count
/// characters.
fn positions_of(text: &str, line: usize, col: usize) -> Vec<(usize, usize)> {
    let (mut line, mut col) = (line, col);
    let mut out = Vec::with_capacity(text.len() + 1);
    for c in text.chars() {
        out.extend(std::iter::repeat_n((line, col), c.len_utf8()));
        if c == '\n' {
            line += 1;
            col = 1;
        } else {
            col += 1;
        }
    }
    out.push((line, col));
    out
}

/// The fields of a Sentinel analytic rule that `hunt test` uses.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SentinelRule {
    name: Option<String>,
    query: String,
    query_period: Option<String>,
    trigger_operator: Option<String>,
    trigger_threshold: Option<i64>,
    #[serde(default)]
    entity_mappings: Vec<EntityMapping>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct EntityMapping {
    #[serde(default)]
    field_mappings: Vec<FieldMapping>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct FieldMapping {
    column_name: String,
}

fn sentinel(path: &Path, text: &str) -> Result<Rule, RulesError> {
    let rule: SentinelRule =
        serde_yaml_ng::from_str(text).map_err(|e| RulesError::yaml(path, &e))?;
    let query_period_ns = match &rule.query_period {
        Some(p) => Some(parse_duration(p).ok_or_else(|| {
            RulesError::invalid(path, format!("queryPeriod `{p}` is not a duration"))
        })?),
        None => None,
    };
    let op = match rule
        .trigger_operator
        .as_deref()
        .map(str::to_ascii_lowercase)
    {
        None => TriggerOp::Gt,
        Some(op) => match op.as_str() {
            "gt" | "greaterthan" => TriggerOp::Gt,
            "lt" | "lessthan" => TriggerOp::Lt,
            "eq" | "equal" => TriggerOp::Eq,
            "ne" | "notequal" => TriggerOp::Ne,
            _ => {
                return Err(RulesError::invalid(
                    path,
                    format!("triggerOperator `{op}` is not gt, lt, eq or ne"),
                ));
            }
        },
    };
    let positions = yaml_block_positions(text, "query", &rule.query)
        .unwrap_or_else(|| vec![key_position(text, "query:"); rule.query.len() + 1]);
    Ok(Rule {
        path: path.to_owned(),
        kind: RuleKind::Sentinel,
        name: rule.name.unwrap_or_default(),
        query: rule.query,
        query_period_ns,
        trigger: Trigger {
            op,
            threshold: rule.trigger_threshold.unwrap_or(0),
        },
        entity_columns: rule
            .entity_mappings
            .into_iter()
            .flat_map(|m| m.field_mappings)
            .map(|f| f.column_name)
            .collect(),
        positions,
    })
}

/// Where the lines of a top-level block scalar (`key: |`) sit in the file. `None` when the
/// value is not a literal block whose lines rebuild `value` exactly.
fn yaml_block_positions(text: &str, key: &str, value: &str) -> Option<Vec<(usize, usize)>> {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.iter().position(|l| {
        l.strip_prefix(key)
            .and_then(|r| r.strip_prefix(':'))
            .is_some_and(|r| r.trim_start().starts_with('|'))
    })?;
    let body = &lines[start + 1..];
    let indent = body
        .iter()
        .find(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())?;
    if indent == 0 {
        return None;
    }
    let mut positions = Vec::with_capacity(value.len() + 1);
    let mut rebuilt = String::new();
    for (i, line) in body.iter().enumerate() {
        let blank = line.trim().is_empty();
        if !blank && line.len() - line.trim_start().len() < indent {
            break;
        }
        let content = if blank { "" } else { &line[indent..] };
        let file_line = start + 2 + i;
        let mut col = indent + 1;
        for c in content.chars() {
            positions.extend(std::iter::repeat_n((file_line, col), c.len_utf8()));
            col += 1;
        }
        positions.push((file_line, col));
        rebuilt.push_str(content);
        rebuilt.push('\n');
        if rebuilt.len() >= value.len() && rebuilt.starts_with(value) {
            break;
        }
    }
    if !rebuilt.starts_with(value) {
        return None;
    }
    positions.truncate(value.len() + 1);
    Some(positions)
}

/// `(line, column)` of the first line starting with `key` (the value is there or below).
fn key_position(text: &str, key: &str) -> (usize, usize) {
    text.lines()
        .position(|l| l.trim_start().starts_with(key))
        .map(|i| (i + 1, 1))
        .unwrap_or((1, 1))
}

/// The fields of a Graph `detectionRule` that `hunt test` uses.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DetectionRule {
    display_name: Option<String>,
    query_condition: QueryCondition,
    schedule: Option<Schedule>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct QueryCondition {
    query_text: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Schedule {
    period: Option<String>,
    frequency: Option<String>,
    lookback: Option<String>,
}

fn detection_rule(path: &Path, text: &str) -> Result<Rule, RulesError> {
    let rule: DetectionRule = serde_json::from_str(text).map_err(|e| RulesError::Invalid {
        path: path.to_owned(),
        line: Some(e.line()),
        message: e.to_string(),
    })?;
    let duration = |what: &str, p: &str| {
        parse_duration(p).ok_or_else(|| {
            RulesError::invalid(path, format!("schedule.{what} `{p}` is not a duration"))
        })
    };
    let mut query_period_ns = None;
    if let Some(s) = &rule.schedule {
        if let Some(l) = &s.lookback {
            query_period_ns = Some(duration("lookback", l)?);
        } else if let Some(p) = s.frequency.as_ref().or(s.period.as_ref()) {
            query_period_ns = defender_lookback(duration("period", p)?);
        }
    }
    let query = rule.query_condition.query_text;
    let positions = json_string_positions(text, "\"queryText\"", &query)
        .unwrap_or_else(|| vec![key_position(text, "\"queryText\""); query.len() + 1]);
    Ok(Rule {
        path: path.to_owned(),
        kind: RuleKind::DetectionRule,
        name: rule.display_name.unwrap_or_default(),
        query,
        query_period_ns,
        trigger: any_row(),
        entity_columns: Vec::new(),
        positions,
    })
}

/// Where each character of the JSON string value of `key` sits in the file, escapes
/// included (`\n` in the file is one newline of the query). `None` when the decoded text is
/// not `value`.
fn json_string_positions(text: &str, key: &str, value: &str) -> Option<Vec<(usize, usize)>> {
    let at = text.find(key)? + key.len();
    let rest = &text[at..];
    let colon = rest.find(':')?;
    let quote = colon + rest[colon..].find('"')?;
    let start = at + quote + 1;
    let before = positions_of(&text[..start], 1, 1);
    // A JSON string stays on one line (`\n` is an escape there), so only the column moves.
    let (line, mut col) = before.last().copied()?;
    let mut positions = Vec::new();
    let mut decoded = String::new();
    let mut chars = text[start..].chars();
    let push = |c: char, at: (usize, usize), decoded: &mut String, p: &mut Vec<_>| {
        decoded.push(c);
        p.extend(std::iter::repeat_n(at, c.len_utf8()));
    };
    while let Some(c) = chars.next() {
        let here = (line, col);
        col += 1;
        match c {
            '"' => break,
            '\n' => return None,
            '\\' => {
                let e = chars.next()?;
                col += 1;
                let d = match e {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    'b' => '\u{8}',
                    'f' => '\u{c}',
                    'u' => {
                        let hex: String = chars.by_ref().take(4).collect();
                        col += 4;
                        let mut code = u32::from_str_radix(&hex, 16).ok()?;
                        if (0xD800..0xDC00).contains(&code) {
                            let low: String = chars.by_ref().take(6).collect();
                            col += 6;
                            let low = u32::from_str_radix(low.strip_prefix("\\u")?, 16).ok()?;
                            code = 0x10000 + ((code - 0xD800) << 10) + (low.checked_sub(0xDC00)?);
                        }
                        char::from_u32(code)?
                    }
                    other => other,
                };
                push(d, here, &mut decoded, &mut positions);
            }
            c => push(c, here, &mut decoded, &mut positions),
        }
    }
    positions.push((line, col));
    (decoded == value).then_some(positions)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn yaml_query_lines_map_to_file_lines() {
        let text = "id: x\nquery: |\n  T\n  | where A == 1\nseverity: Low\n";
        let rule = sentinel(Path::new("r.yaml"), text).unwrap();
        assert_eq!(rule.query, "T\n| where A == 1\n");
        let at = rule.query.find("where").unwrap();
        assert_eq!(rule.location(at), (4, 5));
        assert_eq!(rule.location(0), (3, 3));
    }

    #[test]
    fn json_query_text_maps_to_file_column() {
        let text =
            "{\n  \"queryCondition\": {\n    \"queryText\": \"T\\n| take \\\"x\\\"\"\n  }\n}";
        let rule = detection_rule(Path::new("r.json"), text).unwrap();
        assert_eq!(rule.query, "T\n| take \"x\"");
        let at = rule.query.find("take").unwrap();
        // line 3: `    "queryText": "T\n| take …`: the value starts at column 19.
        assert_eq!(rule.location(at), (3, 24));
        assert_eq!(rule.location(0), (3, 19));
    }

    #[test]
    fn trigger() {
        let t = Trigger {
            op: TriggerOp::Gt,
            threshold: 2,
        };
        assert!(!t.fires(2));
        assert!(t.fires(3));
    }
}
