// The statistics of a report, computed once from the sides: one
// stats::Comparison per metric plus the warnings only the report knows about
// (lost trace events, failed boots). Every renderer reads an Analysis.
#pragma once

#include <kbench/report/metrics.hpp>
#include <kbench/report/sides.hpp>
#include <kbench/stats/compare.hpp>

#include <string>
#include <vector>

namespace kbench::report {

// The comparison of one metric.
struct MetricResult {
  const MetricSpec* spec = nullptr; // which metric (points into report_metrics())
  stats::Comparison comparison;     // A = sides.a, B = sides.b
};

// One warning line of a report.
struct ReportWarning {
  std::string kind; // stats::warning_kind_name(), "workload_differs", "failed_boot", "lost_events"
  std::string text; // the sentence, naming the side (and the metrics it concerns)
};

// Everything a renderer needs. It points into the Results of its sides: keep
// those alive while the Analysis is used.
struct Analysis {
  Sides sides; // what was compared (the Results it points to must outlive the Analysis)
  stats::CompareSettings settings;     // the settings the comparisons used
  std::vector<MetricResult> metrics;   // in report_metrics() order
  std::vector<ReportWarning> warnings; // deduplicated, in a stable order
};

// Return the analysis of `sides`: refuses (kbench::Error invalid_config) runs
// under different accelerators, then compares every metric and collects the
// warnings: statistics warnings merged across metrics, a workload that differs
// between two compared results files, lost trace events (trace_overrun/
// trace_dropped > 0 in an OK boot) and boots that did not end OK.
Analysis analyze(const Sides& sides, const stats::CompareSettings& settings = {});

// Return the number of boots of `side` whose outcome is OK.
std::size_t ok_boot_count(const Side& side);

} // namespace kbench::report
