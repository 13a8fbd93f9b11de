#!/usr/bin/env bash
# Builds the release binary and times it on the analyst queries of issue 6
# beside Kuzu's anchors: `../shared/bench/run_newsgraph.sh` over gen.py's
# graphs (import, each query as its own process, all in one process; rows
# checked against Kuzu's), then the dump load time and peak memory of the
# largest size on its own.
#
#   scripts/bench.sh [--sizes 10k,100k,1m] [--repeats N] [other run_newsgraph.sh options]
#
# Results go to $NEWSGRAPH_PERF_OUT (default /tmp/perf-out):
# results-newsgraph.md / .json, and load.txt. The CSVs are made (or reused)
# in $NEWSGRAPH_PERF_DATA (default /tmp/newsgraph-perf).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shared="${NEWSGRAPH_SHARED:-$root/../shared}"
[[ -d "$shared/bench" ]] || shared=/work/shared
runner="$shared/bench/run_newsgraph.sh"
[[ -x "$runner" ]] || { echo "bench.sh: $runner not found (set NEWSGRAPH_SHARED)" >&2; exit 2; }

export NEWSGRAPH_PERF_OUT="${NEWSGRAPH_PERF_OUT:-/tmp/perf-out}"
export NEWSGRAPH_PERF_DATA="${NEWSGRAPH_PERF_DATA:-/tmp/newsgraph-perf}"
mkdir -p "$NEWSGRAPH_PERF_OUT" "$NEWSGRAPH_PERF_DATA"

args=("$@")
sizes="10k,100k,1m"
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[$i]}" in
    --sizes) sizes="${args[$((i + 1))]}" ;;
    --sizes=*) sizes="${args[$i]#--sizes=}" ;;
  esac
done
has_sizes=false
for a in "${args[@]}"; do [[ "$a" == --sizes* ]] && has_sizes=true; done
$has_sizes || args+=(--sizes "$sizes")

(cd "$root" && cargo build --release --quiet)
bin="$root/target/release/newsgraph"
"$runner" --bin "$bin" "${args[@]}"

# Load time and peak memory of each size's dump on its own (`RETURN 1`).
{
  echo "size load_s peak_mb"
  IFS=, read -ra list <<<"$sizes"
  for s in "${list[@]}"; do
    dump="$NEWSGRAPH_PERF_OUT/load-$s.json"
    "$bin" import --nodes "$NEWSGRAPH_PERF_DATA/$s/nodes.csv" \
      --edges "$NEWSGRAPH_PERF_DATA/$s/edges.csv" -o "$dump" >/dev/null
    /usr/bin/time -f "$s %e %M" "$bin" query -g "$dump" 'RETURN 1' 2>&1 >/dev/null |
      awk '{printf "%s %s %.0f\n", $1, $2, $3 / 1024}'
    rm -f "$dump"
  done
} | tee "$NEWSGRAPH_PERF_OUT/load.txt"
echo "bench.sh: results in $NEWSGRAPH_PERF_OUT (results-newsgraph.md, load.txt)"
