//! `XmlCursor`: the pull loop over the lexer's tokens that every element parser is written
//! against.
//!
//! It owns the [`Lexer`] over the document in memory, the current element path (for `unmapped`
//! reporting and error messages) and the unmapped counters. Element parsers receive a [`Tag`]
//! (the start tag's name and attributes, borrowed from the document; its attribute list comes
//! from a pool, so nothing is allocated per element once warm), read its attributes with
//! [`XmlCursor::attrs`], and walk its children with [`XmlCursor::children`]; whatever a parser
//! does not claim is counted by path and skipped, never dropped silently. It never builds a
//! tree: memory is the document plus the entry being filled. The lexer bounds every token by
//! `max_text_bytes`, and the cursor counts open elements (depth) and the bytes of the top-level
//! element in progress against [`ParseLimits`], so hostile input cannot exhaust memory or the
//! stack.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use super::lexer::{LexError, LexErrorKind, Lexer, RawAttribute, Token};
use super::text::{append_cdata, append_text, attribute_value};
use crate::config::ParserSettings;
use crate::error::{ParseError, ParseErrorKind};
use crate::table::model::Date;

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

/// A start tag: its name and attributes as written, borrowed from the document.
#[derive(Debug, Default)]
pub struct Tag<'a> {
    name: &'a str,
    /// Where the local name starts (past the prefix's `:`), found once per tag: element
    /// parsers match on the local name several times.
    local_start: usize,
    empty: bool,
    /// The attributes, unresolved; the vector is reused through the cursor's pool.
    attributes: Vec<RawAttribute<'a>>,
}

impl<'a> Tag<'a> {
    /// The element's local name (prefix removed).
    pub fn local_name(&self) -> &'a str {
        &self.name[self.local_start..]
    }

    /// The element's qualified name as written.
    pub fn qualified_name(&self) -> &'a str {
        self.name
    }

    /// True for `<x/>`: such an element has no children and no text.
    pub fn is_empty(&self) -> bool {
        self.empty
    }

    /// The value of namespace declaration `attr` (`xmlns` or `xmlns:prefix`) on this tag.
    pub fn namespace_declaration(&self, attr: &str) -> Option<String> {
        self.attributes
            .iter()
            .find(|attribute| attribute.name == attr)
            .and_then(|attribute| attribute_value(attribute.value).ok())
            .map(Cow::into_owned)
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

/// The pull loop over one XML document in memory; see the module docs.
pub struct XmlCursor<'a> {
    lexer: Lexer<'a>,
    /// The attribute list the lexer fills; a start tag takes it over.
    attributes: Vec<RawAttribute<'a>>,
    tag_pool: Vec<Tag<'a>>,
    /// Local names of the elements from the top-level one down to the one being read: the
    /// element path of unmapped counts and messages, joined only when one is needed.
    path: Vec<&'a str>,
    unmapped: HashMap<String, u64>,
    strict: bool,
    limits: ParseLimits,
    /// Elements currently open (start tag read, end tag not yet).
    depth: usize,
    /// Position where the current top-level element (and its leading blank text) began.
    element_start: u64,
    /// Position where the token being read began.
    event_start: u64,
    /// Skipping the rest of a rejected entry: the entry size limit no longer applies.
    recovering: bool,
    /// Accession of the entry in progress, named in errors.
    pub(crate) accession: Option<String>,
}

/// What [`XmlCursor::next_top_level`] found between top-level elements.
pub enum TopLevel<'a> {
    /// A start tag (or empty element).
    Element(Tag<'a>),
    /// The end tag of the enclosing element.
    End,
    /// End of input.
    Eof,
}

impl<'a> XmlCursor<'a> {
    /// A cursor over the document `input`; `strict` turns every unmapped element or attribute
    /// into an error.
    pub fn new(input: &'a [u8], strict: bool, limits: ParseLimits) -> Self {
        XmlCursor {
            lexer: Lexer::new(input, limits.max_text_bytes),
            attributes: Vec::new(),
            tag_pool: Vec::new(),
            path: Vec::new(),
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

    /// The raw bytes of the current top-level element so far (with its leading blank text),
    /// the position they start at, and whether they exceed `max_entry_bytes` (then the caller
    /// keeps only their position).
    pub fn captured(&self) -> (&'a [u8], u64, bool) {
        let bytes = self.lexer.consumed_since(self.element_start as usize);
        let too_long = bytes.len() as u64 > self.limits.max_entry_bytes;
        (bytes, self.element_start, too_long)
    }

    /// Reads the next token: checks the size of the top-level element so far first.
    fn read(&mut self) -> Result<Token<'a>, ParseError> {
        let position = self.position();
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
        self.attributes.clear();
        match self.lexer.next_token(&mut self.attributes) {
            Ok(token) => Ok(token),
            Err(error) => Err(self.lex_error(error)),
        }
    }

    /// Like [`Self::read`], for callers that ignore blank text: runs of whitespace before a tag
    /// are passed over without a token.
    fn read_markup(&mut self) -> Result<Token<'a>, ParseError> {
        self.lexer.skip_blank();
        self.read()
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
        self.lexer.position() as u64
    }

