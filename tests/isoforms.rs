//! Isoforms derived from the entries: every real sample's isoforms get a sequence or a reason,
//! canonical checksums match, mapped single-residue features land on the same amino acid, and
//! generated canonical sequences with random splice variants read back as applied.

use arrow::record_batch::RecordBatch;
use proptest::prelude::*;
use uniprot_etl::isoform::{self, IsoformCounts, IsoformRow};
use uniprot_etl::table::model::{Comment, Entry, Feature, Isoform, Location, Sequence};
use uniprot_etl::table::EntryBatchBuilder;

use crate::proptest_config;
use crate::util::{parse_all, sample_files};

/// The isoform rows of `entries`, read back as model values, with their counts.
fn derived(entries: &[Entry]) -> (Vec<IsoformRow>, IsoformCounts) {
    let batch = EntryBatchBuilder::new().build(entries).unwrap();
    let (isoforms, counts) = isoform::derive(&batch).unwrap();
    assert_eq!(isoforms.schema(), isoform::schema());
    (rows_of(&isoforms), counts)
}

fn rows_of(batch: &RecordBatch) -> Vec<IsoformRow> {
    serde_arrow::from_record_batch(batch).unwrap()
}

#[test]
fn every_real_isoform_gets_a_sequence_or_a_reason_and_residues_stay_put() {
    let mut total = IsoformCounts::default();
    let (mut described, mut checked_residues) = (0, 0);
    for file in sample_files() {
        let (entries, _) = parse_all(&std::fs::read(&file).unwrap()).unwrap();
        let (rows, counts) = derived(&entries);
        total.add(&counts);
        for row in &rows {
            let entry = entries
                .iter()
                .find(|e| e.accession == row.accession)
                .unwrap();
            let canonical = &entry.sequence.as_ref().unwrap().value;
            if let Some(reason) = &row.reason {
                eprintln!("{} {:?}: {reason}", row.accession, row.isoform_id);
            }
            assert!(
                row.sequence.is_some() != row.reason.is_some(),
                "{}: {row:?}",
                file.display()
            );
            if let Some(sequence) = &row.sequence {
                assert_eq!(row.length, Some(sequence.len() as i32));
                assert_eq!(row.checksum, Some(isoform::crc64(sequence.as_bytes())));
                if row.sequence_type.as_deref() == Some("displayed") {
                    assert_eq!(sequence, canonical);
                    assert!(row.features.iter().all(|f| f.reason.is_none()
                        || f.reason.as_deref() == Some("position unknown")
                        || f.reason.as_deref() == Some("on another isoform")));
                }
                if row.sequence_type.as_deref() == Some("described") {
                    described += 1;
                }
                eprintln!(
                    "{} {:?} {:?} {} residues {}",
                    row.accession,
                    row.isoform_id,
                    row.vsp_ids,
                    sequence.len(),
                    row.checksum.as_deref().unwrap_or("")
                );
                assert_eq!(row.features.len(), entry.features.len());
                for feature in &row.features {
                    let (Some(at), Some(was)) = (feature.position, feature.canonical_position)
                    else {
                        continue;
                    };
                    let on_canonical = canonical.get(was as usize - 1..was as usize);
                    assert_eq!(
                        feature.residue.as_deref(),
                        on_canonical,
                        "{} {:?}: {} at {was} → {at}",
                        row.accession,
                        row.isoform_id,
                        feature.kind
                    );
                    checked_residues += 1;
                }
            }
        }
    }
    // The samples describe isoforms, and the canonical ones all checksum as UniProt wrote.
    assert!(total.isoforms >= 10, "{total:?}");
    assert!(described >= 5, "{total:?}");
    assert!(checked_residues > 50, "{checked_residues}");
    assert_eq!(total.canonical_checksum_mismatches, 0, "{total:?}");
    assert_eq!(
        total.isoforms,
        total.with_sequence + total.without_sequence.values().sum::<u64>()
    );
    eprintln!("{total:#?}");
}

