#!/usr/bin/env python3
"""Side-by-side benchmark of the Python package against the command line, in one run.

Each round runs every case once, as its own process, in a rotated order (so drift on a shared
machine spreads over all cases); wall time, CPU (user + system) and peak RSS come from wait4.
The cases:

  cli-full      uniprot-etl convert CORPUS            (every column, Parquet written)
  scan-full     for batch in uniprot_etl.scan(CORPUS)  (every column, batches dropped)
  cli-3col      uniprot-etl convert --columns accession,organism,sequence
  scan-3col     uniprot_etl.scan(CORPUS, columns=[accession, organism, sequence])
  polars-3col   uniprot_etl.scan_polars(CORPUS).select(accession, organism, sequence).collect()

Prints the median of each figure and the per-round ratios (median, min-max) that the README and
docs/PERFORMANCE.md quote. Usage:

  scripts/bench_python.py CORPUS [--rounds 5] [--threads 2] [--python PY] [--cli BIN]

PY must have uniprot_etl (and pyarrow, polars) installed; BIN defaults to the uniprot-etl next
to PY (the package's own command), or give the release binary of the workspace.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COLUMNS = ["accession", "organism", "sequence"]

SCAN = """
import sys, uniprot_etl as ue
rows = 0
for batch in ue.scan(sys.argv[1], {columns}, threads=int(sys.argv[2])):
    rows += batch.num_rows
assert rows > 0
"""

POLARS = """
import sys, uniprot_etl as ue
frame = ue.scan_polars(sys.argv[1], threads=int(sys.argv[2])).select({columns}).collect()
assert frame.height > 0
"""


def run(command: list[str]) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and peak RSS (KiB) of one process."""
    started = time.monotonic()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.monotonic() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--cli")
    parser.add_argument("--cases", default="cli-full,scan-full,cli-3col,scan-3col,polars-3col")
    args = parser.parse_args()
    cli = args.cli or str(Path(args.python).parent / "uniprot-etl")
    work = Path(tempfile.mkdtemp(prefix="bench-python-"))
    threads = str(args.threads)
    every = {
        "cli-full": [cli, "-q", "convert", args.corpus, "-o", str(work / "full.parquet"),
                     "--runs-dir", str(work / "runs"), "--threads", threads],
        "scan-full": [args.python, "-c", SCAN.format(columns="None"), args.corpus, threads],
        "cli-3col": [cli, "-q", "convert", args.corpus, "-o", str(work / "few.parquet"),
                     "--runs-dir", str(work / "runs"), "--threads", threads,
                     "--columns", ",".join(COLUMNS)],
        "scan-3col": [args.python, "-c", SCAN.format(columns=repr(COLUMNS)), args.corpus, threads],
        "polars-3col": [args.python, "-c", POLARS.format(columns=repr(COLUMNS)[1:-1]), args.corpus, threads],
    }
    cases = {name: every[name] for name in args.cases.split(",")}
    results: dict[str, list[tuple[float, float, int]]] = {name: [] for name in cases}
    names = list(cases)
    for round_ in range(args.rounds):
        order = names[round_ % len(names):] + names[: round_ % len(names)]
        for name in order:
            results[name].append(run(cases[name]))
        print(f"round {round_ + 1}/{args.rounds} done", file=sys.stderr)

    size = os.path.getsize(args.corpus) / 1e6
    print(f"corpus {args.corpus} ({size:.0f} MB), {args.rounds} rounds, --threads {args.threads}\n")
    print("| case | wall s (median, min-max) | MB/s | CPU s | peak RSS MiB |")
    print("|---|---|---|---|---|")
    for name, runs in results.items():
        walls = [r[0] for r in runs]
        print(
            f"| {name} | {statistics.median(walls):.2f} ({min(walls):.2f}-{max(walls):.2f}) "
            f"| {size / statistics.median(walls):.0f} | {statistics.median(r[1] for r in runs):.2f} "
            f"| {max(r[2] for r in runs) / 1024:.0f} |"
        )

    def ratio(a: str, b: str) -> None:
        if a in results and b in results:
            per_round = [x[0] / y[0] for x, y in zip(results[a], results[b])]
            cpu = [x[1] / y[1] for x, y in zip(results[a], results[b])]
            print(
                f"| {a} / {b} | {statistics.median(per_round):.2f} "
                f"({min(per_round):.2f}-{max(per_round):.2f}) | {statistics.median(cpu):.2f} |"
            )

    print("\n| ratio (per round) | wall, median (min-max) | CPU, median |")
    print("|---|---|---|")
    ratio("scan-full", "cli-full")
    ratio("scan-3col", "scan-full")
    ratio("cli-3col", "cli-full")
    ratio("polars-3col", "scan-full")


if __name__ == "__main__":
    main()
