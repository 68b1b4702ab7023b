//! Shards, split and datasets: the union of shards is the whole input wherever the cuts fall,
//! split parts convert to the same rows, and a dataset's manifest is checked by `verify`.

use std::io::Read;
use std::path::Path;

use proptest::prelude::*;
use uniprot_etl::dataset::manifest::Manifest;
use uniprot_etl::dataset::shard;
use uniprot_etl::lab::synth::{self, Amount, Profile};
use uniprot_etl::writer::read_entries;

use crate::util::{convert_to_rows, dataset_rows, gzip, parse_all, run, sample_files, stderr};

/// A small document whose entries hold `entry` in every place a naive splitter trips on: text,
/// escaped `<entry` in text, attribute values, comments between entries, and a copyright.
fn tricky_document(entries: usize) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- a file of entries -->\n\
         <uniprot xmlns=\"http://uniprot.org/uniprot\">\n",
    );
    for i in 0..entries {
        xml.push_str(&format!(
            "<entry dataset=\"Swiss-Prot\" created=\"2000-01-01\" modified=\"2000-01-0{d}\" version=\"{i}\">\n\
             <accession>P{i:05}</accession>\n<name>ENTRY_{i}</name>\n\
             <comment type=\"function\"><text evidence=\"entry\">an entry: &lt;entry x=\"1\"&gt; is text</text></comment>\n\
             <sequence length=\"3\" mass=\"300\" checksum=\"ABC\" modified=\"2000-01-01\" version=\"1\">MKV</sequence>\n\
             </entry>\n<!-- between entries -->\n",
            d = i % 9 + 1
        ));
    }
    xml.push_str("<copyright>\nCopyrighted by the UniProt Consortium\n</copyright>\n</uniprot>\n");
    xml
}

/// Accessions of the entries a shard range of `path` reads, in order.
fn range_accessions(path: &Path, lo: u64, hi: u64) -> Vec<String> {
    let mut opened =
        shard::open_range(path.to_str().unwrap(), (lo, hi), Default::default(), None).unwrap();
    let mut bytes = Vec::new();
    opened.reader.read_to_end(&mut bytes).unwrap();
    let (entries, _) =
        parse_all(&bytes).unwrap_or_else(|e| panic!("range {lo}..{hi} does not parse: {e}"));
    entries.into_iter().map(|e| e.accession).collect()
}

fn accessions_of(xml: &[u8]) -> Vec<String> {
    parse_all(xml)
        .unwrap()
        .0
        .into_iter()
        .map(|e| e.accession)
        .collect()
}

#[test]
fn two_shards_cut_at_every_byte_lose_and_duplicate_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let xml = tricky_document(4);
    let path = dir.path().join("doc.xml");
    std::fs::write(&path, &xml).unwrap();
    let all = accessions_of(xml.as_bytes());
    assert_eq!(all.len(), 4);
    let size = xml.len() as u64;
    for cut in 0..=size {
        let mut union = range_accessions(&path, 0, cut);
        union.extend(range_accessions(&path, cut, size));
        assert_eq!(union, all, "cut at byte {cut}");
    }
}

proptest! {
    #![proptest_config(crate::proptest_config!(48, "dataset.txt"))]
    #[test]
    fn any_shard_count_and_any_cuts_tile_the_entries(
        entries in 0usize..7,
        cuts in proptest::collection::vec(0.0f64..=1.0, 0..10),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let xml = tricky_document(entries);
        let path = dir.path().join("doc.xml");
        std::fs::write(&path, &xml).unwrap();
        let size = xml.len() as u64;
        let mut points: Vec<u64> = cuts.iter().map(|f| (f * size as f64) as u64).collect();
        points.push(0);
        points.push(size);
        points.sort_unstable();
        let union: Vec<String> = points
            .windows(2)
            .flat_map(|w| range_accessions(&path, w[0], w[1]))
            .collect();
        prop_assert_eq!(union, accessions_of(xml.as_bytes()));
    }
}