fn entry_with(canonical: &str, variants: &[(i64, i64, Option<String>)], refs: &[usize]) -> Entry {
    let mut entry = Entry {
        accession: "P00001".into(),
        accessions: vec!["P00001".into()],
        sequence: Some(Sequence {
            value: canonical.to_owned(),
            checksum: Some(isoform::crc64(canonical.as_bytes())),
            ..Sequence::default()
        }),
        ..Entry::default()
    };
    for (i, (begin, end, variation)) in variants.iter().enumerate() {
        entry.features.push(Feature {
            kind: "splice variant".into(),
            id: Some(format!("VSP_{i}")),
            original: variation
                .as_ref()
                .map(|_| canonical[*begin as usize - 1..*end as usize].to_owned()),
            variations: variation.iter().cloned().collect(),
            location: Some(Location {
                begin: Some(*begin),
                end: Some(*end),
                ..Location::default()
            }),
            ..Feature::default()
        });
    }
    // A modified residue on every residue, to map them all.
    for position in 1..=canonical.len() as i64 {
        entry.features.push(Feature {
            kind: "modified residue".into(),
            location: Some(Location {
                position: Some(position),
                ..Location::default()
            }),
            ..Feature::default()
        });
    }
    let refs: Vec<String> = refs.iter().map(|i| format!("VSP_{i}")).collect();
    entry.comments.push(Comment {
        kind: "alternative products".into(),
        isoforms: vec![
            Isoform {
                ids: vec!["P00001-1".into()],
                sequence_type: Some("displayed".into()),
                ..Isoform::default()
            },
            Isoform {
                ids: vec!["P00001-2".into()],
                sequence_type: Some("described".into()),
                sequence_ref: Some(refs.join(" ")),
                ..Isoform::default()
            },
        ],
        ..Comment::default()
    });
    entry
}

/// A canonical sequence and non-overlapping variants on it: (begin, end, replacement or none).
fn canonical_and_variants() -> impl Strategy<Value = (String, Vec<(i64, i64, Option<String>)>)> {
    "[ACDEFGHIKLMNPQRSTVWY]{20,80}".prop_flat_map(|canonical| {
        let len = canonical.len() as i64;
        let cuts = proptest::collection::btree_set(1..=len, 0..8);
        let replacements =
            proptest::collection::vec(proptest::option::of("[ACDEFGHIKLMNPQRSTVWY]{1,6}"), 4);
        (Just(canonical), cuts, replacements).prop_map(|(canonical, cuts, replacements)| {
            // Consecutive cut pairs are the variants' spans (a single residue where the cuts
            // are neighbours): never overlapping.
            let cuts: Vec<i64> = cuts.into_iter().collect();
            let variants = cuts
                .chunks_exact(2)
                .zip(replacements)
                .map(|(pair, replacement)| (pair[0], pair[1] - 1, replacement))
                .collect();
            (canonical, variants)
        })
    })
}

proptest! {
    #![proptest_config(proptest_config!(64, "isoforms.txt"))]

    /// Generated edits applied, then read back: the isoform is the canonical with each named
    /// span replaced (applied by hand, last first), and every residue outside the spans maps
    /// onto the same amino acid.
    #[test]
    fn applied_variants_read_back((canonical, variants) in canonical_and_variants(), pick in any::<u8>()) {
        let refs: Vec<usize> = (0..variants.len()).filter(|i| pick >> i & 1 == 1).collect();
        let entry = entry_with(&canonical, &variants, &refs);
        let (rows, counts) = derived(std::slice::from_ref(&entry));
        prop_assert_eq!(rows.len(), 2);
        prop_assert_eq!(counts.canonical_checksum_mismatches, 0);
        let mut expected = canonical.clone().into_bytes();
        for &i in refs.iter().rev() {
            let (begin, end, replacement) = &variants[i];
            let with = replacement.clone().unwrap_or_default().into_bytes();
            expected.splice(*begin as usize - 1..*end as usize, with);
        }
        let expected = String::from_utf8(expected).unwrap();
        let described = &rows[1];
        if refs.is_empty() {
            prop_assert_eq!(described.reason.as_deref(), Some("described without variants"));
            return Ok(());
        }
        prop_assert_eq!(described.sequence.as_deref(), Some(expected.as_str()));
        for feature in described.features.iter().filter(|f| f.kind == "modified residue") {
            let was = feature.canonical_position.unwrap();
            // Outside every applied span a residue always maps; inside one it maps only where
            // the variant keeps it (at the span's ends).
            let inside = refs.iter().any(|&i| variants[i].0 <= was && was <= variants[i].1);
            prop_assert!(inside || feature.reason.is_none());
            if let Some(at) = feature.position {
                prop_assert_eq!(
                    &expected[at as usize - 1..at as usize],
                    &canonical[was as usize - 1..was as usize]
                );
            }
        }
    }
}

