#include <kbench/stats/bootstrap.hpp>
#include <kbench/stats/descriptive.hpp>
#include <kbench/stats/random.hpp>
#include <kbench/util/error.hpp>

#include <algorithm>
#include <numeric>
#include <string>

namespace kbench::stats {

namespace {

// Pooled and per-boot sums of one (resampled) side.
struct SideTotals {
  double sum = 0.0;
  double count = 0.0;
  double max = 0.0;
  double boot_mean_sum = 0.0;
  double boot_max_sum = 0.0;
  double boots = 0.0;
};

SideTotals side_totals(std::span<const BootAggregate> boots, std::span<const std::size_t> drawn) {
  SideTotals t;
  for (const std::size_t i : drawn) {
    const BootAggregate& boot = boots[i];
    t.max = t.boots == 0.0 ? boot.max : std::max(t.max, boot.max);
    t.sum += boot.sum;
    t.count += static_cast<double>(boot.count);
    t.boot_mean_sum += boot.sum / static_cast<double>(boot.count);
    t.boot_max_sum += boot.max;
    t.boots += 1.0;
  }
  return t;
}

double average(double total, double n) {
  return n == 0.0 ? 0.0 : total / n;
}

void check_settings(const BootstrapSettings& settings) {
  if (settings.resamples == 0 || !(settings.confidence > 0.0 && settings.confidence < 1.0)) {
    throw Error(ExitCode::invalid_config,
                "statistics: bootstrap needs resamples >= 1 and 0 < confidence < 1 (got " +
                  std::to_string(settings.resamples) + " resamples, confidence " +
                  std::to_string(settings.confidence) + ")");
  }
}

std::vector<std::size_t> identity(std::size_t n) {
  std::vector<std::size_t> indices(n);
  std::iota(indices.begin(), indices.end(), std::size_t{ 0 });
  return indices;
}

// The recomputed statistics of every resample, in resample order.
struct Draws {
  std::vector<double> mean_ratio, max_ratio, mean_change, max_change;
};

// Draw settings.resamples resamples: per resample |a| indices into a, then |b| into b.
Draws draw_resamples(std::span<const BootAggregate> a, std::span<const BootAggregate> b,
                     const BootstrapSettings& settings) {
  Xoshiro256StarStar rng(settings.seed);
  std::vector<std::size_t> ia(a.size());
  std::vector<std::size_t> ib(b.size());
  Draws d;
  for (std::size_t r = 0; r < settings.resamples; ++r) {
    for (auto& i : ia) {
      i = rng.uniform_index(a.size());
    }
    for (auto& i : ib) {
      i = rng.uniform_index(b.size());
    }
    const RatioStatistics s = ratio_statistics(a, b, ia, ib);
    d.mean_ratio.push_back(s.mean_ratio);
    d.max_ratio.push_back(s.max_ratio);
    d.mean_change.push_back(s.mean_change);
    d.max_change.push_back(s.max_change);
  }
  return d;
}

Interval percentile_interval(std::vector<double>& draws, double confidence) {
  std::sort(draws.begin(), draws.end());
  return { quantile_sorted(draws, (1.0 - confidence) / 2.0),
           quantile_sorted(draws, (1.0 + confidence) / 2.0) };
}

} // namespace

std::vector<BootAggregate> aggregate_boots(const Series& series) {
  std::vector<BootAggregate> result;
  for (const auto& boot : series.boots) {
    if (boot.values.empty()) {
      continue;
    }
    BootAggregate agg;
    agg.count = boot.values.size();
    agg.sum = std::accumulate(boot.values.begin(), boot.values.end(), 0.0);
    agg.max = *std::max_element(boot.values.begin(), boot.values.end());
    result.push_back(agg);
  }
  return result;
}

RatioStatistics ratio_statistics(std::span<const BootAggregate> a, std::span<const BootAggregate> b,
                                 std::span<const std::size_t> ia, std::span<const std::size_t> ib) {
  const SideTotals ta = side_totals(a, ia);
  const SideTotals tb = side_totals(b, ib);
  RatioStatistics s;
  s.mean_ratio = safe_ratio(average(ta.sum, ta.count), average(tb.sum, tb.count));
  s.max_ratio = safe_ratio(ta.max, tb.max);
  s.mean_change =
    relative_change(average(ta.boot_mean_sum, ta.boots), average(tb.boot_mean_sum, tb.boots));
  s.max_change =
    relative_change(average(ta.boot_max_sum, ta.boots), average(tb.boot_max_sum, tb.boots));
  return s;
}

RatioStatistics ratio_statistics(std::span<const BootAggregate> a,
                                 std::span<const BootAggregate> b) {
  return ratio_statistics(a, b, identity(a.size()), identity(b.size()));
}

BootstrapIntervals bootstrap_intervals(std::span<const BootAggregate> a,
                                       std::span<const BootAggregate> b,
                                       const BootstrapSettings& settings) {
  check_settings(settings);
  if (a.empty() || b.empty()) {
    const RatioStatistics p = ratio_statistics(a, b);
    return { { p.mean_ratio, p.mean_ratio },
             { p.max_ratio, p.max_ratio },
             { p.mean_change, p.mean_change },
             { p.max_change, p.max_change } };
  }
  Draws draws = draw_resamples(a, b, settings);
  return { percentile_interval(draws.mean_ratio, settings.confidence),
           percentile_interval(draws.max_ratio, settings.confidence),
           percentile_interval(draws.mean_change, settings.confidence),
           percentile_interval(draws.max_change, settings.confidence) };
}

} // namespace kbench::stats
