"""scan(): rows equal the command line's Parquet, in order; batches, sources (paths, gzip,
file objects), the reader's protocol (iteration, read_all, context manager, close), stats and
progress."""

from __future__ import annotations

import gzip
import io
import subprocess
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import uniprot_etl as ue
from conftest import document, entry, same_rows, sample_files


def cli_parquet(cli: str, source: Path, out: Path, *args: str) -> pa.Table:
    subprocess.run(
        [cli, "-q", "convert", str(source), "-o", str(out), "--runs-dir", str(out.parent / "runs"), *args],
        check=True,
    )
    return pq.read_table(out)


@pytest.mark.parametrize("source", sample_files(), ids=lambda p: p.name)
def test_rows_equal_the_command_lines_parquet_in_order(source: Path, cli: str, tmp_path: Path) -> None:
    expected = cli_parquet(cli, source, tmp_path / "out.parquet")
    table = ue.scan(source, threads=2).read_all()
    assert same_rows(table, expected)


def test_batches_are_the_row_groups_of_the_conversion(big_sample: Path, cli: str, tmp_path: Path) -> None:
    cli_parquet(cli, big_sample, tmp_path / "out.parquet", "--batch-size", "40")
    groups = pq.ParquetFile(tmp_path / "out.parquet")
    batches = list(ue.scan(big_sample, batch_size=40, threads=3))
    assert [b.num_rows for b in batches] == [
        groups.metadata.row_group(i).num_rows for i in range(groups.num_row_groups)
    ]
    assert all(isinstance(b, pa.RecordBatch) for b in batches)
    for i, batch in enumerate(batches):
        assert same_rows(pa.Table.from_batches([batch]), groups.read_row_group(i))


def test_batch_max_bytes_closes_batches_as_it_closes_row_groups(big_sample: Path, cli: str, tmp_path: Path) -> None:
    cli_parquet(cli, big_sample, tmp_path / "out.parquet", "--batch-max-bytes", "65536")
    groups = pq.ParquetFile(tmp_path / "out.parquet")
    sizes = [groups.metadata.row_group(i).num_rows for i in range(groups.num_row_groups)]
    assert len(sizes) > 10
    assert [b.num_rows for b in ue.scan(big_sample, batch_max_bytes="64KiB")] == sizes
    assert [b.num_rows for b in ue.scan(big_sample, batch_max_bytes=64 * 1024)] == sizes
    with pytest.raises(ue.ConfigError):
        ue.scan(big_sample, batch_max_bytes="a lot")


def test_the_schema_is_known_before_reading_and_matches_the_batches(big_sample: Path) -> None:
    full = ue.schema()
    assert full.names[0] == "accession"
    assert len(full) == 20
    with ue.scan(big_sample) as reader:
        assert reader.schema == full
        assert next(reader).schema == full
    assert ue.schema(["accession", "sequence.length"]).names == ["accession", "sequence"]


def test_columns_lists_every_path_and_each_is_accepted() -> None:
    paths = ue.columns()
    assert {"accession", "sequence.length", "organism.taxon_id", "features.type"} <= set(paths)
    assert len(paths) == len(set(paths))
    for path in paths:
        ue.schema([path])
    assert "accession" in ue.describe()


def test_a_gzip_path_and_file_objects_read_like_the_plain_file(big_sample: Path, tmp_path: Path) -> None:
    expected = ue.scan(big_sample).read_all()
    packed = tmp_path / "sample.xml.gz"
    packed.write_bytes(gzip.compress(big_sample.read_bytes()))
    assert ue.scan(packed).read_all().equals(expected)
    with open(big_sample, "rb") as handle:
        reader = ue.scan(handle)
        assert reader.source == str(big_sample)
        assert reader.read_all().equals(expected)
    assert ue.scan(io.BytesIO(packed.read_bytes())).read_all().equals(expected)


def test_a_zstd_source_reads_like_the_plain_file(big_sample: Path, cli: str, tmp_path: Path) -> None:
    subprocess.run(
        [cli, "-q", "split", str(big_sample), "-o", str(tmp_path / "parts"), "--parts", "1", "--compress", "zstd"],
        check=True,
    )
    (part,) = (tmp_path / "parts").glob("part-*.xml.zst")
    assert part.read_bytes()[:4] == b"\x28\xb5\x2f\xfd"
    assert same_rows(ue.scan(part).read_all(), ue.scan(big_sample).read_all())


