#!/usr/bin/env bash
# Measures guesthunt's whole job on a 1,000,000-event Log Analytics NDJSON
# export against the yardstick (DuckDB's read_json of all columns plus the
# rule as one SQL statement), wall time and peak memory, median of N runs.
# The same run also loads that export together with the same million events as
# Graph NDJSON, every event twice, to measure deduplication across formats.
# Usage: docs/bench.sh [RUNS]   (default 5; needs about 4 GB of disk in $BENCH_DIR)
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
graph="$dir/graph-1m.ndjson"
if [ ! -s "$graph" ]; then
  echo "generating $graph (the same events as Graph NDJSON) ..."
  "$dir/guesthunt" demo --events 1000000 --format graph-ndjson --seed 1 --out "$graph"
fi
ls -l "$file" "$graph"

# median of a list of numbers
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# run LABEL CMD...: one timed run, appending "wall rss_kb" to $dir/LABEL.times
run() {
  local label=$1; shift
  /usr/bin/time -f '%e %M' -o "$dir/time.txt" "$@" >/dev/null 2>"$dir/stderr.txt"
  cat "$dir/time.txt" >>"$dir/$label.times"
}

report() { # LABEL DESCRIPTION
  local walls rss
  walls=$(awk '{print $1}' "$dir/$1.times" | median)
  rss=$(awk '{print $2}' "$dir/$1.times" | median)
  printf '%-44s median wall %6.2f s   median peak RSS %5d MB   (runs: %s)\n' "$2" "$walls" $((rss / 1024)) \
    "$(awk '{printf "%s ", $1}' "$dir/$1.times")"
}

rm -f "$dir"/*.times
# Interleaved, so that a noisy minute on the machine hits both alike.
for _ in $(seq "$runs"); do
  run yardstick "$dir/yardstick" "$file"
  run hunt "$dir/guesthunt" hunt "$file" --format json
  run overlap "$dir/guesthunt" hunt "$file" "$graph" --format json
done
report yardstick "yardstick (read_json + rule SQL)"
report hunt "guesthunt hunt --format json"
report overlap "hunt LA NDJSON + the same as Graph NDJSON"
tail -n 1 "$dir/stderr.txt"
rm -f "$dir/case.duckdb"
"$dir/guesthunt" load "$file" --db "$dir/case.duckdb" >/dev/null
"$dir/guesthunt" hunt --db "$dir/case.duckdb" >/dev/null 2>&1 # warm-up (the invite cache is in memory, rebuilt per run)
for _ in $(seq "$runs"); do run reopen "$dir/guesthunt" hunt --db "$dir/case.duckdb" --format json; done
report reopen "guesthunt hunt --db case (reopen, no parse)"
echo "re-runs with new parameters and the sensitivity curve: go test ./hunt -run '^\$' -bench Hunt -count 5"
