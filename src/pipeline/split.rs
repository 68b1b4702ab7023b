//! Where a UniProt document may be cut: the root start tag and the `<entry` start tags at
//! depth one, found with `memchr`'s SIMD substring search instead of an XML tokenizer.
//!
//! In well-formed XML a `<` outside markup always opens a tag (text and attribute values must
//! escape it), so an `<entry` followed by whitespace, `>` or `/` is an entry start tag unless it
//! sits inside a comment, a CDATA section, a processing instruction or a DOCTYPE; those four
//! are skipped whole. The scan never allocates and never validates: anything malformed is left
//! for the parser, which reports it with its position. This module knows bytes, not entries.

use memchr::memmem::Finder;

/// What a scan of a buffer found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scan {
    /// An entry start tag begins at this index.
    Boundary(usize),
    /// No boundary in the bytes seen; scan again from this index once more bytes arrived.
    NeedMore(usize),
}

/// The document's root start tag, located in its first bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RootTag {
    /// Index of its `<`.
    pub start: usize,
    /// Index just past its `>`.
    pub end: usize,
    /// Its qualified name, e.g. `uniprot` or `up:uniprot`.
    pub name: String,
    /// True for `<uniprot/>`: a document without content.
    pub self_closing: bool,
}

/// What the search for the root start tag found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RootScan {
    /// The root start tag.
    Found(RootTag),
    /// Not decided by the bytes seen.
    NeedMore,
    /// The document does not start like XML; the parser will say why.
    Unusable,
}

/// Finds the root start tag: the first `<` that opens an element, past the XML declaration,
/// comments, processing instructions and a DOCTYPE.
pub fn find_root(buf: &[u8]) -> RootScan {
    let mut pos = 0;
    loop {
        let Some(open) = memchr::memchr(b'<', &buf[pos..]).map(|i| pos + i) else {
            return RootScan::NeedMore;
        };
        match buf.get(open + 1) {
            None => return RootScan::NeedMore,
            Some(b'!' | b'?') => match markup_end(buf, open) {
                Some(end) => pos = end,
                None => return RootScan::NeedMore,
            },
            Some(&c) if is_name_start(c) => {
                let Some(end) = tag_end(buf, open) else {
                    return RootScan::NeedMore;
                };
                let name_end = buf[open + 1..end]
                    .iter()
                    .position(|&b| is_tag_name_end(b))
                    .map_or(end, |i| open + 1 + i);
                let Ok(name) = std::str::from_utf8(&buf[open + 1..name_end]) else {
                    return RootScan::Unusable;
                };
                return RootScan::Found(RootTag {
                    start: open,
                    end,
                    name: name.to_owned(),
                    self_closing: buf[..end].ends_with(b"/>"),
                });
            }
            Some(_) => return RootScan::Unusable,
        }
    }
}

/// Finds `<entry` start tags (with the root's namespace prefix) outside comments, CDATA,
/// processing instructions and DOCTYPEs.
pub struct BoundaryScanner {
    entry: Finder<'static>,
    entry_len: usize,
    declaration: Finder<'static>,
    instruction: Finder<'static>,
}

impl BoundaryScanner {
    /// A scanner for `<{prefix}entry`, `prefix` being `""` or `"up:"`.
    pub fn new(prefix: &str) -> Self {
        let pattern = format!("<{prefix}entry");
        BoundaryScanner {
            entry_len: pattern.len(),
            entry: Finder::new(pattern.as_bytes()).into_owned(),
            declaration: Finder::new(b"<!").into_owned(),
            instruction: Finder::new(b"<?").into_owned(),
        }
    }

    /// The scanner for the entries of a document whose root element is called `root_name`.
    pub fn for_root(root_name: &str) -> Self {
        let prefix = root_name
            .rsplit_once(':')
            .map_or("", |(prefix, _)| &root_name[..prefix.len() + 1]);
        BoundaryScanner::new(prefix)
    }

    /// The first entry start tag at or after `pos`, or where to resume once `buf` has grown.
    pub fn scan(&self, buf: &[u8], mut pos: usize) -> Scan {
        loop {
            let candidate = self.entry.find(&buf[pos..]).map(|i| pos + i);
            let limit = candidate.unwrap_or(buf.len());
            let declaration = self.declaration.find(&buf[pos..limit]);
            let instruction = self.instruction.find(&buf[pos..limit]);
            let opener = match (declaration, instruction) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            if let Some(open) = opener.map(|i| pos + i) {
                match markup_end(buf, open) {
                    Some(end) => {
                        pos = end;
                        continue;
                    }
                    None => return Scan::NeedMore(open),
                }
            }
            let Some(at) = candidate else {
                // A pattern may straddle the end of the buffer.
                return Scan::NeedMore(buf.len().saturating_sub(self.entry_len).max(pos));
            };
            match buf.get(at + self.entry_len) {
                None => return Scan::NeedMore(at),
                Some(&b) if is_tag_name_end(b) => return Scan::Boundary(at),
                Some(_) => pos = at + 1,
            }
        }
    }
}

