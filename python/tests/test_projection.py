"""Projections: the values of every projected column equal the full conversion's, for
top-level names, dotted paths into structs and into lists' element structs; unknown names fail
before anything is read, with the close matches."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

import uniprot_etl as ue
from conftest import decoded, sample_files

PROJECTIONS = [
    ["accession", "organism", "sequence"],
    ["sequence.length", "organism.taxon_id"],
    ["features.type", "features.location"],
    ["comments", "references.citation.title"],
    ["db_references.type", "db_references.id", "keywords"],
    ["dataset", "created", "protein"],
]


def pick(value: object, path: list[str]) -> object:
    """The part of a full row's value that a dotted path keeps."""
    if not path or value is None:
        return value
    if isinstance(value, list):
        return [pick(item, path) for item in value]
    assert isinstance(value, dict)
    return {path[0]: pick(value[path[0]], path[1:])}


def merge(left: object, right: object) -> object:
    """Two picks of one column merged (``features.type`` + ``features.location``)."""
    if isinstance(left, dict) and isinstance(right, dict):
        out = dict(left)
        for key, value in right.items():
            out[key] = merge(out[key], value) if key in out else value
        return out
    if isinstance(left, list) and isinstance(right, list):
        return [merge(a, b) for a, b in zip(left, right)]
    return left if left is not None else right


@pytest.fixture(scope="module")
def full_rows() -> dict[Path, pa.Table]:
    return {path: decoded(ue.scan(path).read_all()) for path in sample_files()}


@pytest.mark.parametrize("columns", PROJECTIONS, ids=",".join)
def test_projected_values_equal_the_full_conversions(columns: list[str], full_rows: dict[Path, pa.Table]) -> None:
    for path, full in full_rows.items():
        table = ue.scan(path, columns, batch_size=64).read_all()
        assert table.schema == ue.schema(columns)
        # Columns come in the schema's order, whatever the order asked.
        asked = {c.split(".")[0] for c in columns}
        assert table.schema.names == [n for n in ue.schema().names if n in asked]
        table = decoded(table)
        for name in table.column_names:
            paths = [c.split(".")[1:] for c in columns if c.split(".")[0] == name]
            expected = []
            for value in full[name].to_pylist():
                picked = [pick(value, p) for p in paths]
                merged = picked[0]
                for more in picked[1:]:
                    merged = merge(merged, more)
                expected.append(merged)
            assert table[name].to_pylist() == expected, (path.name, name)


def test_a_projection_reads_less_xml_work_but_the_same_entries(big_sample: Path) -> None:
    reader = ue.scan(big_sample, ["accession"])
    assert reader.read_all().num_rows == 250
    assert reader.stats["entries"] == 250


@pytest.mark.parametrize("bad", ["acession", "sequence.lenght", "features.nope", ""])
def test_unknown_columns_fail_before_reading_with_close_matches(bad: str, tmp_path: Path) -> None:
    missing = tmp_path / "never-read.xml"
    with pytest.raises(ue.ColumnError) as caught:
        ue.scan(missing, ["accession", bad])
    error = caught.value
    assert isinstance(error, ue.ConfigError) and isinstance(error, KeyError)
    assert error.column == bad
    if bad == "acession":
        assert "accession" in error.suggestions
        assert "did you mean" in str(error)
    with pytest.raises(ue.ColumnError):
        ue.schema([bad])
