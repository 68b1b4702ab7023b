//! `export`: Parquet back to UniProt XML. Generated entries survive XML → Parquet → XML →
//! Parquet; every shared sample exports to XML that parses to the same entries (the canonical
//! comparison with lxml is in python/tests/test_export.py); rewritten files (other row groups,
//! column order, plain strings, extra columns) export the same; foreign schemas are refused
//! naming the column; gzip, zstd and stdout outputs; datasets; thread counts; interruption.

use std::path::Path;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, Int64Array, RecordBatch, StringArray};
use arrow::datatypes::{DataType, Field, Schema};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;
use proptest::collection::vec;
use proptest::prelude::*;
use uniprot_etl::config::Settings;
use uniprot_etl::error::Error;
use uniprot_etl::export::{self, xml, ExportJob, ExportOutcome, XmlCompression};
use uniprot_etl::interrupt::QuitFlag;
use uniprot_etl::lab::random::entry_strategy;
use uniprot_etl::pipeline::metrics::Metrics;
use uniprot_etl::table::conform;
use uniprot_etl::table::model::{Comment, Entry, EntryArrays, Reference, SourceItem};
use uniprot_etl::table::read::ColumnReader;
use uniprot_etl::table::EntryBatchBuilder;
use uniprot_etl::writer::read_entries;

use crate::util::{convert_bytes, parse_all, run, sample_bytes, sample_files, stderr};

/// Exports `input` into `output` with `settings` (and `compression`), through the library.
fn export_with(
    input: &Path,
    output: &Path,
    settings: &Settings,
    compression: XmlCompression,
    quit: QuitFlag,
) -> Result<ExportOutcome, Error> {
    let source = export::source::open(input)?;
    let job = ExportJob {
        input: input.to_owned(),
        output: output.to_owned(),
        compression,
        settings: settings.clone(),
        quit,
    };
    export::export(&source, &job, &Arc::new(Metrics::default()))
}

/// Exports `input` to plain XML at `output` and returns the text.
fn export_text(input: &Path, output: &Path, settings: &Settings) -> String {
    export_with(
        input,
        output,
        settings,
        XmlCompression::None,
        QuitFlag::new(),
    )
    .unwrap();
    std::fs::read_to_string(output).unwrap()
}

