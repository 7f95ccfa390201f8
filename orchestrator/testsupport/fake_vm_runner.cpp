#include "fake_vm_runner.hpp"

#include <kbench/util/fs.hpp>
#include <kbench/vm/console_scanner.hpp>
#include <kbench/vm/qemu_command.hpp>

namespace kbench::test {

VmRun FakeVmRunner::run(const VmSpec& spec) {
  m_specs.push_back(spec);
  FakeBoot boot;
  if (!m_boots.empty()) {
    boot = std::move(m_boots.front());
    m_boots.pop_front();
  }
  VmRun run;
  run.argv = vm::qemu_argv(spec);
  run.accelerator = spec.accelerator;
  run.timing = spec.timing;
  run.qemu_version = "fake";
  run.console_log = spec.work_dir / vm::k_console_log_name;
  run.results_file = spec.work_dir / vm::k_results_file_name;
  run.qemu_log = spec.work_dir / vm::k_qemu_log_name;
  util::create_directories(spec.work_dir);
  util::write_file_atomic(run.console_log, boot.console);
  util::write_file_atomic(run.results_file, boot.results);
  util::write_file_atomic(run.qemu_log, boot.qemu_output_tail);
  run.console = vm::scan_console(boot.console);
  run.init_started = !boot.results.empty();
  run.results_complete = spec.results_complete && spec.results_complete(boot.results);
  run.timeout = boot.timeout;
  run.interrupt_signal = boot.interrupt_signal;
  run.infra_error = boot.infra_error;
  if (boot.infra_error.empty()) {
    run.qemu_exit = boot.qemu_exit;
  }
  run.qemu_output_tail = boot.qemu_output_tail;
  run.timings = boot.timings;
  return run;
}

} // namespace kbench::test
