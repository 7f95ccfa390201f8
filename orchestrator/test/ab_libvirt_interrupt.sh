#!/usr/bin/env bash
# Integration: through the libvirt backend, Ctrl-C during a boot ends kbench
# with exit 130 and destroys the running domain; SIGKILL (no cleanup code
# runs at all) still leaves no domain, because kbench starts its domains with
# VIR_DOMAIN_START_AUTODESTROY and libvirt destroys them when the connection drops.
# Usage: ab_libvirt_interrupt.sh KBENCH CACHE_DIR SOURCE_DIR
. "$(dirname "$0")/common.sh"
. "$(dirname "$0")/libvirt_common.sh"
kbench=$1
cache=$2
src=$3
require_libvirtd "$src"
pid=
trap '[ -z "$pid" ] || kill -KILL "$pid" 2>/dev/null; wait 2>/dev/null' EXIT

# wait_domain PREFIX PID: wait (120 s) until a running domain named PREFIX* exists.
wait_domain() {
  local i
  for i in $(seq 1 1200); do
    [ -n "$(virsh -c "$libvirt_uri" list --state-running --name | grep -E "^$1")" ] && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# wait_no_domains PREFIX: wait (10 s) until no domain named PREFIX* is left.
wait_no_domains() {
  local i
  for i in $(seq 1 100); do
    [ -z "$(kbench_domains "$1")" ] && return 0
    sleep 0.1
  done
  return 1
}

for sig in INT KILL; do
  name=ab-libvirt-sig$sig
  results=$(results_root "$cache")/$name
  rm -rf "$results"
  "$kbench" ab --cache-dir "$cache" --scenario quick --accel tcg --results-dir "$results" \
    --backend libvirt >"$results.log" 2>&1 &
  pid=$!
  wait_domain "kbench-$name-" "$pid" || { cat "$results.log"; fail "no running kbench-$name-* domain appeared"; }
  domains=$(kbench_domains "kbench-$name-")
  sleep 1
  kill -"$sig" "$pid"
  wait "$pid"
  rc=$?
  pid=
  tail -n 3 "$results.log"
  if [ "$sig" = INT ]; then
    [ "$rc" = 130 ] || fail "kbench ab exited $rc after SIGINT, expected 130"
    [ -e "$results/INCOMPLETE" ] || fail "results directory not marked INCOMPLETE"
    expect_no_domains "kbench-$name-" # destroyed before kbench exited
  else
    [ "$rc" = 137 ] || fail "kbench ab exited $rc after SIGKILL, expected 137"
    wait_no_domains "kbench-$name-" || fail "libvirt did not auto-destroy $(kbench_domains "kbench-$name-")"
  fi
  echo "SIG$sig: exit $rc, domain $domains gone"
done
echo "PASS"
