//! What one KQL function definition is, in the spirit of DataFusion's `ScalarUDFImpl` and
//! `AggregateUDFImpl`: its name, its signature and result type (checked at bind time, so a
//! wrong call is refused before any row is read), and its implementation over Arrow
//! arrays. A definition is a stateless `static` value; the bound plan holds a
//! `&'static dyn` reference to it ([`ScalarDef`], [`AggDef`]), so `Func` and `AggFunc`
//! stay `Copy` and the executor calls it without matching on names.

use crate::error::PlanError;
use crate::expr::{Expr, Scalar};
use crate::types::KqlType;
use arrow_array::ArrayRef;
use hunt_syntax::Span;
use std::any::Any;
use std::fmt;

/// Why a function could not compute its result at run time (typed, never an Arrow error:
/// the executor adds the call's span and renders it).
#[derive(Debug, Clone, PartialEq)]
pub enum FunctionError {
    /// An argument the function cannot handle (a value past a documented limit).
    Invalid(String),
    /// A form of the input whose Kusto answer the docs leave open: refused by name.
    Unsupported(String),
    /// The plan and the data disagree: a bug in hunt.
    Internal(String),
}

impl fmt::Display for FunctionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FunctionError::Invalid(m) => write!(f, "{m}"),
            FunctionError::Unsupported(m) => write!(f, "not supported by hunt yet: {m}"),
            FunctionError::Internal(m) => {
                write!(f, "internal error (a bug in hunt, please report it): {m}")
            }
        }
    }
}

impl std::error::Error for FunctionError {}

/// One argument at run time: a column, or a constant kept scalar (one value for all rows).
#[derive(Debug, Clone)]
pub enum ArgValue {
    /// One value per row.
    Array(ArrayRef),
    /// The same value for every row.
    Scalar(Scalar),
}

/// How a function names its result column when the query does not (Kusto's
/// `ResultNameKind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultName {
    /// `FirstArgument`: the first argument's name.
    First,
    /// `NameAndFirstArgument`: the function's name, `_`, and the first argument's name.
    NameAndFirst,
    /// `PrefixAndFirstArgument`: a fixed prefix, `_`, and the first argument's name.
    PrefixAndFirst(&'static str),
    /// `PrefixOnly`: a fixed name.
    Prefix(&'static str),
    /// `OnlyArgument`: the argument's name when there is exactly one argument.
    Only,
}

/// A scalar KQL function.
pub trait ScalarFunction: Send + Sync + 'static {
    /// The KQL name.
    fn name(&self) -> &'static str;
    /// How Kusto names its result column (`None`: `Column1`, … by position).
    fn result_name(&self) -> Option<ResultName> {
        None
    }
    /// Checks the bound arguments (count, kinds, which must be constant), applies the
    /// implicit conversions Kusto applies, and gives the arguments to run with and the
    /// result type.
    fn bind(&self, args: Vec<Expr>, span: Span) -> Result<(Vec<Expr>, KqlType), PlanError>;
    /// True for a function whose value differs from row to row even with constant
    /// arguments (`rand`, `new_guid`): the executor never folds such a call into one value.
    fn volatile(&self) -> bool {
        false
    }
    /// True for a function Kusto evaluates at query analysis (`assert`): the planner
    /// computes its constant arguments into literals before `bind`, so `bind` can decide
    /// on their values while planning.
    fn at_analysis(&self) -> bool {
        false
    }
    /// True for a function whose lone argument may be `*`, every column of the row
    /// (Kusto's `ArgumentKind.StarOnly`, as `estimate_data_size(*)`): the planner binds
    /// it as those columns, in order.
    fn star_columns(&self) -> bool {
        false
    }
    /// The result over `rows` rows. Arguments have the types `bind` gave them.
    fn invoke(&self, args: &[ArgValue], rows: usize) -> Result<ArgValue, FunctionError>;
}

/// A KQL aggregate. Its `…if` form (when it has one) is the base aggregate over the rows
/// where a predicate, its last argument, is true: the planner binds the predicate and the
/// executor filters rows for every aggregate alike.
pub trait AggregateFunction: Send + Sync + 'static {
    /// The KQL name.
    fn name(&self) -> &'static str;
    /// The name of the `…if` form, if Kusto has one.
    fn if_name(&self) -> Option<&'static str> {
        None
    }
    /// Kusto's default column name of a call by the name `called` (this one's or its
    /// `…if` name) whose first argument is named `first` (empty when it has no name):
    /// `<called>_<first>` unless the function says otherwise.
    fn column_name(&self, called: &str, first: &str, args: &[Expr]) -> String {
        let _ = args;
        format!("{called}_{first}")
    }
    /// Checks the bound arguments (the predicate of the `…if` form removed) and gives the
    /// arguments to run with and the result type.
    fn bind(&self, args: Vec<Expr>, span: Span) -> Result<(Vec<Expr>, KqlType), PlanError>;
    /// A new per-group state for arguments of these types and this result type.
    fn state(
        &self,
        arg_tys: &[KqlType],
        out: KqlType,
    ) -> Result<Box<dyn GroupState>, FunctionError>;
}

/// The per-group state of one aggregate. Every state merges, so every `summarize` runs
/// on the parallel path.
pub trait GroupState: Send + 'static {
    /// Makes room for `groups` groups.
    fn grow(&mut self, groups: usize);
    /// Adds rows: row `i` belongs to group `gids[i]`; `args` are the evaluated arguments
    /// (only the rows the `…if` predicate kept).
    fn update(&mut self, gids: &[usize], args: &[ArrayRef]) -> Result<(), FunctionError>;
    /// Adds `other`'s groups, a state of the same aggregate over later rows: its group `g`
    /// is group `map[g]` here (room is made already).
    fn merge(&mut self, other: Box<dyn GroupState>, map: &[usize]) -> Result<(), FunctionError>;
    /// The result column, one value per group.
    fn finish(self: Box<Self>) -> Result<ArrayRef, FunctionError>;
    /// About the bytes the state holds, for states that grow with their input.
    fn held_bytes(&self) -> usize {
        0
    }
    /// This state as `Any`, for `merge` to take back its own type.
    fn into_any(self: Box<Self>) -> Box<dyn Any>;
}

/// `other` as the state type `T` of the same aggregate (for [`GroupState::merge`]).
pub fn same_state<T: GroupState>(other: Box<dyn GroupState>) -> Result<Box<T>, FunctionError> {
    other
        .into_any()
        .downcast::<T>()
        .map_err(|_| FunctionError::Internal("merging different aggregate states".into()))
}

/// A scalar function as the bound plan holds it.
#[derive(Clone, Copy)]
pub struct ScalarDef(pub &'static dyn ScalarFunction);

/// An aggregate as the bound plan holds it.
#[derive(Clone, Copy)]
pub struct AggDef(pub &'static dyn AggregateFunction);

macro_rules! by_name {
    ($t:ident) => {
        impl PartialEq for $t {
            fn eq(&self, other: &Self) -> bool {
                self.0.name() == other.0.name()
            }
        }
        impl Eq for $t {}
        impl std::hash::Hash for $t {
            fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
                self.0.name().hash(h)
            }
        }
        impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0.name())
            }
        }
    };
}
by_name!(ScalarDef);
by_name!(AggDef);