/// Runs the binary's `convert` (in `dir`) of `input` into `output` with `extra` flags.
fn cli_convert(dir: &Path, input: &Path, output: &Path, extra: &[&str]) {
    let mut args = vec![
        "convert",
        "-q",
        input.to_str().unwrap(),
        "-o",
        output.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let ran = run(dir, &args);
    assert!(ran.status.success(), "{}", stderr(&ran));
}

/// Converts the shared sample `name` into `dir/NAME.parquet`.
fn converted_sample(dir: &Path, name: &str) -> std::path::PathBuf {
    let out = dir.join(format!("{name}.parquet"));
    convert_bytes(&sample_bytes(name), &out, &Settings::default()).unwrap();
    out
}

proptest! {
    #![proptest_config(crate::proptest_config!(32, "export.txt"))]

    #[test]
    fn column_readers_read_back_what_the_builders_built(entries in vec(entry_strategy(), 0..6)) {
        let batch = EntryBatchBuilder::new().build(&entries).unwrap();
        let columns = conform::conform(&batch).unwrap();
        let rows = EntryArrays::new(&columns as &dyn Array, "").unwrap();
        let read: Vec<Entry> = (0..columns.len()).map(|row| rows.value(row)).collect();
        prop_assert_eq!(read, entries);
    }

    #[test]
    fn xml_to_parquet_to_xml_to_parquet_gives_the_same_table(
        entries in vec(entry_strategy(), 1..6),
        batch_size in 1usize..4,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut settings = Settings::default();
        settings.pipeline.batch_size = batch_size;
        let first = dir.path().join("first.parquet");
        convert_bytes(xml::document(&entries).as_bytes(), &first, &settings).unwrap();
        let exported = export_text(&first, &dir.path().join("back.xml"), &settings);
        let second = dir.path().join("second.parquet");
        convert_bytes(exported.as_bytes(), &second, &settings).unwrap();
        prop_assert_eq!(read_entries(&second).unwrap(), read_entries(&first).unwrap());
        let (parsed, unmapped) = parse_all(exported.as_bytes()).unwrap();
        prop_assert!(unmapped.is_empty(), "{:?}", unmapped);
        prop_assert_eq!(parsed, entries);
    }
}

#[test]
fn every_shared_sample_exports_to_the_entries_it_came_from() {
    let dir = tempfile::tempdir().unwrap();
    for file in sample_files() {
        let name = file.file_name().unwrap().to_str().unwrap();
        let parquet = converted_sample(dir.path(), name);
        let exported = export_text(&parquet, &dir.path().join("out.xml"), &Settings::default());
        let source = std::fs::read(&file).unwrap();
        let (expected, _) = parse_all(&source).unwrap();
        let (parsed, unmapped) = parse_all(exported.as_bytes()).unwrap();
        assert!(unmapped.is_empty(), "{name}: {unmapped:?}");
        assert_eq!(parsed, expected, "{name}");
        // The copyright comes back as the document had it (or stays absent).
        let source = String::from_utf8_lossy(&source);
        let copyright = |text: &str| {
            text.find("<copyright>")
                .map(|at| text[at..].split("</copyright>").next().unwrap().to_owned())
        };
        assert_eq!(copyright(&exported), copyright(&source), "{name}");
    }
}

#[test]
fn output_bytes_do_not_depend_on_threads_and_compressed_outputs_hold_the_same_xml() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::default();
    settings.pipeline.batch_size = 16;
    let parquet = dir.path().join("in.parquet");
    convert_bytes(
        &sample_bytes("uniprot-rs-tests-250.xml"),
        &parquet,
        &settings,
    )
    .unwrap();
    let mut outputs = Vec::new();
    for (threads, capacity) in [(1, 0), (2, 2), (5, 1)] {
        settings.pipeline.threads = threads;
        settings.pipeline.channel_capacity = capacity;
        let out = dir.path().join(format!("t{threads}.xml"));
        outputs.push(export_text(&parquet, &out, &settings));
    }
    assert!(outputs.iter().all(|o| o == &outputs[0]));
    let plain = &outputs[0];

    for (compression, name) in [
        (XmlCompression::Gzip, "o.xml.gz"),
        (XmlCompression::Zstd, "o.xml.zst"),
    ] {
        let out = dir.path().join(name);
        export_with(&parquet, &out, &settings, compression, QuitFlag::new()).unwrap();
        let bytes = std::fs::read(&out).unwrap();
        let mut text = String::new();
        match compression {
            XmlCompression::Gzip => std::io::Read::read_to_string(
                &mut flate2::read::MultiGzDecoder::new(bytes.as_slice()),
                &mut text,
            ),
            _ => std::io::Read::read_to_string(
                &mut zstd::stream::read::Decoder::new(bytes.as_slice()).unwrap(),
                &mut text,
            ),
        }
        .unwrap();
        assert_eq!(&text, plain, "{name}");
        // The converter reads the compressed document back (its members or frames as one).
        let back = dir.path().join(format!("{name}.parquet"));
        cli_convert(dir.path(), &out, &back, &[]);
        assert_eq!(
            read_entries(&back).unwrap(),
            read_entries(&parquet).unwrap()
        );
    }
}

