#!/usr/bin/env bash
# Integration: a deliberately broken kernel (a fixture patch series from
# testdata/patches) must end with the expected outcome and exit code, the
# cause as the last error line, its reports rendered without the plots the
# side without OK boots cannot have (no gnuplot error).
# Usage: ab_fixture.sh KBENCH CACHE_DIR EXIT_CODE OUTCOME RUN_TIMEOUT PATCHES...
. "$(dirname "$0")/common.sh"
kbench=$1
cache=$2
want_exit=$3
want_outcome=$4
run_timeout=$5
shift 5
patches=()
for p in "$@"; do patches+=(--patches "$p"); done
results=$cache/ab-fixture-$want_outcome
rm -rf "$results"

errors=$(mktemp)
trap 'rm -f "$errors"' EXIT
start=$(date +%s)
"$kbench" ab --cache-dir "$cache" --scenario quick --boots 1 --run-timeout "$run_timeout" \
  --results-dir "$results" "${patches[@]}" 2>"$errors"
rc=$?
tail -n 20 "$errors"
echo "took $(( $(date +%s) - start )) s"
[ "$rc" = "$want_exit" ] || fail "expected exit $want_exit, got $rc"
last=$(tail -n 1 "$errors")
echo "last error line: $last"
echo "$last" | grep -Eq "^kbench: error: patched boot 0: $want_outcome: .*\(exit $want_exit " ||
  fail "the last error line does not name the cause ($want_outcome, exit $want_exit)"
! grep -qi gnuplot "$errors" || fail "a gnuplot message: $(grep -i gnuplot "$errors")"
[ -f "$results/report.md" ] || fail "report.md was not rendered"
python3 - "$results/results.json" "$want_outcome" <<'PY' || fail "results.json is not as expected"
import json, sys
r = json.load(open(sys.argv[1]))
want = sys.argv[2]
base = [x for x in r["runs"] if x["variant"] == "baseline"]
patched = [x for x in r["runs"] if x["variant"] == "patched"]
assert base and all(x["outcome"] == "OK" for x in base), [x["outcome"] for x in base]
assert patched and all(x["outcome"] == want for x in patched), [(x["outcome"], x["reason"]) for x in patched]
if want == "PANIC":
    assert any("Call Trace" in l or "BUG" in l for l in patched[0]["backtrace"]), patched[0]["backtrace"][:5]
if want == "CORRECTNESS_FAIL":
    assert any(not c["ok"] for c in patched[0]["checks"]), patched[0]["checks"]
print("patched:", patched[0]["outcome"], "-", patched[0]["reason"])
PY
echo "PASS"
