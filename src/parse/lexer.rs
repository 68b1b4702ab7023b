//! `Lexer`: the parser's XML tokenizer — a strict, zero-copy pull lexer over one document held
//! in memory (a chunk of the input, or a test's string).
//!
//! It was written for speed where quick-xml's event reader was the floor: quick-xml copies every
//! event into a buffer, validates its UTF-8 event by event and searches short spans with SIMD
//! calls that cost more than they save; on 20 MB of real entries its event loop with attributes
//! and text took 878M instructions, this lexer 266M (README, Performance). Here the document is
//! validated as UTF-8 once, tokens are slices of it, attributes are found while the tag is
//! scanned (their spans go into the caller's list), and end tags are checked against the open
//! elements by comparing bytes. quick-xml stays the independent reader the tests compare with.
//!
//! Well-formedness it enforces: names are names, tags close in order and match their start tags,
//! attributes are `name="value"` or `name='value'` separated by whitespace with no `<` in values,
//! every `&` in character data starts a reference ended by `;` (read or not), comments, CDATA
//! sections and processing instructions are closed, and the input is UTF-8 (bytes past the
//! first invalid sequence are never read: reaching them is an error at its offset). It does not
//! resolve references (see [`super::text`]: an unknown entity is an error where text or an
//! attribute value is read) nor read DTDs: a
//! `<!DOCTYPE` is handed out as [`Token::Doctype`] for the caller to refuse. Every token is at
//! most `max_token_bytes` long; the input is in memory already, so the check bounds what the
//! parser builds from it. Never allocates per token: the open-element stack and the caller's
//! attribute list are reused.

use memchr::memmem;

/// One token of the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token<'a> {
    /// A start tag (`empty: false`) or an empty-element tag `<x/>`; its attributes went into
    /// the list passed to [`Lexer::next_token`].
    Start {
        /// The qualified name.
        name: &'a str,
        /// True for `<x/>`.
        empty: bool,
    },
    /// An end tag that matches the innermost open element.
    End,
    /// Character data as written: may hold references (`&amp;`) and `\r`.
    Text {
        /// The characters, unresolved.
        raw: &'a str,
        /// Only XML whitespace (space, tab, CR, LF).
        blank: bool,
        /// Neither references nor `\r`: `raw` means itself (no resolving needed).
        plain: bool,
    },
    /// The content of a CDATA section, as written.
    CData(&'a str),
    /// A comment or a processing instruction other than the XML declaration.
    Ignorable,
    /// The XML declaration `<?xml …?>`.
    Declaration,
    /// A document type declaration; the lexer stays at its start (reading on returns it again),
    /// since DTDs are refused.
    Doctype,
    /// End of input.
    Eof,
}

/// An attribute as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawAttribute<'a> {
    /// The qualified name.
    pub name: &'a str,
    /// The value between the quotes, unresolved.
    pub value: &'a str,
    /// The value holds neither references nor whitespace other than spaces: it means itself
    /// (no normalisation needed).
    pub plain: bool,
}

/// Why the lexer stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LexErrorKind {
    /// Not well-formed XML; the message says what was found.
    Malformed(String),
    /// The input ends inside a tag, comment, CDATA section or processing instruction.
    Truncated,
    /// The input is not UTF-8 at this offset.
    InvalidUtf8,
    /// A token is longer than the limit.
    TooLong,
}

/// A lexer error at a byte offset of the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexError {
    /// Offset of the problem in the input.
    pub offset: usize,
    /// What went wrong.
    pub kind: LexErrorKind,
}

type LexResult<T> = Result<T, LexError>;

/// The pull lexer; see the module docs.
pub struct Lexer<'a> {
    /// The input up to its first invalid UTF-8 sequence (all of it when valid).
    text: &'a str,
    /// Where the input stops being UTF-8, if it does.
    invalid_utf8_at: Option<usize>,
    /// Offset of the next token.
    pos: usize,
    /// Open elements, innermost last: the byte ranges of their names in `text`.
    open: Vec<(usize, usize)>,
    /// Largest token accepted, in bytes.
    max_token_bytes: usize,
}

/// XML whitespace (the `S` production).
#[inline(always)]
fn is_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r')
}

