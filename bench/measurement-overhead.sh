#!/usr/bin/env bash
# Benchmark of kbench's measurement methods (docs/patches.md, "Measurement
# overhead"), all figures from one invocation on this host, in virtual time
# (QEMU -icount: exact and independent of host load, so one boot per variant
# is enough). The same scenario is run twice:
#   1. with the measurement layer (the default): walks timed as a whole with
#      lock-hold timing off (what kbench reports as walk_ns), and the same
#      walks again with lock-hold timing on (walk_holds_timed_ns);
#   2. without it (--no-measurement-patches): walks timed by the
#      function_graph tracer on rmap_walk_ksm only, the reference.
# For each kernel and each of the two rmap_walk_ksm calls a migration makes
# (try_to_migrate, then remove_migration_ptes) it prints the median duration
# per method and the layer's overhead against the reference.
#
# Usage: bench/measurement-overhead.sh [KBENCH] [-- extra kbench ab flags]
# Example: bench/measurement-overhead.sh -- --scenario quick
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
kbench=$top/build/orchestrator/kbench
if [ $# -gt 0 ] && [ "$1" != -- ]; then kbench=$1; shift; fi
[ "${1:-}" = -- ] && shift
work=$(mktemp -d /var/tmp/kbench-overhead.XXXXXX)
echo "measurement-overhead: results under $work"

run() {
  local name=$1
  shift
  "$kbench" ab --accel tcg --timing virtual --boots 1 --results-dir "$work/$name" "$@" \
    >"$work/$name.out" 2>&1 ||
    { echo "measurement-overhead: kbench ab ($name) failed:"; tail -n 20 "$work/$name.out"; exit 1; }
}
run layer "$@"
run reference --no-measurement-patches "$@"

python3 - "$work" <<'PY'
import json, statistics, sys
work = sys.argv[1]

def calls(values, which):
    # A migration walks twice: try_to_migrate (even positions), remove_migration_ptes (odd).
    picked = values[which::2]
    return statistics.median(picked) if picked else float("nan")

layer = json.load(open(f"{work}/layer/results.json"))
ref = json.load(open(f"{work}/reference/results.json"))
print(f"scenario {layer['experiment']['scenario']}, timing {layer['environment'].get('timing')}; "
      f"methods: layer-walk = layer, hold timing off (reported); layer-holds = layer, hold "
      f"timing on; fgraph = no layer, function_graph only (reference)")
print(f"{'kernel':9} {'call':22} {'fgraph (us)':>12} {'layer-walk (us)':>16} {'vs ref':>8} "
      f"{'layer-holds (us)':>17} {'vs ref':>8}")
for variant in ("baseline", "patched"):
    lr = [r for r in layer["runs"] if r["variant"] == variant][0]
    rr = [r for r in ref["runs"] if r["variant"] == variant][0]
    assert lr["method"] == "layer" and rr["method"] == "function_graph", (lr["method"], rr["method"])
    for which, name in ((0, "try_to_migrate"), (1, "remove_migration_ptes")):
        f = calls(rr["walk_ns"], which) / 1e3
        w = calls(lr["walk_ns"], which) / 1e3
        h = calls(lr.get("walk_holds_timed_ns", []), which) / 1e3
        print(f"{variant:9} {name:22} {f:12.1f} {w:16.1f} {100 * (w / f - 1):+7.2f}% "
              f"{h:17.1f} {100 * (h / f - 1):+7.2f}%")
PY
