//! `XmlCursor`: the pull loop over quick-xml events that every element parser is written against.
//!
//! It owns the one reused event buffer, the current element path (for `unmapped` reporting and
//! error messages) and the unmapped counters. Element parsers receive a [`Tag`] (an owned copy of
//! the start tag, taken from a pool so no allocation happens per element once warm), read its
//! attributes with [`XmlCursor::attrs`], and walk its children with [`XmlCursor::children`];
//! whatever a parser does not claim is counted by path and skipped, never dropped silently.
//! It never builds a tree: memory is one buffer plus the entry being filled. Every event is read
//! through a [`TokenGuard`] that bounds its size in bytes, and the cursor counts open elements
//! (depth) and the bytes of the top-level element in progress against [`ParseLimits`], so
//! hostile input cannot exhaust memory or the stack.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::io::BufRead;

use chrono::NaiveDate;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use super::guard::TokenGuard;
use crate::config::ParserSettings;
use crate::error::{ParseError, ParseErrorKind};
use crate::model::Date;

/// Limits that keep hostile input from exhausting memory; real UniProt stays far below them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseLimits {
    /// Largest accepted text content of one element, and largest single XML token, in bytes.
    pub max_text_bytes: usize,
    /// Largest accepted top-level element (`<entry>`), in bytes of XML.
    pub max_entry_bytes: u64,
    /// Deepest accepted element nesting (`<uniprot>` is depth 1).
    pub max_depth: usize,
}

impl ParseLimits {
    /// The limits configured in `settings`.
    pub fn from_settings(settings: &ParserSettings) -> Self {
        ParseLimits {
            max_text_bytes: settings.max_text_bytes,
            max_entry_bytes: settings.max_entry_bytes,
            max_depth: settings.max_depth,
        }
    }
}

impl Default for ParseLimits {
    fn default() -> Self {
        ParseLimits::from_settings(&ParserSettings::default())
    }
}

/// An owned start tag: element name and raw attributes, copied out of the event buffer.
#[derive(Debug, Default)]
pub struct Tag {
    content: String,
    name_len: usize,
    /// Where the local name starts (past the prefix's `:`), found once per tag: element
    /// parsers match on the local name several times.
    local_start: usize,
    empty: bool,
}

impl Tag {
    /// The element's local name (prefix removed).
    pub fn local_name(&self) -> &str {
        &self.content[self.local_start..self.name_len]
    }

    /// The element's qualified name as written.
    pub fn qualified_name(&self) -> &str {
        &self.content[..self.name_len]
    }

    /// True for `<x/>`: such an element has no children and no text.
    pub fn is_empty(&self) -> bool {
        self.empty
    }

    /// The value of namespace declaration `attr` (`xmlns` or `xmlns:prefix`) on this tag.
    pub fn namespace_declaration(&self, attr: &str) -> Option<String> {
        self.as_start()
            .attributes()
            .flatten()
            .find(|a| a.key.as_ref() == attr)
            .and_then(|a| {
                a.normalized_value(XmlVersion::Implicit1_0)
                    .ok()
                    .map(|v| v.into_owned())
            })
    }

    fn as_start(&self) -> BytesStart<'_> {
        BytesStart::from_content(self.content.as_str(), self.name_len)
    }
}

/// Where the local part of a qualified name starts: past the prefix's `:`, if any. A plain
/// loop: names are a few bytes, too short for the vectorised searches to pay off.
fn local_start(qualified: &str) -> usize {
    qualified
        .bytes()
        .rposition(|byte| byte == b':')
        .map_or(0, |colon| colon + 1)
}

/// The attribute names of one start tag read so far, to refuse a repeated one (not well-formed
/// XML). The usual few stay on the stack; past them a hash set keeps a hostile tag with
/// millions of attributes linear.
#[derive(Default)]
struct SeenKeys<'a> {
    few: [&'a str; SeenKeys::FEW],
    len: usize,
    many: HashSet<&'a str>,
}

impl<'a> SeenKeys<'a> {
    const FEW: usize = 8;

    /// Records `key`; false when the tag had it already.
    fn insert(&mut self, key: &'a str) -> bool {
        if self.few[..self.len].contains(&key) {
            return false;
        }
        if self.len < Self::FEW {
            self.few[self.len] = key;
            self.len += 1;
            return true;
        }
        self.many.insert(key)
    }
}

