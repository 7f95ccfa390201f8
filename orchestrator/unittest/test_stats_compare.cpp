// Tests of the A/B comparison: each verdict branch, each warning, and the
// degenerate inputs. Expected p-values are exact U-test values worked by hand:
// complete separation of 6 vs 6 boots gives two-sided p = 2/C(12,6) = 2/924
// (python3 -c 'import math; print(2/math.comb(12,6))' -> 0.0021645021645021645).
#include <kbench/stats/compare.hpp>
#include <kbench/util/error.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace st = kbench::stats;

namespace {

// A series of `boots` boots whose samples are center*(1 +- spread) around a
// per-boot offset of `step`*boot, so boot means are center + step*boot.
st::Series series(double center, double step, int boots = 6) {
  st::Series s;
  for (int b = 0; b < boots; ++b) {
    const double m = center + step * b;
    s.boots.push_back(st::BootSamples{ { m * 0.99, m, m * 1.01 } });
  }
  return s;
}

bool has_warning(const st::Comparison& c, st::WarningKind kind) {
  return std::any_of(c.warnings.begin(), c.warnings.end(),
                     [kind](const st::Warning& w) { return w.kind == kind; });
}

void expect_no_nan(const st::Comparison& c) {
  for (const auto* j : { &c.mean, &c.max }) {
    for (const double v :
         { j->ratio.point, j->ratio.ci.low, j->ratio.ci.high, j->change.point, j->change.ci.low,
           j->change.ci.high, j->test.u, j->test.p_value, j->test.z }) {
      EXPECT_FALSE(std::isnan(v));
    }
  }
  for (const auto* s : { &c.baseline, &c.patched }) {
    for (const double v : { s->min, s->mean, s->median, s->p95, s->p99, s->max, s->stddev, s->cov,
                            s->median_boot_max }) {
      EXPECT_FALSE(std::isnan(v));
    }
  }
}

} // namespace

TEST(StatsCompare, VerdictNamesAreWords) {
  EXPECT_EQ(st::verdict_name(st::Verdict::improved), "improved");
  EXPECT_EQ(st::verdict_name(st::Verdict::regressed), "regressed");
  EXPECT_EQ(st::verdict_name(st::Verdict::within_noise), "within noise");
  EXPECT_EQ(st::verdict_name(st::Verdict::no_change), "no change");
}

TEST(StatsCompare, DecideVerdictCoversEveryBranchForBothDirections) {
  const auto lower = st::Direction::lower_is_better;
  const auto higher = st::Direction::higher_is_better;
  EXPECT_EQ(st::decide_verdict(0.01, { -0.5, -0.4 }, lower, 0.05, 0.05), st::Verdict::improved);
  EXPECT_EQ(st::decide_verdict(0.01, { 0.4, 0.5 }, lower, 0.05, 0.05), st::Verdict::regressed);
  EXPECT_EQ(st::decide_verdict(0.01, { -0.06, -0.04 }, lower, 0.05, 0.05),
            st::Verdict::within_noise);
  // A significant change whose whole interval is inside the band is equivalent: no change.
  EXPECT_EQ(st::decide_verdict(0.01, { -0.0002, -0.0001 }, lower, 0.05, 0.05),
            st::Verdict::no_change);
  EXPECT_EQ(st::decide_verdict(0.01, { -0.05, 0.05 }, higher, 0.05, 0.05), st::Verdict::no_change);
  EXPECT_EQ(st::decide_verdict(0.05, { -0.5, -0.4 }, lower, 0.05, 0.05), st::Verdict::no_change);
  EXPECT_EQ(st::decide_verdict(0.01, { 0.4, 0.5 }, higher, 0.05, 0.05), st::Verdict::improved);
  EXPECT_EQ(st::decide_verdict(0.01, { -0.5, -0.4 }, higher, 0.05, 0.05), st::Verdict::regressed);
  // The bound must lie strictly beyond the noise band.
  EXPECT_EQ(st::decide_verdict(0.01, { -0.5, -0.05 }, lower, 0.05, 0.05),
            st::Verdict::within_noise);
}

TEST(StatsCompare, MuchFasterPatchedKernelIsImproved) {
  const auto c = st::compare(series(100.0, 1.0), series(1.0, 0.01), st::Direction::lower_is_better);
  EXPECT_EQ(c.mean.verdict, st::Verdict::improved);
  EXPECT_EQ(c.max.verdict, st::Verdict::improved);
  EXPECT_TRUE(c.mean.test.exact);
  EXPECT_NEAR(c.mean.test.p_value, 0.0021645021645021645, 1e-15);
  // Means 102.5 and 1.025 (centers + step * 2.5): ratio 100, change -0.99.
  EXPECT_NEAR(c.mean.ratio.point, 100.0, 1e-9);
  EXPECT_NEAR(c.mean.change.point, -0.99, 1e-12);
  EXPECT_LT(c.mean.change.ci.high, -0.05);
  EXPECT_TRUE(c.warnings.empty());
}

