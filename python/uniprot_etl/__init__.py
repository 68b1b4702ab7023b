"""UniProtKB XML straight into pyarrow, Polars and DuckDB as Arrow record batches.

Every field of every entry is kept (the schema of the ``uniprot-etl`` converter, see
``uniprot_etl.columns()``), and only the columns asked for are parsed. Batches leave through
the Arrow PyCapsule interface (``__arrow_c_stream__``), so pyarrow, Polars and DuckDB read
them without a copy and none of them is a dependency of this package.

    >>> import uniprot_etl as ue, pyarrow as pa
    >>> table = ue.scan("uniprot_sprot.xml.gz", columns=["accession", "sequence.length"]).read_all()
"""

from __future__ import annotations

import json
import os
from typing import Any, Callable, Iterator, Sequence

from . import _native
from ._errors import (
    ColumnError,
    ConfigError,
    InputError,
    InputIsADirectoryError,
    InputNotFoundError,
    InputPermissionError,
    InternalError,
    OutputError,
    UniprotEtlError,
    XmlError,
)
from ._progress import Progress, ProgressReporter

__version__: str = _native.__version__

__all__ = [
    "ColumnError",
    "ConfigError",
    "InputError",
    "InputIsADirectoryError",
    "InputNotFoundError",
    "InputPermissionError",
    "InternalError",
    "OutputError",
    "Progress",
    "Reader",
    "UniprotEtlError",
    "XmlError",
    "columns",
    "convert",
    "describe",
    "export",
    "scan",
    "scan_polars",
    "schema",
]

Source = "str | os.PathLike[str] | BinaryIO"


def _pyarrow() -> Any | None:
    try:
        import pyarrow
    except ImportError:
        return None
    return pyarrow


def _arrow_schema(native: Any) -> Any:
    pa = _pyarrow()
    return pa.schema(native) if pa is not None else native


def schema(columns: Sequence[str] | None = None, *, table: str = "entries") -> Any:
    """The Arrow schema of a scan of ``columns`` (every column when ``None``) of ``table``
    (``"entries"`` or ``"isoforms"``), without reading anything: a ``pyarrow.Schema`` when
    pyarrow is installed, otherwise an object exporting ``__arrow_c_schema__`` (with
    ``.names``). Unknown names raise ``ColumnError`` (entries) or ``ConfigError`` (isoforms)."""
    return _arrow_schema(_native.schema_of(_names(columns), table))


def columns() -> list[str]:
    """Every column path ``columns=`` accepts: top-level columns (``accession``) and dotted
    paths into structs and into the element structs of lists (``sequence.length``,
    ``features.type``)."""
    return list(_native.column_paths())


def describe() -> str:
    """The schema in text, one line per column with its type and meaning
    (``uniprot-etl schema``)."""
    return _native.describe_schema()


def _names(columns: Sequence[str] | str | None) -> list[str] | None:
    if columns is None:
        return None
    if isinstance(columns, str):
        columns = [columns]
    return [str(c) for c in columns]


