#include <kbench/util/fs.hpp>
#include <kbench/vm/outcome.hpp>

#include <gtest/gtest.h>

#include <csignal>
#include <iterator>
#include <vector>

namespace {

using kbench::vm::GuestStatus;
using kbench::vm::Outcome;
using kbench::vm::Phase;
using kbench::vm::VmRun;
using std::chrono::milliseconds;

std::string recorded(const std::string& name) {
  return kbench::util::read_file(std::string(KBENCH_TESTDATA_DIR) + "/console/" + name);
}

// A boot whose QEMU exited 0 by itself after a clean console.
VmRun clean_run() {
  VmRun run;
  run.qemu_exit = kbench::vm::QemuExit{ 0, 0, false };
  run.init_started = true;
  run.results_complete = true;
  run.console = kbench::vm::scan_console("[ 0.0] Linux version 6.12\n");
  return run;
}

VmRun stopped_run(Phase phase) {
  VmRun run = clean_run();
  run.qemu_exit = kbench::vm::QemuExit{ -1, SIGTERM, true };
  run.timeout = kbench::vm::Expiry{ phase, false, milliseconds(60000) };
  return run;
}

Outcome outcome_of(const VmRun& run, GuestStatus status) {
  return kbench::vm::classify(run, status).outcome;
}

} // namespace

TEST(VmOutcome, NamesAreUpperCase) {
  EXPECT_EQ(to_string(Outcome::ok), "OK");
  EXPECT_EQ(to_string(Outcome::correctness_fail), "CORRECTNESS_FAIL");
  EXPECT_EQ(to_string(Outcome::bench_fail), "BENCH_FAIL");
  EXPECT_EQ(to_string(Outcome::panic), "PANIC");
  EXPECT_EQ(to_string(Outcome::boot_timeout), "BOOT_TIMEOUT");
  EXPECT_EQ(to_string(Outcome::run_timeout), "RUN_TIMEOUT");
  EXPECT_EQ(to_string(Outcome::infra_error), "INFRA_ERROR");
  EXPECT_EQ(to_string(Outcome::interrupted), "INTERRUPTED");
}

TEST(VmOutcome, GuestStatusDecidesACleanBoot) {
  EXPECT_EQ(outcome_of(clean_run(), GuestStatus::ok), Outcome::ok);
  EXPECT_EQ(outcome_of(clean_run(), GuestStatus::correctness_fail), Outcome::correctness_fail);
  EXPECT_EQ(outcome_of(clean_run(), GuestStatus::bench_fail), Outcome::bench_fail);
}

TEST(VmOutcome, QemuEndingWithoutCompleteResultsIsABenchFailWithAReason) {
  auto run = clean_run();
  run.results_complete = false;
  const auto pending = kbench::vm::classify(run, GuestStatus::pending);
  EXPECT_EQ(pending.outcome, Outcome::bench_fail);
  EXPECT_NE(pending.reason.find("pending"), std::string::npos) << pending.reason;
  run.init_started = false;
  const auto none = kbench::vm::classify(run, GuestStatus::none);
  EXPECT_EQ(none.outcome, Outcome::bench_fail);
  EXPECT_NE(none.reason.find("before init"), std::string::npos) << none.reason;
}

TEST(VmOutcome, InterruptBeatsEverything) {
  auto run = stopped_run(Phase::run);
  run.interrupt_signal = SIGINT;
  run.infra_error = "disk full";
  run.console = kbench::vm::scan_console(recorded("synthetic-oops-null-deref.log"));
  const auto verdict = kbench::vm::classify(run, GuestStatus::pending);
  EXPECT_EQ(verdict.outcome, Outcome::interrupted);
  EXPECT_EQ(verdict.reason, "interrupted by SIGINT");
}

TEST(VmOutcome, InfraErrorBeatsPanic) {
  auto run = clean_run();
  run.infra_error = "cannot start QEMU: program not found in PATH: qemu-system-x86_64";
  run.console = kbench::vm::scan_console(recorded("synthetic-oops-null-deref.log"));
  EXPECT_EQ(outcome_of(run, GuestStatus::none), Outcome::infra_error);
}

