#!/usr/bin/env bash
# Benchmark of the kernel pipeline, all figures from one run on this machine:
#   1. a cold build of both kernels in a fresh cache (fresh ccache too):
#      the cold baseline time, the patched time and their ratio;
#   2. the same request again: must be answered from the cache (seconds);
#   3. optionally (--repro) a second cold build in another fresh cache: the
#      bzImage sha256s must be identical (reproducible builds).
# Usage: bench/build-times.sh [--repro] [KBENCH]   (KBENCH defaults to build/orchestrator/kbench)
set -euo pipefail
repro=0
if [ "${1:-}" = --repro ]; then repro=1; shift; fi
top=$(cd "$(dirname "$0")/.." && pwd)
kbench=${1:-$top/build/orchestrator/kbench}
work=$(mktemp -d /var/tmp/kbench-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

"$kbench" build --cache-dir "$work/a" --perf --json "$work/a.json" | tee "$work/a.out"
start=$(date +%s.%N)
"$kbench" build --cache-dir "$work/a" --json "$work/a2.json" >/dev/null
again=$(echo "$(date +%s.%N) - $start" | bc)
python3 - "$work/a.json" "$work/a2.json" "$again" <<'PY'
import json, sys
a = {v["variant"]: v for v in json.load(open(sys.argv[1]))["variants"]}
b = {v["variant"]: v for v in json.load(open(sys.argv[2]))["variants"]}
base, patched = a["baseline"]["seconds"], a["patched"]["seconds"]
print(f"cold baseline build:   {base:8.1f} s")
print(f"patched build:         {patched:8.1f} s  ({a['patched']['tree_action']})")
print(f"patched / baseline:    {patched / base:8.3f}  (target <= 0.25)")
hits = all(v["cache_hit"] for v in b.values())
print(f"same request again:    {float(sys.argv[3]):8.2f} s  ({'cache hit' if hits else 'NOT a cache hit'}; target <= 5 s)")
PY
if [ "$repro" = 1 ]; then
  "$kbench" build --cache-dir "$work/b" --json "$work/b.json" >/dev/null
  python3 - "$work/a.json" "$work/b.json" <<'PY'
import json, sys
a = {v["variant"]: v["bzimage_sha256"] for v in json.load(open(sys.argv[1]))["variants"]}
b = {v["variant"]: v["bzimage_sha256"] for v in json.load(open(sys.argv[2]))["variants"]}
for k in a:
    print(f"{k:9} cache A {a[k][:16]}  cache B {b[k][:16]}  {'identical' if a[k] == b[k] else 'DIFFERENT'}")
sys.exit(0 if a == b else 1)
PY
fi
