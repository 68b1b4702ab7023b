//! `EntryReader`: the document level of a UniProt XML stream.
//!
//! Checks the root (`<uniprot>` in one of UniProt's two namespace spellings), then reads one
//! entry per `<entry>` — as a row appended to the caller's column builders
//! ([`EntryReader::next_into`], the pipeline's way: no model value is built), or as a model
//! `Entry` (`EntryReader::next_item`, feature `readback`, for tests and fuzzing: the row read
//! back) —, keeps
//! `<copyright>`, and insists on `</uniprot>` so that a truncated file is an error even when its
//! last entry is complete.
//!
//! Under `parser.on_error: skip` an entry with a recoverable problem (see
//! [`ParseErrorKind::recoverable`]) is read to its end tag and handed out as a [`Rejected`]
//! with its raw bytes, so the caller can keep it; its half-built row is dropped from the
//! columns, and nothing is dropped silently.

use std::collections::BTreeMap;

use super::cursor::{ParseLimits, TopLevel, XmlCursor};
use super::entry::{entry, EntryElements};
use crate::config::OnError;
#[cfg(feature = "readback")]
use crate::error::ReadBackError;
use crate::error::{ParseError, ParseErrorKind};
#[cfg(feature = "readback")]
use crate::table::batch::EntryBatchBuilder;
#[cfg(feature = "readback")]
use crate::table::model::Entry;
use crate::table::model::EntryColumns;
use crate::table::ColumnBuilder;

/// The namespaces UniProt serves its XML in (FTP releases and newer services).
pub const UNIPROT_NAMESPACES: [&str; 2] =
    ["http://uniprot.org/uniprot", "https://uniprot.org/uniprot"];

/// Document-level content after the last entry.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocumentTrailer {
    /// The `<copyright>` text, if present.
    pub copyright: Option<String>,
}

/// What the reader yields: a parsed entry, or (under `on_error: skip`) a rejected one.
#[cfg(feature = "readback")]
// Entries are the hot path (boxing would allocate once per entry); rejects are rare.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Item {
    /// A complete, valid entry.
    Entry(Entry),
    /// An entry with a recoverable problem, skipped.
    Rejected(Rejected),
}

/// What [`EntryReader::next_into`] read.
#[derive(Debug)]
pub enum Step {
    /// A complete, valid entry: one row appended to the columns.
    Entry,
    /// An entry with a recoverable problem, skipped (no row appended).
    Rejected(Rejected),
}

/// An entry the parser could not convert, with what is needed to keep it.
#[derive(Debug)]
pub struct Rejected {
    /// Why (position and accession included).
    pub error: ParseError,
    /// Byte offset of the entry's start tag.
    pub start: u64,
    /// Byte offset just past its end tag.
    pub end: u64,
    /// Its raw bytes, verbatim; `None` when it is larger than `max_entry_bytes` (then only
    /// the byte range `start..end` identifies it).
    pub raw: Option<Vec<u8>>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    BeforeRoot,
    InRoot,
    Done,
}

/// Reads entries out of a UniProt XML document held in memory (a chunk of the input, a test's
/// string): the entries are parsed one at a time, never all at once.
pub struct EntryReader<'a> {
    cursor: XmlCursor<'a>,
    state: State,
    trailer: DocumentTrailer,
    on_error: OnError,
    /// The child elements of `<entry>` read (the others are skipped).
    elements: EntryElements,
    /// The columns [`Self::next_item`] reads one entry into and back out of.
    #[cfg(feature = "readback")]
    single: Option<Box<EntryBatchBuilder>>,
}

impl<'a> EntryReader<'a> {
    /// Starts reading `input`; with `strict`, unmapped elements or attributes are errors.
    pub fn new(input: &'a [u8], strict: bool, limits: ParseLimits) -> Self {
        EntryReader {
            cursor: XmlCursor::new(input, strict, limits),
            state: State::BeforeRoot,
            trailer: DocumentTrailer::default(),
            on_error: OnError::Fail,
            elements: EntryElements::ALL,
            #[cfg(feature = "readback")]
            single: None,
        }
    }

    /// Sets the policy for recoverable per-entry problems (default: fail).
    pub fn with_on_error(mut self, on_error: OnError) -> Self {
        self.on_error = on_error;
        self
    }

    /// Reads only the child elements of `<entry>` in `elements` (default: all); the columns of
    /// the others stay empty.
    pub fn with_elements(mut self, elements: EntryElements) -> Self {
        self.elements = elements;
        self
    }

    /// Bytes of XML consumed so far.
    pub fn position(&self) -> u64 {
        self.cursor.position()
    }

    /// Unmapped element/attribute paths and their counts so far, sorted by path.
    pub fn unmapped(&self) -> BTreeMap<String, u64> {
        self.cursor
            .unmapped()
            .iter()
            .map(|(path, count)| (path.clone(), *count))
            .collect()
    }

    /// Document-level content seen so far (complete once [`Self::next_entry`] returned `None`).
    pub fn trailer(&self) -> &DocumentTrailer {
        &self.trailer
    }

    /// The next entry, `None` after `</uniprot>` and end of input; a rejected entry (only
    /// under `on_error: skip`) is returned as its error.
    #[cfg(feature = "readback")]
    pub fn next_entry(&mut self) -> Result<Option<Entry>, ParseError> {
        match self.next_item()? {
            Some(Item::Entry(entry)) => Ok(Some(entry)),
            Some(Item::Rejected(rejected)) => Err(rejected.error),
            None => Ok(None),
        }
    }