#[test]
fn bad_isoforms_get_their_reason_and_are_counted() {
    let canonical = "MKVLAAGIVALLLAAGCSSS";
    let variants = [
        (2, 4, None),
        (4, 6, Some("Q".into())),
        (10, 11, Some("W".into())),
    ];
    let mut entry = entry_with(canonical, &variants, &[0, 1]);
    let isoforms = &mut entry.comments[0].isoforms;
    isoforms.push(Isoform {
        ids: vec!["P00001-3".into()],
        sequence_type: Some("described".into()),
        sequence_ref: Some("VSP_9".into()),
        ..Isoform::default()
    });
    isoforms.push(Isoform {
        ids: vec!["P00001-4".into()],
        sequence_type: Some("external".into()),
        ..Isoform::default()
    });
    isoforms.push(Isoform {
        ids: vec!["P00001-5".into()],
        sequence_type: Some("not described".into()),
        ..Isoform::default()
    });
    // A variant whose <original> is not what the canonical has there.
    isoforms.push(Isoform {
        ids: vec!["P00001-6".into()],
        sequence_type: Some("described".into()),
        sequence_ref: Some("VSP_2".into()),
        ..Isoform::default()
    });
    entry.features[2].original = Some("XX".into());
    let (rows, counts) = derived(&[entry]);
    let reasons: Vec<Option<&str>> = rows.iter().map(|r| r.reason.as_deref()).collect();
    assert_eq!(
        reasons,
        [
            None,
            Some("overlapping variants: VSP_0 and VSP_1"),
            Some("missing variant: VSP_9"),
            Some("external"),
            Some("not described"),
            Some("original mismatch: VSP_2"),
        ]
    );
    assert_eq!(counts.isoforms, 6);
    assert_eq!(counts.with_sequence, 1);
    assert_eq!(counts.without_sequence["overlapping variants"], 1);
    assert_eq!(counts.without_sequence["external"], 1);
    assert!(rows[1..]
        .iter()
        .all(|r| r.features.is_empty() && r.sequence.is_none()));
}

