#include <kbench/stats/descriptive.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace kbench::stats {

namespace {

constexpr double k_infinity = std::numeric_limits<double>::infinity();

} // namespace

double mean(std::span<const double> values) {
  if (values.empty()) {
    return 0.0;
  }
  double sum = 0.0;
  for (const double v : values) {
    sum += v;
  }
  return sum / static_cast<double>(values.size());
}

double sample_stddev(std::span<const double> values) {
  if (values.size() < 2) {
    return 0.0;
  }
  const double m = mean(values);
  double squares = 0.0;
  for (const double v : values) {
    squares += (v - m) * (v - m);
  }
  return std::sqrt(squares / static_cast<double>(values.size() - 1));
}

double coefficient_of_variation(std::span<const double> values) {
  const double m = mean(values);
  if (m == 0.0) {
    return 0.0;
  }
  return sample_stddev(values) / std::fabs(m);
}

double quantile_sorted(std::span<const double> sorted, double p) {
  if (sorted.empty()) {
    return 0.0;
  }
  const double clamped = std::clamp(p, 0.0, 1.0);
  const double h = static_cast<double>(sorted.size() - 1) * clamped;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const double fraction = h - static_cast<double>(lo);
  if (lo + 1 >= sorted.size() || fraction == 0.0 || sorted[lo] == sorted[lo + 1]) {
    return sorted[lo];
  }
  const double below = sorted[lo];
  const double above = sorted[lo + 1];
  if (std::isinf(below) || std::isinf(above)) {
    return fraction < 0.5 ? below : above; // nearest order statistic; never inf - inf
  }
  return below + fraction * (above - below);
}

double quantile(std::span<const double> values, double p) {
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  return quantile_sorted(sorted, p);
}

double median(std::span<const double> values) {
  return quantile(values, 0.5);
}

double safe_ratio(double numerator, double denominator) {
  if (denominator == 0.0) {
    if (numerator == 0.0) {
      return 1.0;
    }
    return numerator > 0.0 ? k_infinity : -k_infinity;
  }
  return numerator / denominator;
}

double relative_change(double base, double value) {
  if (base == 0.0) {
    if (value == 0.0) {
      return 0.0;
    }
    return value > 0.0 ? k_infinity : -k_infinity;
  }
  return (value - base) / std::fabs(base);
}

} // namespace kbench::stats
