//! The UniProt XML parser: a document in memory in (a chunk of the input), one
//! [`Entry`](crate::model::Entry) at a time out, no DOM. [`lexer`] tokenizes, [`text`] resolves
//! references.
//!
//! [`EntryReader`] handles the document (root check, copyright, end); each element family has its
//! own file and is written against [`XmlCursor`]. This module never imports Arrow or Parquet and
//! never touches the file system.

/// Sets an optional single-valued slot from a child element; a repeated element is left
/// unclaimed (`return Ok(false)`), so the cursor counts it as unmapped instead of overwriting.
macro_rules! once {
    ($slot:expr, $value:expr) => {{
        if $slot.is_some() {
            return Ok(false);
        }
        $slot = Some($value);
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
mod xref;

pub use cursor::{ParseLimits, Tag, XmlCursor};
pub use document::{DocumentTrailer, EntryReader, Item, Rejected};
pub use lexer::{LexError, LexErrorKind, Lexer, RawAttribute, Token};
pub use text::{append_cdata, append_text, attribute_value};

#[cfg(test)]
mod limit_tests;
#[cfg(test)]
mod tests;