/// Bytes that may stand in an XML name: ASCII letters, digits, `_`, `:`, `.`, `-`, and every
/// byte of a non-ASCII character (the XSD's names are ASCII; other scripts are let through
/// rather than checked against the Unicode classes of the `Name` production).
const NAME_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] =
            b.is_ascii_alphanumeric() || matches!(b, b'_' | b':' | b'.' | b'-') || b >= 0x80;
        byte += 1;
    }
    table
};

/// Bytes an attribute value's scan stops at: the quotes (one ends it), `<` (an error), and
/// what needs normalising (`&`, tab, line ends).
const VALUE_BYTES_TO_LOOK_AT: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = matches!(
            byte as u8,
            b'"' | b'\'' | b'<' | b'&' | b'\t' | b'\n' | b'\r'
        );
        byte += 1;
    }
    table
};

/// The end of the name starting at `start` (`start` itself when there is none); a name must
/// not start with a digit, `.` or `-`.
#[inline(always)]
fn name_end(bytes: &[u8], start: usize) -> usize {
    match bytes.get(start) {
        Some(first) if !first.is_ascii_digit() && !matches!(first, b'.' | b'-') => {}
        _ => return start,
    }
    let mut at = start;
    while at < bytes.len() && NAME_BYTES[bytes[at] as usize] {
        at += 1;
    }
    at
}

impl<'a> Lexer<'a> {
    /// A lexer over `input`; a UTF-8 byte order mark at its start is skipped.
    pub fn new(input: &'a [u8], max_token_bytes: usize) -> Self {
        // simdutf8 checks the chunk with SIMD, several times faster than `std::str::from_utf8`
        // (which was 1.8% of a conversion's CPU time); the same verdict and `valid_up_to`.
        let (text, invalid_utf8_at) = match simdutf8::compat::from_utf8(input) {
            Ok(text) => (text, None),
            Err(error) => {
                let valid = error.valid_up_to();
                // The prefix up to `valid_up_to` is UTF-8 by definition.
                let text = std::str::from_utf8(&input[..valid]).unwrap_or_default();
                (text, Some(valid))
            }
        };
        let pos = if text.starts_with('\u{feff}') { 3 } else { 0 };
        Lexer {
            text,
            invalid_utf8_at,
            pos,
            open: Vec::new(),
            max_token_bytes,
        }
    }

