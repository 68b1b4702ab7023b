#!/usr/bin/env python3
"""Convert UniProt XML into one Parquet dataset on a Dask cluster.

    python scripts/dask_convert.py INPUTS... -o out/ [--shards N] [--scheduler ADDRESS]
                                   [--bin PATH] [--workers N] [--threads N] [--retries N]
                                   [-- EXTRA CONVERT FLAGS]

Each task runs the `uniprot-etl` binary on one unit -- a whole input, or one shard of a
plain (uncompressed) input when --shards N > 1 -- writing its part files and its record into
the dataset directory (`convert --unit U --resume --no-commit`). Once every task succeeded,
the driver runs `uniprot-etl commit out/ --units TOTAL`, which checks that the records cover
every input (all shards, contiguous) and writes `_manifest.json` last.

Without --scheduler a LocalCluster of --workers processes is started on this machine; with
it, the tasks go to that scheduler (for example one started by dask-jobqueue's SLURMCluster;
see README, "On a cluster"). Workers need the binary (--bin, else `uniprot-etl` on PATH) and
the inputs and the output directory at the same paths (a shared file system).

Re-running is idempotent: units already converted are skipped by the binary (--resume), so a
re-run after a failure converts only what is missing. A task whose worker dies is retried by
Dask; the binary is killed with its worker (PR_SET_PDEATHSIG on Linux), its temporary part is
removed by the retry, and parts appear only by atomic rename, so nothing partial or duplicate
is left. The only Python dependencies are dask and distributed (scripts/requirements.txt).
"""

import argparse
import glob
import os
import shutil
import signal
import subprocess
import sys
import time

from dask.distributed import Client, LocalCluster, as_completed

INPUT_SUFFIXES = (".xml", ".xml.gz", ".xml.zst")
COMPRESSED_MAGIC = (b"\x1f\x8b", b"\x28\xb5\x2f\xfd")


def expand_inputs(inputs):
    """Inputs as given; a directory becomes its XML files, a pattern its matches (sorted)."""
    expanded = []
    for item in inputs:
        if os.path.isdir(item):
            names = sorted(n for n in os.listdir(item) if n.endswith(INPUT_SUFFIXES))
            if not names:
                raise SystemExit(f"error: directory {item} holds no UniProt XML file")
            expanded.extend(os.path.join(item, n) for n in names)
        elif not os.path.exists(item) and any(c in item for c in "*?["):
            matches = sorted(glob.glob(item))
            if not matches:
                raise SystemExit(f"error: input pattern {item} matches no file")
            expanded.extend(matches)
        else:
            expanded.append(item)
    return [os.path.abspath(path) for path in expanded]


def is_plain(path):
    """Whether a file can be sharded: not gzip or zstd."""
    with open(path, "rb") as file:
        head = file.read(4)
    return not any(head.startswith(magic) for magic in COMPRESSED_MAGIC)


def plan_units(inputs, shards):
    """(unit, input, shard or None) for every task, numbered in input order."""
    units = []
    for path in inputs:
        if shards > 1 and is_plain(path):
            for k in range(1, shards + 1):
                units.append((len(units), path, f"{k}/{shards}"))
        else:
            if shards > 1:
                print(f"note: {path} is compressed and is converted whole; "
                      f"`uniprot-etl split` spreads it first", file=sys.stderr)
            units.append((len(units), path, None))
    return units


def _die_with_parent():
    """In the child, before exec: be killed when the worker process dies (Linux)."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


def convert_unit(binary, unit, path, shard, out, threads, extra):
    """One task: runs the binary on one unit. Raises on failure so that Dask retries it."""
    command = [binary, "convert", path, "-o", os.path.join(out, ""), "--unit", str(unit),
               "--resume", "--no-commit"]
    if shard:
        command += ["--shard", shard]
    if threads:
        command += ["--threads", str(threads)]
    command += extra
    started = time.monotonic()
    finished = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              text=True, preexec_fn=_die_with_parent)
    if finished.returncode != 0:
        raise RuntimeError(f"unit {unit} ({path} {shard or ''}) failed "
                           f"(exit {finished.returncode}):\n{finished.stderr[-4000:]}")
    return {
        "unit": unit,
        "input": path,
        "shard": shard,
        "seconds": time.monotonic() - started,
        "skipped": "already converted" in finished.stderr,
        "host": os.uname().nodename,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("inputs", nargs="+", help="XML files (plain, gzip, zstd), directories, globs")
    parser.add_argument("-o", "--output", required=True, help="dataset directory")
    parser.add_argument("--shards", type=int, default=1, help="shards per plain input (default 1)")
    parser.add_argument("--scheduler", help="address of a running Dask scheduler")
    parser.add_argument("--bin", help="the uniprot-etl binary (default: uniprot-etl on PATH)")
    parser.add_argument("--workers", type=int, default=None,
                        help="LocalCluster worker processes (default: the cores)")
    parser.add_argument("--threads", type=int, default=None,
                        help="--threads of each conversion (default: the binary's)")
    parser.add_argument("--retries", type=int, default=2, help="retries of a failed task")
    args, extra = parser.parse_known_args(argv)
    extra = [a for a in extra if a != "--"]

    binary = args.bin or shutil.which("uniprot-etl")
    if not binary:
        raise SystemExit("error: no uniprot-etl on PATH; pass --bin")
    binary = os.path.abspath(binary)
    out = os.path.abspath(args.output)
    os.makedirs(out, exist_ok=True)
    units = plan_units(expand_inputs(args.inputs), max(args.shards, 1))

    if args.scheduler:
        client = Client(args.scheduler)
        cluster = None
    else:
        workers = args.workers or os.cpu_count() or 1
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    started = time.monotonic()
    try:
        futures = [
            client.submit(convert_unit, binary, unit, path, shard, out, args.threads, extra,
                          key=f"uniprot-etl-unit-{unit:05d}-{os.getpid()}", pure=False,
                          retries=args.retries)
            for unit, path, shard in units
        ]
        results, failures = [], []
        for future in as_completed(futures):
            try:
                results.append(future.result())
            except Exception as error:  # the task's own message says which unit
                failures.append(str(error))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    converted = [r for r in results if not r["skipped"]]
    print(f"{len(converted)} units converted, {len(results) - len(converted)} already done, "
          f"{len(failures)} failed, in {time.monotonic() - started:.1f} s", file=sys.stderr)
    for result in sorted(converted, key=lambda r: r["unit"]):
        print(f"  unit {result['unit']}: {result['input']} {result['shard'] or ''} "
              f"{result['seconds']:.2f} s on {result['host']}", file=sys.stderr)
    if failures:
        for failure in failures:
            print(f"error: {failure}", file=sys.stderr)
        print("the dataset is not committed; re-run the same command to convert what is missing",
              file=sys.stderr)
        return 1
    commit = subprocess.run([binary, "commit", out, "--units", str(len(units))])
    return commit.returncode


if __name__ == "__main__":
    sys.exit(main())
