//! The UniProt XML parser: a document in memory in (a chunk of the input), one
//! [`Entry`](crate::table::model::Entry) at a time out, no DOM. [`lexer`] tokenizes, [`text`] resolves
//! references.
//!
//! [`EntryReader`] handles the document (root check, copyright, end); each element family has its
//! own file and is written against [`XmlCursor`]. This module never imports Arrow or Parquet and
//! never touches the file system.

/// Claims a single-valued child element through a setter that answers `false` when the row has
/// the value already: a repeated element is then left unclaimed (`return Ok(false)`), so the
/// cursor counts it as unmapped instead of writing the row twice.
macro_rules! once {
    ($set:expr) => {{
        if !$set? {
            return Ok(false);
        }
    }};
}

mod comment;
mod cursor;
mod document;
mod entry;
mod evidence;
mod feature;
mod lexer;
mod organism;
mod protein;
mod reference;
mod text;
pub(crate) use self::text::shown;
mod xref;

pub use cursor::{ParseLimits, Tag, XmlCursor};
#[cfg(feature = "readback")]
pub use document::Item;
pub use document::{DocumentTrailer, EntryReader, Rejected, Step};
pub use entry::EntryElements;
pub use lexer::{LexError, LexErrorKind, Lexer, RawAttribute, Token};
pub use text::{append_cdata, append_text, attribute_value};

#[cfg(test)]
mod limit_tests;
#[cfg(test)]
mod tests;
