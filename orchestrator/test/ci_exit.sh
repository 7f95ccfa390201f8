#!/usr/bin/env bash
# Integration: `kbench ci` on the quick scenario with real kernels and QEMU
# ends with the documented exit code (docs/ci.md) and writes junit.xml and
# summary.md (verdict line first) into the results directory. The kernels come
# from the test cache (the `kernels` fixture; the fixture series build
# incrementally on the cached baseline tree, and ab_fixture.sh shares them).
# Usage: ci_exit.sh KBENCH CACHE_DIR NAME EXIT_CODE BOOTS RUN_TIMEOUT PATCHES...
. "$(dirname "$0")/common.sh"
kbench=$1
cache=$2
name=$3
want_exit=$4
boots=$5
run_timeout=$6
shift 6
patches=()
for p in "$@"; do patches+=(--patches "$p"); done
results=$cache/ci-$name
rm -rf "$results"

start=$(date +%s)
expect_exit "$want_exit" "$kbench" ci --cache-dir "$cache" --scenario quick --boots "$boots" \
  --run-timeout "$run_timeout" --results-dir "$results" "${patches[@]}"
echo "kbench ci ($name) exited $want_exit as expected in $(($(date +%s) - start)) s"
expect_output "^summary: $results/summary.md$"
expect_output "^junit: $results/junit.xml$"
head -n 1 "$results/summary.md" | grep -q '^\*\*kbench ci: ' || fail "summary.md does not start with the verdict"
if [ "$want_exit" = 0 ]; then
  head -n 1 "$results/summary.md" | grep -q 'PASS' || fail "summary.md verdict is not PASS"
else
  head -n 1 "$results/summary.md" | grep -q "(exit $want_exit)" || fail "summary.md names no exit $want_exit"
fi
python3 - "$results/junit.xml" "$want_exit" <<'PY' || fail "junit.xml is not as expected"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
want = int(sys.argv[2])
failures = {s.get("name"): int(s.get("failures")) for s in root.iter("testsuite")}
print("junit failures:", failures)
if want == 0:
    assert sum(failures.values()) == 0, failures
elif want == 1:
    assert failures["kbench.verdicts"] > 0, failures
elif want == 9:
    assert failures["kbench.checks"] > 0, failures
elif want == 10:
    assert failures["kbench.runs"] > 0, failures
PY

# Judging the same run again from its results gives the same code, without booting.
expect_exit "$want_exit" "$kbench" ci --results "$results"
case $name in
  series)
    # The patched kernel against itself as the stored reference: no regression.
    expect_exit 0 "$kbench" ci --results "$results" --reference "$results/results.json"
    expect_output 'PASS' ;;
  slow_walk)
    # Thresholds above the slowdown turn the regression into a pass.
    expect_exit 0 "$kbench" ci --results "$results" --threshold default=1000000%
    expect_exit 2 "$kbench" ci --results "$results" --threshold nosuch=5% ;;
esac
echo "PASS"
