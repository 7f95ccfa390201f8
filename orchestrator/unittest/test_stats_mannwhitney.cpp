// Tests of the Mann-Whitney U test against R's documented examples and
// independent brute-force enumeration in python3.
#include <kbench/stats/mannwhitney.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <vector>

namespace st = kbench::stats;

TEST(StatsMannWhitney, CountsMatchBruteForceEnumeration) {
  // python3: for each of the C(7,3) placements of x among 7 ranks, count pairs x > y:
  //   import itertools, collections; c=collections.Counter(sum(1 for i in xs for j in range(7)
  //   if j not in xs and i>j) for xs in map(set, itertools.combinations(range(7),3)))
  //   -> [1, 1, 2, 3, 4, 4, 5, 4, 4, 3, 2, 1, 1]
  const auto counts = st::mann_whitney_u_counts(3, 4);
  const std::vector<double> expected = { 1, 1, 2, 3, 4, 4, 5, 4, 4, 3, 2, 1, 1 };
  EXPECT_EQ(counts, expected);
  // The counts of every U add up to C(m+n, m): C(40,20) = 137846528820.
  const auto big = st::mann_whitney_u_counts(20, 20);
  EXPECT_DOUBLE_EQ(std::accumulate(big.begin(), big.end(), 0.0), 137846528820.0);
}

TEST(StatsMannWhitney, ExactTestReproducesRsHollanderWolfeExample) {
  // R ?wilcox.test, "Hollander & Wolfe (1973), 69f.": wilcox.test(x, y, alternative = "g")
  // prints W = 35, p-value = 0.1272; the two-sided p is twice that. Independently,
  // python3 enumerating all C(15,5) = 3003 splits gives greater p 0.1272061272061272,
  // two-sided 0.2544122544122544.
  const std::vector<double> x = { 0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46 };
  const std::vector<double> y = { 1.15, 0.88, 0.90, 0.74, 1.21 };
  const auto r = st::mann_whitney_u(x, y);
  EXPECT_TRUE(r.exact);
  EXPECT_EQ(r.n1, 10U);
  EXPECT_EQ(r.n2, 5U);
  EXPECT_EQ(r.u, 35.0);
  EXPECT_NEAR(r.p_value, 0.2544122544122544, 1e-12);
}

TEST(StatsMannWhitney, CompleteSeparationOfFiveBootsGivesTheSmallestExactP) {
  // By hand: only 1 of C(10,5) = 252 orderings puts every x above every y; two-sided p = 2/252
  // (python3 -c 'import math; print(2/math.comb(10,5))' -> 0.007936507936507936).
  const std::vector<double> a = { 10, 11, 12, 13, 14 };
  const std::vector<double> b = { 1, 2, 3, 4, 5 };
  const auto r = st::mann_whitney_u(a, b);
  EXPECT_EQ(r.u, 25.0);
  EXPECT_NEAR(r.p_value, 0.007936507936507936, 1e-15);
  EXPECT_EQ(st::mann_whitney_u(b, a).u, 0.0);
  EXPECT_NEAR(st::mann_whitney_u(b, a).p_value, 0.007936507936507936, 1e-15);
}

TEST(StatsMannWhitney, NormalApproximationWithTiesReproducesRsAirqualityExample) {
  // R ?wilcox.test: wilcox.test(Ozone ~ Month, data = airquality, subset = Month %in% c(5, 8))
  // prints W = 127.5, p-value = 0.0001208 (ties, so R uses the normal approximation with
  // continuity correction). Ozone values of May and August, NAs dropped, from R's airquality.
  // python3 with pair counting and the tie-corrected variance
  //   n1*n2/12*((n+1) - sum(t^3-t)/(n(n-1))) -> U 127.5, tie term 90,
  //   z -3.8444810272800702, p 0.00012080783076877465
  const std::vector<double> may = { 41, 36, 12, 18, 28, 23, 19, 8, 7,  16, 11, 14,  18,
                                    14, 34, 6,  30, 11, 1,  11, 4, 32, 23, 45, 115, 37 };
  const std::vector<double> august = { 39, 9,  16, 78, 35, 66, 122, 89,  110, 44, 28,  65, 22,
                                       59, 23, 31, 44, 21, 9,  45,  168, 73,  76, 118, 84, 85 };
  const auto r = st::mann_whitney_u(may, august);
  EXPECT_FALSE(r.exact);
  EXPECT_EQ(r.u, 127.5);
  EXPECT_NEAR(r.z, -3.8444810272800702, 1e-12);
  EXPECT_NEAR(r.p_value, 0.00012080783076877465, 1e-15);
}

TEST(StatsMannWhitney, LargeSamplesWithoutTiesUseTheNormalApproximation) {
  // python3: x=range(60), y=[i+10.5 for i in range(60)]; U=1225; z=(U-1800+0.5)/sqrt(3600/12*121)
  //   -> z -3.015342996813091, p = erfc(|z|/sqrt 2) = 0.0025668879435241797
  std::vector<double> x, y;
  for (int i = 0; i < 60; ++i) {
    x.push_back(i);
    y.push_back(i + 10.5);
  }
  const auto r = st::mann_whitney_u(x, y);
  EXPECT_FALSE(r.exact);
  EXPECT_EQ(r.u, 1225.0);
  EXPECT_NEAR(r.z, -3.015342996813091, 1e-12);
  EXPECT_NEAR(r.p_value, 0.0025668879435241797, 1e-15);
}

TEST(StatsMannWhitney, EmptySideAndAllTiedValuesGivePOne) {
  const std::vector<double> some = { 1, 2, 3 };
  const auto empty = st::mann_whitney_u(some, {});
  EXPECT_EQ(empty.p_value, 1.0);
  EXPECT_EQ(empty.n2, 0U);
  const std::vector<double> same = { 5, 5, 5 };
  const auto tied = st::mann_whitney_u(same, same);
  EXPECT_EQ(tied.u, 4.5);
  EXPECT_EQ(tied.p_value, 1.0);
  EXPECT_FALSE(std::isnan(tied.z));
}

TEST(StatsMannWhitney, SingleValuesOnEachSideCannotBeSignificant) {
  const std::vector<double> a = { 2 };
  const std::vector<double> b = { 1 };
  const auto r = st::mann_whitney_u(a, b);
  EXPECT_TRUE(r.exact);
  EXPECT_EQ(r.p_value, 1.0); // two orderings, each with probability 1/2: 2 * 1/2
}