#[test]
fn shard_runs_of_real_entries_union_to_the_single_run() {
    let dir = tempfile::tempdir().unwrap();
    let input = &sample_files()[0];
    let input = input.to_str().unwrap();
    let single = dir.path().join("single.parquet");
    let out = run(
        dir.path(),
        &["convert", "-q", input, "-o", single.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let expected: Vec<_> = read_entries(&single).unwrap();
    for count in [2u32, 5] {
        let mut union = Vec::new();
        for index in 1..=count {
            let part = dir.path().join(format!("shard-{index}-{count}.parquet"));
            let shard = format!("{index}/{count}");
            let args = [
                "convert",
                "-q",
                input,
                "--shard",
                &shard,
                "-o",
                part.to_str().unwrap(),
            ];
            let out = run(dir.path(), &args);
            assert!(out.status.success(), "{}", stderr(&out));
            union.extend(read_entries(&part).unwrap());
        }
        assert_eq!(union, expected, "{count} shards");
    }
}

#[test]
fn more_shards_than_entries_gives_empty_shards_and_the_same_union() {
    let dir = tempfile::tempdir().unwrap();
    let xml = tricky_document(3);
    let input = dir.path().join("doc.xml");
    std::fs::write(&input, &xml).unwrap();
    let mut union = Vec::new();
    for index in 1..=8 {
        let part = dir.path().join(format!("s{index}.parquet"));
        let shard = format!("{index}/8");
        let args = [
            "convert",
            "-q",
            input.to_str().unwrap(),
            "--shard",
            &shard,
            "-o",
            part.to_str().unwrap(),
        ];
        let out = run(dir.path(), &args);
        assert!(out.status.success(), "{}", stderr(&out));
        union.extend(
            read_entries(&part)
                .unwrap()
                .into_iter()
                .map(|e| e.accession),
        );
    }
    assert_eq!(union, accessions_of(xml.as_bytes()));
}

#[test]
fn a_shard_names_the_file_offset_of_a_bad_entry_like_a_whole_run() {
    let dir = tempfile::tempdir().unwrap();
    let mut xml = tricky_document(6);
    let at = xml.rfind("<name>").unwrap();
    xml.insert_str(at, "<name>unclosed");
    let input = dir.path().join("bad.xml");
    std::fs::write(&input, &xml).unwrap();
    let input = input.to_str().unwrap();
    let whole = run(dir.path(), &["convert", "-q", input, "-o", "w.parquet"]);
    let shard = run(
        dir.path(),
        &["convert", "-q", input, "--shard", "2/2", "-o", "s.parquet"],
    );
    assert!(!whole.status.success() && !shard.status.success());
    let position = |text: String| {
        let at = text.find("byte ").unwrap();
        text[at..].split(':').next().unwrap().to_owned()
    };
    assert_eq!(position(stderr(&shard)), position(stderr(&whole)));
    assert!(stderr(&shard).contains("P00005"), "{}", stderr(&shard));
}

#[test]
fn a_compressed_input_cannot_be_sharded_and_the_error_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("doc.xml.gz");
    std::fs::write(&input, gzip(tricky_document(2).as_bytes())).unwrap();
    let out = run(
        dir.path(),
        &[
            "convert",
            input.to_str().unwrap(),
            "--shard",
            "1/2",
            "-o",
            "x.parquet",
        ],
    );
    assert!(!out.status.success());
    let message = stderr(&out);
    assert!(
        message.contains("cannot shard") && message.contains("uniprot-etl split"),
        "{message}"
    );
    assert!(!dir.path().join("x.parquet").exists());
}

/// A generated corpus of `entries` entries, ending with a copyright like UniProt's files.
fn corpus(entries: u64, seed: u64) -> Vec<u8> {
    let mut xml = Vec::new();
    synth::write_corpus(&mut xml, Profile::Trembl, seed, Amount::Entries(entries)).unwrap();
    let end = memchr::memmem::rfind(&xml, b"</uniprot>").unwrap();
    xml.splice(
        end..end,
        b"<copyright>\nTest release copyright\n</copyright>\n"
            .iter()
            .copied(),
    );
    xml
}

fn single_run_rows(dir: &Path, input: &Path) -> Vec<uniprot_etl::table::model::Entry> {
    let mut rows = convert_to_rows(dir, input, "single.parquet");
    rows.sort_by(|a, b| a.accession.cmp(&b.accession));
    rows
}

fn manifest(dir: &Path) -> Manifest {
    serde_json::from_slice(&std::fs::read(dir.join("_manifest.json")).unwrap()).unwrap()
}

#[test]
fn split_then_convert_the_parts_gives_the_single_run_rows() {
    let dir = tempfile::tempdir().unwrap();
    let xml = corpus(120, 7);
    let plain = dir.path().join("in.xml");
    std::fs::write(&plain, &xml).unwrap();
    let expected = single_run_rows(dir.path(), &plain);
    let gz = dir.path().join("in.xml.gz");
    std::fs::write(&gz, gzip(&xml)).unwrap();
    for (input, how, compress) in [
        (&gz, vec!["--parts", "3"], "gzip"),
        (&plain, vec!["--part-size", "100KB"], "zstd"),
        (&gz, vec!["--parts", "200"], "none"),
    ] {
        let parts = dir.path().join(format!("parts-{compress}"));
        let mut args = vec![
            "split",
            input.to_str().unwrap(),
            "-o",
            parts.to_str().unwrap(),
        ];
        args.extend(how.iter().copied());
        args.extend(["--compress", compress, "--chunk-bytes", "20KB"]);
        let out = run(dir.path(), &args);
        assert!(out.status.success(), "{}", stderr(&out));
        let dataset = dir.path().join(format!("ds-{compress}"));
        let out = run(
            dir.path(),
            &[
                "convert",
                "-q",
                parts.to_str().unwrap(),
                "-o",
                &format!("{}/", dataset.display()),
            ],
        );
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(dataset_rows(&dataset), expected, "split {how:?} {compress}");
        assert_eq!(manifest(&dataset).copyright, Some(synth_copyright(&xml)));
    }
}

/// The `<copyright>` text of a generated corpus.
fn synth_copyright(xml: &[u8]) -> String {
    let text = String::from_utf8_lossy(xml);
    let start = text.rfind("<copyright>").unwrap() + "<copyright>".len();
    let end = text.rfind("</copyright>").unwrap();
    text[start..end].to_owned()
}

#[test]
fn split_reads_stdin_and_refuses_a_truncated_document() {
    let dir = tempfile::tempdir().unwrap();
    let xml = corpus(30, 3);
    let mut child = crate::util::bin(dir.path())
        .args(["split", "-", "--parts", "2", "-o", "parts"])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(&gzip(&xml)).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let mut union = Vec::new();
    for part in ["part-00000.xml.gz", "part-00001.xml.gz"] {
        let mut decoded = Vec::new();
        flate2::read::MultiGzDecoder::new(
            std::fs::File::open(dir.path().join("parts").join(part)).unwrap(),
        )
        .read_to_end(&mut decoded)
        .unwrap();
        union.extend(accessions_of(&decoded));
    }
    union.sort();
    let mut expected = accessions_of(&xml);
    expected.sort();
    assert_eq!(union, expected);

    let truncated = dir.path().join("cut.xml");
    std::fs::write(&truncated, &xml[..xml.len() - 40]).unwrap();
    let out = run(
        dir.path(),
        &[
            "split",
            truncated.to_str().unwrap(),
            "--parts",
            "2",
            "-o",
            "cut",
        ],
    );
    assert!(!out.status.success());
    assert!(stderr(&out).contains("cut.xml: byte"), "{}", stderr(&out));
    let left: Vec<_> = std::fs::read_dir(dir.path().join("cut")).unwrap().collect();
    assert!(left.is_empty(), "a failed split leaves nothing: {left:?}");
}

#[test]
fn a_dataset_of_three_inputs_has_a_true_manifest_and_verify_names_broken_parts() {
    let dir = tempfile::tempdir().unwrap();
    let mut inputs = Vec::new();
    let mut all = Vec::new();
    for i in 0..3u64 {
        let xml = corpus(20 + i * 10, 11 + i);
        all.extend(accessions_of(&xml));
        let path = dir.path().join(format!("in{i}.xml"));
        std::fs::write(&path, if i == 1 { gzip(&xml) } else { xml }).unwrap();
        inputs.push(path.display().to_string());
    }
    let mut args = vec!["convert", "-q", "-o", "ds", "--max-file-rows", "12"];
    args.extend(inputs.iter().map(String::as_str));
    let out = run(dir.path(), &args);
    assert!(out.status.success(), "{}", stderr(&out));
    let ds = dir.path().join("ds");
    let manifest = manifest(&ds);
    assert_eq!(manifest.rows, all.len() as u64);
    assert_eq!(manifest.sources.len(), 3);
    assert!(
        manifest.files.len() >= 6,
        "rolled over at 12 rows: {}",
        manifest.files.len()
    );
    for file in &manifest.files {
        let path = ds.join(&file.part.file);
        let rows = read_entries(&path).unwrap();
        assert!(rows.len() <= 12);
        assert_eq!(rows.len() as u64, file.part.rows);
        assert_eq!(std::fs::metadata(&path).unwrap().len(), file.part.bytes);
        let (_, sha) = uniprot_etl::dataset::manifest::sha256_of(&path).unwrap();
        assert_eq!(sha, file.part.sha256);
        let min = rows.iter().map(|r| r.accession.clone()).min();
        assert_eq!(min, file.part.min_accession);
    }
    let source = &manifest.sources[1];
    let (_, sha) = uniprot_etl::dataset::manifest::sha256_of(Path::new(&source.path)).unwrap();
    assert_eq!(source.sha256.as_deref(), Some(sha.as_str()));
    let mut rows: Vec<_> = dataset_rows(&ds).into_iter().map(|e| e.accession).collect();
    rows.sort();
    all.sort();
    assert_eq!(rows, all);
    assert!(run(dir.path(), &["verify", "ds"]).status.success());

    // Resuming converts nothing: every unit is in place.
    let mut again = args.clone();
    again.push("--resume");
    again.retain(|a| *a != "-q");
    let out = run(dir.path(), &again);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stderr(&out).matches("already converted").count(),
        3,
        "{}",
        stderr(&out)
    );

    let deleted = ds.join(&manifest.files[0].part.file);
    std::fs::remove_file(&deleted).unwrap();
    let corrupted = ds.join(&manifest.files[3].part.file);
    let mut bytes = std::fs::read(&corrupted).unwrap();
    bytes[100] ^= 0xff;
    std::fs::write(&corrupted, bytes).unwrap();
    std::fs::write(ds.join("stray.parquet"), b"x").unwrap();
    let out = run(dir.path(), &["verify", "ds"]);
    assert!(!out.status.success());
    let message = stderr(&out);
    for named in [
        &manifest.files[0].part.file,
        &manifest.files[3].part.file,
        &"stray.parquet".to_owned(),
    ] {
        assert!(
            message.contains(named.as_str()),
            "{named} not named: {message}"
        );
    }
    assert!(
        message.contains("missing") && message.contains("corrupt"),
        "{message}"
    );
}

