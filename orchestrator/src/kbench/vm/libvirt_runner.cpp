#include <kbench/util/error.hpp>
#include <kbench/util/fs.hpp>
#include <kbench/util/process.hpp>
#include <kbench/util/signals.hpp>
#include <kbench/vm/libvirt_connection.hpp>
#include <kbench/vm/libvirt_domain.hpp>
#include <kbench/vm/libvirt_events.hpp>
#include <kbench/vm/libvirt_runner.hpp>
#include <kbench/vm/libvirt_xml.hpp>
#include <kbench/vm/run_watch.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdint>
#include <thread>
#include <utility>

namespace kbench::vm {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

// Event loop iterations (poll intervals) to wait for the STOPPED event of a domain that is gone.
constexpr int k_stop_event_polls = 20;

// How long the console and results files must stay the same size after the
// domain stopped before kbench reads them for the last time: briefly when the
// results are complete, longer while they are not (virtlogd, which writes them,
// can lag by more than a second on a loaded host, and a run judged before it
// caught up ends BENCH_FAIL with "only the pending record"); and the most it waits.
constexpr auto k_settle_quiet = std::chrono::milliseconds(300);
constexpr auto k_settle_quiet_incomplete = std::chrono::seconds(2);
constexpr auto k_settle_max = std::chrono::seconds(10);

// Return the sizes of the console and results files (0 for a missing one).
std::pair<std::uintmax_t, std::uintmax_t> output_sizes(const VmRun& run) {
  std::error_code ec;
  const auto size = [&](const fs::path& p) {
    const auto n = fs::file_size(p, ec);
    return ec ? std::uintmax_t{ 0 } : n;
  };
  return { size(run.console_log), size(run.results_file) };
}

// Start paused (the lifecycle watch is registered before the guest runs) and
// let libvirt destroy the domain if kbench's connection closes (kbench crashed or was killed).
constexpr unsigned int k_create_flags = VIR_DOMAIN_START_PAUSED | VIR_DOMAIN_START_AUTODESTROY;

// Permissions of the console and results files kbench creates before the boot:
// libvirt opens them itself and appends (QEMU gets the descriptors), and a
// non-root kbench must still be able to read them back afterwards.
constexpr auto k_output_permissions =
  fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read;

// Permissions added to the work dir so the libvirt-qemu user can reach it.
constexpr auto k_work_dir_permissions = fs::perms::owner_all | fs::perms::group_read |
                                        fs::perms::group_exec | fs::perms::others_read |
                                        fs::perms::others_exec;

// Return true for a URI naming the local host (qemu:///system, qemu:///session).
bool is_local_uri(std::string_view uri) {
  const auto scheme_end = uri.find("://");
  return scheme_end != std::string_view::npos && uri.substr(scheme_end + 3).starts_with('/');
}

// Create `path` empty with k_output_permissions (libvirt appends to existing files).
void create_output_file(const fs::path& path) {
  std::error_code ec;
  fs::remove(path, ec);
  util::write_file_atomic(path, "");
  fs::permissions(path, k_output_permissions, fs::perm_options::replace, ec);
  if (ec) {
    throw Error(ExitCode::infra, fmt::format("cannot chmod {}: {}", path.string(), ec.message()));
  }
}

// Return the first directory from `dir` upwards that others cannot search
// (libvirt-qemu then cannot reach the staged kernel), or "".
fs::path unsearchable_ancestor(const fs::path& dir) {
  for (fs::path at = util::absolute(dir); !at.empty(); at = at.parent_path()) {
    std::error_code ec;
    const auto perms = fs::status(at, ec).permissions();
    if (!ec && (perms & fs::perms::others_exec) == fs::perms::none) {
      return at;
    }
    if (at == at.root_path()) {
      break;
    }
  }
  return {};
}

// Put `source` at `target` (a hard link, else a copy), readable by everyone.
void stage_boot_file(const fs::path& source, const fs::path& target) {
  if (!util::is_regular_file(source, "boot input")) {
    throw Error(ExitCode::infra, fmt::format("boot input missing: {}", source.string()));
  }
  std::error_code ec;
  fs::remove(target, ec);
  fs::create_hard_link(source, target, ec);
  if (ec) { // another filesystem: a copy
    util::copy_file(source, target, "boot input");
  }
  fs::permissions(target, fs::perms::others_read | fs::perms::group_read, fs::perm_options::add,
                  ec);
}

// Return `spec` booting copies of its kernel and initramfs in its work dir:
// QEMU opens them as libvirt-qemu, which may not reach the kernel cache.
VmSpec staged_spec(const VmSpec& spec) {
  if (spec.kernel.empty() || spec.initrd.empty() || spec.work_dir.empty()) {
    return spec; // domain_xml() rejects it
  }
  VmSpec staged = spec;
  staged.kernel = spec.work_dir / k_staged_kernel_name;
  staged.initrd = spec.work_dir / k_staged_initrd_name;
  return staged;
}

// Make the work dir reachable, stage the boot files, leave fresh empty output files and the XML.
void prepare_work_dir(const VmRun& run, const VmSpec& spec, const VmSpec& staged,
                      const std::string& xml) {
  util::create_directories(spec.work_dir);
  std::error_code ec;
  fs::permissions(spec.work_dir, k_work_dir_permissions, fs::perm_options::add, ec);
  if (const auto blocked = unsearchable_ancestor(spec.work_dir); !blocked.empty()) {
    spdlog::warn("vm: {} is not searchable by others: the libvirt-qemu user cannot open the "
                 "kernel in {} (use a --results-dir under e.g. /var/tmp; docs/libvirt.md)",
                 blocked.string(), spec.work_dir.string());
  }
  stage_boot_file(spec.kernel, staged.kernel);
  stage_boot_file(spec.initrd, staged.initrd);
  std::error_code ignored;
  fs::remove(run.qemu_log, ignored);
  create_output_file(run.console_log);
  create_output_file(run.results_file);
  util::write_file_atomic(spec.work_dir / k_domain_xml_name, xml);
}

// Return the STOPPED detail once the domain is gone (nullopt while it runs),
// pumping events briefly for the lifecycle event that names the reason.
std::optional<int> stop_detail(const LibvirtDomain& domain, const LifecycleWatch& lifecycle,
                               EventPump& pump) {
  if (const auto detail = lifecycle.stopped_detail()) {
    return detail;
  }
  const auto state = domain.state();
  if (state && *state != VIR_DOMAIN_SHUTOFF) {
    return std::nullopt;
  }
  for (int i = 0; i < k_stop_event_polls && !lifecycle.stopped_detail(); ++i) {
    pump.run_once();
  }
  if (!lifecycle.stopped_detail()) {
    spdlog::warn("vm: domain {} is gone without a lifecycle event; taking it as a guest shutdown",
                 domain.name());
  }
  return lifecycle.stopped_detail().value_or(VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN);
}

// The console, results and phase state of one watched boot.
struct BootWatch {
  BootWatch(const VmSpec& spec, const VmRun& run)
    : tracker(spec.deadlines, Clock::now()), console(run.console_log),
      results(run.results_file, spec.results_complete) {}

