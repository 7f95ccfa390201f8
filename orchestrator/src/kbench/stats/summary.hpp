// The per-variant, per-metric summary: every number kbench prints about one
// side of an A/B comparison, computed from all samples and from the boots.
#pragma once

#include <kbench/stats/samples.hpp>

#include <cstddef>
#include <vector>

namespace kbench::stats {

// Summary of one Series. Statistics over "all samples" pool every value of
// every boot. Percentiles are type 7 (see quantile_sorted). An empty series
// (no samples at all) gives n == 0 and every statistic 0; read n first.
struct Summary {
  std::size_t n = 0;             // number of samples over all boots
  std::size_t boots = 0;         // number of boots, including boots without samples
  std::size_t empty_boots = 0;   // boots that produced no sample (left out of per-boot values)
  double min = 0.0;              // smallest sample
  double mean = 0.0;             // arithmetic mean of all samples (the seed's "Average duration")
  double median = 0.0;           // 0.5-quantile of all samples
  double p95 = 0.0;              // 0.95-quantile of all samples
  double p99 = 0.0;              // 0.99-quantile of all samples
  double max = 0.0;              // largest sample (the seed's "Maximum duration")
  double stddev = 0.0;           // sample standard deviation (n-1) of all samples; 0 if n < 2
  double cov = 0.0;              // stddev/|mean| of all samples; 0 if the mean is 0
  double median_boot_max = 0.0;  // median of boot_max: a typical boot's worst case
  std::vector<double> boot_max;  // per non-empty boot: its largest sample, in boot order
  std::vector<double> boot_mean; // per non-empty boot: the mean of its samples, in boot order
};

// Return the summary of `series`; throws kbench::Error(run_failed) naming the
// boot and sample index if a value is not finite.
Summary summarize(const Series& series);

} // namespace kbench::stats
