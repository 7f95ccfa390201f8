#!/usr/bin/env bash
# Integration: the quick A/B end to end through the libvirt backend against a
# real libvirtd (qemu:///system, TCG domains here): the same verdicts and
# checks as ab_quick.sh (QEMU backend), and no domain left afterwards. Like
# ab_quick.sh it asserts the mean verdicts only: on a loaded 2-core TCG host one
# preempted walk can make the patched maximum "no change" with either backend.
# virtlogd (which writes the console and results files for libvirt) is stalled
# throughout, as on a loaded host: every boot must still deliver complete
# results (init's drain barrier; without it boots ended "BENCH_FAIL: QEMU ended
# with the results incomplete (only the pending record)", docs/libvirt.md).
# Usage: ab_libvirt_quick.sh KBENCH CACHE_DIR SOURCE_DIR
. "$(dirname "$0")/common.sh"
. "$(dirname "$0")/libvirt_common.sh"
kbench=$1
cache=$2
src=$3
require_libvirtd "$src"
results=$(results_root "$cache")/ab-libvirt-quick
rm -rf "$results"

start_virtlogd_stalls
expect_exit 0 "$kbench" ab --cache-dir "$cache" --scenario quick --results-dir "$results" --perf \
  --backend libvirt --connect "$libvirt_uri"
stop_virtlogd_stalls
[ "$stalls" -ge 10 ] || fail "virtlogd was stalled only $stalls times"
expect_output '^KSM rmapping +Maximum duration +Average duration'
expect_output '^Before: +[0-9.]+ ms \([0-9]+ ns\)'
expect_output '^After: +[0-9.]+ ms \([0-9]+ ns\)'
expect_output '^anon_vma lock'
expect_output '^Victim stall'
expect_output '^walk mean .* improved$'
expect_output '^lock mean .* improved$'
expect_output 'orchestration overhead'
[ ! -e "$results/INCOMPLETE" ] || fail "results directory still marked incomplete"
expect_no_domains "kbench-ab-libvirt-quick-"

python3 - "$results/results.json" <<'PY' || fail "results.json is not as expected"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["complete"] is True
assert r["environment"]["accelerator"] in ("tcg", "kvm")
assert "via libvirt" in r["environment"]["qemu_version"], r["environment"]["qemu_version"]
runs = r["runs"]
assert [x["variant"] for x in runs[:4]] == ["baseline", "patched", "baseline", "patched"], "not interleaved"
for x in runs:
    assert x["outcome"] == "OK", (x["variant"], x["boot"], x["outcome"], x["reason"])
    assert x["vmas_real"] >= 2000, x["vmas_real"]
    assert x["pages_sharing"] == 15, x["pages_sharing"]
    assert x["walk_ns"] and x["lock_hold_ns"], "no samples"
    assert all(c["ok"] for c in x["checks"]) and x["checks"], "correctness checks"
PY
for run in "$results"/runs/baseline-0 "$results"/runs/patched-0; do
  grep -q "<name>kbench-ab-libvirt-quick-$(basename "$run")</name>" "$run/domain.xml" ||
    fail "$run/domain.xml does not name the domain kbench-ab-libvirt-quick-$(basename "$run")"
done
echo "PASS"
