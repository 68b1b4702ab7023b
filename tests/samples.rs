//! Every real UniProt file in ../shared/uniprot-samples converts with zero unmapped paths, one
//! row per entry, accessions in order, and survives serialize → parse unchanged.

use uniprot_etl::config::Settings;
use uniprot_etl::export::xml as xml_out;
use uniprot_etl::writer::read_entries;

use crate::util::{convert_bytes, parse_all, sample_files};

/// The `<accession>` values of each entry, read with a naive scan independent of the parser.
fn accessions_by_scan(xml: &str) -> Vec<String> {
    xml.split("<entry ")
        .skip(1)
        .map(|entry| {
            let start = entry.find("<accession>").expect("entry has an accession") + 11;
            let end = start + entry[start..].find("</accession>").unwrap();
            entry[start..end].to_owned()
        })
        .collect()
}

#[test]
fn every_sample_converts_with_zero_unmapped_and_matching_rows() {
    let files = sample_files();
    assert!(
        files.len() >= 9,
        "expected the shared samples, found {files:?}"
    );
    for file in files {
        let xml = std::fs::read_to_string(&file).unwrap();
        let (entries, unmapped) = parse_all(xml.as_bytes()).unwrap();
        assert!(
            unmapped.is_empty(),
            "{}: unmapped {unmapped:?}",
            file.display()
        );
        let expected = accessions_by_scan(&xml);
        let got: Vec<String> = entries.iter().map(|e| e.accession.clone()).collect();
        assert_eq!(got, expected, "{}", file.display());

        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.parquet");
        let summary = convert_bytes(xml.as_bytes(), &out, &Settings::default()).unwrap();
        assert_eq!(summary.entries as usize, expected.len());
        assert!(summary.unmapped.is_empty());
        let back = read_entries(&out).unwrap();
        assert_eq!(back, entries, "{}: Parquet round trip", file.display());
    }
}

#[test]
fn every_sample_survives_serialize_then_parse() {
    for file in sample_files() {
        let xml = std::fs::read(&file).unwrap();
        let (entries, _) = parse_all(&xml).unwrap();
        let rewritten = xml_out::document(&entries);
        let (again, unmapped) = parse_all(rewritten.as_bytes()).unwrap();
        assert!(unmapped.is_empty(), "{unmapped:?}");
        assert_eq!(again, entries, "{}", file.display());
    }
}

#[test]
fn sample_fields_match_the_xml() {
    let xml = std::fs::read(crate::util::samples_dir().join("P97881.xml")).unwrap();
    let (entries, _) = parse_all(&xml).unwrap();
    let entry = &entries[0];
    assert_eq!(entry.accession, "P97881");
    assert_eq!(entry.dataset.as_deref(), Some("Swiss-Prot"));
    let sequence = entry.sequence.as_ref().unwrap();
    assert_eq!(sequence.value.len() as i32, sequence.length.unwrap());
    assert!(sequence.value.chars().all(|c| c.is_ascii_uppercase()));
    let organism = entry.organism.as_ref().unwrap();
    assert!(organism.scientific_name.is_some());
    assert!(organism.taxon_id.is_some());
}

/// Byte ranges of every element strictly inside an `<entry>` of `xml` (start tag to end tag).
fn elements_inside_entries(xml: &str) -> Vec<(usize, usize)> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let (mut open, mut spans) = (Vec::new(), Vec::new());
    loop {
        let start = reader.buffer_position() as usize;
        match reader.read_event().unwrap() {
            Event::Start(_) => open.push(start),
            Event::End(_) => {
                let begin = open.pop().unwrap();
                if open.len() >= 2 {
                    spans.push((begin, reader.buffer_position() as usize));
                }
            }
            Event::Empty(_) if open.len() >= 2 => {
                spans.push((start, reader.buffer_position() as usize))
            }
            Event::Eof => return spans,
            _ => {}
        }
    }
}

/// A repeated element never vanishes silently: duplicating any element of a rich real entry,
/// one at a time, either changes what is parsed (a list got one more item) or is reported as
/// unmapped (a single-valued slot keeps its first value).
#[test]
fn a_duplicated_element_is_kept_or_reported_never_dropped() {
    // The entries of the 250-entry file with a <molecule> (rare), as a document of their own.
    let many = crate::util::sample_bytes("uniprot-rs-tests-250.xml");
    let mut with_molecule = xml_out::DOCUMENT_HEADER.to_owned();
    for entry in uniprot_etl::lab::synth::entries_of(&many) {
        let entry = std::str::from_utf8(entry).unwrap();
        if entry.contains("<molecule") {
            with_molecule.push_str(entry);
        }
    }
    with_molecule.push_str(xml_out::DOCUMENT_FOOTER);
    let read = |name: &str| std::fs::read_to_string(crate::util::samples_dir().join(name)).unwrap();
    for (name, xml) in [
        ("Q13639.xml", read("Q13639.xml")),
        ("uni003.xml", read("uni003.xml")),
        ("entries with <molecule>", with_molecule),
    ] {
        let (original, unmapped) = parse_all(xml.as_bytes()).unwrap();
        assert!(unmapped.is_empty(), "{name}: {unmapped:?}");
        let spans = elements_inside_entries(&xml);
        assert!(spans.len() > 100, "{name}: {} elements", spans.len());
        for (start, end) in spans {
            let doubled = format!("{}{}{}", &xml[..end], &xml[start..end], &xml[end..]);
            let element = &xml[start..end.min(start + 60)];
            // Refusing the document (an error) is not silent either.
            if let Ok((entries, unmapped)) = parse_all(doubled.as_bytes()) {
                assert!(
                    entries != original || !unmapped.is_empty(),
                    "{name}: a second {element:?}… vanished without a trace"
                );
            }
        }
    }
}
