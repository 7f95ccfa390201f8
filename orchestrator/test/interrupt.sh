#!/usr/bin/env bash
# Integration: Ctrl-C / SIGTERM stop kbench cleanly. During a boot: exit 130,
# the results directory stays marked INCOMPLETE, the QEMU process is gone.
# During a kernel build: exit 143 and nothing is left of make's process group.
# Usage: interrupt.sh KBENCH CACHE_DIR SOURCE_DIR
. "$(dirname "$0")/common.sh"
kbench=$1
cache=$2
src=$3
scratch=$(mktemp -d)
pid=
trap '[ -z "$pid" ] || kill -TERM "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$scratch"' EXIT

# 1. SIGINT while QEMU runs.
results=$scratch/ab
"$kbench" ab --cache-dir "$cache" --scenario quick --results-dir "$results" >"$scratch/ab.log" 2>&1 &
pid=$!
qemu=$(wait_child "$pid" "qemu-system-x86_64 .*kbench.mode=bench") || { cat "$scratch/ab.log"; fail "no qemu child appeared"; }
sleep 1
kill -INT "$pid"
wait "$pid"
rc=$?
pid=
tail -n 5 "$scratch/ab.log"
[ "$rc" = 130 ] || fail "kbench ab exited $rc after SIGINT, expected 130"
[ -e "$results/INCOMPLETE" ] || fail "results directory not marked INCOMPLETE"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["complete"] is False' \
  "$results/results.json" 2>/dev/null || [ ! -e "$results/results.json" ] || fail "results.json claims to be complete"
if kill -0 "$qemu" 2>/dev/null; then fail "qemu (pid $qemu) still running after SIGINT"; fi
echo "ab: exit 130, INCOMPLETE kept, qemu $qemu gone"

# 2. SIGTERM while make runs (a config change forces a rebuild).
printf 'CONFIG_LOG_BUF_SHIFT=16\n' >"$scratch/extra.config"
"$kbench" build --cache-dir "$cache" --config "$src/kernel-configs/base.config" \
  --config "$src/kernel-configs/bench.config" --config "$scratch/extra.config" >"$scratch/build.log" 2>&1 &
pid=$!
make_pid=$(wait_child "$pid" "make -C ") || { cat "$scratch/build.log"; fail "no make child appeared"; }
sleep 2
kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
tail -n 3 "$scratch/build.log"
[ "$rc" = 143 ] || fail "kbench build exited $rc after SIGTERM, expected 143"
# Nothing of make's process group may still run (zombies waiting for init to
# reap them do not run; allow them a few seconds to go).
for i in $(seq 1 50); do
  left=$(ps -o pid=,stat= -g "$make_pid" | awk '$2 !~ /^Z/ {print $1}')
  [ -n "$left" ] || break
  sleep 0.1
done
[ -z "$left" ] || fail "processes of make's group $make_pid still running: $left"
echo "build: exit 143, make's process group $make_pid empty"
echo "PASS"
