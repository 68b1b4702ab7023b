//! The streaming UniProt XML parser: quick-xml events in, one [`Entry`](crate::model::Entry) at a
//! time out, no DOM.
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
mod guard;
mod organism;
mod protein;
mod reference;
mod xref;

pub use cursor::{ParseLimits, Tag, XmlCursor};
pub use document::{DocumentTrailer, EntryReader, Item, Rejected};

#[cfg(test)]
mod limit_tests;
#[cfg(test)]
mod tests;
