//! `buildschema(DynamicExpr)`: the minimal schema that admits every value of a group
//! (docs: buildschema-aggregation-function). A schema is a union of members in order of
//! first appearance: a primitive type name (`long`, `double`, `string`), a container
//! (`{name: schema, …}`, properties in order of first appearance) or an array
//! (`{"indexer": schema of its items}`). A union of one member is that member; of several,
//! the JSON array of them (the page's grammar: `Union-type ::= '[' Type* ']'`).
//!
//! Refused, because the page does not say how Kusto types them: booleans, nulls inside a
//! value, and integers beyond a long. A group with no values gives null.

use crate::error::PlanError;
use crate::expr::Expr;
use crate::registry::traits::{AggregateFunction, FunctionError, GroupState, same_state};
use crate::types::KqlType;
use arrow_array::{Array, ArrayRef, StringArray};
use hunt_syntax::Span;
use serde_json::Value;
use std::any::Any;
use std::sync::Arc;

/// The `buildschema` aggregate.
pub struct BuildSchema;

impl AggregateFunction for BuildSchema {
    fn name(&self) -> &'static str {
        "buildschema"
    }
    fn column_name(&self, _: &str, first: &str, _: &[Expr]) -> String {
        // The page's example column: `schema_value` for `buildschema(value)`.
        format!("schema_{first}")
    }
    fn bind(&self, args: Vec<Expr>, span: Span) -> Result<(Vec<Expr>, KqlType), PlanError> {
        match args.as_slice() {
            [x] if x.ty == KqlType::Dynamic => Ok((args, KqlType::Dynamic)),
            [x] => Err(PlanError::ty(
                x.span,
                format!("`buildschema` needs a dynamic value, got {}", x.ty),
            )),
            _ => Err(PlanError::invalid(
                span,
                format!("`buildschema` takes 1 argument, got {}", args.len()),
            )),
        }
    }
    fn state(&self, _: &[KqlType], _: KqlType) -> Result<Box<dyn GroupState>, FunctionError> {
        Ok(Box::new(Schemas(Vec::new())))
    }
}

/// A union of schema members.
#[derive(Debug, Default, Clone, PartialEq)]
struct Union(Vec<Member>);

#[derive(Debug, Clone, PartialEq)]
enum Member {
    Primitive(&'static str),
    Container(Vec<(String, Union)>),
    Array(Union),
}

impl Union {
    /// Widens this union to admit `m`.
    fn add(&mut self, m: Member) {
        match m {
            Member::Primitive(p) => {
                if !self.0.contains(&Member::Primitive(p)) {
                    self.0.push(Member::Primitive(p));
                }
            }
            Member::Container(props) => {
                match self.0.iter_mut().find_map(|x| match x {
                    Member::Container(mine) => Some(mine),
                    _ => None,
                }) {
                    Some(mine) => {
                        for (k, u) in props {
                            match mine.iter_mut().find(|(n, _)| *n == k) {
                                Some((_, have)) => have.merge(u),
                                None => mine.push((k, u)),
                            }
                        }
                    }
                    None => self.0.push(Member::Container(props)),
                }
            }
            Member::Array(items) => {
                match self.0.iter_mut().find_map(|x| match x {
                    Member::Array(mine) => Some(mine),
                    _ => None,
                }) {
                    Some(mine) => mine.merge(items),
                    None => self.0.push(Member::Array(items)),
                }
            }
        }
    }

    /// Widens this union to admit everything `other` admits, keeping first appearances first.
    fn merge(&mut self, other: Union) {
        other.0.into_iter().for_each(|m| self.add(m));
    }

