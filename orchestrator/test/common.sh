# Helpers for kbench's integration tests (sourced). Each test script gets
# the kbench binary and a scratch directory; it exits 0 on success, 1 on
# failure and 125 to be reported as skipped.
set -uo pipefail

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

skip() {
  echo "SKIP: $*" >&2
  exit 125
}

# expect_exit CODE CMD...: run CMD, capture its output in $out, check its exit code.
expect_exit() {
  local want=$1
  shift
  echo "+ $*" >&2
  out=$("$@" 2>&1)
  local got=$?
  echo "$out" | tail -n 20 >&2
  [ "$got" = "$want" ] || fail "expected exit $want, got $got: $*"
}

# expect_output PATTERN: the last command's output matches the extended regex PATTERN.
expect_output() {
  echo "$out" | grep -Eq -- "$1" || fail "output does not match /$1/"
}

# wait_child PID PATTERN: print the pid of PID's child process whose command
# line matches PATTERN (within 120 s).
wait_child() {
  local i
  for i in $(seq 1 1200); do
    local c
    c=$(pgrep -P "$1" -f "$2" | head -n 1)
    if [ -n "$c" ]; then echo "$c"; return 0; fi
    kill -0 "$1" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
