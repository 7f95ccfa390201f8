#include <kbench/stats/mannwhitney.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>

namespace kbench::stats {

namespace {

// Midranks (1-based) of the pooled sample, plus sum(t^3 - t) over tie groups.
struct PooledRanks {
  std::vector<double> ranks; // rank of pooled element i (x first, then y)
  double tie_term = 0.0;     // sum over tie groups of t^3 - t
};

PooledRanks pooled_ranks(std::span<const double> x, std::span<const double> y) {
  std::vector<std::pair<double, std::size_t>> pooled;
  for (const double v : x) {
    pooled.emplace_back(v, pooled.size());
  }
  for (const double v : y) {
    pooled.emplace_back(v, pooled.size());
  }
  std::sort(pooled.begin(), pooled.end());
  PooledRanks result;
  result.ranks.resize(pooled.size());
  for (std::size_t i = 0; i < pooled.size();) {
    std::size_t j = i;
    while (j < pooled.size() && pooled[j].first == pooled[i].first) {
      ++j;
    }
    const double midrank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;
    for (std::size_t k = i; k < j; ++k) {
      result.ranks[pooled[k].second] = midrank;
    }
    const auto t = static_cast<double>(j - i);
    result.tie_term += t * t * t - t;
    i = j;
  }
  return result;
}

double normal_upper_tail(double z) {
  return 0.5 * std::erfc(z / std::sqrt(2.0));
}

double exact_p_value(double u, std::size_t n1, std::size_t n2) {
  const auto counts = mann_whitney_u_counts(n1, n2);
  const double total = std::accumulate(counts.begin(), counts.end(), 0.0);
  const auto k = static_cast<std::size_t>(std::llround(u));
  double lower = 0.0; // P(U <= u)
  double upper = 0.0; // P(U >= u)
  for (std::size_t i = 0; i < counts.size(); ++i) {
    lower += i <= k ? counts[i] : 0.0;
    upper += i >= k ? counts[i] : 0.0;
  }
  return std::min(1.0, 2.0 * std::min(lower, upper) / total);
}

void normal_approximation(MannWhitneyResult& result, double tie_term) {
  const auto n1 = static_cast<double>(result.n1);
  const auto n2 = static_cast<double>(result.n2);
  const double n = n1 + n2;
  const double variance = n1 * n2 / 12.0 * ((n + 1.0) - tie_term / (n * (n - 1.0)));
  if (variance <= 0.0) {
    result.p_value = 1.0; // every value tied: no evidence of a difference
    return;
  }
  const double d = result.u - n1 * n2 / 2.0;
  const double correction = d > 0.0 ? 0.5 : (d < 0.0 ? -0.5 : 0.0);
  result.z = (d - correction) / std::sqrt(variance);
  result.p_value = std::min(1.0, 2.0 * normal_upper_tail(std::fabs(result.z)));
}

} // namespace

std::vector<double> mann_whitney_u_counts(std::size_t m, std::size_t n) {
  // table[j][u] holds f(i, j, u) for the current i; f(0, j, u) = f(i, 0, u) = [u == 0].
  // f counts orderings of i x's and j y's by U: the largest element is either an x
  // (beating all j y's) or a y (beating nothing).
  std::vector<std::vector<double>> table(n + 1, std::vector<double>(m * n + 1, 0.0));
  for (auto& row : table) {
    row[0] = 1.0;
  }
  for (std::size_t i = 1; i <= m; ++i) {
    // Ascending j reads table[j - 1] already updated to i: f(i, j-1, u).
    // table[j] still holds f(i-1, j, .) when read: updated in place from high u down.
    for (std::size_t j = 1; j <= n; ++j) {
      for (std::size_t u = i * j + 1; u-- > 0;) {
        const double from_x = u >= j ? table[j][u - j] : 0.0; // f(i-1, j, u-j)
        table[j][u] = from_x + table[j - 1][u];               // + f(i, j-1, u)
      }
    }
  }
  return table[n];
}

MannWhitneyResult mann_whitney_u(std::span<const double> x, std::span<const double> y) {
  MannWhitneyResult result;
  result.n1 = x.size();
  result.n2 = y.size();
  if (x.empty() || y.empty()) {
    return result;
  }
  const PooledRanks pooled = pooled_ranks(x, y);
  const double rank_sum_x = std::accumulate(
    pooled.ranks.begin(), pooled.ranks.begin() + static_cast<std::ptrdiff_t>(x.size()), 0.0);
  const auto n1 = static_cast<double>(x.size());
  result.u = rank_sum_x - n1 * (n1 + 1.0) / 2.0;
  const bool small = x.size() < k_mann_whitney_exact_limit && y.size() < k_mann_whitney_exact_limit;
  if (small && pooled.tie_term == 0.0) {
    result.exact = true;
    result.p_value = exact_p_value(result.u, result.n1, result.n2);
    return result;
  }
  normal_approximation(result, pooled.tie_term);
  return result;
}

} // namespace kbench::stats
