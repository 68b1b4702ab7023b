"""The isoforms table from Python: scan(table="isoforms") gives the rows convert(isoforms=...)
writes, projects its columns, and DuckDB joins mapped sites across isoforms."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import uniprot_etl as ue
from conftest import SAMPLES


@pytest.fixture(scope="module")
def isoform_sample() -> Path:
    return SAMPLES / "Q13639.xml"


def test_scan_gives_the_rows_convert_writes(isoform_sample: Path, tmp_path: Path) -> None:
    scanned = ue.scan(isoform_sample, table="isoforms").read_all()
    out = tmp_path / "iso.parquet"
    report = ue.convert(
        isoform_sample,
        tmp_path / "out.parquet",
        isoforms=out,
        runs_dir=str(tmp_path / "runs"),
    )
    written = pq.read_table(out)
    assert scanned.equals(written)
    assert scanned.schema == ue.schema(table="isoforms")
    assert scanned.num_rows == 7
    assert report["isoforms"]["isoforms"] == 7
    assert report["isoforms"]["canonical_checksum_mismatches"] == 0
    rows = scanned.to_pylist()
    canonical = next(r for r in rows if r["sequence_type"] == "displayed")
    entries = ue.scan(isoform_sample, ["sequence"]).read_all().to_pylist()
    assert canonical["sequence"] == entries[0]["sequence"]["value"]
    assert canonical["checksum"] == entries[0]["sequence"]["checksum"]


def test_isoform_columns_are_projected_and_checked(isoform_sample: Path) -> None:
    table = ue.scan(isoform_sample, ["isoform_id", "length"], table="isoforms").read_all()
    assert table.column_names == ["isoform_id", "length"]
    assert ue.schema(["reason"], table="isoforms").names == ["reason"]
    with pytest.raises(ue.ConfigError, match="unknown isoforms column"):
        ue.scan(isoform_sample, ["nope"], table="isoforms")
    with pytest.raises(ue.ConfigError, match="table must be"):
        ue.scan(isoform_sample, table="proteins")


def test_duckdb_joins_a_site_across_isoforms(isoform_sample: Path) -> None:
    """The README's query: each glycosylation site of the canonical, and where it sits on
    every other isoform (or why it is not there)."""
    isoforms = ue.scan(isoform_sample, table="isoforms").read_all()
    rows = duckdb.sql(
        """
        with sites as (
            select accession, isoform_id, unnest(features) as f from isoforms
        )
        select isoform_id, f.canonical_position, f.position, f.residue, f.reason
        from sites
        where f.type = 'glycosylation site'
        order by isoform_id, f.canonical_position
        """
    ).fetchall()
    assert rows, "the sample has glycosylation sites"
    by_isoform: dict[str, list[tuple]] = {}
    for isoform_id, canonical, position, residue, reason in rows:
        by_isoform.setdefault(isoform_id, []).append((canonical, position, residue, reason))
    canonical_sites = by_isoform["Q13639-1"]
    assert all(c == p and r == "N" and why is None for c, p, r, why in canonical_sites)
    for isoform_id, sites in by_isoform.items():
        for canonical, position, residue, reason in sites:
            # A mapped site keeps its asparagine; an unmapped one says why.
            assert (position is not None and residue == "N") or reason is not None, isoform_id


def test_the_readme_phosphosite_query_runs_and_sites_keep_their_residue(tmp_path: Path) -> None:
    """The README's query, verbatim, over the isoforms of every shared sample."""
    import re

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("## Isoforms", 1)[1]
    query = re.search(r"```sql\n-- duckdb\n(.*?)```", section, re.S).group(1)
    tables = [ue.scan(path, table="isoforms").read_all() for path in sorted(SAMPLES.glob("*.xml"))]
    table = pa.concat_tables(tables)
    out = tmp_path / "sprot_isoforms.parquet"
    pq.write_table(table, out)
    query = query.replace("sprot_isoforms.parquet", str(out))
    rows = duckdb.sql(query).fetchall()
    placed = duckdb.sql(
        f"select count(*) from (select unnest(features) as f from '{out}') "
        "where f.type = 'modified residue' and f.description like 'Phospho%'"
    ).fetchall()[0][0]
    assert placed > 0 or rows == []
    canonical_residue = {
        (r["accession"], f["position"]): f["residue"]
        for r in table.to_pylist()
        if r["sequence_type"] == "displayed"
        for f in r["features"]
        if f["position"] is not None
    }
    for accession, site, canonical_position, isoform_id, position, residue, reason in rows:
        if position is not None:
            assert residue == canonical_residue[(accession, canonical_position)], isoform_id
        else:
            assert reason is not None


def test_convert_writes_the_default_isoforms_file_and_a_dataset_part_set(tmp_path: Path) -> None:
    sample = SAMPLES / "Q13639.xml"
    ue.convert(sample, tmp_path / "one.parquet", isoforms=True, runs_dir=str(tmp_path / "runs"))
    single = pq.read_table(tmp_path / "one.isoforms.parquet")
    assert single.num_rows == 7
    reports = ue.convert(
        [sample, SAMPLES / "uni003.xml"],
        tmp_path / "ds",
        isoforms=True,
        runs_dir=str(tmp_path / "runs"),
    )
    assert [r["isoforms"]["isoforms"] for r in reports] == [7, 2]
    parts = sorted((tmp_path / "ds" / "isoforms").glob("*.parquet"))
    assert [p.name for p in parts] == ["part-00000-00000.parquet", "part-00001-00000.parquet"]
    assert pq.read_table(parts[0]).equals(single)
    with pytest.raises(ue.ConfigError, match="give --isoforms without a file name"):
        ue.convert(
            [sample, SAMPLES / "uni003.xml"],
            tmp_path / "ds2",
            isoforms=tmp_path / "x.parquet",
            runs_dir=str(tmp_path / "runs"),
        )
