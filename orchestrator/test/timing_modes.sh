#!/usr/bin/env bash
# Integration: the two timing modes (docs/timing.md). A one-boot quick A/B in
# wall-clock time (--timing wall) and one in virtual time (the default under
# TCG); each records its mode; kbench compare, kbench merge and kbench ci
# --reference refuse to put one of each together, exit 3, naming both modes;
# --timing virtual with --accel kvm is refused before anything is built.
# Usage: timing_modes.sh KBENCH CACHE_DIR
. "$(dirname "$0")/common.sh"
kbench=$1
cache=$2
wall=$cache/timing-wall
virt=$cache/timing-virtual
rm -rf "$wall" "$virt"

expect_exit 0 "$kbench" ab --cache-dir "$cache" --scenario quick --boots 1 --accel tcg \
  --timing wall --results-dir "$wall"
expect_output '^wall-clock time: the host'"'"'s clock; not comparable with virtual-time runs$'
expect_exit 0 "$kbench" ab --cache-dir "$cache" --scenario quick --boots 1 --accel tcg \
  --results-dir "$virt"
expect_output '^virtual time: instructions executed'

python3 - "$wall/results.json" "$virt/results.json" <<'PY' || fail "timing modes not recorded"
import json, sys
wall, virt = (json.load(open(p)) for p in sys.argv[1:3])
assert wall["environment"]["timing"] == "wall", wall["environment"]
assert virt["environment"]["timing"] == "virtual", virt["environment"]
assert all(r["timing"] == "wall" for r in wall["runs"])
assert all(r["timing"] == "virtual" for r in virt["runs"])
assert all("-icount" not in r["qemu_argv"] for r in wall["runs"])
assert all(r["qemu_argv"][r["qemu_argv"].index("-icount") + 1] == "shift=0,sleep=off,align=off"
           for r in virt["runs"])
PY

expect_exit 3 "$kbench" compare "$wall/results.json" "$virt/results.json"
expect_output 'different timing modes'
expect_output 'wall-clock time'
expect_output 'virtual time'
expect_exit 3 "$kbench" merge -o "$cache/timing-merged" "$wall/results.json" "$virt/results.json"
expect_output 'different timing modes \(environment.timing: wall vs virtual\)'
expect_exit 3 "$kbench" ci --results "$virt" --reference "$wall/results.json"
expect_output 'different timing modes'
expect_exit 3 "$kbench" ab --cache-dir "$cache" --scenario quick --accel kvm --timing virtual \
  --dry-run
expect_output "'vm.timing' \"virtual\" contradicts 'vm.accelerator' \"kvm\""
echo "PASS"
