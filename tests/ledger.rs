//! The execution ledger seen from the binary: run directories, report.yaml, samples.csv,
//! retention, failed runs, `runs list/show/compare`, the Prometheus file.

use std::path::{Path, PathBuf};
use std::time::Instant;

use uniprot_etl::config::Settings;
use uniprot_etl::ledger::catalog::load_report;
use uniprot_etl::ledger::report::{Bottleneck, Report, RunStatus};

use crate::util::{run, samples_dir, stderr};

fn sample(name: &str) -> String {
    samples_dir().join(name).display().to_string()
}

fn run_dirs(dir: &Path) -> Vec<PathBuf> {
    uniprot_etl::ledger::list_run_dirs(&dir.join("runs")).unwrap()
}

fn convert_ok(dir: &Path, extra: &[&str]) {
    let out = dir.join("out.parquet");
    let mut args = vec![
        "convert",
        &*Box::leak(sample("uniprot-rs-tests-250.xml").into_boxed_str()),
        "-o",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let output = run(dir, &args);
    assert!(output.status.success(), "{}", stderr(&output));
}

#[test]
fn conversion_leaves_a_complete_run_directory() {
    let dir = tempfile::tempdir().unwrap();
    convert_ok(dir.path(), &["--run-name", "snap"]);
    let runs = run_dirs(dir.path());
    assert_eq!(runs.len(), 1);
    let run_dir = &runs[0];
    for file in [
        "report.yaml",
        "etl.log",
        "config_snapshot.yaml",
        "samples.csv",
    ] {
        assert!(run_dir.join(file).is_file(), "{file} missing");
    }
    let report: Report = load_report(run_dir).unwrap();
    assert_eq!(report.status, RunStatus::Succeeded);
    assert_eq!(report.metrics.entries, 250);
    assert!(report.run_id.starts_with("run_") && report.run_id.ends_with("_snap"));
    assert_eq!(report.config, Settings::default());
    let snapshot = Settings::from_file(&run_dir.join("config_snapshot.yaml")).unwrap();
    assert_eq!(snapshot, report.config);
    assert!(report.resources.samples >= 1);
    assert!(report.resources.rss_bytes_peak > 0);
    assert_eq!(report.output.row_groups, Some(1));
    let csv = std::fs::read_to_string(run_dir.join("samples.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("time_secs,cpu_percent,rss_bytes,channel_len")
    );
    assert_eq!(lines.count(), report.resources.samples);
    let log = std::fs::read_to_string(run_dir.join("etl.log")).unwrap();
    assert!(log.contains("250 entries"), "{log}");
    // A run far shorter than the sampler's interval still has its CPU time measured, and is
    // too short for a verdict.
    assert!(report.metrics.cpu_secs > 0.0, "{:?}", report.metrics);
    assert_eq!(report.diagnosis.bottleneck, Bottleneck::TooShort);
    assert!(report.metrics.threads >= 1);
    // The binary's memory setup is on record (README, Performance: it moves peak RSS).
    if cfg!(feature = "mimalloc") && std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        assert_eq!(report.host.allocator, "mimalloc v2, purge delay 2 ms");
    }
    if cfg!(target_os = "linux") && std::env::var_os("MIMALLOC_ALLOW_THP").is_none() {
        assert_eq!(report.host.huge_pages, "off");
    }
    insta::assert_yaml_snapshot!(report, {
        ".run_id" => "[run_id]",
        ".started_at" => "[time]",
        ".finished_at" => "[time]",
        ".duration_secs" => "[secs]",
        ".tool.git_commit" => "[commit]",
        ".host.*" => "[host]",
        ".input.path" => "[path]",
        ".output.path" => "[path]",
        ".output.bytes" => "[bytes]",
        ".metrics.entries_per_sec" => "[rate]",
        ".metrics.mb_per_sec" => "[rate]",
        ".metrics.threads" => "[cores]",
        ".metrics.cpu_secs" => "[secs]",
        ".metrics.cpu_percent" => "[rate]",
        ".metrics.chunks_in_flight_peak" => "[sampled]",
        ".metrics.stages.*.*" => "[secs]",
        ".resources.*" => "[sampled]",
        ".channel.capacity" => "[cores + 2]",
        ".channel.fullness_mean" => "[sampled]",
        ".channel.fullness_p95" => "[sampled]",
        ".channel.samples_above_90pct" => "[sampled]",
        ".channel.samples_below_10pct" => "[sampled]",
        ".diagnosis.*" => "[sampled]",
    });
}

#[test]
fn runs_in_the_same_second_get_distinct_directories_and_retention_keeps_keep_runs() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.yaml"), "runs:\n  keep_runs: 2\n").unwrap();
    for _ in 0..4 {
        convert_ok(dir.path(), &[]);
    }
    let runs = run_dirs(dir.path());
    assert_eq!(runs.len(), 2, "{runs:?}");
    // The newest survived: its report is the last one written.
    let newest = load_report(runs.last().unwrap()).unwrap();
    assert_eq!(newest.config.runs.keep_runs, 2);
}

