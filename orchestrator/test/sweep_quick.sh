#!/usr/bin/env bash
# Integration: `kbench sweep` end to end with real kernels and QEMU/TCG over
# four VMA counts (1 boot per variant and point, 2 walks): sweep.json holds
# 4 points x 2 variants, the plot exists, and the baseline's worst walk grows
# with the VMA count. Usage: sweep_quick.sh KBENCH CACHE_DIR
. "$(dirname "$0")/common.sh"
kbench=$1
cache=$2
results=$cache/sweep-quick
rm -rf "$results"

expect_exit 0 nice -n 10 "$kbench" sweep --cache-dir "$cache" --scenario quick \
  --vmas 2000,250,500,1000,500 --boots 1 --walks 2 --results-dir "$results"
expect_output '^\| VMAs +\| real VMAs +\| metric +\| baseline max +\| patched max +\| max ratio'
expect_output '^\| +250 \| +[0-9]+ \| walk '
expect_output '^\| +2000 \| +[0-9]+ \| lock '
expect_output "^plot: $results/sweep.svg"
[ ! -e "$results/INCOMPLETE" ] || fail "sweep directory still marked incomplete"
for f in sweep.svg sweep.png sweep.gp sweep.md; do
  [ -s "$results/$f" ] || fail "$f missing or empty"
done
grep -q 'set logscale x' "$results/sweep.gp" || fail "sweep.gp has no log x axis"

python3 - "$results" <<'PY' || fail "sweep.json is not as expected"
import json, os, sys
d = sys.argv[1]
s = json.load(open(os.path.join(d, "sweep.json")))
assert s["schema"] == "kbench-sweep" and s["complete"] is True
assert s["vmas"] == [250, 500, 1000, 2000], s["vmas"]
pts = s["points"]
assert [p["vmas"] for p in pts] == [250, 500, 1000, 2000]
for p in pts:
    assert set(p["variants"]) == {"baseline", "patched"}, p["variants"].keys()
    for name, v in p["variants"].items():
        assert v["ok_boots"] == 1, (p["vmas"], name, v)
        assert v["vmas_real"] >= p["vmas"], (p["vmas"], name, v["vmas_real"])
        for m in ("walk_duration", "lock_hold"):
            assert v[m]["n"] > 0 and v[m]["max_ns"] > 0, (p["vmas"], name, m, v[m])
    r = json.load(open(os.path.join(d, p["results"])))
    assert r["experiment"]["vmas"] == p["vmas"], (p["results"], r["experiment"]["vmas"])
    assert [x["variant"] for x in r["runs"]] == ["baseline", "patched"], "not interleaved"
    assert os.path.exists(os.path.join(d, p["dir"], "report.md"))
small = pts[0]["variants"]["baseline"]["walk_duration"]["max_ns"]
large = pts[-1]["variants"]["baseline"]["walk_duration"]["max_ns"]
assert large > small, f"baseline max walk did not grow: {small} ns at 250 VMAs, {large} ns at 2000"
print(f"baseline max walk: {small/1e6:.2f} ms at 250 VMAs, {large/1e6:.2f} ms at 2000 VMAs")
PY

# Usage errors exit 2 and name the input, before anything is built.
expect_exit 2 "$kbench" sweep --cache-dir "$cache" --scenario quick --vmas 1000
expect_output 'at least 2 distinct'
expect_exit 2 "$kbench" sweep --cache-dir "$cache" --scenario quick --vmas 1000,abc
expect_output '"abc" is not a positive integer'
echo "PASS"