/// A value that is not of the expected form (number, date, boolean); the cursor adds the path.
#[derive(Debug)]
pub struct BadValue {
    what: &'static str,
    value: String,
}

/// Result of interpreting one attribute or text value.
pub type ValueResult<T> = Result<T, BadValue>;

fn bad(what: &'static str, value: &str) -> BadValue {
    const SHOWN_CHARS: usize = 80;
    BadValue {
        what,
        value: value.chars().take(SHOWN_CHARS).collect(),
    }
}

/// Parses a decimal integer, rejecting overflow and junk.
pub fn int<T: std::str::FromStr>(value: &str) -> ValueResult<T> {
    value.trim().parse().map_err(|_| bad("integer", value))
}

/// Parses a count or a sequence coordinate: a decimal integer that must not be negative.
pub fn count<T: std::str::FromStr + Default + PartialOrd>(value: &str) -> ValueResult<T> {
    match value.trim().parse::<T>() {
        Ok(v) if v >= T::default() => Ok(v),
        _ => Err(bad("non-negative integer", value)),
    }
}

/// Parses a floating-point number.
pub fn float(value: &str) -> ValueResult<f64> {
    match value.trim().parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(bad("number", value)),
    }
}

/// Parses an `xs:date` (`YYYY-MM-DD`), rejecting impossible dates.
pub fn date(value: &str) -> ValueResult<Date> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d")
        .map(Date)
        .map_err(|_| bad("date", value))
}

/// Parses an `xs:boolean` (`true`, `false`, `1`, `0`).
pub fn boolean(value: &str) -> ValueResult<bool> {
    match value.trim() {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        _ => Err(bad("boolean", value)),
    }
}

/// Appends the resolution of a character reference or predefined entity to `out`.
fn push_reference(reference: &BytesRef<'_>, out: &mut String) -> Result<(), ParseErrorKind> {
    match reference.resolve_char_ref() {
        Ok(Some(ch)) => out.push(ch),
        Ok(None) => match quick_xml::escape::resolve_predefined_entity(reference) {
            Some(s) => out.push_str(s),
            None => {
                return Err(ParseErrorKind::Xml(format!(
                    "unknown entity &{}; (no DTD entities are honoured)",
                    &**reference
                )))
            }
        },
        Err(e) => return Err(ParseErrorKind::Xml(e.to_string())),
    }
    Ok(())
}

/// The pull loop over one XML stream; see the module docs.
pub struct XmlCursor<R> {
    reader: Reader<TokenGuard<R>>,
    buf: Vec<u8>,
    tag_pool: Vec<Tag>,
    path: String,
    unmapped: HashMap<String, u64>,
    strict: bool,
    limits: ParseLimits,
    /// Elements currently open (start tag read, end tag not yet).
    depth: usize,
    /// Position where the current top-level element (and its leading blank text) began.
    element_start: u64,
    /// Position where the event being read began.
    event_start: u64,
    /// Skipping the rest of a rejected entry: the entry size limit no longer applies.
    recovering: bool,
    /// Accession of the entry in progress, named in errors.
    pub(crate) accession: Option<String>,
}

/// What [`XmlCursor::next_top_level`] found between top-level elements.
pub enum TopLevel {
    /// A start tag (or empty element).
    Element(Tag),
    /// The end tag of the enclosing element.
    End,
    /// End of input.
    Eof,
}

impl<R: BufRead> XmlCursor<R> {
    /// Wraps a buffered reader; `strict` turns every unmapped element or attribute into an error.
    pub fn new(input: R, strict: bool, limits: ParseLimits) -> Self {
        let guard = TokenGuard::new(input, limits.max_text_bytes as u64);
        let mut reader = Reader::from_reader(guard);
        let config = reader.config_mut();
        config.check_end_names = true;
        config.expand_empty_elements = false;
        config.trim_text(false);
        XmlCursor {
            reader,
            buf: Vec::with_capacity(64 * 1024),
            tag_pool: Vec::new(),
            path: String::new(),
            unmapped: HashMap::new(),
            strict,
            limits,
            depth: 0,
            element_start: 0,
            event_start: 0,
            recovering: false,
            accession: None,
        }
    }

