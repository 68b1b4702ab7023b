#!/usr/bin/env bash
# Side-by-side timing in one session (the machine is shared and noisy, so everything compared is
# interleaved): ROUNDS rounds of this build at 1, 2, 8 and 16 threads, a previous build at 1 and 2
# threads and, when given, uniprot_etl; one line per run: label, wall s, user s, sys s, peak RSS KB.
# "pair-t1" runs two --threads 1 conversions of this build at once: its wall against new-t1's is
# the machine's own two-core ceiling for this work (shared caches, memory bandwidth, a host's
# vCPUs), the most --threads 2 could gain. Then checks that this build writes identical bytes
# for --threads 1, 2, 3 and 8.
#
#   scripts/retime.sh CORPUS.xml ROUNDS NEW_BIN OLD_BIN [UNIPROT_ETL_BIN]
set -euo pipefail
corpus=$(realpath "$1") rounds=$2 new=$(realpath "$3") old=$(realpath "$4")
other=${5:+$(realpath "$5")}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# In a scratch directory: no config.yaml of the repository (ours or uniprot_etl's) is picked up.
cd "$work"
touch "$work/empty.fasta"
time_it() { local label=$1; shift; /usr/bin/time -f "$label %e %U %S %M" "$@" >/dev/null 2>"$work/err" || { cat "$work/err"; exit 1; }; tail -1 "$work/err"; }
for _ in $(seq "$rounds"); do
  for t in 1 2 8 16; do time_it "new-t$t" "$new" convert -q "$corpus" -o "$work/n.parquet" --threads "$t" --runs-dir "$work/runs"; done
  for t in 1 2; do time_it "old-t$t" "$old" convert -q "$corpus" -o "$work/o.parquet" --threads "$t" --runs-dir "$work/runs"; done
  time_it pair-t1 bash -c '"$0" convert -q "$1" -o "$2/p1.parquet" --threads 1 --runs-dir "$2/runs" & a=$!
    "$0" convert -q "$1" -o "$2/p2.parquet" --threads 1 --runs-dir "$2/runs" & b=$!
    wait $a && wait $b' "$new" "$corpus" "$work"
  if [ -n "$other" ]; then time_it uniprot_etl "$other" -i "$corpus" -o "$work/u.parquet" --fasta-sidecar "$work/empty.fasta"; fi
done
for t in 1 2 3 8; do "$new" convert -q "$corpus" -o "$work/t$t.parquet" --threads "$t" --runs-dir "$work/runs"; done
for t in 2 3 8; do cmp "$work/t1.parquet" "$work/t$t.parquet"; done
echo "identical bytes for --threads 1, 2, 3, 8: $(sha256sum "$work/t1.parquet" | cut -c1-16)"
