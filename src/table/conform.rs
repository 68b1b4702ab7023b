//! Any Arrow batch of this schema, as other tools write it, brought to the arrays the readers
//! read ([`super::read`]): what `export` reads from a Parquet file that DuckDB, Polars or pyarrow
//! rewrote.
//!
//! Columns and struct fields are found by name (any order; extra ones are ignored and listed);
//! strings may be large, views or dictionaries; integers of any width (cast, checked); lists
//! large or not. The read schema ([`read_schema`]) is the entry schema with plain strings for its
//! dictionaries. A column missing or of another kind is refused before any row is read
//! ([`check`]), and a null where the format requires a value is refused when its batch is
//! conformed ([`conform`]) — each naming the column's dotted path.

use std::sync::{Arc, OnceLock};

use arrow::array::{Array, ArrayRef, AsArray, GenericListArray, RecordBatch, StructArray};
use arrow::buffer::{NullBuffer, OffsetBuffer};
use arrow::compute::{cast_with_options, CastOptions};
use arrow::datatypes::{DataType, Field, FieldRef, Fields, Schema, SchemaRef};
use arrow::error::ArrowError;

use super::schema;

/// The schema the readers read: the entry schema, dictionaries as plain `Utf8`.
pub fn read_schema() -> SchemaRef {
    static SCHEMA: OnceLock<SchemaRef> = OnceLock::new();
    Arc::clone(SCHEMA.get_or_init(|| {
        let fields: Vec<FieldRef> = schema::fields().iter().map(|f| plain_field(f)).collect();
        Arc::new(Schema::new(fields))
    }))
}

fn plain_field(field: &Field) -> FieldRef {
    Arc::new(field.clone().with_data_type(plain_type(field.data_type())))
}

fn plain_type(data_type: &DataType) -> DataType {
    match data_type {
        DataType::Dictionary(_, values) => plain_type(values),
        DataType::Struct(fields) => {
            DataType::Struct(fields.iter().map(|f| plain_field(f)).collect())
        }
        DataType::List(item) => DataType::List(plain_field(item)),
        other => other.clone(),
    }
}

