#!/usr/bin/env bash
# Benchmark of the two timing modes (docs/timing.md), all figures from one run
# on this host: the same A/B (default: the seed scenario) once in virtual time
# (QEMU -icount) and once in wall-clock time, both under TCG, interleaved
# modes in one invocation so that both see the same host. For each mode it
# prints the wall time of the whole A/B and, per variant, the per-boot
# coefficient of variation (CoV) of the walk mean and of the walk max, plus
# the walk max ratio (baseline/patched).
#
# Usage: bench/timing-modes.sh [--load N] [KBENCH] [-- extra kbench ab flags]
#   --load N  keep N CPU hogs (sha256sum /dev/zero) running for the whole
#             benchmark, e.g. 2 on a 2-core host (default 0: no extra load)
# Example: bench/timing-modes.sh --load 2 -- --scenario quick --boots 5
set -euo pipefail
load=0
if [ "${1:-}" = --load ]; then load=$2; shift 2; fi
top=$(cd "$(dirname "$0")/.." && pwd)
kbench=$top/build/orchestrator/kbench
if [ $# -gt 0 ] && [ "$1" != -- ]; then kbench=$1; shift; fi
[ "${1:-}" = -- ] && shift
work=$(mktemp -d /var/tmp/kbench-timing.XXXXXX)
hogs=()
cleanup() {
  for h in "${hogs[@]}"; do kill "$h" 2>/dev/null || true; done
}
trap cleanup EXIT
for _ in $(seq 1 "$load"); do
  sha256sum /dev/zero &
  hogs+=($!)
done
echo "timing-modes: $load CPU hog(s); results under $work"

for mode in virtual wall; do
  start=$(date +%s.%N)
  "$kbench" ab --accel tcg --timing "$mode" --results-dir "$work/$mode" "$@" >"$work/$mode.out" 2>&1 ||
    { echo "timing-modes: kbench ab --timing $mode failed:"; tail -n 20 "$work/$mode.out"; exit 1; }
  echo "$(echo "$(date +%s.%N) - $start" | bc)" >"$work/$mode.seconds"
done

python3 - "$work" <<'PY'
import json, statistics, sys
work = sys.argv[1]

def cov(values):
    return statistics.stdev(values) / statistics.mean(values) if len(values) > 1 else 0.0

print(f"{'mode':8} {'wall s':>8} {'variant':9} {'boots':>5} {'CoV walk mean':>14} "
      f"{'CoV walk max':>13} {'walk max (median boot)':>23}")
for mode in ("virtual", "wall"):
    r = json.load(open(f"{work}/{mode}/results.json"))
    seconds = float(open(f"{work}/{mode}.seconds").read())
    maxes = {}
    for variant in ("baseline", "patched"):
        runs = [x for x in r["runs"] if x["variant"] == variant and x["outcome"] == "OK"]
        means = [statistics.mean(x["walk_ns"]) for x in runs if x["walk_ns"]]
        peaks = [max(x["walk_ns"]) for x in runs if x["walk_ns"]]
        maxes[variant] = statistics.median(peaks) if peaks else float("nan")
        print(f"{mode:8} {seconds:8.1f} {variant:9} {len(runs):5} {100 * cov(means):13.3f}% "
              f"{100 * cov(peaks):12.3f}% {maxes[variant] / 1e6:20.3f} ms")
    ratio = maxes["baseline"] / maxes["patched"]
    print(f"{mode:8} walk max ratio (median boots): {ratio:.1f}x; timing: "
          f"{r['environment'].get('timing_detail', r['environment'].get('timing', '?'))}")
PY
