// The VM runner seam: boot a spec to the end and report every fact about how
// it ended; classify() (outcome.hpp) turns the facts into one outcome.
#pragma once

#include <kbench/vm/console_scanner.hpp>
#include <kbench/vm/phase_tracker.hpp>
#include <kbench/vm/vm_spec.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace kbench::vm {

// How the QEMU process ended.
struct QemuExit {
  int exit_code = -1;             // exit status, or -1 when killed by a signal
  int term_signal = 0;            // signal that ended it, or 0
  bool stopped_by_kbench = false; // kbench sent TERM/KILL (deadline, panic, interrupt)
};

// Everything known about one boot once QEMU is gone.
struct VmRun {
  // Facts the outcome is derived from.
  std::optional<Expiry> timeout;     // the deadline that ran out, if any
  int interrupt_signal = 0;          // SIGINT/SIGTERM seen while booting, or 0
  std::string infra_error;           // host-side failure (QEMU did not start, ...), or ""
  std::optional<QemuExit> qemu_exit; // nullopt when QEMU never started
  bool init_started = false;         // the results file became non-empty
  bool results_complete = false;     // the spec's predicate accepted the results
  bool killed_after_panic = false;   // QEMU outlived a panic by the grace period
  ConsoleScan console;

  // Files in the work directory.
  std::filesystem::path console_log;
  std::filesystem::path results_file;
  std::filesystem::path qemu_log; // QEMU's own stdout and stderr
  std::string qemu_output_tail;   // last lines of qemu_log, for error messages

  // What ran.
  Accelerator accelerator = Accelerator::tcg;
  Timing timing = Timing::wall;
  std::vector<std::string> argv;
  std::string qemu_version;
  PhaseTimings timings;
};

// Boots VMs. QemuRunner and LibvirtRunner are the real ones; test::FakeVmRunner
// (orchestrator/testsupport/) serves callers' tests.
class VmRunner {
public:
  virtual ~VmRunner() = default;

  // Boot `spec` until QEMU is gone and return what happened. Guest, QEMU and
  // deadline failures are facts in the VmRun, not exceptions; an interrupt
  // (SIGINT/SIGTERM) stops QEMU and is reported in VmRun::interrupt_signal.
  // Throw kbench::Error (invalid_config) for an inconsistent spec.
  virtual VmRun run(const VmSpec& spec) = 0;
};

} // namespace kbench::vm
