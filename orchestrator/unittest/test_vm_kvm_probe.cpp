#include <kbench/util/error.hpp>
#include <kbench/util/fs.hpp>
#include <kbench/vm/kvm_probe.hpp>

#include <gtest/gtest.h>

#include <csignal>

#include "fake_vm_runner.hpp"

namespace {

using kbench::test::FakeBoot;
using kbench::test::FakeVmRunner;
using kbench::vm::Accelerator;
using kbench::vm::AcceleratorPolicy;
using kbench::vm::ProbeOptions;

class VmKvmProbe : public ::testing::Test {
protected:
  kbench::vm::VmSpec spec() const {
    kbench::vm::VmSpec s;
    s.kernel = "/k/bzImage";
    s.initrd = "/k/initrd";
    s.work_dir = m_dir.path();
    s.extra_cmdline = "kbench.mode=bench";
    s.results_complete = [](std::string_view bytes) {
      return bytes.find("probe\n") != std::string_view::npos;
    };
    return s;
  }

  // Options whose device check passes (/dev/null opens read-write).
  static ProbeOptions usable_device() {
    ProbeOptions options;
    options.kvm_device = "/dev/null";
    options.deadline = std::chrono::seconds(15);
    return options;
  }

  kbench::util::TempDir m_dir{ "kbench-vm-probe" };
  FakeVmRunner m_runner;
};

FakeBoot good_probe() {
  FakeBoot boot;
  boot.console = "[ 0.0] Linux version 6.12\n";
  boot.results = "pending\nprobe\n";
  return boot;
}

FakeBoot msr_abort() {
  FakeBoot boot;
  boot.qemu_exit = kbench::vm::QemuExit{ 1, 0, false };
  boot.qemu_output_tail = "qemu-system-x86_64: error: failed to set MSR 0x10a to 0x0";
  boot.timings.total = std::chrono::milliseconds(400);
  return boot;
}

} // namespace

TEST_F(VmKvmProbe, WorkingProbeChoosesKvm) {
  m_runner.push(good_probe());
  const auto decision =
    decide_accelerator(AcceleratorPolicy::automatic, spec(), m_runner, usable_device());
  EXPECT_EQ(decision.accelerator, Accelerator::kvm);
  EXPECT_NE(decision.reason.find("succeeded"), std::string::npos) << decision.reason;
}

TEST_F(VmKvmProbe, ProbeBootsKvmWithTheProbeParametersAndItsOwnDeadline) {
  m_runner.push(good_probe());
  decide_accelerator(AcceleratorPolicy::automatic, spec(), m_runner, usable_device());
  ASSERT_EQ(m_runner.specs().size(), 1u);
  const auto& probe = m_runner.specs()[0];
  EXPECT_EQ(probe.accelerator, Accelerator::kvm);
  EXPECT_EQ(probe.extra_cmdline, "kbench.mode=probe");
  EXPECT_EQ(probe.work_dir, m_dir.path() / "kvm-probe");
  EXPECT_EQ(probe.deadlines.overall, std::chrono::seconds(15));
  EXPECT_EQ(probe.kernel, "/k/bzImage");
}

TEST_F(VmKvmProbe, QemuAbortFallsBackToTcgQuotingQemu) {
  m_runner.push(msr_abort());
  const auto decision =
    decide_accelerator(AcceleratorPolicy::automatic, spec(), m_runner, usable_device());
  EXPECT_EQ(decision.accelerator, Accelerator::tcg);
  EXPECT_NE(decision.reason.find("qemu exited with status 1"), std::string::npos)
    << decision.reason;
  EXPECT_NE(decision.reason.find("MSR 0x10a"), std::string::npos) << decision.reason;
}

TEST_F(VmKvmProbe, HangingProbeFallsBackToTcg) {
  FakeBoot hang;
  hang.timeout = kbench::vm::Expiry{ kbench::vm::Phase::boot, true, std::chrono::seconds(15) };
  hang.qemu_exit = kbench::vm::QemuExit{ -1, SIGTERM, true };
  m_runner.push(hang);
  const auto decision =
    decide_accelerator(AcceleratorPolicy::automatic, spec(), m_runner, usable_device());
  EXPECT_EQ(decision.accelerator, Accelerator::tcg);
  EXPECT_NE(decision.reason.find("probe timed out after 15.0 s"), std::string::npos)
    << decision.reason;
}

