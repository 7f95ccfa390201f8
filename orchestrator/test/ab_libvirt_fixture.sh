#!/usr/bin/env bash
# Integration: a deliberately broken kernel booted through the libvirt
# backend ends with the same outcome as under the QEMU backend (ab_fixture.sh),
# and its domain is destroyed (none left in `virsh list --all`).
# Usage: ab_libvirt_fixture.sh KBENCH CACHE_DIR SOURCE_DIR EXIT_CODE OUTCOME RUN_TIMEOUT PATCHES...
. "$(dirname "$0")/common.sh"
. "$(dirname "$0")/libvirt_common.sh"
kbench=$1
cache=$2
src=$3
want_exit=$4
want_outcome=$5
run_timeout=$6
shift 6
require_libvirtd "$src"
patches=()
for p in "$@"; do patches+=(--patches "$p"); done
name=ab-libvirt-$want_outcome
results=$(results_root "$cache")/$name
rm -rf "$results"

start=$(date +%s)
expect_exit "$want_exit" "$kbench" ab --cache-dir "$cache" --scenario quick --boots 1 \
  --run-timeout "$run_timeout" --results-dir "$results" --backend libvirt \
  --connect "$libvirt_uri" "${patches[@]}"
echo "took $(( $(date +%s) - start )) s"
expect_no_domains "kbench-$name-"
python3 - "$results/results.json" "$want_outcome" <<'PY' || fail "results.json is not as expected"
import json, sys
r = json.load(open(sys.argv[1]))
want = sys.argv[2]
assert "via libvirt" in r["environment"]["qemu_version"], r["environment"]["qemu_version"]
base = [x for x in r["runs"] if x["variant"] == "baseline"]
patched = [x for x in r["runs"] if x["variant"] == "patched"]
assert base and all(x["outcome"] == "OK" for x in base), [x["outcome"] for x in base]
assert patched and all(x["outcome"] == want for x in patched), [(x["outcome"], x["reason"]) for x in patched]
if want == "PANIC":
    assert any("Call Trace" in l or "BUG" in l for l in patched[0]["backtrace"]), patched[0]["backtrace"][:5]
print("patched:", patched[0]["outcome"], "-", patched[0]["reason"])
PY
echo "PASS"
