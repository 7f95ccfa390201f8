// QemuRunner's watch loop against a scripted fake QEMU: files appear on a
// timeline, the process exits or runs until it is terminated.
#include <kbench/util/fs.hpp>
#include <kbench/util/process.hpp>
#include <kbench/util/signals.hpp>
#include <kbench/vm/outcome.hpp>
#include <kbench/vm/qemu_runner.hpp>

#include <gtest/gtest.h>

#include <csignal>
#include <fstream>

namespace {

using kbench::util::Command;
using kbench::util::CommandResult;
using kbench::vm::Outcome;
using kbench::vm::Phase;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// One thing the fake QEMU does `at` after it started.
struct Step {
  milliseconds at;
  std::function<void()> action;
};

// What the fake QEMU does: its steps, then exit `exit_code` after `exit_at`,
// or run until terminated when exit_at is unset.
struct FakeQemu {
  std::vector<Step> steps;
  std::optional<milliseconds> exit_at;
  int exit_code = 0;
};

class TimelineProcess final : public kbench::util::Process {
public:
  TimelineProcess(FakeQemu script, int* terminations)
    : m_script(std::move(script)), m_terminations(terminations) {}

  int pid() const override { return 999998; }

  std::optional<CommandResult> poll() override {
    const auto elapsed = Clock::now() - m_start;
    while (m_next < m_script.steps.size() && elapsed >= m_script.steps[m_next].at) {
      m_script.steps[m_next++].action();
    }
    if (m_result || (m_script.exit_at && elapsed >= *m_script.exit_at)) {
      if (!m_result) {
        m_result = CommandResult{};
        m_result->exit_code = m_script.exit_code;
      }
      return m_result;
    }
    return std::nullopt;
  }

  CommandResult terminate(milliseconds /*grace*/) override {
    if (!m_result) {
      ++*m_terminations;
      m_result = CommandResult{};
      m_result->term_signal = SIGTERM;
    }
    return *m_result;
  }

private:
  FakeQemu m_script;
  int* m_terminations;
  Clock::time_point m_start = Clock::now();
  std::size_t m_next = 0;
  std::optional<CommandResult> m_result;
};

class TimelineRunner final : public kbench::util::ProcessRunner {
public:
  std::unique_ptr<kbench::util::Process> start(const Command& command) override {
    commands.push_back(command);
    if (command.argv.size() == 2 && command.argv[1] == "--version") {
      FakeQemu version;
      version.exit_at = milliseconds(0);
      version.steps.push_back({ milliseconds(0), [] {} });
      auto process = std::make_unique<TimelineProcess>(version, &terminations);
      return process;
    }
    return std::make_unique<TimelineProcess>(script, &terminations);
  }

  FakeQemu script;
  std::vector<Command> commands;
  int terminations = 0;
};

void append(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::app | std::ios::binary) << text;
}

class VmQemuRunner : public ::testing::Test {
protected:
  void TearDown() override { kbench::util::reset_interrupt_for_testing(); }

  kbench::vm::VmSpec spec() const {
    kbench::vm::VmSpec s;
    s.kernel = m_kernel.path();
    s.initrd = m_initrd.path();
    s.work_dir = m_dir.path() / "run";
    s.deadlines.boot = milliseconds(300);
    s.deadlines.run = milliseconds(300);
    s.deadlines.shutdown = milliseconds(300);
    s.deadlines.overall = milliseconds(2000);
    s.results_complete = [](std::string_view bytes) {
      return bytes.find("end\n") != std::string_view::npos;
    };
    return s;
  }

  std::filesystem::path console() const { return m_dir.path() / "run" / "console.log"; }
  std::filesystem::path results() const { return m_dir.path() / "run" / "results.bin"; }

  kbench::vm::VmRun run() {
    kbench::vm::QemuRunnerOptions options;
    options.poll_interval = milliseconds(5);
    options.panic_grace = milliseconds(100);
    kbench::vm::QemuRunner runner(m_processes, options);
    return runner.run(spec());
  }

  kbench::util::TempDir m_dir{ "kbench-vm-runner" };
  kbench::util::TempFile m_kernel{ "bzImage", m_dir.path() };
  kbench::util::TempFile m_initrd{ "initrd", m_dir.path() };
  TimelineRunner m_processes;
};

} // namespace