TEST(StatsCompare, SlowerPatchedKernelIsRegressed) {
  const auto c =
    st::compare(series(100.0, 1.0), series(150.0, 1.0), st::Direction::lower_is_better);
  EXPECT_EQ(c.mean.verdict, st::Verdict::regressed);
  EXPECT_GT(c.mean.change.ci.low, 0.05);
  EXPECT_LT(c.mean.ratio.point, 1.0);
}

TEST(StatsCompare, HigherIsBetterMetricMirrorsTheVerdict) {
  const auto c =
    st::compare(series(100.0, 1.0), series(150.0, 1.0), st::Direction::higher_is_better);
  EXPECT_EQ(c.mean.verdict, st::Verdict::improved);
  EXPECT_EQ(c.direction, st::Direction::higher_is_better);
}

TEST(StatsCompare, SignificantChangeInsideTheNoiseBandIsNoChange) {
  // Every patched boot is 2% faster than every baseline boot: p = 2/924, change ~ -2%, and the
  // whole interval is inside +-5%: equivalent within the band.
  const auto c = st::compare(series(100.0, 0.1), series(98.0, 0.1), st::Direction::lower_is_better);
  EXPECT_LT(c.mean.test.p_value, 0.05);
  EXPECT_GT(c.mean.change.ci.low, -0.05);
  EXPECT_EQ(c.mean.verdict, st::Verdict::no_change);
  // With a 1% band the same 2% is an improvement.
  st::CompareSettings tight;
  tight.noise = 0.01;
  const auto t =
    st::compare(series(100.0, 0.1), series(98.0, 0.1), st::Direction::lower_is_better, tight);
  EXPECT_EQ(t.mean.verdict, st::Verdict::improved);
}

TEST(StatsCompare, SignificantChangeCrossingTheBandEdgeIsWithinNoise) {
  // Patched boots 4-6% faster: significant, and the interval reaches past -5%.
  const auto c = st::compare(series(100.0, 0.5), series(95.0, 0.5), st::Direction::lower_is_better);
  EXPECT_LT(c.mean.test.p_value, 0.05);
  EXPECT_LT(c.mean.change.ci.low, -0.05);
  EXPECT_GT(c.mean.change.ci.high, -0.05);
  EXPECT_EQ(c.mean.verdict, st::Verdict::within_noise);
}

TEST(StatsCompare, InterleavedBootsAreNoChange) {
  // Baseline boot means 100,102,...,110; patched 101,103,...,111: p well above 0.05.
  const auto c =
    st::compare(series(100.0, 2.0), series(101.0, 2.0), st::Direction::lower_is_better);
  EXPECT_GT(c.mean.test.p_value, 0.05);
  EXPECT_EQ(c.mean.verdict, st::Verdict::no_change);
}

TEST(StatsCompare, SettingsChangeTheVerdict) {
  st::CompareSettings loose;
  loose.noise = 0.01; // now a 2% change is beyond the noise band
  const auto c =
    st::compare(series(100.0, 0.1), series(98.0, 0.1), st::Direction::lower_is_better, loose);
  EXPECT_EQ(c.mean.verdict, st::Verdict::improved);
  st::CompareSettings strict;
  strict.alpha = 0.001; // 2/924 is no longer significant
  const auto d =
    st::compare(series(100.0, 1.0), series(1.0, 0.01), st::Direction::lower_is_better, strict);
  EXPECT_EQ(d.mean.verdict, st::Verdict::no_change);
}

TEST(StatsCompare, ComparisonIsDeterministic) {
  const auto a = series(100.0, 3.0);
  const auto b = series(90.0, 4.0);
  const auto c1 = st::compare(a, b, st::Direction::lower_is_better);
  const auto c2 = st::compare(a, b, st::Direction::lower_is_better);
  EXPECT_EQ(c1.mean.change.ci.low, c2.mean.change.ci.low);
  EXPECT_EQ(c1.max.ratio.ci.high, c2.max.ratio.ci.high);
  EXPECT_EQ(c1.mean.test.p_value, c2.mean.test.p_value);
}

TEST(StatsCompare, FewBootsRaisesFewBootsForThatSide) {
  const auto c =
    st::compare(series(100.0, 1.0, 4), series(1.0, 0.01, 6), st::Direction::lower_is_better);
  ASSERT_EQ(c.warnings.size(), 1U);
  EXPECT_EQ(c.warnings[0].kind, st::WarningKind::few_boots);
  EXPECT_EQ(st::warning_kind_name(c.warnings[0].kind), "few_boots");
  EXPECT_NE(c.warnings[0].text.find("baseline: 4 boot(s)"), std::string::npos);
}

