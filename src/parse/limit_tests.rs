//! Unit tests of the hostile-input limits (token size, entry size, depth) and of the
//! `on_error: skip` recovery that hands out rejected entries with their raw bytes.

use super::{EntryReader, Item, ParseLimits};
use crate::config::OnError;
use crate::error::{ParseError, ParseErrorKind};

const HEAD: &str = "<uniprot xmlns=\"http://uniprot.org/uniprot\">";

fn limits() -> ParseLimits {
    ParseLimits {
        max_text_bytes: 1024,
        max_entry_bytes: 8192,
        max_depth: 16,
    }
}

/// Reads every item; returns accessions of entries, rejects' raw text, or the fatal error.
fn read(xml: &str, on_error: OnError) -> Result<(Vec<String>, Vec<String>), ParseError> {
    let mut reader = EntryReader::new(xml.as_bytes(), false, limits()).with_on_error(on_error);
    let (mut entries, mut rejects) = (Vec::new(), Vec::new());
    while let Some(item) = reader.next_item()? {
        match item {
            Item::Entry(e) => entries.push(e.accession),
            Item::Rejected(r) => rejects.push(match r.raw {
                Some(raw) => String::from_utf8_lossy(&raw).into_owned(),
                None => format!("[{}..{} not kept]", r.start, r.end),
            }),
        }
    }
    Ok((entries, rejects))
}

fn limit_message(err: &ParseError) -> &str {
    match &err.kind {
        ParseErrorKind::Limit { message, .. } => message,
        other => panic!("expected a limit error, got {other}"),
    }
}

#[test]
fn a_token_larger_than_max_text_bytes_is_fatal_under_both_policies() {
    let big = "A".repeat(5000);
    for on_error in [OnError::Fail, OnError::Skip] {
        let xml = format!(
            "{HEAD}<entry><accession>P1</accession><sequence>{big}</sequence></entry></uniprot>"
        );
        let err = read(&xml, on_error).unwrap_err();
        assert!(limit_message(&err).contains("max_text_bytes"), "{err}");
        assert_eq!(err.accession.as_deref(), Some("P1"));
        assert!(!err.kind.recoverable());
    }
    // Also before any root element and inside a start tag.
    let err = read(&"x".repeat(5000), OnError::Fail).unwrap_err();
    assert!(limit_message(&err).contains("max_text_bytes"), "{err}");
    let xml = format!("{HEAD}<entry a=\"{big}\"></entry></uniprot>");
    assert!(limit_message(&read(&xml, OnError::Fail).unwrap_err()).contains("max_text_bytes"));
}

#[test]
fn text_joined_from_several_tokens_is_limited_too() {
    // Each stretch of text is under the token limit, their join (around comments and CDATA
    // sections) is not: the entry is rejected, the document goes on.
    let part = "x".repeat(600);
    let xml = format!(
        "{HEAD}<entry><accession>P1</accession><name>{part}<!-- -->{part}<![CDATA[{part}]]></name></entry><entry><accession>P2</accession></entry></uniprot>"
    );
    let err = read(&xml, OnError::Fail).unwrap_err();
    assert!(limit_message(&err).contains("/entry/name"), "{err}");
    assert!(err.kind.recoverable());
    let (entries, rejects) = read(&xml, OnError::Skip).unwrap();
    assert_eq!(entries, ["P2"]);
    assert_eq!(rejects.len(), 1);
    assert!(
        rejects[0].starts_with("<entry><accession>P1"),
        "{}",
        rejects[0]
    );
    // References only ever shorten text, so a run of them is bounded as the token it is.
    let xml = format!(
        "{HEAD}<entry><accession>P1</accession><name>{}</name></entry></uniprot>",
        "&amp;".repeat(1100)
    );
    let err = read(&xml, OnError::Skip).unwrap_err();
    assert!(limit_message(&err).contains("max_text_bytes"), "{err}");
}

#[test]
fn an_entry_larger_than_max_entry_bytes_fails_or_is_rejected_without_its_bytes() {
    let names = "<name>N</name>".repeat(800);
    let xml = format!(
        "{HEAD}<entry><accession>P1</accession>{names}</entry><entry><accession>P2</accession></entry></uniprot>"
    );
    let err = read(&xml, OnError::Fail).unwrap_err();
    assert!(limit_message(&err).contains("max_entry_bytes"), "{err}");
    let (entries, rejects) = read(&xml, OnError::Skip).unwrap();
    assert_eq!(entries, ["P2"]);
    assert_eq!(rejects.len(), 1);
    assert!(rejects[0].ends_with("not kept]"), "{}", rejects[0]);
}

#[test]
fn nesting_deeper_than_max_depth_is_fatal() {
    let xml = format!(
        "{HEAD}<entry><accession>P1</accession>{}{}</entry></uniprot>",
        "<x>".repeat(100),
        "</x>".repeat(100)
    );
    for on_error in [OnError::Fail, OnError::Skip] {
        let err = read(&xml, on_error).unwrap_err();
        assert!(limit_message(&err).contains("max_depth (16)"), "{err}");
        assert_eq!(err.accession.as_deref(), Some("P1"));
    }
    let shallow = format!(
        "{HEAD}<entry><accession>P1</accession>{}{}</entry></uniprot>",
        "<x>".repeat(10),
        "</x>".repeat(10)
    );
    assert_eq!(read(&shallow, OnError::Fail).unwrap().0, ["P1"]);
}

#[test]
fn skip_rejects_bad_entries_verbatim_and_keeps_the_good_ones() {
    let bad_date = "<entry created=\"2021-02-30\"><accession>P2</accession><name>X</name></entry>";
    let no_accession = "<entry>\n  <name>ANON</name>\n</entry>";
    let bad_length = "<entry><accession>P4</accession><sequence length=\"-x\">MK</sequence><feature type=\"t\"><location><position position=\"3\"/></location></feature></entry>";
    let xml = format!(
        "{HEAD}\n<entry><accession>P1</accession></entry>\n{bad_date}\n{no_accession}\n{bad_length}\n<entry><accession>P5</accession></entry>\n</uniprot>\n"
    );
    let err = read(&xml, OnError::Fail).unwrap_err();
    assert!(
        err.to_string()
            .contains("invalid date \"2021-02-30\" at /entry@created"),
        "{err}"
    );
    let (entries, rejects) = read(&xml, OnError::Skip).unwrap();
    assert_eq!(entries, ["P1", "P5"]);
    assert_eq!(rejects, [bad_date, no_accession, bad_length]);
}

#[test]
fn malformed_xml_stays_fatal_under_skip() {
    let xml = format!("{HEAD}<entry><accession>P1</accession><name>x</nam></entry></uniprot>");
    let err = read(&xml, OnError::Skip).unwrap_err();
    assert!(matches!(err.kind, ParseErrorKind::Xml(_)), "{err}");
    let truncated = format!("{HEAD}<entry created=\"bad\"><accession>P1</accession>");
    let err = read(&truncated, OnError::Skip).unwrap_err();
    assert!(matches!(err.kind, ParseErrorKind::Truncated(_)), "{err}");
}
