// Integration tests of the VM runner with real QEMU (ctest label
// "integration"). They need a kernel with a serial console, virtio-pci,
// virtio-console, ACPI and NUMA: KBENCH_TEST_KERNEL=/path/to/bzImage. They
// boot it with an initramfs built here around vm_test_init (argv[1]), so the
// guest's behaviour is under the test's control. The real-initramfs probe
// test also needs KBENCH_TEST_INITRD. A missing variable exits 125 (skipped).
//
//   test_vm_qemu <vm_test_init> [--require-initrd] [gtest flags]
//   test_vm_qemu <vm_test_init> --child-hang <work dir>   (used by the SIGINT test)
#include <kbench/bench/resultchannel.hpp>
#include <kbench/util/error.hpp>
#include <kbench/util/fs.hpp>
#include <kbench/util/process.hpp>
#include <kbench/util/signals.hpp>
#include <kbench/vm/kvm_probe.hpp>
#include <kbench/vm/outcome.hpp>
#include <kbench/vm/qemu_runner.hpp>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <csignal>
#include <cstdlib>
#include <mutex>
#include <thread>

namespace {

using kbench::vm::GuestStatus;
using kbench::vm::Outcome;
using kbench::vm::VmRun;
using kbench::vm::VmSpec;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

std::string g_test_init; // path of the vm_test_init binary
std::string g_self;      // path of this test binary

const char* env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : nullptr;
}

// Writes a "newc" cpio archive, the format the kernel unpacks as initramfs.
class CpioWriter {
public:
  void add_dir(const std::string& name) { add(name, S_IFDIR | 0755, "", 0, 0); }
  void add_file(const std::string& name, const std::string& data) {
    add(name, S_IFREG | 0755, data, 0, 0);
  }
  void add_char_device(const std::string& name, unsigned major, unsigned minor) {
    add(name, S_IFCHR | 0600, "", major, minor);
  }
  std::string finish() {
    add("TRAILER!!!", 0, "", 0, 0);
    return m_out;
  }

private:
  void add(const std::string& name, unsigned mode, const std::string& data, unsigned rmajor,
           unsigned rminor) {
    m_out +=
      fmt::format("070701{:08X}{:08X}{:08X}{:08X}{:08X}{:08X}{:08X}{:08X}{:08X}{:08X}"
                  "{:08X}{:08X}{:08X}",
                  ++m_ino, mode, 0, 0, 1, 0, data.size(), 0, 0, rmajor, rminor, name.size() + 1, 0);
    m_out += name;
    m_out += '\0';
    pad();
    m_out += data;
    pad();
  }
  void pad() {
    while (m_out.size() % 4 != 0) {
      m_out += '\0';
    }
  }
  std::string m_out;
  unsigned m_ino = 0;
};

// Return the path of an initramfs holding vm_test_init as /init, built once.
std::filesystem::path test_initramfs() {
  static kbench::util::TempDir dir("kbench-vm-initramfs");
  const auto path = dir.path() / "initramfs.cpio";
  if (!std::filesystem::exists(path)) {
    CpioWriter cpio;
    for (const char* d : { "dev", "proc", "sys" }) {
      cpio.add_dir(d);
    }
    cpio.add_char_device("dev/console", 5, 1);
    cpio.add_file("init", kbench::util::read_file(g_test_init));
    kbench::util::write_file_atomic(path, cpio.finish());
  }
  return path;
}

bool test_results_complete(std::string_view bytes) {
  return bytes.find("end\n") != std::string_view::npos;
}

// Return the guest status the run's results stand for (complete means ok here).
GuestStatus test_guest_status(const VmRun& run) {
  if (run.results_complete) {
    return GuestStatus::ok;
  }
  return run.init_started ? GuestStatus::pending : GuestStatus::none;
}

// Starts processes through the real runner and remembers their pids.
class PidRecordingRunner final : public kbench::util::ProcessRunner {
public:
  std::unique_ptr<kbench::util::Process> start(const kbench::util::Command& command) override {
    auto process = m_real->start(command);
    const std::lock_guard<std::mutex> lock(m_mutex);
    m_pids.push_back(process->pid());
    return process;
  }

  // Return the pids started so far (QEMU --version first, then the boots).
  std::vector<int> pids() const {
    const std::lock_guard<std::mutex> lock(m_mutex);
    return m_pids;
  }

private:
  mutable std::mutex m_mutex;
  std::vector<int> m_pids;
  std::unique_ptr<kbench::util::ProcessRunner> m_real = kbench::util::make_real_process_runner();
};

