// Tests of the sweep reports: per-point aggregation, sweep.json, the table
// text and the gnuplot script, from synthetic sweeps with known samples.
#include <kbench/bench/scenario.hpp>
#include <kbench/bench/sweep.hpp>
#include <kbench/report/sweep_plot.hpp>
#include <kbench/report/sweep_summary.hpp>
#include <kbench/report/sweep_table.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace kbench::report {
namespace {

using Boots = std::vector<std::vector<std::uint64_t>>;

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

bench::RunRecord run(const std::string& variant, int boot, const std::vector<std::uint64_t>& walk,
                     std::uint64_t vmas) {
  bench::RunRecord r;
  r.variant = variant;
  r.boot = boot;
  r.outcome = vm::Outcome::ok;
  r.accelerator = "tcg";
  r.vmas_requested = vmas;
  r.vmas_real = vmas + 1;
  r.walk_ns = walk;
  for (const auto w : walk) {
    r.lock_hold_ns.push_back(w / 2); // a lock hold is half its walk
  }
  return r;
}

// A point whose boots are interleaved A B A B with the given walk samples.
bench::SweepPoint point(std::uint64_t vmas, const Boots& baseline, const Boots& patched) {
  bench::SweepPoint p{ vmas, bench::point_dir_name(vmas), {} };
  p.results.environment["accelerator"] = "tcg";
  p.results.experiment = bench::point_experiment(bench::scenario("quick"), vmas);
  for (std::size_t b = 0; b < std::max(baseline.size(), patched.size()); ++b) {
    if (b < baseline.size()) {
      p.results.runs.push_back(run("baseline", static_cast<int>(b), baseline[b], vmas));
    }
    if (b < patched.size()) {
      p.results.runs.push_back(run("patched", static_cast<int>(b), patched[b], vmas));
    }
  }
  return p;
}

// Two points: the baseline grows 10x from 1000 to 10000 VMAs, the patched stays flat.
bench::Sweep two_point_sweep() {
  bench::Sweep s;
  s.base = bench::scenario("quick");
  s.vmas = { 1000, 10000 };
  s.accelerator = "tcg";
  s.complete = true;
  s.reproducer = "kbench sweep --vmas 1000,10000";
  s.points.push_back(
    point(1000, { { 10000000, 20000000 }, { 30000000 } }, { { 1000000 }, { 2000000, 3000000 } }));
  s.points.push_back(point(10000, { { 100000000, 200000000 }, { 300000000 } },
                           { { 1000000 }, { 2000000, 3000000 } }));
  return s;
}

TEST(ReportSweepSummary, AggregatesEverySampleOfEachVariantAtEachPoint) {
  const auto summary = summarize_sweep(two_point_sweep());
  ASSERT_EQ(summary.points.size(), 2u);
  ASSERT_EQ(summary.metrics.size(), 2u);
  EXPECT_EQ(summary.metrics[0]->metric.name, "walk_duration");
  EXPECT_EQ(summary.metrics[1]->metric.name, "lock_hold");
  const auto& p = summary.points[0];
  EXPECT_EQ(p.vmas, 1000u);
  EXPECT_EQ(p.baseline.ok_boots, 2u);
  EXPECT_EQ(p.baseline.vmas_real, 1001u);
  EXPECT_EQ(p.baseline.metrics[0].n, 3u);
  EXPECT_DOUBLE_EQ(p.baseline.metrics[0].max_ns, 30e6);
  EXPECT_DOUBLE_EQ(p.baseline.metrics[0].mean_ns, 20e6);
  EXPECT_DOUBLE_EQ(p.patched.metrics[0].max_ns, 3e6);
  EXPECT_DOUBLE_EQ(p.patched.metrics[0].mean_ns, 2e6);
  EXPECT_DOUBLE_EQ(p.baseline.metrics[1].max_ns, 15e6);
  EXPECT_DOUBLE_EQ(p.ratios[0].max.point, 10.0);
  EXPECT_DOUBLE_EQ(p.ratios[0].mean.point, 10.0);
  EXPECT_LE(p.ratios[0].mean.ci.low, p.ratios[0].mean.point);
  EXPECT_GE(p.ratios[0].mean.ci.high, p.ratios[0].mean.point);
  EXPECT_DOUBLE_EQ(summary.points[1].ratios[0].max.point, 100.0);
}

TEST(ReportSweepJson, HoldsEveryPointWithBothVariantsAndTheirRatios) {
  const auto sweep = two_point_sweep();
  const auto j = sweep_json(sweep, summarize_sweep(sweep));
  EXPECT_EQ(j.at("schema"), "kbench-sweep");
  EXPECT_EQ(j.at("version"), 1);
  EXPECT_EQ(j.at("complete"), true);
  EXPECT_EQ(j.at("vmas"), (std::vector<std::uint64_t>{ 1000, 10000 }));
  EXPECT_FALSE(j.at("experiment").contains("vmas"));
  EXPECT_EQ(j.at("experiment").at("dup_pages"), 16);
  ASSERT_EQ(j.at("points").size(), 2u);
  const auto& p = j.at("points").at(1);
  EXPECT_EQ(p.at("vmas"), 10000);
  EXPECT_EQ(p.at("results"), "vmas-10000/results.json");
  EXPECT_EQ(p.at("variants").at("baseline").at("walk_duration").at("max_ns"), 300e6);
  EXPECT_EQ(p.at("variants").at("patched").at("lock_hold").at("mean_ns"), 1e6);
  EXPECT_EQ(p.at("variants").at("patched").at("ok_boots"), 2);
  EXPECT_EQ(p.at("ratios").at("walk_duration").at("max").at("point"), 100.0);
  EXPECT_TRUE(p.at("ratios").at("lock_hold").at("mean").contains("ci_low"));
}

TEST(ReportSweepJson, WritesAnInfiniteRatioAsNull) {
  auto sweep = two_point_sweep();
  sweep.points[0] = point(1000, { { 5 } }, { { 0 } });
  const auto j = sweep_json(sweep, summarize_sweep(sweep));
  EXPECT_TRUE(
    j.at("points").at(0).at("ratios").at("walk_duration").at("max").at("point").is_null());
}

TEST(ReportSweepTable, ShowsBothVariantsAndTheRatioPerPointAndMetric) {
  const std::string want =
    "|  VMAs | real VMAs | metric | baseline max | patched max | max ratio | baseline mean | "
    "patched mean | mean ratio | OK boots |\n"
    "| ----: | --------: | :----- | -----------: | ----------: | --------: | ------------: | "
    "-----------: | ---------: | -------: |\n"
    "|  1000 |      1001 | walk   |     30.00 ms |     3.00 ms |     10.0x |      20.00 ms | "
    "     2.00 ms |      10.0x |      2+2 |\n"
    "|  1000 |      1001 | lock   |     15.00 ms |     1.50 ms |     10.0x |      10.00 ms | "
    "     1.00 ms |      10.0x |      2+2 |\n"
    "| 10000 |     10001 | walk   |    300.00 ms |     3.00 ms |    100.0x |     200.00 ms | "
    "     2.00 ms |     100.0x |      2+2 |\n"
    "| 10000 |     10001 | lock   |    150.00 ms |     1.50 ms |    100.0x |     100.00 ms | "
    "     1.00 ms |     100.0x |      2+2 |\n"
    "\n" +
    std::string(k_sweep_legend) + "\n";
  const std::string table = render_sweep_table(summarize_sweep(two_point_sweep()));
  EXPECT_EQ(table.substr(0, want.size()), want) << table;
  // Two boots per side are too few for a verdict: each point names its first warning.
  EXPECT_TRUE(contains(table.substr(want.size()), "1000 VMAs: ")) << table;
  EXPECT_TRUE(contains(table.substr(want.size()), "see vmas-10000/report.txt; first: few_boots"))
    << table;
}

TEST(ReportSweepTable, SaysNaAndNamesTheWarningWhenAVariantHasNoOkBoot) {
  auto sweep = two_point_sweep();
  sweep.points[0].results.runs[1].outcome = vm::Outcome::panic;
  sweep.points[0].results.runs[1].reason = "kernel panic";
  sweep.points[0].results.runs[3].outcome = vm::Outcome::run_timeout;
  const std::string table = render_sweep_table(summarize_sweep(sweep));
  EXPECT_TRUE(contains(table, "|     30.00 ms |         n/a |       n/a |")) << table;
  EXPECT_TRUE(contains(table, "2+0 |")) << table;
  EXPECT_TRUE(contains(table, "1000 VMAs: ")) << table;
  EXPECT_TRUE(contains(table, "see vmas-1000/report.txt")) << table;
}

TEST(ReportSweepPlot, DrawsBothVariantsOnLogLogAxesIntoSvgAndPng) {
  const auto plot = sweep_plot_script(summarize_sweep(two_point_sweep()));
  const std::string& s = plot.script;
  EXPECT_EQ(plot.name, "sweep");
  EXPECT_EQ(plot.images, (std::vector<std::string>{ "sweep.svg", "sweep.png" }));
  EXPECT_TRUE(contains(s, "set logscale x 10\nset logscale y 10\n")) << s;
  EXPECT_TRUE(contains(s, "set output 'sweep.svg'")) << s;
  EXPECT_TRUE(contains(s, "set output 'sweep.png'")) << s;
  EXPECT_TRUE(contains(s, "set xtics ('1000' 1000, '10000' 10000)")) << s;
  // Data: "vmas max_ms mean_ms" per variant and metric.
  EXPECT_TRUE(contains(s, "$walk_duration_baseline << EOD\n1000 30 20\n10000 300 200\nEOD\n")) << s;
  EXPECT_TRUE(contains(s, "$walk_duration_patched << EOD\n1000 3 2\n10000 3 2\nEOD\n")) << s;
  EXPECT_TRUE(contains(s, "$lock_hold_baseline << EOD\n1000 15 10\n10000 150 100\nEOD\n")) << s;
  for (const std::string title :
       { "baseline max", "baseline mean", "patched max", "patched mean" }) {
    EXPECT_TRUE(contains(s, "title '" + title + "'")) << title;
  }
  EXPECT_TRUE(contains(s, "$walk_duration_patched using 1:3 with linespoints")) << s;
  EXPECT_TRUE(contains(s, "$lock_hold_patched using 1:2 with linespoints")) << s;
  // The slope-1 guide through the baseline's first mean: 20 ms / 1000 VMAs.
  EXPECT_TRUE(contains(s, "0.02*x with lines dt 3")) << s;
}

TEST(ReportSweepPlot, LeavesOutAVariantWithoutSamples) {
  auto sweep = two_point_sweep();
  for (auto& p : sweep.points) {
    for (auto& r : p.results.runs) {
      if (r.variant == "patched") {
        r.outcome = vm::Outcome::panic;
      }
    }
  }
  const auto plot = sweep_plot_script(summarize_sweep(sweep));
  EXPECT_TRUE(contains(plot.script, "$walk_duration_patched << EOD\nEOD\n")) << plot.script;
  EXPECT_FALSE(contains(plot.script, "title 'patched max'")) << plot.script;
  EXPECT_TRUE(contains(plot.script, "title 'baseline max'")) << plot.script;
}

TEST(ReportSweepMarkdown, LinksThePlotAndEveryPointsReport) {
  const auto sweep = two_point_sweep();
  const std::string md = render_sweep_markdown(sweep, summarize_sweep(sweep));
  EXPECT_TRUE(contains(md, "![walk duration and lock hold against the VMA count](sweep.svg)"));
  EXPECT_TRUE(contains(md, "[vmas-1000/report.md](vmas-1000/report.md)"));
  EXPECT_TRUE(contains(md, "[vmas-10000/report.md](vmas-10000/report.md)"));
  EXPECT_TRUE(contains(md, "`kbench sweep --vmas 1000,10000`"));
}

} // namespace
} // namespace kbench::report
