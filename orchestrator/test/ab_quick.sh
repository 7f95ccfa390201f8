#!/usr/bin/env bash
# Integration: the quick A/B end to end with real kernels and QEMU/TCG in the
# default timing mode (virtual time under TCG: instruction counting, so every
# verdict is asserted strictly and the per-boot spread must be ~0), then
# `kbench report` re-renders every report byte for byte from results.json.
# Usage: ab_quick.sh KBENCH CACHE_DIR
. "$(dirname "$0")/common.sh"
kbench=$1
cache=$2
results=$cache/ab-quick
rm -rf "$results" "$results-rerender"

expect_exit 0 "$kbench" ab --cache-dir "$cache" --scenario quick --results-dir "$results" --perf
expect_output '^KSM rmapping +Maximum duration +Average duration'
expect_output '^Before: +[0-9.]+ ms \([0-9]+ ns\)'
expect_output '^After: +[0-9.]+ ms \([0-9]+ ns\)'
expect_output '^anon_vma lock'
expect_output '^Victim stall'
expect_output '^virtual time: instructions executed, independent of host load; not comparable$'
for row in 'walk mean' 'walk max' 'lock mean' 'lock max'; do
  expect_output "^$row .* improved\$"
done
expect_output 'orchestration overhead'
[ ! -e "$results/INCOMPLETE" ] || fail "results directory still marked incomplete"

python3 - "$results/results.json" <<'PY' || fail "results.json is not as expected"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["complete"] is True
assert r["environment"]["accelerator"] in ("tcg", "kvm")
virtual = r["environment"]["accelerator"] == "tcg"
assert r["environment"]["timing"] == ("virtual" if virtual else "wall"), r["environment"]
runs = r["runs"]
assert [x["variant"] for x in runs[:4]] == ["baseline", "patched", "baseline", "patched"], "not interleaved"
for x in runs:
    assert x["outcome"] == "OK", (x["variant"], x["boot"], x["outcome"], x["reason"])
    assert x["vmas_real"] >= 2000, x["vmas_real"]
    assert x["pages_sharing"] == 15, x["pages_sharing"]
    assert x["walk_ns"] and x["lock_hold_ns"], "no samples"
    assert all(c["ok"] for c in x["checks"]) and x["checks"], "correctness checks"
    assert x["timing"] == r["environment"]["timing"], x["timing"]
# Virtual time: the per-boot walk mean and max move by less than 1% across boots.
if virtual:
    import statistics
    for variant in ("baseline", "patched"):
        for name, f in (("mean", statistics.mean), ("max", max)):
            v = [f(x["walk_ns"]) for x in runs if x["variant"] == variant]
            cov = statistics.stdev(v) / statistics.mean(v)
            print(f"{variant} per-boot walk {name}: CoV {100 * cov:.4f}% over {len(v)} boots")
            assert cov <= 0.01, (variant, name, v)
PY

# kbench report reproduces every report byte for byte.
expect_exit 0 "$kbench" report "$results" -o "$results-rerender"
for f in report.txt report.md junit.xml plots/distribution.svg plots/distribution.png \
         plots/per-boot.svg plots/per-boot.png; do
  cmp "$results/$f" "$results-rerender/$f" || fail "$f differs after kbench report"
done
echo "PASS"