TEST_F(VmQemuRunner, CleanBootPassesThroughEveryPhase) {
  m_processes.script.steps = {
    { milliseconds(0), [&] { append(console(), "[ 0.0] Linux version 6.12\n"); } },
    { milliseconds(40), [&] { append(results(), "pending\n"); } },
    { milliseconds(120), [&] { append(results(), "ok\nend\n"); } },
  };
  m_processes.script.exit_at = milliseconds(150);
  const auto vm = run();
  EXPECT_TRUE(vm.init_started);
  EXPECT_TRUE(vm.results_complete);
  ASSERT_TRUE(vm.qemu_exit);
  EXPECT_EQ(vm.qemu_exit->exit_code, 0);
  EXPECT_FALSE(vm.qemu_exit->stopped_by_kbench);
  EXPECT_EQ(vm.console.banners, 1);
  EXPECT_EQ(m_processes.terminations, 0);
  ASSERT_TRUE(vm.timings.boot_to_init && vm.timings.benchmark && vm.timings.shutdown);
  EXPECT_GE(*vm.timings.boot_to_init, milliseconds(40));
  EXPECT_GE(*vm.timings.benchmark, milliseconds(60));
  EXPECT_GE(vm.timings.total, milliseconds(150));
  EXPECT_EQ(kbench::vm::classify(vm, kbench::vm::GuestStatus::ok).outcome, Outcome::ok);
}

TEST_F(VmQemuRunner, RecordsArgvVersionAndPathsAndLogsQemuOutput) {
  m_processes.script.exit_at = milliseconds(0);
  const auto vm = run();
  ASSERT_EQ(m_processes.commands.size(), 2u);
  EXPECT_EQ(m_processes.commands[0].argv,
            (std::vector<std::string>{ "qemu-system-x86_64", "--version" }));
  EXPECT_EQ(m_processes.commands[1].argv, vm.argv);
  EXPECT_EQ(m_processes.commands[1].log_file, vm.qemu_log);
  EXPECT_EQ(vm.console_log, console());
  EXPECT_EQ(vm.results_file, results());
}

TEST_F(VmQemuRunner, QemuIsKilledWhenKbenchDies) {
  m_processes.script.exit_at = milliseconds(0);
  run();
  ASSERT_EQ(m_processes.commands.size(), 2u);
  EXPECT_EQ(m_processes.commands[1].parent_death_signal, SIGKILL);
}

TEST_F(VmQemuRunner, GuestThatHangsAfterInitIsARunTimeout) {
  m_processes.script.steps = { { milliseconds(20), [&] { append(results(), "pending\n"); } } };
  const auto start = Clock::now();
  const auto vm = run();
  EXPECT_LT(Clock::now() - start, milliseconds(1000));
  ASSERT_TRUE(vm.timeout);
  EXPECT_EQ(vm.timeout->phase, Phase::run);
  EXPECT_EQ(m_processes.terminations, 1);
  EXPECT_TRUE(vm.qemu_exit->stopped_by_kbench);
  EXPECT_EQ(kbench::vm::classify(vm, kbench::vm::GuestStatus::pending).outcome,
            Outcome::run_timeout);
}

TEST_F(VmQemuRunner, SilentGuestIsABootTimeout) {
  const auto vm = run();
  ASSERT_TRUE(vm.timeout);
  EXPECT_EQ(vm.timeout->phase, Phase::boot);
  EXPECT_FALSE(vm.init_started);
  EXPECT_EQ(kbench::vm::classify(vm, kbench::vm::GuestStatus::none).outcome, Outcome::boot_timeout);
}

TEST_F(VmQemuRunner, GuestThatDoesNotPowerOffIsAShutdownTimeout) {
  m_processes.script.steps = { { milliseconds(10), [&] { append(results(), "ok\nend\n"); } } };
  const auto vm = run();
  ASSERT_TRUE(vm.timeout);
  EXPECT_EQ(vm.timeout->phase, Phase::shutdown);
  EXPECT_TRUE(vm.results_complete);
  EXPECT_EQ(kbench::vm::classify(vm, kbench::vm::GuestStatus::ok).outcome, Outcome::ok);
}

