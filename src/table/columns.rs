//! The column-builder traits and the [`columnar!`] macro that derives, from one struct
//! declaration, the model struct, its typed Arrow column builders and its Arrow fields.
//!
//! Each model type appends itself straight into concrete builders (the "custom builders"
//! pattern of arrow-rs): strings into offsets + bytes, lists into offsets + item builders,
//! structs into one builder per field. Every builder names its own Arrow type
//! ([`ColumnBuilder::data_type`]), so the schema is derived from the builders and cannot drift
//! from them; [`ColumnBuilder::finish`] takes the schema's field and finds each child field by
//! name, failing, never panicking, on a missing field or another type.
//!
//! Two ways fill them: a model value appended whole ([`ColumnBuilder::append`]: tests, the
//! generator, fuzzing), or the parser writing a row field by field, straight from the XML
//! (`crate::parse`): it sets the fields of the open row of a struct builder (the row at
//! [`StructColumns::row`]), opens rows of nested structs with
//! [`NullableColumns::set_with`](super::leaf::NullableColumns::set_with) and
//! [`ListColumns::push_with`](super::leaf::ListColumns::push_with), and closes its row with
//! [`ColumnBuilder::fill`], which gives every field it did not set its placeholder (null, empty,
//! default) — the same values a model struct's `Default` has. [`ColumnBuilder::truncate`] drops
//! a half-built row when an entry fails. Never knows XML; knows Arrow only, never Parquet.

use std::sync::Arc;

use arrow::array::{ArrayRef, StructArray};
use arrow::buffer::NullBuffer;
use arrow::datatypes::{DataType, Field, FieldRef, Fields};
use arrow::error::ArrowError;

use super::read::ColumnReader;

/// A model type with Arrow column builders of its own.
pub trait Columnar {
    /// The builder that appends values of this type to one column.
    type Columns: ColumnBuilder<Value = Self> + Default;

    /// The reader that reads values of this type back from such a column (`export`).
    type Reader<'a>: ColumnReader<'a, Value = Self>;
}

/// Appends values to one Arrow column and hands the column out as an array.
pub trait ColumnBuilder {
    /// The type of the values appended.
    type Value;

    /// Whether the column holds nulls (an `Option`): its field is nullable.
    const NULLABLE: bool = false;

    /// The Arrow type of the column this builder finishes.
    fn data_type() -> DataType;

    /// The Arrow field of this builder's column, named `name`.
    fn field(name: &str) -> Field
    where
        Self: Sized,
    {
        Field::new(name, Self::data_type(), Self::NULLABLE)
    }

    /// The documentation of the struct this builder's values are (or hold, for an `Option` or
    /// a list), if they are a struct.
    fn shape() -> Option<&'static Shape>
    where
        Self: Sized,
    {
        None
    }

    /// Appends `value`.
    fn append(&mut self, value: &Self::Value);

    /// Appends a slot whose value is masked by a null (its own `Option`'s, or a parent's): a
    /// default value.
    fn append_placeholder(&mut self);

    /// Slots appended since the last [`Self::finish`] (for a struct: closed rows).
    fn len(&self) -> usize;

