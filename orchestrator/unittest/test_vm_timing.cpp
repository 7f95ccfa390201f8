// Tests of the timing modes: parsing, resolution against the accelerator,
// and the guest clock parameters each mode needs.
#include <kbench/util/error.hpp>
#include <kbench/vm/timing.hpp>

#include <gtest/gtest.h>

namespace kbench::vm {
namespace {

TEST(VmTiming, ParsesTheThreePoliciesAndNamesAnUnknownOne) {
  EXPECT_EQ(parse_timing_policy("auto"), TimingPolicy::automatic);
  EXPECT_EQ(parse_timing_policy("wall"), TimingPolicy::wall);
  EXPECT_EQ(parse_timing_policy("virtual"), TimingPolicy::virtual_);
  try {
    parse_timing_policy("icount");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage);
    EXPECT_NE(std::string(e.what()).find("'icount'"), std::string::npos) << e.what();
  }
  for (const auto p : { TimingPolicy::automatic, TimingPolicy::wall, TimingPolicy::virtual_ }) {
    EXPECT_EQ(parse_timing_policy(to_string(p)), p);
  }
}

TEST(VmTiming, AutoIsVirtualUnderTcgAndWallUnderKvm) {
  EXPECT_EQ(resolve_timing(TimingPolicy::automatic, Accelerator::tcg), Timing::virtual_);
  EXPECT_EQ(resolve_timing(TimingPolicy::automatic, Accelerator::kvm), Timing::wall);
}

TEST(VmTiming, WallIsWallUnderEitherAccelerator) {
  EXPECT_EQ(resolve_timing(TimingPolicy::wall, Accelerator::tcg), Timing::wall);
  EXPECT_EQ(resolve_timing(TimingPolicy::wall, Accelerator::kvm), Timing::wall);
}

TEST(VmTiming, VirtualUnderKvmIsAnInvalidConfig) {
  EXPECT_EQ(resolve_timing(TimingPolicy::virtual_, Accelerator::tcg), Timing::virtual_);
  try {
    resolve_timing(TimingPolicy::virtual_, Accelerator::kvm);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::invalid_config);
  }
}

TEST(VmTiming, GuestClockFollowsTheModeUnderTcgAndIsLeftToKvmClockUnderKvm) {
  EXPECT_EQ(clock_cmdline(Accelerator::tcg, Timing::virtual_, 2400000),
            "tsc_early_khz=1000000 tsc=reliable");
  EXPECT_EQ(clock_cmdline(Accelerator::tcg, Timing::wall, 2400000),
            "tsc_early_khz=2400000 tsc=reliable");
  EXPECT_EQ(clock_cmdline(Accelerator::tcg, Timing::wall, 0), "");
  EXPECT_EQ(clock_cmdline(Accelerator::kvm, Timing::wall, 2400000), "");
}

TEST(VmTiming, DescriptionNamesTheIcountSettingsInVirtualTime) {
  EXPECT_NE(describe_timing(Accelerator::tcg, Timing::virtual_).find("shift=0,sleep=off,align=off"),
            std::string::npos);
  EXPECT_NE(describe_timing(Accelerator::tcg, Timing::wall).find("wall-clock"), std::string::npos);
}

} // namespace
} // namespace kbench::vm
