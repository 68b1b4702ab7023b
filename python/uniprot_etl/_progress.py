"""Progress of a scan: a bar on stderr (tqdm when installed, a plain line otherwise) or a
callable of the caller's, fed from the scan's figures (bytes read, total, entries)."""

from __future__ import annotations

import sys
import threading
import time
from typing import Any, Callable, NamedTuple


class Progress(NamedTuple):
    """How far a scan got: raw (possibly compressed) bytes read from the source, the source's
    size in bytes (``None`` for a file object), and entries parsed."""

    bytes_read: int
    bytes_total: int | None
    entries: int


#: Seconds between updates when the scan is read through the C stream.
_INTERVAL = 0.25


class ProgressReporter:
    """Feeds a progress sink from a scanner: after each batch read in Python, or from a
    background thread while pyarrow, Polars or DuckDB pull the C stream."""

    def __init__(self, sink: Callable[[Progress], None], close: Callable[[], None]) -> None:
        self._sink = sink
        self._close = close
        self._thread: threading.Thread | None = None
        self._closed = False

    @staticmethod
    def make(progress: Any, name: str) -> ProgressReporter | None:
        """The reporter for ``scan(progress=...)``: ``None``/``False`` for none, ``True`` for a
        bar, a callable for the caller's own."""
        if progress is None or progress is False:
            return None
        if progress is True:
            return _bar(name)
        if callable(progress):
            return ProgressReporter(progress, lambda: None)
        raise TypeError("progress must be True, False, None or a callable")

    def update(self, scanner: Any) -> None:
        """Reports the scanner's figures now; closes the sink once the scan is over."""
        read, total, entries, over = scanner.progress()
        if not self._closed:
            self._sink(Progress(read, total, entries))
        if over:
            self.close()

    def follow_in_background(self, scanner: Any) -> None:
        """Reports every ``_INTERVAL`` seconds from a daemon thread until the scan is over."""

        def follow() -> None:
            while not self._closed:
                self.update(scanner)
                time.sleep(_INTERVAL)

        self._thread = threading.Thread(target=follow, name="uniprot-etl-progress", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Ends the report (the bar's last line); idempotent."""
        if not self._closed:
            self._closed = True
            self._close()


def _bar(name: str) -> ProgressReporter:
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return _plain_line(name)
    bar = tqdm(desc=name, unit="B", unit_scale=True, unit_divisor=1024, leave=True)

    def sink(progress: Progress) -> None:
        if progress.bytes_total is not None and bar.total != progress.bytes_total:
            bar.total = progress.bytes_total
        bar.update(progress.bytes_read - bar.n)
        bar.set_postfix(entries=progress.entries, refresh=False)

    return ProgressReporter(sink, bar.close)


def _plain_line(name: str) -> ProgressReporter:
    last = [0.0]

    def sink(progress: Progress) -> None:
        now = time.monotonic()
        if now - last[0] < _INTERVAL:
            return
        last[0] = now
        total = "" if progress.bytes_total is None else f" of {progress.bytes_total / 1e6:.1f}"
        sys.stderr.write(
            f"\r{name}: {progress.bytes_read / 1e6:.1f}{total} MB, {progress.entries} entries"
        )
        sys.stderr.flush()

    def close() -> None:
        sys.stderr.write("\n")
        sys.stderr.flush()

    return ProgressReporter(sink, close)
