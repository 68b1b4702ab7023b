//! The parser's lexer against quick-xml, the independent reader: on generated well-formed
//! documents (every kind of markup, references, line ends, quoting) both see the same tokens
//! with the same meaning; on the same documents cut short or with a byte changed, whatever the
//! lexer accepts quick-xml accepts too, token for token — the lexer is never more lenient.

use proptest::prelude::*;
use quick_xml::events::Event;
use uniprot_etl::parse::{append_cdata, append_text, attribute_value, Lexer, Token};

/// A token with its meaning resolved, comparable across the two readers.
#[derive(Debug, Clone, PartialEq)]
enum Seen {
    Start(String, Vec<(String, String)>, bool),
    End,
    Text(String),
    CData(String),
    Ignorable,
    Declaration,
    Doctype,
}

/// Appends `token`, joining adjacent text (quick-xml splits text at references).
fn push(seen: &mut Vec<Seen>, token: Seen) {
    if let (Some(Seen::Text(last)), Seen::Text(more)) = (seen.last_mut(), &token) {
        last.push_str(more);
        return;
    }
    seen.push(token);
}

/// Everything the lexer reads, resolved, or `None` when it refuses the document (including
/// ending with elements still open).
fn ours(xml: &[u8]) -> Option<Vec<Seen>> {
    let mut lexer = Lexer::new(xml, usize::MAX);
    let mut seen = Vec::new();
    let mut depth = 0usize;
    loop {
        let mut attributes = Vec::new();
        let token = match lexer.next_token(&mut attributes).ok()? {
            Token::Start { name, empty } => {
                let mut resolved = Vec::new();
                for attribute in attributes {
                    let value = attribute_value(attribute.value).ok()?;
                    // A plain value must mean itself.
                    assert!(!attribute.plain || value == attribute.value);
                    resolved.push((attribute.name.to_owned(), value.into_owned()));
                }
                depth += usize::from(!empty);
                Seen::Start(name.to_owned(), resolved, empty)
            }
            Token::End => {
                depth -= 1;
                Seen::End
            }
            Token::Text { raw, plain, .. } => {
                let mut text = String::new();
                append_text(raw, &mut text).ok()?;
                // Plain text must mean itself.
                assert!(!plain || text == raw);
                Seen::Text(text)
            }
            Token::CData(raw) => {
                let mut text = String::new();
                append_cdata(raw, &mut text);
                Seen::CData(text)
            }
            Token::Ignorable => Seen::Ignorable,
            Token::Declaration => Seen::Declaration,
            Token::Doctype => {
                seen.push(Seen::Doctype);
                return Some(seen);
            }
            Token::Eof => return (depth == 0).then_some(seen),
        };
        push(&mut seen, token);
    }
}

/// The same from quick-xml (attributes read with its checks, references resolved as the
/// parser did before the lexer), or `None` when it refuses the document.
fn theirs(xml: &[u8]) -> Option<Vec<Seen>> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    reader.config_mut().check_end_names = true;
    let mut buf = Vec::new();
    let mut seen = Vec::new();
    let mut depth = 0usize;
    loop {
        buf.clear();
        let token = match reader.read_event_into(&mut buf).ok()? {
            Event::Start(tag) => start(&tag, false)?,
            Event::Empty(tag) => start(&tag, true)?,
            Event::End(_) => Seen::End,
            Event::Text(text) => Seen::Text(text.xml10_content().into_owned()),
            Event::GeneralRef(reference) => {
                let resolved = match reference.resolve_char_ref().ok()? {
                    Some(ch) => ch.to_string(),
                    None => quick_xml::escape::resolve_predefined_entity(&reference)?.to_owned(),
                };
                Seen::Text(resolved)
            }
            Event::CData(data) => {
                let mut text = String::new();
                append_cdata(&data, &mut text);
                Seen::CData(text)
            }
            Event::Comment(_) | Event::PI(_) => Seen::Ignorable,
            Event::Decl(_) => Seen::Declaration,
            Event::DocType(_) => {
                seen.push(Seen::Doctype);
                return Some(seen);
            }
            Event::Eof => return (depth == 0).then_some(seen),
        };
        match &token {
            Seen::Start(_, _, false) => depth += 1,
            Seen::End => depth = depth.checked_sub(1)?,
            _ => {}
        }
        push(&mut seen, token);
    }
}

/// A quick-xml start tag with its attributes resolved.
fn start(tag: &quick_xml::events::BytesStart<'_>, empty: bool) -> Option<Seen> {
    let name = tag.name().as_ref().to_owned();
    let mut resolved = Vec::new();
    for attribute in tag.attributes().with_checks(true) {
        let attribute = attribute.ok()?;
        let key = attribute.key.as_ref().to_owned();
        let value = attribute
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .ok()?
            .into_owned();
        resolved.push((key, value));
    }
    Some(Seen::Start(name, resolved, empty))
}