class Reader:
    """A scan in progress: record batches in input order, one per row group the converter
    would write with the same batch settings (``batch_size`` entries, fewer where
    ``batch_max_bytes`` of XML close it).

    Read it one of these ways, once:

    * hand it to pyarrow, Polars or DuckDB, which pull it through ``__arrow_c_stream__``
      (``pa.RecordBatchReader.from_stream(r)``, ``pl.DataFrame(r)``,
      ``duckdb.sql("select ... from r")``);
    * iterate over it (``pyarrow.RecordBatch`` objects when pyarrow is installed, otherwise
      objects exporting ``__arrow_c_array__``);
    * ``read_all()`` (a ``pyarrow.Table``; needs pyarrow).

    Parsing runs on the converter's threads with the GIL released; Ctrl-C stops it and raises
    ``KeyboardInterrupt``. ``close()`` (or leaving a ``with`` block) stops the scan early and
    frees its threads.
    """

    def __init__(self, scanner: Any, progress: ProgressReporter | None) -> None:
        self._scanner = scanner
        self._progress = progress

    @property
    def schema(self) -> Any:
        """The batches' schema (``pyarrow.Schema`` when pyarrow is installed)."""
        return _arrow_schema(self._scanner.schema)

    @property
    def source(self) -> str:
        """The source's name: its path, or the file object's ``name``."""
        return self._scanner.input_name

    @property
    def stats(self) -> dict[str, Any] | None:
        """Once the scan read its input to the end: ``entries``, ``rejected`` (under
        ``on_error="skip"``), ``xml_bytes``, ``unmapped`` (element and attribute paths the
        schema has no column for, with counts) and ``copyright``; ``None`` before."""
        return self._scanner.outcome()

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object:
        """The scan as an Arrow C stream (PyCapsule interface). One-shot: the reader is used
        up by it."""
        capsule = self._scanner.__arrow_c_stream__(requested_schema)
        if self._progress is not None:
            self._progress.follow_in_background(self._scanner)
        return capsule

    def __iter__(self) -> Iterator[Any]:
        return self

    def __next__(self) -> Any:
        batch = self.read_next_batch()
        if batch is None:
            raise StopIteration
        return batch

    def read_next_batch(self) -> Any | None:
        """The next batch, or ``None`` at the end of the input."""
        native = self._next_native()
        if native is None:
            return None
        pa = _pyarrow()
        return pa.record_batch(native) if pa is not None else native

    def _next_native(self) -> Any | None:
        """The next batch as the native capsule object (no pyarrow), progress reported."""
        try:
            return self._scanner.next_batch()
        finally:
            if self._progress is not None:
                self._progress.update(self._scanner)

    def read_all(self) -> Any:
        """Every remaining batch as one ``pyarrow.Table`` (needs pyarrow; without it use
        ``polars.DataFrame(reader)``)."""
        pa = _pyarrow()
        if pa is None:
            raise ImportError(
                "read_all() returns a pyarrow.Table: install pyarrow, or read the reader with "
                "polars.DataFrame(reader) or DuckDB"
            )
        return pa.Table.from_batches(list(self), schema=self.schema)

    def close(self) -> None:
        """Stops the scan (if still running) and frees its threads; idempotent."""
        self._scanner.close()
        if self._progress is not None:
            self._progress.close()

    def __enter__(self) -> Reader:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<uniprot_etl.Reader of {self.source!r}>"