/// The index just past the comment, CDATA section, processing instruction or declaration that
/// opens at `open` (`<!` or `<?`), or `None` when `buf` ends before it does.
fn markup_end(buf: &[u8], open: usize) -> Option<usize> {
    let rest = &buf[open..];
    let find = |from: usize, needle: &[u8]| {
        memchr::memmem::find(&buf[from..], needle).map(|i| from + i + needle.len())
    };
    if rest.starts_with(b"<?") {
        find(open + 2, b"?>")
    } else if rest.starts_with(b"<!--") {
        find(open + 4, b"-->")
    } else if rest.starts_with(b"<![CDATA[") {
        find(open + 9, b"]]>")
    } else if b"<!--".starts_with(rest) || b"<![CDATA[".starts_with(rest) {
        None
    } else {
        declaration_end(buf, open)
    }
}

/// The end of `<!DOCTYPE …>` (or another `<!` declaration): the first `>` outside quotes and
/// outside an internal subset in brackets.
fn declaration_end(buf: &[u8], open: usize) -> Option<usize> {
    let mut quote = None;
    let mut depth = 0usize;
    for (i, &b) in buf.iter().enumerate().skip(open + 2) {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'[') => depth += 1,
            (None, b']') => depth = depth.saturating_sub(1),
            (None, b'>') if depth == 0 => return Some(i + 1),
            _ => {}
        }
    }
    None
}

/// The index just past the `>` of the tag opening at `open`, skipping quoted attribute values.
fn tag_end(buf: &[u8], open: usize) -> Option<usize> {
    let mut quote = None;
    for (i, &b) in buf.iter().enumerate().skip(open + 1) {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'>') => return Some(i + 1),
            _ => {}
        }
    }
    None
}

fn is_name_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b == b':' || b >= 0x80
}

fn is_tag_name_end(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn boundaries(doc: &[u8]) -> Vec<usize> {
        let scanner = BoundaryScanner::new("");
        let mut found = Vec::new();
        let mut pos = 0;
        while let Scan::Boundary(at) = scanner.scan(doc, pos) {
            found.push(at);
            pos = at + 1;
        }
        found
    }

    #[test]
    fn finds_entry_tags_and_nothing_else() {
        let doc = b"<uniprot><entry a=\"1\"><entryx/></entry>\n<entry>\
            <!-- <entry> --><![CDATA[<entry>]]><?pi <entry ?></entry><entry/></uniprot>";
        let text = std::str::from_utf8(doc).unwrap();
        let expected: Vec<usize> = vec![
            text.find("<entry a").unwrap(),
            text.find("\n<entry>").unwrap() + 1,
            text.rfind("<entry/>").unwrap(),
        ];
        assert_eq!(boundaries(doc), expected);
    }

    #[test]
    fn doctype_internal_subset_is_skipped() {
        let doc = b"<!DOCTYPE x [<!ENTITY e \"<entry>\">]><uniprot><entry>";
        assert_eq!(boundaries(doc), vec![doc.len() - 7]);
    }

    #[test]
    fn every_prefix_of_a_document_resumes_to_the_same_boundaries() {
        let doc = b"<uniprot><entry><!-- c --><name>x</name></entry><entry>\
            <![CDATA[ <entry> ]]></entry></uniprot>";
        let scanner = BoundaryScanner::new("");
        for cut in 0..doc.len() {
            // Scan the first `cut` bytes, then resume on the whole document.
            let resume = match scanner.scan(&doc[..cut], 0) {
                Scan::Boundary(at) => at,
                Scan::NeedMore(at) => at,
            };
            assert_eq!(scanner.scan(doc, resume), Scan::Boundary(9), "cut at {cut}");
        }
    }

    #[test]
    fn root_tag_is_found_past_the_prologue() {
        let doc =
            b"<?xml version=\"1.0\"?>\n<!-- hi -->\n<up:uniprot xmlns:up=\"a>b\">\n<up:entry>";
        let RootScan::Found(root) = find_root(doc) else {
            panic!("no root")
        };
        assert_eq!(root.name, "up:uniprot");
        assert_eq!(&doc[root.start..root.end], b"<up:uniprot xmlns:up=\"a>b\">");
        assert!(!root.self_closing);
        assert_eq!(find_root(b"<?xml version"), RootScan::NeedMore);
        assert_eq!(find_root(b"hello"), RootScan::NeedMore);
        assert_eq!(find_root(b"<1x>"), RootScan::Unusable);
        let scanner = BoundaryScanner::for_root(&root.name);
        assert_eq!(scanner.scan(doc, root.end), Scan::Boundary(doc.len() - 10));
    }
}
