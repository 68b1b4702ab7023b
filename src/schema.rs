//! The Arrow schema of the output: the single source of truth for column names and types.
//!
//! It is traced from the [`Entry`] type (so the model and the schema cannot drift apart) and
//! then refined where the Parquet contract asks for more than serde can say: dates become
//! `date32`, `dataset` is dictionary-encoded, lists and strings use the 32-bit offset types that
//! every reader understands. Tests read a written file back and find exactly this schema, and
//! walk the model to check that [`DATE_FIELDS`] names every date field.

use std::sync::{Arc, OnceLock};

use arrow::datatypes::{DataType, Field, FieldRef, Fields, Schema, SchemaRef};
use serde_arrow::schema::{SchemaLike, TracingOptions};

use crate::model::Entry;

/// Version of the output schema; bumped on every incompatible change of columns or types.
pub const SCHEMA_VERSION: u32 = 1;

/// Parquet key-value metadata key holding [`SCHEMA_VERSION`].
pub const SCHEMA_VERSION_KEY: &str = "uniprot_etl.schema_version";

/// Columns stored as `date32` (paths of nested fields joined with `.`): every field of type
/// [`crate::model::Date`] (a test walks the model and fails when one is missing here).
pub const DATE_FIELDS: [&str; 3] = ["created", "modified", "sequence.modified"];

/// Columns stored dictionary-encoded (few distinct values).
const DICTIONARY_FIELDS: [&str; 1] = ["dataset"];

/// The fields of the output schema (shared, built once).
pub fn fields() -> &'static [FieldRef] {
    static FIELDS: OnceLock<Vec<FieldRef>> = OnceLock::new();
    FIELDS.get_or_init(|| {
        let options = TracingOptions::default()
            .sequence_as_large_list(false)
            .strings_as_large_utf8(false);
        let traced = Vec::<FieldRef>::from_type::<Entry>(options)
            // The model is fixed at compile time; tracing it cannot depend on input.
            .unwrap_or_else(|e| panic!("tracing the Entry schema failed: {e}"));
        traced.iter().map(|f| refine(f, "")).collect()
    })
}

/// The output schema as an Arrow `Schema`.
pub fn schema() -> SchemaRef {
    Arc::new(Schema::new(fields().to_vec()))
}

fn refine(field: &FieldRef, parent: &str) -> FieldRef {
    let path = if parent.is_empty() {
        field.name().clone()
    } else {
        format!("{parent}.{}", field.name())
    };
    let data_type = match field.data_type() {
        _ if DATE_FIELDS.contains(&path.as_str()) => DataType::Date32,
        _ if DICTIONARY_FIELDS.contains(&path.as_str()) => {
            DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8))
        }
        DataType::Struct(children) => DataType::Struct(
            children
                .iter()
                .map(|c| refine(c, &path))
                .collect::<Fields>(),
        ),
        DataType::List(item) => DataType::List(refine(item, &path)),
        other => other.clone(),
    };
    Arc::new(
        Field::new(field.name(), data_type, field.is_nullable())
            .with_metadata(field.metadata().clone()),
    )
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

fn type_label(data_type: &DataType) -> String {
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
