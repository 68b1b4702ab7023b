"""Ctrl-C (SIGINT) stops a scan or a conversion promptly and cleanly: KeyboardInterrupt in
Python, the pipeline's threads stopped, no output left; whether the batches are read in
Python, pulled by pyarrow through the C stream, or written by convert()."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(os.name != "posix", reason="signals")

# An endless UniProt document: only a signal ends a scan of it.
ENDLESS = textwrap.dedent(
    """
    import io, os, signal, sys, threading, time
    signal.signal(signal.SIGINT, signal.default_int_handler)
    import uniprot_etl as ue

    HEAD = b'<?xml version="1.0"?><uniprot xmlns="http://uniprot.org/uniprot">'
    ENTRY = (b'<entry dataset="TrEMBL" created="2001-01-01" modified="2001-01-01" version="1">'
             b'<accession>A0A000</accession><name>X_HUMAN</name><protein><recommendedName>'
             b'<fullName>P</fullName></recommendedName></protein><organism><name type="scientific">'
             b'H</name><dbReference type="NCBI Taxonomy" id="9606"/></organism>'
             b'<proteinExistence type="predicted"/><sequence length="3" mass="1" checksum="0" '
             b'modified="2001-01-01" version="1">MKV</sequence></entry>\\n') * 64

    class Endless(io.RawIOBase):
        def __init__(self):
            self.head = True
        def readable(self):
            return True
        def readinto(self, buffer):
            data = HEAD if self.head else ENTRY
            self.head = False
            n = min(len(buffer), len(data))
            buffer[:n] = data[:n]
            return n

    def ready():
        print("ready", flush=True)
    """
)

MODES = {
    "iterate": """
        for i, batch in enumerate(ue.scan(Endless(), batch_size=500, threads=2)):
            if i == 0:
                ready()
    """,
    "pyarrow": """
        import pyarrow as pa
        ready()
        pa.RecordBatchReader.from_stream(ue.scan(Endless(), batch_size=500, threads=2)).read_all()
    """,
    "convert": """
        fifo = sys.argv[1]
        os.mkfifo(fifo)
        def feed():
            try:
                with open(fifo, "wb") as out:
                    out.write(HEAD)
                    while True:
                        out.write(ENTRY)
            except (BrokenPipeError, OSError):
                pass
        threading.Thread(target=feed, daemon=True).start()
        ready()
        ue.convert(fifo, sys.argv[2], runs_dir=sys.argv[3], threads=2)
    """,
}

WRAP = """
try:
    try:
{body}
    except KeyboardInterrupt:
        raise
    except Exception as error:  # the C stream's consumer may raise first; the interrupt follows
        print("error", type(error).__name__, flush=True)
        time.sleep(5)
    print("finished", flush=True)
except KeyboardInterrupt:
    print("interrupted", flush=True)
"""


@pytest.mark.parametrize("mode", sorted(MODES))
def test_ctrl_c_stops_promptly_and_cleanly(mode: str, tmp_path: Path) -> None:
    body = textwrap.indent(textwrap.dedent(MODES[mode]), " " * 8)
    script = tmp_path / "child.py"
    script.write_text(ENDLESS + WRAP.format(body=body))
    out = tmp_path / "out.parquet"
    runs = tmp_path / "runs"
    child = subprocess.Popen(
        [sys.executable, str(script), str(tmp_path / "fifo"), str(out), str(runs)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        time.sleep(1.0)
        child.send_signal(signal.SIGINT)
        started = time.monotonic()
        stdout, stderr = child.communicate(timeout=30)
    finally:
        child.kill()
    assert "interrupted" in stdout.split(), (stdout, stderr)
    assert time.monotonic() - started < 10
    assert not out.exists()
    if mode == "convert":
        reports = list(runs.glob("*/report.yaml"))
        assert len(reports) == 1
        assert "status: interrupted" in reports[0].read_text()