TEST(StatsCompare, VaryingBootsRaiseUnstable) {
  // Patched boot means 10, 20, ..., 60: python3 -c 'import statistics as s; d=[10,20,30,40,50,60];
  //   print(s.stdev(d)/s.mean(d))' -> 0.5345224838248488 > 0.20.
  const auto c =
    st::compare(series(100.0, 0.0), series(10.0, 10.0), st::Direction::lower_is_better);
  EXPECT_TRUE(has_warning(c, st::WarningKind::unstable));
  EXPECT_FALSE(has_warning(c, st::WarningKind::few_boots));
  const auto& w = *std::find_if(c.warnings.begin(), c.warnings.end(), [](const st::Warning& x) {
    return x.kind == st::WarningKind::unstable;
  });
  EXPECT_NE(w.text.find("patched: coefficient of variation of per-boot means is 53.5%"),
            std::string::npos);
}

TEST(StatsCompare, EmptyBootsAndMissingDataAreWarnedAbout) {
  st::Series with_empty = series(100.0, 1.0);
  with_empty.boots.push_back(st::BootSamples{});
  const auto c = st::compare(with_empty, st::Series{}, st::Direction::lower_is_better);
  EXPECT_TRUE(has_warning(c, st::WarningKind::empty_boots));
  EXPECT_TRUE(has_warning(c, st::WarningKind::no_data));
  EXPECT_EQ(c.mean.verdict, st::Verdict::no_change);
  EXPECT_EQ(c.mean.test.p_value, 1.0);
  expect_no_nan(c);
}

TEST(StatsCompare, CallerCanAttachLostEventsAndAcceleratorWarnings) {
  auto c = st::compare(series(100.0, 1.0), series(1.0, 0.01), st::Direction::lower_is_better);
  c.warnings.push_back(st::make_warning(st::WarningKind::lost_events, "patched: 12 events lost"));
  c.warnings.push_back(
    st::make_warning(st::WarningKind::accelerator_mismatch, "baseline kvm, patched tcg"));
  EXPECT_EQ(st::warning_kind_name(c.warnings[0].kind), "lost_events");
  EXPECT_EQ(st::warning_kind_name(c.warnings[1].kind), "accelerator_mismatch");
  EXPECT_EQ(st::warning_kind_name(st::WarningKind::empty_boots), "empty_boots");
  EXPECT_EQ(st::warning_kind_name(st::WarningKind::no_data), "no_data");
  EXPECT_EQ(st::warning_kind_name(st::WarningKind::unstable), "unstable");
}

TEST(StatsCompare, EmptySeriesOnBothSidesGiveNoChangeAndNoNaN) {
  const auto c = st::compare(st::Series{}, st::Series{}, st::Direction::lower_is_better);
  EXPECT_EQ(c.mean.verdict, st::Verdict::no_change);
  EXPECT_EQ(c.mean.ratio.point, 1.0);
  EXPECT_EQ(c.mean.change.point, 0.0);
  expect_no_nan(c);
}

TEST(StatsCompare, SingleBootPerSideIsNeverSignificant) {
  const auto c =
    st::compare(series(100.0, 0.0, 1), series(1.0, 0.0, 1), st::Direction::lower_is_better);
  EXPECT_EQ(c.mean.test.p_value, 1.0);
  EXPECT_EQ(c.mean.verdict, st::Verdict::no_change);
  EXPECT_NEAR(c.mean.ratio.point, 100.0, 1e-9);
  EXPECT_TRUE(has_warning(c, st::WarningKind::few_boots));
  expect_no_nan(c);
}

TEST(StatsCompare, AllZeroAndAllEqualSamplesGiveNoChangeAndNoNaN) {
  st::Series zeros;
  st::Series sevens;
  for (int b = 0; b < 6; ++b) {
    zeros.boots.push_back(st::BootSamples{ { 0.0, 0.0 } });
    sevens.boots.push_back(st::BootSamples{ { 7.0, 7.0 } });
  }
  const auto z = st::compare(zeros, zeros, st::Direction::lower_is_better);
  EXPECT_EQ(z.mean.ratio.point, 1.0);
  EXPECT_EQ(z.mean.change.point, 0.0);
  EXPECT_EQ(z.mean.verdict, st::Verdict::no_change);
  expect_no_nan(z);
  const auto e = st::compare(sevens, sevens, st::Direction::lower_is_better);
  EXPECT_EQ(e.mean.test.p_value, 1.0);
  EXPECT_EQ(e.mean.verdict, st::Verdict::no_change);
  expect_no_nan(e);
}

TEST(StatsCompare, BadSettingsAreRejected) {
  st::CompareSettings bad;
  bad.alpha = 0.0;
  EXPECT_THROW(st::compare(series(1, 0), series(1, 0), st::Direction::lower_is_better, bad),
               kbench::Error);
  bad = {};
  bad.noise = -0.1;
  EXPECT_THROW(st::compare(series(1, 0), series(1, 0), st::Direction::lower_is_better, bad),
               kbench::Error);
}
