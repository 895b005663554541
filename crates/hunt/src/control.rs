//! Applying control commands (`DIR/schema.kql`, built-in libraries) to an engine:
//! `.create table` declares a table's schema, `.create function` stores a function.
//! Errors are about the command text and carry its span.

use crate::{Engine, Error};
use hunt_plan::types::{Field, KqlType, Schema};
use hunt_plan::{PlanError, StoredFunction};
use hunt_syntax::ast::{ControlCommand, FunctionMode};
use std::path::PathBuf;
use std::sync::Arc;

/// The name of the schema file `Engine::open_dir` reads.
pub const SCHEMA_FILE: &str = "schema.kql";

/// A control script that failed: where it came from, its text, and the error (whose span,
/// if any, points into `text`).
#[derive(Debug, thiserror::Error)]
#[error("{origin}: {error}")]
pub struct ScriptError {
    /// The file (or `built-in …`) the script came from.
    pub origin: String,
    /// The script text, for rendering the caret.
    pub text: String,
    /// The error.
    pub error: Box<Error>,
}

impl Engine {
    /// Runs the control commands of `text` (see [`hunt_syntax::parse_control`]): tables are
    /// declared, functions stored. `origin` names the script in [`StoredFunction::origin`].
    /// Nothing is applied when any command fails.
    pub fn apply_control(&mut self, text: &str, origin: &str) -> Result<(), Error> {
        let commands = hunt_syntax::parse_control(text)?;
        let mut tables = self.tables.clone();
        let mut functions = (*self.functions).clone();
        for cmd in &commands {
            match cmd {
                ControlCommand::CreateTables {
                    merge,
                    tables: decls,
                    ..
                } => {
                    for d in decls {
                        let mut fields: Vec<Field> = Vec::new();
                        for (name, ty) in &d.columns {
                            let t = KqlType::from_name(&ty.name).ok_or_else(|| {
                                PlanError::invalid(ty.span, format!("unknown type `{}`", ty.name))
                            })?;
                            if fields.iter().any(|f| f.name == name.name) {
                                return Err(PlanError::invalid(
                                    name.span,
                                    format!("duplicate column `{}`", name.name),
                                )
                                .into());
                            }
                            fields.push(Field::new(&name.name, t));
                        }
                        let existing = tables.declared(&d.name.name).cloned();
                        let documented = hunt_plan::catalog::builtin_schema(&d.name.name);
                        let schema = match (existing, merge) {
                            (Some(old), true) => merge_schema(old, fields, &d.name.name, false)
                                .map_err(|m| PlanError::invalid(d.name.span, m))?,
                            // A documented table keeps its columns; the command retypes
                            // (a string column that holds JSON as `dynamic`) or adds some.
                            (None, _) if documented.is_some() => {
                                let base = documented.unwrap_or_default();
                                merge_schema(base, fields, &d.name.name, true)
                                    .map_err(|m| PlanError::invalid(d.name.span, m))?
                            }
                            (Some(_), false) => {
                                return Err(PlanError::invalid(
                                    d.name.span,
                                    format!("table `{}` is already declared", d.name.name),
                                )
                                .with_help("use `.create-merge table` to add columns")
                                .into());
                            }
                            (None, _) => Schema::new(fields),
                        };
                        tables.declare(&d.name.name, schema);
                    }
                }
                ControlCommand::CreateFunction {
                    mode,
                    name,
                    params,
                    body,
                    span,
                    ..
                } => {
                    let exists = functions.get(&name.name).is_some();
                    match mode {
                        FunctionMode::Create if exists => {
                            return Err(PlanError::invalid(
                                name.span,
                                format!("function `{}` already exists", name.name),
                            )
                            .with_help("use `.create-or-alter function` to replace it")
                            .into());
                        }
                        FunctionMode::CreateIfNotExists if exists => continue,
                        FunctionMode::Alter if !exists => {
                            return Err(PlanError::invalid(
                                name.span,
                                format!("function `{}` does not exist", name.name),
                            )
                            .into());
                        }
                        _ => {}
                    }
                    functions.insert(StoredFunction {
                        name: name.name.clone(),
                        def: Arc::new((params.clone(), body.clone())),
                        docstring: cmd.option("docstring").map(str::to_string),
                        folder: cmd.option("folder").map(str::to_string),
                        text: text[span.range()].to_string(),
                        origin: origin.to_string(),
                    });
                }
                _ => {
                    return Err(PlanError::unsupported(cmd.span(), "this control command").into());
                }
            }
        }
        self.tables = tables;
        self.functions = Arc::new(functions);
        Ok(())
    }

    /// Like [`Engine::apply_control`], with the error wrapped with the script's origin and
    /// text so a front end can point into it.
    pub fn apply_script(&mut self, text: &str, origin: &str) -> Result<(), ScriptError> {
        self.apply_control(text, origin).map_err(|e| ScriptError {
            origin: origin.to_string(),
            text: text.to_string(),
            error: Box::new(e),
        })
    }

    /// The stored functions (`.create function`), by name.
    pub fn functions(&self) -> &hunt_plan::StoredFunctions {
        &self.functions
    }

    /// Reads `DIR/schema.kql` if there is one.
    pub(crate) fn load_schema_file(&mut self, dir: &std::path::Path) -> Result<(), Error> {
        let path: PathBuf = dir.join(SCHEMA_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(source) => {
                return Err(Error::Exec(hunt_exec::ExecError::Io { path, source }));
            }
        };
        let origin = path.display().to_string();
        self.apply_script(&text, &origin)
            .map_err(|e| Error::Script(Box::new(e)))
    }
}

/// `.create-merge`: the old columns, then the new ones; a column may change type only when
/// `retype` (over a documented table's schema).
fn merge_schema(old: Schema, new: Vec<Field>, table: &str, retype: bool) -> Result<Schema, String> {
    let mut fields = old.fields;
    for f in new {
        match fields.iter_mut().find(|o| o.name == f.name) {
            Some(o) if o.ty != f.ty && retype => o.ty = f.ty,
            Some(o) if o.ty != f.ty => {
                return Err(format!(
                    "column `{}` of `{table}` is declared {}, not {}",
                    f.name, o.ty, f.ty
                ));
            }
            Some(_) => {}
            None => fields.push(f),
        }
    }
    Ok(Schema::new(fields))
}