class ReadOnly:
    """A file object with ``read`` alone (no ``readinto``), handing out small pieces."""

    def __init__(self, data: bytes) -> None:
        self.data = io.BytesIO(data)

    def read(self, n: int = -1) -> bytes:
        return self.data.read(min(n, 1000))


def test_a_file_object_with_read_alone_works_and_text_mode_is_refused(big_sample: Path) -> None:
    expected = ue.scan(big_sample, ["accession"]).read_all()
    assert ue.scan(ReadOnly(big_sample.read_bytes()), ["accession"]).read_all().equals(expected)
    with open(big_sample, encoding="utf-8") as text, pytest.raises(ue.InputError, match="binary"):
        ue.scan(text).read_all()


def test_bytes_are_refused_with_a_hint() -> None:
    with pytest.raises(TypeError, match="BytesIO"):
        ue.scan(document(entry("P1")))


def test_close_stops_early_and_later_reads_give_nothing(big_sample: Path) -> None:
    reader = ue.scan(big_sample, batch_size=10)
    first = reader.read_next_batch()
    assert first.num_rows == 10
    reader.close()
    reader.close()
    assert reader.read_next_batch() is None
    assert list(reader) == []


def test_a_reader_dropped_midway_frees_its_threads(big_sample: Path) -> None:
    for _ in range(5):
        reader = ue.scan(open(big_sample, "rb"), batch_size=5)
        next(reader)
        del reader


def test_stats_after_the_end(big_sample: Path) -> None:
    reader = ue.scan(big_sample)
    assert reader.stats is None
    rows = sum(b.num_rows for b in reader)
    stats = reader.stats
    assert stats["entries"] == rows == 250
    assert stats["rejected"] == 0
    assert stats["xml_bytes"] == big_sample.stat().st_size
    assert isinstance(stats["unmapped"], dict)


def test_progress_callable_sees_bytes_and_entries_grow(big_sample: Path) -> None:
    seen: list[ue.Progress] = []
    for _ in ue.scan(big_sample, batch_size=50, progress=seen.append):
        pass
    assert seen, "no progress reported"
    assert seen[-1].entries == 250
    assert seen[-1].bytes_total == big_sample.stat().st_size
    assert seen[-1].bytes_read == big_sample.stat().st_size
    assert [p.entries for p in seen] == sorted(p.entries for p in seen)


def test_progress_bar_through_the_c_stream(big_sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = pa.table(ue.scan(big_sample, progress=True))
    assert table.num_rows == 250
    with pytest.raises(TypeError):
        ue.scan(big_sample, progress="yes")


def test_the_stream_is_one_shot(big_sample: Path) -> None:
    reader = ue.scan(big_sample)
    pa.RecordBatchReader.from_stream(reader).read_all()
    with pytest.raises(ValueError, match="already"):
        pa.RecordBatchReader.from_stream(reader)


def test_skip_keeps_bad_entries_in_the_rejects_file(tmp_path: Path) -> None:
    bad = entry("P2").replace('version="1">', 'version="x">', 1)
    source = tmp_path / "mixed.xml"
    source.write_bytes(document(entry("P1"), bad, entry("P3")))
    rejects = tmp_path / "rejects.xml"
    reader = ue.scan(source, on_error="skip", rejects=rejects)
    table = reader.read_all()
    assert table["accession"].to_pylist() == ["P1", "P3"]
    assert reader.stats["rejected"] == 1
    assert "P2" in rejects.read_text()


def test_a_config_files_parser_settings_apply_unless_an_argument_says_otherwise(tmp_path: Path) -> None:
    bad = entry("P2").replace('version="1">', 'version="x">', 1)
    source = tmp_path / "mixed.xml"
    source.write_bytes(document(entry("P1"), bad, entry("P3")))
    config = tmp_path / "config.yaml"
    config.write_text("parser:\n  on_error: skip\n")
    assert ue.scan(source, config=config).read_all().num_rows == 2
    with pytest.raises(ue.XmlError):
        ue.scan(source, config=config, on_error="fail").read_all()
    with pytest.raises(ue.XmlError):
        ue.scan(source).read_all()


def test_strict_refuses_an_unmapped_element(tmp_path: Path) -> None:
    source = tmp_path / "unmapped.xml"
    source.write_bytes(document(entry("P1", extra="<novelty>x</novelty>")))
    reader = ue.scan(source)
    reader.read_all()
    assert reader.stats["unmapped"]
    with pytest.raises(ue.XmlError, match="novelty"):
        ue.scan(source, strict=True).read_all()