bool process_gone(int pid) {
  return ::kill(pid, 0) != 0 && errno == ESRCH &&
         !std::filesystem::exists(fmt::format("/proc/{}", pid));
}

double secs(milliseconds d) {
  return static_cast<double>(d.count()) / 1000.0;
}

std::string opt_secs(const std::optional<milliseconds>& d) {
  return d ? fmt::format("{:.2f} s", secs(*d)) : "-";
}

void print_run(const std::string& what, const VmRun& run, Clock::duration wall) {
  const auto verdict = kbench::vm::classify(run, test_guest_status(run));
  std::printf(
    "%s: %s (%s); boot-to-init %s, benchmark %s, shutdown %s, total %.2f s, wall %.2f s\n",
    what.c_str(), std::string(to_string(verdict.outcome)).c_str(), verdict.reason.c_str(),
    opt_secs(run.timings.boot_to_init).c_str(), opt_secs(run.timings.benchmark).c_str(),
    opt_secs(run.timings.shutdown).c_str(), secs(run.timings.total),
    secs(std::chrono::duration_cast<milliseconds>(wall)));
}

class VmQemu : public ::testing::Test {
protected:
  VmSpec spec(const std::string& name, const std::string& cmdline) {
    VmSpec s;
    s.kernel = env("KBENCH_TEST_KERNEL");
    s.initrd = test_initramfs();
    s.extra_cmdline = cmdline;
    s.work_dir = work_root() / name;
    s.deadlines.boot = seconds(60);
    s.deadlines.run = seconds(30);
    s.deadlines.shutdown = seconds(20);
    s.deadlines.overall = seconds(120);
    s.results_complete = test_results_complete;
    return s;
  }

  // Work directories go to $KBENCH_TEST_WORKDIR when set (kept), else a temporary one.
  std::filesystem::path work_root() {
    if (const char* keep = env("KBENCH_TEST_WORKDIR")) {
      return keep;
    }
    return m_tmp.path();
  }

  VmRun boot(const VmSpec& s, Clock::duration* wall = nullptr) {
    kbench::vm::QemuRunner runner(m_processes);
    const auto start = Clock::now();
    auto run = runner.run(s);
    if (wall != nullptr) {
      *wall = Clock::now() - start;
    }
    return run;
  }

  void expect_no_qemu_left() {
    for (const int pid : m_processes.pids()) {
      EXPECT_TRUE(process_gone(pid)) << "process " << pid << " still exists";
    }
  }

  kbench::util::TempDir m_tmp{ "kbench-vm-it" };
  PidRecordingRunner m_processes;
};

} // namespace

TEST_F(VmQemu, CleanTcgBootDeliversTheResultsAndQemuExits) {
  Clock::duration wall{};
  const auto run = boot(spec("ok", "kbench.test=ok"), &wall);
  print_run("clean TCG boot", run, wall);
  EXPECT_TRUE(run.init_started);
  EXPECT_TRUE(run.results_complete);
  ASSERT_TRUE(run.qemu_exit);
  EXPECT_EQ(run.qemu_exit->exit_code, 0);
  EXPECT_FALSE(run.qemu_exit->stopped_by_kbench);
  EXPECT_EQ(run.console.banners, 1);
  EXPECT_FALSE(run.console.first_fatal());
  EXPECT_TRUE(run.console.findings.empty()) << run.console.findings.front().line;
  EXPECT_EQ(kbench::vm::classify(run, test_guest_status(run)).outcome, Outcome::ok);
  EXPECT_NE(run.qemu_version.find("QEMU emulator version"), std::string::npos);
  EXPECT_TRUE(run.timings.boot_to_init && run.timings.benchmark && run.timings.shutdown);
  expect_no_qemu_left();
}

TEST_F(VmQemu, HangingGuestIsARunTimeoutWithinTheDeadline) {
  auto s = spec("hang", "kbench.test=hang");
  s.deadlines.run = seconds(5);
  Clock::duration wall{};
  const auto run = boot(s, &wall);
  print_run("hanging guest", run, wall);
  ASSERT_TRUE(run.timeout);
  EXPECT_EQ(run.timeout->phase, kbench::vm::Phase::run);
  EXPECT_EQ(kbench::vm::classify(run, test_guest_status(run)).outcome, Outcome::run_timeout);
  ASSERT_TRUE(run.timings.boot_to_init);
  // run deadline + TERM grace + poll slack
  EXPECT_LT(wall, *run.timings.boot_to_init + seconds(5) + seconds(4));
  expect_no_qemu_left();
}

