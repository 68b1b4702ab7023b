"""``uniprot-etl export``: Parquet back to UniProt XML, checked with an independent canonicalizer.

Every shared sample and documents built from the XSD go XML → Parquet → XML and come back equal
under C14N 1.0 (lxml; comments dropped) once whitespace-only text between elements is ignored,
the residues of an entry's ``<sequence>`` are compared without line breaks and the root's
``xsi:schemaLocation`` is left out (export writes the current one). Exports of valid documents
are valid against ``../shared/uniprot.xsd``. Files rewritten by DuckDB, pyarrow and Polars export
the same entries.
"""

from __future__ import annotations

import gzip
import re
import subprocess
from pathlib import Path

import duckdb
import polars as pl
import pyarrow.parquet as pq
import pytest
from lxml import etree

from conftest import NS, SAMPLES, sample_files
from xsd_documents import XsdDocuments

XSD = SAMPLES.parent / "uniprot.xsd"
SCHEMA_LOCATION = "{http://www.w3.org/2001/XMLSchema-instance}schemaLocation"


def canonical(source: bytes | Path) -> bytes:
    """The document as C14N 1.0, normalized as the module docstring says."""
    parser = etree.XMLParser(remove_comments=True, huge_tree=True)
    if isinstance(source, Path):
        root = etree.parse(str(source), parser).getroot()
    else:
        root = etree.fromstring(source, parser)
    root.attrib.pop(SCHEMA_LOCATION, None)
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if len(el) and el.text is not None and not el.text.strip():
            el.text = None
        if el.tail is not None and not el.tail.strip():
            el.tail = None
        parent = el.getparent()
        if el.tag == f"{{{NS}}}sequence" and parent is not None and parent.tag == f"{{{NS}}}entry":
            el.text = re.sub(r"\s", "", el.text or "")
    return etree.tostring(root, method="c14n")


def entries_of(canon: bytes) -> list[bytes]:
    """The canonical form of each ``<entry>`` of a canonical document."""
    root = etree.fromstring(canon)
    return [etree.tostring(e, method="c14n") for e in root.findall(f"{{{NS}}}entry")]


@pytest.fixture(scope="module")
def xsd() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD)))