    /// The next entry or rejected entry as a model value, `None` after `</uniprot>` and end of
    /// input: the entry is read into columns of its own and read back (tests, fuzzing; the
    /// pipeline uses [`Self::next_into`]).
    #[cfg(feature = "readback")]
    pub fn next_item(&mut self) -> Result<Option<Item>, ParseError> {
        let mut single = self.single.take().unwrap_or_default();
        let item = self.read_item(&mut single);
        self.single = Some(single);
        item
    }

    #[cfg(feature = "readback")]
    fn read_item(&mut self, single: &mut EntryBatchBuilder) -> Result<Option<Item>, ParseError> {
        match self.next_into(single.columns_mut())? {
            Some(Step::Entry) => {
                let read_back = single
                    .finish_entries()
                    .and_then(|mut entries| entries.pop().ok_or(ReadBackError::NoRow));
                match read_back {
                    Ok(entry) => Ok(Some(Item::Entry(entry))),
                    Err(error) => Err(self.cursor.error(ParseErrorKind::ReadBack(error))),
                }
            }
            Some(Step::Rejected(rejected)) => Ok(Some(Item::Rejected(rejected))),
            None => Ok(None),
        }
    }

    /// Reads the next entry into a row appended to `out`, or the next rejected entry; `None`
    /// after `</uniprot>` and end of input. On an error `out` holds exactly the rows it held.
    pub fn next_into(&mut self, out: &mut EntryColumns) -> Result<Option<Step>, ParseError> {
        loop {
            match self.state {
                State::BeforeRoot => self.read_root()?,
                State::InRoot => {
                    if let Some(step) = self.read_in_root(out)? {
                        return Ok(Some(step));
                    }
                }
                State::Done => return self.read_epilogue().map(|()| None),
            }
        }
    }

    fn read_root(&mut self) -> Result<(), ParseError> {
        let tag = match self.cursor.next_top_level()? {
            TopLevel::Element(tag) => tag,
            TopLevel::End | TopLevel::Eof => {
                return Err(self
                    .cursor
                    .error(ParseErrorKind::WrongRoot("no root element found".into())))
            }
        };
        if tag.local_name() != "uniprot" {
            let found = tag.qualified_name().to_owned();
            return Err(self.cursor.error(ParseErrorKind::WrongRoot(format!(
                "root element is <{found}>, expected <uniprot>"
            ))));
        }
        let prefix = tag
            .qualified_name()
            .strip_suffix("uniprot")
            .unwrap_or_default();
        let ns_attr = match prefix.strip_suffix(':') {
            Some(prefix) => format!("xmlns:{prefix}"),
            None => "xmlns".to_owned(),
        };
        let namespace = tag.namespace_declaration(&ns_attr);
        if !namespace
            .as_deref()
            .is_some_and(|ns| UNIPROT_NAMESPACES.contains(&ns))
        {
            let found =
                namespace.map_or("no namespace".to_owned(), |ns| format!("namespace {ns:?}"));
            return Err(self.cursor.error(ParseErrorKind::WrongRoot(format!(
                "<uniprot> has {found}, expected one of {UNIPROT_NAMESPACES:?}"
            ))));
        }
        self.state = if tag.is_empty() {
            State::Done
        } else {
            State::InRoot
        };
        self.cursor.recycle(tag);
        Ok(())
    }

    fn read_in_root(&mut self, out: &mut EntryColumns) -> Result<Option<Step>, ParseError> {
        let tag = match self.cursor.next_top_level()? {
            TopLevel::Element(tag) => tag,
            TopLevel::End => {
                self.state = State::Done;
                return Ok(None);
            }
            TopLevel::Eof => {
                return Err(self.cursor.error(ParseErrorKind::Truncated(
                    "before </uniprot> (file cut short?)",
                )))
            }
        };
        let elements = self.elements;
        let result = match tag.local_name() {
            "entry" => {
                let row = out.len();
                match self
                    .cursor
                    .at_top_level(&tag, |cur, tag| entry(cur, tag, out, elements))
                {
                    Ok(()) => {
                        out.fill(row + 1);
                        // Errors after this entry must not name it as the one in progress.
                        self.cursor.accession = None;
                        Ok(Some(Step::Entry))
                    }
                    Err(error) => {
                        out.truncate(row);
                        if self.on_error == OnError::Skip && error.kind.recoverable() {
                            self.reject(error).map(|r| Some(Step::Rejected(r)))
                        } else {
                            Err(error)
                        }
                    }
                }
            }
            "copyright" if self.trailer.copyright.is_none() => {
                let text = self
                    .cursor
                    .at_top_level(&tag, |cur, tag| cur.plain_text(tag))?;
                self.trailer.copyright = Some(text.into_owned());
                Ok(None)
            }
            _ => {
                return self.cursor.skip_top_level(tag).map(|()| None);
            }
        };
        self.cursor.recycle(tag);
        result
    }

    /// Reads the rest of a failed entry and packs its raw bytes.
    fn reject(&mut self, error: ParseError) -> Result<Rejected, ParseError> {
        self.cursor.recover_to_depth(1)?;
        self.cursor.accession = None;
        let end = self.cursor.position();
        let (bytes, element_start, truncated) = self.cursor.captured();
        let blank = bytes.iter().take_while(|b| b.is_ascii_whitespace()).count();
        let raw = (!truncated).then(|| bytes[blank..].to_vec());
        Ok(Rejected {
            error,
            start: element_start + blank as u64,
            end,
            raw,
        })
    }

    fn read_epilogue(&mut self) -> Result<(), ParseError> {
        match self.cursor.next_top_level()? {
            TopLevel::Eof => Ok(()),
            TopLevel::Element(_) | TopLevel::End => Err(self
                .cursor
                .error(ParseErrorKind::Xml("content after </uniprot>".into()))),
        }
    }
}