TEST(VmOutcome, QemuFailingOnItsOwnIsAnInfraErrorQuotingQemu) {
  auto run = clean_run();
  run.results_complete = false;
  run.qemu_exit = kbench::vm::QemuExit{ 1, 0, false };
  run.qemu_output_tail = "qemu-system-x86_64: error: failed to set MSR 0x10a to 0x0";
  const auto verdict = kbench::vm::classify(run, GuestStatus::none);
  EXPECT_EQ(verdict.outcome, Outcome::infra_error);
  EXPECT_NE(verdict.reason.find("exit status 1"), std::string::npos) << verdict.reason;
  EXPECT_NE(verdict.reason.find("MSR 0x10a"), std::string::npos) << verdict.reason;
}

TEST(VmOutcome, QemuKilledBySomeoneElseIsAnInfraError) {
  auto run = clean_run();
  run.qemu_exit = kbench::vm::QemuExit{ -1, SIGKILL, false };
  EXPECT_EQ(outcome_of(run, GuestStatus::pending), Outcome::infra_error);
}

TEST(VmOutcome, PanicBeatsTimeoutsAndTheGuestStatus) {
  auto run = stopped_run(Phase::run);
  run.console = kbench::vm::scan_console(recorded("synthetic-soft-lockup.log"));
  const auto verdict = kbench::vm::classify(run, GuestStatus::ok);
  EXPECT_EQ(verdict.outcome, Outcome::panic);
  EXPECT_NE(verdict.reason.find("soft lockup"), std::string::npos) << verdict.reason;
}

TEST(VmOutcome, RecordedOopsIsAPanicEvenWhenQemuExitedZero) {
  auto run = clean_run();
  run.results_complete = false;
  run.console = kbench::vm::scan_console(recorded("synthetic-oops-null-deref.log"));
  const auto verdict = kbench::vm::classify(run, GuestStatus::pending);
  EXPECT_EQ(verdict.outcome, Outcome::panic);
  EXPECT_NE(verdict.reason.find("NULL pointer dereference"), std::string::npos);
}

TEST(VmOutcome, RebootIsAPanic) {
  auto run = clean_run();
  run.console = kbench::vm::scan_console(recorded("synthetic-reboot.log"));
  EXPECT_EQ(outcome_of(run, GuestStatus::pending), Outcome::panic);
}

TEST(VmOutcome, BootTimeoutBeatsRunTimeoutAndGuestStatus) {
  EXPECT_EQ(outcome_of(stopped_run(Phase::boot), GuestStatus::none), Outcome::boot_timeout);
  EXPECT_EQ(outcome_of(stopped_run(Phase::run), GuestStatus::pending), Outcome::run_timeout);
}

TEST(VmOutcome, OverallDeadlineCountsAsThePhaseItHit) {
  auto run = stopped_run(Phase::boot);
  run.timeout->overall = true;
  const auto verdict = kbench::vm::classify(run, GuestStatus::none);
  EXPECT_EQ(verdict.outcome, Outcome::boot_timeout);
  EXPECT_NE(verdict.reason.find("overall deadline"), std::string::npos) << verdict.reason;
}

TEST(VmOutcome, ShutdownTimeoutKeepsTheGuestVerdictAndSaysSo) {
  const auto verdict = kbench::vm::classify(stopped_run(Phase::shutdown), GuestStatus::ok);
  EXPECT_EQ(verdict.outcome, Outcome::ok);
  EXPECT_NE(verdict.reason.find("shutdown phase exceeded"), std::string::npos) << verdict.reason;
}

TEST(VmOutcome, KilledAfterPanicIsAPanicNotAnInfraError) {
  auto run = clean_run();
  run.qemu_exit = kbench::vm::QemuExit{ -1, SIGTERM, true };
  run.killed_after_panic = true;
  run.console =
    kbench::vm::scan_console("[ 1.0] Kernel panic - not syncing: Attempted to kill init!\n");
  EXPECT_EQ(outcome_of(run, GuestStatus::pending), Outcome::panic);
}

