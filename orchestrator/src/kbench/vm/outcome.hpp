// Classification of a finished boot into exactly one outcome.
#pragma once

#include <kbench/util/error.hpp>
#include <kbench/vm/vm_runner.hpp>

#include <fmt/format.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

// Every outcome, in the enum's order.
inline constexpr Outcome k_all_outcomes[] = {
  Outcome::ok,           Outcome::correctness_fail, Outcome::bench_fail,  Outcome::panic,
  Outcome::boot_timeout, Outcome::run_timeout,      Outcome::infra_error, Outcome::interrupted,
};

// Return the upper-case name ("OK", "CORRECTNESS_FAIL", ..., "INTERRUPTED"),
// the outcome's spelling in results.json.
std::string_view to_string(Outcome outcome);

// Return the outcome named `name` (as to_string() spells it), or nullopt.
std::optional<Outcome> parse_outcome(std::string_view name);

// What decides the exit code of a whole run: `kbench ab`, `run` and `sweep`
// (every boot they made) and `kbench ci` (the judged run, with its statistics).
struct RunEnd {
  std::vector<Outcome> outcomes; // how each boot ended
  bool complete = true;          // false: the run stopped early, or a side has nothing to compare
  bool failed_check = false;     // a correctness check failed in a boot that is not
                                 // CORRECTNESS_FAIL (a results file may say so)
  bool regressed = false;        // kbench ci: a judgement regressed beyond its threshold
};

// Return the exit code of `end`, the one rule of docs/exit-codes.md: the most
// fundamental finding wins, infra (11: an INFRA_ERROR boot) > did not finish
// (10: PANIC, BOOT_TIMEOUT, RUN_TIMEOUT, BENCH_FAIL, INTERRUPTED, or the run
// incomplete) > correctness (9: CORRECTNESS_FAIL or a failed check) >
// regression (1) > ok (0). (An interrupt of kbench itself ends it with 130 or
// 143 before any run is judged; a recorded INTERRUPTED boot did not finish.)
ExitCode exit_code_of(const RunEnd& end);

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

// Formats an outcome as its name ("{}" -> "PANIC").
template<>
struct fmt::formatter<kbench::vm::Outcome> : fmt::formatter<std::string_view> {
  template<typename FormatContext>
  auto format(kbench::vm::Outcome outcome, FormatContext& ctx) const {
    return fmt::formatter<std::string_view>::format(kbench::vm::to_string(outcome), ctx);
  }
};
