//! Arrow arrays read back as model values: the inverse of the column builders, for `export`.
//!
//! Every model type names its reader ([`Columnar::Reader`]): strings, numbers, dates and
//! booleans read their leaf arrays, `Option` reads its validity, `Vec` its offsets, and each
//! struct declared in `columnar!` gets a reader made of its fields' readers, found by name
//! (so a reader never depends on column order). A reader is built once per batch and checked
//! then — a missing column or another type is an `ArrowError` naming the column's path — so
//! reading a row cannot fail. It expects the arrays of the read schema
//! ([`super::conform::read_schema`]: the schema with plain strings where the file has
//! dictionaries); [`super::conform::conform`] brings any Parquet file's batch to it.

use arrow::array::{Array, AsArray, BooleanArray, GenericListArray, StringArray, StructArray};
use arrow::buffer::NullBuffer;
use arrow::datatypes::{ArrowPrimitiveType, Date32Type, Float64Type, Int32Type, Int64Type};
use arrow::error::ArrowError;
use chrono::{Datelike, NaiveDate, TimeDelta};

use super::date::Date;

/// Reads the values of one column, row by row; built (and checked) once per array.
pub trait ColumnReader<'a>: Sized {
    /// The model type read.
    type Value;

    /// A reader of `array`, the column at `path` (named in errors): fails when the array is
    /// not of the type this reader reads.
    fn new(array: &'a dyn Array, path: &str) -> Result<Self, ArrowError>;

    /// The value at `row` (for a null slot: the type's placeholder; `Option` reads the nulls).
    fn value(&self, row: usize) -> Self::Value;
}

/// The error of a column of another type than the reader reads.
pub(crate) fn wrong_type(path: &str, expected: &str, found: &dyn Array) -> ArrowError {
    ArrowError::SchemaError(format!(
        "column {path} is {} where {expected} is expected",
        found.data_type()
    ))
}

/// A struct's child column `name`, for its reader; `path` is the struct's own path.
pub fn child<'a>(
    array: &'a StructArray,
    path: &str,
    name: &str,
) -> Result<(&'a dyn Array, String), ArrowError> {
    let child_path = if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    };
    match array.column_by_name(name) {
        Some(column) => Ok((column.as_ref(), child_path)),
        None => Err(ArrowError::SchemaError(format!(
            "column {child_path} is missing"
        ))),
    }
}

/// The struct array a struct reader reads.
pub fn struct_array<'a>(array: &'a dyn Array, path: &str) -> Result<&'a StructArray, ArrowError> {
    array
        .as_struct_opt()
        .ok_or_else(|| wrong_type(path, "a struct", array))
}

/// Reads a `Utf8` column as `String`s.
pub struct StringReader<'a>(&'a StringArray);

impl<'a> ColumnReader<'a> for StringReader<'a> {
    type Value = String;

    fn new(array: &'a dyn Array, path: &str) -> Result<Self, ArrowError> {
        array
            .as_string_opt::<i32>()
            .map(StringReader)
            .ok_or_else(|| wrong_type(path, "utf8", array))
    }

    fn value(&self, row: usize) -> String {
        self.0.value(row).to_owned()
    }
}

/// Reads a primitive column's values.
pub struct PrimitiveReader<'a, P: ArrowPrimitiveType>(&'a [P::Native]);

impl<'a, P: ArrowPrimitiveType> PrimitiveReader<'a, P> {
    fn of(array: &'a dyn Array, path: &str) -> Result<Self, ArrowError> {
        array
            .as_primitive_opt::<P>()
            .map(|array| PrimitiveReader(array.values().as_ref()))
            .ok_or_else(|| wrong_type(path, &P::DATA_TYPE.to_string(), array))
    }
}

macro_rules! primitive_readers {
    ($($type:ty => $arrow:ty;)*) => {$(
        impl<'a> ColumnReader<'a> for PrimitiveReader<'a, $arrow> {
            type Value = $type;

            fn new(array: &'a dyn Array, path: &str) -> Result<Self, ArrowError> {
                Self::of(array, path)
            }

            fn value(&self, row: usize) -> $type {
                self.0[row]
            }
        }
    )*};
}