TEST(VmOutcome, WarningsDoNotChangeAnOkButAppearInTheReason) {
  auto run = clean_run();
  run.console = kbench::vm::scan_console(recorded("synthetic-warning-then-ok.log"));
  const auto verdict = kbench::vm::classify(run, GuestStatus::ok);
  EXPECT_EQ(verdict.outcome, Outcome::ok);
  EXPECT_NE(verdict.reason.find("warning at line 4"), std::string::npos) << verdict.reason;
}

namespace {

// docs/exit-codes.md: the code of a run whose boots all ended with one outcome.
struct OutcomeCode {
  Outcome outcome;
  kbench::ExitCode code;
};
const OutcomeCode k_outcome_codes[] = {
  { Outcome::ok, kbench::ExitCode::ok },
  { Outcome::correctness_fail, kbench::ExitCode::correctness },
  { Outcome::bench_fail, kbench::ExitCode::run_failed },
  { Outcome::panic, kbench::ExitCode::run_failed },
  { Outcome::boot_timeout, kbench::ExitCode::run_failed },
  { Outcome::run_timeout, kbench::ExitCode::run_failed },
  { Outcome::infra_error, kbench::ExitCode::infra },
  { Outcome::interrupted, kbench::ExitCode::run_failed },
};

// docs/ci.md's precedence, most fundamental first.
const kbench::ExitCode k_precedence[] = { kbench::ExitCode::infra, kbench::ExitCode::run_failed,
                                          kbench::ExitCode::correctness,
                                          kbench::ExitCode::regression, kbench::ExitCode::ok };

// Return the more fundamental of `a` and `b` by k_precedence.
kbench::ExitCode stronger(kbench::ExitCode a, kbench::ExitCode b) {
  for (const auto code : k_precedence) {
    if (a == code || b == code) {
      return code;
    }
  }
  return a;
}

kbench::ExitCode code_of(std::vector<Outcome> outcomes, bool regressed = false) {
  kbench::vm::RunEnd end;
  end.outcomes = std::move(outcomes);
  end.regressed = regressed;
  return kbench::vm::exit_code_of(end);
}

} // namespace

TEST(VmOutcome, EveryOutcomeAloneGivesItsDocumentedExitCode) {
  ASSERT_EQ(std::size(k_outcome_codes), std::size(kbench::vm::k_all_outcomes));
  for (const auto& [outcome, code] : k_outcome_codes) {
    EXPECT_EQ(code_of({ outcome }), code) << to_string(outcome);
    EXPECT_EQ(code_of({ outcome, outcome, outcome }), code) << to_string(outcome);
  }
}

TEST(VmOutcome, EveryPairOfOutcomesGivesTheMoreFundamentalCodeInEitherOrder) {
  for (const auto& a : k_outcome_codes) {
    for (const auto& b : k_outcome_codes) {
      const auto want = stronger(a.code, b.code);
      EXPECT_EQ(code_of({ a.outcome, b.outcome }), want)
        << to_string(a.outcome) << " + " << to_string(b.outcome);
      EXPECT_EQ(code_of({ b.outcome, a.outcome }), want)
        << to_string(b.outcome) << " + " << to_string(a.outcome);
      EXPECT_EQ(code_of({ a.outcome, b.outcome }, true),
                stronger(want, kbench::ExitCode::regression))
        << to_string(a.outcome) << " + " << to_string(b.outcome) << " + a regression";
    }
  }
}

TEST(VmOutcome, AnIncompleteRunOrAFailedCheckOutranksLesserFindings) {
  kbench::vm::RunEnd end;
  end.outcomes = { Outcome::ok, Outcome::correctness_fail };
  end.regressed = true;
  EXPECT_EQ(kbench::vm::exit_code_of(end), kbench::ExitCode::correctness);
  end.complete = false;
  EXPECT_EQ(kbench::vm::exit_code_of(end), kbench::ExitCode::run_failed);
  end.outcomes.push_back(Outcome::infra_error);
  EXPECT_EQ(kbench::vm::exit_code_of(end), kbench::ExitCode::infra);
  kbench::vm::RunEnd checked;
  checked.outcomes = { Outcome::ok };
  checked.failed_check = true;
  checked.regressed = true;
  EXPECT_EQ(kbench::vm::exit_code_of(checked), kbench::ExitCode::correctness);
  EXPECT_EQ(code_of({}), kbench::ExitCode::ok);
}

