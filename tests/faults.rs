//! Faults while a conversion runs: SIGINT/SIGTERM (clean stop, exit 130/143, report
//! `interrupted`), SIGKILL (nothing at the final path; the next run removes the stale temporary
//! file), the output directory removed mid-run. The input is fed through stdin so each fault
//! strikes at a known point: after the converter has started writing, before the input ends.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

use uniprot_etl::export::xml::DOCUMENT_HEADER;

use crate::util::{bin, stderr};

fn entry(n: usize) -> String {
    format!("<entry><accession>P{n:05}</accession><name>N{n}_HUMAN</name></entry>\n")
}

/// Starts `convert - -o out` in `dir` and feeds the header and a few entries.
fn start(dir: &Path, out: &Path) -> (Child, ChildStdin) {
    let mut child = bin(dir)
        .args([
            "convert",
            "-",
            "-o",
            out.to_str().unwrap(),
            "--batch-size",
            "2",
        ])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(DOCUMENT_HEADER.as_bytes()).unwrap();
    for n in 0..5 {
        stdin.write_all(entry(n).as_bytes()).unwrap();
    }
    stdin.flush().unwrap();
    (child, stdin)
}

/// Temporary files beside `out`.
fn partials(out: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(out.parent().unwrap())
        .map(|entries| {
            entries
                .map(|e| e.unwrap().path())
                .filter(|p| p.to_string_lossy().ends_with(".partial"))
                .collect()
        })
        .unwrap_or_default()
}

/// Waits until the converter's writer has created its temporary file (signal handlers are
/// installed before), then gives the parser a moment with the entries already fed.
fn wait_for_rows(out: &Path) {
    let started = Instant::now();
    while partials(out).is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no temporary file appeared"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(200));
}

fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

fn report(dir: &Path) -> String {
    let run = std::fs::read_dir(dir.join("runs"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    std::fs::read_to_string(run.join("report.yaml")).unwrap()
}

#[test]
fn sigint_and_sigterm_stop_cleanly_with_130_and_143() {
    for (name, code) in [("INT", 130), ("TERM", 143)] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.parquet");
        let (child, mut stdin) = start(dir.path(), &out);
        wait_for_rows(&out);
        signal(&child, name);
        // The parser checks the flag between entries: one more entry lets it see the signal.
        std::thread::sleep(Duration::from_millis(100));
        let _ = stdin.write_all(entry(99).as_bytes());
        let _ = stdin.flush();
        let output = child.wait_with_output().unwrap();
        drop(stdin);
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(code), "SIG{name}: {message}");
        assert!(
            message.contains(&format!("interrupted by SIG{name}")),
            "{message}"
        );
        assert!(!out.exists());
        assert!(partials(&out).is_empty(), "{:?}", partials(&out));
        let report = report(dir.path());
        assert!(report.contains("status: interrupted"), "{report}");
        assert!(report.contains("interrupted by SIG"), "{report}");
    }
}

#[test]
fn sigkill_leaves_no_output_and_the_next_run_cleans_up() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.parquet");
    let (mut child, stdin) = start(dir.path(), &out);
    wait_for_rows(&out);
    child.kill().unwrap();
    child.wait().unwrap();
    drop(stdin);
    assert!(!out.exists());
    let stale = partials(&out);
    assert_eq!(stale.len(), 1, "{stale:?}");

    let (mut child, mut stdin) = start(dir.path(), &out);
    stdin.write_all(b"</uniprot>\n").unwrap();
    drop(stdin);
    let status = child.wait().unwrap();
    assert!(status.success());
    assert_eq!(uniprot_etl::writer::read_entries(&out).unwrap().len(), 5);
    assert!(!stale[0].exists(), "stale temporary file kept");
    assert!(partials(&out).is_empty());
}

#[test]
fn output_directory_removed_mid_run_fails_with_a_report() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    let out = sub.join("out.parquet");
    let (child, mut stdin) = start(dir.path(), &out);
    wait_for_rows(&out);
    std::fs::remove_dir_all(&sub).unwrap();
    stdin.write_all(entry(7).as_bytes()).unwrap();
    stdin.write_all(b"</uniprot>\n").unwrap();
    drop(stdin);
    let output = child.wait_with_output().unwrap();
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{message}");
    assert!(message.contains("out.parquet"), "{message}");
    assert!(!out.exists());
    let report = report(dir.path());
    assert!(report.contains("status: failed"), "{report}");
}
