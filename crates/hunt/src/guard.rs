//! Access control at the point where a query names a table: a [`TableGuard`] is asked
//! about each table the planner resolves, before the table's files are opened (their
//! footers are read only when the planner first asks for a table's schema), so a refused
//! query reads nothing.

use hunt_exec::TableSet;
use hunt_plan::catalog::TableError;
use hunt_plan::expr::Scalar;
use hunt_plan::types::Schema;
use hunt_plan::{Catalog, LogicalPlan};
use std::sync::Mutex;

/// Decides whether the caller may read a table.
pub trait TableGuard: Sync {
    /// `Ok` to allow; `Err(reason)` to refuse, the reason naming what would allow it.
    fn check(&self, table: &str) -> Result<(), String>;
}

/// Every table is allowed.
#[derive(Debug, Default, Clone, Copy)]
pub struct AllowAll;

impl TableGuard for AllowAll {
    fn check(&self, _table: &str) -> Result<(), String> {
        Ok(())
    }
}

/// The engine's tables seen through a guard; records the tables the query names and
/// whether planning probed rows for a plugin's columns.
pub(crate) struct Guarded<'a> {
    pub(crate) tables: &'a TableSet,
    pub(crate) guard: &'a dyn TableGuard,
    pub(crate) touched: Mutex<Vec<String>>,
    pub(crate) refused: Mutex<Option<(String, String)>>,
    /// Whether planning asked for rows of a plugin whose output columns come from the
    /// data (`Catalog::probe`: `bag_unpack`, `pivot`).
    probed: std::sync::atomic::AtomicBool,
}

impl<'a> Guarded<'a> {
    pub(crate) fn new(tables: &'a TableSet, guard: &'a dyn TableGuard) -> Guarded<'a> {
        Guarded {
            tables,
            guard,
            touched: Mutex::new(Vec::new()),
            refused: Mutex::new(None),
            probed: std::sync::atomic::AtomicBool::new(false),
        }
    }
    pub(crate) fn probed(&self) -> bool {
        self.probed.load(std::sync::atomic::Ordering::Relaxed)
    }
    pub(crate) fn touched(&self) -> Vec<String> {
        self.touched.lock().map(|t| t.clone()).unwrap_or_default()
    }
    pub(crate) fn refused(&self) -> Option<(String, String)> {
        self.refused.lock().ok().and_then(|r| r.clone())
    }
}

impl Catalog for Guarded<'_> {
    fn table(&self, name: &str) -> Result<Option<Schema>, TableError> {
        // A name that is no table (a `let`, a column) is not the guard's business.
        if !self.tables.has_table(name) {
            return Ok(None);
        }
        if let Ok(mut t) = self.touched.lock()
            && !t.iter().any(|x| x == name)
        {
            t.push(name.to_string());
        }
        if let Err(reason) = self.guard.check(name) {
            if let Ok(mut r) = self.refused.lock() {
                r.get_or_insert((name.to_string(), reason));
            }
            return Ok(None);
        }
        self.tables.table(name)
    }
    fn has_table(&self, name: &str) -> bool {
        self.tables.has_table(name)
    }
    fn table_names(&self) -> Vec<String> {
        self.tables.table_names()
    }
    fn probe(
        &self,
        plan: &LogicalPlan,
        each: &mut dyn FnMut(Vec<Scalar>),
    ) -> Option<Result<(), String>> {
        self.probed
            .store(true, std::sync::atomic::Ordering::Relaxed);
        self.tables.probe(plan, each)
    }
    fn run(&self, plan: &LogicalPlan) -> Result<Vec<Vec<Scalar>>, String> {
        self.tables.run(plan)
    }
    fn run_constant(&self, plan: &LogicalPlan) -> Result<Vec<Vec<Scalar>>, Option<String>> {
        self.tables.run_constant(plan)
    }
    // Every method is forwarded: a default here would quietly replace the engine's own.
    fn external_data(
        &self,
        url: &str,
        format: &str,
        columns: &Schema,
        skip_first: bool,
    ) -> Result<Vec<Vec<Scalar>>, String> {
        self.tables.external_data(url, format, columns, skip_first)
    }
}
