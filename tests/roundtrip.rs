//! Property tests: random entries ([`uniprot_etl::lab::random::entry_strategy`], the one
//! random-entry source, shared with the structured fuzz target) survive Entry → XML → parse,
//! and Entry → Arrow → Parquet → read back, unchanged; and the typed column builders
//! ([`uniprot_etl::table::columns`]) build exactly the batch that serde_arrow builds from the schema.

use proptest::collection::vec;
use proptest::prelude::*;
use uniprot_etl::config::Settings;
use uniprot_etl::export::xml as xml_out;
use uniprot_etl::lab::random::entry_strategy;
use uniprot_etl::table::batch::EntryBatchBuilder;
use uniprot_etl::table::schema;
use uniprot_etl::writer::read_entries;

use crate::util::{convert_bytes, parse_all, sample_bytes};

proptest! {
    #![proptest_config(crate::proptest_config!(64, "roundtrip.txt"))]

    #[test]
    fn entries_survive_xml_round_trip(entries in vec(entry_strategy(), 1..4)) {
        let xml = xml_out::document(&entries);
        let (parsed, unmapped) = parse_all(xml.as_bytes()).map_err(|e| TestCaseError::fail(format!("{e}\n{xml}")))?;
        prop_assert!(unmapped.is_empty(), "{:?}", unmapped);
        prop_assert_eq!(parsed, entries);
    }

    #[test]
    fn entries_survive_parquet_round_trip(entries in vec(entry_strategy(), 1..6), batch_size in 1usize..4) {
        let xml = xml_out::document(&entries);
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.parquet");
        let mut settings = Settings::default();
        settings.pipeline.batch_size = batch_size;
        convert_bytes(xml.as_bytes(), &out, &settings).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(read_entries(&out).unwrap(), entries);
    }

    #[test]
    fn typed_builders_build_what_serde_arrow_builds(entries in vec(entry_strategy(), 0..6)) {
        // serde_arrow, driven by the schema alone, is the independent reference.
        let reference = serde_arrow::to_record_batch(schema::fields(), &entries).unwrap();
        let typed = EntryBatchBuilder::new().build(&entries).unwrap();
        prop_assert_eq!(typed, reference);
    }
}

#[test]
fn typed_builders_build_what_serde_arrow_builds_for_real_entries() {
    let (entries, _) = parse_all(&sample_bytes("uniprot-rs-tests-250.xml")).unwrap();
    let reference = serde_arrow::to_record_batch(schema::fields(), &entries).unwrap();
    let mut builder = EntryBatchBuilder::new();
    // Twice through one builder: a warm builder starts each batch empty.
    for _ in 0..2 {
        assert_eq!(builder.build(&entries).unwrap(), reference);
    }
    assert_eq!(builder.build(&entries[..3]).unwrap(), reference.slice(0, 3));
}
