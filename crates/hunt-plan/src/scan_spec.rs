//! What the `scan` operator is planned into: its declared columns and its steps, with
//! every expression bound against an *evaluation schema* whose columns are either the
//! current record's or a value held in a step's state (`s1.x`)
//! (<https://learn.microsoft.com/kusto/query/scan-operator>).

use crate::expr::{Expr, Scalar};
use crate::types::{Field, Schema};

/// What a step adds to the output when a record matches it (`output=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepOutput {
    /// Every matching record (the default).
    All,
    /// No record.
    None,
}

/// One `step Name [output=…]: Condition => a = x, …;`.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanStep {
    /// The step name.
    pub name: String,
    /// Which matches are output.
    pub output: StepOutput,
    /// The match condition (bool), over [`ScanSpec::eval_schema`].
    pub condition: Expr,
    /// Assignments: index into [`ScanSpec::declare`] and the value, over the evaluation schema.
    pub assignments: Vec<(usize, Expr)>,
}

/// Where a column of the evaluation schema reads from. Columns of the *extended* record
/// are numbered: the input's columns, then the declared ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanRef {
    /// The record being matched (its declared columns hold their defaults).
    Current(usize),
    /// The record of step `step` in the state the condition is checked against; a step
    /// missing from that state reads as the default (declared) or null (input column).
    State {
        /// The step, 0-based.
        step: usize,
        /// The extended-record column.
        column: usize,
    },
}

/// A planned `scan`.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanSpec {
    /// Declared columns and their defaults, appended after the input's columns.
    pub declare: Vec<(Field, Scalar)>,
    /// `with_match_id=Name`: a long column appended last.
    pub match_id: Option<String>,
    /// The steps in order.
    pub steps: Vec<ScanStep>,
    /// The columns the expressions read (named `x` or `step.x`).
    pub eval_schema: Schema,
    /// Where each column of `eval_schema` reads from.
    pub refs: Vec<ScanRef>,
}