/// A batch holds about `pipeline.chunk_bytes` of the row group's data: at most 512 rows of
/// ordinary entries, fewer (down to one) where rows are large or the budget small; the document
/// is the same however the rows are cut.
#[test]
fn batches_are_bounded_in_bytes_and_do_not_change_the_document() {
    let dir = tempfile::tempdir().unwrap();
    let parquet = converted_sample(dir.path(), "uniprot-rs-tests-250.xml");
    let file =
        parquet::file::reader::SerializedFileReader::new(std::fs::File::open(&parquet).unwrap())
            .unwrap();
    let metadata = parquet::file::reader::FileReader::metadata(&file);
    let row_group = metadata.row_group(0);
    assert_eq!((metadata.num_row_groups(), row_group.num_rows()), (1, 250));
    let row_bytes = (row_group.total_byte_size() as usize).div_ceil(250);
    let all = parquet::arrow::ProjectionMask::all();
    assert_eq!(export::batch_rows(row_group, &all, row_bytes * 10), 10);
    assert_eq!(export::batch_rows(row_group, &all, row_bytes / 2), 1);
    assert_eq!(
        export::batch_rows(row_group, &all, usize::MAX),
        export::DECODE_ROWS
    );

    let mut documents = Vec::new();
    for (budget, batches) in [(1 << 20, 1), (row_bytes * 10, 25), (1024, 250)] {
        let mut settings = Settings::default();
        settings.pipeline.chunk_bytes = budget;
        let out = dir.path().join(format!("b{budget}.xml"));
        let metrics = Arc::new(Metrics::default());
        let job = ExportJob {
            input: parquet.clone(),
            output: out.clone(),
            compression: XmlCompression::None,
            settings,
            quit: QuitFlag::new(),
        };
        export::export(&export::source::open(&parquet).unwrap(), &job, &metrics).unwrap();
        assert_eq!(
            Metrics::get(&metrics.chunks_dispatched),
            batches,
            "budget {budget}"
        );
        documents.push(std::fs::read(&out).unwrap());
    }
    assert!(documents.iter().all(|d| d == &documents[0]));
}

#[test]
fn a_dataset_exports_to_the_document_of_its_single_file() {
    let dir = tempfile::tempdir().unwrap();
    let input = crate::util::samples_dir().join("uniprot-rs-tests-250.xml");
    let single = dir.path().join("single.parquet");
    cli_convert(dir.path(), &input, &single, &[]);
    let dataset = dir.path().join("ds");
    let limits = ["--max-file-rows", "60", "--batch-size", "20"];
    cli_convert(dir.path(), &input, &dataset, &limits);
    assert!(
        std::fs::read_dir(&dataset)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .ends_with(".parquet")
            })
            .count()
            > 3
    );
    let settings = Settings::default();
    let from_single = export_text(&single, &dir.path().join("a.xml"), &settings);
    let from_dataset = export_text(&dataset, &dir.path().join("b.xml"), &settings);
    assert_eq!(from_dataset, from_single);

    // A part that no longer matches the manifest is refused before anything is written.
    let part = std::fs::read_dir(&dataset)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "parquet"))
        .unwrap();
    std::fs::write(&part, b"PAR1 not really").unwrap();
    let out = dir.path().join("c.xml");
    let err = export_with(
        &dataset,
        &out,
        &settings,
        XmlCompression::None,
        QuitFlag::new(),
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("does not match its manifest"),
        "{err}"
    );
    assert!(!out.exists());
}

/// Rewrites `input` as another tool might: columns in reverse order, plain strings, an extra
/// column, row groups of `rows`.
fn rewrite(input: &Path, output: &Path, rows: usize) {
    let reader = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(input).unwrap())
        .unwrap()
        .build()
        .unwrap();
    let batches: Vec<RecordBatch> = reader.map(Result::unwrap).collect();
    let plain = |array: &ArrayRef| -> ArrayRef {
        match array.data_type() {
            DataType::Dictionary(..) => arrow::compute::cast(array, &DataType::LargeUtf8).unwrap(),
            _ => Arc::clone(array),
        }
    };
    let rewritten: Vec<RecordBatch> = batches
        .iter()
        .map(|batch| {
            let mut fields = Vec::new();
            let mut arrays = Vec::new();
            fields.push(Field::new("note", DataType::Utf8, true));
            arrays.push(
                Arc::new(StringArray::from(vec![Some("extra"); batch.num_rows()])) as ArrayRef,
            );
            for (field, array) in batch.schema().fields().iter().zip(batch.columns()).rev() {
                let array = plain(array);
                fields.push(Field::new(field.name(), array.data_type().clone(), true));
                arrays.push(array);
            }
            RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).unwrap()
        })
        .collect();
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(rows))
        .set_dictionary_enabled(false)
        .build();
    let mut writer = ArrowWriter::try_new(
        std::fs::File::create(output).unwrap(),
        rewritten[0].schema(),
        Some(props),
    )
    .unwrap();
    for batch in &rewritten {
        writer.write(batch).unwrap();
    }
    writer.close().unwrap();
}

