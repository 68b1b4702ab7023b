"""The three consumers take a scan through the Arrow PyCapsule interface: pyarrow, Polars
(also through scan_polars, with projection and row limits pushed into the scan) and DuckDB."""

from __future__ import annotations

import io
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa
import pytest

import uniprot_etl as ue
from conftest import decoded


@pytest.fixture(scope="module")
def expected(big_sample: Path) -> pa.Table:
    return decoded(ue.scan(big_sample).read_all())


def test_pyarrow_reads_the_stream(big_sample: Path, expected: pa.Table) -> None:
    reader = ue.scan(big_sample, threads=2)
    table = pa.RecordBatchReader.from_stream(reader).read_all()
    assert decoded(table).equals(expected)
    assert reader.stats["entries"] == 250
    assert decoded(pa.table(ue.scan(big_sample))).equals(expected)


def test_polars_reads_the_stream(big_sample: Path, expected: pa.Table) -> None:
    frame = pl.DataFrame(ue.scan(big_sample, ["accession", "sequence.length"]))
    assert frame.columns == ["accession", "sequence"]
    assert frame["accession"].to_list() == expected["accession"].to_pylist()
    lengths = [s["length"] for s in expected["sequence"].to_pylist()]
    assert frame["sequence"].struct.field("length").to_list() == lengths


def test_duckdb_queries_a_scan_by_name(big_sample: Path, expected: pa.Table) -> None:
    reader = ue.scan(big_sample, ["accession", "organism", "sequence"])
    rows = duckdb.sql(
        "select organism.taxon_id as taxon, count(*) as n, sum(sequence.length) as residues "
        "from reader group by taxon order by n desc, taxon limit 3"
    ).fetchall()
    taxa: dict[int, list[int]] = {}
    for organism, sequence in zip(expected["organism"].to_pylist(), expected["sequence"].to_pylist()):
        taxa.setdefault(organism["taxon_id"], []).append(sequence["length"])
    best = sorted(taxa.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:3]
    assert rows == [(taxon, len(lengths), sum(lengths)) for taxon, lengths in best]


def test_scan_polars_pushes_columns_and_rows_into_the_scan(big_sample: Path, expected: pa.Table) -> None:
    frame = ue.scan_polars(big_sample, threads=2)
    head = frame.select("accession", "sequence").head(7).collect()
    assert head.columns == ["accession", "sequence"]
    assert head["accession"].to_list() == expected["accession"].to_pylist()[:7]
    assert frame.select(pl.len()).collect().item() == 250
    starts = frame.filter(pl.col("accession").str.starts_with("P0C9F")).select("accession").collect()
    assert starts["accession"].to_list() == [
        a for a in expected["accession"].to_pylist() if a.startswith("P0C9F")
    ]
    # A path can be collected again.
    assert frame.select("accession").collect().height == 250


def test_scan_polars_keeps_dotted_columns(big_sample: Path, expected: pa.Table) -> None:
    frame = ue.scan_polars(big_sample, ["accession", "organism.taxon_id"])
    assert frame.collect_schema().names() == ["accession", "organism"]
    taxa = frame.select(pl.col("organism").struct.field("taxon_id")).collect()
    assert taxa["taxon_id"].to_list() == [o["taxon_id"] for o in expected["organism"].to_pylist()]


class Counting(io.RawIOBase):
    """A file object that counts the bytes handed out."""

    def __init__(self, data: bytes) -> None:
        self.data = io.BytesIO(data)
        self.handed = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        n = self.data.readinto(memoryview(buffer)[:4096])
        self.handed += n
        return n


def test_head_stops_the_parse_early(big_sample: Path) -> None:
    # 10 copies of the sample's entries (20 MB): the reader runs ahead by a few 1 MiB chunks.
    text = big_sample.read_bytes()
    start, end = text.index(b"<entry"), text.rindex(b"</entry>") + len(b"</entry>")
    data = text[:start] + text[start:end] * 10 + text[end:]
    source = Counting(data)
    frame = ue.scan_polars(source, ["accession"], batch_size=5, threads=1)
    head = frame.head(3).collect()
    assert head.height == 3
    assert source.handed < len(data) / 2, (source.handed, len(data))
    with pytest.raises(Exception, match="once"):
        frame.collect()


@pytest.mark.parametrize("plan", ["tuned", "uniform"])
def test_every_reader_reads_the_files_of_each_encoding_plan(
    big_sample: Path, expected: pa.Table, tmp_path: Path, plan: str
) -> None:
    """The tuned plan writes plain pages where the uniform one writes dictionaries and drops
    some statistics; pyarrow, Polars and DuckDB read the same values from both files."""
    import pyarrow.parquet as pq

    config = tmp_path / "config.yaml"
    config.write_text(f"parquet:\n  plan: {plan}\n")
    out = tmp_path / f"{plan}.parquet"
    ue.convert(big_sample, out, config=str(config), runs_dir=str(tmp_path / "runs"))
    assert decoded(pq.read_table(out)).equals(expected)
    frame = pl.read_parquet(out)
    assert frame["accession"].to_list() == expected["accession"].to_pylist()
    lengths = [s["length"] for s in expected["sequence"].to_pylist()]
    rows = duckdb.sql(
        f"select accession, sequence.length, sequence.checksum from '{out}'"
    ).fetchall()
    assert [r[0] for r in rows] == expected["accession"].to_pylist()
    assert [r[1] for r in rows] == lengths
    assert [r[2] for r in rows] == [s["checksum"] for s in expected["sequence"].to_pylist()]
    column = {
        c.path_in_schema: c
        for c in (pq.ParquetFile(out).metadata.row_group(0).column(i) for i in range(390))
    }["sequence.value"]
    assert column.has_dictionary_page == (plan == "uniform")
    assert (column.statistics is not None) == (plan == "uniform")
