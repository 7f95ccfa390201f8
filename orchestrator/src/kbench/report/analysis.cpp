#include <kbench/report/analysis.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace kbench::report {

namespace {

// Merge the statistics warnings of all metrics: one line per distinct
// (kind, text), naming the metrics it was raised for.
std::vector<ReportWarning> merged_stats_warnings(const std::vector<MetricResult>& metrics) {
  struct Entry {
    std::string kind;
    std::string text;
    std::vector<std::string> metrics;
  };
  std::vector<Entry> entries;
  for (const auto& m : metrics) {
    for (const auto& w : m.comparison.warnings) {
      const std::string kind(stats::warning_kind_name(w.kind));
      auto it = std::find_if(entries.begin(), entries.end(),
                             [&](const Entry& e) { return e.kind == kind && e.text == w.text; });
      if (it == entries.end()) {
        entries.push_back({ kind, w.text, {} });
        it = entries.end() - 1;
      }
      it->metrics.push_back(m.spec->short_name);
    }
  }
  std::vector<ReportWarning> out;
  for (const auto& e : entries) {
    out.push_back({ e.kind, fmt::format("{} ({})", e.text, fmt::join(e.metrics, ", ")) });
  }
  return out;
}

void add_run_warnings(const Side& side, std::vector<ReportWarning>& out) {
  for (const auto* run : side_runs(side)) {
    const std::string who = fmt::format("{} boot {}", side.label, run->boot);
    if (run->outcome != vm::Outcome::ok) {
      out.push_back(
        { "failed_boot", fmt::format("{}: {}{}{}; its samples are left out", who, run->outcome,
                                     run->reason.empty() ? "" : ": ", run->reason) });
    } else if (run->trace_overrun > 0 || run->trace_dropped > 0) {
      out.push_back(
        { "lost_events", fmt::format("{}: the trace lost events ({} overrun, {} dropped); walk and "
                                     "lock samples are incomplete",
                                     who, run->trace_overrun, run->trace_dropped) });
    }
  }
}

// Add a warning when the two sides come from different results files whose workloads differ
// (`kbench compare` of a seed run with a quick run): the numbers then measure different things.
void add_workload_warning(const Sides& sides, std::vector<ReportWarning>& out) {
  if (sides.a.results == sides.b.results) {
    return;
  }
  const bench::Experiment& a = sides.a.results->experiment;
  const bench::Experiment& b = sides.b.results->experiment;
  std::vector<std::string> diffs;
  const auto differ = [&](const char* name, const auto& va, const auto& vb) {
    if (va != vb) {
      diffs.push_back(fmt::format("{} {} vs {}", name, va, vb));
    }
  };
  differ("scenario", a.scenario, b.scenario);
  differ("vmas", a.vmas, b.vmas);
  differ("dup_pages", a.dup_pages, b.dup_pages);
  differ("walks", a.walks, b.walks);
  differ("trigger", a.trigger, b.trigger);
  differ("victim", a.victim, b.victim);
  differ("vcpus", a.vcpus, b.vcpus);
  differ("memory_mib", a.memory_mib, b.memory_mib);
  differ("numa_nodes", a.numa_nodes, b.numa_nodes);
  if (!diffs.empty()) {
    out.push_back({ "workload_differs",
                    fmt::format("{} and {} ran different workloads ({}): their figures measure "
                                "different things",
                                sides.a.label, sides.b.label, fmt::join(diffs, ", ")) });
  }
}

} // namespace

std::size_t ok_boot_count(const Side& side) {
  return bench::ok_runs(*side.results, side.variant).size();
}

Analysis analyze(const Sides& sides, const stats::CompareSettings& settings) {
  check_comparable(sides);
  Analysis analysis{ sides, settings, {}, {} };
  for (const auto& spec : report_metrics()) {
    MetricResult m{ &spec, stats::compare(side_series(sides.a, spec), side_series(sides.b, spec),
                                          spec.metric.direction, settings) };
    // Name the sides by their labels (compare() says "baseline" and "patched").
    m.comparison.warnings = stats::side_warnings(m.comparison.baseline, sides.a.label, settings);
    auto more = stats::side_warnings(m.comparison.patched, sides.b.label, settings);
    m.comparison.warnings.insert(m.comparison.warnings.end(), more.begin(), more.end());
    analysis.metrics.push_back(std::move(m));
  }
  analysis.warnings = merged_stats_warnings(analysis.metrics);
  add_workload_warning(sides, analysis.warnings);
  add_run_warnings(sides.a, analysis.warnings);
  add_run_warnings(sides.b, analysis.warnings);
  return analysis;
}

} // namespace kbench::report
