// The statistics of a VMA-count sweep: per point and per variant, the
// largest and the mean walk duration and anon_vma lock hold over every sample
// of the OK boots, and the baseline/patched ratios with their bootstrap
// intervals (the same numbers `kbench ab` reports for one point). sweep.json
// is this summary; docs/sweep.md describes it.
#pragma once

#include <kbench/bench/sweep.hpp>
#include <kbench/report/metrics.hpp>
#include <kbench/stats/compare.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace kbench::report {

// The schema version written into sweep.json.
inline constexpr int k_sweep_json_version = 1;

// One metric of one variant at one point (every sample of the OK boots).
struct VariantMetric {
  std::size_t n = 0;  // number of samples
  double max_ns = 0;  // largest sample
  double mean_ns = 0; // mean of all samples
};

// One variant at one point.
struct VariantPoint {
  std::size_t boots = 0;              // boots run
  std::size_t ok_boots = 0;           // boots whose outcome is OK (the only ones counted)
  std::uint64_t vmas_real = 0;        // smallest real VMA count an OK boot reported, 0 if none
  std::vector<VariantMetric> metrics; // in sweep_metrics() order
};

// The baseline/patched ratios of one metric at one point (> 1: patched is faster).
struct MetricRatios {
  stats::Estimate max;  // largest baseline sample / largest patched sample
  stats::Estimate mean; // pooled baseline mean / pooled patched mean
};

// One point, summarized.
struct PointSummary {
  std::uint64_t vmas = 0;            // requested VMA count
  std::string dir;                   // the point's results directory (relative)
  std::string accelerator;           // kvm | tcg | "" (no boot got that far)
  VariantPoint baseline;             // side A
  VariantPoint patched;              // side B
  std::vector<MetricRatios> ratios;  // in sweep_metrics() order
  std::vector<std::string> warnings; // the point's report warnings ("kind: text")
};

// The whole sweep, summarized.
struct SweepSummary {
  std::vector<const MetricSpec*> metrics; // sweep_metrics()
  double confidence = 0.95;               // level of the ratio intervals
  std::vector<PointSummary> points;       // ascending VMA counts
};

// Return the metrics a sweep reports: walk duration, then lock hold.
std::vector<const MetricSpec*> sweep_metrics();

// Return the summary of every finished point of `sweep` (deterministic).
SweepSummary summarize_sweep(const bench::Sweep& sweep,
                             const stats::CompareSettings& settings = {});

// Return sweep.json: the sweep's experiment, the VMA counts and `summary`
// (an infinite ratio is written as null).
nlohmann::json sweep_json(const bench::Sweep& sweep, const SweepSummary& summary);

} // namespace kbench::report