def run_cli(cli: str, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    done = subprocess.run([cli, "-q", *args], cwd=cwd, capture_output=True)
    assert done.returncode == 0, done.stderr.decode()
    return done


def round_trip(cli: str, source: Path, tmp: Path, *convert_args: str) -> Path:
    """Converts ``source`` and exports it back; returns the exported document."""
    parquet = tmp / (source.stem + ".parquet")
    exported = tmp / (source.stem + ".out.xml")
    run_cli(cli, "convert", str(source), "-o", str(parquet), *convert_args, cwd=tmp)
    run_cli(cli, "export", str(parquet), "-o", str(exported), cwd=tmp)
    return exported


@pytest.mark.parametrize("sample", sample_files(), ids=lambda p: p.name)
def test_every_sample_round_trips_canonically_equal(cli, sample, tmp_path, xsd):
    exported = round_trip(cli, sample, tmp_path)
    assert canonical(exported) == canonical(sample)
    if xsd.validate(etree.parse(str(sample))):
        assert xsd.validate(etree.parse(str(exported))), xsd.error_log


@pytest.mark.parametrize("seed", range(1, 7))
def test_documents_built_from_the_xsd_round_trip_canonically_equal(cli, seed, tmp_path, xsd):
    source = tmp_path / f"xsd-{seed}.xml"
    source.write_bytes(XsdDocuments(XSD, seed).document(entries=6))
    assert xsd.validate(etree.parse(str(source))), xsd.error_log
    # --strict: every element and attribute the XSD allows is mapped.
    exported = round_trip(cli, source, tmp_path, "--strict")
    assert xsd.validate(etree.parse(str(exported))), xsd.error_log
    assert canonical(exported) == canonical(source)


def test_duckdb_subset_exports_those_entries(cli, big_sample, tmp_path):
    parquet = tmp_path / "all.parquet"
    run_cli(cli, "convert", str(big_sample), "-o", str(parquet), cwd=tmp_path)
    subset = tmp_path / "subset.parquet"
    # The README's example, on a taxon the sample holds.
    taxon = duckdb.sql(
        f"SELECT organism.taxon_id FROM '{parquet}' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
    ).fetchall()[0][0]
    duckdb.sql(
        f"COPY (SELECT * FROM '{parquet}' WHERE organism.taxon_id = {taxon}) "
        f"TO '{subset}' (FORMAT parquet)"
    )
    exported = tmp_path / "subset.xml"
    run_cli(cli, "export", str(subset), "-o", str(exported), cwd=tmp_path)
    wanted = {
        row[0]
        for row in duckdb.sql(f"SELECT accession FROM '{subset}'").fetchall()
    }
    assert wanted
    source_entries = [
        e
        for e in entries_of(canonical(big_sample))
        if etree.fromstring(e).findtext(f"{{{NS}}}accession") in wanted
    ]
    assert entries_of(canonical(exported)) == source_entries


@pytest.mark.parametrize("writer", ["pyarrow", "polars"])
def test_files_rewritten_by_other_tools_export_the_same_entries(cli, big_sample, tmp_path, writer):
    parquet = tmp_path / "ours.parquet"
    run_cli(cli, "convert", str(big_sample), "-o", str(parquet), cwd=tmp_path)
    theirs = tmp_path / "theirs.parquet"
    if writer == "pyarrow":
        table = pq.read_table(parquet)
        table = table.select(list(reversed(table.column_names)))
        pq.write_table(table, theirs, row_group_size=17, use_dictionary=False)
    else:
        frame = pl.read_parquet(parquet).with_columns(pl.lit("extra").alias("note"))
        frame.write_parquet(theirs, row_group_size=23)
    exported = tmp_path / "theirs.xml"
    run_cli(cli, "export", str(theirs), "-o", str(exported), cwd=tmp_path)
    assert entries_of(canonical(exported)) == entries_of(canonical(big_sample))


def test_gzip_output_and_a_foreign_schema(cli, big_sample, tmp_path):
    parquet = tmp_path / "ours.parquet"
    run_cli(cli, "convert", str(big_sample), "-o", str(parquet), cwd=tmp_path)
    exported = tmp_path / "out.xml.gz"
    run_cli(cli, "export", str(parquet), "-o", str(exported), cwd=tmp_path)
    assert canonical(gzip.decompress(exported.read_bytes())) == canonical(big_sample)

    foreign = tmp_path / "foreign.parquet"
    duckdb.sql(
        f"COPY (SELECT * EXCLUDE (keywords) FROM '{parquet}') TO '{foreign}' (FORMAT parquet)"
    )
    out = tmp_path / "foreign.xml"
    done = subprocess.run([cli, "export", str(foreign), "-o", str(out)], cwd=tmp_path, capture_output=True)
    assert done.returncode == 1
    assert "column keywords is missing" in done.stderr.decode()
    assert not out.exists()


def test_export_from_python_returns_its_report_and_raises_on_a_foreign_schema(big_sample, tmp_path):
    import uniprot_etl

    parquet = tmp_path / "ours.parquet"
    uniprot_etl.convert(big_sample, parquet, runs_dir=tmp_path / "runs")
    out = tmp_path / "out.xml.zst"
    report = uniprot_etl.export(parquet, out, runs_dir=tmp_path / "runs", threads=1)
    assert report["command"] == "export" and report["status"] == "succeeded"
    assert report["metrics"]["entries"] == 250
    plain = tmp_path / "plain.xml"
    uniprot_etl.export(parquet, plain, compress="none", runs_dir=tmp_path / "runs")
    assert canonical(plain) == canonical(big_sample)

    foreign = tmp_path / "foreign.parquet"
    pq.write_table(pq.read_table(parquet).drop_columns(["features"]), foreign)
    with pytest.raises(uniprot_etl.InputError) as caught:
        uniprot_etl.export(foreign, tmp_path / "no.xml", runs_dir=tmp_path / "runs")
    assert "column features is missing" in str(caught.value)
    assert caught.value.path == str(foreign) and caught.value.run_dir
    assert not (tmp_path / "no.xml").exists()
