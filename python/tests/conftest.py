"""Shared fixtures: the real UniProt samples beside the checkout (../shared, as CI has it),
small documents written here, and the package's own ``uniprot-etl`` command."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = Path(os.environ.get("UNIPROT_SAMPLES", ROOT.parent / "shared" / "uniprot-samples"))
NS = "http://uniprot.org/uniprot"


def sample_files() -> list[Path]:
    """Every real UniProt XML sample."""
    return sorted(p for p in SAMPLES.glob("*.xml"))


@pytest.fixture(scope="session")
def big_sample() -> Path:
    """The 250-entry sample (several batches at small batch sizes)."""
    path = SAMPLES / "uniprot-rs-tests-250.xml"
    if not path.exists():
        pytest.fail(f"the shared samples are missing: {SAMPLES}")
    return path


@pytest.fixture(scope="session")
def cli() -> str:
    """The ``uniprot-etl`` command the package installed into this environment."""
    script = Path(sys.executable).parent / "uniprot-etl"
    found = str(script) if script.exists() else shutil.which("uniprot-etl")
    assert found, "pip install of the package did not install the uniprot-etl command"
    return found


def entry(accession: str, sequence: str = "MKV", extra: str = "") -> str:
    """One minimal valid entry."""
    return (
        f'<entry dataset="Swiss-Prot" created="2001-01-01" modified="2002-02-02" version="1">'
        f"<accession>{accession}</accession><name>{accession}_TEST</name>"
        f"<protein><recommendedName><fullName>Test protein</fullName></recommendedName></protein>"
        f'<organism><name type="scientific">Homo sapiens</name>'
        f'<dbReference type="NCBI Taxonomy" id="9606"/></organism>{extra}'
        f'<proteinExistence type="evidence at protein level"/>'
        f'<sequence length="{len(sequence)}" mass="1" checksum="0" modified="2001-01-01" '
        f'version="1">{sequence}</sequence></entry>'
    )


def document(*entries: str) -> bytes:
    """A UniProt XML document of ``entries``."""
    body = "".join(entries)
    return f'<?xml version="1.0" encoding="UTF-8"?><uniprot xmlns="{NS}">{body}</uniprot>'.encode()


def decoded(table):
    """``table`` with its dictionary columns as plain values: two readers may build different
    dictionaries for the same values (pyarrow's ``equals`` compares the dictionaries)."""
    import pyarrow as pa

    columns = []
    for column in table.columns:
        if pa.types.is_dictionary(column.type):
            column = column.cast(column.type.value_type)
        columns.append(column)
    return pa.table(columns, names=table.column_names)


def same_rows(table, expected) -> bool:
    """Whether two tables hold the same schema and values, dictionaries decoded."""
    return table.schema == expected.schema and decoded(table).equals(decoded(expected))
