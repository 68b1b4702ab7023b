//! The row format: the model (plain data, one struct per element family of the UniProt XSD),
//! the typed Arrow column builders each declaration yields, the schema derived from those same
//! declarations, and the batch of a whole entry.
//!
//! One source: a struct declared in [`model`] (inside [`columns::columnar!`]) gives its fields,
//! its builders (made of the [`leaf`] builders) and its Arrow fields; [`schema`] is the entry's
//! fields, and every builder finds its schema field by name, so a [`projection`] of the schema
//! (the columns a caller asks for) is built by the same builders. Knows no XML (the parser
//! writes into these builders) and no Parquet (the writer encodes what these build).

pub mod batch;
pub mod columns;
pub mod conform;
mod date;
pub mod docs;
pub mod leaf;
pub mod model;
pub mod projection;
pub mod read;
pub mod schema;

pub use self::batch::EntryBatchBuilder;
pub use self::columns::{ColumnBuilder, Columnar, FieldDoc, Shape, StructColumns};
pub use self::leaf::{
    BooleanColumns, DictionaryColumns, ListColumns, NullableColumns, PrimitiveColumns, Utf8Columns,
};
pub use self::model::Entry;
pub use self::projection::{Projection, UnknownColumn};

#[cfg(test)]
mod tests;
