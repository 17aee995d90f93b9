#!/usr/bin/env bash
# Measures guesthunt's whole job on a 1,000,000-event Log Analytics NDJSON
# export against the yardstick (DuckDB's read_json of all columns plus the
# rule as one SQL statement), wall time and peak memory, median of N runs.
# Usage: docs/bench.sh [RUNS]   (default 5; needs about 3 GB of disk in $BENCH_DIR)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
dir=${BENCH_DIR:-/tmp/guesthunt-bench}
mkdir -p "$dir"
go build -o "$dir/guesthunt" ./cmd/guesthunt
go build -o "$dir/yardstick" ./cmd/yardstick
file="$dir/la-1m.ndjson"
if [ ! -s "$file" ]; then
  echo "generating $file ..."
  "$dir/guesthunt" demo --events 1000000 --format la-ndjson --seed 1 --out "$file"
fi
ls -l "$file"

measure() { # label, command...
  local label=$1; shift
  local walls=() rss=()
  for _ in $(seq "$runs"); do
    /usr/bin/time -f '%e %M' -o "$dir/time.txt" "$@" >/dev/null 2>"$dir/stderr.txt"
    read -r w m <"$dir/time.txt"
    walls+=("$w"); rss+=("$m")
  done
  local mw mm
  mw=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  mm=$(printf '%s\n' "${rss[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf '%-44s median wall %6.2f s   median peak RSS %5d MB   (runs: %s)\n' "$label" "$mw" $((mm / 1024)) "${walls[*]}"
}

measure "yardstick (read_json + rule SQL)" "$dir/yardstick" "$file"
measure "guesthunt hunt --format json" "$dir/guesthunt" hunt "$file" --format json
tail -n 3 "$dir/stderr.txt"
rm -f "$dir/case.duckdb"
"$dir/guesthunt" load "$file" --db "$dir/case.duckdb" >/dev/null
measure "guesthunt hunt --db case (reopen, no parse)" "$dir/guesthunt" hunt --db "$dir/case.duckdb" --format json
echo "re-runs with new parameters and the sensitivity curve: go test ./hunt -run '^$' -bench 'Run|Sensitivity' -count 5"