  // Read whatever the guest wrote since the last poll.
  void poll(Clock::time_point now) {
    scanner.feed(console.read_new());
    results.update(tracker, now);
  }

  // Read the rest and store the facts in `run`. libvirt hands file-backed
  // character devices to virtlogd, which may still be writing what the guest
  // wrote just before it stopped: wait until both files stop growing.
  void finish(VmRun& run) {
    settle(run);
    poll(Clock::now());
    scanner.finish();
    tracker.exited(Clock::now());
    run.console = scanner.scan();
    run.init_started = results.started();
    run.results_complete = results.complete();
    run.timings = tracker.timings(Clock::now());
  }

  // Poll until the console and results files were the same size for
  // k_settle_quiet (k_settle_quiet_incomplete while the results are
  // incomplete), or k_settle_max passed.
  void settle(const VmRun& run) {
    const auto give_up = Clock::now() + k_settle_max;
    auto sizes = output_sizes(run);
    auto quiet_since = Clock::now();
    while (Clock::now() < give_up) {
      poll(Clock::now());
      const auto quiet = results.complete() ? k_settle_quiet : k_settle_quiet_incomplete;
      if (Clock::now() - quiet_since >= quiet) {
        return;
      }
      std::this_thread::sleep_for(k_settle_quiet / 5);
      if (const auto now_sizes = output_sizes(run); now_sizes != sizes) {
        sizes = now_sizes;
        quiet_since = Clock::now();
      }
    }
  }

  PhaseTracker tracker;
  FileTail console;
  ConsoleScanner scanner;
  ResultsWatch results;
  std::optional<Clock::time_point> panic_seen;
};

} // namespace

