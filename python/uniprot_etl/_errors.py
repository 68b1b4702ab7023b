"""The exceptions of uniprot_etl: one base class, and subclasses of the built-in exceptions a
Python user already catches (``ValueError`` for bad XML or arguments, ``OSError`` for I/O)."""

from __future__ import annotations

from typing import Any


class UniprotEtlError(Exception):
    """Base class of every error uniprot_etl raises (``KeyboardInterrupt`` aside).

    Attributes, ``None`` where they do not apply:
    ``path`` (the input or output concerned), ``offset`` (byte offset in the decompressed XML),
    ``accession`` (of the entry being parsed), ``run_dir`` (the run's ledger directory, for
    ``convert``).
    """

    path: str | None = None
    offset: int | None = None
    accession: str | None = None
    run_dir: str | None = None

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class XmlError(UniprotEtlError, ValueError):
    """The input is not well-formed UniProt XML (malformed, truncated, wrong root, bad UTF-8,
    entity tricks, a value of the wrong type, a limit exceeded). ``path``, ``offset`` and
    ``accession`` say where."""


class InputError(UniprotEtlError, OSError):
    """The input could not be opened or read (missing file, corrupt gzip or zstd, a failing
    file object); ``errno`` is set when the system gave one."""


class InputNotFoundError(InputError, FileNotFoundError):
    """The input file does not exist."""


class InputPermissionError(InputError, PermissionError):
    """The input file may not be read."""


class InputIsADirectoryError(InputError, IsADirectoryError):
    """The input path is a directory."""


class OutputError(UniprotEtlError, OSError):
    """The output (Parquet file, dataset, rejects file or run directory) could not be written;
    nothing half-written is left at the final path."""


class ConfigError(UniprotEtlError, ValueError):
    """An invalid setting or configuration file."""


class ColumnError(ConfigError, KeyError):
    """A column name that is not in the schema; ``column`` is the name given and
    ``suggestions`` the close matches (see ``uniprot_etl.columns()``)."""

    column: str | None = None
    suggestions: list[str] = []


class InternalError(UniprotEtlError, RuntimeError):
    """A bug in uniprot_etl (please report it with the input)."""


_BY_KIND: dict[str, type[UniprotEtlError]] = {
    "xml": XmlError,
    "input": InputError,
    "output": OutputError,
    "config": ConfigError,
    "column": ColumnError,
    "closed": UniprotEtlError,
    "internal": InternalError,
}

_INPUT_BY_IO_KIND: dict[str, type[InputError]] = {
    "NotFound": InputNotFoundError,
    "PermissionDenied": InputPermissionError,
    "IsADirectory": InputIsADirectoryError,
}


def _from_native(kind: str, message: str, attributes: dict[str, Any]) -> UniprotEtlError:
    """The exception for an error of the native module: its class by ``kind``, its
    attributes set."""
    cls = _BY_KIND.get(kind, UniprotEtlError)
    if cls is InputError:
        cls = _INPUT_BY_IO_KIND.get(attributes.pop("io_kind", ""), InputError)
    attributes.pop("io_kind", None)
    error = cls(message)
    errno = attributes.pop("errno", None)
    if isinstance(error, OSError):
        error.errno = errno
        error.strerror = message
        error.filename = attributes.get("path")
    for name, value in attributes.items():
        setattr(error, name, value)
    return error
