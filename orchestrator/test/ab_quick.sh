#!/usr/bin/env bash
# Integration: the quick A/B end to end with real kernels and QEMU/TCG, then
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
expect_output '^walk mean .* improved$'
expect_output '^lock mean .* improved$'
expect_output 'orchestration overhead'
[ ! -e "$results/INCOMPLETE" ] || fail "results directory still marked incomplete"

python3 - "$results/results.json" <<'PY' || fail "results.json is not as expected"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["complete"] is True
assert r["environment"]["accelerator"] in ("tcg", "kvm")
runs = r["runs"]
assert [x["variant"] for x in runs[:4]] == ["baseline", "patched", "baseline", "patched"], "not interleaved"
for x in runs:
    assert x["outcome"] == "OK", (x["variant"], x["boot"], x["outcome"], x["reason"])
    assert x["vmas_real"] >= 2000, x["vmas_real"]
    assert x["pages_sharing"] == 15, x["pages_sharing"]
    assert x["walk_ns"] and x["lock_hold_ns"], "no samples"
    assert all(c["ok"] for c in x["checks"]) and x["checks"], "correctness checks"
PY

# kbench report reproduces every report byte for byte.
expect_exit 0 "$kbench" report "$results" -o "$results-rerender"
for f in report.txt report.md junit.xml plots/distribution.svg plots/distribution.png \
         plots/per-boot.svg plots/per-boot.png; do
  cmp "$results/$f" "$results-rerender/$f" || fail "$f differs after kbench report"
done
echo "PASS"