    /// Counts of unmapped elements/attributes by path, accumulated so far.
    pub fn unmapped(&self) -> &HashMap<String, u64> {
        &self.unmapped
    }

    /// An error at the current position, naming the entry in progress.
    pub fn error(&self, kind: ParseErrorKind) -> ParseError {
        ParseError {
            offset: self.position(),
            accession: self.accession.clone(),
            kind,
        }
    }

    fn lex_error(&self, error: LexError) -> ParseError {
        let kind = match error.kind {
            LexErrorKind::Malformed(message) => ParseErrorKind::Xml(message),
            LexErrorKind::InvalidUtf8 => ParseErrorKind::Xml("invalid UTF-8".into()),
            LexErrorKind::Truncated => ParseErrorKind::Truncated(
                "inside a tag, comment, CDATA section or processing instruction (file cut short?)",
            ),
            LexErrorKind::TooLong => ParseErrorKind::Limit {
                message: format!(
                    "an XML token (text, tag or comment) starting here exceeds parser.max_text_bytes ({} bytes)",
                    self.limits.max_text_bytes
                ),
                recoverable: false,
            },
        };
        ParseError {
            offset: error.offset as u64,
            accession: self.accession.clone(),
            kind,
        }
    }

    fn bad_value(&self, at: &str, err: BadValue) -> ParseError {
        self.error(ParseErrorKind::InvalidValue {
            what: err.what,
            value: err.value,
            path: format!("{}{at}", self.path()),
        })
    }

    /// Interprets `raw` (the text of the current element) with `parse`, naming the path on failure.
    pub fn value<T>(&self, raw: &str, parse: fn(&str) -> ValueResult<T>) -> Result<T, ParseError> {
        parse(raw).map_err(|e| self.bad_value("", e))
    }

    /// The element path being read, such as `/entry/comment/text`.
    fn path(&self) -> String {
        let mut path = String::new();
        for name in &self.path {
            path.push('/');
            path.push_str(name);
        }
        path
    }

    fn record_unmapped(&mut self, suffix: &str) -> Result<(), ParseError> {
        let path = format!("{}{suffix}", self.path());
        if self.strict {
            return Err(self.error(ParseErrorKind::Unmapped(path)));
        }
        *self.unmapped.entry(path).or_insert(0) += 1;
        Ok(())
    }

