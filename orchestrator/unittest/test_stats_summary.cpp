// Tests of the per-variant summary. Expected values from python3's statistics module:
// python3 -c 'import statistics as s; A=[[10,12,11],[13,9],[12,12,14,10],[11],[15,9,12]];
//   v=[x for b in A for x in b]; q=s.quantiles(v,n=100,method="inclusive");
//   print(len(v),min(v),s.mean(v),s.median(v),q[94],q[98],max(v),s.stdev(v),s.stdev(v)/s.mean(v));
//   print([s.mean(b) for b in A],[max(b) for b in A],s.median([max(b) for b in A]))'
//   -> 13 9 11.538461538461538 12 14.4 14.88 15 1.8081014266989475 0.15670212364724212
//   -> [11, 11, 12, 11, 12] [12, 13, 14, 11, 15] 13
#include <kbench/stats/summary.hpp>
#include <kbench/util/error.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace st = kbench::stats;

namespace {

st::Series series_of(const std::vector<std::vector<double>>& boots) {
  st::Series series;
  for (const auto& values : boots) {
    series.boots.push_back(st::BootSamples{ values });
  }
  return series;
}

} // namespace

TEST(StatsSummary, SummarizesAllSamplesAndEachBoot) {
  const auto s = st::summarize(
    series_of({ { 10, 12, 11 }, { 13, 9 }, { 12, 12, 14, 10 }, { 11 }, { 15, 9, 12 } }));
  EXPECT_EQ(s.n, 13U);
  EXPECT_EQ(s.boots, 5U);
  EXPECT_EQ(s.empty_boots, 0U);
  EXPECT_EQ(s.min, 9.0);
  EXPECT_NEAR(s.mean, 11.538461538461538, 1e-12);
  EXPECT_EQ(s.median, 12.0);
  EXPECT_NEAR(s.p95, 14.4, 1e-12);
  EXPECT_NEAR(s.p99, 14.88, 1e-12);
  EXPECT_EQ(s.max, 15.0);
  EXPECT_NEAR(s.stddev, 1.8081014266989475, 1e-12);
  EXPECT_NEAR(s.cov, 0.15670212364724212, 1e-12);
  EXPECT_EQ(s.boot_mean, (std::vector<double>{ 11, 11, 12, 11, 12 }));
  EXPECT_EQ(s.boot_max, (std::vector<double>{ 12, 13, 14, 11, 15 }));
  EXPECT_EQ(s.median_boot_max, 13.0);
}

TEST(StatsSummary, EmptySeriesGivesZeroCountsAndZeroStatistics) {
  const auto s = st::summarize(st::Series{});
  EXPECT_EQ(s.n, 0U);
  EXPECT_EQ(s.boots, 0U);
  EXPECT_EQ(s.mean, 0.0);
  EXPECT_EQ(s.max, 0.0);
  EXPECT_EQ(s.cov, 0.0);
  EXPECT_TRUE(s.boot_mean.empty());
}

TEST(StatsSummary, BootsWithoutSamplesAreCountedButLeftOutOfPerBootValues) {
  const auto s = st::summarize(series_of({ {}, { 4, 6 }, {} }));
  EXPECT_EQ(s.boots, 3U);
  EXPECT_EQ(s.empty_boots, 2U);
  EXPECT_EQ(s.n, 2U);
  EXPECT_EQ(s.boot_mean, (std::vector<double>{ 5 }));
  EXPECT_EQ(s.boot_max, (std::vector<double>{ 6 }));
}

TEST(StatsSummary, SingleSampleHasZeroSpread) {
  const auto s = st::summarize(series_of({ { 705119858 } }));
  EXPECT_EQ(s.n, 1U);
  EXPECT_EQ(s.min, 705119858.0);
  EXPECT_EQ(s.p99, 705119858.0);
  EXPECT_EQ(s.stddev, 0.0);
  EXPECT_EQ(s.cov, 0.0);
  EXPECT_EQ(s.median_boot_max, 705119858.0);
}

TEST(StatsSummary, AllZeroSamplesGiveZeroCoefficientOfVariation) {
  const auto s = st::summarize(series_of({ { 0, 0 }, { 0 } }));
  EXPECT_EQ(s.mean, 0.0);
  EXPECT_EQ(s.cov, 0.0);
  EXPECT_FALSE(std::isnan(s.cov));
}

TEST(StatsSummary, NonFiniteSampleIsRejectedNamingTheBoot) {
  const auto series = series_of({ { 1, 2 }, { 3, std::numeric_limits<double>::quiet_NaN() } });
  try {
    st::summarize(series);
    FAIL() << "expected kbench::Error";
  } catch (const kbench::Error& e) {
    EXPECT_EQ(e.code(), kbench::ExitCode::run_failed);
    EXPECT_NE(std::string(e.what()).find("sample 1 of boot 1"), std::string::npos);
  }
}