LibvirtRunner::LibvirtRunner(LibvirtRunnerOptions options) : m_options(std::move(options)) {}

LibvirtRunner::~LibvirtRunner() = default;

VmRun LibvirtRunner::run(const VmSpec& spec) {
  VmRun run = prepare(spec);
  const std::string name = domain_name(m_options.run_id, spec.work_dir);
  const VmSpec staged = staged_spec(spec);
  const std::string xml = domain_xml(staged, name);
  if (const int sig = util::interrupt_signal(); sig != 0) {
    run.interrupt_signal = sig;
    return run;
  }
  try {
    run.qemu_version = connection().hypervisor_version();
    prepare_work_dir(run, spec, staged, xml);
    boot(spec, xml, run);
  } catch (const Error& error) {
    run.infra_error = error.what();
  }
  collect_qemu_log(name, run);
  return run;
}

VmRun LibvirtRunner::prepare(const VmSpec& spec) const {
  VmRun run;
  run.accelerator = spec.accelerator;
  run.timing = spec.timing;
  run.console_log = spec.work_dir / k_console_log_name;
  run.results_file = spec.work_dir / k_results_file_name;
  run.qemu_log = spec.work_dir / k_qemu_log_name;
  run.argv = { "virsh", "-c", m_options.uri, "create",
               (spec.work_dir / k_domain_xml_name).string() };
  return run;
}

const LibvirtConnection& LibvirtRunner::connection() {
  if (!m_connection) {
    m_connection = std::make_unique<LibvirtConnection>(LibvirtConnection::open(m_options.uri));
  }
  return *m_connection;
}

void LibvirtRunner::boot(const VmSpec& spec, const std::string& xml, VmRun& run) {
  LibvirtDomain domain = LibvirtDomain::create_transient(connection(), xml, k_create_flags);
  spdlog::debug("vm: libvirt domain {} created on {}", domain.name(), m_options.uri);
  watch(domain, spec, run);
} // ~LibvirtDomain destroys the domain if it is still there, also on exceptions

void LibvirtRunner::watch(LibvirtDomain& domain, const VmSpec& spec, VmRun& run) {
  LifecycleWatch lifecycle(connection(), domain);
  EventPump pump(m_options.poll_interval);
  domain.resume();
  BootWatch boot(spec, run);
  const auto stop = [&](const std::string& why) {
    spdlog::debug("vm: destroying libvirt domain {}: {}", domain.name(), why);
    domain.destroy();
    run.qemu_exit = QemuExit{ -1, SIGTERM, true };
  };
  while (true) {
    const auto now = Clock::now();
    const auto stopped = stop_detail(domain, lifecycle, pump);
    boot.poll(now);
    if (stopped) {
      run.qemu_exit = exit_from_stop(*stopped, false);
      if (*stopped != VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN) {
        run.qemu_output_tail = describe_stop(*stopped);
      }
      break;
    }
    if (const int sig = util::interrupt_signal(); sig != 0) {
      run.interrupt_signal = sig;
      stop("interrupted");
      break;
    }
    if (const auto expiry = boot.tracker.expired(now)) {
      run.timeout = expiry;
      stop(describe(*expiry));
      break;
    }
    if (!boot.panic_seen && boot.scanner.scan().has(ConsoleEvent::panic)) {
      boot.panic_seen = now;
    }
    if (boot.panic_seen && now - *boot.panic_seen >= m_options.panic_grace) {
      run.killed_after_panic = true;
      stop("still running after a kernel panic");
      break;
    }
    pump.run_once();
  }
  boot.finish(run);
}

void LibvirtRunner::collect_qemu_log(const std::string& name, VmRun& run) const {
  if (!is_local_uri(m_options.uri)) {
    return;
  }
  // A diagnostic extra: libvirt's log may be missing or unreadable (not root); the boot's
  // outcome does not depend on it.
  try {
    const auto log =
      util::read_file_if_exists(m_options.qemu_log_dir / (name + ".log"), "libvirt's QEMU log");
    if (!log || log->empty()) {
      return;
    }
    util::write_file_atomic(run.qemu_log, *log);
    const std::string tail = output_tail(*log);
    run.qemu_output_tail =
      run.qemu_output_tail.empty() ? tail : fmt::format("{}: {}", run.qemu_output_tail, tail);
  } catch (const Error& error) {
    spdlog::debug("vm: cannot copy libvirt's QEMU log: {}", error.what());
  }
}

} // namespace kbench::vm
