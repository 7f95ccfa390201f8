// The two-sided Mann-Whitney U test (Wilcoxon rank-sum test), computed the way
// R's wilcox.test(x, y, exact = NULL, correct = TRUE) computes it, so that its
// numbers can be checked against R.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace kbench::stats {

// Samples smaller than this on BOTH sides, without ties, get the exact p-value
// (R's wilcox.test uses the same limit, 50).
inline constexpr std::size_t k_mann_whitney_exact_limit = 50;

// Result of a two-sided Mann-Whitney U test of x against y.
struct MannWhitneyResult {
  std::size_t n1 = 0;   // size of x
  std::size_t n2 = 0;   // size of y
  double u = 0.0;       // U of x: #pairs with x_i > y_j plus half the tied pairs (R's W)
  double p_value = 1.0; // two-sided p-value; 1 when a side is empty or all values are equal
  bool exact = false;   // true: exact null distribution; false: normal approximation
  double z = 0.0;       // standardized statistic of the normal approximation (0 when exact)
};

// Return the two-sided Mann-Whitney U test of x against y: exact when
// n1 < 50, n2 < 50 and there are no ties (enumerating the U distribution with
// the recursion of Mann & Whitney 1947), otherwise the normal approximation
// with tie correction and continuity correction 0.5. If a side is empty, or
// all values are tied (variance 0), p_value is 1.
MannWhitneyResult mann_whitney_u(std::span<const double> x, std::span<const double> y);

// Return the number of arrangements giving each U = 0..m*n under H0 (m and n
// sample sizes, no ties), by the recursion f(m,n,u) = f(m-1,n,u-n) + f(m,n-1,u).
// Counts are doubles: they exceed 2^64 near the exact limit, and only sums of
// positive terms are formed, so the relative error stays near 1e-16.
std::vector<double> mann_whitney_u_counts(std::size_t m, std::size_t n);

} // namespace kbench::stats