def scan(
    source: Any,
    columns: Sequence[str] | None = None,
    *,
    table: str = "entries",
    threads: int | None = None,
    batch_size: int | None = None,
    batch_max_bytes: int | str | None = None,
    strict: bool | None = None,
    on_error: str | None = None,
    rejects: str | os.PathLike[str] | None = None,
    config: str | os.PathLike[str] | None = None,
    progress: bool | Callable[[Progress], None] | None = None,
) -> Reader:
    """Scans UniProt XML into Arrow record batches, in input order.

    Args:
        source: a path (``str`` or ``os.PathLike``) to UniProt XML, plain, gzip or zstd (sniffed
            from the first bytes), or a binary file object (``open(p, "rb")``, ``io.BytesIO``,
            an HTTP response...), read through its ``readinto``/``read`` method.
        columns: the columns to build: top-level names or dotted paths (``"accession"``,
            ``"organism.taxon_id"``, ``"features.type"``); ``None`` for all. Unknown names raise
            ``ColumnError`` with the close matches before anything is read. Parts of the entry
            no asked-for column needs are skipped unparsed (still checked to be XML). With
            ``table="isoforms"``: top-level names of the isoforms table.
        table: ``"entries"`` (one row per entry, the converter's table) or ``"isoforms"`` (one
            row per isoform of every entry: its sequence built from the entry's splice
            variants, or the reason it has none, and the entry's positional features mapped
            onto it; the table ``convert --isoforms`` writes).
        threads: parse threads (default: one per core).
        batch_size: entries per batch (default 10 000, as in the converter).
        batch_max_bytes: a batch also closes once its entries cover this much XML (a number of
            bytes or text such as ``"8MB"``; default 8 MiB, about 1 000 real entries, where the
            converter's row groups take 64 MiB: a scan holds its batches whole, so its memory is
            a few times this).
        strict: raise on any element or attribute the schema has no column for (default:
            the config file's ``parser.strict``, else no).
        on_error: ``"fail"`` (raise on the first bad entry) or ``"skip"`` (drop it, count it in
            ``stats["rejected"]``, and keep it in ``rejects`` when given); default: the config
            file's ``parser.on_error``, else ``"fail"``.
        rejects: where skipped entries are written, verbatim, as a UniProt XML document.
        config: a ``config.yaml`` whose ``pipeline``/``parser`` settings apply (the arguments
            above win over it).
        progress: ``True`` for a progress bar on stderr (tqdm when installed), or a callable
            that receives a ``Progress`` (bytes read, total bytes, entries).

    Returns:
        A ``Reader`` (an Arrow stream; see its documentation).

    Raises:
        ColumnError, ConfigError: bad arguments (before any reading).
        InputError: the source cannot be opened (``InputNotFoundError`` is a
            ``FileNotFoundError``) or read (corrupt gzip).
        XmlError: while reading, bad XML, with ``.path``, ``.offset`` and ``.accession``.
    """
    if isinstance(source, (bytes, bytearray)):
        raise TypeError("source must be a path or a binary file object; wrap bytes in io.BytesIO")
    scanner = _native.Scanner(
        source,
        _names(columns),
        table,
        threads,
        batch_size,
        None if batch_max_bytes is None else str(batch_max_bytes),
        strict,
        on_error,
        os.fspath(rejects) if rejects is not None else None,
        os.fspath(config) if config is not None else None,
    )
    reporter = ProgressReporter.make(progress, scanner.input_name)
    return Reader(scanner, reporter)


def _isoforms_arg(isoforms: str | os.PathLike[str] | bool | None) -> str | None:
    if isoforms is None or isoforms is False:
        return None
    if isoforms is True:
        return ""  # the default place
    return os.fspath(isoforms)


def scan_polars(source: Any, columns: Sequence[str] | None = None, **kwargs: Any) -> Any:
    """A Polars ``LazyFrame`` over ``source`` (Polars' IO-source plugin): the columns a query
    selects reach the parser, ``head``/``limit`` stop the parse early, filters apply batch by
    batch. ``columns`` (names or dotted paths) bounds what the frame has; the other keyword
    arguments are those of ``scan``. A path source can be collected any number of times; a
    file object once."""
    from ._polars import scan_polars as _scan_polars

    return _scan_polars(source, _names(columns), kwargs)


