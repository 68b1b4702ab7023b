//! The real binary: conversions from path, gzip and stdin; error messages and exit codes.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use parquet::file::reader::{FileReader, SerializedFileReader};
use uniprot_etl::writer::read_entries;

use crate::util::{bin, fixture, gzip, run, samples_dir, stderr};

/// Writes `data` gzip-compressed to `path`.
fn gzip_to(data: &[u8], path: &Path) {
    std::fs::write(path, gzip(data)).unwrap();
}

#[test]
fn converts_the_bundled_fixture() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.parquet");
    let output = run(
        dir.path(),
        &[
            "convert",
            fixture("sample.xml").to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let entries = read_entries(&out).unwrap();
    assert!(entries.len() >= 3);
    assert!(
        stderr(&output).contains("unmapped: none"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn gzip_is_detected_by_content_and_stdin_works() {
    let dir = tempfile::tempdir().unwrap();
    let xml = std::fs::read(samples_dir().join("uniprot-rs-tests-250.xml")).unwrap();
    // Gzip under a name without .gz: detection must not rely on the extension.
    let gz = dir.path().join("input.xml");
    gzip_to(&xml, &gz);
    let out_gz = dir.path().join("gz.parquet");
    let output = run(
        dir.path(),
        &[
            "convert",
            gz.to_str().unwrap(),
            "-o",
            out_gz.to_str().unwrap(),
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(read_entries(&out_gz).unwrap().len(), 250);

    // Multi-member gzip (as produced by parallel compressors): the members concatenated.
    let half = xml.len() / 2;
    let (a, b) = (dir.path().join("a.gz"), dir.path().join("b.gz"));
    gzip_to(&xml[..half], &a);
    gzip_to(&xml[half..], &b);
    let multi = dir.path().join("multi.xml.gz");
    let mut joined = std::fs::read(&a).unwrap();
    joined.extend(std::fs::read(&b).unwrap());
    std::fs::write(&multi, joined).unwrap();
    let out_multi = dir.path().join("multi.parquet");
    let output = run(
        dir.path(),
        &[
            "convert",
            multi.to_str().unwrap(),
            "-o",
            out_multi.to_str().unwrap(),
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(read_entries(&out_multi).unwrap().len(), 250);

    let out_stdin = dir.path().join("stdin.parquet");
    let mut child = bin(dir.path())
        .args(["convert", "-", "-o", out_stdin.to_str().unwrap()])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(&std::fs::read(&gz).unwrap())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        read_entries(&out_stdin).unwrap(),
        read_entries(&out_gz).unwrap()
    );
}

#[test]
fn malformed_input_names_file_offset_and_accession() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.xml");
    let xml = std::fs::read_to_string(samples_dir().join("P97881.xml")).unwrap();
    let broken = xml.replacen("</gene>", "</genes>", 1);
    std::fs::write(&bad, broken).unwrap();
    let out = dir.path().join("out.parquet");
    let output = run(
        dir.path(),
        &[
            "convert",
            bad.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(message.contains("bad.xml"), "{message}");
    assert!(message.contains("byte "), "{message}");
    assert!(message.contains("entry P97881"), "{message}");
    assert!(!message.contains("panicked"), "{message}");
    assert!(!out.exists());
}

#[test]
fn wrong_root_and_missing_file_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("page.xml");
    std::fs::write(&html, "<html><body>not uniprot</body></html>").unwrap();
    let out = dir.path().join("out.parquet");
    let output = run(
        dir.path(),
        &[
            "convert",
            html.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("root element is <html>"),
        "{}",
        stderr(&output)
    );

    let wrong_ns = dir.path().join("ns.xml");
    std::fs::write(
        &wrong_ns,
        "<uniprot xmlns=\"http://example.org/\"></uniprot>",
    )
    .unwrap();
    let output = run(
        dir.path(),
        &[
            "convert",
            wrong_ns.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("namespace"), "{}", stderr(&output));

    let output = run(
        dir.path(),
        &["convert", "/nonexistent/x.xml", "-o", out.to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("/nonexistent/x.xml"),
        "{}",
        stderr(&output)
    );
    assert!(!out.exists());
}

#[test]
fn strict_mode_fails_on_unmapped_elements() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("extra.xml");
    let xml = std::fs::read_to_string(samples_dir().join("P84001.xml")).unwrap();
    std::fs::write(
        &input,
        xml.replacen("</entry>", "<futureElement/></entry>", 1),
    )
    .unwrap();
    let out = dir.path().join("out.parquet");
    let lenient = run(
        dir.path(),
        &[
            "convert",
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert!(lenient.status.success(), "{}", stderr(&lenient));
    assert!(
        stderr(&lenient).contains("/entry/futureElement: 1"),
        "{}",
        stderr(&lenient)
    );
    std::fs::remove_file(&out).unwrap();
    let strict = run(
        dir.path(),
        &[
            "convert",
            "--strict",
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(strict.status.code(), Some(1));
    assert!(
        stderr(&strict).contains("/entry/futureElement"),
        "{}",
        stderr(&strict)
    );
    assert!(!out.exists());
}

#[test]
fn invalid_flag_values_name_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.parquet");
    let sample = samples_dir().join("P84001.xml");
    let output = run(
        dir.path(),
        &[
            "convert",
            sample.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--batch-size",
            "0",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("pipeline.batch_size"),
        "{}",
        stderr(&output)
    );

    let config = dir.path().join("config.yaml");
    std::fs::write(&config, "pipeline:\n  batch_sise: 10\n").unwrap();
    let output = run(
        dir.path(),
        &[
            "convert",
            sample.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--config",
            config.to_str().unwrap(),
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("batch_sise"),
        "{}",
        stderr(&output)
    );
}

#[test]
#[cfg(unix)]
fn write_failure_mid_run_is_reported_and_leaves_no_file() {
    // A file-size limit makes the writer's writes fail with EFBIG part-way through (SIGXFSZ
    // ignored so the process sees the error instead of dying): an injected disk-full.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.parquet");
    let sample = samples_dir().join("uniprot-rs-tests-250.xml");
    let script = format!(
        "trap '' XFSZ; ulimit -f 64; exec '{}' convert '{}' -o '{}' --batch-size 5 --compression none",
        env!("CARGO_BIN_EXE_uniprot-etl"),
        sample.display(),
        out.display()
    );
    let output = Command::new("sh")
        .arg("-c")
        .arg(script)
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(message.contains("writing"), "{message}");
    assert!(
        message.to_lowercase().contains("file too large"),
        "{message}"
    );
    assert!(!out.exists());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n != "runs")
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary file left behind: {leftovers:?}"
    );
}

#[test]
fn schema_command_prints_the_schema() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(dir.path(), &["schema"]);
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.starts_with("accession utf8 not null\n"), "{text}");
}

#[test]
fn a_reader_that_hangs_up_ends_the_listing_quietly() {
    // `uniprot-etl schema | head -1`: the read end is closed before the command writes.
    for command in ["schema", "columns"] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let dir = tempfile::tempdir().unwrap();
        let output = bin(dir.path())
            .arg(command)
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{command}: {err}");
        assert!(!err.contains("panicked"), "{command}: {err}");
    }
}

#[test]
#[cfg(unix)]
fn output_file_gets_ordinary_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.parquet");
    let script = format!(
        "umask 022; exec '{}' convert '{}' -o '{}'",
        env!("CARGO_BIN_EXE_uniprot-etl"),
        fixture("sample.xml").display(),
        out.display()
    );
    let output = Command::new("sh")
        .arg("-c")
        .arg(script)
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o644, "{mode:o}");
}

#[test]
fn statistics_flags_reach_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let sample = samples_dir().join("P84001.xml");
    // For each flag: whether `accession` and a column inside a list have statistics.
    let cases: [(&[&str], bool, bool); 3] = [
        (&[], true, true),
        (&["--no-list-statistics"], true, false),
        (&["--no-statistics"], false, false),
    ];
    for (flags, outside, inside) in cases {
        let out = dir.path().join("out.parquet");
        let mut args = vec![
            "convert",
            "-q",
            sample.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(flags);
        let output = run(dir.path(), &args);
        assert!(output.status.success(), "{}", stderr(&output));
        let file = std::fs::File::open(&out).unwrap();
        let reader = SerializedFileReader::new(file).unwrap();
        let metadata = reader.metadata();
        let has = |path: &str| {
            metadata
                .row_group(0)
                .columns()
                .iter()
                .find(|c| c.column_path().string() == path)
                .unwrap()
                .statistics()
                .is_some()
        };
        assert_eq!(has("accession"), outside, "{flags:?}");
        assert_eq!(has("organism.lineage.list.element"), inside, "{flags:?}");
        std::fs::remove_file(&out).unwrap();
    }
}
