//! `EntryReader`: the document level of a UniProt XML stream.
//!
//! Checks the root (`<uniprot>` in one of UniProt's two namespace spellings), then yields one
//! entry per `<entry>`, keeps `<copyright>`, and insists on `</uniprot>` so that a truncated
//! file is an error even when its last entry is complete.

use std::collections::BTreeMap;
use std::io::BufRead;

use super::cursor::{ParseLimits, TopLevel, XmlCursor};
use super::entry::entry;
use crate::error::{ParseError, ParseErrorKind};
use crate::model::Entry;

/// The namespaces UniProt serves its XML in (FTP releases and newer services).
pub const UNIPROT_NAMESPACES: [&str; 2] =
    ["http://uniprot.org/uniprot", "https://uniprot.org/uniprot"];

/// Document-level content after the last entry.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocumentTrailer {
    /// The `<copyright>` text, if present.
    pub copyright: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    BeforeRoot,
    InRoot,
    Done,
}

/// Streams entries out of a UniProt XML document.
pub struct EntryReader<R> {
    cursor: XmlCursor<R>,
    state: State,
    trailer: DocumentTrailer,
}

impl<R: BufRead> EntryReader<R> {
    /// Starts reading `input`; with `strict`, unmapped elements or attributes are errors.
    pub fn new(input: R, strict: bool, limits: ParseLimits) -> Self {
        EntryReader {
            cursor: XmlCursor::new(input, strict, limits),
            state: State::BeforeRoot,
            trailer: DocumentTrailer::default(),
        }
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

    /// The next entry, `None` after `</uniprot>` and end of input.
    pub fn next_entry(&mut self) -> Result<Option<Entry>, ParseError> {
        loop {
            match self.state {
                State::BeforeRoot => self.read_root()?,
                State::InRoot => {
                    if let Some(entry) = self.read_in_root()? {
                        return Ok(Some(entry));
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

    fn read_in_root(&mut self) -> Result<Option<Entry>, ParseError> {
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
        let result = match tag.local_name() {
            "entry" => self.cursor.at_top_level(&tag, entry).map(Some),
            "copyright" if self.trailer.copyright.is_none() => {
                let text = self
                    .cursor
                    .at_top_level(&tag, |cur, tag| cur.plain_text(tag))?;
                self.trailer.copyright = Some(text);
                Ok(None)
            }
            _ => {
                return self.cursor.skip_top_level(tag).map(|()| None);
            }
        };
        self.cursor.recycle(tag);
        result
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