TEST(VmOutcome, NamesParseBackToTheirOutcomeAndNothingElseParses) {
  for (const auto outcome : kbench::vm::k_all_outcomes) {
    EXPECT_EQ(kbench::vm::parse_outcome(to_string(outcome)), outcome);
  }
  for (const char* name : { "", "ok", "FINE", "PANIC " }) {
    EXPECT_FALSE(kbench::vm::parse_outcome(name)) << name;
  }
}

TEST(VmOutcome, RecordedCleanTcgBootIsOk) {
  auto run = clean_run();
  run.console = kbench::vm::scan_console(recorded("real-tcg-ok.log"));
  EXPECT_TRUE(run.console.findings.empty());
  EXPECT_EQ(run.console.banners, 1);
  const auto verdict = kbench::vm::classify(run, GuestStatus::ok);
  EXPECT_EQ(verdict.outcome, Outcome::ok);
  EXPECT_EQ(verdict.reason, "guest reported complete results");
}

TEST(VmOutcome, RecordedInitExitIsAPanicWithItsCallTrace) {
  auto run = clean_run();
  run.results_complete = false;
  run.console = kbench::vm::scan_console(recorded("real-init-exit-panic.log"));
  const auto verdict = kbench::vm::classify(run, GuestStatus::pending);
  EXPECT_EQ(verdict.outcome, Outcome::panic);
  EXPECT_NE(verdict.reason.find("Attempted to kill init!"), std::string::npos);
  ASSERT_GE(run.console.backtrace.size(), 10u);
  EXPECT_NE(run.console.backtrace[0].find("Kernel panic"), std::string::npos);
  EXPECT_NE(run.console.backtrace[2].find("Call Trace:"), std::string::npos);
  EXPECT_NE(run.console.backtrace[5].find("do_exit"), std::string::npos);
}

TEST(VmOutcome, RecordedMissingInitIsAPanic) {
  auto run = clean_run();
  run.init_started = false;
  run.results_complete = false;
  run.console = kbench::vm::scan_console(recorded("real-no-init-panic.log"));
  const auto verdict = kbench::vm::classify(run, GuestStatus::none);
  EXPECT_EQ(verdict.outcome, Outcome::panic);
  EXPECT_NE(verdict.reason.find("Unable to mount root fs"), std::string::npos) << verdict.reason;
}

TEST(VmOutcome, RecordedHangIsARunTimeout) {
  auto run = stopped_run(Phase::run);
  run.results_complete = false;
  run.console = kbench::vm::scan_console(recorded("real-hang-run-timeout.log"));
  EXPECT_FALSE(run.console.first_fatal());
  EXPECT_EQ(outcome_of(run, GuestStatus::pending), Outcome::run_timeout);
}

TEST(VmOutcome, RecordedTopologyWarningIsNotFatalButReported) {
  auto run = clean_run();
  run.console = kbench::vm::scan_console(recorded("real-tcg-ok-with-topology-warning.log"));
  const auto verdict = kbench::vm::classify(run, GuestStatus::ok);
  EXPECT_EQ(verdict.outcome, Outcome::ok);
  EXPECT_NE(verdict.reason.find("topology_sane"), std::string::npos) << verdict.reason;
}

TEST(VmOutcome, RecordedKvmAbortIsAnInfraError) {
  VmRun run;
  run.qemu_exit = kbench::vm::QemuExit{ -1, SIGABRT, false };
  run.qemu_output_tail = recorded("real-kvm-probe-msr-abort.qemu.log");
  const auto verdict = kbench::vm::classify(run, GuestStatus::none);
  EXPECT_EQ(verdict.outcome, Outcome::infra_error);
  EXPECT_NE(verdict.reason.find("MSR 0x10a"), std::string::npos) << verdict.reason;
}
