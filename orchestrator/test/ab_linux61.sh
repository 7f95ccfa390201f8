#!/usr/bin/env bash
# Integration: kbench on Debian's other LTS source, linux-source-6.1, end to
# end (the 6.1 stage of .ci/run): the embedded default's fragments (their
# kbench-if blocks resolved for 6.1, every request verified), the measurement
# layer with its boot fix for kernels before 6.5 and the 6.1 port of the seed
# series (both chosen by the source's version), in virtual time,
# a quick A/B in which every walk and lock row improves, then an A/A in which
# every row is "no change". Prints how long each part took.
# Usage: ab_linux61.sh KBENCH CACHE_DIR
. "$(dirname "$0")/common.sh"
kbench=$1
cache=$2
[ -f /usr/src/linux-source-6.1.tar.xz ] || fail "linux-source-6.1 is not installed (scripts/bootstrap installs it)"
ab=$cache/ab-linux61
aa=$cache/aa-linux61
rm -rf "$ab" "$aa"

start=$(date +%s)
expect_exit 0 "$kbench" ab --cache-dir "$cache" --source debian:linux-source-6.1 --scenario quick \
  --results-dir "$ab" --perf
ab_seconds=$(($(date +%s) - start))
expect_output '^kernel 6\.1\.[0-9]+ \+ .*patches/ksm-rmap-walk/6\.1 \(2 patches\) on (tcg|kvm), scenario quick$'
for row in 'walk mean' 'walk max' 'lock mean' 'lock max'; do
  expect_output "^$row .* improved\$"
done
python3 - "$ab/results.json" <<'PY' || fail "results.json of the 6.1 A/B is not as expected"
import json, sys
r = json.load(open(sys.argv[1]))
for k in r["kernels"]:
    assert k["release"].startswith("6.1."), k["release"]
    assert any("patches/measurement/" in p["file"] for p in k["series"]), k["series"]
    # 6.1 boots in virtual time only with the layer's boot fix for kernels before 6.5.
    assert any("smpboot-pause-while-waiting" in p["file"] for p in k["series"]), k["series"]
assert r["environment"]["timing"] == "virtual", r["environment"]["timing"]
patched = [k for k in r["kernels"] if k["variant"] == "patched"][0]
assert sum("/ksm-rmap-walk/6.1/" in p["file"] for p in patched["series"]) == 2, patched["series"]
for x in r["runs"]:
    assert x["outcome"] == "OK", (x["variant"], x["boot"], x["reason"])
    assert x["method"] == "layer", x["method"]
    assert x["walk_ns"] and x["lock_hold_ns"] and x["walk_holds_timed_ns"], "no samples"
print("6.1 A/B phases (s):", {k: round(v) for k, v in r["phases"].items()})
PY

start=$(date +%s)
expect_exit 0 "$kbench" ab --cache-dir "$cache" --source debian:linux-source-6.1 --scenario quick \
  --aa --results-dir "$aa"
aa_seconds=$(($(date +%s) - start))
for row in 'walk mean' 'walk max' 'lock mean' 'lock max' 'stall mean' 'stall max'; do
  expect_output "^$row .* no change\$"
done
echo "6.1 stage: A/B (with the kernel builds) ${ab_seconds} s, A/A ${aa_seconds} s"
echo "PASS"
