# Helpers for the libvirt integration tests (sourced after common.sh): a real
# libvirtd on qemu:///system, started by scripts/libvirt-setup when it does
# not answer yet, and the check that no kbench domain was left behind.
libvirt_uri=qemu:///system

# require_libvirtd SOURCE_DIR: make qemu:///system answer or skip (125) saying why.
require_libvirtd() {
  local src=$1
  command -v virsh >/dev/null || [ "$(id -u)" = 0 ] ||
    skip "virsh missing and not root: run scripts/libvirt-setup as root"
  if ! timeout 20 virsh -c "$libvirt_uri" capabilities >/dev/null 2>&1; then
    [ "$(id -u)" = 0 ] || skip "libvirtd does not answer on $libvirt_uri and only root can start it (scripts/libvirt-setup)"
    "$src/scripts/libvirt-setup" >&2 || skip "libvirtd cannot be started here (scripts/libvirt-setup failed, see above)"
  fi
  timeout 20 virsh -c "$libvirt_uri" capabilities >/dev/null 2>&1 ||
    skip "libvirtd does not answer on $libvirt_uri even after scripts/libvirt-setup"
}

# kbench_domains PREFIX: print the libvirt domains (any state) whose name starts with PREFIX.
kbench_domains() {
  virsh -c "$libvirt_uri" list --all --name | grep -E "^$1" || true
}

# expect_no_domains PREFIX: fail when a domain named PREFIX* exists.
expect_no_domains() {
  local left
  left=$(kbench_domains "$1")
  echo "+ virsh -c $libvirt_uri list --all --name | grep ^$1: '${left}'" >&2
  [ -z "$left" ] || fail "libvirt domains left behind: $left"
}

# results_root CACHE_DIR: print where the tests put their results directories:
# CACHE_DIR when the libvirt-qemu user can reach it (every directory on the
# way searchable by others), else /var/tmp/kbench-libvirt-tests, because QEMU
# opens the kernel staged in each boot's work dir as libvirt-qemu (docs/libvirt.md).
results_root() {
  local dir
  mkdir -p "$1"
  dir=$(cd "$1" && pwd)
  while [ "$dir" != / ]; do
    if [ $((0$(stat -c '%a' "$dir") & 01)) = 0 ]; then
      mkdir -p /var/tmp/kbench-libvirt-tests
      chmod 0755 /var/tmp/kbench-libvirt-tests
      echo "note: $dir is not searchable by others: results go to /var/tmp/kbench-libvirt-tests" >&2
      echo /var/tmp/kbench-libvirt-tests
      return
    fi
    dir=$(dirname "$dir")
  done
  cd "$1" && pwd
}

# start_virtlogd_stalls: stop virtlogd (SIGSTOP) for 1.5 s out of every 1.8 s in
# the background, so the pipes from QEMU to virtlogd fill up and QEMU throttles
# the guest's console and results port, as on a loaded host (the boot then
# loses the results unless init's drain barrier holds it, docs/libvirt.md).
# stop_virtlogd_stalls ends that, leaves virtlogd running and prints the number
# of stalls. Root only (skips when virtlogd is not found).
start_virtlogd_stalls() {
  pgrep -x virtlogd >/dev/null || skip "virtlogd is not running: cannot stall it"
  stall_count_file=$(mktemp)
  (
    trap 'pkill -CONT -x virtlogd; echo "$n" >"$stall_count_file"; exit 0' TERM
    n=0
    while :; do
      pkill -STOP -x virtlogd && n=$((n + 1))
      sleep 1.5
      pkill -CONT -x virtlogd
      sleep 0.3
    done
  ) &
  stall_pid=$!
  trap 'kill "$stall_pid" 2>/dev/null; pkill -CONT -x virtlogd' EXIT
}

stop_virtlogd_stalls() {
  kill "$stall_pid"
  wait "$stall_pid" || true
  pkill -CONT -x virtlogd || true
  trap - EXIT
  stalls=$(cat "$stall_count_file")
  rm -f "$stall_count_file"
  echo "+ virtlogd was stopped $stalls times for 1.5 s during the run" >&2
}