/// Character data pieces: plain text, markup characters that may stand in text, references
/// of every kind, and line ends.
fn text_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 .,;:()-]{1,12}",
        Just("é ü 日本 🧬".to_owned()),
        Just(">".to_owned()),
        Just("&amp;".to_owned()),
        Just("&lt;&gt;&quot;&apos;".to_owned()),
        Just("&#65;&#x42;&#x1F600;&#10;".to_owned()),
        Just("\n    ".to_owned()),
        Just("\r\n".to_owned()),
        Just("\r".to_owned()),
        Just("\t".to_owned()),
    ]
}

/// An attribute value for `quote`: the text pieces that may stand between those quotes.
fn attribute_value_text(quote: char) -> impl Strategy<Value = String> {
    let other = if quote == '"' { "'" } else { "\"" };
    prop::collection::vec(prop_oneof![text_piece(), Just(other.to_owned())], 0..4)
        .prop_map(|pieces| pieces.concat())
}

/// ` name="value"` with random spacing and quotes; names are distinct per tag.
fn attributes() -> impl Strategy<Value = String> {
    let names =
        prop::sample::subsequence(vec!["a", "id", "type", "x:ref", "xmlns", "xmlns:x"], 0..4);
    names.prop_flat_map(|names| {
        let each = names
            .into_iter()
            .map(|name| {
                (
                    prop_oneof![Just('"'), Just('\'')],
                    prop_oneof![Just(""), Just(" "), Just("\n ")],
                )
                    .prop_flat_map(move |(quote, space)| {
                        attribute_value_text(quote).prop_map(move |value| {
                            format!(" {name}{space}={space}{quote}{value}{quote}")
                        })
                    })
            })
            .collect::<Vec<_>>();
        each.prop_map(|parts| parts.concat())
    })
}

/// One element with content up to `depth` levels deep.
fn element(depth: u32) -> BoxedStrategy<String> {
    let name = prop_oneof![
        Just("e"),
        Just("entry"),
        Just("x:name"),
        Just("a.b-c_d"),
        Just("é")
    ];
    let leaf = (name.clone(), attributes(), prop_oneof![Just(""), Just(" ")])
        .prop_map(|(name, attributes, space)| format!("<{name}{attributes}{space}/>"));
    if depth == 0 {
        return leaf.boxed();
    }
    let content = prop::collection::vec(
        prop_oneof![
            3 => text_piece(),
            1 => "[a-z ]{0,8}".prop_map(|c| format!("<![CDATA[{c} <&> ]] ]]>")),
            1 => "[a-z ]{0,8}".prop_map(|c| format!("<!--{c} - <&> -->")),
            1 => Just("<?pi some data?>".to_owned()),
            3 => element(depth - 1),
        ],
        0..6,
    );
    prop_oneof![
        1 => leaf,
        3 => (name, attributes(), content, prop_oneof![Just(""), Just(" "), Just("\n")]).prop_map(
            |(name, attributes, content, space)| {
                format!("<{name}{attributes}>{}</{name}{space}>", content.concat())
            }
        ),
    ]
    .boxed()
}

/// A whole document: optional declaration, comments around the root.
fn document() -> impl Strategy<Value = String> {
    (
        prop_oneof![
            Just(""),
            Just("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        ],
        element(3),
        prop_oneof![Just(""), Just("\n"), Just("<!-- end -->\n")],
    )
        .prop_map(|(declaration, root, tail)| format!("{declaration}{root}{tail}"))
}

/// A change that usually breaks a document: cut it, drop a byte, or put markup in.
fn mutate(xml: &str, at: usize, how: usize) -> Vec<u8> {
    let mut bytes = xml.as_bytes().to_vec();
    let at = at % (bytes.len() + 1);
    const INSERTS: &[u8] = b"<>&\"'/=!?-][; \r\x00\xff";
    match how % 4 {
        0 => bytes.truncate(at),
        1 if at < bytes.len() => {
            bytes.remove(at);
        }
        2 if at < bytes.len() => bytes[at] = INSERTS[how / 4 % INSERTS.len()],
        _ => bytes.insert(at, INSERTS[how / 4 % INSERTS.len()]),
    }
    bytes
}

proptest! {
    #![proptest_config(crate::proptest_config!(400, "lexer.txt"))]

    #[test]
    fn well_formed_documents_read_the_same_as_with_quick_xml(xml in document()) {
        let expected = theirs(xml.as_bytes());
        prop_assert!(expected.is_some(), "quick-xml refused a generated document: {xml:?}");
        prop_assert_eq!(ours(xml.as_bytes()), expected, "{:?}", xml);
    }

    #[test]
    fn the_lexer_accepts_no_more_than_quick_xml(
        xml in document(),
        at in 0usize..10_000,
        how in 0usize..1_000,
    ) {
        let bytes = mutate(&xml, at, how);
        if let Some(tokens) = ours(&bytes) {
            prop_assert_eq!(
                Some(tokens),
                theirs(&bytes),
                "{:?}",
                String::from_utf8_lossy(&bytes)
            );
        }
    }
}
