//! Kusto control commands clients send on connect and for their schema trees
//! (`POST /v1/rest/mgmt`): `.show version`, `.show databases`, `.show tables`,
//! `.show table T schema as json`, `.show functions` (the stored functions: hunt-irm's
//! built-in library and `DIR/schema.kql`), `.show database schema as json`.
//! Any other command is refused by name. Answers are v1 tables with Kusto's column names.

use std::sync::Arc;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use hunt::KqlType as T;
use serde_json::{Map, Value, json};

use crate::auth::Principal;
use crate::error::ApiError;
use crate::kusto::{check_database, client_request_id, v1_table, with_kusto_headers};
use crate::kusto_request::{KustoBody, RequestProperties};
use crate::middleware::{parse_json, principal, with_query_audit};
use crate::state::AppState;
use crate::values::{column_strings, cslschema_type};

/// A parsed control command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `.show version`
    Version,
    /// `.show databases`
    Databases,
    /// `.show tables`
    Tables,
    /// `.show table T schema as json`
    TableSchema(String),
    /// `.show functions`
    Functions,
    /// `.show database [db] schema as json`
    DatabaseSchema,
}

/// Strips `['T']`, `["T"]` or `[T]` around a name.
fn unbracket(name: &str) -> String {
    let inner = name
        .strip_prefix('[')
        .and_then(|n| n.strip_suffix(']'))
        .unwrap_or(name);
    inner
        .strip_prefix('\'')
        .and_then(|n| n.strip_suffix('\''))
        .or_else(|| inner.strip_prefix('"').and_then(|n| n.strip_suffix('"')))
        .unwrap_or(inner)
        .to_owned()
}

/// Parses a control command, or names what hunt does not support.
pub fn parse_command(text: &str, database: &str) -> Result<Command, ApiError> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let lower: Vec<String> = words.iter().map(|w| w.to_ascii_lowercase()).collect();
    let l: Vec<&str> = lower.iter().map(String::as_str).collect();
    let db_ok = |name: &str| {
        let n = unbracket(name);
        n.eq_ignore_ascii_case(database)
    };
    match l.as_slice() {
        [".show", "version"] => Ok(Command::Version),
        [".show", "databases"] => Ok(Command::Databases),
        [".show", "tables"] => Ok(Command::Tables),
        [".show", "functions"] => Ok(Command::Functions),
        [".show", "table", _, "schema", "as", "json"] => {
            Ok(Command::TableSchema(unbracket(words[2])))
        }
        [".show", "database", "schema", "as", "json"] => Ok(Command::DatabaseSchema),
        [".show", "database", _, "schema", "as", "json"] if db_ok(words[2]) => {
            Ok(Command::DatabaseSchema)
        }
        [".show", "database", _, "schema", "as", "json"] => Err(ApiError::not_found(format!(
            "database `{}` was not found; this server has one database, `{database}`",
            unbracket(words[2])
        ))),
        _ => Err(ApiError::bad_request(format!(
            "control command `{}` is not supported by hunt; it answers .show version, .show \
             databases, .show tables, .show table T schema as json, .show functions and .show \
             database schema as json",
            text.trim()
        ))),
    }
}

/// The parameter list `(a:string, …)` and the body `{ … }` of a `.create function` text.
fn split_function(text: &str, name: &str) -> (String, String) {
    let Some(at) = text.find(&format!("{name}(")) else {
        return (String::new(), String::new());
    };
    let rest = &text[at + name.len()..];
    let mut depth = 0usize;
    let mut end = rest.len();
    for (i, c) in rest.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    end = i + 1;
                    break;
                }
            }
            _ => {}
        }
    }
    let body = rest[end..].trim();
    (rest[..end].to_owned(), body.to_owned())
}

/// Column names and KQL types of `table`, read with `getschema`.
fn table_columns(engine: &hunt::Engine, table: &str) -> Result<Vec<(String, T)>, ApiError> {
    let escaped = table.replace('\'', "\\'");
    let result = engine
        .query(&format!("['{escaped}'] | getschema"))
        .map_err(|e| {
            if engine.table_names().iter().any(|n| n == table) {
                ApiError::bad_request(format!("cannot read the schema of table `{table}`: {e}"))
            } else {
                ApiError::not_found(format!("table `{table}` was not found"))
            }
        })?;
    let names = column_strings(&result, "ColumnName").unwrap_or_default();
    let types = column_strings(&result, "ColumnType").unwrap_or_default();
    Ok(names
        .into_iter()
        .zip(types)
        .map(|(n, t)| (n, T::from_name(&t).unwrap_or(T::Dynamic)))
        .collect())
}

fn ordered_columns(columns: &[(String, T)]) -> Value {
    Value::Array(
        columns
            .iter()
            .map(|(n, t)| json!({"Name": n, "Type": cslschema_type(*t), "CslType": t.name()}))
            .collect(),
    )
}

fn cols(spec: &[(&str, T)]) -> Vec<(String, T)> {
    spec.iter().map(|(n, t)| ((*n).to_owned(), *t)).collect()
}

