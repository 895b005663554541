//! Stored functions: the functions a data directory declares with `.create function`
//! (in `DIR/schema.kql`) and the built-in libraries a front end ships. The planner sees
//! them as if each query began with their `let`s, except that a stored function's body
//! is planned in the database scope (the tables and the other stored functions), never
//! with the caller's `let`s, as in Kusto. Bodies are shared (`Arc`), not copied per use.

use hunt_syntax::ast::{self, FunctionParam, Statement};
use std::collections::BTreeMap;
use std::sync::Arc;

/// A function's parameters and body statements (the shape the planner expands).
pub type FunctionDef = (Vec<FunctionParam>, Vec<Statement>);

/// One stored function.
#[derive(Debug, Clone)]
pub struct StoredFunction {
    /// The function name.
    pub name: String,
    /// Parameters and body, shared with every plan that uses it.
    pub def: Arc<FunctionDef>,
    /// `with (docstring = "…")`.
    pub docstring: Option<String>,
    /// `with (folder = "…")`.
    pub folder: Option<String>,
    /// The text of the `.create function` command that defined it.
    pub text: String,
    /// Where it came from (a file path, or `built-in`).
    pub origin: String,
}

impl StoredFunction {
    /// The function's signature as Kusto prints it: `IrmAlerts(lookback:timespan = 30d)`.
    pub fn signature(&self) -> String {
        let params: Vec<String> = self.def.0.iter().map(param_text).collect();
        format!("{}({})", self.name, params.join(", "))
    }
}

fn param_text(p: &FunctionParam) -> String {
    let ty = match &p.ty {
        ast::ParamType::Scalar(t) => t.name.clone(),
        ast::ParamType::Tabular(items) => {
            let cols: Vec<String> = items
                .iter()
                .map(|i| match i {
                    ast::SchemaItem::Column { name, ty } => format!("{}:{}", name.name, ty.name),
                    ast::SchemaItem::Type(t) => t.name.clone(),
                    ast::SchemaItem::Star => "*".into(),
                })
                .collect();
            format!("({})", cols.join(", "))
        }
    };
    match &p.default {
        Some(d) => format!("{}:{ty} = {d}", p.name.name),
        None => format!("{}:{ty}", p.name.name),
    }
}

/// The stored functions visible to a query, by name.
#[derive(Debug, Clone, Default)]
pub struct StoredFunctions {
    by_name: BTreeMap<String, Arc<StoredFunction>>,
}

impl StoredFunctions {
    /// No functions.
    pub fn new() -> StoredFunctions {
        StoredFunctions::default()
    }
    /// The function `name`.
    pub fn get(&self, name: &str) -> Option<&StoredFunction> {
        self.by_name.get(name).map(|f| &**f)
    }
    /// Adds or replaces a function; returns the one it replaced.
    pub fn insert(&mut self, f: StoredFunction) -> Option<Arc<StoredFunction>> {
        self.by_name.insert(f.name.clone(), Arc::new(f))
    }
    /// Removes a function.
    pub fn remove(&mut self, name: &str) -> Option<Arc<StoredFunction>> {
        self.by_name.remove(name)
    }
    /// All functions, by name.
    pub fn iter(&self) -> impl Iterator<Item = &StoredFunction> {
        self.by_name.values().map(|f| &**f)
    }
    /// Number of functions.
    pub fn len(&self) -> usize {
        self.by_name.len()
    }
    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }
}
