//! The Arrow schema of the output: the single source of truth for column names and types.
//!
//! It is the fields of [`EntryColumns`], which the one declaration of each model struct yields
//! beside its builders (column names, `date32` for dates, a dictionary for `dataset`, 32-bit
//! offsets for lists and strings, which every reader understands), so the model, the builders
//! and the schema cannot drift apart. Tests read a written file back and find exactly this
//! schema; `docs/SCHEMA.md` is generated from [`describe`].

use std::sync::{Arc, OnceLock};

use arrow::datatypes::{DataType, Field, FieldRef, Schema, SchemaRef};

use super::model::EntryColumns;

/// Version of the output schema; bumped on every incompatible change of columns or types.
pub const SCHEMA_VERSION: u32 = 2;

/// Parquet key-value metadata key holding [`SCHEMA_VERSION`].
pub const SCHEMA_VERSION_KEY: &str = "uniprot_etl.schema_version";

/// The fields of the output schema (shared, built once).
pub fn fields() -> &'static [FieldRef] {
    static FIELDS: OnceLock<Vec<FieldRef>> = OnceLock::new();
    FIELDS.get_or_init(|| EntryColumns::fields().iter().cloned().collect())
}

/// The output schema as an Arrow `Schema`.
pub fn schema() -> SchemaRef {
    Arc::new(Schema::new(fields().to_vec()))
}

/// A readable tree of the schema, one field per line: what `uniprot-etl schema` prints.
pub fn describe() -> String {
    let mut out = String::new();
    for field in fields() {
        describe_field(field, 0, &mut out);
    }
    out
}

fn describe_field(field: &Field, depth: usize, out: &mut String) {
    let nullable = if field.is_nullable() { "" } else { " not null" };
    let (type_name, children): (String, Vec<&Field>) = match field.data_type() {
        DataType::Struct(children) => (
            "struct".into(),
            children.iter().map(|c| c.as_ref()).collect(),
        ),
        DataType::List(item) => match item.data_type() {
            DataType::Struct(children) => (
                "list<struct>".into(),
                children.iter().map(|c| c.as_ref()).collect(),
            ),
            inner => (format!("list<{}>", type_label(inner)), Vec::new()),
        },
        other => (type_label(other), Vec::new()),
    };
    out.push_str(&format!(
        "{:indent$}{} {}{}\n",
        "",
        field.name(),
        type_name,
        nullable,
        indent = depth * 2
    ));
    for child in children {
        describe_field(child, depth + 1, out);
    }
}

pub(super) fn type_label(data_type: &DataType) -> String {
    match data_type {
        DataType::Utf8 => "utf8".into(),
        DataType::Int32 => "int32".into(),
        DataType::Int64 => "int64".into(),
        DataType::Float64 => "float64".into(),
        DataType::Boolean => "bool".into(),
        DataType::Date32 => "date32".into(),
        DataType::Dictionary(_, value) => format!("dictionary<{}>", type_label(value)),
        other => other.to_string(),
    }
}
