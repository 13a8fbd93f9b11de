#!/bin/sh
# Runs the openCypher TCK (../shared/tck, when it exists) against a release
# build and fails when a scenario that is expected to pass fails.
#
# tck/expected-failures.txt lists the scenarios that still fail, one per
# line as `ID<TAB>reason` (an ID ending in `*` covers every scenario it
# prefixes; `#` starts a comment line). From it this script writes a baseline report
# (every selected scenario "passed" except those listed) and hands it to
# run_tck.py's --compare, which names each regression; the script exits 1
# when there is any. Scenarios that start to pass are reported as "fixed":
# delete their lines from the list.
#
# Usage: tck/compare.sh [BINARY]   (default target/release/newsgraph)
# Environment: TCK_DIR (default ../shared/tck), TCK_JOBS (default 2).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
tck=${TCK_DIR:-$root/../shared/tck}
bin=${1:-$root/target/release/newsgraph}
jobs=${TCK_JOBS:-2}
if [ ! -f "$tck/run_tck.py" ]; then
    echo "tck/compare.sh: no TCK at $tck; skipped"
    exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
set -- --features 'clauses/*' --features 'expressions/*'
python3 "$tck/run_tck.py" "$@" --list > "$work/list.txt"
python3 - "$root/tck/expected-failures.txt" "$work/list.txt" "$work/baseline.json" <<'PY'
import json, sys
expected, prefixes = set(), []
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.split("#", 1)[0] if line.startswith("#") else line
    entry = line.split("\t", 1)[0].strip()
    if not entry:
        continue
    if entry.endswith("*"):
        prefixes.append(entry[:-1])
    else:
        expected.add(entry)
scenarios = []
for line in open(sys.argv[2], encoding="utf-8"):
    parts = line.rstrip("\n").split("\t")
    if len(parts) < 3:
        continue
    sid = parts[0]
    base = sid.split("#", 1)[0]
    failing = sid in expected or base in expected or any(sid.startswith(p) for p in prefixes)
    scenarios.append({"id": sid, "status": "failed" if failing else "passed"})
json.dump({"scenarios": scenarios}, open(sys.argv[3], "w"))
PY
python3 "$tck/run_tck.py" --bin "$bin" "$@" -j "$jobs" \
    --compare "$work/baseline.json" --json-report "$work/report.json" > "$work/out.txt" || true
grep -E '^(REGRESSION|fixed)|regressions, |passed, ' "$work/out.txt" || true
if grep -q '^REGRESSION' "$work/out.txt"; then
    exit 1
fi
if ! grep -q 'regressions, ' "$work/out.txt"; then
    echo "tck/compare.sh: the TCK runner did not finish" >&2
    tail -5 "$work/out.txt" >&2
    exit 1
fi
