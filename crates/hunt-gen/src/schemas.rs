//! The one place hunt-gen takes table schemas from.
//!
//! The four Insider Risk tables come from hunt-plan's built-in catalog. The eight
//! correlation tables (Defender for Endpoint, Office, Cloud Apps and Identity) come from
//! the data files in `crates/hunt-gen/schemas/<Table>.txt`: one `Name: type` line per
//! column, in the order of the table's Microsoft Learn page, whose address heads the file.
//! When hunt-plan's advanced-hunting catalog covers these tables, [`table_schema`] is the
//! only function to point at it (and the data files can go).

use hunt_plan::types::{Field, KqlType, Schema};

use crate::error::GenError;

/// The correlation tables hunt-gen writes next to the four Insider Risk tables.
pub const CORRELATION_TABLES: [&str; 8] = [
    "DeviceInfo",
    "DeviceProcessEvents",
    "DeviceFileEvents",
    "DeviceNetworkEvents",
    "DeviceLogonEvents",
    "EmailEvents",
    "CloudAppEvents",
    "IdentityInfo",
];

/// The schema data file of a correlation table.
fn schema_text(table: &str) -> Option<&'static str> {
    Some(match table {
        "DeviceInfo" => include_str!("../schemas/DeviceInfo.txt"),
        "DeviceProcessEvents" => include_str!("../schemas/DeviceProcessEvents.txt"),
        "DeviceFileEvents" => include_str!("../schemas/DeviceFileEvents.txt"),
        "DeviceNetworkEvents" => include_str!("../schemas/DeviceNetworkEvents.txt"),
        "DeviceLogonEvents" => include_str!("../schemas/DeviceLogonEvents.txt"),
        "EmailEvents" => include_str!("../schemas/EmailEvents.txt"),
        "CloudAppEvents" => include_str!("../schemas/CloudAppEvents.txt"),
        "IdentityInfo" => include_str!("../schemas/IdentityInfo.txt"),
        _ => return None,
    })
}

/// Parses a schema data file: `#` comment lines, then `Name: type` lines.
fn parse(table: &str, text: &str) -> Result<Schema, GenError> {
    let mut fields = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = || GenError::UnknownTable(format!("{table} (schema line {}: `{line}`)", n + 1));
        let (name, ty) = line.split_once(':').ok_or_else(bad)?;
        let ty = KqlType::from_name(ty.trim()).ok_or_else(bad)?;
        fields.push(Field::new(name.trim(), ty));
    }
    Ok(Schema::new(fields))
}

/// The schema hunt-gen writes for `table`: hunt-plan's built-in schema for the Insider
/// Risk tables, the documented column list for the correlation tables.
pub fn table_schema(table: &str) -> Result<Schema, GenError> {
    if let Some(s) = hunt_plan::catalog::builtin_schema(table) {
        return Ok(s);
    }
    let text = schema_text(table).ok_or_else(|| GenError::UnknownTable(table.to_string()))?;
    parse(table, text)
}

/// The Microsoft Learn page a correlation table's columns were taken from.
pub fn schema_source(table: &str) -> Option<&'static str> {
    schema_text(table)?
        .lines()
        .find_map(|l| l.strip_prefix("# https://"))
        .map(|rest| rest.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_correlation_table_parses_with_unique_columns() {
        for t in CORRELATION_TABLES {
            let s = table_schema(t).unwrap();
            let mut names: Vec<&str> = s.fields.iter().map(|f| f.name.as_str()).collect();
            assert_eq!(names[0], "Timestamp", "{t}");
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), s.fields.len(), "{t}: duplicate column");
            assert!(schema_source(t).unwrap().contains(&t.to_lowercase()), "{t}");
        }
    }

    #[test]
    fn bad_line_is_an_error() {
        assert!(parse("X", "A: string\nB int\n").is_err());
        assert!(parse("X", "A: varchar\n").is_err());
    }
}
