#include <kbench/vm/outcome.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <csignal>

namespace kbench::vm {

namespace {

std::string signal_name(int sig) {
  switch (sig) {
    case SIGINT:
      return "SIGINT";
    case SIGTERM:
      return "SIGTERM";
    case SIGHUP:
      return "SIGHUP";
    default:
      return fmt::format("signal {}", sig);
  }
}

std::string describe_exit(const QemuExit& exit) {
  if (exit.term_signal != 0) {
    return fmt::format("killed by {}", signal_name(exit.term_signal));
  }
  return fmt::format("exit status {}", exit.exit_code);
}

// Return why QEMU's end is a host-side failure, or "".
std::string infra_problem(const VmRun& run) {
  if (!run.infra_error.empty()) {
    return run.infra_error;
  }
  if (!run.qemu_exit || run.qemu_exit->stopped_by_kbench) {
    return run.qemu_exit ? "" : "QEMU never started";
  }
  if (run.qemu_exit->exit_code == 0) {
    return "";
  }
  std::string reason = fmt::format("QEMU ended on its own with {}", describe_exit(*run.qemu_exit));
  if (!run.qemu_output_tail.empty()) {
    reason += ": " + run.qemu_output_tail;
  }
  return reason;
}

// Append a non-fatal console finding to a reason, so warnings are never silent.
std::string with_console_note(std::string reason, const VmRun& run) {
  if (const auto note = run.console.first_nonfatal()) {
    reason += fmt::format(" (console: {} at line {}: {})", to_string(note->event),
                          note->line_number, note->line);
  }
  return reason;
}

Verdict from_guest_status(const VmRun& run, GuestStatus status) {
  const std::string stopped =
    run.timeout ? fmt::format("; {}, QEMU was stopped", describe(*run.timeout)) : "";
  switch (status) {
    case GuestStatus::ok:
      return { Outcome::ok, with_console_note("guest reported complete results" + stopped, run) };
    case GuestStatus::correctness_fail:
      return { Outcome::correctness_fail,
               with_console_note("guest reported a correctness failure" + stopped, run) };
    case GuestStatus::bench_fail:
      return { Outcome::bench_fail,
               with_console_note("guest reported a benchmark failure" + stopped, run) };
    case GuestStatus::pending:
      return { Outcome::bench_fail,
               with_console_note(
                 "QEMU ended with the results incomplete (only the pending record)" + stopped,
                 run) };
    case GuestStatus::none:
      break;
  }
  return { Outcome::bench_fail,
           with_console_note("QEMU ended before init wrote to the results channel" + stopped,
                             run) };
}

} // namespace

std::string_view to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::ok:
      return "OK";
    case Outcome::correctness_fail:
      return "CORRECTNESS_FAIL";
    case Outcome::bench_fail:
      return "BENCH_FAIL";
    case Outcome::panic:
      return "PANIC";
    case Outcome::boot_timeout:
      return "BOOT_TIMEOUT";
    case Outcome::run_timeout:
      return "RUN_TIMEOUT";
    case Outcome::infra_error:
      return "INFRA_ERROR";
    case Outcome::interrupted:
      return "INTERRUPTED";
  }
  return "UNKNOWN";
}

std::optional<Outcome> parse_outcome(std::string_view name) {
  for (const Outcome outcome : k_all_outcomes) {
    if (to_string(outcome) == name) {
      return outcome;
    }
  }
  return std::nullopt;
}

ExitCode exit_code_of(const RunEnd& end) {
  const auto any = [&](auto predicate) {
    return std::any_of(end.outcomes.begin(), end.outcomes.end(), predicate);
  };
  if (any([](Outcome o) { return o == Outcome::infra_error; })) {
    return ExitCode::infra;
  }
  const auto unfinished = [](Outcome o) {
    return o != Outcome::ok && o != Outcome::correctness_fail && o != Outcome::infra_error;
  };
  if (!end.complete || any(unfinished)) {
    return ExitCode::run_failed;
  }
  if (end.failed_check || any([](Outcome o) { return o == Outcome::correctness_fail; })) {
    return ExitCode::correctness;
  }
  return end.regressed ? ExitCode::regression : ExitCode::ok;
}

std::string_view to_string(GuestStatus status) {
  switch (status) {
    case GuestStatus::none:
      return "none";
    case GuestStatus::pending:
      return "pending";
    case GuestStatus::ok:
      return "ok";
    case GuestStatus::correctness_fail:
      return "correctness_fail";
    case GuestStatus::bench_fail:
      return "bench_fail";
  }
  return "unknown";
}

Verdict classify(const VmRun& run, GuestStatus status) {
  if (run.interrupt_signal != 0) {
    return { Outcome::interrupted, "interrupted by " + signal_name(run.interrupt_signal) };
  }
  if (auto problem = infra_problem(run); !problem.empty()) {
    return { Outcome::infra_error, std::move(problem) };
  }
  if (const auto fatal = run.console.first_fatal()) {
    return { Outcome::panic,
             fmt::format("kernel {} at console line {}: {}", to_string(fatal->event),
                         fatal->line_number, fatal->line) };
  }
  if (run.timeout && run.timeout->phase == Phase::boot) {
    return { Outcome::boot_timeout, describe(*run.timeout) + ": init never wrote to the results "
                                                             "channel" };
  }
  if (run.timeout && run.timeout->phase == Phase::run) {
    return { Outcome::run_timeout,
             with_console_note(fmt::format("{}: results incomplete (guest status {})",
                                           describe(*run.timeout), to_string(status)),
                               run) };
  }
  return from_guest_status(run, status);
}

} // namespace kbench::vm
