// The metrics a report shows, and how their samples are taken out of
// results.json: one stats::Series per side, one BootSamples per OK boot.
#pragma once

#include <kbench/bench/results.hpp>
#include <kbench/report/sides.hpp>
#include <kbench/stats/samples.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace kbench::report {

// One reported metric.
struct MetricSpec {
  stats::Metric metric;    // name, unit, direction (from kbench::stats)
  std::string seed_title;  // title of its seed-format block ("KSM rmapping")
  std::string short_name;  // row name in the 80-column table ("walk")
  std::string description; // one phrase for report.md and junit.xml
  std::vector<std::uint64_t> bench::RunRecord::*samples; // the raw samples in RunRecord
};

// Return the three reported metrics, in report order: walk duration
// (walk_ns), anon_vma lock hold (lock_hold_ns), victim stall (victim_stall_ns).
const std::vector<MetricSpec>& report_metrics();

// Return `spec`'s samples of every OK run of `side`, one boot per run, in
// execution order (boots without samples are kept as empty boots).
stats::Series side_series(const Side& side, const MetricSpec& spec);

// Return every sample of `spec` of every OK run of `side`, pooled, as raw ns.
std::vector<std::uint64_t> pooled_samples(const Side& side, const MetricSpec& spec);

} // namespace kbench::report