    /// `text[start..end]` without the char-boundary checks of `str` indexing (they were 3% of a
    /// conversion's instructions): the lexer only cuts next to ASCII delimiters or at the ends
    /// of the input, which are always boundaries.
    #[inline(always)]
    fn slice(&self, start: usize, end: usize) -> &'a str {
        debug_assert!(self.text.is_char_boundary(start) && self.text.is_char_boundary(end));
        debug_assert!(start <= end && end <= self.text.len());
        // SAFETY: `start <= end <= len` and both are char boundaries (see above; checked in
        // debug builds), so the bytes between them are valid UTF-8 of `text`.
        unsafe { self.text.get_unchecked(start..end) }
    }

    /// Offset of the next token: the bytes consumed so far.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// The input from `start` to the current position (for keeping a rejected entry).
    pub fn consumed_since(&self, start: usize) -> &'a [u8] {
        self.text
            .as_bytes()
            .get(start..self.pos)
            .unwrap_or_default()
    }

    /// Passes over blank text (XML whitespace) that runs up to a tag, for callers that would
    /// ignore it anyway: nearly half the tokens of an indented document are such runs. A run
    /// longer than the token limit, or one that ends the input, is left for
    /// [`Self::next_token`] to report.
    pub fn skip_blank(&mut self) {
        let bytes = self.text.as_bytes();
        let mut end = self.pos;
        while end < bytes.len() && is_space(bytes[end]) {
            end += 1;
        }
        if bytes.get(end) == Some(&b'<') && end - self.pos <= self.max_token_bytes {
            self.pos = end;
        }
    }

    /// Reads the next token; a start tag's attributes are appended to `attributes` (which the
    /// caller clears).
    pub fn next_token(&mut self, attributes: &mut Vec<RawAttribute<'a>>) -> LexResult<Token<'a>> {
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let Some(&first) = bytes.get(start) else {
            return match self.invalid_utf8_at {
                Some(offset) => Err(error(offset, LexErrorKind::InvalidUtf8)),
                None => Ok(Token::Eof),
            };
        };
        if first != b'<' {
            return self.text_token(start);
        }
        let token = match bytes.get(start + 1) {
            Some(b'/') => self.end_tag(start)?,
            Some(b'!') => self.bang(start)?,
            Some(b'?') => self.processing_instruction(start)?,
            Some(_) => self.start_tag(start, attributes)?,
            None => return Err(self.cut_short()),
        };
        if self.pos - start > self.max_token_bytes {
            return Err(error(start, LexErrorKind::TooLong));
        }
        Ok(token)
    }

    /// The error for a token that runs into `end` of the input: truncation, or the bytes that
    /// are not UTF-8.
    fn cut_short(&self) -> LexError {
        match self.invalid_utf8_at {
            Some(offset) => error(offset, LexErrorKind::InvalidUtf8),
            None => error(self.text.len(), LexErrorKind::Truncated),
        }
    }

    fn text_token(&mut self, start: usize) -> LexResult<Token<'a>> {
        let bytes = self.text.as_bytes();
        let mut end = start;
        while end < bytes.len() && is_space(bytes[end]) {
            end += 1;
        }
        let blank = bytes.get(end).is_none_or(|&byte| byte == b'<');
        let mut plain = true;
        if !blank {
            (end, plain) = self.text_end(end)?;
        }
        if end - start > self.max_token_bytes {
            return Err(error(start, LexErrorKind::TooLong));
        }
        plain &= !bytes[start..end].contains(&b'\r');
        self.pos = end;
        Ok(Token::Text {
            raw: self.slice(start, end),
            blank,
            plain,
        })
    }

    /// The end of character data that goes on at `from` (the next tag or the end of input),
    /// and whether it holds no reference. Every `&` on the way must start a reference ended by
    /// `;`.
    fn text_end(&self, mut from: usize) -> LexResult<(usize, bool)> {
        let bytes = self.text.as_bytes();
        let mut plain = true;
        loop {
            match find2(bytes, from, b'<', b'&') {
                None => return Ok((bytes.len(), plain)),
                Some(at) if bytes[at] == b'<' => return Ok((at, plain)),
                Some(ampersand) => match find2(bytes, ampersand + 1, b';', b'<') {
                    Some(semicolon) if bytes[semicolon] == b';' => {
                        from = semicolon + 1;
                        plain = false;
                    }
                    _ => {
                        return Err(malformed(
                            ampersand,
                            "`&` that starts no reference (no `;` before the next tag)",
                        ))
                    }
                },
            }
        }
    }

    fn start_tag(
        &mut self,
        start: usize,
        attributes: &mut Vec<RawAttribute<'a>>,
    ) -> LexResult<Token<'a>> {
        let bytes = self.text.as_bytes();
        let name_start = start + 1;
        let mut at = name_end(bytes, name_start);
        let name_end = at;
        if name_end == name_start {
            return Err(match bytes.get(at) {
                None => self.cut_short(),
                Some(_) => malformed(start, "a tag without a valid name"),
            });
        }
        loop {
            let spaced = at < bytes.len() && is_space(bytes[at]);
            while at < bytes.len() && is_space(bytes[at]) {
                at += 1;
            }
            match bytes.get(at) {
                None => return Err(self.cut_short()),
                Some(b'>') => {
                    self.open.push((name_start, name_end - name_start));
                    self.pos = at + 1;
                    return Ok(Token::Start {
                        name: self.slice(name_start, name_end),
                        empty: false,
                    });
                }
                Some(b'/') => {
                    return match bytes.get(at + 1) {
                        Some(b'>') => {
                            self.pos = at + 2;
                            Ok(Token::Start {
                                name: self.slice(name_start, name_end),
                                empty: true,
                            })
                        }
                        None => Err(self.cut_short()),
                        Some(_) => Err(malformed(at, "`/` not followed by `>` in a tag")),
                    };
                }
                Some(_) if !spaced => {
                    return Err(malformed(at, "attributes must be separated by whitespace"))
                }
                Some(_) => at = self.attribute(at, attributes)?,
            }
        }
    }

    /// Reads one `name="value"` at `at`, appends it and returns the offset past its quote.
    fn attribute(&self, start: usize, attributes: &mut Vec<RawAttribute<'a>>) -> LexResult<usize> {
        let bytes = self.text.as_bytes();
        let mut at = name_end(bytes, start);
        let name_end = at;
        if name_end == start {
            return Err(malformed(start, "an attribute without a valid name"));
        }
        while at < bytes.len() && is_space(bytes[at]) {
            at += 1;
        }
        match bytes.get(at) {
            Some(b'=') => at += 1,
            None => return Err(self.cut_short()),
            Some(_) => {
                return Err(malformed(
                    at,
                    format!("attribute `{}` has no value", self.slice(start, name_end)),
                ))
            }
        }
        while at < bytes.len() && is_space(bytes[at]) {
            at += 1;
        }
        let quote = match bytes.get(at) {
            Some(&quote @ (b'"' | b'\'')) => quote,
            None => return Err(self.cut_short()),
            Some(_) => {
                return Err(malformed(
                    at,
                    format!(
                        "the value of attribute `{}` is not quoted",
                        self.slice(start, name_end)
                    ),
                ))
            }
        };
        let value_start = at + 1;
        let mut value_end = value_start;
        let mut plain = true;
        loop {
            while value_end < bytes.len() && !VALUE_BYTES_TO_LOOK_AT[bytes[value_end] as usize] {
                value_end += 1;
            }
            match bytes.get(value_end) {
                None => return Err(self.cut_short()),
                Some(&byte) if byte == quote => break,
                Some(b'<') => return Err(malformed(value_end, "`<` in an attribute value")),
                Some(b'"' | b'\'') => {}
                Some(_) => plain = false,
            }
            value_end += 1;
        }
        attributes.push(RawAttribute {
            name: self.slice(start, name_end),
            value: self.slice(value_start, value_end),
            plain,
        });
        Ok(value_end + 1)
    }

    fn end_tag(&mut self, start: usize) -> LexResult<Token<'a>> {
        let bytes = self.text.as_bytes();
        let name_start = start + 2;
        let Some((open_start, open_len)) = self.open.pop() else {
            let name = self.slice(name_start, name_end(bytes, name_start));
            return Err(malformed(
                start,
                format!("end tag </{name}> without a start tag"),
            ));
        };
        let expected = &bytes[open_start..open_start + open_len];
        let mut at = name_start + open_len;
        // The expected name, compared in place, then anything but more of a name.
        let matches = bytes.get(name_start..at) == Some(expected)
            && bytes.get(at).is_none_or(|&byte| !NAME_BYTES[byte as usize]);
        if !matches {
            if name_end(bytes, name_start) == bytes.len() {
                return Err(self.cut_short());
            }
            return Err(malformed(
                start,
                format!(
                    "expected `</{}>`, but `</{}>` was found",
                    self.slice(open_start, open_start + open_len),
                    self.slice(name_start, name_end(bytes, name_start))
                ),
            ));
        }
        while at < bytes.len() && is_space(bytes[at]) {
            at += 1;
        }
        match bytes.get(at) {
            Some(b'>') => {
                self.pos = at + 1;
                Ok(Token::End)
            }
            None => Err(self.cut_short()),
            Some(_) => Err(malformed(
                at,
                format!(
                    "junk in the end tag </{}>",
                    self.slice(open_start, open_start + open_len)
                ),
            )),
        }
    }

    /// `<!--…-->`, `<![CDATA[…]]>` or `<!DOCTYPE`.
    fn bang(&mut self, start: usize) -> LexResult<Token<'a>> {
        let rest = &self.text.as_bytes()[start..];
        if rest.starts_with(b"<!--") {
            let end = self.find_after(start + 4, b"-->")?;
            self.pos = end;
            Ok(Token::Ignorable)
        } else if rest.starts_with(b"<![CDATA[") {
            let content = start + 9;
            let end = self.find_after(content, b"]]>")?;
            self.pos = end;
            Ok(Token::CData(self.slice(content, end - 3)))
        } else if rest.starts_with(b"<!DOCTYPE") {
            Ok(Token::Doctype)
        } else if b"<!--".starts_with(rest)
            || b"<![CDATA[".starts_with(rest)
            || b"<!DOCTYPE".starts_with(rest)
        {
            Err(self.cut_short())
        } else {
            Err(malformed(
                start,
                "`<!` that starts no comment, CDATA section or DOCTYPE",
            ))
        }
    }

    /// `<?target …?>`; the XML declaration when the target is `xml`.
    fn processing_instruction(&mut self, start: usize) -> LexResult<Token<'a>> {
        let end = self.find_after(start + 2, b"?>")?;
        let body = &self.text.as_bytes()[start + 2..end - 2];
        let target_len = name_end(body, 0);
        if target_len == 0 || body.get(target_len).is_some_and(|&byte| !is_space(byte)) {
            return Err(malformed(
                start,
                "a processing instruction without a valid target",
            ));
        }
        self.pos = end;
        Ok(if &body[..target_len] == b"xml" {
            Token::Declaration
        } else {
            Token::Ignorable
        })
    }

    /// The offset just past the first `terminator` at or after `from`.
    fn find_after(&self, from: usize, terminator: &[u8]) -> LexResult<usize> {
        let bytes = self.text.as_bytes();
        match memmem::find(bytes.get(from..).unwrap_or_default(), terminator) {
            Some(at) => Ok(from + at + terminator.len()),
            None => Err(self.cut_short()),
        }
    }
}

