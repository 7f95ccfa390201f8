#!/usr/bin/env bash
# Integration: the kernel pipeline's errors, with the real tools. Each must
# name its input, exit with its documented code and build nothing.
# Usage: kernel_errors.sh KBENCH CACHE_DIR SOURCE_DIR
. "$(dirname "$0")/common.sh"
kbench=$1
cache=$2
src=$3
data=$src/testdata
[ -f /usr/src/linux-source-6.12.tar.xz ] || skip "linux-source-6.12 is not installed"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

kernels_before=$(ls "$cache/kernels" 2>/dev/null | wc -l)

# A patch that does not apply: exit 5, names the patch file and the hunk.
expect_exit 5 "$kbench" build --cache-dir "$cache" --patches "$data/patches/does-not-apply"
expect_output 'does-not-apply/0001-.*\.patch'
expect_output 'hunk #[0-9]+ of mm/ksm\.c \(@@ '

# A fragment symbol that cannot be set: exit 6, names the symbol and file:line.
expect_exit 6 "$kbench" build --cache-dir "$cache" \
  --config "$src/kernel-configs/base.config" --config "$src/kernel-configs/bench.config" \
  --config "$data/configs/unsettable.config"
expect_output 'unsettable\.config:[0-9]+: CONFIG_KBENCH_NO_SUCH_SYMBOL requested'
expect_output 'unsettable\.config:[0-9]+: CONFIG_DRM_I915 requested'

# A missing source path: exit 4, names the path.
expect_exit 4 "$kbench" build --cache-dir "$cache" --source "$scratch/no-such-tree"
expect_output "kernel source not found: $scratch/no-such-tree"

# A non-git tree with --ref: exit 4.
mkdir -p "$scratch/plain/arch/x86" "$scratch/plain/mm"
touch "$scratch/plain/Makefile" "$scratch/plain/Kconfig" "$scratch/plain/arch/x86/Kconfig" "$scratch/plain/mm/ksm.c"
expect_exit 4 "$kbench" build --cache-dir "$cache" --source "$scratch/plain" --ref v6.12
expect_output 'needs a git repository'

# A malformed fragment: exit 3 with file:line:col.
printf 'CONFIG_KSM=y\nKSM=y\n' >"$scratch/bad.config"
expect_exit 3 "$kbench" build --cache-dir "$cache" --config "$scratch/bad.config"
expect_output 'bad\.config:2:1: expected CONFIG_'

kernels_after=$(ls "$cache/kernels" 2>/dev/null | wc -l)
[ "$kernels_before" = "$kernels_after" ] || fail "an error case built a kernel"
echo "PASS"