TEST_F(VmQemuRunner, PanickedGuestIsStoppedAfterTheGraceAndKeepsTheTrace) {
  m_processes.script.steps = {
    { milliseconds(10), [&] { append(results(), "pending\n"); } },
    { milliseconds(20),
      [&] {
        append(console(), "[ 1.0] Kernel panic - not syncing: Attempted to kill init! "
                          "exitcode=0x00000100\n[ 1.0] Call Trace:\n[ 1.0]  <TASK>\n");
      } },
    { milliseconds(40),
      [&] { append(console(), "[ 1.0]  do_exit+0x6d/0xa0\n[ 1.0] ---[ end Kernel panic - "); } },
  };
  const auto start = Clock::now();
  const auto vm = run();
  EXPECT_LT(Clock::now() - start, milliseconds(300)); // grace 100 ms, run deadline 300 ms
  EXPECT_TRUE(vm.killed_after_panic);
  EXPECT_FALSE(vm.timeout);
  EXPECT_EQ(vm.console.backtrace.size(), 5u);
  EXPECT_EQ(vm.console.backtrace.back(), "[ 1.0] ---[ end Kernel panic - ");
  const auto verdict = kbench::vm::classify(vm, kbench::vm::GuestStatus::pending);
  EXPECT_EQ(verdict.outcome, Outcome::panic);
  EXPECT_NE(verdict.reason.find("Attempted to kill init"), std::string::npos);
}

TEST_F(VmQemuRunner, ResultsWrittenJustBeforeExitStillCount) {
  m_processes.script.steps = { { milliseconds(30),
                                 [&] { append(results(), "pending\nok\nend\n"); } } };
  m_processes.script.exit_at = milliseconds(30);
  const auto vm = run();
  EXPECT_TRUE(vm.results_complete);
  EXPECT_FALSE(vm.timeout);
}

TEST_F(VmQemuRunner, InterruptStopsQemuWithinAPollInterval) {
  kbench::util::install_interrupt_handlers();
  m_processes.script.steps = {
    { milliseconds(10), [&] { append(results(), "pending\n"); } },
    { milliseconds(50), [] { std::raise(SIGINT); } },
  };
  const auto start = Clock::now();
  const auto vm = run();
  EXPECT_LT(Clock::now() - start, milliseconds(200));
  EXPECT_EQ(vm.interrupt_signal, SIGINT);
  EXPECT_EQ(m_processes.terminations, 1);
  EXPECT_EQ(kbench::vm::classify(vm, kbench::vm::GuestStatus::pending).outcome,
            Outcome::interrupted);
}

TEST_F(VmQemuRunner, InterruptBeforeStartDoesNotStartQemu) {
  kbench::util::install_interrupt_handlers();
  std::raise(SIGTERM);
  const auto vm = run();
  EXPECT_EQ(vm.interrupt_signal, SIGTERM);
  EXPECT_TRUE(m_processes.commands.empty());
  EXPECT_FALSE(vm.qemu_exit);
}

TEST_F(VmQemuRunner, MissingKernelIsAnInfraErrorWithoutStartingQemu) {
  auto s = spec();
  s.kernel = m_dir.path() / "no-such-bzImage";
  kbench::vm::QemuRunner runner(m_processes);
  const auto vm = runner.run(s);
  EXPECT_NE(vm.infra_error.find("no-such-bzImage"), std::string::npos) << vm.infra_error;
  EXPECT_EQ(m_processes.commands.size(), 1u); // only --version
  EXPECT_EQ(kbench::vm::classify(vm, kbench::vm::GuestStatus::none).outcome, Outcome::infra_error);
}

TEST_F(VmQemuRunner, StaleOutputFilesOfAnEarlierBootAreRemoved) {
  kbench::util::create_directories(m_dir.path() / "run");
  append(results(), "pending\nok\nend\n");
  append(console(), "Kernel panic - old\n");
  m_processes.script.exit_at = milliseconds(20);
  const auto vm = run();
  EXPECT_FALSE(vm.init_started);
  EXPECT_FALSE(vm.console.has(kbench::vm::ConsoleEvent::panic));
}