/// The first of `one` or `two` in `bytes` at or after `from`. Most spans the lexer searches
/// (attribute values, names in text) are a few bytes long, where a plain loop beats the
/// vectorised search's set-up; longer ones go to memchr.
#[inline(always)]
fn find2(bytes: &[u8], from: usize, one: u8, two: u8) -> Option<usize> {
    const SHORT: usize = 16;
    let rest = bytes.get(from..)?;
    let head = rest.len().min(SHORT);
    if let Some(at) = rest[..head]
        .iter()
        .position(|&byte| byte == one || byte == two)
    {
        return Some(from + at);
    }
    memchr::memchr2(one, two, &rest[head..]).map(|at| from + head + at)
}

fn error(offset: usize, kind: LexErrorKind) -> LexError {
    LexError { offset, kind }
}

fn malformed(offset: usize, message: impl Into<String>) -> LexError {
    error(offset, LexErrorKind::Malformed(message.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every token of `xml`, attributes after their tag, or the first error.
    fn tokens(xml: &[u8], max: usize) -> Result<Vec<String>, LexError> {
        let mut lexer = Lexer::new(xml, max);
        let mut out = Vec::new();
        loop {
            let mut attributes = Vec::new();
            let token = lexer.next_token(&mut attributes)?;
            if token == Token::Eof {
                return Ok(out);
            }
            out.push(format!("{token:?}"));
            if token == Token::Doctype {
                return Ok(out);
            }
            out.extend(attributes.iter().map(|a| format!("{}={}", a.name, a.value)));
        }
    }

    fn kind_at(xml: &str) -> (LexErrorKind, usize) {
        let error = tokens(xml.as_bytes(), usize::MAX).unwrap_err();
        (error.kind, error.offset)
    }

    #[test]
    fn tokens_borrow_the_document() {
        let xml = "\u{feff}<?xml version=\"1.0\"?><a x='1' y = \"&amp;\"><!-- c --><b/>t &lt;<![CDATA[<d>]]><?pi x?></a >";
        assert_eq!(
            tokens(xml.as_bytes(), usize::MAX).unwrap(),
            [
                "Declaration",
                "Start { name: \"a\", empty: false }",
                "x=1",
                "y=&amp;",
                "Ignorable",
                "Start { name: \"b\", empty: true }",
                "Text { raw: \"t &lt;\", blank: false, plain: false }",
                "CData(\"<d>\")",
                "Ignorable",
                "End",
            ]
        );
        assert_eq!(
            tokens(b"<a>\n  <b/>\r\n</a>", usize::MAX).unwrap()[1],
            "Text { raw: \"\\n  \", blank: true, plain: true }"
        );
    }

    #[test]
    fn malformed_markup_is_an_error_at_its_offset() {
        for (xml, offset) in [
            ("<a><b></a>", 6),
            ("<a></b>", 3),
            ("</a>", 0),
            ("<a x=\"1\"y=\"2\"/>", 8),
            ("<a x=1/>", 5),
            ("<a x/>", 4),
            ("<a x=\"<\"/>", 6),
            ("<a/ >", 2),
            ("< a>", 0),
            ("<1a/>", 0),
            ("<a\"/>", 2),
            ("<!ELEMENT a>", 0),
            ("<? x?>", 0),
            ("<a></a junk>", 7),
            ("<a>x & y</a>", 5),
            ("<a>\n  &  <b/></a>", 6),
        ] {
            let (kind, at) = kind_at(xml);
            assert!(
                matches!(kind, LexErrorKind::Malformed(_)),
                "{xml}: {kind:?}"
            );
            assert_eq!(at, offset, "{xml}: {kind:?}");
        }
    }

    #[test]
    fn input_that_ends_inside_markup_is_truncated() {
        for xml in [
            "<a",
            "<a x=\"1",
            "<a x",
            "<a></a",
            "<ab></a",
            "<a></",
            "<a></a ",
            "<!-- c",
            "<![CDATA[x]]",
            "<?pi",
            "<",
            "<!-",
        ] {
            assert_eq!(kind_at(xml), (LexErrorKind::Truncated, xml.len()), "{xml}");
        }
        // Text up to the end is a token; open elements are the caller's to count.
        assert_eq!(tokens(b"<a>text", usize::MAX).unwrap().len(), 2);
    }

    #[test]
    fn bytes_that_are_not_utf8_stop_the_lexer_where_they_start() {
        let mut xml = b"<a>ok".to_vec();
        xml.extend_from_slice(&[0xC3, 0x28]);
        xml.extend_from_slice(b"</a>");
        let mut lexer = Lexer::new(&xml, usize::MAX);
        let mut attributes = Vec::new();
        assert!(matches!(
            lexer.next_token(&mut attributes),
            Ok(Token::Start { .. })
        ));
        assert_eq!(
            lexer.next_token(&mut attributes),
            Ok(Token::Text {
                raw: "ok",
                blank: false,
                plain: true
            })
        );
        let error = lexer.next_token(&mut attributes).unwrap_err();
        assert_eq!((error.kind, error.offset), (LexErrorKind::InvalidUtf8, 5));
        // Inside a tag, too.
        assert_eq!(
            kind_at("<a b=\"\u{e9}").0,
            LexErrorKind::Truncated,
            "valid UTF-8 cut short is truncation"
        );
        let error = tokens(b"<a b=\"\xff\"/>", usize::MAX).unwrap_err();
        assert_eq!((error.kind, error.offset), (LexErrorKind::InvalidUtf8, 6));
    }

    #[test]
    fn tokens_longer_than_the_limit_are_refused_at_their_start() {
        let long = "x".repeat(11);
        for xml in [
            format!("<a>{long}</a>"),
            format!("<a><b c=\"{long}\"/></a>"),
            format!("<a><!--{long}--></a>"),
            format!("<a><![CDATA[{long}]]></a>"),
        ] {
            let error = tokens(xml.as_bytes(), 10).unwrap_err();
            assert_eq!(
                (error.kind, error.offset),
                (LexErrorKind::TooLong, 3),
                "{xml}"
            );
        }
        assert!(tokens(b"<a>0123456789</a>", 10).is_ok());
    }

    #[test]
    fn blank_runs_before_a_tag_can_be_passed_over() {
        let mut lexer = Lexer::new(b"<a>\n  <b/>  text<c/>\n  ", 100);
        let mut attributes = Vec::new();
        lexer.next_token(&mut attributes).unwrap();
        lexer.skip_blank();
        assert_eq!(lexer.position(), 6);
        assert!(matches!(
            lexer.next_token(&mut attributes),
            Ok(Token::Start { name: "b", .. })
        ));
        // Text that is not blank, and a blank run that ends the input, stay tokens.
        lexer.skip_blank();
        assert!(matches!(
            lexer.next_token(&mut attributes),
            Ok(Token::Text { raw: "  text", .. })
        ));
        lexer.next_token(&mut attributes).unwrap();
        lexer.skip_blank();
        assert!(matches!(
            lexer.next_token(&mut attributes),
            Ok(Token::Text { blank: true, .. })
        ));
        // A run longer than the token limit is left for next_token to refuse.
        let mut lexer = Lexer::new(b"<a>      <b/></a>", 5);
        lexer.next_token(&mut attributes).unwrap();
        lexer.skip_blank();
        let error = lexer.next_token(&mut attributes).unwrap_err();
        assert_eq!((error.kind, error.offset), (LexErrorKind::TooLong, 3));
    }

    #[test]
    fn a_doctype_is_handed_out_unread() {
        assert_eq!(
            tokens(b"<!DOCTYPE x [<!ENTITY e \"&e;&e;\">]><x/>", usize::MAX).unwrap()[0],
            "Doctype"
        );
        let mut lexer = Lexer::new(b"<!DOCTYPE x>", usize::MAX);
        assert_eq!(lexer.next_token(&mut Vec::new()), Ok(Token::Doctype));
        assert_eq!(lexer.position(), 0);
        assert_eq!(lexer.next_token(&mut Vec::new()), Ok(Token::Doctype));
    }
}
