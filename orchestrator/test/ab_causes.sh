#!/usr/bin/env bash
# Integration: a run whose every boot fails for one cause exits by that cause
# with it as the last error line, and renders its reports without the plots
# that cannot be drawn (no gnuplot error): QEMU missing from PATH -> every boot
# INFRA_ERROR, exit 11.
# Usage: ab_causes.sh KBENCH CACHE_DIR
. "$(dirname "$0")/common.sh"
kbench=$1
cache=$2
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# A PATH with every program of this machine but QEMU.
mkdir -p "$scratch/bin"
for dir in /usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin; do
  for prog in "$dir"/*; do
    name=$(basename "$prog")
    case "$name" in qemu-system-*) continue ;; esac
    [ -e "$scratch/bin/$name" ] || ln -s "$prog" "$scratch/bin/$name"
  done
done
PATH=$scratch/bin command -v qemu-system-x86_64 >/dev/null && fail "qemu is still in the PATH"

results=$scratch/ab
PATH=$scratch/bin "$kbench" ab --cache-dir "$cache" --scenario quick --boots 1 --accel tcg \
  --results-dir "$results" >"$scratch/out" 2>"$scratch/err"
rc=$?
tail -n 5 "$scratch/err"
[ "$rc" = 11 ] || fail "expected exit 11 (infra), got $rc"
last=$(tail -n 1 "$scratch/err")
echo "$last" | grep -Eq '^kbench: error: baseline boot 0: INFRA_ERROR: cannot start QEMU: .*qemu-system-x86_64.*\(exit 11 infra\)$' ||
  fail "the last error line is not the cause: $last"
! grep -qi gnuplot "$scratch/err" || fail "a gnuplot message: $(grep -i gnuplot "$scratch/err")"
grep -q "No plot: no boot of either side ended OK" "$results/report.md" || fail "report.md has no note on its plots"
[ ! -e "$results/plots/distribution.gp" ] || fail "a plot script was written for nothing to draw"
echo "PASS"