    /// The tag of the start token just read: a pooled tag takes over its attribute list.
    fn take_tag(&mut self, name: &'a str, empty: bool) -> Tag<'a> {
        let mut tag = self.tag_pool.pop().unwrap_or_default();
        tag.name = name;
        tag.local_start = local_start(name);
        tag.empty = empty;
        std::mem::swap(&mut tag.attributes, &mut self.attributes);
        tag
    }

    /// Returns a tag to the pool so its attribute list is reused.
    pub fn recycle(&mut self, tag: Tag<'a>) {
        self.tag_pool.push(tag);
    }

    /// Appends character data `raw` to `out`, resolving references unless it is `plain`.
    fn append_text(&self, raw: &str, plain: bool, out: &mut String) -> Result<(), ParseError> {
        if plain {
            out.push_str(raw);
            return Ok(());
        }
        append_text(raw, out).map_err(|message| self.error(ParseErrorKind::Xml(message)))
    }

    /// Calls `on_attr(local_name, value)` for each attribute of `tag`, values resolved and
    /// normalised.
    ///
    /// `on_attr` returns `Ok(false)` for an attribute it does not map; that is counted as
    /// unmapped at `path@name`. Namespace declarations (`xmlns`, `xmlns:*`) are not data and
    /// are skipped. A repeated attribute name is malformed XML.
    pub fn attrs(
        &mut self,
        tag: &Tag<'a>,
        mut on_attr: impl FnMut(&'a str, Cow<'a, str>) -> ValueResult<bool>,
    ) -> Result<(), ParseError> {
        let mut seen = SeenKeys::default();
        for &RawAttribute {
            name: key,
            value: raw,
            plain,
        } in &tag.attributes
        {
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
            let value = if plain {
                Cow::Borrowed(raw)
            } else {
                attribute_value(raw).map_err(|message| self.error(ParseErrorKind::Xml(message)))?
            };
            let mapped =
                on_attr(local, value).map_err(|e| self.bad_value(&format!("@{key}"), e))?;
            if !mapped {
                self.record_unmapped(&format!("@{key}"))?;
            }
        }
        Ok(())
    }

    /// Reads the attributes of an element that has none in the schema: any found is unmapped.
    pub fn no_attrs(&mut self, tag: &Tag<'a>) -> Result<(), ParseError> {
        self.attrs(tag, |_, _| Ok(false))
    }

    /// Reads the text of an element that has no attributes in the schema.
    pub fn plain_text(&mut self, tag: &Tag<'a>) -> Result<Cow<'a, str>, ParseError> {
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
        tag: &Tag<'_>,
        on_child: impl FnMut(&mut Self, &Tag<'a>) -> Result<bool, ParseError>,
    ) -> Result<(), ParseError> {
        self.walk(tag, None, on_child)
    }

    /// Like [`Self::children`], but also returns text placed directly inside `tag` (older
    /// releases put text where newer ones have a `<text>` child). Blank text is ignored.
    pub fn children_and_text(
        &mut self,
        tag: &Tag<'_>,
        on_child: impl FnMut(&mut Self, &Tag<'a>) -> Result<bool, ParseError>,
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
        tag: &Tag<'_>,
        mut text: Option<&mut String>,
        mut on_child: impl FnMut(&mut Self, &Tag<'a>) -> Result<bool, ParseError>,
    ) -> Result<(), ParseError> {
        if tag.empty {
            return Ok(());
        }
        loop {
            let token = if text.is_some() {
                self.read()?
            } else {
                self.read_markup()?
            };
            let child = match token {
                Token::Start { name, empty } => self.take_tag(name, empty),
                Token::End => {
                    self.closed();
                    return Ok(());
                }
                Token::Text { raw, blank, plain } => {
                    if let Some(text) = text.as_deref_mut() {
                        self.append_text(raw, plain, text)?;
                    } else if !blank {
                        self.record_unmapped("/#text")?;
                    }
                    continue;
                }
                Token::CData(raw) => {
                    if let Some(text) = text.as_deref_mut() {
                        append_cdata(raw, text);
                    } else {
                        self.record_unmapped("/#text")?;
                    }
                    continue;
                }
                Token::Ignorable => continue,
                other => return Err(self.misplaced(other, "inside an element (file cut short?)")),
            };
            if !child.empty {
                if let Err(e) = self.opened() {
                    self.recycle(child);
                    return Err(e);
                }
            }
            self.path.push(child.local_name());
            let result = match on_child(self, &child) {
                Ok(true) => Ok(()),
                Ok(false) => self.record_unmapped("").and_then(|()| self.skip(&child)),
                Err(e) => Err(e),
            };
            self.path.pop();
            self.recycle(child);
            result?;
        }
    }

    /// The error for a token that cannot appear inside an element: an XML declaration, a
    /// DOCTYPE, or the end of input (`truncated` says where).
    fn misplaced(&self, token: Token<'_>, truncated: &'static str) -> ParseError {
        self.error(match token {
            Token::Doctype => ParseErrorKind::Doctype,
            Token::Eof => ParseErrorKind::Truncated(truncated),
            _ => ParseErrorKind::Xml("XML declaration inside an element".into()),
        })
    }

    /// Skips the whole content of `tag` (already opened).
    pub fn skip(&mut self, tag: &Tag<'_>) -> Result<(), ParseError> {
        if tag.empty {
            return Ok(());
        }
        self.skip_to_depth(self.depth.saturating_sub(1))
    }

    /// Skips the whole of `tag` (already opened) unread, for an element a projection does not
    /// need, while checking all that reading it would check of the XML itself: every token
    /// through the lexer (names, quoting, nesting, token size), attribute names unique in each
    /// tag, entity and character references resolvable in text and attribute values. Values are
    /// not interpreted (a bad number is not seen) and nothing is counted as unmapped.
    pub fn skip_unread(&mut self, tag: &Tag<'a>) -> Result<(), ParseError> {
        self.attrs(tag, |_, _| Ok(true))?;
        if tag.empty {
            return Ok(());
        }
        let depth = self.depth.saturating_sub(1);
        let mut decoded = String::new();
        while self.depth > depth {
            match self.read_markup()? {
                Token::Start { name, empty } => {
                    let child = self.take_tag(name, empty);
                    let checked = self.attrs(&child, |_, _| Ok(true));
                    self.recycle(child);
                    checked?;
                    if !empty {
                        self.opened()?;
                    }
                }
                Token::End => self.closed(),
                Token::Text {
                    raw, plain: false, ..
                } => {
                    decoded.clear();
                    self.append_text(raw, false, &mut decoded)?;
                }
                token @ (Token::Eof | Token::Doctype | Token::Declaration) => {
                    return Err(self.misplaced(token, "inside an element (file cut short?)"))
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Reads and discards tokens until only `depth` elements are open. Every token is still
    /// size-checked and well-formedness is still enforced by the lexer.
    pub fn skip_to_depth(&mut self, depth: usize) -> Result<(), ParseError> {
        while self.depth > depth {
            match self.read_markup()? {
                Token::Start { empty: false, .. } => self.opened()?,
                Token::End => self.closed(),
                token @ (Token::Eof | Token::Doctype) => {
                    return Err(self.misplaced(token, "inside an element (file cut short?)"))
                }
                _ => {}
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
    pub fn text(&mut self, tag: &Tag<'_>) -> Result<Cow<'a, str>, ParseError> {
        let mut out = Cow::Borrowed("");
        if tag.empty {
            return Ok(out);
        }
        loop {
            match self.read()? {
                // The usual case, one stretch meaning itself: borrowed, no copy.
                Token::Text {
                    raw, plain: true, ..
                } if out.is_empty() => out = Cow::Borrowed(raw),
                Token::Text { raw, plain, .. } => self.append_text(raw, plain, out.to_mut())?,
                Token::CData(raw) => append_cdata(raw, out.to_mut()),
                Token::Start { name, empty } => {
                    let child = self.take_tag(name, empty);
                    if !empty {
                        if let Err(e) = self.opened() {
                            self.recycle(child);
                            return Err(e);
                        }
                    }
                    self.skip_unmapped_child(child)?;
                }
                Token::End => {
                    self.closed();
                    break;
                }
                Token::Ignorable => {}
                other => {
                    return Err(self.misplaced(other, "inside a text element (file cut short?)"))
                }
            }
            if out.len() > self.limits.max_text_bytes {
                return Err(self.error(ParseErrorKind::Limit {
                    message: format!(
                        "text of {} exceeds parser.max_text_bytes ({} bytes)",
                        self.path(),
                        self.limits.max_text_bytes
                    ),
                    recoverable: true,
                }));
            }
        }
        Ok(out)
    }

    fn skip_unmapped_child(&mut self, child: Tag<'a>) -> Result<(), ParseError> {
        self.path.push(child.local_name());
        let result = self.record_unmapped("").and_then(|()| self.skip(&child));
        self.path.pop();
        self.recycle(child);
        result
    }

    /// Reads the next token at document level: a start tag, the end of the enclosing element,
    /// or end of input. Blank text, comments, processing instructions and the XML declaration
    /// are passed over; a DOCTYPE is refused.
    pub fn next_top_level(&mut self) -> Result<TopLevel<'a>, ParseError> {
        self.element_start = self.position();
        loop {
            match self.read_markup()? {
                Token::Start { name, empty } => {
                    let tag = self.take_tag(name, empty);
                    if !empty {
                        if let Err(e) = self.opened() {
                            self.recycle(tag);
                            return Err(e);
                        }
                    }
                    return Ok(TopLevel::Element(tag));
                }
                Token::End => {
                    self.closed();
                    return Ok(TopLevel::End);
                }
                Token::Eof => return Ok(TopLevel::Eof),
                Token::Text { blank: true, .. } | Token::Ignorable | Token::Declaration => {}
                Token::Text { .. } | Token::CData(_) => {
                    let mut err = self.error(ParseErrorKind::Xml(
                        "text outside of any UniProt element".into(),
                    ));
                    err.offset = self.event_start;
                    return Err(err);
                }
                Token::Doctype => return Err(self.error(ParseErrorKind::Doctype)),
            }
        }
    }

    /// Runs `parse` with the path set to `/name`, for elements read via [`Self::next_top_level`].
    pub fn at_top_level<T>(
        &mut self,
        tag: &Tag<'a>,
        parse: impl FnOnce(&mut Self, &Tag<'a>) -> Result<T, ParseError>,
    ) -> Result<T, ParseError> {
        self.path.clear();
        self.path.push(tag.local_name());
        let result = parse(self, tag);
        self.path.clear();
        result
    }

    /// Counts `tag` (a top-level element nobody maps) as unmapped and skips it.
    pub fn skip_top_level(&mut self, tag: Tag<'a>) -> Result<(), ParseError> {
        self.path.clear();
        self.skip_unmapped_child(tag)
    }
}
