//! Running one case: the fixtures become Parquet tables of a fresh engine with `now()` pinned,
//! the rule's query runs, and the answer is checked against `expect:`.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hunt::{Engine, Schema};

use crate::duration::parse_duration;
use crate::error::RulesError;
use crate::expect::{Answer, check};
use crate::fixture::{Fixture, Fixtures, catalog_tables, mentions};
use crate::rule::Rule;
use crate::spec::{CaseSpec, QueryPeriod, Row};
use crate::value::{parse_datetime, read_cell};

/// How a case ended.
#[derive(Debug, Clone)]
pub enum Status {
    /// Every expectation holds.
    Passed,
    /// Some expectation does not hold; one message each (diffs span several lines).
    Failed(Vec<String>),
    /// The rule does not parse or bind, or uses what hunt refuses (reported in SARIF too).
    RuleError(RuleDiagnostic),
    /// The case could not be set up: a fixture that cannot be read, a bad `now`.
    Broken(String),
    /// `--record`: the result was written to `expect.rows`.
    Recorded,
}

/// An error in the rule's query, placed in the rule file.
#[derive(Debug, Clone)]
pub struct RuleDiagnostic {
    /// hunt's diagnostic (kind, message, span in the query, help).
    pub diagnostic: hunt::Diagnostic,
    /// 1-based `(line, column)` in the rule file where the span starts.
    pub start: (usize, usize),
    /// … and where it ends.
    pub end: (usize, usize),
    /// True for parse and bind errors (the rule is wrong whatever the data); false for an
    /// error met while running.
    pub static_error: bool,
}

/// The outcome of one case.
#[derive(Debug, Clone)]
pub struct CaseOutcome {
    /// Its index among the file's cases.
    pub index: usize,
    /// Its name.
    pub name: String,
    /// How it ended.
    pub status: Status,
    /// How long it took.
    pub elapsed: Duration,
    /// The result rows, when recording.
    pub recorded: Option<Vec<Row>>,
}

/// Runs case `index` of a test file in `dir` against `rule`.
pub fn run_case(
    rule: &Rule,
    case: &CaseSpec,
    index: usize,
    dir: &Path,
    source: &Path,
    record: bool,
) -> CaseOutcome {
    let started = Instant::now();
    let (status, recorded) = match run(rule, case, dir, source, record) {
        Ok(r) => r,
        Err(e) => (Status::Broken(e.to_string()), None),
    };
    CaseOutcome {
        index,
        name: case.name.clone(),
        status,
        elapsed: started.elapsed(),
        recorded,
    }
}

fn run(
    rule: &Rule,
    case: &CaseSpec,
    dir: &Path,
    source: &Path,
    record: bool,
) -> Result<(Status, Option<Vec<Row>>), RulesError> {
    let now = parse_datetime(&case.now).ok_or_else(|| {
        RulesError::invalid(
            source,
            format!(
                "case `{}`: now `{}` is not a datetime such as 2025-06-30T00:00:00Z",
                case.name, case.now
            ),
        )
    })?;
    let mut fixtures = Fixtures::new();
    for (name, spec) in &case.tables {
        let f = Fixture::load(name, &spec.parts(), dir, source, &rule.query)?;
        fixtures.insert(name.clone(), Arc::new(f));
    }
    for name in catalog_tables() {
        if !fixtures.contains_key(&name)
            && mentions(&rule.query, &name)
            && let Some(f) = Fixture::empty(&name, &rule.query)
        {
            fixtures.insert(name, Arc::new(f));
        }
    }
    let answer = match execute(&rule.query, &fixtures, now)? {
        Ok(a) => a,
        Err(e) => return Ok((query_error(rule, &e), None)),
    };
    if record {
        return Ok((Status::Recorded, Some(rows_of(&answer))));
    }
    let mut failures = check(&case.expect, &answer, &rule.trigger);
    for col in &rule.entity_columns {
        if answer.schema.index_of(col).is_none() {
            failures.push(format!(
                "entityMappings names column `{col}`, which the result does not have"
            ));
        }
    }
    if let Some(msg) = period_check(rule, case, &fixtures, now, &answer)? {
        failures.push(msg);
    }
    Ok((
        if failures.is_empty() {
            Status::Passed
        } else {
            Status::Failed(failures)
        },
        None,
    ))
}

