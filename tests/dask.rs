//! The Dask driver (`scripts/dask_convert.py`) end to end on a LocalCluster of two worker
//! processes: the dataset equals the single-process conversion, a re-run does no work, and a
//! worker killed in the middle of a task still ends with a correct dataset.
//!
//! Needs a Python with the pinned `scripts/requirements.txt` installed: `UNIPROT_ETL_PYTHON`,
//! else `.venv/bin/python` in the repository (`.ci/run` and the README's test command make it).

use std::path::{Path, PathBuf};
use std::process::Command;

use uniprot_etl::lab::synth::{self, Amount, Profile};

use crate::util::{convert_to_rows, dataset_rows, gzip, run, stderr};

/// The Python that has dask and distributed.
fn python() -> PathBuf {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = std::env::var_os("UNIPROT_ETL_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo.join(".venv/bin/python"));
    let ready = Command::new(&python)
        .args(["-c", "import dask.distributed"])
        .output()
        .is_ok_and(|out| out.status.success());
    assert!(
        ready,
        "{} cannot import dask.distributed; run `python3 -m venv .venv && \
         .venv/bin/pip install -r scripts/requirements.txt` (the README's test command does)",
        python.display()
    );
    python
}

/// Sorted accessions of every part file in `dir`.
fn dataset_accessions(dir: &Path) -> Vec<String> {
    dataset_rows(dir).into_iter().map(|e| e.accession).collect()
}

/// Modification times of the part files, to see that a re-run rewrote nothing.
fn part_times(dir: &Path) -> Vec<(PathBuf, std::time::SystemTime)> {
    let mut times: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "parquet"))
        .map(|p| {
            let modified = std::fs::metadata(&p).unwrap().modified().unwrap();
            (p, modified)
        })
        .collect();
    times.sort();
    times
}

#[test]
fn dask_driver_builds_the_dataset_survives_a_killed_worker_and_reruns_idempotently() {
    let python = python();
    let dir = tempfile::tempdir().unwrap();
    let mut expected = Vec::new();
    let mut inputs = Vec::new();
    for (i, entries) in [(0u64, 4000u64), (1, 300)] {
        let mut xml = Vec::new();
        synth::write_corpus(&mut xml, Profile::Trembl, 40 + i, Amount::Entries(entries)).unwrap();
        let path = dir.path().join(format!("in{i}.xml"));
        std::fs::write(&path, &xml).unwrap();
        let single = convert_to_rows(dir.path(), &path, &format!("single{i}.parquet"));
        expected.extend(single.into_iter().map(|e| e.accession));
        if i == 1 {
            std::fs::remove_file(&path).unwrap();
            let path = dir.path().join("in1.xml.gz");
            std::fs::write(&path, gzip(&xml)).unwrap();
            inputs.push(path);
        } else {
            inputs.push(path);
        }
    }
    expected.sort();

    // The first task to start kills its own Dask worker process a moment after the conversion
    // began (the binary dies with it); Dask reschedules the task on a new worker.
    let marker = dir.path().join("killed-once");
    let wrapper = dir.path().join("uniprot-etl-wrapper");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\nif mkdir {marker} 2>/dev/null; then\n  (sleep 0.1; kill -9 $PPID) &\nfi\nexec {bin} \"$@\"\n",
            marker = marker.display(),
            bin = env!("CARGO_BIN_EXE_uniprot-etl"),
        ),
    )
    .unwrap();
    std::fs::set_permissions(
        &wrapper,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();

    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/dask_convert.py");
    let dataset = dir.path().join("out");
    let drive = |binary: &Path| {
        let mut command = Command::new(&python);
        command
            .current_dir(dir.path())
            .arg(&script)
            .args(&inputs)
            .args([
                "-o",
                dataset.to_str().unwrap(),
                "--shards",
                "3",
                "--workers",
                "2",
            ])
            .args(["--threads", "1", "--bin", binary.to_str().unwrap()]);
        command.output().unwrap()
    };
    let out = drive(&wrapper);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(marker.exists(), "the kill never happened");
    assert!(
        stderr(&out).contains("4 units converted"),
        "{}",
        stderr(&out)
    );
    assert_eq!(dataset_accessions(&dataset), expected);
    let verify = run(dir.path(), &["verify", dataset.to_str().unwrap()]);
    assert!(verify.status.success(), "{}", stderr(&verify));
    let leftovers: Vec<_> = std::fs::read_dir(&dataset)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    let before = part_times(&dataset);
    let again = drive(Path::new(env!("CARGO_BIN_EXE_uniprot-etl")));
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(
        stderr(&again).contains("0 units converted, 4 already done"),
        "{}",
        stderr(&again)
    );
    assert_eq!(part_times(&dataset), before);
    assert!(run(dir.path(), &["verify", dataset.to_str().unwrap()])
        .status
        .success());
}