#[test]
fn failed_run_writes_a_failed_report() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.xml");
    let truncated =
        "<uniprot xmlns=\"http://uniprot.org/uniprot\"><entry><accession>P1</accession></entry>";
    std::fs::write(&bad, truncated).unwrap();
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
    assert!(
        stderr(&output).contains("run report"),
        "{}",
        stderr(&output)
    );
    let runs = run_dirs(dir.path());
    let report = load_report(&runs[0]).unwrap();
    assert_eq!(report.status, RunStatus::Failed);
    let error = report.error.unwrap();
    assert!(
        error.contains("bad.xml") && error.contains("before </uniprot>"),
        "{error}"
    );
    assert_eq!(report.output.bytes, None);
    assert!(!out.exists());
}

#[test]
fn sampler_thread_does_not_delay_the_end_of_a_run() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config.yaml"),
        "runs:\n  sample_interval_secs: 30\n",
    )
    .unwrap();
    let started = Instant::now();
    let out = dir.path().join("out.parquet");
    let output = run(
        dir.path(),
        &[
            "convert",
            &sample("P84001.xml"),
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        started.elapsed().as_secs_f64() < 20.0,
        "run waited for the sampler's 30 s tick"
    );
    let report = load_report(&run_dirs(dir.path())[0]).unwrap();
    assert_eq!(
        report.resources.samples, 1,
        "the final sample is taken at stop"
    );
}