    /// Keeps a copy of the raw bytes of each top-level element (for rejected entries).
    pub fn enable_capture(&mut self) {
        let cap = usize::try_from(self.limits.max_entry_bytes).unwrap_or(usize::MAX);
        self.reader.get_mut().enable_capture(cap);
    }

    /// The raw bytes of the current top-level element so far (with its leading blank text),
    /// the position they start at, and whether the capture cap cut them short.
    pub fn captured(&self) -> (&[u8], u64, bool) {
        let (bytes, truncated) = self.reader.get_ref().captured();
        (bytes, self.element_start, truncated)
    }

    /// Starts reading one event: checks the size of the top-level element so far, resets the
    /// per-event budget and the buffer.
    fn prepare_read(&mut self) -> Result<(), ParseError> {
        let position = self.reader.buffer_position();
        if !self.recovering && position - self.element_start > self.limits.max_entry_bytes {
            return Err(self.error(ParseErrorKind::Limit {
                message: format!(
                    "element starting at byte {} exceeds parser.max_entry_bytes ({} bytes)",
                    self.element_start, self.limits.max_entry_bytes
                ),
                recoverable: true,
            }));
        }
        self.event_start = position;
        self.reader.get_mut().start_event();
        self.buf.clear();
        Ok(())
    }

    /// Records a start tag just read; nesting beyond `max_depth` is an error.
    fn opened(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > self.limits.max_depth {
            return Err(self.error(ParseErrorKind::Limit {
                message: format!(
                    "elements nested deeper than parser.max_depth ({})",
                    self.limits.max_depth
                ),
                recoverable: false,
            }));
        }
        Ok(())
    }