#[test]
fn shards_written_into_one_directory_commit_only_when_all_are_there() {
    let dir = tempfile::tempdir().unwrap();
    let xml = corpus(40, 5);
    let input = dir.path().join("in.xml");
    std::fs::write(&input, &xml).unwrap();
    let input = input.to_str().unwrap();
    let convert_shard = |index: u32| {
        let shard = format!("{index}/3");
        let args = [
            "convert",
            "-q",
            input,
            "--shard",
            &shard,
            "--no-commit",
            "-o",
            "ds/",
        ];
        let out = run(dir.path(), &args);
        assert!(out.status.success(), "{}", stderr(&out));
    };
    convert_shard(1);
    convert_shard(3);
    let out = run(dir.path(), &["commit", "ds"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("shards [1, 3] of 3"),
        "{}",
        stderr(&out)
    );
    convert_shard(2);
    let commit = |units: &str| run(dir.path(), &["commit", "ds", "--units", units]);
    assert!(!commit("4").status.success());
    let out = commit("3");
    assert!(out.status.success(), "{}", stderr(&out));
    let manifest = manifest(&dir.path().join("ds"));
    assert_eq!(manifest.rows, 40);
    assert_eq!(manifest.sources[0].shards.len(), 3);
    assert!(run(dir.path(), &["verify", "ds"]).status.success());
    // Another conversion into the directory removes the manifest until the next commit.
    convert_shard(2);
    assert!(!dir.path().join("ds/_manifest.json").exists());
    assert!(!run(dir.path(), &["verify", "ds"]).status.success());
}

#[test]
fn several_inputs_into_a_parquet_file_name_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.xml");
    std::fs::write(&a, corpus(3, 1)).unwrap();
    let a = a.to_str().unwrap();
    let out = run(dir.path(), &["convert", a, a, "-o", "out.parquet"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("give a directory (-o out/)"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("out.parquet").exists());
}

#[test]
fn commit_refuses_datasets_that_do_not_add_up() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.xml");
    let b = dir.path().join("b.xml");
    std::fs::write(&a, corpus(10, 1)).unwrap();
    std::fs::write(&b, corpus(10, 2)).unwrap();
    let convert = |input: &Path, unit: &str| {
        run(
            dir.path(),
            &[
                "convert",
                "-q",
                input.to_str().unwrap(),
                "--unit",
                unit,
                "--no-commit",
                "-o",
                "ds/",
            ],
        )
    };
    assert!(convert(&a, "0").status.success());
    // Unit 0 holds a.xml: b.xml cannot take its part names.
    let out = convert(&b, "0");
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("unit 0 already holds") && stderr(&out).contains("a.xml"),
        "{}",
        stderr(&out)
    );
    // The same source under two units.
    assert!(convert(&a, "1").status.success());
    let out = run(dir.path(), &["commit", "ds"]);
    assert!(
        stderr(&out).contains("converted by units [0, 1]"),
        "{}",
        stderr(&out)
    );
    std::fs::remove_file(dir.path().join("ds/_units/unit-00001.json")).unwrap();
    // Unit 1's part has no record now.
    let out = run(dir.path(), &["commit", "ds"]);
    assert!(
        stderr(&out).contains("part-00001-00000.parquet belongs to no recorded unit"),
        "{}",
        stderr(&out)
    );
    std::fs::remove_file(dir.path().join("ds/part-00001-00000.parquet")).unwrap();
    assert!(run(dir.path(), &["commit", "ds"]).status.success());
    // A record whose part is gone.
    std::fs::remove_file(dir.path().join("ds/part-00000-00000.parquet")).unwrap();
    let out = run(dir.path(), &["commit", "ds"]);
    assert!(
        stderr(&out).contains("part-00000-00000.parquet of unit 0 is missing"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn parts_roll_over_at_the_byte_limit_and_keep_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let xml = corpus(200, 9);
    let input = dir.path().join("in.xml");
    std::fs::write(&input, &xml).unwrap();
    let args = [
        "convert",
        "-q",
        input.to_str().unwrap(),
        "-o",
        "ds",
        "--batch-size",
        "20",
    ];
    let mut limited = args.to_vec();
    limited.extend(["--max-file-bytes", "60KB"]);
    let out = run(dir.path(), &limited);
    assert!(out.status.success(), "{}", stderr(&out));
    let manifest = manifest(&dir.path().join("ds"));
    assert!(manifest.files.len() > 2, "{} files", manifest.files.len());
    for file in &manifest.files {
        // Row groups of 20 rows; a file holds whole row groups, so only the last may be short.
        assert_eq!(file.part.rows % 20, 0, "{}", file.part.file);
    }
    let mut expected = accessions_of(&xml);
    expected.sort();
    let rows: Vec<_> = dataset_rows(&dir.path().join("ds"))
        .into_iter()
        .map(|e| e.accession)
        .collect();
    assert_eq!(rows, expected);
    // The limit bounds the row groups' bytes: no file's data goes past it, footers aside.
    let single = run(
        dir.path(),
        &[
            "convert",
            "-q",
            input.to_str().unwrap(),
            "-o",
            "one.parquet",
            "--batch-size",
            "20",
        ],
    );
    assert!(single.status.success());
    let total: u64 = manifest.files.iter().map(|f| f.part.bytes).sum();
    assert!(
        total
            > std::fs::metadata(dir.path().join("one.parquet"))
                .unwrap()
                .len()
    );
}

#[test]
fn several_inputs_convert_in_parallel_each_with_its_own_run() {
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec!["convert".to_owned(), "--threads".into(), "2".into()];
    for i in 0..3u64 {
        let path = dir.path().join(format!("in{i}.xml"));
        std::fs::write(&path, corpus(5, 20 + i)).unwrap();
        args.push(path.display().to_string());
    }
    args.extend(["-o".into(), "ds/".into()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = run(dir.path(), &args);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("converting 3 inputs, 2 at a time, 1 thread each"),
        "{}",
        stderr(&out)
    );
    let runs = std::fs::read_dir(dir.path().join("runs")).unwrap().count();
    assert_eq!(runs, 3, "one run directory per input");
    assert_eq!(manifest(&dir.path().join("ds")).rows, 15);
}
