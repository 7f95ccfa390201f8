#include <kbench/vm/phase_tracker.hpp>

#include <gtest/gtest.h>

namespace {

using kbench::vm::Deadlines;
using kbench::vm::Phase;
using kbench::vm::PhaseTracker;
using std::chrono::milliseconds;

const PhaseTracker::Clock::time_point t0{};

Deadlines short_deadlines() {
  Deadlines d;
  d.boot = milliseconds(100);
  d.run = milliseconds(200);
  d.shutdown = milliseconds(50);
  d.overall = milliseconds(1000);
  return d;
}

} // namespace

TEST(VmPhaseTracker, PhasesFollowTheEvents) {
  PhaseTracker tracker(short_deadlines(), t0);
  EXPECT_EQ(tracker.phase(), Phase::boot);
  tracker.init_started(t0 + milliseconds(10));
  EXPECT_EQ(tracker.phase(), Phase::run);
  tracker.results_complete(t0 + milliseconds(30));
  EXPECT_EQ(tracker.phase(), Phase::shutdown);
  tracker.exited(t0 + milliseconds(35));
  EXPECT_EQ(tracker.phase(), Phase::exited);
}

TEST(VmPhaseTracker, BootDeadlineCountsFromQemuStart) {
  PhaseTracker tracker(short_deadlines(), t0);
  EXPECT_FALSE(tracker.expired(t0 + milliseconds(99)));
  const auto expiry = tracker.expired(t0 + milliseconds(100));
  ASSERT_TRUE(expiry);
  EXPECT_EQ(expiry->phase, Phase::boot);
  EXPECT_FALSE(expiry->overall);
  EXPECT_EQ(expiry->limit, milliseconds(100));
}

TEST(VmPhaseTracker, RunDeadlineCountsFromInitStart) {
  PhaseTracker tracker(short_deadlines(), t0);
  tracker.init_started(t0 + milliseconds(90));
  EXPECT_FALSE(tracker.expired(t0 + milliseconds(289)));
  const auto expiry = tracker.expired(t0 + milliseconds(290));
  ASSERT_TRUE(expiry);
  EXPECT_EQ(expiry->phase, Phase::run);
}

TEST(VmPhaseTracker, ShutdownDeadlineCountsFromResultsComplete) {
  PhaseTracker tracker(short_deadlines(), t0);
  tracker.results_complete(t0 + milliseconds(20));
  EXPECT_FALSE(tracker.expired(t0 + milliseconds(69)));
  ASSERT_TRUE(tracker.expired(t0 + milliseconds(70)));
  EXPECT_EQ(tracker.expired(t0 + milliseconds(70))->phase, Phase::shutdown);
}

TEST(VmPhaseTracker, OverallDeadlineNamesTheCurrentPhase) {
  auto deadlines = short_deadlines();
  deadlines.run = milliseconds(0); // no run deadline
  PhaseTracker tracker(deadlines, t0);
  tracker.init_started(t0 + milliseconds(50));
  EXPECT_FALSE(tracker.expired(t0 + milliseconds(999)));
  const auto expiry = tracker.expired(t0 + milliseconds(1000));
  ASSERT_TRUE(expiry);
  EXPECT_TRUE(expiry->overall);
  EXPECT_EQ(expiry->phase, Phase::run);
  EXPECT_EQ(kbench::vm::describe(*expiry), "overall deadline of 1 s ran out in the run phase");
}

TEST(VmPhaseTracker, ZeroDeadlinesNeverExpire) {
  PhaseTracker tracker(
    Deadlines{ milliseconds(0), milliseconds(0), milliseconds(0), milliseconds(0) }, t0);
  EXPECT_FALSE(tracker.expired(t0 + std::chrono::hours(100)));
}

TEST(VmPhaseTracker, NothingExpiresOnceQemuExited) {
  PhaseTracker tracker(short_deadlines(), t0);
  tracker.exited(t0 + milliseconds(10));
  EXPECT_FALSE(tracker.expired(t0 + milliseconds(5000)));
}

TEST(VmPhaseTracker, TimingsCoverEachCompletedPhase) {
  PhaseTracker tracker(short_deadlines(), t0);
  tracker.init_started(t0 + milliseconds(40));
  tracker.init_started(t0 + milliseconds(60)); // a second notice changes nothing
  tracker.results_complete(t0 + milliseconds(140));
  tracker.exited(t0 + milliseconds(150));
  const auto timings = tracker.timings(t0 + milliseconds(900));
  EXPECT_EQ(timings.boot_to_init, milliseconds(40));
  EXPECT_EQ(timings.benchmark, milliseconds(100));
  EXPECT_EQ(timings.shutdown, milliseconds(10));
  EXPECT_EQ(timings.total, milliseconds(150));
}

TEST(VmPhaseTracker, UnfinishedPhasesHaveNoTiming) {
  PhaseTracker tracker(short_deadlines(), t0);
  tracker.init_started(t0 + milliseconds(40));
  const auto timings = tracker.timings(t0 + milliseconds(70));
  EXPECT_EQ(timings.boot_to_init, milliseconds(40));
  EXPECT_FALSE(timings.benchmark);
  EXPECT_FALSE(timings.shutdown);
  EXPECT_EQ(timings.total, milliseconds(70));
}

TEST(VmPhaseTracker, DescribesAPhaseDeadline) {
  EXPECT_EQ(kbench::vm::describe({ Phase::boot, false, milliseconds(1500) }),
            "boot phase exceeded its 1.5 s deadline");
}