    /// Records an end tag just read.
    fn closed(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// Bytes of XML consumed so far.
    pub fn position(&self) -> u64 {
        self.reader.buffer_position()
    }

    /// Counts of unmapped elements/attributes by path, accumulated so far.
    pub fn unmapped(&self) -> &HashMap<String, u64> {
        &self.unmapped
    }

    /// An error at the current position, naming the entry in progress.
    pub fn error(&self, kind: ParseErrorKind) -> ParseError {
        ParseError {
            offset: self.reader.buffer_position(),
            accession: self.accession.clone(),
            kind,
        }
    }

    fn xml_error(&self, err: quick_xml::Error) -> ParseError {
        if self.reader.get_ref().tripped() {
            return ParseError {
                offset: self.event_start,
                accession: self.accession.clone(),
                kind: ParseErrorKind::Limit {
                    message: format!(
                        "an XML token (text, tag or comment) starting here exceeds parser.max_text_bytes ({} bytes)",
                        self.limits.max_text_bytes
                    ),
                    recoverable: false,
                },
            };
        }
        // quick-xml sets its error position for syntax errors only; a read error happens at
        // the current position.
        let offset = match err {
            quick_xml::Error::Io(_) => self.reader.buffer_position(),
            _ => self.reader.error_position(),
        };
        let kind = match err {
            quick_xml::Error::Io(io) => ParseErrorKind::Io(io.to_string()),
            quick_xml::Error::IllFormed(quick_xml::errors::IllFormedError::MissingEndTag(name)) => {
                ParseErrorKind::Xml(format!("input ended inside <{name}>"))
            }
            other => ParseErrorKind::Xml(other.to_string()),
        };
        ParseError {
            offset,
            accession: self.accession.clone(),
            kind,
        }
    }

    fn bad_value(&self, at: &str, err: BadValue) -> ParseError {
        self.error(ParseErrorKind::InvalidValue {
            what: err.what,
            value: err.value,
            path: format!("{}{at}", self.path),
        })
    }

    /// Interprets `raw` (the text of the current element) with `parse`, naming the path on failure.
    pub fn value<T>(&self, raw: &str, parse: fn(&str) -> ValueResult<T>) -> Result<T, ParseError> {
        parse(raw).map_err(|e| self.bad_value("", e))
    }

    fn record_unmapped(&mut self, suffix: &str) -> Result<(), ParseError> {
        let path = format!("{}{suffix}", self.path);
        if self.strict {
            return Err(self.error(ParseErrorKind::Unmapped(path)));
        }
        *self.unmapped.entry(path).or_insert(0) += 1;
        Ok(())
    }

    fn take_tag(pool: &mut Vec<Tag>, start: &BytesStart<'_>, empty: bool) -> Tag {
        let mut tag = pool.pop().unwrap_or_default();
        tag.content.clear();
        tag.content.push_str(start);
        tag.name_len = start.name().as_ref().len();
        tag.local_start = local_start(tag.qualified_name());
        tag.empty = empty;
        tag
    }

    /// Returns a tag to the pool so its allocation is reused.
    pub fn recycle(&mut self, tag: Tag) {
        self.tag_pool.push(tag);
    }

    /// Calls `on_attr(local_name, value)` for each attribute of `tag`, values unescaped.
    ///
    /// `on_attr` returns `Ok(false)` for an attribute it does not map; that is counted as
    /// unmapped at `path@name`. Namespace declarations (`xmlns`, `xmlns:*`) are not data and
    /// are skipped.
    pub fn attrs(
        &mut self,
        tag: &Tag,
        mut on_attr: impl FnMut(&str, Cow<'_, str>) -> ValueResult<bool>,
    ) -> Result<(), ParseError> {
        let start = tag.as_start();
        let mut attributes = start.attributes();
        // quick-xml's own duplicate check allocates a list per tag; `SeenKeys` does not.
        attributes.with_checks(false);
        let mut seen = SeenKeys::default();
        for attr in attributes {
            let attr = attr.map_err(|e| self.error(ParseErrorKind::Xml(e.to_string())))?;
            let key = attr.key.0;
            if !seen.insert(key) {
                return Err(self.error(ParseErrorKind::Xml(format!(
                    "duplicated attribute `{key}` in <{}>",
                    tag.qualified_name()
                ))));
            }
            if key == "xmlns" || key.starts_with("xmlns:") {
                continue;
            }
            let local = &key[local_start(key)..];
            let value = attr
                .normalized_value(XmlVersion::Implicit1_0)
                .map_err(|e| self.xml_error(e))?;
            let mapped =
                on_attr(local, value).map_err(|e| self.bad_value(&format!("@{key}"), e))?;
            if !mapped {
                self.record_unmapped(&format!("@{key}"))?;
            }
        }
        Ok(())
    }

    /// Reads the attributes of an element that has none in the schema: any found is unmapped.
    pub fn no_attrs(&mut self, tag: &Tag) -> Result<(), ParseError> {
        self.attrs(tag, |_, _| Ok(false))
    }

    /// Reads the text of an element that has no attributes in the schema.
    pub fn plain_text(&mut self, tag: &Tag) -> Result<String, ParseError> {
        self.no_attrs(tag)?;
        self.text(tag)
    }

    /// Walks the child elements of `tag` until its end tag.
    ///
    /// `on_child` gets each child's tag with the path already extended; it either consumes the
    /// child completely (via [`Self::text`], [`Self::children`], …) and returns `Ok(true)`, or
    /// returns `Ok(false)` and the child is counted as unmapped and skipped. Non-blank text
    /// directly inside `tag` is counted as unmapped `path/#text`.
    pub fn children(
        &mut self,
        tag: &Tag,
        on_child: impl FnMut(&mut Self, &Tag) -> Result<bool, ParseError>,
    ) -> Result<(), ParseError> {
        self.walk(tag, None, on_child)
    }

    /// Like [`Self::children`], but also returns text placed directly inside `tag` (older
    /// releases put text where newer ones have a `<text>` child). Blank text is ignored.
    pub fn children_and_text(
        &mut self,
        tag: &Tag,
        on_child: impl FnMut(&mut Self, &Tag) -> Result<bool, ParseError>,
    ) -> Result<String, ParseError> {
        let mut text = String::new();
        self.walk(tag, Some(&mut text), on_child)?;
        if text.trim().is_empty() {
            text.clear();
        }
        Ok(text)
    }

    fn walk(
        &mut self,
        tag: &Tag,
        mut text: Option<&mut String>,
        mut on_child: impl FnMut(&mut Self, &Tag) -> Result<bool, ParseError>,
    ) -> Result<(), ParseError> {
        if tag.empty {
            return Ok(());
        }
        loop {
            self.prepare_read()?;
            let child = match self.reader.read_event_into(&mut self.buf) {
                Ok(Event::Start(e)) => Self::take_tag(&mut self.tag_pool, &e, false),
                Ok(Event::Empty(e)) => Self::take_tag(&mut self.tag_pool, &e, true),
                Ok(Event::End(_)) => {
                    self.closed();
                    return Ok(());
                }
                Ok(Event::Text(t)) => {
                    if let Some(text) = text.as_deref_mut() {
                        text.push_str(&t.xml10_content());
                    } else if !t.trim_ascii().is_empty() {
                        self.record_unmapped("/#text")?;
                    }
                    continue;
                }
                Ok(Event::CData(c)) => {
                    if let Some(text) = text.as_deref_mut() {
                        text.push_str(&c);
                    } else {
                        self.record_unmapped("/#text")?;
                    }
                    continue;
                }
                Ok(Event::GeneralRef(r)) => {
                    if let Some(text) = text.as_deref_mut() {
                        if let Err(kind) = push_reference(&r, text) {
                            return Err(self.error(kind));
                        }
                    } else {
                        self.record_unmapped("/#text")?;
                    }
                    continue;
                }
                Ok(Event::Comment(_) | Event::PI(_)) => continue,
                Ok(Event::Decl(_)) => {
                    return Err(self.error(ParseErrorKind::Xml(
                        "XML declaration inside an element".into(),
                    )))
                }
                Ok(Event::DocType(_)) => return Err(self.error(ParseErrorKind::Doctype)),
                Ok(Event::Eof) => {
                    return Err(self.error(ParseErrorKind::Truncated(
                        "inside an element (file cut short?)",
                    )))
                }
                Err(e) => return Err(self.xml_error(e)),
            };
            if !child.empty {
                if let Err(e) = self.opened() {
                    self.recycle(child);
                    return Err(e);
                }
            }
            let restore = self.path.len();
            self.path.push('/');
            self.path.push_str(child.local_name());
            let result = match on_child(self, &child) {
                Ok(true) => Ok(()),
                Ok(false) => self.record_unmapped("").and_then(|()| self.skip(&child)),
                Err(e) => Err(e),
            };
            self.path.truncate(restore);
            self.recycle(child);
            result?;
        }
    }

    /// Skips the whole content of `tag` (already opened).
    pub fn skip(&mut self, tag: &Tag) -> Result<(), ParseError> {
        if tag.empty {
            return Ok(());
        }
        self.skip_to_depth(self.depth.saturating_sub(1))
    }

    /// Reads and discards events until only `depth` elements are open. Every event is still
    /// size-checked and well-formedness is still enforced by quick-xml.
    pub fn skip_to_depth(&mut self, depth: usize) -> Result<(), ParseError> {
        while self.depth > depth {
            self.prepare_read()?;
            match self.reader.read_event_into(&mut self.buf) {
                Ok(Event::Start(_)) => self.opened()?,
                Ok(Event::End(_)) => self.closed(),
                Ok(Event::Eof) => {
                    return Err(self.error(ParseErrorKind::Truncated(
                        "inside an element (file cut short?)",
                    )))
                }
                Ok(Event::DocType(_)) => return Err(self.error(ParseErrorKind::Doctype)),
                Ok(_) => {}
                Err(e) => return Err(self.xml_error(e)),
            }
        }
        Ok(())
    }

    /// Skips the rest of the top-level element in progress after a recoverable error, so that
    /// parsing can go on with the next one. The element size limit is lifted meanwhile (memory
    /// stays bounded by the per-token limit); nesting is still limited.
    pub fn recover_to_depth(&mut self, depth: usize) -> Result<(), ParseError> {
        self.recovering = true;
        let result = self.skip_to_depth(depth);
        self.recovering = false;
        result
    }

    /// Reads the text content of `tag` (already opened) up to its end tag.
    ///
    /// Text, CDATA, character references and the five predefined entities are joined; any other
    /// entity is an error (no DTD is honoured). Child elements are counted unmapped and skipped.
    pub fn text(&mut self, tag: &Tag) -> Result<String, ParseError> {
        let mut out = String::new();
        if tag.empty {
            return Ok(out);
        }
        loop {
            self.prepare_read()?;
            match self.reader.read_event_into(&mut self.buf) {
                Ok(Event::Text(t)) => out.push_str(&t.xml10_content()),
                Ok(Event::CData(c)) => out.push_str(&c),
                Ok(Event::GeneralRef(r)) => {
                    if let Err(kind) = push_reference(&r, &mut out) {
                        return Err(self.error(kind));
                    }
                }
                Ok(Event::Start(e)) => {
                    let child = Self::take_tag(&mut self.tag_pool, &e, false);
                    if let Err(e) = self.opened() {
                        self.recycle(child);
                        return Err(e);
                    }
                    self.skip_unmapped_child(child)?;
                }
                Ok(Event::Empty(e)) => {
                    let child = Self::take_tag(&mut self.tag_pool, &e, true);
                    self.skip_unmapped_child(child)?;
                }
                Ok(Event::End(_)) => {
                    self.closed();
                    break;
                }
                Ok(Event::Comment(_) | Event::PI(_)) => {}
                Ok(Event::Decl(_)) => {
                    return Err(self.error(ParseErrorKind::Xml(
                        "XML declaration inside an element".into(),
                    )))
                }
                Ok(Event::DocType(_)) => return Err(self.error(ParseErrorKind::Doctype)),
                Ok(Event::Eof) => {
                    return Err(self.error(ParseErrorKind::Truncated(
                        "inside a text element (file cut short?)",
                    )))
                }
                Err(e) => return Err(self.xml_error(e)),
            }
            if out.len() > self.limits.max_text_bytes {
                return Err(self.error(ParseErrorKind::Limit {
                    message: format!(
                        "text of {} exceeds parser.max_text_bytes ({} bytes)",
                        self.path, self.limits.max_text_bytes
                    ),
                    recoverable: true,
                }));
            }
        }
        Ok(out)
    }

    fn skip_unmapped_child(&mut self, child: Tag) -> Result<(), ParseError> {
        let restore = self.path.len();
        self.path.push('/');
        self.path.push_str(child.local_name());
        let result = self.record_unmapped("").and_then(|()| self.skip(&child));
        self.path.truncate(restore);
        self.recycle(child);
        result
    }

    /// Reads the next event at document level: a start tag, the end of the enclosing element,
    /// or end of input. Blank text, comments, processing instructions and the XML declaration
    /// are passed over; a DOCTYPE is refused.
    pub fn next_top_level(&mut self) -> Result<TopLevel, ParseError> {
        self.element_start = self.reader.buffer_position();
        self.reader.get_mut().start_capture();
        loop {
            self.prepare_read()?;
            match self.reader.read_event_into(&mut self.buf) {
                Ok(Event::Start(e)) => {
                    let tag = Self::take_tag(&mut self.tag_pool, &e, false);
                    if let Err(e) = self.opened() {
                        self.recycle(tag);
                        return Err(e);
                    }
                    return Ok(TopLevel::Element(tag));
                }
                Ok(Event::Empty(e)) => {
                    return Ok(TopLevel::Element(Self::take_tag(
                        &mut self.tag_pool,
                        &e,
                        true,
                    )))
                }
                Ok(Event::End(_)) => {
                    self.closed();
                    return Ok(TopLevel::End);
                }
                Ok(Event::Eof) => return Ok(TopLevel::Eof),
                Ok(Event::Text(t)) if t.trim_ascii().is_empty() => {}
                Ok(Event::Text(_) | Event::CData(_) | Event::GeneralRef(_)) => {
                    let mut err = self.error(ParseErrorKind::Xml(
                        "text outside of any UniProt element".into(),
                    ));
                    err.offset = self.event_start;
                    return Err(err);
                }
                Ok(Event::Comment(_) | Event::PI(_) | Event::Decl(_)) => {}
                Ok(Event::DocType(_)) => return Err(self.error(ParseErrorKind::Doctype)),
                Err(e) => return Err(self.xml_error(e)),
            }
        }
    }

    /// Runs `parse` with the path set to `/name`, for elements read via [`Self::next_top_level`].
    pub fn at_top_level<T>(
        &mut self,
        tag: &Tag,
        parse: impl FnOnce(&mut Self, &Tag) -> Result<T, ParseError>,
    ) -> Result<T, ParseError> {
        self.path.clear();
        self.path.push('/');
        self.path.push_str(tag.local_name());
        let result = parse(self, tag);
        self.path.clear();
        result
    }

    /// Counts `tag` (a top-level element nobody maps) as unmapped and skips it.
    pub fn skip_top_level(&mut self, tag: Tag) -> Result<(), ParseError> {
        self.path.clear();
        self.skip_unmapped_child(tag)
    }
}
