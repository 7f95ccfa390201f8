// The real VM runner: QEMU started through the process seam, watched by a
// poll loop (console tail, results channel, deadlines, interrupts).
#pragma once

#include <kbench/vm/vm_runner.hpp>

#include <chrono>
#include <map>
#include <string>

namespace kbench::util {
class Process;
class ProcessRunner;
} // namespace kbench::util

namespace kbench::vm {

// Timing knobs of the watch loop (tests shorten them).
struct QemuRunnerOptions {
  // How often the loop polls QEMU, the console, the results and the interrupt flag.
  std::chrono::milliseconds poll_interval{ 50 };
  // How long QEMU may live after "Kernel panic" before kbench stops it.
  std::chrono::milliseconds panic_grace{ std::chrono::seconds(3) };
  // Grace between SIGTERM and SIGKILL when kbench stops QEMU.
  std::chrono::milliseconds kill_grace{ std::chrono::seconds(3) };
};

// Boots guests with qemu-system-x86_64 (argv from qemu_argv(), never a shell).
class QemuRunner final : public VmRunner {
public:
  // Use `processes` to start QEMU; it must outlive this runner.
  explicit QemuRunner(util::ProcessRunner& processes, QemuRunnerOptions options = {});

  // Boot `spec` until QEMU is gone; see VmRunner::run.
  VmRun run(const VmSpec& spec) override;

private:
  VmRun prepare(const VmSpec& spec);
  void watch(util::Process& process, const VmSpec& spec, VmRun& run);
  const std::string& qemu_version(const std::string& binary);

  util::ProcessRunner& m_processes;
  QemuRunnerOptions m_options;
  std::map<std::string, std::string> m_versions;
};

} // namespace kbench::vm