    /// True when no slot was appended since the last [`Self::finish`].
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Brings the column to `len` slots: a struct first closes its open row (its fields that
    /// were not set get their placeholders), then placeholders are appended.
    fn fill(&mut self, len: usize) {
        while self.len() < len {
            self.append_placeholder();
        }
    }

    /// Drops every slot from `len` on, a half-built row included (an entry that failed).
    fn truncate(&mut self, len: usize);

    /// Reserves room for a batch like the last finished one, when a batch starts: its buffers
    /// are then allocated once instead of grown from empty. A builder whose buffers keep their
    /// room across batches (or that never finished one) reserves nothing.
    fn reserve_like_last(&mut self) {}

    /// The values appended since the last call, as an array of `field`'s type with validity
    /// `nulls`; the builder starts empty again.
    fn finish(
        &mut self,
        field: &FieldRef,
        nulls: Option<NullBuffer>,
    ) -> Result<ArrayRef, ArrowError>;
}

/// Wraps model struct definitions and derives, for each `pub struct Name => NameColumns,
/// NameArrays`: the struct itself (with the derives every model type has), the builder
/// `NameColumns` (one [`Columnar::Columns`] per field, in field order, or the builder given after
/// `=>`), the reader `NameArrays` (one [`Columnar::Reader`] per field), its Arrow
/// fields (`NameColumns::fields`: column name = field name, or the `as "name"` given, which is
/// the serde name too), its documentation (`NameColumns::SHAPE`, from the doc comments) and
/// `impl Columnar for Name`. Items and fields carry doc comments only.
macro_rules! columnar {
    (@builder $type:ty) => { <$type as $crate::table::columns::Columnar>::Columns };
    (@builder $type:ty, $builder:ty) => { $builder };
    (@name $field:ident) => { stringify!($field) };
    (@name $field:ident $column:literal) => { $column };
    ($(
        $(#[doc = $doc:literal])*
        pub struct $name:ident => $columns:ident, $reader:ident {
            $(
                $(#[doc = $field_doc:literal])*
                pub $field:ident $(as $column:literal)? : $type:ty $(=> $builder:ty)?
            ),* $(,)?
        }
    )*) => {$(
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
        pub struct $name {
            $(
                $(#[doc = $field_doc])*
                $(#[serde(rename = $column)])?
                pub $field: $type,
            )*
        }

        #[doc = concat!("Arrow column builders of [`", stringify!($name), "`], one per field.")]
        #[derive(Default)]
        pub struct $columns {
            $(
                #[doc = concat!("The column of `", stringify!($field), "`.")]
                pub $field: $crate::table::columns::columnar!(@builder $type $(, $builder)?),
            )*
            /// Rows closed; the open row (being set field by field) is the next one.
            rows: usize,
        }

        #[doc = concat!("Reads [`", stringify!($name), "`] values back from its columns, one reader per field.")]
        pub struct $reader<'a> {
            $(
                $field: <$type as $crate::table::columns::Columnar>::Reader<'a>,
            )*
        }

        impl<'a> $crate::table::read::ColumnReader<'a> for $reader<'a> {
            type Value = $name;

            fn new(
                array: &'a dyn arrow::array::Array,
                path: &str,
            ) -> Result<Self, arrow::error::ArrowError> {
                let array = $crate::table::read::struct_array(array, path)?;
                Ok($reader {$(
                    $field: {
                        let name = $crate::table::columns::columnar!(@name $field $($column)?);
                        let (column, path) = $crate::table::read::child(array, path, name)?;
                        $crate::table::read::ColumnReader::new(column, &path)?
                    },
                )*})
            }

            fn value(&self, row: usize) -> $name {
                $name {$(
                    $field: self.$field.value(row),
                )*}
            }
        }

        impl $crate::table::columns::Columnar for $name {
            type Columns = $columns;
            type Reader<'a> = $reader<'a>;
        }

        impl $crate::table::columns::StructColumns for $columns {
            fn row(&self) -> usize {
                self.rows
            }
        }

        impl $columns {
            /// The struct's documentation: its doc comment and its fields'.
            pub const SHAPE: $crate::table::columns::Shape = $crate::table::columns::Shape {
                name: stringify!($name),
                doc: concat!($($doc, "\n"),*),
                fields: &[$(
                    $crate::table::columns::FieldDoc {
                        name: $crate::table::columns::columnar!(@name $field $($column)?),
                        doc: concat!($($field_doc, "\n"),*),
                        shape: <$crate::table::columns::columnar!(@builder $type $(, $builder)?)
                            as $crate::table::columns::ColumnBuilder>::shape,
                    },
                )*],
            };

            /// The Arrow fields of the struct's columns, in declaration order.
            pub fn fields() -> arrow::datatypes::Fields {
                use $crate::table::columns::ColumnBuilder as _;
                arrow::datatypes::Fields::from(vec![$(
                    <$crate::table::columns::columnar!(@builder $type $(, $builder)?)>::field(
                        $crate::table::columns::columnar!(@name $field $($column)?),
                    ),
                )*])
            }

            /// The column of every one of `fields` (the struct's child fields, each found by
            /// name), in the order of `fields`; a builder whose field is not among them (a
            /// projection left it out) is emptied instead.
            pub fn finish_fields(
                &mut self,
                fields: &arrow::datatypes::Fields,
            ) -> Result<Vec<arrow::array::ArrayRef>, arrow::error::ArrowError> {
                use $crate::table::columns::ColumnBuilder as _;
                let mut arrays = $crate::table::columns::FieldArrays::new(stringify!($name), fields);
                $(
                    match arrays.field($crate::table::columns::columnar!(@name $field $($column)?)) {
                        Some((at, field)) => arrays.put(at, self.$field.finish(field, None)?),
                        None => self.$field.truncate(0),
                    }
                )*
                self.rows = 0;
                arrays.finish()
            }
        }

        impl $crate::table::columns::ColumnBuilder for $columns {
            type Value = $name;

            fn data_type() -> arrow::datatypes::DataType {
                arrow::datatypes::DataType::Struct(Self::fields())
            }

            fn shape() -> Option<&'static $crate::table::columns::Shape> {
                Some(&Self::SHAPE)
            }

            fn append(&mut self, value: &$name) {
                $( self.$field.append(&value.$field); )*
                self.rows += 1;
            }

            fn append_placeholder(&mut self) {
                $( self.$field.append_placeholder(); )*
                self.rows += 1;
            }

            fn len(&self) -> usize {
                self.rows
            }

            fn fill(&mut self, len: usize) {
                while self.rows < len {
                    $( self.$field.fill(self.rows + 1); )*
                    self.rows += 1;
                }
            }

            fn truncate(&mut self, len: usize) {
                $( self.$field.truncate(len); )*
                self.rows = self.rows.min(len);
            }

            fn reserve_like_last(&mut self) {
                $( self.$field.reserve_like_last(); )*
            }

            fn finish(
                &mut self,
                field: &arrow::datatypes::FieldRef,
                nulls: Option<arrow::buffer::NullBuffer>,
            ) -> Result<arrow::array::ArrayRef, arrow::error::ArrowError> {
                let children = $crate::table::columns::struct_children(field)?;
                let arrays = self.finish_fields(children)?;
                $crate::table::columns::struct_array(children, arrays, nulls)
            }
        }
    )*};
}
pub(crate) use columnar;

/// A model struct as documentation: `docs/SCHEMA.md` and `uniprot-etl schema` are written from
/// these, so the column descriptions are the model's doc comments.
#[derive(Debug)]
pub struct Shape {
    /// The struct's name, such as `DbReference`.
    pub name: &'static str,
    /// Its doc comment, one line per `///` line.
    pub doc: &'static str,
    /// Its fields, in column order.
    pub fields: &'static [FieldDoc],
}

/// One field of a [`Shape`].
#[derive(Debug)]
pub struct FieldDoc {
    /// The column name.
    pub name: &'static str,
    /// Its doc comment, one line per `///` line.
    pub doc: &'static str,
    /// The shape of its values when they are structs (directly, in a list, or optional).
    pub shape: fn() -> Option<&'static Shape>,
}

/// A struct's builder seen as rows that the parser fills field by field.
pub trait StructColumns {
    /// The index of the open row: a field has its value for it when its length is past this.
    fn row(&self) -> usize;

    /// True when `field` (one of this struct's columns) has its value for the open row.
    fn has<B: ColumnBuilder>(&self, field: &B) -> bool {
        field.len() > self.row()
    }
}

/// The arrays of a struct's child fields, each put at the position of its field, which is found
/// by name; names the struct in errors.
pub(crate) struct FieldArrays<'a> {
    owner: &'static str,
    fields: &'a Fields,
    arrays: Vec<Option<ArrayRef>>,
}

impl<'a> FieldArrays<'a> {
    /// No arrays yet for `fields`, the children of `owner`.
    pub(crate) fn new(owner: &'static str, fields: &'a Fields) -> Self {
        FieldArrays {
            owner,
            fields,
            arrays: vec![None; fields.len()],
        }
    }

