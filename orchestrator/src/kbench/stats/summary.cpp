#include <kbench/stats/descriptive.hpp>
#include <kbench/stats/summary.hpp>
#include <kbench/util/error.hpp>

#include <algorithm>
#include <cmath>
#include <string>

namespace kbench::stats {

namespace {

void check_finite(const Series& series) {
  for (std::size_t b = 0; b < series.boots.size(); ++b) {
    const auto& values = series.boots[b].values;
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (!std::isfinite(values[i])) {
        throw Error(ExitCode::run_failed, "statistics: sample " + std::to_string(i) + " of boot " +
                                            std::to_string(b) + " is not a finite number");
      }
    }
  }
}

void add_boot_values(const Series& series, Summary& summary) {
  for (const auto& boot : series.boots) {
    if (boot.values.empty()) {
      ++summary.empty_boots;
      continue;
    }
    summary.boot_max.push_back(*std::max_element(boot.values.begin(), boot.values.end()));
    summary.boot_mean.push_back(mean(boot.values));
  }
}

} // namespace

Summary summarize(const Series& series) {
  check_finite(series);
  Summary summary;
  summary.boots = series.boots.size();
  add_boot_values(series, summary);
  std::vector<double> all;
  for (const auto& boot : series.boots) {
    all.insert(all.end(), boot.values.begin(), boot.values.end());
  }
  summary.n = all.size();
  if (all.empty()) {
    return summary;
  }
  std::sort(all.begin(), all.end());
  summary.min = all.front();
  summary.max = all.back();
  summary.mean = mean(all);
  summary.median = quantile_sorted(all, 0.5);
  summary.p95 = quantile_sorted(all, 0.95);
  summary.p99 = quantile_sorted(all, 0.99);
  summary.stddev = sample_stddev(all);
  summary.cov = coefficient_of_variation(all);
  summary.median_boot_max = median(summary.boot_max);
  return summary;
}

} // namespace kbench::stats
