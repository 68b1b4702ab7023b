//! The bad-input battery and fault injection, on the real binary (docs/RELIABILITY.md lists
//! every case). Each bad input must end with exit code 1 (never 101, a panic), one error line
//! naming the problem, the file, the byte offset and the entry in progress, nothing at the
//! output path (a pre-existing output untouched, no temporary file left), within a time limit
//! and under an address-space cap. Big inputs are streamed through stdin from a thread, so the
//! battery needs no disk and stops as soon as the converter gives up.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use uniprot_etl::export::xml::DOCUMENT_HEADER;

use crate::util::{fixture, gzip, stderr};

/// Address-space cap for the converter: far below what buffering a 200 MB text node or a 1 GB
/// line would take, comfortably above a normal debug-build run (the allocator reserves address
/// space per thread, so a pool of workers needs more than the old two threads did).
const MEMORY_CAP_KB: u64 = 900 * 1024;

/// Longest a bad input may take to be refused.
const TIME_LIMIT: Duration = Duration::from_secs(60);

/// What is fed to the converter.
enum Input {
    /// Written to `input.xml` in the test directory.
    File(Vec<u8>),
    /// Streamed through stdin (`-`) by a thread: a head, `count` repetitions of `chunk`, a tail.
    Stream {
        head: Vec<u8>,
        chunk: Vec<u8>,
        count: usize,
        tail: Vec<u8>,
    },
}

fn converter(dir: &Path, input: &str, out: &Path, extra: &[&str]) -> Command {
    let mut args = format!(
        "ulimit -v {MEMORY_CAP_KB}; exec '{}' -q convert '{input}' -o '{}'",
        env!("CARGO_BIN_EXE_uniprot-etl"),
        out.display()
    );
    for arg in extra {
        args.push_str(&format!(" '{arg}'"));
    }
    let mut command = Command::new("sh");
    command.arg("-c").arg(args).current_dir(dir);
    command
}