#[test]
fn runs_list_show_and_compare() {
    let dir = tempfile::tempdir().unwrap();
    convert_ok(dir.path(), &["--run-name", "first"]);
    convert_ok(dir.path(), &["--run-name", "second", "--batch-size", "50"]);
    let list = run(dir.path(), &["runs", "list"]);
    assert!(list.status.success(), "{}", stderr(&list));
    let text = String::from_utf8(list.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(
        lines[0].starts_with("id") && lines[0].contains("bottleneck"),
        "{text}"
    );
    assert!(
        lines[1].contains("_first") && lines[1].contains("succeeded") && lines[1].contains("250"),
        "{text}"
    );

    let ids: Vec<String> = run_dirs(dir.path())
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let show = run(dir.path(), &["runs", "show", &ids[1]]);
    assert!(String::from_utf8_lossy(&show.stdout).contains("batch_size: 50"));
    let compare = run(dir.path(), &["runs", "compare", &ids[0], &ids[1]]);
    let text = String::from_utf8(compare.stdout).unwrap();
    let batch_line = text.lines().find(|l| l.starts_with("batch_size")).unwrap();
    assert!(
        batch_line.contains("10000") && batch_line.contains("50") && batch_line.contains("0.005x"),
        "{text}"
    );
    let missing = run(dir.path(), &["runs", "show", "run_19990101"]);
    assert_eq!(missing.status.code(), Some(1));
}

#[test]
fn metrics_file_is_prometheus_text() {
    let dir = tempfile::tempdir().unwrap();
    let prom = dir.path().join("etl.prom");
    convert_ok(dir.path(), &["--metrics-file", prom.to_str().unwrap()]);
    let text = std::fs::read_to_string(prom).unwrap();
    assert!(text.contains("# TYPE uniprot_etl_entries gauge"), "{text}");
    let entries = text
        .lines()
        .find(|l| l.starts_with("uniprot_etl_entries{"))
        .unwrap();
    assert!(entries.ends_with(" 250"), "{entries}");
    assert!(text
        .lines()
        .any(|l| l.starts_with("uniprot_etl_success{") && l.ends_with(" 1")));
}

#[test]
fn quiet_keeps_the_terminal_silent_but_not_the_run_record() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.parquet");
    let input = sample("P97881.xml");
    let output = run(
        dir.path(),
        &["-q", "convert", &input, "-o", out.to_str().unwrap()],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stderr(&output), "", "-q printed something");
    let log = std::fs::read_to_string(run_dirs(dir.path())[0].join("etl.log")).unwrap();
    assert!(
        log.contains("1 entries") && log.contains("bottleneck"),
        "{log}"
    );
}

#[test]
fn dataset_runs_are_grouped_and_aggregated_with_their_stragglers() {
    let dir = tempfile::tempdir().unwrap();
    convert_ok(dir.path(), &["--run-name", "alone"]);
    let input = sample("uniprot-rs-tests-250.xml");
    let out = run(
        dir.path(),
        &[
            "convert",
            "-q",
            &input,
            "--shard",
            "1/2",
            "-o",
            "ds/",
            "--no-commit",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(
        dir.path(),
        &["convert", "-q", &input, "--shard", "2/2", "-o", "ds/"],
    );
    assert!(out.status.success(), "{}", stderr(&out));

    let list = run(dir.path(), &["runs", "list"]);
    let text = String::from_utf8(list.stdout).unwrap();
    let heading = text
        .lines()
        .position(|l| l.starts_with("dataset "))
        .expect(&text);
    assert!(
        text.lines().nth(heading).unwrap().ends_with("ds (2 runs)"),
        "{text}"
    );
    let units: Vec<&str> = text.lines().skip(heading + 2).collect();
    assert!(
        units[0].ends_with("0     1/2") && units[1].ends_with("1     2/2"),
        "{text}"
    );
    assert!(
        text.lines().take(heading).any(|l| l.contains("_alone")),
        "{text}"
    );

    let mut reports: Vec<Report> = run_dirs(dir.path())
        .iter()
        .map(|d| load_report(d).unwrap())
        .collect();
    let dataset_dir = std::path::absolute(dir.path().join("ds")).unwrap();
    let dataset_dir = dataset_dir.display().to_string();
    let figures = uniprot_etl::ledger::datasets::dataset_figures(&reports, &dataset_dir);
    assert_eq!(figures.units.len(), 2);
    assert_eq!(figures.entries, 250);
    // A third unit that ran three times as long as the others is the straggler.
    let mut slow = reports.last().unwrap().clone();
    slow.dataset.as_mut().unwrap().unit = 2;
    slow.duration_secs = 3.0 * reports.iter().map(|r| r.duration_secs).fold(0.0, f64::max);
    reports.push(slow);
    let figures = uniprot_etl::ledger::datasets::dataset_figures(&reports, &dataset_dir);
    let stragglers: Vec<u32> = figures
        .units
        .iter()
        .filter(|u| u.straggler)
        .map(|u| u.unit)
        .collect();
    assert_eq!(stragglers, vec![2]);
    assert!(uniprot_etl::ledger::datasets::dataset_view(&figures)
        .contains("stragglers (> 1.5× the median): unit 2"));
}