/// Runs a command against the engine (called off the async runtime).
pub fn run_command(
    engine: &hunt::Engine,
    database: &str,
    command: &Command,
) -> Result<Value, ApiError> {
    let mut tables = engine.table_names();
    tables.sort();
    Ok(match command {
        Command::Version => v1_table(
            "Table_0",
            &cols(&[
                ("BuildVersion", T::String),
                ("BuildTime", T::DateTime),
                ("ServiceType", T::String),
                ("ProductVersion", T::String),
                ("ServiceOffering", T::String),
            ]),
            vec![json!([
                env!("CARGO_PKG_VERSION"),
                "2025-01-01T00:00:00.0000000Z",
                "Engine",
                format!("hunt {}", env!("CARGO_PKG_VERSION")),
                "{\"Type\":\"hunt\"}"
            ])],
        ),
        Command::Databases => v1_table(
            "Table_0",
            &cols(&[
                ("DatabaseName", T::String),
                ("PersistentStorage", T::String),
                ("Version", T::String),
                ("IsCurrent", T::Bool),
                ("DatabaseAccessMode", T::String),
                ("PrettyName", T::String),
                ("DatabaseId", T::Guid),
            ]),
            vec![json!([
                database,
                "",
                "v1.0",
                true,
                "ReadOnly",
                database,
                "00000000-0000-0000-0000-000000000001"
            ])],
        ),
        Command::Tables => v1_table(
            "Table_0",
            &cols(&[
                ("TableName", T::String),
                ("DatabaseName", T::String),
                ("Folder", T::String),
                ("DocString", T::String),
            ]),
            tables
                .iter()
                .map(|t| json!([t, database, "", ""]))
                .collect(),
        ),
        Command::TableSchema(table) => {
            let columns = table_columns(engine, table)?;
            let schema = json!({"Name": table, "OrderedColumns": ordered_columns(&columns), "Folder": "", "DocString": ""});
            v1_table(
                "Table_0",
                &cols(&[
                    ("TableName", T::String),
                    ("Schema", T::String),
                    ("DatabaseName", T::String),
                    ("Folder", T::String),
                    ("DocString", T::String),
                ]),
                vec![json!([table, schema.to_string(), database, "", ""])],
            )
        }
        Command::Functions => v1_table(
            "Table_0",
            &cols(&[
                ("Name", T::String),
                ("Parameters", T::String),
                ("Body", T::String),
                ("Folder", T::String),
                ("DocString", T::String),
            ]),
            engine
                .functions()
                .iter()
                .map(|f| {
                    let (params, body) = split_function(&f.text, &f.name);
                    json!([
                        f.name,
                        params,
                        body,
                        f.folder.clone().unwrap_or_default(),
                        f.docstring.clone().unwrap_or_default()
                    ])
                })
                .collect(),
        ),
        Command::DatabaseSchema => {
            let mut by_name = Map::new();
            for t in &tables {
                let columns = table_columns(engine, t)?;
                by_name.insert(
                    t.clone(),
                    json!({"Name": t, "EntityType": "Table", "OrderedColumns": ordered_columns(&columns), "Folder": "", "DocString": ""}),
                );
            }
            let schema = json!({"Plugins": [], "Databases": {database: {
                "Name": database, "Tables": by_name, "ExternalTables": {}, "MaterializedViews": {},
                "Functions": {}, "EntityGroups": {}, "MajorVersion": 1, "MinorVersion": 0,
                "DatabaseAccessMode": "ReadOnly"
            }}});
            v1_table(
                "Table_0",
                &cols(&[("DatabaseSchema", T::String)]),
                vec![json!([schema.to_string()])],
            )
        }
    })
}

/// `POST /v1/rest/mgmt`.
pub async fn mgmt(
    State(state): State<Arc<AppState>>,
    who: Option<Extension<Principal>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request_id = client_request_id(&headers);
    let outcome = async {
        let _principal = principal(who)?;
        let req: KustoBody = parse_json(&body)?;
        check_database(&state, req.db.as_deref())?;
        RequestProperties::parse(req.properties.as_ref())?;
        let command = parse_command(&req.csl, &state.database)?;
        let engine = state.engine().clone();
        let database = state.database.clone();
        let table = tokio::task::spawn_blocking(move || run_command(&engine, &database, &command))
            .await
            .map_err(|e| ApiError::internal(format!("the command failed: {e}")))??;
        let rows = table["Rows"].as_array().map_or(0, Vec::len);
        Ok::<_, ApiError>((json!({"Tables": [table]}), req.csl, rows))
    }
    .await;
    match outcome {
        Ok((body, csl, rows)) => with_query_audit(
            with_kusto_headers(axum::Json(body).into_response(), &request_id),
            &csl,
            rows,
        ),
        Err(e) => with_kusto_headers(e.into_response(), &request_id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_parse_or_are_refused_by_name() {
        assert_eq!(
            parse_command(".show version", "hunt").unwrap(),
            Command::Version
        );
        assert_eq!(
            parse_command("  .SHOW   Tables ", "hunt").unwrap(),
            Command::Tables
        );
        assert_eq!(
            parse_command(".show table ['AlertInfo'] schema as json", "hunt").unwrap(),
            Command::TableSchema("AlertInfo".into())
        );
        assert_eq!(
            parse_command(".show database hunt schema as json", "hunt").unwrap(),
            Command::DatabaseSchema
        );
        assert_eq!(
            parse_command(".show database other schema as json", "hunt")
                .unwrap_err()
                .status
                .as_u16(),
            404
        );
        let e = parse_command(".drop table T", "hunt").unwrap_err();
        assert!(e.message.contains(".drop table T"));
    }
}
