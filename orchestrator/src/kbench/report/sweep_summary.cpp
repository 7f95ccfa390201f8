#include <kbench/report/analysis.hpp>
#include <kbench/report/sides.hpp>
#include <kbench/report/sweep_summary.hpp>

#include <algorithm>
#include <cmath>

namespace kbench::report {

namespace {

// The summary of side A (`baseline`) or side B of every metric of `metrics`.
VariantPoint variant_point(const Side& side, const std::vector<const MetricResult*>& metrics,
                           bool baseline) {
  VariantPoint v;
  v.boots = side_runs(side).size();
  const auto ok = bench::ok_runs(*side.results, side.variant);
  v.ok_boots = ok.size();
  for (const auto* run : ok) {
    v.vmas_real = v.vmas_real == 0 ? run->vmas_real : std::min(v.vmas_real, run->vmas_real);
  }
  for (const auto* m : metrics) {
    const auto& s = baseline ? m->comparison.baseline : m->comparison.patched;
    v.metrics.push_back({ s.n, s.max, s.mean });
  }
  return v;
}

PointSummary point_summary(const bench::SweepPoint& point, const stats::CompareSettings& settings) {
  const Sides sides = ab_sides(point.results);
  const Analysis analysis = analyze(sides, settings);
  std::vector<const MetricResult*> metrics;
  for (const auto* spec : sweep_metrics()) {
    const auto it = std::find_if(analysis.metrics.begin(), analysis.metrics.end(),
                                 [&](const MetricResult& m) { return m.spec == spec; });
    metrics.push_back(&*it);
  }
  PointSummary p;
  p.vmas = point.vmas;
  p.dir = point.dir;
  const auto acc = point.results.environment.find("accelerator");
  p.accelerator = acc == point.results.environment.end() ? "" : acc->second;
  p.baseline = variant_point(sides.a, metrics, true);
  p.patched = variant_point(sides.b, metrics, false);
  for (const auto* m : metrics) {
    p.ratios.push_back({ m->comparison.max.ratio, m->comparison.mean.ratio });
  }
  for (const auto& w : analysis.warnings) {
    p.warnings.push_back(w.kind + ": " + w.text);
  }
  return p;
}

// A finite number, or null (JSON has no infinity).
nlohmann::json number(double value) {
  return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
}

nlohmann::json estimate_json(const stats::Estimate& e) {
  return { { "point", number(e.point) },
           { "ci_low", number(e.ci.low) },
           { "ci_high", number(e.ci.high) } };
}

nlohmann::json variant_json(const VariantPoint& v, const SweepSummary& summary) {
  nlohmann::json j = { { "boots", v.boots },
                       { "ok_boots", v.ok_boots },
                       { "vmas_real", v.vmas_real } };
  for (std::size_t m = 0; m < summary.metrics.size(); ++m) {
    const auto& vm = v.metrics[m];
    j[summary.metrics[m]->metric.name] = { { "n", vm.n },
                                           { "max_ns", number(vm.max_ns) },
                                           { "mean_ns", number(vm.mean_ns) } };
  }
  return j;
}

nlohmann::json point_json(const PointSummary& p, const SweepSummary& summary) {
  nlohmann::json ratios = nlohmann::json::object();
  for (std::size_t m = 0; m < summary.metrics.size(); ++m) {
    ratios[summary.metrics[m]->metric.name] = { { "max", estimate_json(p.ratios[m].max) },
                                                { "mean", estimate_json(p.ratios[m].mean) } };
  }
  return { { "vmas", p.vmas },
           { "dir", p.dir },
           { "results", p.dir + "/results.json" },
           { "accelerator", p.accelerator },
           { "variants",
             { { "baseline", variant_json(p.baseline, summary) },
               { "patched", variant_json(p.patched, summary) } } },
           { "ratios", ratios },
           { "warnings", p.warnings } };
}

nlohmann::json experiment_json(const bench::Experiment& base) {
  bench::Results carrier;
  carrier.experiment = base;
  nlohmann::json e = bench::to_json(carrier).at("experiment");
  e.erase("vmas"); // every point has its own; see "vmas"
  return e;
}

} // namespace

std::vector<const MetricSpec*> sweep_metrics() {
  const auto& all = report_metrics();
  return { &all.at(0), &all.at(1) };
}

SweepSummary summarize_sweep(const bench::Sweep& sweep, const stats::CompareSettings& settings) {
  SweepSummary summary;
  summary.metrics = sweep_metrics();
  summary.confidence = settings.bootstrap.confidence;
  for (const auto& point : sweep.points) {
    summary.points.push_back(point_summary(point, settings));
  }
  return summary;
}

nlohmann::json sweep_json(const bench::Sweep& sweep, const SweepSummary& summary) {
  nlohmann::json points = nlohmann::json::array();
  for (const auto& p : summary.points) {
    points.push_back(point_json(p, summary));
  }
  return { { "schema", "kbench-sweep" },
           { "version", k_sweep_json_version },
           { "complete", sweep.complete },
           { "experiment", experiment_json(sweep.base) },
           { "vmas", sweep.vmas },
           { "accelerator", sweep.accelerator },
           { "timing", sweep.timing },
           { "confidence", summary.confidence },
           { "reproducer", sweep.reproducer },
           { "points", points } };
}

} // namespace kbench::report
