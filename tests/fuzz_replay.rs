//! The fuzz corpus on stable Rust: every committed seed (`fuzz/seeds/TARGET/`), every past crash
//! input (`fuzz/regressions/TARGET/`, plus any local `fuzz/artifacts/TARGET/`) goes through the
//! same `uniprot_etl::lab::fuzz` function its cargo-fuzz target calls. And the invariant as a
//! property: for any bytes, `convert` succeeds and the Parquet file reads back as parsed, or
//! fails with an error and leaves no file; it never panics.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use uniprot_etl::config::Settings;
use uniprot_etl::writer::read_entries;

use crate::util::convert_bytes;

type Target = fn(&[u8]);

const TARGETS: [(&str, Target); 3] = [
    ("parse_entries", |d| {
        uniprot_etl::lab::fuzz::parse_entries(d);
    }),
    ("convert_stream", |d| {
        uniprot_etl::lab::fuzz::convert_stream(d);
    }),
    ("structured", |d| {
        uniprot_etl::lab::fuzz::structured(d);
    }),
];

fn inputs(target: &str) -> Vec<PathBuf> {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut files = Vec::new();
    for (dir, required) in [("seeds", true), ("regressions", true), ("artifacts", false)] {
        let folder = fuzz.join(dir).join(target);
        match std::fs::read_dir(&folder) {
            Ok(entries) => files.extend(
                entries
                    .map(|e| e.unwrap().path())
                    .filter(|p| p.is_file())
                    .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.')),
            ),
            Err(e) if required => panic!("{} must exist: {e}", folder.display()),
            Err(_) => {}
        }
    }
    files.sort();
    files
}

#[test]
fn every_seed_and_past_crash_input_replays_cleanly() {
    for (target, run) in TARGETS {
        let files = inputs(target);
        assert!(files.len() >= 8, "{target}: seeds missing: {files:?}");
        for file in files {
            let data = std::fs::read(&file).unwrap();
            let outcome = std::panic::catch_unwind(|| run(&data));
            assert!(outcome.is_ok(), "{target} panicked on {}", file.display());
        }
    }
}

#[test]
fn the_bundled_fixture_parses_fully_through_the_fuzz_entry_point() {
    let data = std::fs::read(crate::util::fixture("sample.xml")).unwrap();
    assert_eq!(uniprot_etl::lab::fuzz::convert_stream(&data), 3);
}

/// Bytes that look like UniProt often enough to get past the root check.
fn hostile_bytes() -> impl Strategy<Value = Vec<u8>> {
    let pieces = prop_oneof![
        Just(b"<uniprot xmlns=\"http://uniprot.org/uniprot\">".to_vec()),
        Just(b"<entry>".to_vec()),
        Just(b"</entry>".to_vec()),
        Just(b"<accession>P1</accession>".to_vec()),
        Just(b"<sequence length=\"x\">MK</sequence>".to_vec()),
        Just(b"</uniprot>".to_vec()),
        Just(b"&amp;&bogus;<!DOCTYPE x>".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..16),
    ];
    proptest::collection::vec(pieces, 0..12).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(crate::proptest_config!(48, "fuzz_replay.txt"))]
    #[test]
    fn convert_on_any_bytes_round_trips_or_fails_cleanly(data in hostile_bytes()) {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.parquet");
        let result = std::panic::catch_unwind(|| convert_bytes(&data, &out, &Settings::default()));
        let Ok(result) = result else {
            return Err(TestCaseError::fail("convert panicked"));
        };
        match result {
            Ok(summary) => {
                let (parsed, _) = crate::util::parse_all(&data).map_err(TestCaseError::fail)?;
                prop_assert_eq!(summary.entries as usize, parsed.len());
                prop_assert_eq!(read_entries(&out).unwrap(), parsed);
            }
            Err(e) => {
                prop_assert!(!e.to_string().is_empty());
                prop_assert!(!out.exists());
            }
        }
    }
}