TEST_F(VmQemu, InitExitingIsAPanicWithItsBacktraceKept) {
  Clock::duration wall{};
  const auto run = boot(spec("panic", "kbench.test=exit"), &wall);
  print_run("init exits", run, wall);
  const auto verdict = kbench::vm::classify(run, test_guest_status(run));
  EXPECT_EQ(verdict.outcome, Outcome::panic);
  EXPECT_NE(verdict.reason.find("Attempted to kill init"), std::string::npos) << verdict.reason;
  ASSERT_FALSE(run.console.backtrace.empty());
  const bool has_panic =
    std::any_of(run.console.backtrace.begin(), run.console.backtrace.end(),
                [](const std::string& l) { return l.find("Kernel panic") != l.npos; });
  EXPECT_TRUE(has_panic);
  const bool has_trace =
    std::any_of(run.console.backtrace.begin(), run.console.backtrace.end(),
                [](const std::string& l) { return l.find("Call Trace:") != l.npos; });
  EXPECT_TRUE(has_trace);
  EXPECT_FALSE(run.timeout);
  expect_no_qemu_left();
}

TEST_F(VmQemu, MissingInitIsAPanic) {
  const auto run = boot(spec("no-init", "rdinit=/kbench-no-such-init"));
  print_run("missing init", run, {});
  EXPECT_EQ(kbench::vm::classify(run, test_guest_status(run)).outcome, Outcome::panic);
  expect_no_qemu_left();
}

TEST_F(VmQemu, TooShortBootDeadlineIsABootTimeout) {
  auto s = spec("boot-timeout", "kbench.test=silent");
  s.deadlines.boot = seconds(3);
  Clock::duration wall{};
  const auto run = boot(s, &wall);
  print_run("silent guest", run, wall);
  EXPECT_EQ(kbench::vm::classify(run, test_guest_status(run)).outcome, Outcome::boot_timeout);
  EXPECT_LT(wall, seconds(3) + seconds(4));
  expect_no_qemu_left();
}

