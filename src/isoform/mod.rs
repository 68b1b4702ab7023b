//! Isoforms as rows of a derived table: their sequences built from the entry's own splice
//! variants, and the entry's positional features mapped onto each of them.
//!
//! [`edit`] holds the sequence arithmetic (variants checked and applied, coordinates mapped),
//! [`row`] the table's rows and schema (declared like the entry's model), [`derive`] the rows
//! of a batch of the main table, and [`crc64`] UniProt's sequence checksum. Knows Arrow and the
//! main table's columns; never XML, never Parquet.

pub mod crc64;
pub mod derive;
pub mod edit;
pub mod row;

pub use self::crc64::crc64;
pub use self::derive::{derive, IsoformCounts, SOURCE_COLUMNS};
pub use self::row::{schema, IsoformRow, MappedFeature};
