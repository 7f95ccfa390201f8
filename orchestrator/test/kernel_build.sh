#!/usr/bin/env bash
# Integration: build both kernels of the embedded default for real (Debian
# linux-source-6.12, measurement layer + ksm-rmap-walk, the kernel-configs
# fragments), then ask again and expect a cache hit.
# Usage: kernel_build.sh KBENCH CACHE_DIR
. "$(dirname "$0")/common.sh"
kbench=$1
cache=$2
[ -f /usr/src/linux-source-6.12.tar.xz ] || skip "linux-source-6.12 is not installed"

expect_exit 0 "$kbench" build --cache-dir "$cache" --perf --json "$cache/build.json"
expect_output 'baseline: +/.*/bzImage'
expect_output 'patched: +/.*/bzImage'
expect_output 'patched/baseline build time ratio'

python3 - "$cache/build.json" <<'PY' || fail "build.json is not as expected"
import hashlib, json, sys
b = json.load(open(sys.argv[1]))
v = {x["variant"]: x for x in b["variants"]}
assert set(v) == {"baseline", "patched"}, v.keys()
for x in v.values():
    data = open(x["bzimage"], "rb").read()
    assert hashlib.sha256(data).hexdigest() == x["bzimage_sha256"], x["variant"]
    assert x["kernel_release"].startswith("6.12"), x["kernel_release"]
assert v["baseline"]["bzimage_sha256"] != v["patched"]["bzimage_sha256"]
assert v["baseline"]["config_sha256"] == v["patched"]["config_sha256"]
PY

# The same request again: answered from the cache, without touching a tree.
start=$(date +%s%N)
expect_exit 0 "$kbench" build --cache-dir "$cache" --json "$cache/build2.json"
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "second request took ${elapsed_ms} ms"
[ "$(grep -c '(cache hit)' <<<"$out")" = 2 ] || fail "second build was not two cache hits"
cmp <(python3 -c 'import json,sys;print([x["bzimage_sha256"] for x in json.load(open(sys.argv[1]))["variants"]])' "$cache/build.json") \
    <(python3 -c 'import json,sys;print([x["bzimage_sha256"] for x in json.load(open(sys.argv[1]))["variants"]])' "$cache/build2.json") \
  || fail "cache returned different kernels"
echo "PASS"
