// The seeded two-sample bootstrap over boots. Each resample draws, with
// replacement, as many boots as each side has, from that side only; the
// statistics are recomputed from the drawn boots, and the interval is the
// percentile interval of the recomputed values. Resampling boots rather than
// samples keeps the boot-to-boot variation in the interval.
#pragma once

#include <kbench/stats/samples.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace kbench::stats {

// The documented default seed: the ASCII bytes of "kbench" (0x6b62656e6368).
inline constexpr std::uint64_t k_default_bootstrap_seed = 0x6b62656e6368ULL;

// How many resamples to draw, at which confidence, from which seed.
struct BootstrapSettings {
  std::size_t resamples = 10000;                 // number of resamples (>= 1)
  double confidence = 0.95;                      // two-sided confidence level, in (0, 1)
  std::uint64_t seed = k_default_bootstrap_seed; // Xoshiro256StarStar seed
};

// What the bootstrap needs to know about one non-empty boot.
struct BootAggregate {
  double sum = 0.0;      // sum of the boot's samples
  std::size_t count = 0; // number of samples (>= 1)
  double max = 0.0;      // largest sample
};

// A closed interval [low, high].
struct Interval {
  double low = 0.0;  // lower bound
  double high = 0.0; // upper bound
};

// The four comparison statistics, all baseline (A) against patched (B):
struct RatioStatistics {
  double mean_ratio = 1.0;  // pooled mean A / pooled mean B (sums over counts)
  double max_ratio = 1.0;   // overall max A / overall max B
  double mean_change = 0.0; // relative change (B-A)/A of the mean of per-boot means
  double max_change = 0.0;  // relative change (B-A)/A of the mean of per-boot maxima
};

// Percentile intervals of the four statistics of RatioStatistics.
struct BootstrapIntervals {
  Interval mean_ratio;  // interval of mean_ratio
  Interval max_ratio;   // interval of max_ratio
  Interval mean_change; // interval of mean_change
  Interval max_change;  // interval of max_change
};

// Return one BootAggregate per non-empty boot of `series`, in boot order.
std::vector<BootAggregate> aggregate_boots(const Series& series);

// Return the statistics of A = a[ia[k]] and B = b[ib[k]] (the drawn boots).
// Ratios and changes with zero denominators follow safe_ratio/relative_change.
// Empty index lists count as an empty side: pooled mean and max 0.
RatioStatistics ratio_statistics(std::span<const BootAggregate> a, std::span<const BootAggregate> b,
                                 std::span<const std::size_t> ia, std::span<const std::size_t> ib);

// Return the statistics of the observed data (every boot drawn once).
RatioStatistics ratio_statistics(std::span<const BootAggregate> a,
                                 std::span<const BootAggregate> b);

// Return the percentile bootstrap intervals: for each resample r = 1..R, draw
// |a| indices uniform_index(|a|), then |b| indices uniform_index(|b|), from one
// Xoshiro256StarStar(seed); the interval bounds are the type-7 quantiles
// (1-c)/2 and (1+c)/2 of the R values. A side with no boots gives the point
// value as a degenerate interval. Throws kbench::Error(invalid_config) on bad settings.
BootstrapIntervals bootstrap_intervals(std::span<const BootAggregate> a,
                                       std::span<const BootAggregate> b,
                                       const BootstrapSettings& settings);

} // namespace kbench::stats
