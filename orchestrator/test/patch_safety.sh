#!/usr/bin/env bash
# Integration: a patch never touches a file outside the kernel tree. A patch
# naming an absolute path, a path with '..', or a file of the tree that is a
# symlink leading outside it, is refused with exit 5 (naming the patch), and
# the file outside keeps its mode, content and inode; the symlink stays one.
# Usage: patch_safety.sh KBENCH
. "$(dirname "$0")/common.sh"
kbench=$1
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

outside=$scratch/outside
mkdir -p "$outside" "$scratch/tree/arch/x86" "$scratch/tree/mm"
echo S >"$outside/secret"
chmod 600 "$outside/secret"
touch "$scratch/tree/Kconfig" "$scratch/tree/arch/x86/Kconfig"
# A kernel version: the series ports and the config fragments are chosen by it.
printf 'VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 0\n' >"$scratch/tree/Makefile"
ln -s ../../outside/secret "$scratch/tree/mm/ksm.c"
identity() { stat -c '%a %i %s %F' "$1"; sha256sum <"$1"; }
before=$(identity "$outside/secret")

# try NAME OLD NEW: a series whose one patch changes OLD into NEW must be refused (exit 5).
try() {
  local dir=$scratch/$1
  mkdir -p "$dir"
  printf 'Subject: [PATCH] %s\n\n--- %s\n+++ %s\n@@ -1 +1 @@\n-S\n+P\n' "$1" "$2" "$3" >"$dir/1.patch"
  expect_exit 5 "$kbench" build --cache-dir "$scratch/cache" --source "$scratch/tree" \
    --no-measurement-patches --patches "$dir"
  expect_output "$dir/1.patch"
  [ "$(identity "$outside/secret")" = "$before" ] || fail "$1: $outside/secret changed"
  [ -L "$scratch/tree/mm/ksm.c" ] || fail "$1: the tree's symlink was replaced"
  echo "$1: exit 5, $outside/secret kept ($(stat -c '%a inode %i' "$outside/secret"))"
}
try absolute "$outside/secret" "$outside/secret"
try dotdot a/../outside/secret b/../outside/secret
try symlink a/mm/ksm.c b/mm/ksm.c
echo "PASS"