primitive_readers! {
    i32 => Int32Type;
    i64 => Int64Type;
    f64 => Float64Type;
}

/// Reads a `date32` column as [`Date`]s; every valid day is checked to be a calendar date when
/// the reader is built.
pub struct DateReader<'a>(&'a [i32]);

impl DateReader<'_> {
    /// The calendar day `days` after 1970-01-01, when it has a four-digit year (what
    /// `xs:date` text of UniProt holds).
    fn date(days: i32) -> Option<NaiveDate> {
        NaiveDate::default()
            .checked_add_signed(TimeDelta::try_days(i64::from(days))?)
            .filter(|date| (1..=9999).contains(&date.year()))
    }
}

impl<'a> ColumnReader<'a> for DateReader<'a> {
    type Value = Date;

    fn new(array: &'a dyn Array, path: &str) -> Result<Self, ArrowError> {
        let days = PrimitiveReader::<Date32Type>::of(array, path)?.0;
        let nulls = array.logical_nulls();
        let out_of_range = days.iter().enumerate().find(|(row, days)| {
            nulls.as_ref().is_none_or(|n| n.is_valid(*row)) && Self::date(**days).is_none()
        });
        match out_of_range {
            Some((row, days)) => Err(ArrowError::InvalidArgumentError(format!(
                "column {path}, row {row}: {days} days from 1970-01-01 is no date of years 1 to 9999"
            ))),
            None => Ok(DateReader(days)),
        }
    }

    fn value(&self, row: usize) -> Date {
        Date(Self::date(self.0[row]).unwrap_or_default())
    }
}

/// Reads a boolean column.
pub struct BoolReader<'a>(&'a BooleanArray);

impl<'a> ColumnReader<'a> for BoolReader<'a> {
    type Value = bool;

    fn new(array: &'a dyn Array, path: &str) -> Result<Self, ArrowError> {
        array
            .as_boolean_opt()
            .map(BoolReader)
            .ok_or_else(|| wrong_type(path, "bool", array))
    }

    fn value(&self, row: usize) -> bool {
        self.0.value(row)
    }
}

/// Reads a nullable column as `Option`s: `None` where the slot is null.
pub struct OptionReader<'a, R> {
    nulls: Option<&'a NullBuffer>,
    values: R,
}

impl<'a, R: ColumnReader<'a>> ColumnReader<'a> for OptionReader<'a, R> {
    type Value = Option<R::Value>;

    fn new(array: &'a dyn Array, path: &str) -> Result<Self, ArrowError> {
        Ok(OptionReader {
            nulls: array.nulls(),
            values: R::new(array, path)?,
        })
    }

    fn value(&self, row: usize) -> Option<R::Value> {
        match self.nulls {
            Some(nulls) if nulls.is_null(row) => None,
            _ => Some(self.values.value(row)),
        }
    }
}

/// Reads a list column as `Vec`s (a null list reads as empty).
pub struct VecReader<'a, R> {
    offsets: &'a [i32],
    nulls: Option<&'a NullBuffer>,
    items: R,
}

impl<'a, R: ColumnReader<'a>> ColumnReader<'a> for VecReader<'a, R> {
    type Value = Vec<R::Value>;

    fn new(array: &'a dyn Array, path: &str) -> Result<Self, ArrowError> {
        let list: &GenericListArray<i32> = array
            .as_list_opt()
            .ok_or_else(|| wrong_type(path, "a list", array))?;
        Ok(VecReader {
            offsets: list.value_offsets(),
            nulls: list.nulls(),
            items: R::new(list.values().as_ref(), path)?,
        })
    }

    fn value(&self, row: usize) -> Vec<R::Value> {
        if self.nulls.is_some_and(|nulls| nulls.is_null(row)) {
            return Vec::new();
        }
        let (start, end) = (self.offsets[row], self.offsets[row + 1]);
        (start as usize..end as usize)
            .map(|item| self.items.value(item))
            .collect()
    }
}
