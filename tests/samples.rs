//! Every real UniProt file in ../shared/uniprot-samples converts with zero unmapped paths, one
//! row per entry, accessions in order, and survives serialize → parse unchanged.

use uniprot_etl::config::Settings;
use uniprot_etl::writer::read_entries;
use uniprot_etl::xml_out;

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
