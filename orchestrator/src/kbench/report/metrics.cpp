#include <kbench/report/metrics.hpp>

namespace kbench::report {

const std::vector<MetricSpec>& report_metrics() {
  static const std::vector<MetricSpec> metrics{
    { stats::walk_duration_metric(), "KSM rmapping", "walk", "duration of one rmap_walk_ksm call",
      &bench::RunRecord::walk_ns },
    { stats::lock_hold_metric(), "anon_vma lock", "lock",
      "one anon_vma read-lock hold inside rmap_walk_ksm", &bench::RunRecord::lock_hold_ns },
    { stats::victim_stall_metric(), "Victim stall", "stall",
      "one victim-thread operation needing the same anon_vma lock",
      &bench::RunRecord::victim_stall_ns },
  };
  return metrics;
}

stats::Series side_series(const Side& side, const MetricSpec& spec) {
  stats::Series series;
  for (const auto* run : bench::ok_runs(*side.results, side.variant)) {
    stats::BootSamples boot;
    const auto& raw = run->*spec.samples;
    boot.values.assign(raw.begin(), raw.end());
    series.boots.push_back(std::move(boot));
  }
  return series;
}

std::vector<std::uint64_t> pooled_samples(const Side& side, const MetricSpec& spec) {
  std::vector<std::uint64_t> all;
  for (const auto* run : bench::ok_runs(*side.results, side.variant)) {
    const auto& raw = run->*spec.samples;
    all.insert(all.end(), raw.begin(), raw.end());
  }
  return all;
}

} // namespace kbench::report
