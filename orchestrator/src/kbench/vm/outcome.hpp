// Classification of a finished boot into exactly one outcome.
#pragma once

#include <kbench/util/error.hpp>
#include <kbench/vm/vm_runner.hpp>

#include <string>
#include <string_view>

namespace kbench::vm {

// How one boot ended, from the user's point of view.
enum class Outcome {
  ok,               // the guest reported complete, correct results
  correctness_fail, // the guest's correctness check failed
  bench_fail,       // the benchmark failed or QEMU ended without complete results
  panic,            // the kernel panicked, oopsed, hit BUG or soft-locked up
  boot_timeout,     // init did not start within the boot deadline
  run_timeout,      // the results were not complete within the run deadline
  infra_error,      // host side: QEMU did not start or died on its own
  interrupted,      // SIGINT/SIGTERM
};

// Return the upper-case name ("OK", "CORRECTNESS_FAIL", ..., "INTERRUPTED").
std::string_view to_string(Outcome outcome);

// Return the kbench exit code a run ending with `outcome` maps to.
ExitCode exit_code_for(Outcome outcome);

// What the guest wrote to the results channel, as parsed by the bench layer.
enum class GuestStatus {
  none,             // nothing: init never started
  pending,          // init's "pending" record only: the benchmark never finished
  ok,               // complete and correct
  correctness_fail, // complete, correctness check failed
  bench_fail,       // complete, the benchmark reported a failure
};

// Return the lower-case name ("none", "pending", "ok", ...).
std::string_view to_string(GuestStatus status);

// An outcome and a one-line reason for the user.
struct Verdict {
  Outcome outcome;
  std::string reason;
};

// Return the one outcome of `run` given the guest's `status`. Priority, first
// match wins: INTERRUPTED > INFRA_ERROR > PANIC > BOOT_TIMEOUT > RUN_TIMEOUT >
// the guest's status (CORRECTNESS_FAIL, BENCH_FAIL, OK); a QEMU that ended
// without complete results (status none/pending) is BENCH_FAIL.
Verdict classify(const VmRun& run, GuestStatus status);

} // namespace kbench::vm