TEST_F(VmQemu, KvmProbeDecidesWithinItsDeadline) {
  const auto start = Clock::now();
  kbench::vm::QemuRunner runner(m_processes);
  const auto decision = kbench::vm::decide_accelerator(kbench::vm::AcceleratorPolicy::automatic,
                                                       spec("probe", ""), runner);
  const auto took = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
  std::printf("accelerator decision: %s (%s) after %.2f s\n",
              std::string(to_string(decision.accelerator)).c_str(), decision.reason.c_str(),
              secs(took));
  EXPECT_LT(took, seconds(15) + seconds(5));
  if (decision.accelerator == kbench::vm::Accelerator::tcg) {
    // The reason names what was tried: /dev/kvm, or KVM itself when the probe boot failed.
    std::string reason = decision.reason;
    std::transform(reason.begin(), reason.end(), reason.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    EXPECT_NE(reason.find("kvm"), std::string::npos) << decision.reason;
  }
  expect_no_qemu_left();
}

TEST_F(VmQemu, SigintToTheRunnerLeavesNoQemu) {
  const auto dir = work_root() / "sigint";
  kbench::util::create_directories(dir);
  kbench::util::Command child;
  child.argv = { g_self, g_test_init, "--child-hang", dir.string() };
  child.log_file = dir / "child.log";
  auto runner = kbench::util::make_real_process_runner();
  auto process = runner->start(child);
  // Wait until the child's guest has started init (so QEMU surely runs), then SIGINT it.
  const auto pid_file = dir / "qemu.pid";
  const auto deadline = Clock::now() + seconds(90);
  while (Clock::now() < deadline &&
         kbench::util::read_file_if_exists(dir / "hang" / "results.bin", "test output")
           .value_or("")
           .empty()) {
    std::this_thread::sleep_for(milliseconds(50));
  }
  const int qemu_pid =
    std::atoi(kbench::util::read_file_if_exists(pid_file, "test output").value_or("").c_str());
  ASSERT_GT(qemu_pid, 0);
  ASSERT_FALSE(process_gone(qemu_pid));
  const auto sent = Clock::now();
  ASSERT_EQ(::kill(process->pid(), SIGINT), 0);
  std::optional<kbench::util::CommandResult> result;
  while (!(result = process->poll()) && Clock::now() - sent < seconds(10)) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  ASSERT_TRUE(result) << "child did not exit after SIGINT";
  const auto reaction = std::chrono::duration_cast<milliseconds>(Clock::now() - sent);
  std::printf("SIGINT: child exited with %d after %.2f s; qemu %d gone: %d\n", result->exit_code,
              secs(reaction), qemu_pid, process_gone(qemu_pid));
  EXPECT_EQ(result->exit_code, 130);
  EXPECT_TRUE(process_gone(qemu_pid));
  EXPECT_NE(kbench::util::read_file_if_exists(child.log_file, "test output")
              .value_or("")
              .find("INTERRUPTED"),
            std::string::npos);
}

TEST_F(VmQemu, RealInitramfsAnswersTheProbeUnderTcg) {
  const char* initrd = env("KBENCH_TEST_INITRD");
  if (initrd == nullptr) {
    GTEST_SKIP() << "KBENCH_TEST_INITRD not set";
  }
  auto s = spec("real-probe", "kbench.mode=probe");
  s.initrd = initrd;
  s.results_complete = kbench::bench::result_channel_complete;
  Clock::duration wall{};
  const auto run = boot(s, &wall);
  print_run("real initramfs probe", run, wall);
  EXPECT_TRUE(run.results_complete);
  ASSERT_TRUE(run.qemu_exit);
  EXPECT_EQ(run.qemu_exit->exit_code, 0);
  EXPECT_TRUE(kbench::vm::probe_failure(run).empty()) << kbench::vm::probe_failure(run);
  expect_no_qemu_left();
}

namespace {

// The SIGINT test's child: boot a hanging guest, write QEMU's pid, and exit
// like kbench would (130 on SIGINT).
int child_hang(const std::filesystem::path& dir) {
  kbench::util::install_interrupt_handlers();
  PidRecordingRunner processes;
  VmSpec s;
  s.kernel = env("KBENCH_TEST_KERNEL");
  s.initrd = test_initramfs();
  s.extra_cmdline = "kbench.test=hang";
  s.work_dir = dir / "hang";
  s.results_complete = test_results_complete;
  kbench::vm::QemuRunner runner(processes);
  std::thread pid_writer([&] {
    while (processes.pids().size() < 2 && kbench::util::interrupt_signal() == 0) {
      std::this_thread::sleep_for(milliseconds(10));
    }
    if (const auto pids = processes.pids(); pids.size() >= 2) {
      kbench::util::write_file_atomic(dir / "qemu.pid", std::to_string(pids[1]));
    }
  });
  const auto run = runner.run(s);
  pid_writer.join();
  const auto verdict = kbench::vm::classify(run, test_guest_status(run));
  std::printf("%s: %s\n", std::string(to_string(verdict.outcome)).c_str(), verdict.reason.c_str());
  if (verdict.outcome == Outcome::interrupted) {
    return static_cast<int>(kbench::ExitCode::interrupted); // kbench throws Interrupted: 130
  }
  return static_cast<int>(kbench::vm::exit_code_of({ { verdict.outcome } }));
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <vm_test_init> [--require-initrd] [gtest flags]\n", argv[0]);
    return 2;
  }
  g_self = std::filesystem::canonical("/proc/self/exe").string();
  g_test_init = argv[1];
  if (env("KBENCH_TEST_KERNEL") == nullptr) {
    std::printf("skipped: set KBENCH_TEST_KERNEL to a bzImage to run the QEMU tests\n");
    return 125;
  }
  if (argc >= 4 && std::string(argv[2]) == "--child-hang") {
    return child_hang(argv[3]);
  }
  std::vector<char*> args = { argv[0] };
  for (int i = 2; i < argc; ++i) {
    if (std::string(argv[i]) == "--require-initrd") {
      if (env("KBENCH_TEST_INITRD") == nullptr) {
        std::printf("skipped: set KBENCH_TEST_INITRD to a kbench initramfs\n");
        return 125;
      }
      continue;
    }
    args.push_back(argv[i]);
  }
  int count = static_cast<int>(args.size());
  ::testing::InitGoogleTest(&count, args.data());
  spdlog::set_level(spdlog::level::info);
  return RUN_ALL_TESTS();
}