#[test]
fn a_rewritten_file_exports_the_same_and_a_foreign_schema_is_refused_naming_the_column() {
    let dir = tempfile::tempdir().unwrap();
    let ours = converted_sample(dir.path(), "uniprot-rs-tests-250.xml");
    let theirs = dir.path().join("theirs.parquet");
    rewrite(&ours, &theirs, 7);
    let settings = Settings::default();
    let expected = export_text(&ours, &dir.path().join("ours.xml"), &settings);
    let out = dir.path().join("theirs.xml");
    let outcome = export_with(
        &theirs,
        &out,
        &settings,
        XmlCompression::None,
        QuitFlag::new(),
    )
    .unwrap();
    assert_eq!(outcome.extra_columns, vec!["note".to_owned()]);
    // No copyright recorded in the rewritten file: the current statement instead.
    assert!(!outcome.copyright_recorded);
    let text = std::fs::read_to_string(&out).unwrap();
    let entries = |t: &str| t[..t.rfind("</entry>").unwrap()].to_owned();
    assert_eq!(entries(&text), entries(&expected));
    assert!(text.contains(export::CURRENT_COPYRIGHT));

    // A column missing, of another type, or null where the format requires a value.
    let batch = |fields: Vec<Field>, arrays: Vec<ArrayRef>| {
        RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).unwrap()
    };
    let full = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(&ours).unwrap())
        .unwrap()
        .build()
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    let without = |name: &str| {
        let keep: Vec<usize> = (0..full.num_columns())
            .filter(|&i| full.schema().field(i).name() != name)
            .collect();
        full.project(&keep).unwrap()
    };
    let replaced = |name: &str, field: Field, array: ArrayRef| {
        let mut fields: Vec<Field> = full
            .schema()
            .fields()
            .iter()
            .map(|f| f.as_ref().clone())
            .collect();
        let mut arrays = full.columns().to_vec();
        let at = full.schema().index_of(name).unwrap();
        fields[at] = field;
        arrays[at] = array;
        batch(fields, arrays)
    };
    let rows = full.num_rows();
    let cases = [
        (without("features"), "column features is missing"),
        (
            replaced(
                "accession",
                Field::new("accession", DataType::Int64, false),
                Arc::new(Int64Array::from(vec![1; rows])),
            ),
            "column accession is Int64 where Utf8 is expected",
        ),
        (
            replaced(
                "accession",
                Field::new("accession", DataType::Utf8, true),
                Arc::new(StringArray::from(vec![None::<&str>; rows])),
            ),
            "column accession is null at position 0",
        ),
    ];
    for (i, (bad, message)) in cases.into_iter().enumerate() {
        let path = dir.path().join(format!("bad{i}.parquet"));
        let mut writer =
            ArrowWriter::try_new(std::fs::File::create(&path).unwrap(), bad.schema(), None)
                .unwrap();
        writer.write(&bad).unwrap();
        writer.close().unwrap();
        let out = dir.path().join(format!("bad{i}.xml"));
        let err = export_with(
            &path,
            &out,
            &settings,
            XmlCompression::None,
            QuitFlag::new(),
        )
        .unwrap_err();
        let chain = err.chain();
        assert!(chain.contains(message), "{chain}");
        assert!(chain.contains(&format!("bad{i}.parquet")), "{chain}");
        assert!(!out.exists(), "{}", out.display());
    }
}