/// Waits for `child` at most [`TIME_LIMIT`]; kills it and fails the test when it hangs.
fn wait_bounded(mut child: Child, what: &str) -> Output {
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if started.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            panic!("{what}: no answer within {TIME_LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Runs the converter on `input` in a fresh directory; returns its output and the directory.
fn convert(input: Input, extra: &[&str], existing_output: bool) -> (Output, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.parquet");
    if existing_output {
        std::fs::write(&out, b"previous output").unwrap();
    }
    let output = match input {
        Input::File(bytes) => {
            let path = dir.path().join("input.xml");
            std::fs::write(&path, bytes).unwrap();
            let child = converter(dir.path(), "input.xml", &out, extra)
                .stderr(Stdio::piped())
                .stdout(Stdio::null())
                .spawn()
                .unwrap();
            wait_bounded(child, "file input")
        }
        Input::Stream {
            head,
            chunk,
            count,
            tail,
        } => {
            let mut child = converter(dir.path(), "-", &out, extra)
                .stdin(Stdio::piped())
                .stderr(Stdio::piped())
                .stdout(Stdio::null())
                .spawn()
                .unwrap();
            let mut stdin = child.stdin.take().unwrap();
            let feeder = std::thread::spawn(move || {
                // A write error means the converter gave up reading: that is the point.
                let _ = (|| -> std::io::Result<()> {
                    stdin.write_all(&head)?;
                    for _ in 0..count {
                        stdin.write_all(&chunk)?;
                    }
                    stdin.write_all(&tail)
                })();
            });
            let output = wait_bounded(child, "stdin input");
            feeder.join().unwrap();
            output
        }
    };
    (output, dir)
}

/// Asserts the battery's contract; `expected` are fragments the error line must contain.
fn assert_refused(input: Input, expected: &[&str], existing_output: bool) -> String {
    let (output, dir) = convert(input, &[], existing_output);
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{message}");
    let lines: Vec<&str> = message.lines().collect();
    assert_eq!(lines.len(), 1, "not one line: {message}");
    let line = lines[0];
    assert!(line.contains("error"), "{line}");
    for fragment in expected {
        assert!(line.contains(fragment), "missing {fragment:?} in: {line}");
    }
    assert!(!line.contains("panicked"), "{line}");
    let out = dir.path().join("out.parquet");
    if existing_output {
        assert_eq!(std::fs::read(&out).unwrap(), b"previous output");
    } else {
        assert!(!out.exists(), "output written for bad input");
    }
    let leftovers: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".partial"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    line.to_owned()
}

fn file(xml: impl AsRef<[u8]>) -> Input {
    Input::File(xml.as_ref().to_vec())
}

/// A document with `body` inside `<uniprot>`, closed.
fn doc(body: &str) -> String {
    format!("{DOCUMENT_HEADER}{body}</uniprot>\n")
}

const GOOD: &str = "<entry><accession>P00001</accession><name>A_HUMAN</name></entry>\n";

fn sample() -> Vec<u8> {
    std::fs::read(fixture("sample.xml")).unwrap()
}

#[test]
fn empty_not_xml_wrong_root_and_html_are_refused() {
    assert_refused(file(""), &["input.xml", "byte 0", "no root element"], false);
    assert_refused(
        file("hello, world\n"),
        &["input.xml", "byte 0", "text outside"],
        true,
    );
    assert_refused(
        file([0u8, 159, 146, 150, 255, 0, 1]),
        &["input.xml", "byte"],
        false,
    );
    assert_refused(
        file("<?xml version=\"1.0\"?><entries><entry/></entries>"),
        &["input.xml", "byte", "root element is <entries>"],
        true,
    );
    assert_refused(
        file("<!DOCTYPE html>\n<html><body><p>Not found</p></body></html>\n"),
        &["input.xml", "byte", "DOCTYPE"],
        false,
    );
    assert_refused(
        file("<html><body>not uniprot</body></html>"),
        &["root element is <html>"],
        true,
    );
}

#[test]
fn truncation_anywhere_is_an_error_naming_the_entry() {
    let xml = sample();
    let cut = String::from_utf8_lossy(&xml).find("<sequence").unwrap();
    assert_refused(
        file(&xml[..cut]),
        &["input.xml", "byte", "entry XQ0001", "end of input"],
        false,
    );
    // Complete last entry, but no </uniprot>.
    let end = String::from_utf8_lossy(&xml).rfind("<copyright>").unwrap();
    assert_refused(file(&xml[..end]), &["before </uniprot>", "byte"], true);
    let short = gzip(&xml);
    assert_refused(
        file(&short[..short.len() / 2]),
        &["input.xml", "byte", "read error"],
        false,
    );
    let mut bad_crc = gzip(&xml);
    let crc = bad_crc.len() - 8;
    bad_crc[crc] ^= 0xff;
    let line = assert_refused(
        file(bad_crc),
        &["input.xml", "read error", "checksum"],
        true,
    );
    assert!(!line.contains("byte 0 "), "{line}");
}

#[test]
fn malformed_xml_is_refused_with_position_and_entry() {
    let mut bad_utf8 = doc("<entry><accession>P00002</accession><name>AB_").into_bytes();
    bad_utf8.extend_from_slice(&[0xC3, 0x28, 0xFF]);
    bad_utf8.extend_from_slice(b"</name></entry></uniprot>");
    assert_refused(
        file(bad_utf8),
        &["input.xml", "byte", "entry P00002", "malformed XML"],
        false,
    );
    assert_refused(
        file(doc(
            "<entry><accession>P00003</accession><name>X</nam></entry>",
        )),
        &["byte", "entry P00003", "malformed XML"],
        true,
    );
    assert_refused(
        file(doc(
            "<entry><accession>P00004</accession><name>&nbsp;</name></entry>",
        )),
        &["byte", "entry P00004", "unknown entity &nbsp;"],
        false,
    );
    assert_refused(
        file(doc(
            "<entry version=\"1\" version=\"2\"><accession>P00005</accession></entry>",
        )),
        &["byte", "malformed XML", "duplicated attribute"],
        true,
    );
}

#[test]
fn entity_tricks_are_refused_and_no_local_file_is_read() {
    let laughs = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\">\
        <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\
        <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>\n\
        <uniprot xmlns=\"http://uniprot.org/uniprot\"><entry><accession>&lol3;</accession></entry></uniprot>";
    assert_refused(file(laughs), &["input.xml", "byte", "DOCTYPE"], false);
    let external = "<?xml version=\"1.0\"?>\n<!DOCTYPE uniprot [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n\
        <uniprot xmlns=\"http://uniprot.org/uniprot\"><entry><accession>&xxe;</accession></entry></uniprot>";
    let line = assert_refused(file(external), &["DOCTYPE"], true);
    assert!(!line.contains("root:"), "{line}");
    // Without a DOCTYPE the reference is simply unknown.
    let line = assert_refused(
        file(doc(
            "<entry><accession>P1</accession><name>&xxe;</name></entry>",
        )),
        &["unknown entity &xxe;"],
        false,
    );
    assert!(!line.contains("root:"), "{line}");
}

#[test]
fn absurd_values_impossible_dates_and_missing_accession_are_refused() {
    for (body, fragments) in [
        (
            "<entry><accession>P00010</accession><feature type=\"site\"><location><position position=\"99999999999999999999\"/></location></feature></entry>",
            &["entry P00010", "invalid non-negative integer \"99999999999999999999\"", "/entry/feature/location/position@position"][..],
        ),
        (
            "<entry><accession>P00011</accession><sequence length=\"-5\" mass=\"12\">MK</sequence></entry>",
            &["entry P00011", "invalid non-negative integer \"-5\"", "@length"][..],
        ),
        (
            "<entry><accession>P00012</accession><sequence length=\"many\">MK</sequence></entry>",
            &["entry P00012", "invalid non-negative integer \"many\""][..],
        ),
        (
            "<entry><accession>P00013</accession><sequence modified=\"2021-02-30\">MK</sequence></entry>",
            &["entry P00013", "invalid date \"2021-02-30\""][..],
        ),
        (
            "<entry created=\"1999-13-01\"><accession>P00014</accession></entry>",
            &["invalid date \"1999-13-01\"", "/entry@created"][..],
        ),
        (
            "<entry><name>NO_ACCESSION</name></entry>",
            &["entry has no <accession>"][..],
        ),
    ] {
        let mut expected = vec!["input.xml", "byte"];
        expected.extend_from_slice(fragments);
        assert_refused(file(doc(&format!("{GOOD}{body}"))), &expected, body.len() % 2 == 0);
    }
}

#[test]
fn a_200_mb_text_node_is_refused_in_bounded_memory() {
    let line = assert_refused(
        Input::Stream {
            head: format!("{DOCUMENT_HEADER}<entry><accession>P00020</accession><sequence>")
                .into_bytes(),
            chunk: vec![b'M'; 1 << 20],
            count: 200,
            tail: b"</sequence></entry></uniprot>".to_vec(),
        },
        &["-: byte", "entry P00020", "max_text_bytes"],
        false,
    );
    assert!(line.contains("16777216"), "{line}");
}

#[test]
fn a_1_gb_line_without_newline_is_refused_in_bounded_memory() {
    // Markup-rich but one line: small tokens, so the entry size limit is what stops it.
    assert_refused(
        Input::Stream {
            head: format!("{DOCUMENT_HEADER}<entry><accession>P00021</accession>").into_bytes(),
            chunk: b"<name>x</name>".repeat(1 << 16),
            count: 1100,
            tail: b"</entry></uniprot>".to_vec(),
        },
        &["-: byte", "entry P00021", "max_entry_bytes"],
        true,
    );
    // A single 1 GB token: the token limit stops it.
    assert_refused(
        Input::Stream {
            head: DOCUMENT_HEADER.as_bytes().to_vec(),
            chunk: vec![b'x'; 1 << 20],
            count: 1024,
            tail: Vec::new(),
        },
        &["-: byte", "max_text_bytes"],
        false,
    );
}

#[test]
fn nesting_100k_levels_deep_is_refused() {
    assert_refused(
        Input::Stream {
            head: format!("{DOCUMENT_HEADER}<entry><accession>P00022</accession>").into_bytes(),
            chunk: b"<unknown>".to_vec(),
            count: 100_000,
            tail: b"</entry></uniprot>".to_vec(),
        },
        &["-: byte", "entry P00022", "max_depth (256)"],
        true,
    );
}

/// The run directory of the only run in `dir/runs`.
fn only_run(dir: &Path) -> PathBuf {
    let runs: Vec<PathBuf> = std::fs::read_dir(dir.join("runs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(runs.len(), 1, "{runs:?}");
    runs[0].clone()
}

#[test]
fn skip_policy_keeps_good_entries_and_rejects_bad_ones_verbatim() {
    let bad = [
        "<entry><accession>P00031</accession><sequence length=\"-x\">MK</sequence></entry>",
        "<entry>\n  <name>NO_ACCESSION</name>\n</entry>",
    ];
    let xml = doc(&format!(
        "{GOOD}{}\n{}\n{}",
        bad[0],
        bad[1],
        GOOD.replace("P00001", "P00032")
    ));
    let (output, dir) = convert(Input::File(xml.clone().into_bytes()), &[], false);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));

    let (output, dir2) = convert(
        Input::File(xml.into_bytes()),
        &["--on-error", "skip"],
        false,
    );
    assert!(output.status.success(), "{}", stderr(&output));
    drop(dir);
    let entries = uniprot_etl::writer::read_entries(&dir2.path().join("out.parquet")).unwrap();
    let accessions: Vec<&str> = entries.iter().map(|e| e.accession.as_str()).collect();
    assert_eq!(accessions, ["P00001", "P00032"]);
    let run = only_run(dir2.path());
    let rejects = std::fs::read_to_string(run.join("rejects.xml")).unwrap();
    for entry in bad {
        assert!(rejects.contains(entry), "{rejects}");
    }
    // The rejects file is a UniProt document itself: it parses (and fails on its entries).
    let (output, _) = convert(Input::File(rejects.into_bytes()), &[], false);
    assert!(
        stderr(&output).contains("invalid non-negative integer"),
        "{}",
        stderr(&output)
    );
    let report = std::fs::read_to_string(run.join("report.yaml")).unwrap();
    assert!(
        report.contains("rejects:\n  entries: 2\n  file: rejects.xml"),
        "{report}"
    );
}

#[test]
fn a_read_error_mid_stream_fails_the_conversion_cleanly() {
    /// Yields `good` bytes, then fails like a dying disk.
    struct FailingReader {
        data: Vec<u8>,
        at: usize,
    }
    impl std::io::Read for FailingReader {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.at >= self.data.len() {
                return Err(std::io::Error::other("injected: input/output error"));
            }
            let n = buf.len().min(self.data.len() - self.at).min(100);
            buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
            self.at += n;
            Ok(n)
        }
    }
    let xml = sample();
    let reader = std::io::BufReader::new(FailingReader {
        data: xml[..xml.len() / 2].to_vec(),
        at: 0,
    });
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.parquet");
    let job = uniprot_etl::pipeline::Job::new(
        "disk.xml",
        uniprot_etl::writer::Target::File(out.clone()),
        uniprot_etl::config::Settings::default(),
    );
    let err = crate::util::convert_job(reader, &job)
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("disk.xml: byte"), "{err}");
    assert!(err.contains("read error: injected"), "{err}");
    assert!(err.contains("entry XQ"), "{err}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}
