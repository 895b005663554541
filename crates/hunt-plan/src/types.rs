//! KQL scalar types, their names, and how each is stored in Arrow.
//!
//! hunt keeps one physical Arrow representation per KQL type so that every
//! kernel sees exactly one array type for a given KQL type (see
//! `docs/architecture.md`, "Values").

use arrow_schema::{DataType, TimeUnit};
use std::fmt;

/// A KQL scalar type (<https://learn.microsoft.com/kusto/query/scalar-data-types/>).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KqlType {
    /// `bool`: Arrow `Boolean`.
    Bool,
    /// `int` (32-bit): Arrow `Int32`.
    Int,
    /// `long` (64-bit): Arrow `Int64`.
    Long,
    /// `real` (IEEE double): Arrow `Float64`.
    Real,
    /// `string`: Arrow `Utf8`; never null (KQL has no null string, an empty string stands for it).
    String,
    /// `datetime`: Arrow `Timestamp(Nanosecond, None)`, always UTC, 100 ns precision.
    DateTime,
    /// `timespan`: Arrow `Duration(Nanosecond)`.
    TimeSpan,
    /// `guid`: Arrow `Utf8` holding the lower-case canonical text; null when absent.
    Guid,
    /// `dynamic`: Arrow `Utf8` holding compact JSON text; Arrow null is the KQL null.
    Dynamic,
}

impl KqlType {
    /// Parses a KQL type name as written in `typeof()`, `datatable` and schema files.
    pub fn from_name(name: &str) -> Option<KqlType> {
        Some(match name {
            "bool" | "boolean" => KqlType::Bool,
            "int" | "int32" => KqlType::Int,
            "long" | "int64" => KqlType::Long,
            "real" | "double" => KqlType::Real,
            "string" => KqlType::String,
            "datetime" | "date" => KqlType::DateTime,
            "timespan" | "time" => KqlType::TimeSpan,
            "guid" | "uuid" | "uniqueid" => KqlType::Guid,
            "dynamic" => KqlType::Dynamic,
            _ => return None,
        })
    }

    /// The canonical KQL name (`long`, `datetime`, …), as `getschema` and the Graph API print it.
    pub fn name(self) -> &'static str {
        match self {
            KqlType::Bool => "bool",
            KqlType::Int => "int",
            KqlType::Long => "long",
            KqlType::Real => "real",
            KqlType::String => "string",
            KqlType::DateTime => "datetime",
            KqlType::TimeSpan => "timespan",
            KqlType::Guid => "guid",
            KqlType::Dynamic => "dynamic",
        }
    }

    /// The one Arrow type hunt uses for this KQL type inside the engine.
    pub fn arrow_type(self) -> DataType {
        match self {
            KqlType::Bool => DataType::Boolean,
            KqlType::Int => DataType::Int32,
            KqlType::Long => DataType::Int64,
            KqlType::Real => DataType::Float64,
            KqlType::String | KqlType::Guid | KqlType::Dynamic => DataType::Utf8,
            KqlType::DateTime => DataType::Timestamp(TimeUnit::Nanosecond, None),
            KqlType::TimeSpan => DataType::Duration(TimeUnit::Nanosecond),
        }
    }

    /// Maps a Parquet/Arrow column type to KQL, or `None` when hunt cannot read it.
    ///
    /// Any timestamp unit or zone is a `datetime`; all three Arrow string layouts are `string`.
    pub fn from_arrow(dt: &DataType) -> Option<KqlType> {
        Some(match dt {
            DataType::Boolean => KqlType::Bool,
            DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::UInt8
            | DataType::UInt16 => KqlType::Int,
            DataType::Int64 | DataType::UInt32 => KqlType::Long,
            DataType::Float16 | DataType::Float32 | DataType::Float64 => KqlType::Real,
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => KqlType::String,
            DataType::Timestamp(_, _) | DataType::Date32 | DataType::Date64 => KqlType::DateTime,
            DataType::Duration(_) => KqlType::TimeSpan,
            DataType::Dictionary(_, v) => return KqlType::from_arrow(v),
            _ => return None,
        })
    }

    /// True for `int`, `long` and `real`.
    pub fn is_numeric(self) -> bool {
        matches!(self, KqlType::Int | KqlType::Long | KqlType::Real)
    }

    /// True for string-like storage (`string`, `guid`, `dynamic`).
    pub fn is_utf8(self) -> bool {
        matches!(self, KqlType::String | KqlType::Guid | KqlType::Dynamic)
    }
}

impl fmt::Display for KqlType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One named, typed column of a table or plan node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Column name as KQL shows it.
    pub name: String,
    /// Its KQL type.
    pub ty: KqlType,
}

impl Field {
    /// A new field.
    pub fn new(name: impl Into<String>, ty: KqlType) -> Field {
        Field {
            name: name.into(),
            ty,
        }
    }
}

/// The columns of a table or of a plan node's output, in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Schema {
    /// Columns in output order; names are unique.
    pub fields: Vec<Field>,
}

impl Schema {
    /// A schema from fields.
    pub fn new(fields: Vec<Field>) -> Schema {
        Schema { fields }
    }

    /// Index of the column named `name` (exact, case-sensitive as in KQL).
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }

    /// The Arrow schema hunt uses for batches of this schema (all fields nullable).
    pub fn to_arrow(&self) -> arrow_schema::SchemaRef {
        std::sync::Arc::new(arrow_schema::Schema::new(
            self.fields
                .iter()
                .map(|f| arrow_schema::Field::new(&f.name, f.ty.arrow_type(), true))
                .collect::<Vec<_>>(),
        ))
    }
}
