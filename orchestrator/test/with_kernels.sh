#!/usr/bin/env bash
# Run a command with KBENCH_TEST_KERNEL (the baseline bzImage built by the
# integration.kernel_build fixture) and KBENCH_TEST_INITRD (the guest
# initramfs, built here by `kbench initramfs`) in its environment.
# Usage: with_kernels.sh KBENCH CACHE_DIR COMMAND...
set -euo pipefail
kbench=$1
cache=$2
shift 2
build_json=$cache/build.json
if [ ! -f "$build_json" ]; then
  echo "SKIP: $build_json missing (integration.kernel_build did not run)" >&2
  exit 125
fi
KBENCH_TEST_KERNEL=$(python3 -c 'import json,sys; print([v["bzimage"] for v in json.load(open(sys.argv[1]))["variants"] if v["variant"]=="baseline"][0])' "$build_json")
export KBENCH_TEST_KERNEL
export KBENCH_TEST_INITRD=$cache/test-initramfs.cpio.gz
"$kbench" initramfs -o "$KBENCH_TEST_INITRD" >/dev/null
exec "$@"
