#include <kbench/util/error.hpp>
#include <kbench/vm/kvm_probe.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace kbench::vm {

namespace {

std::string seconds(std::chrono::milliseconds duration) {
  return fmt::format("{:.1f} s", static_cast<double>(duration.count()) / 1000.0);
}

std::string qemu_exit_problem(const VmRun& run) {
  const auto& exit = *run.qemu_exit;
  std::string how = exit.term_signal != 0 ? fmt::format("was killed by signal {}", exit.term_signal)
                                          : fmt::format("exited with status {}", exit.exit_code);
  std::string problem = "qemu " + how;
  if (!run.qemu_output_tail.empty()) {
    problem += ": " + run.qemu_output_tail;
  }
  return problem;
}

AcceleratorDecision fall_back_to_tcg(const std::string& why) {
  spdlog::warn("KVM unusable, falling back to TCG (guests run 10-100x slower; their timings are "
               "not comparable with KVM runs): {}",
               why);
  return { Accelerator::tcg, why };
}

// Return "" when a KVM probe boot of `spec` works, else why not.
std::string run_probe(const VmSpec& spec, VmRunner& runner, const ProbeOptions& options) {
  if (auto problem = kvm_device_problem(options.kvm_device); !problem.empty()) {
    return problem;
  }
  spdlog::info("probing KVM with a {} boot of {}", seconds(options.deadline), spec.kernel.string());
  const auto start = std::chrono::steady_clock::now();
  const VmRun run = runner.run(probe_spec(spec, options));
  if (run.interrupt_signal != 0) {
    throw Interrupted(run.interrupt_signal);
  }
  if (auto problem = probe_failure(run); !problem.empty()) {
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
    return fmt::format("KVM probe failed after {}: {}", seconds(took), problem);
  }
  return "";
}

} // namespace

std::string kvm_device_problem(const std::filesystem::path& device) {
  const int fd = ::open(device.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    return fmt::format("{}: cannot open read-write: {}", device.string(), std::strerror(errno));
  }
  ::close(fd);
  return "";
}

std::string probe_failure(const VmRun& run) {
  if (!run.infra_error.empty()) {
    return run.infra_error;
  }
  if (run.timeout) {
    return fmt::format("probe timed out after {} ({} phase)", seconds(run.timeout->limit),
                       to_string(run.timeout->phase));
  }
  if (!run.qemu_exit) {
    return "QEMU never started";
  }
  if (run.qemu_exit->stopped_by_kbench || run.qemu_exit->exit_code != 0) {
    return qemu_exit_problem(run);
  }
  if (const auto fatal = run.console.first_fatal()) {
    return fmt::format("guest kernel {}: {}", to_string(fatal->event), fatal->line);
  }
  if (!run.results_complete) {
    return "no probe record on the results channel";
  }
  return "";
}

VmSpec probe_spec(const VmSpec& spec, const ProbeOptions& options) {
  VmSpec probe = spec;
  probe.accelerator = Accelerator::kvm;
  probe.extra_cmdline = options.probe_cmdline;
  probe.work_dir = spec.work_dir / "kvm-probe";
  probe.deadlines.boot = std::chrono::milliseconds(0); // the overall deadline bounds every phase
  probe.deadlines.run = std::chrono::milliseconds(0);
  probe.deadlines.shutdown = std::chrono::milliseconds(0);
  probe.deadlines.overall = options.deadline;
  return probe;
}

AcceleratorDecision decide_accelerator(AcceleratorPolicy policy, const VmSpec& spec,
                                       VmRunner& runner, const ProbeOptions& options) {
  if (policy == AcceleratorPolicy::tcg) {
    return { Accelerator::tcg, "forced by --accel tcg" };
  }
  const auto start = std::chrono::steady_clock::now();
  const std::string problem = run_probe(spec, runner, options);
  if (problem.empty()) {
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
    spdlog::info("KVM works: probe boot succeeded in {}", seconds(took));
    return { Accelerator::kvm, fmt::format("KVM probe boot succeeded in {}", seconds(took)) };
  }
  if (policy == AcceleratorPolicy::kvm) {
    throw Error(ExitCode::infra, fmt::format("--accel kvm, but KVM does not work: {}", problem));
  }
  return fall_back_to_tcg(problem);
}

} // namespace kbench::vm