#[test]
fn an_interrupted_export_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let parquet = converted_sample(dir.path(), "uniprot-rs-tests-250.xml");
    let quit = QuitFlag::new();
    quit.request(15);
    let out = dir.path().join("out.xml");
    let err = export_with(
        &parquet,
        &out,
        &Settings::default(),
        XmlCompression::None,
        quit,
    )
    .unwrap_err();
    assert!(matches!(err, Error::Interrupted { .. }), "{err}");
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("out.xml"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn the_command_writes_stdout_and_a_run_record_and_refuses_a_non_parquet_input() {
    let dir = tempfile::tempdir().unwrap();
    let parquet = converted_sample(dir.path(), "P84001.xml");
    let ran = run(
        dir.path(),
        &["export", "-q", parquet.to_str().unwrap(), "-o", "-"],
    );
    assert!(ran.status.success(), "{}", stderr(&ran));
    let stdout = String::from_utf8(ran.stdout).unwrap();
    assert!(stdout.starts_with(xml::DOCUMENT_HEADER), "{stdout}");
    let (entries, _) = parse_all(stdout.as_bytes()).unwrap();
    assert_eq!(entries, parse_all(&sample_bytes("P84001.xml")).unwrap().0);

    let report = std::fs::read_dir(dir.path().join("runs"))
        .unwrap()
        .map(|e| e.unwrap().path().join("report.yaml"))
        .find(|p| std::fs::read_to_string(p).is_ok_and(|t| t.contains("command: export")))
        .expect("an export run record");
    let report = std::fs::read_to_string(report).unwrap();
    assert!(report.contains("status: succeeded"), "{report}");

    let not_parquet = dir.path().join("notes.parquet");
    std::fs::write(&not_parquet, "just text").unwrap();
    let out = dir.path().join("out.xml");
    let ran = run(
        dir.path(),
        &[
            "export",
            not_parquet.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert!(!ran.status.success());
    let err = stderr(&ran);
    assert!(
        err.contains("notes.parquet") && err.contains("not a readable Parquet file"),
        "{err}"
    );
    assert!(!out.exists());
}

/// Writes `entries` as a Parquet file of this schema at `path`, as another tool could.
fn write_entries(path: &Path, entries: &[Entry]) {
    let batch = EntryBatchBuilder::new().build(entries).unwrap();
    let mut writer =
        ArrowWriter::try_new(std::fs::File::create(path).unwrap(), batch.schema(), None).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
}

#[test]
fn rows_that_cannot_be_uniprot_xml_are_refused_naming_the_entry() {
    let dir = tempfile::tempdir().unwrap();
    let base = || {
        let mut entry = Entry {
            accessions: vec!["P12345".into()],
            ..Entry::default()
        };
        entry.finish();
        entry
    };
    let mut bad_source = base();
    bad_source.references.push(Reference {
        source: vec![SourceItem {
            kind: "strain x=\"1\"><injected".into(),
            value: "K12".into(),
            evidence: None,
        }],
        ..Reference::default()
    });
    let mut control = base();
    control.names.push("NAME\u{1}_HUMAN".into());
    let mut infinite = base();
    infinite.comments.push(Comment {
        kind: "mass spectrometry".into(),
        mass: Some(f64::INFINITY),
        ..Comment::default()
    });
    let cases = [
        (bad_source, "is no element of UniProt XML"),
        (control, "holds a character XML 1.0 cannot carry"),
        (infinite, "comments.mass is not a finite number"),
    ];
    for (i, (entry, message)) in cases.into_iter().enumerate() {
        let path = dir.path().join(format!("bad{i}.parquet"));
        write_entries(&path, &[base(), entry]);
        let out = dir.path().join(format!("bad{i}.xml"));
        let err = export_with(
            &path,
            &out,
            &Settings::default(),
            XmlCompression::None,
            QuitFlag::new(),
        )
        .unwrap_err()
        .chain();
        assert!(
            err.contains(message) && err.contains("entry P12345"),
            "{err}"
        );
        assert!(!out.exists());
    }

    // Absurd decimals are written in the shortest form rather than refused or panicking.
    let mut many = base();
    many.comments.push(Comment {
        kind: "mass spectrometry".into(),
        mass: Some(1234.5),
        mass_decimals: Some(70_000),
        ..Comment::default()
    });
    let path = dir.path().join("decimals.parquet");
    write_entries(&path, &[many]);
    let text = export_text(
        &path,
        &dir.path().join("decimals.xml"),
        &Settings::default(),
    );
    assert!(text.contains("mass=\"1234.5\""), "{text}");
}

#[test]
fn older_plain_text_dependences_come_back_as_they_were() {
    let dir = tempfile::tempdir().unwrap();
    let comment = "<comment type=\"biophysicochemical properties\">\
        <phDependence><text evidence=\"3\">Optimum 7.</text>Active from 5.</phDependence>\
        <temperatureDependence>Stable to 40 C.</temperatureDependence></comment>";
    let xml = format!(
        "{}<entry><accession>P1</accession>{comment}<sequence length=\"1\">M</sequence></entry>{}",
        xml::DOCUMENT_HEADER,
        xml::DOCUMENT_FOOTER
    );
    let parquet = dir.path().join("old.parquet");
    convert_bytes(xml.as_bytes(), &parquet, &Settings::default()).unwrap();
    let exported = export_text(&parquet, &dir.path().join("old.xml"), &Settings::default());
    assert!(
        exported.contains(
            "<phDependence><text evidence=\"3\">Optimum 7.</text>Active from 5.</phDependence>\
         <temperatureDependence>Stable to 40 C.</temperatureDependence>"
        ),
        "{exported}"
    );
    assert_eq!(
        parse_all(exported.as_bytes()).unwrap().0,
        parse_all(xml.as_bytes()).unwrap().0
    );
}

#[test]
fn what_the_format_did_not_keep_is_named_by_the_export() {
    let dir = tempfile::tempdir().unwrap();
    let xml = format!(
        "{}<entry><accession>P1</accession><futureElement>x</futureElement>\
         <sequence length=\"1\">M</sequence></entry>{}",
        xml::DOCUMENT_HEADER,
        xml::DOCUMENT_FOOTER
    );
    let input = dir.path().join("in.xml");
    std::fs::write(&input, xml).unwrap();
    let parquet = dir.path().join("in.parquet");
    cli_convert(dir.path(), &input, &parquet, &[]);
    let out = dir.path().join("out.xml");
    let ran = run(
        dir.path(),
        &[
            "export",
            parquet.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert!(ran.status.success(), "{}", stderr(&ran));
    let err = stderr(&ran);
    assert!(
        err.contains("cannot give them back") && err.contains("futureElement"),
        "{err}"
    );
    let report = std::fs::read_dir(dir.path().join("runs"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path().join("report.yaml")).unwrap())
        .find(|t| t.contains("command: export"))
        .unwrap();
    assert!(report.contains("futureElement"), "{report}");
}

#[test]
fn a_reader_that_stops_early_ends_an_export_to_stdout_quietly() {
    use std::io::Read as _;
    let dir = tempfile::tempdir().unwrap();
    let parquet = converted_sample(dir.path(), "uniprot-rs-tests-250.xml");
    let mut child = crate::util::bin(dir.path())
        .args(["-q", "export", parquet.to_str().unwrap(), "-o", "-"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut head = [0u8; 100];
    child.stdout.take().unwrap().read_exact(&mut head).unwrap();
    let done = child.wait_with_output().unwrap();
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert!(
        done.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert!(head.starts_with(b"<?xml"));
}