    fn to_json(&self) -> Value {
        match self.0.as_slice() {
            [one] => one.to_json(),
            many => Value::Array(many.iter().map(Member::to_json).collect()),
        }
    }
}

impl Member {
    /// The schema of one (non-null) value.
    fn of(v: &Value) -> Result<Member, FunctionError> {
        let open = |what: &str| {
            FunctionError::Unsupported(format!(
                "`buildschema` over {what} (its docs do not say how Kusto types them)"
            ))
        };
        Ok(match v {
            Value::String(_) => Member::Primitive("string"),
            Value::Number(n) if n.is_i64() => Member::Primitive("long"),
            Value::Number(n) if n.is_f64() => Member::Primitive("double"),
            Value::Number(_) => return Err(open("integers beyond a long")),
            Value::Bool(_) => return Err(open("booleans")),
            Value::Null => return Err(open("null values inside a value")),
            Value::Array(items) => {
                let mut u = Union::default();
                for i in items {
                    u.add(Member::of(i)?);
                }
                Member::Array(u)
            }
            Value::Object(m) => Member::Container(
                m.iter()
                    .map(|(k, v)| Ok((k.clone(), Union(vec![Member::of(v)?]))))
                    .collect::<Result<_, FunctionError>>()?,
            ),
        })
    }

    fn to_json(&self) -> Value {
        match self {
            Member::Primitive(p) => Value::String((*p).to_string()),
            Member::Container(props) => Value::Object(
                props
                    .iter()
                    .map(|(k, u)| (k.clone(), u.to_json()))
                    .collect(),
            ),
            Member::Array(items) => {
                let mut m = serde_json::Map::new();
                m.insert("indexer".into(), items.to_json());
                Value::Object(m)
            }
        }
    }
}

/// One schema per group.
struct Schemas(Vec<Union>);

impl GroupState for Schemas {
    fn grow(&mut self, groups: usize) {
        self.0.resize_with(groups, Union::default);
    }
    fn update(&mut self, gids: &[usize], args: &[ArrayRef]) -> Result<(), FunctionError> {
        let a = args
            .first()
            .and_then(|a| a.as_any().downcast_ref::<StringArray>())
            .ok_or_else(|| FunctionError::Internal("buildschema of a non-dynamic".into()))?;
        for (i, g) in gids.iter().enumerate() {
            if a.is_null(i) {
                continue;
            }
            let v: Value = serde_json::from_str(a.value(i)).map_err(|e| {
                FunctionError::Internal(format!("a dynamic value is not JSON: {e}"))
            })?;
            // A null value counts for nothing, as in every aggregate.
            if !v.is_null() {
                self.0[*g].add(Member::of(&v)?);
            }
        }
        Ok(())
    }
    fn merge(&mut self, other: Box<dyn GroupState>, map: &[usize]) -> Result<(), FunctionError> {
        for (g, u) in same_state::<Schemas>(other)?.0.into_iter().enumerate() {
            self.0[map[g]].merge(u);
        }
        Ok(())
    }
    fn finish(self: Box<Self>) -> Result<ArrayRef, FunctionError> {
        Ok(Arc::new(StringArray::from_iter(self.0.iter().map(|u| {
            (!u.0.is_empty()).then(|| u.to_json().to_string())
        }))))
    }
    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(rows: &[&str]) -> Box<dyn GroupState> {
        let mut s = BuildSchema
            .state(&[KqlType::Dynamic], KqlType::Dynamic)
            .expect("test input");
        s.grow(1);
        let col: ArrayRef = Arc::new(StringArray::from(rows.to_vec()));
        s.update(&vec![0; rows.len()], &[col]).expect("test input");
        s
    }

    #[test]
    fn two_halves_merge_to_the_whole() {
        // The rows of the page's example (buildschema-aggregation-function).
        let rows = [
            r#"{"x":1, "y":3.5}"#,
            r#"{"x":"somevalue", "z":[1, 2, 3]}"#,
            r#"{"y":{"w":"zzz"}, "t":["aa", "bb"], "z":["foo"]}"#,
        ];
        let whole = state(&rows).finish().expect("test input");
        let mut first = state(&rows[..1]);
        first.merge(state(&rows[1..]), &[0]).expect("test input");
        let merged = first.finish().expect("test input");
        let text = |a: &ArrayRef| {
            a.as_any()
                .downcast_ref::<StringArray>()
                .map(|s| s.value(0).to_string())
        };
        assert_eq!(text(&whole), text(&merged));
        assert_eq!(
            text(&merged).as_deref(),
            Some(
                r#"{"x":["long","string"],"y":["double",{"w":"string"}],"z":{"indexer":["long","string"]},"t":{"indexer":"string"}}"#
            )
        );
    }
}