#[test]
fn convert_writes_the_isoforms_file_beside_the_output_and_reports_it() {
    let dir = tempfile::tempdir().unwrap();
    let sample = crate::util::samples_dir().join("Q13639.xml");
    let output = crate::util::run(
        dir.path(),
        &[
            "convert",
            &sample.display().to_string(),
            "-o",
            "out.parquet",
            "--isoforms",
            "isoforms.parquet",
            "--threads",
            "2",
        ],
    );
    let log = crate::util::stderr(&output);
    assert!(output.status.success(), "{log}");
    assert!(
        log.contains("isoforms: 1 of 1 entries, 7 isoforms, 7 with a sequence"),
        "{log}"
    );
    // The file holds what the library derives from the same entries.
    let file = std::fs::File::open(dir.path().join("isoforms.parquet")).unwrap();
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap();
    let written: Vec<IsoformRow> = reader.flat_map(|b| rows_of(&b.unwrap())).collect();
    let (entries, _) = parse_all(&std::fs::read(&sample).unwrap()).unwrap();
    let (expected, counts) = derived(&entries);
    assert_eq!(written, expected);
    let run = std::fs::read_dir(dir.path().join("runs"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let report = uniprot_etl::ledger::catalog::load_report(&run).unwrap();
    let isoforms = report
        .isoforms
        .expect("the report has the isoforms section");
    assert_eq!(isoforms.counts, counts);
    assert_eq!(isoforms.path, "isoforms.parquet");
}

#[test]
fn a_failed_conversion_leaves_no_isoforms_file_and_bad_requests_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.xml");
    let mut xml = std::fs::read(crate::util::samples_dir().join("Q13639.xml")).unwrap();
    xml.truncate(xml.len() - 200);
    std::fs::write(&bad, &xml).unwrap();
    let args = |extra: &[&str]| {
        let mut args = vec![
            "convert".to_owned(),
            bad.display().to_string(),
            "-o".to_owned(),
            "out.parquet".to_owned(),
            "--isoforms".to_owned(),
            "iso.parquet".to_owned(),
        ];
        args.extend(extra.iter().map(|a| (*a).to_owned()));
        args
    };
    let run = |args: Vec<String>| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        crate::util::run(dir.path(), &args)
    };
    let output = run(args(&[]));
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        crate::util::stderr(&output)
    );
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "runs" && n != "bad.xml")
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    // A projection without the columns isoforms come from is refused before reading.
    let output = run(args(&["--columns", "accession,sequence"]));
    let log = crate::util::stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{log}");
    assert!(log.contains("--isoforms needs the whole columns"), "{log}");
    assert!(log.contains("missing: comments, features"), "{log}");
    // The output itself under another name, or a directory, is refused before anything is
    // written.
    let good = crate::util::samples_dir()
        .join("Q13639.xml")
        .display()
        .to_string();
    std::fs::create_dir(dir.path().join("isodir")).unwrap();
    for (isoforms, words) in [
        ("./out.parquet", "is the output or the rejects file"),
        ("isodir", "is a directory"),
    ] {
        let output = run(vec![
            "convert".into(),
            good.clone(),
            "-o".into(),
            "out.parquet".into(),
            "--isoforms".into(),
            isoforms.into(),
        ]);
        let log = crate::util::stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{log}");
        assert!(log.contains(words), "{log}");
        assert!(!dir.path().join("out.parquet").exists());
    }
}

#[test]
fn locations_on_a_named_isoform_stay_on_it() {
    let canonical = "MKVLAAGIVALLLAAGCSSS";
    let mut entry = entry_with(canonical, &[(2, 4, None)], &[0]);
    entry.features.truncate(1);
    let on = |isoform: &str, position: i64| Feature {
        kind: "modified residue".into(),
        location: Some(Location {
            position: Some(position),
            sequence: Some(isoform.into()),
            ..Location::default()
        }),
        ..Feature::default()
    };
    // On the described isoform (MAAGIV…), by its second id; then past its end.
    entry.comments[0].isoforms[1].ids.push("P00001-9".into());
    entry.features.push(on("P00001-9", 2));
    entry.features.push(on("P00001-2", 40));
    // A splice variant located on an isoform cannot be applied to the canonical.
    entry.features.push(Feature {
        kind: "splice variant".into(),
        id: Some("VSP_X".into()),
        location: Some(Location {
            begin: Some(5),
            end: Some(6),
            sequence: Some("P00001-2".into()),
            ..Location::default()
        }),
        ..Feature::default()
    });
    entry.comments[0].isoforms.push(Isoform {
        ids: vec!["P00001-3".into()],
        sequence_type: Some("described".into()),
        sequence_ref: Some("VSP_X".into()),
        ..Isoform::default()
    });
    let (rows, _) = derived(&[entry]);
    let canonical_row = &rows[0];
    let described = &rows[1];
    assert_eq!(described.sequence.as_deref(), Some("MAAGIVALLLAAGCSSS"));
    let own = &described.features[1];
    assert_eq!(
        (own.position, own.residue.as_deref(), own.reason.as_deref()),
        (Some(2), Some("A"), None)
    );
    assert_eq!(own.canonical_position, None, "not a canonical coordinate");
    assert_eq!(
        described.features[2].reason.as_deref(),
        Some("out of range")
    );
    assert_eq!(
        canonical_row.features[1].reason.as_deref(),
        Some("on another isoform")
    );
    assert_eq!(
        rows[2].reason.as_deref(),
        Some("variant on another isoform: VSP_X")
    );
}