def convert(
    inputs: Any,
    output: str | os.PathLike[str],
    *,
    columns: Sequence[str] | None = None,
    isoforms: str | os.PathLike[str] | bool | None = None,
    config: str | os.PathLike[str] | None = None,
    runs_dir: str | os.PathLike[str] | None = None,
    run_name: str | None = None,
    progress: bool = False,
    log_level: str = "warn",
    threads: int | None = None,
    batch_size: int | None = None,
    batch_max_bytes: int | str | None = None,
    channel_capacity: int | None = None,
    chunk_bytes: int | str | None = None,
    compression: str | None = None,
    zstd_level: int | None = None,
    statistics: bool | None = None,
    dictionary: bool | None = None,
    strict: bool | None = None,
    on_error: str | None = None,
) -> dict[str, Any] | list[dict[str, Any]]:
    """Converts UniProt XML to Parquet exactly as ``uniprot-etl convert`` does (same bytes for
    the same settings), with its execution ledger: a run directory under ``runs_dir``
    (default ``runs``) holding ``report.yaml``, ``etl.log`` and ``config_snapshot.yaml``.

    Args:
        inputs: one path (plain, gzip or zstd), or several (then ``output`` is a dataset
            directory with a manifest).
        output: the Parquet file, or the dataset directory.
        columns: write only these columns (names or dotted paths; single-file output only).
        isoforms: also write the isoforms table (``--isoforms``): to this Parquet file, or with
            ``True`` beside the output (``OUT.isoforms.parquet``) or, for a dataset, as its
            isoforms part set (``DIR/isoforms/``, in the manifest). The report's ``isoforms``
            section has its figures.
        config: a ``config.yaml`` (default: ``config.yaml`` in the working directory, when
            present); the keyword arguments below win over it.
        runs_dir, run_name: where the run directory goes and a suffix for its name.
        progress: show the converter's progress bar on stderr (when it is a terminal).
        log_level: what reaches stderr: ``"error"``, ``"warn"`` (default), ``"info"`` (the
            command line's summary), ``"debug"``, ``"trace"``; ``etl.log`` always gets ``info``.
        threads, batch_size, batch_max_bytes, channel_capacity, chunk_bytes, compression
            (``"zstd"``, ``"snappy"``, ``"none"``), zstd_level, statistics, dictionary,
            strict, on_error (``"fail"``/``"skip"``): the settings of the README's
            configuration table. Sizes may be numbers of bytes or text such as ``"64MB"``.

    Returns:
        The run's report (``report.yaml``) as a dict; a list of them for several inputs.

    Raises:
        The exception of the first failed conversion, with ``.run_dir`` set;
        ``KeyboardInterrupt`` after Ctrl-C (nothing is left at the output path).
    """
    if isinstance(inputs, (str, os.PathLike)):
        paths = [os.fspath(inputs)]
    else:
        paths = [os.fspath(p) for p in inputs]

    def text(value: object | None) -> str | None:
        return None if value is None else str(value)

    reports = json.loads(
        _native.convert(
            paths,
            os.fspath(output),
            _names(columns) or [],
            _isoforms_arg(isoforms),
            os.fspath(config) if config is not None else None,
            os.fspath(runs_dir) if runs_dir is not None else None,
            run_name,
            progress,
            log_level,
            threads,
            batch_size,
            text(batch_max_bytes),
            channel_capacity,
            text(chunk_bytes),
            compression,
            zstd_level,
            statistics,
            dictionary,
            strict,
            on_error,
        )
    )
    return reports[0] if len(reports) == 1 else reports


def export(
    source: str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    compress: str | None = None,
    config: str | os.PathLike[str] | None = None,
    runs_dir: str | os.PathLike[str] | None = None,
    run_name: str | None = None,
    progress: bool = False,
    log_level: str = "warn",
    threads: int | None = None,
    channel_capacity: int | None = None,
) -> dict[str, Any]:
    """Writes UniProt XML back from Parquet exactly as ``uniprot-etl export`` does, with its
    execution ledger (``report.yaml`` with ``command: export``).

    Args:
        source: a Parquet file of this schema — this package's, or one DuckDB, Polars or
            pyarrow wrote from a query of it — or a dataset directory (verified first).
        output: the XML document; ``.gz`` and ``.zst`` names compress it.
        compress: ``"gzip"``, ``"zstd"`` or ``"none"``, whatever the name says.
        config, runs_dir, run_name, progress, log_level: as for :func:`convert`.
        threads, channel_capacity: the workers writing XML, and the decoded batches that may
            wait beyond one per worker (the memory bound).

    Returns:
        The run's report (``report.yaml``) as a dict.

    Raises:
        ``InputError`` (with ``.path``) for a file that is not Parquet of this schema, naming
        the column; the other exceptions as for :func:`convert`, with ``.run_dir`` set;
        ``KeyboardInterrupt`` after Ctrl-C (nothing is left at the output path).
    """
    return json.loads(
        _native.export(
            os.fspath(source),
            os.fspath(output),
            compress,
            os.fspath(config) if config is not None else None,
            os.fspath(runs_dir) if runs_dir is not None else None,
            run_name,
            progress,
            log_level,
            threads,
            channel_capacity,
        )
    )
