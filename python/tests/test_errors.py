"""Errors are exceptions of one hierarchy carrying where they happened: bad XML (malformed,
truncated, wrong root, bad UTF-8, entity tricks) raises XmlError with path, offset and
accession; I/O errors are OSError subclasses; bad arguments fail before reading; nothing
hangs."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest

import uniprot_etl as ue
from conftest import document, entry


def first_error(source: object, **kwargs: object) -> ue.UniprotEtlError:
    with pytest.raises(ue.UniprotEtlError) as caught:
        ue.scan(source, **kwargs).read_all()
    return caught.value


def test_malformed_xml_names_path_offset_and_accession(big_sample: Path, tmp_path: Path) -> None:
    data = big_sample.read_bytes()
    at = data.index(b"<accession>P0C9F5</accession>")
    end = data.index(b"</name>", at)
    broken = data[:end] + b"</nam>" + data[end + len(b"</name>"):]
    source = tmp_path / "broken.xml"
    source.write_bytes(broken)
    for threads in (1, 3):
        error = first_error(source, threads=threads, batch_size=7)
        assert isinstance(error, ue.XmlError) and isinstance(error, ValueError)
        assert error.path == str(source)
        assert error.accession == "P0C9F5"
        assert error.offset == end
        assert str(source) in str(error) and "P0C9F5" in str(error)


@pytest.mark.parametrize(
    ("name", "data", "needle"),
    [
        ("truncated", document(entry("P1"), entry("P2"))[:-40], "end of input"),
        ("wrong root", b'<?xml version="1.0"?><html><body/></html>', "not a UniProt"),
        ("bad utf-8", document(entry("P1", sequence="MKX")).replace(b"MKX", b"MK\xff"), "UTF-8"),
        (
            "entity tricks",
            b'<?xml version="1.0"?><!DOCTYPE uniprot [<!ENTITY a "aaaa">]><uniprot xmlns="http://uniprot.org/uniprot"/>',
            "DOCTYPE",
        ),
        ("not xml", b"\x00\x01\x02 hello", ""),
    ],
)
def test_bad_documents_raise_xml_errors(name: str, data: bytes, needle: str) -> None:
    error = first_error(io.BytesIO(data))
    assert isinstance(error, ue.XmlError), (name, error)
    assert error.offset is not None
    assert needle in str(error)


def test_missing_and_unreadable_inputs_are_os_errors(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError) as caught:
        ue.scan(tmp_path / "missing.xml")
    assert isinstance(caught.value, ue.InputNotFoundError)
    assert caught.value.errno == 2
    assert caught.value.path == str(tmp_path / "missing.xml")
    with pytest.raises(IsADirectoryError):
        ue.scan(tmp_path)


def test_corrupt_gzip_is_an_input_error_with_its_offset(big_sample: Path, tmp_path: Path) -> None:
    packed = bytearray(gzip.compress(big_sample.read_bytes()))
    packed[len(packed) // 2] ^= 0xFF
    source = tmp_path / "corrupt.xml.gz"
    source.write_bytes(bytes(packed))
    error = first_error(source)
    assert isinstance(error, (ue.InputError, ue.XmlError))
    assert isinstance(error, OSError) or isinstance(error, ValueError)
    assert error.path == str(source)
    assert error.offset is not None


def test_a_failing_file_object_is_an_input_error() -> None:
    class Failing(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
            raise OSError("disk on fire")

    error = first_error(Failing())
    assert isinstance(error, ue.InputError) and isinstance(error, OSError)
    assert "disk on fire" in str(error)


def test_bad_arguments_fail_before_reading(tmp_path: Path) -> None:
    never = tmp_path / "never.xml"
    with pytest.raises(ue.ConfigError):
        ue.scan(never, on_error="ignore")
    with pytest.raises(ue.ConfigError):
        ue.scan(never, threads=0)
    with pytest.raises(TypeError):
        ue.scan(42)
    bad_config = tmp_path / "config.yaml"
    bad_config.write_text("pipeline: [not, a, mapping]\n")
    with pytest.raises(ue.ConfigError):
        ue.scan(never, config=bad_config)


def test_every_error_shares_the_base_class() -> None:
    for cls in (ue.XmlError, ue.InputError, ue.OutputError, ue.ConfigError, ue.ColumnError, ue.InternalError):
        assert issubclass(cls, ue.UniprotEtlError)
    assert issubclass(ue.InputError, OSError) and issubclass(ue.OutputError, OSError)


def test_an_error_midway_ends_iteration_cleanly(big_sample: Path, tmp_path: Path) -> None:
    data = big_sample.read_bytes()
    source = tmp_path / "late.xml"
    source.write_bytes(data[: len(data) - 5000])
    reader = ue.scan(source, batch_size=10, threads=2)
    rows = 0
    with pytest.raises(ue.XmlError):
        for batch in reader:
            rows += batch.num_rows
    assert 0 < rows < 250
    assert reader.read_next_batch() is None
