// Tests of the descriptive statistics. Each expected value names how it was
// obtained independently (python3 3.11 `statistics` module, or by hand).
#include <kbench/stats/descriptive.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace st = kbench::stats;

TEST(StatsDescriptive, QuantilesFollowLinearInterpolationType7) {
  // numpy's documented example data; type 7 by hand: h = 4*0.95 = 3.8 -> 40 + 0.8*(50-40) = 48.
  // python3 -c 'import statistics as s; d=[15,20,35,40,50];
  //   print(s.quantiles(d,n=100,method="inclusive")[94], ...[98],
  //   s.quantiles(d,n=4,method="inclusive"))'
  //   -> 48.0 49.6 [20.0, 35.0, 40.0]
  const std::vector<double> sorted = { 15, 20, 35, 40, 50 };
  EXPECT_DOUBLE_EQ(st::quantile_sorted(sorted, 0.95), 48.0);
  EXPECT_DOUBLE_EQ(st::quantile_sorted(sorted, 0.99), 49.6);
  EXPECT_DOUBLE_EQ(st::quantile_sorted(sorted, 0.25), 20.0);
  EXPECT_DOUBLE_EQ(st::quantile_sorted(sorted, 0.50), 35.0);
  EXPECT_DOUBLE_EQ(st::quantile_sorted(sorted, 0.75), 40.0);
  EXPECT_DOUBLE_EQ(st::quantile_sorted(sorted, 0.0), 15.0);
  EXPECT_DOUBLE_EQ(st::quantile_sorted(sorted, 1.0), 50.0);
}

TEST(StatsDescriptive, QuantileSortsUnsortedInput) {
  // python3: d=[3.1,1.2,9.9,4.4,7.0,2.5,6.3,8.8,0.4,5.5,7.7];
  // q=s.quantiles(d,n=100,method="inclusive")
  //   q[94] -> 9.35, q[98] -> 9.79, s.median(d) -> 5.5, q[24] -> 2.8
  const std::vector<double> d = { 3.1, 1.2, 9.9, 4.4, 7.0, 2.5, 6.3, 8.8, 0.4, 5.5, 7.7 };
  EXPECT_NEAR(st::quantile(d, 0.95), 9.35, 1e-12);
  EXPECT_NEAR(st::quantile(d, 0.99), 9.79, 1e-12);
  EXPECT_NEAR(st::quantile(d, 0.25), 2.8, 1e-12);
  EXPECT_DOUBLE_EQ(st::median(d), 5.5);
}

TEST(StatsDescriptive, QuantileOfEmptyIsZeroAndOutOfRangePIsClamped) {
  EXPECT_EQ(st::quantile_sorted({}, 0.5), 0.0);
  const std::vector<double> sorted = { 1, 2 };
  EXPECT_EQ(st::quantile_sorted(sorted, -1.0), 1.0);
  EXPECT_EQ(st::quantile_sorted(sorted, 2.0), 2.0);
}

TEST(StatsDescriptive, QuantileNextToInfinityNeverGivesNaN) {
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<double> sorted = { -inf, inf, inf };
  EXPECT_EQ(st::quantile_sorted(sorted, 0.9), inf);
  EXPECT_EQ(st::quantile_sorted(sorted, 0.1), -inf);
  EXPECT_FALSE(std::isnan(st::quantile_sorted(sorted, 0.25)));
}

TEST(StatsDescriptive, SampleStddevAndCoefficientOfVariationUseNMinusOne) {
  // python3 -c 'import statistics as s; d=[2,4,4,4,5,5,7,9]; print(s.stdev(d),
  // s.stdev(d)/s.mean(d), s.mean(d))'
  //   -> 2.138089935299395 0.427617987059879 5
  const std::vector<double> d = { 2, 4, 4, 4, 5, 5, 7, 9 };
  EXPECT_DOUBLE_EQ(st::mean(d), 5.0);
  EXPECT_NEAR(st::sample_stddev(d), 2.138089935299395, 1e-14);
  EXPECT_NEAR(st::coefficient_of_variation(d), 0.427617987059879, 1e-14);
}

TEST(StatsDescriptive, DegenerateInputsGiveZeroNotNaN) {
  EXPECT_EQ(st::mean({}), 0.0);
  const std::vector<double> one = { 42.0 };
  EXPECT_EQ(st::sample_stddev(one), 0.0);
  const std::vector<double> zeros = { 0.0, 0.0, 0.0 };
  EXPECT_EQ(st::coefficient_of_variation(zeros), 0.0);
  const std::vector<double> equal = { 7.5, 7.5, 7.5 };
  EXPECT_EQ(st::sample_stddev(equal), 0.0);
  EXPECT_EQ(st::coefficient_of_variation(equal), 0.0);
}

TEST(StatsDescriptive, SafeRatioAndRelativeChangeDefineTheZeroCases) {
  const double inf = std::numeric_limits<double>::infinity();
  // The seed cover letter: 705119858 ns / 1665917 ns; python3 -c 'print(705119858/1665917)' ->
  // 423.26229818172214
  EXPECT_NEAR(st::safe_ratio(705119858.0, 1665917.0), 423.26229818172214, 1e-9);
  EXPECT_EQ(st::safe_ratio(0.0, 0.0), 1.0);
  EXPECT_EQ(st::safe_ratio(3.0, 0.0), inf);
  EXPECT_EQ(st::relative_change(100.0, 95.0), -0.05);
  EXPECT_EQ(st::relative_change(0.0, 0.0), 0.0);
  EXPECT_EQ(st::relative_change(0.0, 1.0), inf);
  EXPECT_EQ(st::relative_change(-2.0, -1.0), 0.5); // divides by |base|
}