TEST_F(VmKvmProbe, ProbeWithoutTheRecordFails) {
  FakeBoot silent = good_probe();
  silent.results = "pending\n";
  m_runner.push(silent);
  const auto decision =
    decide_accelerator(AcceleratorPolicy::automatic, spec(), m_runner, usable_device());
  EXPECT_EQ(decision.accelerator, Accelerator::tcg);
  EXPECT_NE(decision.reason.find("no probe record"), std::string::npos) << decision.reason;
}

TEST_F(VmKvmProbe, GuestPanicFailsTheProbe) {
  FakeBoot panic = good_probe();
  panic.console += "[ 1.0] Kernel panic - not syncing: emulation failure\n";
  m_runner.push(panic);
  const auto decision =
    decide_accelerator(AcceleratorPolicy::automatic, spec(), m_runner, usable_device());
  EXPECT_EQ(decision.accelerator, Accelerator::tcg);
}

TEST_F(VmKvmProbe, UnopenableDeviceSkipsTheProbeBoot) {
  ProbeOptions options;
  options.kvm_device = m_dir.path() / "no-such-kvm";
  const auto decision = decide_accelerator(AcceleratorPolicy::automatic, spec(), m_runner, options);
  EXPECT_EQ(decision.accelerator, Accelerator::tcg);
  EXPECT_NE(decision.reason.find("cannot open read-write"), std::string::npos) << decision.reason;
  EXPECT_TRUE(m_runner.specs().empty());
}

TEST_F(VmKvmProbe, ForcedTcgNeverProbes) {
  const auto decision =
    decide_accelerator(AcceleratorPolicy::tcg, spec(), m_runner, usable_device());
  EXPECT_EQ(decision.accelerator, Accelerator::tcg);
  EXPECT_EQ(decision.reason, "forced by --accel tcg");
  EXPECT_TRUE(m_runner.specs().empty());
}

TEST_F(VmKvmProbe, ForcedKvmThatFailsIsAnInfraError) {
  m_runner.push(msr_abort());
  try {
    decide_accelerator(AcceleratorPolicy::kvm, spec(), m_runner, usable_device());
    FAIL() << "expected an error";
  } catch (const kbench::Error& error) {
    EXPECT_EQ(error.code(), kbench::ExitCode::infra);
    EXPECT_NE(std::string(error.what()).find("MSR 0x10a"), std::string::npos) << error.what();
  }
}

TEST_F(VmKvmProbe, ForcedKvmThatWorksIsKvm) {
  m_runner.push(good_probe());
  EXPECT_EQ(
    decide_accelerator(AcceleratorPolicy::kvm, spec(), m_runner, usable_device()).accelerator,
    Accelerator::kvm);
}

TEST_F(VmKvmProbe, InterruptDuringTheProbeThrows) {
  FakeBoot interrupted;
  interrupted.interrupt_signal = SIGINT;
  interrupted.qemu_exit = kbench::vm::QemuExit{ -1, SIGTERM, true };
  m_runner.push(interrupted);
  EXPECT_THROW(decide_accelerator(AcceleratorPolicy::automatic, spec(), m_runner, usable_device()),
               kbench::Interrupted);
}

TEST_F(VmKvmProbe, PolicyParsesTheFlagValues) {
  EXPECT_EQ(kbench::vm::parse_accelerator_policy("auto"), AcceleratorPolicy::automatic);
  EXPECT_EQ(kbench::vm::parse_accelerator_policy("kvm"), AcceleratorPolicy::kvm);
  EXPECT_EQ(kbench::vm::parse_accelerator_policy("tcg"), AcceleratorPolicy::tcg);
  EXPECT_THROW(kbench::vm::parse_accelerator_policy("hvf"), kbench::Error);
}

TEST_F(VmKvmProbe, FakeRunnerWritesTheScriptedFilesIntoTheWorkDir) {
  m_runner.push(good_probe());
  const auto run = m_runner.run(spec());
  EXPECT_EQ(kbench::util::read_file(run.results_file), "pending\nprobe\n");
  EXPECT_EQ(kbench::util::read_file(run.console_log), "[ 0.0] Linux version 6.12\n");
  EXPECT_TRUE(run.init_started);
  EXPECT_TRUE(run.results_complete);
  EXPECT_EQ(run.console.banners, 1);
}
