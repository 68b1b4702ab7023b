//! Property tests: random entries ([`uniprot_etl::lab::random::entry_strategy`], the one
//! random-entry source, shared with the structured fuzz target) survive Entry → XML → parse,
//! and Entry → Arrow → Parquet → read back, unchanged.

use proptest::collection::vec;
use proptest::prelude::*;
use uniprot_etl::config::Settings;
use uniprot_etl::lab::random::entry_strategy;
use uniprot_etl::lab::xml_out;
use uniprot_etl::writer::read_entries;

use crate::util::{convert_bytes, parse_all};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

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
}
