#!/usr/bin/env bash
# Integration: SIGKILL of kbench during a boot (no handler runs, no destructor)
# leaves no QEMU behind: QEMU dies with its parent (PR_SET_PDEATHSIG), so no
# qemu-system process started by that kbench remains 2 s later.
# Usage: sigkill.sh KBENCH CACHE_DIR
. "$(dirname "$0")/common.sh"
kbench=$1
cache=$2
scratch=$(mktemp -d)
pid=
trap '[ -z "$pid" ] || kill -KILL "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$scratch"' EXIT

# qemu_of_run: the pids of qemu-system processes booting from this run's directory.
qemu_of_run() { pgrep -f "qemu-system-x86_64 .*$scratch/ab" || true; }

"$kbench" ab --cache-dir "$cache" --scenario quick --results-dir "$scratch/ab" >"$scratch/ab.log" 2>&1 &
pid=$!
qemu=$(wait_child "$pid" "qemu-system-x86_64 .*kbench.mode=bench") || { cat "$scratch/ab.log"; fail "no qemu child appeared"; }
sleep 1
kill -KILL "$pid"
wait "$pid" 2>/dev/null
rc=$?
pid=
[ "$rc" = 137 ] || fail "kbench exited $rc, expected 137 (SIGKILL)"
sleep 2
left=$(ps -o pid=,stat= -p "$qemu" | awk '$2 !~ /^Z/ {print $1}')
[ -z "$left" ] || fail "qemu (pid $qemu) still running 2 s after SIGKILL of kbench"
others=$(qemu_of_run)
[ -z "$others" ] || fail "qemu-system processes of this run still running: $others"
echo "ab: kbench SIGKILLed mid-boot, qemu $qemu gone within 2 s, no qemu-system of the run left"
echo "PASS"
