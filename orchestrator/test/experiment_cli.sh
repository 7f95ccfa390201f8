#!/usr/bin/env bash
# Experiment files on the command line, without building or booting anything:
#  1. `kbench ab -c five-mistakes.yaml` exits 3 with five FILE:LINE:COL errors
#     and leaves the (empty) cache and the results directory untouched;
#  2. `kbench ab` and `kbench ab -c default.yaml` (from `kbench config
#     --show-default`) use the same experiment hash;
#  3. `kbench ab --dry-run` prints the make and qemu command lines of both
#     variants and starts nothing (no results directory, no kernel, no tree);
#  5. `kbench sweep` takes the same experiment files: five mistakes are the same
#     five errors and exit 3 with nothing built; a good file plans every point.
# Usage: experiment_cli.sh KBENCH SOURCE_DIR
. "$(dirname "$0")/common.sh"
kbench=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cache=$tmp/cache
mkdir -p "$cache"

# 1. Five mistakes, five located errors, exit 3, nothing built.
mistakes=$src/testdata/experiments/five-mistakes.yaml
expect_exit 3 "$kbench" ab --cache-dir "$cache" -c "$mistakes" --results-dir "$tmp/results"
located=$(echo "$out" | grep -cE "^$mistakes:[0-9]+:[0-9]+: ")
[ "$located" = 5 ] || fail "expected 5 FILE:LINE:COL errors, got $located"
expect_output "did you mean 'vmas'\?"
[ -z "$(ls -A "$cache")" ] || fail "the cache is not empty: $(ls -A "$cache")"
[ ! -e "$tmp/results" ] || fail "a results directory was created"
expect_exit 3 "$kbench" config --check "$mistakes"
expect_exit 0 "$kbench" config --check "$src/testdata/experiments/quick-override.yaml"

# 2. The printed default is the default: same experiment hash.
"$kbench" config --show-default > "$tmp/default.yaml" || fail "config --show-default"
cmp -s "$tmp/default.yaml" "$src/experiments/default.yaml" || fail "--show-default is not verbatim"
plain=$("$kbench" config --show --hash) || fail "config --show --hash"
printed=$("$kbench" config --show --hash "$tmp/default.yaml") || fail "printed"
[ -n "$plain" ] && [ "$plain" = "$printed" ] || fail "hashes differ: $plain vs $printed"

# 3. --dry-run: make and qemu lines for both variants; nothing started.
expect_exit 0 "$kbench" ab --cache-dir "$cache" --dry-run --results-dir "$tmp/dry"
expect_output "^# experiment $plain \(seed\)$"
for variant in baseline patched; do
  expect_output "^# $variant: build the kernel$"
  echo "$out" | grep -A1 "^# $variant: build the kernel$" | grep -Eq '^.*make .* bzImage$' ||
    fail "no make line for $variant"
  echo "$out" | grep -A1 "^# $variant: boot 1 of 5" | grep -Eq '^qemu-system-x86_64 .*-kernel ' ||
    fail "no qemu line for $variant"
done
dry_file=$(echo "$out" | grep -A1 '^# baseline: boot 1' | tail -n 1)
expect_exit 0 "$kbench" ab --cache-dir "$cache" --dry-run --results-dir "$tmp/dry" \
  -c "$tmp/default.yaml"
expect_output "^# experiment $plain \(seed\)$"
[ "$(echo "$out" | grep -A1 '^# baseline: boot 1' | tail -n 1)" = "$dry_file" ] ||
  fail "the printed default gives another qemu line"
[ ! -e "$tmp/dry" ] || fail "--dry-run created the results directory"
[ ! -e "$cache/kernels" ] || [ -z "$(ls -A "$cache/kernels")" ] || fail "--dry-run built a kernel"
[ ! -e "$cache/trees" ] || [ -z "$(ls -A "$cache/trees")" ] || fail "--dry-run made a tree"

# 4. kbench run --dry-run: one variant only; with --kernel, no make line at all.
expect_exit 0 "$kbench" run --cache-dir "$cache" --dry-run --scenario quick --variant baseline \
  --results-dir "$tmp/run"
expect_output "^# baseline: build the kernel$"
echo "$out" | grep -q "^# patched:" && fail "kbench run planned the patched variant too"
expect_output "^# baseline: boot 1 of 5"
touch "$tmp/bzImage"
expect_exit 0 "$kbench" run --cache-dir "$cache" --dry-run --kernel "$tmp/bzImage" \
  --results-dir "$tmp/run"
echo "$out" | grep -q " make " && fail "kbench run --kernel planned a build"
expect_output "^qemu-system-x86_64 .*-kernel $tmp/bzImage "
[ ! -e "$tmp/run" ] || fail "kbench run --dry-run created the results directory"

# 5. kbench sweep -c: the five mistakes again (its --vmas list is no mistake), nothing built.
expect_exit 3 "$kbench" sweep --cache-dir "$cache" -c "$mistakes" --vmas 1000,2000 \
  --results-dir "$tmp/sweep"
located=$(echo "$out" | grep -cE "^$mistakes:[0-9]+:[0-9]+: ")
[ "$located" = 5 ] || fail "sweep: expected 5 FILE:LINE:COL errors, got $located"
expect_output "did you mean 'vmas'\?"
[ ! -e "$tmp/sweep" ] || fail "sweep: a results directory was created"
[ ! -e "$cache/kernels" ] || [ -z "$(ls -A "$cache/kernels")" ] || fail "sweep built a kernel"
[ ! -e "$cache/trees" ] || [ -z "$(ls -A "$cache/trees")" ] || fail "sweep made a tree"
expect_exit 0 "$kbench" sweep --cache-dir "$cache" --dry-run --results-dir "$tmp/sweep" \
  -c "$src/testdata/experiments/quick-override.yaml" --vmas 1000,2000 --boots 2
expect_output "^# experiment [0-9a-f]{64} "
expect_output "^# point vmas-1000: 2 boot\(s\) per variant, guest: .*vmas=1000"
expect_output "^# point vmas-2000: 2 boot\(s\) per variant, guest: .*vmas=2000"
[ ! -e "$tmp/sweep" ] || fail "sweep --dry-run created the results directory"
pgrep -f "qemu-system-x86_64 .*$tmp" >/dev/null && fail "a QEMU of this test is running"
echo "PASS"
