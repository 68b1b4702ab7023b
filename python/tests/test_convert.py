"""convert(): the same bytes as the command line for the same settings, the same run ledger,
the report as a dict, failures raised with their run directory; the package's uniprot-etl
command."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import uniprot_etl as ue
from conftest import same_rows


def test_convert_writes_the_command_lines_bytes_and_a_run_record(big_sample: Path, cli: str, tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    report = ue.convert(big_sample, tmp_path / "py.parquet", runs_dir=runs, threads=2, batch_size=60)
    subprocess.run(
        [cli, "-q", "convert", str(big_sample), "-o", str(tmp_path / "cli.parquet"),
         "--runs-dir", str(runs), "--threads", "2", "--batch-size", "60"],
        check=True,
    )
    assert (tmp_path / "py.parquet").read_bytes() == (tmp_path / "cli.parquet").read_bytes()
    assert report["status"] == "succeeded"
    assert report["output"]["path"] == str(tmp_path / "py.parquet")
    assert report["output"]["row_groups"] == 5
    assert report["metrics"]["entries"] == 250
    run_dirs = sorted(runs.iterdir())
    assert len(run_dirs) == 2
    for run_dir in run_dirs:
        for name in ("report.yaml", "etl.log", "config_snapshot.yaml"):
            assert (run_dir / name).exists(), (run_dir, name)
    # Each run's etl.log holds its own lines (the logger is set up again per run).
    logs = [(d / "etl.log").read_text() for d in run_dirs]
    assert all("250" in log for log in logs), logs


def test_convert_with_columns_matches_a_projected_scan(big_sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "some.parquet"
    report = ue.convert(big_sample, out, columns=["accession", "sequence.length"], runs_dir=tmp_path / "runs")
    assert report["output"]["columns"] == ["accession", "sequence.length"]
    assert same_rows(pq.read_table(out), ue.scan(big_sample, ["accession", "sequence.length"]).read_all())


def test_convert_of_several_inputs_writes_a_dataset(big_sample: Path, tmp_path: Path) -> None:
    samples = sorted(big_sample.parent.glob("*.xml"))[:3]
    reports = ue.convert(samples, tmp_path / "dataset", runs_dir=tmp_path / "runs")
    assert isinstance(reports, list) and len(reports) == 3
    assert (tmp_path / "dataset" / "_manifest.json").exists()


def test_a_failed_conversion_raises_with_its_run_dir_and_leaves_nothing(tmp_path: Path) -> None:
    source = tmp_path / "bad.xml"
    source.write_bytes(b'<?xml version="1.0"?><uniprot xmlns="http://uniprot.org/uniprot"><entry><accession>P1</accession></entr></uniprot>')
    out = tmp_path / "out.parquet"
    with pytest.raises(ue.XmlError) as caught:
        ue.convert(source, out, runs_dir=tmp_path / "runs")
    assert caught.value.accession == "P1"
    assert caught.value.run_dir and Path(caught.value.run_dir, "report.yaml").exists()
    assert "status: failed" in Path(caught.value.run_dir, "report.yaml").read_text()
    assert not out.exists()


def test_bad_settings_raise_config_errors(big_sample: Path, tmp_path: Path) -> None:
    with pytest.raises(ue.ConfigError):
        ue.convert(big_sample, tmp_path / "x.parquet", compression="bogus", runs_dir=tmp_path)
    with pytest.raises(ue.ConfigError):
        ue.convert(big_sample, tmp_path / "x.parquet", batch_max_bytes="lots", runs_dir=tmp_path)
    with pytest.raises(ue.ColumnError):
        ue.convert(big_sample, tmp_path / "x.parquet", columns=["nope"], runs_dir=tmp_path)


def test_the_package_installs_the_command(cli: str, big_sample: Path, tmp_path: Path) -> None:
    version = subprocess.run([cli, "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.strip() == f"uniprot-etl {ue.__version__}"
    columns = subprocess.run([cli, "columns"], capture_output=True, text=True, check=True)
    assert columns.stdout.split() == ue.columns()
    failed = subprocess.run([cli, "convert", str(tmp_path / "missing.xml"), "-o", str(tmp_path / "o.parquet"), "--runs-dir", str(tmp_path)], capture_output=True, text=True)
    assert failed.returncode == 1
    assert "missing.xml" in failed.stderr
    assert subprocess.run([cli, "bogus"], capture_output=True).returncode == 2