/// Runs `query` over `fixtures`. The outer error is a fixture that cannot be written; the
/// inner one is the query's own.
fn execute(
    query: &str,
    fixtures: &Fixtures,
    now: i64,
) -> Result<Result<Answer, hunt::Error>, RulesError> {
    let tmp = tempfile::tempdir().map_err(|e| RulesError::Write {
        path: std::env::temp_dir(),
        message: e.to_string(),
    })?;
    let mut engine = Engine::new();
    engine.set_now(now);
    for f in fixtures.values() {
        let path = f.write_parquet(tmp.path())?;
        if let Err(e) = engine.register_parquet_with_schema(&f.name, vec![path.clone()], &f.schema)
        {
            return Err(RulesError::Write {
                path,
                message: e.to_string(),
            });
        }
    }
    Ok(engine.query(query).map(|r| {
        let mut rows = Vec::with_capacity(r.num_rows());
        for batch in &r.batches {
            for row in 0..batch.num_rows() {
                rows.push(
                    r.schema
                        .fields
                        .iter()
                        .enumerate()
                        .map(|(c, f)| read_cell(batch.column(c), row, f.ty))
                        .collect(),
                );
            }
        }
        Answer {
            schema: Schema::new(r.schema.fields.clone()),
            rows,
        }
    }))
}

fn query_error(rule: &Rule, e: &hunt::Error) -> Status {
    let diagnostic = e.diagnostic();
    let span = diagnostic.span.clone().unwrap_or(0..0);
    Status::RuleError(RuleDiagnostic {
        start: rule.location(span.start),
        end: rule.location(span.end),
        static_error: matches!(e, hunt::Error::Parse(_) | hunt::Error::Plan(_)),
        diagnostic,
    })
}

fn rows_of(answer: &Answer) -> Vec<Row> {
    answer
        .rows
        .iter()
        .map(|r| {
            answer
                .schema
                .fields
                .iter()
                .zip(r)
                .map(|(f, c)| (f.name.clone(), c.to_json()))
                .collect()
        })
        .collect()
}

/// `query_period`: with only the rows of the last period (what Sentinel or Defender give the
/// rule on each run), the rule must return the same rows. `Some` describes how it does not.
fn period_check(
    rule: &Rule,
    case: &CaseSpec,
    fixtures: &Fixtures,
    now: i64,
    full: &Answer,
) -> Result<Option<String>, RulesError> {
    let period = match &case.query_period {
        None | Some(QueryPeriod::Rule(false)) => return Ok(None),
        Some(QueryPeriod::Rule(true)) => match rule.query_period_ns {
            Some(p) => p,
            None => {
                return Ok(Some(
                    "query_period: true, but the rule gives no query period (queryPeriod, or a \
                     detection rule's schedule); give a duration such as `query_period: 1d`"
                        .into(),
                ));
            }
        },
        Some(QueryPeriod::Duration(d)) => parse_duration(d).ok_or_else(|| {
            RulesError::invalid(
                &rule.path,
                format!("case `{}`: query_period `{d}` is not a duration", case.name),
            )
        })?,
    };
    let windowed: Fixtures = fixtures
        .iter()
        .map(|(k, f)| (k.clone(), Arc::new(f.window(now - period, now))))
        .collect();
    let part = match execute(&rule.query, &windowed, now)? {
        Ok(a) => a,
        Err(e) => return Ok(Some(format!("with only the query period's rows: {e}"))),
    };
    let spec = crate::spec::ExpectSpec {
        rows: Some(rows_of(full)),
        ..Default::default()
    };
    let failures = check(&spec, &part, &rule.trigger);
    if failures.is_empty() {
        return Ok(None);
    }
    Ok(Some(format!(
        "the rule reads rows older than its query period ({}): with only the rows of the last \
         {} it returns something else (expected: the full answer; got: the answer Sentinel or \
         Defender would give)\n{}",
        hunt::format::format_timespan(period),
        hunt::format::format_timespan(period),
        failures.join("\n")
    )))
}