#[test]
fn a_dataset_gets_an_isoforms_part_set_in_its_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let samples = crate::util::samples_dir();
    let (a, b) = (samples.join("Q13639.xml"), samples.join("uni003.xml"));
    let convert = |extra: &[&str], inputs: &[&std::path::Path]| {
        let mut args: Vec<String> = vec!["convert".into()];
        args.extend(inputs.iter().map(|p| p.display().to_string()));
        args.extend(["-o".into(), "ds/".into()]);
        args.extend(extra.iter().map(|a| (*a).to_owned()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        crate::util::run(dir.path(), &args)
    };
    let output = convert(&["--isoforms"], &[&a, &b]);
    assert!(output.status.success(), "{}", crate::util::stderr(&output));
    let ds = dir.path().join("ds");
    let manifest: uniprot_etl::dataset::manifest::Manifest =
        serde_json::from_slice(&std::fs::read(ds.join("_manifest.json")).unwrap()).unwrap();
    let files: Vec<&str> = manifest
        .isoforms
        .iter()
        .map(|f| f.part.file.as_str())
        .collect();
    assert_eq!(
        files,
        [
            "isoforms/part-00000-00000.parquet",
            "isoforms/part-00001-00000.parquet"
        ]
    );
    // Each unit's part holds its input's isoforms.
    for (file, input) in files.iter().zip([&a, &b]) {
        let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(
            std::fs::File::open(ds.join(file)).unwrap(),
        )
        .unwrap()
        .build()
        .unwrap();
        let written: Vec<IsoformRow> = reader.flat_map(|b| rows_of(&b.unwrap())).collect();
        let (entries, _) = parse_all(&std::fs::read(input).unwrap()).unwrap();
        assert_eq!(written, derived(&entries).0);
    }
    let verification = uniprot_etl::dataset::manifest::verify(&ds).unwrap();
    assert!(verification.problems.is_empty(), "{verification:?}");
    // A missing isoforms part is a verify problem; a stray one too.
    std::fs::rename(
        ds.join(files[1]),
        ds.join("isoforms/part-00009-00000.parquet"),
    )
    .unwrap();
    let problems = uniprot_etl::dataset::manifest::verify(&ds)
        .unwrap()
        .problems;
    assert!(
        problems
            .iter()
            .any(|p| p.ends_with("part-00001-00000.parquet: missing")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("part-00009-00000.parquet: not in the manifest")),
        "{problems:?}"
    );
    // A file name is refused for a dataset; a unit without isoforms cannot join one with them.
    let output = convert(&["--isoforms", "x.parquet"], &[&a, &b]);
    assert!(crate::util::stderr(&output).contains("give --isoforms without a file name"));
    std::fs::remove_file(ds.join("isoforms/part-00009-00000.parquet")).unwrap();
    let output = convert(&["--unit", "1", "--no-commit"], &[&b]);
    assert!(output.status.success(), "{}", crate::util::stderr(&output));
    let err = uniprot_etl::dataset::manifest::commit(&ds, None)
        .unwrap_err()
        .to_string();
    assert!(err.contains("have no isoforms part"), "{err}");
}

#[test]
fn a_batch_without_the_source_columns_is_an_error_naming_the_column() {
    let columns = ["accession", "sequence.length", "comments", "features"];
    let schema = uniprot_etl::table::Projection::parse(&columns)
        .unwrap()
        .schema();
    let batch = EntryBatchBuilder::with_schema(schema)
        .build(&[Entry::default()])
        .unwrap();
    let err = isoform::derive(&batch).unwrap_err().to_string();
    assert!(err.contains("lacks sequence.value"), "{err}");
}
