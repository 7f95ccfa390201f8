#include <kbench/util/error.hpp>
#include <kbench/util/fs.hpp>
#include <kbench/util/process.hpp>
#include <kbench/util/signals.hpp>
#include <kbench/vm/qemu_command.hpp>
#include <kbench/vm/qemu_runner.hpp>
#include <kbench/vm/run_watch.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <thread>

namespace kbench::vm {

namespace {

using Clock = std::chrono::steady_clock;

QemuExit exit_from(const util::CommandResult& result, bool stopped_by_kbench) {
  return QemuExit{ result.exit_code, result.term_signal, stopped_by_kbench };
}

void reset_file(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::remove(path, ec);
  if (ec) {
    throw Error(ExitCode::infra, fmt::format("cannot remove {}: {}", path.string(), ec.message()));
  }
}

// Check the boot inputs and leave the work directory without stale output files.
void reset_work_dir(const VmRun& run, const VmSpec& spec) {
  for (const auto& path : { spec.kernel, spec.initrd }) {
    if (!util::is_regular_file(path, "boot input")) {
      throw Error(ExitCode::infra, fmt::format("boot input missing: {}", path.string()));
    }
  }
  util::create_directories(spec.work_dir);
  for (const auto& path : { run.console_log, run.results_file, run.qemu_log }) {
    reset_file(path);
  }
}

} // namespace

QemuRunner::QemuRunner(util::ProcessRunner& processes, QemuRunnerOptions options)
  : m_processes(processes), m_options(options) {}

VmRun QemuRunner::run(const VmSpec& spec) {
  VmRun run = prepare(spec);
  if (const int sig = util::interrupt_signal(); sig != 0) {
    run.interrupt_signal = sig;
    return run;
  }
  try {
    run.qemu_version = qemu_version(spec.qemu_binary);
    reset_work_dir(run, spec);
  } catch (const Interrupted& interrupted) {
    run.interrupt_signal = interrupted.signal_number();
    return run;
  } catch (const Error& error) {
    run.infra_error = error.what();
    return run;
  }
  util::Command command;
  command.argv = run.argv;
  command.log_file = run.qemu_log;
  command.kill_grace = m_options.kill_grace;
  command.parent_death_signal = SIGKILL; // a guest nobody watches measures nothing
  spdlog::debug("vm: {}", util::format_argv(run.argv));
  std::unique_ptr<util::Process> process;
  try {
    process = m_processes.start(command);
  } catch (const Error& error) {
    run.infra_error = fmt::format("cannot start QEMU: {}", error.what());
    return run;
  }
  watch(*process, spec, run);
  run.qemu_output_tail =
    output_tail(util::read_file_if_exists(run.qemu_log, "QEMU's log").value_or(""));
  return run;
}

VmRun QemuRunner::prepare(const VmSpec& spec) {
  VmRun run;
  run.argv = qemu_argv(spec);
  run.accelerator = spec.accelerator;
  run.timing = spec.timing;
  run.console_log = spec.work_dir / k_console_log_name;
  run.results_file = spec.work_dir / k_results_file_name;
  run.qemu_log = spec.work_dir / k_qemu_log_name;
  return run;
}

void QemuRunner::watch(util::Process& process, const VmSpec& spec, VmRun& run) {
  const auto start = Clock::now();
  PhaseTracker tracker(spec.deadlines, start);
  FileTail console(run.console_log);
  ConsoleScanner scanner;
  ResultsWatch results(run.results_file, spec.results_complete);
  std::optional<Clock::time_point> panic_seen;
  const auto stop = [&](const char* why) {
    spdlog::debug("vm: stopping QEMU (pid {}): {}", process.pid(), why);
    run.qemu_exit = exit_from(process.terminate(m_options.kill_grace), true);
  };
  while (true) {
    const auto now = Clock::now();
    const auto exited = process.poll();
    scanner.feed(console.read_new());
    results.update(tracker, now);
    if (exited) {
      run.qemu_exit = exit_from(*exited, false);
      break;
    }
    if (const int sig = util::interrupt_signal(); sig != 0) {
      run.interrupt_signal = sig;
      stop("interrupted");
      break;
    }
    if (const auto expiry = tracker.expired(now)) {
      run.timeout = expiry;
      stop(describe(*expiry).c_str());
      break;
    }
    if (!panic_seen && scanner.scan().has(ConsoleEvent::panic)) {
      panic_seen = now;
    }
    if (panic_seen && now - *panic_seen >= m_options.panic_grace) {
      run.killed_after_panic = true;
      stop("still running after a kernel panic");
      break;
    }
    std::this_thread::sleep_for(m_options.poll_interval);
  }
  scanner.feed(console.read_new());
  scanner.finish();
  results.update(tracker, Clock::now());
  tracker.exited(Clock::now());
  run.console = scanner.scan();
  run.init_started = results.started();
  run.results_complete = results.complete();
  run.timings = tracker.timings(Clock::now());
}

const std::string& QemuRunner::qemu_version(const std::string& binary) {
  auto found = m_versions.find(binary);
  if (found == m_versions.end()) {
    found = m_versions.emplace(binary, query_qemu_version(m_processes, binary)).first;
  }
  return found->second;
}

} // namespace kbench::vm