    /// The position and the field of the builder named `name`; `None` when the schema (a
    /// projection of it) has no such field.
    pub(crate) fn field(&self, name: &str) -> Option<(usize, &'a FieldRef)> {
        self.fields.find(name)
    }

    /// Puts the array of the field at `at`.
    pub(crate) fn put(&mut self, at: usize, array: ArrayRef) {
        self.arrays[at] = Some(array);
    }

    /// Every field's array, in the fields' order; fails when a field has no builder.
    pub(crate) fn finish(self) -> Result<Vec<ArrayRef>, ArrowError> {
        let owner = self.owner;
        self.arrays
            .into_iter()
            .zip(self.fields.iter())
            .map(|(array, field)| {
                array.ok_or_else(|| {
                    ArrowError::SchemaError(format!(
                        "{owner}: schema field {} has no builder",
                        field.name()
                    ))
                })
            })
            .collect()
    }
}

/// The child fields of a struct-typed `field`.
pub(crate) fn struct_children(field: &FieldRef) -> Result<&Fields, ArrowError> {
    match field.data_type() {
        DataType::Struct(children) => Ok(children),
        other => Err(mismatch(field, "a struct", other)),
    }
}

/// A struct array of `arrays` (one per child field) with validity `nulls`.
pub(crate) fn struct_array(
    children: &Fields,
    arrays: Vec<ArrayRef>,
    nulls: Option<NullBuffer>,
) -> Result<ArrayRef, ArrowError> {
    Ok(Arc::new(StructArray::try_new(
        children.clone(),
        arrays,
        nulls,
    )?))
}

/// The error of a builder finished against a schema field of another type.
pub(crate) fn mismatch(field: &FieldRef, built: &str, schema: &DataType) -> ArrowError {
    ArrowError::SchemaError(format!(
        "column {} is built as {built} but the schema says {schema}",
        field.name()
    ))
}