/// Checks that `found` (a file's Arrow schema) holds every column of the read schema with a
/// type this module can bring to it; returns the columns it holds beyond them (ignored).
pub fn check(found: &Schema) -> Result<Vec<String>, ArrowError> {
    let mut extra = Vec::new();
    check_fields(read_schema().fields(), found.fields(), "", &mut extra)?;
    Ok(extra)
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

fn check_fields(
    expected: &Fields,
    found: &Fields,
    path: &str,
    extra: &mut Vec<String>,
) -> Result<(), ArrowError> {
    for field in expected {
        let child = join(path, field.name());
        let Some((_, found)) = found.find(field.name()) else {
            return Err(ArrowError::SchemaError(format!(
                "column {child} is missing"
            )));
        };
        check_type(field.data_type(), found.data_type(), &child, extra)?;
    }
    extra.extend(
        found
            .iter()
            .filter(|f| expected.find(f.name()).is_none())
            .map(|f| join(path, f.name())),
    );
    Ok(())
}

fn check_type(
    expected: &DataType,
    found: &DataType,
    path: &str,
    extra: &mut Vec<String>,
) -> Result<(), ArrowError> {
    let fits = match (expected, strip_dictionary(found)) {
        (DataType::Struct(expected), DataType::Struct(found)) => {
            return check_fields(expected, found, path, extra)
        }
        (DataType::List(item), DataType::List(found) | DataType::LargeList(found)) => {
            return check_type(item.data_type(), found.data_type(), path, extra)
        }
        (DataType::Utf8, found) => {
            matches!(
                found,
                DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
            )
        }
        (DataType::Int32 | DataType::Int64, found) => found.is_integer(),
        (DataType::Float64, found) => found.is_floating() || found.is_integer(),
        (expected, found) => expected == found,
    };
    if fits {
        Ok(())
    } else {
        Err(ArrowError::SchemaError(format!(
            "column {path} is {found} where {expected} is expected"
        )))
    }
}

fn strip_dictionary(data_type: &DataType) -> &DataType {
    match data_type {
        DataType::Dictionary(_, values) => strip_dictionary(values),
        other => other,
    }
}

/// `batch` (whose schema passed [`check`]) as one struct array of the read schema's entry
/// columns: casts done, extra columns dropped, nulls where the format requires a value
/// refused, naming the column and the batch's row.
pub fn conform(batch: &RecordBatch) -> Result<StructArray, ArrowError> {
    let columns = StructArray::from(batch.clone());
    let arrays = conform_children(&columns, read_schema().fields(), "", None)?;
    StructArray::try_new(read_schema().fields().clone(), arrays, None)
}

fn conform_children(
    array: &StructArray,
    expected: &Fields,
    path: &str,
    valid: Option<&NullBuffer>,
) -> Result<Vec<ArrayRef>, ArrowError> {
    expected
        .iter()
        .map(|field| {
            let child = join(path, field.name());
            let column = array
                .column_by_name(field.name())
                .ok_or_else(|| ArrowError::SchemaError(format!("column {child} is missing")))?;
            conform_array(column, field, &child, valid)
        })
        .collect()
}

/// `array` as `field`'s type; `valid` is where its parents are valid (`None`: everywhere).
fn conform_array(
    array: &ArrayRef,
    field: &Field,
    path: &str,
    valid: Option<&NullBuffer>,
) -> Result<ArrayRef, ArrowError> {
    if !field.is_nullable() {
        require_values(array.as_ref(), path, valid)?;
    }
    let own = NullBuffer::union(valid, array.logical_nulls().as_ref());
    match field.data_type() {
        DataType::Struct(expected) => {
            let found = array
                .as_struct_opt()
                .ok_or_else(|| ArrowError::SchemaError(format!("column {path} is not a struct")))?;
            let children = conform_children(found, expected, path, own.as_ref())?;
            Ok(Arc::new(StructArray::try_new(
                expected.clone(),
                children,
                own,
            )?))
        }
        DataType::List(item) => {
            let (offsets, values) = list_parts(array, path)?;
            let values = conform_array(&values, item, path, None)?;
            Ok(Arc::new(GenericListArray::<i32>::try_new(
                Arc::clone(item),
                offsets,
                values,
                own,
            )?))
        }
        expected if array.data_type() == expected => Ok(Arc::clone(array)),
        expected => {
            let options = CastOptions {
                safe: false,
                ..CastOptions::default()
            };
            cast_with_options(array, expected, &options)
                .map_err(|e| ArrowError::CastError(format!("column {path}: {e}")))
        }
    }
}

/// The offsets (as `i32`) and items of a list or large list.
fn list_parts(array: &ArrayRef, path: &str) -> Result<(OffsetBuffer<i32>, ArrayRef), ArrowError> {
    if let Some(list) = array.as_list_opt::<i32>() {
        return Ok((list.offsets().clone(), Arc::clone(list.values())));
    }
    let list = array
        .as_list_opt::<i64>()
        .ok_or_else(|| ArrowError::SchemaError(format!("column {path} is not a list")))?;
    let offsets = list
        .value_offsets()
        .iter()
        .map(|&offset| i32::try_from(offset))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| ArrowError::SchemaError(format!("column {path}: list too long")))?;
    Ok((OffsetBuffer::new(offsets.into()), Arc::clone(list.values())))
}

/// Fails when `array` has a null where `valid` (its parents) says the row exists.
fn require_values(
    array: &dyn Array,
    path: &str,
    valid: Option<&NullBuffer>,
) -> Result<(), ArrowError> {
    let Some(nulls) = array.logical_nulls() else {
        return Ok(());
    };
    let missing = nulls
        .iter()
        .enumerate()
        .find(|&(row, is_valid)| !is_valid && valid.is_none_or(|v| v.is_valid(row)));
    match missing {
        Some((row, _)) => Err(ArrowError::InvalidArgumentError(format!(
            "column {path} is null at position {row} of its batch, where UniProt XML requires a value"
        ))),
        None => Ok(()),
    }
}
