"""``scan_polars``: a Polars LazyFrame over a UniProt XML source through Polars' IO-source
plugin interface. The columns a query selects become the scan's projection (so the parser
skips the rest), ``n_rows`` stops the scan early, and the predicate filters each batch."""

from __future__ import annotations

import io
from typing import Any, Iterator

import polars as pl
from polars.io.plugins import register_io_source

from . import scan

#: An empty document: scanning it gives the schema with no rows.
_EMPTY = b'<?xml version="1.0"?><uniprot xmlns="http://uniprot.org/uniprot"></uniprot>'


def _frame(native: Any) -> pl.DataFrame:
    """A Polars frame of one native batch (zero-copy through ``__arrow_c_array__``)."""
    return pl.DataFrame(native)


def _polars_schema(columns: list[str] | None) -> pl.Schema:
    with scan(io.BytesIO(_EMPTY), columns) as empty:
        return pl.DataFrame(empty).schema


def _top_level(name: str) -> str:
    return name.split(".", 1)[0]


def scan_polars(source: Any, columns: list[str] | None, options: dict[str, Any]) -> pl.LazyFrame:
    """See ``uniprot_etl.scan_polars``."""
    schema = _polars_schema(columns)
    if hasattr(source, "read"):
        consumed = [False]
    else:
        consumed = None

    def generate(
        with_columns: list[str] | None,
        predicate: pl.Expr | None,
        n_rows: int | None,
        batch_size: int | None,
    ) -> Iterator[pl.DataFrame]:
        if consumed is not None:
            if consumed[0]:
                raise ValueError("a file object can be scanned once: pass a path to collect again")
            consumed[0] = True
        if with_columns is None:
            wanted = columns
        else:
            # The frame's columns are top-level names; keep the caller's dotted paths under them.
            chosen = set(with_columns)
            given = columns if columns is not None else list(schema.names())
            wanted = [c for c in given if _top_level(c) in chosen]
        # A query that names no column still reads each entry's accession, to have rows.
        projection = wanted if wanted else ["accession"]
        kwargs = dict(options)
        if batch_size is not None and "batch_size" not in kwargs:
            kwargs["batch_size"] = batch_size
        remaining = n_rows
        with scan(source, projection, **kwargs) as reader:
            while (native := reader._next_native()) is not None:
                frame = _frame(native)
                if predicate is not None:
                    frame = frame.filter(predicate)
                if remaining is not None:
                    if frame.height >= remaining:
                        yield frame.head(remaining)
                        return
                    remaining -= frame.height
                yield frame

    return register_io_source(generate, schema=schema)
