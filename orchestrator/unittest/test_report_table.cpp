// Tests of the 80-column statistics table: layout, legend, verdict words and
// warnings, on the sample results of testdata/results-json.
#include <kbench/report/analysis.hpp>
#include <kbench/report/format.hpp>
#include <kbench/report/render.hpp>
#include <kbench/report/table.hpp>
#include <kbench/util/error.hpp>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "test_report_samples.hpp"

namespace kb = kbench;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  return lines;
}

// Return the table row starting with `metric` (e.g. "walk mean").
std::string row(const std::string& table, const std::string& metric) {
  for (const auto& line : lines_of(table)) {
    if (line.rfind(metric + " ", 0) == 0 && line.find('[') == std::string::npos) {
      return line;
    }
  }
  return "";
}

} // namespace

TEST(ReportTable, EveryLineOfEverySampleFitsEightyColumns) {
  for (const auto& name : kb::test::renderable_samples()) {
    const auto results = kb::test::results_sample(name); // must outlive the analysis
    const auto analysis = kb::report::analyze(kb::report::ab_sides(results));
    for (const auto& line : lines_of(kb::report::render_text(analysis))) {
      EXPECT_LE(kb::report::display_width(line), kb::report::k_text_width) << name << ": " << line;
    }
  }
}

TEST(ReportTable, HasAHeaderSixRowsTheLegendAndTheBootCounts) {
  const std::string table =
    kb::report::render_table(kb::test::results_sample("quick-ab-3boots.json"));
  const auto lines = lines_of(table);
  ASSERT_GE(lines.size(), 10u);
  EXPECT_EQ(lines[0], "metric       baseline  ±%sd   %change    patched  ±%sd    ratio  verdict");
  for (const char* metric :
       { "walk mean", "walk max", "lock mean", "lock max", "stall mean", "stall max" }) {
    EXPECT_FALSE(row(table, metric).empty()) << metric;
  }
  EXPECT_EQ(lines[8], kb::report::k_table_legend);
  EXPECT_EQ(lines[9], "OK boots: baseline 3 of 3, patched 3 of 3; alpha 0.05, noise ±5%");
}

TEST(ReportTable, ThreeBootsCannotReachSignificanceAndSayNoChangeWithAFewBootsWarning) {
  const std::string table =
    kb::report::render_table(kb::test::results_sample("quick-ab-3boots.json"));
  const std::string walk = row(table, "walk mean");
  EXPECT_NE(walk.find(" ms "), std::string::npos) << walk; // baseline ~80 ms
  EXPECT_NE(walk.find(" us "), std::string::npos) << walk; // patched ~0.13 ms
  EXPECT_NE(walk.find("-99.8"), std::string::npos) << walk;
  EXPECT_NE(walk.find("no change"), std::string::npos) << walk;
  EXPECT_NE(table.find("few_boots: baseline: 3 boot(s) with samples, 5 or more recommended "
                       "(walk,\n    lock, stall)"),
            std::string::npos)
    << table;
}

TEST(ReportTable, FiveBootsOfAThousandfoldSpeedupSayImproved) {
  const std::string table =
    kb::report::render_table(kb::test::results_sample("quick-ab-5boots.json"));
  for (const char* metric : { "walk mean", "walk max", "lock mean", "lock max" }) {
    EXPECT_NE(row(table, metric).find("improved"), std::string::npos) << row(table, metric);
  }
  EXPECT_EQ(table.find("few_boots"), std::string::npos) << table;
}

TEST(ReportTable, AnAATestIsNeitherImprovedNorRegressed) {
  const std::string table =
    kb::report::render_table(kb::test::results_sample("quick-aa-5boots.json"));
  for (const char* metric : { "walk mean", "walk max", "lock mean", "lock max" }) {
    const std::string r = row(table, metric);
    EXPECT_EQ(r.find("improved"), std::string::npos) << r;
    EXPECT_EQ(r.find("regressed"), std::string::npos) << r;
  }
}

TEST(ReportTable, SwappingTheSidesTurnsImprovedIntoRegressed) {
  const auto results = kb::test::results_sample("quick-ab-5boots.json");
  const auto sides =
    kb::report::compare_sides(results, "patched", "x.json", results, "baseline", "x.json");
  const std::string table = kb::report::render_text_table(kb::report::analyze(sides));
  EXPECT_NE(row(table, "walk mean").find("regressed"), std::string::npos) << table;
  EXPECT_EQ(table.rfind("metric              A  ±%sd   %change          B", 0), 0u) << table;
}

TEST(ReportTable, ComparingFilesOfDifferentWorkloadsWarnsNamingEachDifference) {
  const auto a = kb::test::results_sample("quick-ab-5boots.json");
  auto b = a;
  b.experiment.scenario = "seed";
  b.experiment.vmas = a.experiment.vmas * 10;
  const auto workload_warnings = [](const kb::report::Analysis& analysis) {
    std::vector<std::string> texts;
    for (const auto& w : analysis.warnings) {
      if (w.kind == "workload_differs") {
        texts.push_back(w.text);
      }
    }
    return texts;
  };
  const auto differ =
    kb::report::analyze(kb::report::compare_sides(a, "patched", "a.json", b, "patched", "b.json"));
  ASSERT_EQ(workload_warnings(differ).size(), 1u);
  EXPECT_EQ(workload_warnings(differ)[0],
            fmt::format("A and B ran different workloads (scenario quick vs seed, vmas {} vs {}): "
                        "their figures measure different things",
                        a.experiment.vmas, b.experiment.vmas));
  EXPECT_NE(kb::report::render_text(differ).find("workload_differs: A and B ran different"),
            std::string::npos);
  // The same file on both sides (an A/B run) is one workload.
  const auto same =
    kb::report::analyze(kb::report::compare_sides(a, "patched", "a.json", a, "baseline", "a.json"));
  EXPECT_TRUE(workload_warnings(same).empty());
}

TEST(ReportTable, WarnsAboutFailedBootsAndLostTraceEvents) {
  const std::string table =
    kb::report::render_table(kb::test::results_sample("quick-ab-failures.json"));
  EXPECT_NE(table.find("  failed_boot: baseline boot 1: PANIC: Kernel panic - not syncing:"),
            std::string::npos)
    << table;
  EXPECT_NE(table.find("  failed_boot: patched boot 2: CORRECTNESS_FAIL: check mappings failed"),
            std::string::npos)
    << table;
  EXPECT_NE(table.find("OK boots: baseline 2 of 3, patched 2 of 3"), std::string::npos);
}

TEST(ReportTable, WarnsAboutLostEventsOfAnOkBoot) {
  auto results = kb::test::results_sample("quick-ab-3boots.json");
  results.runs[1].trace_overrun = 4;
  const std::string table = kb::report::render_table(results);
  EXPECT_NE(table.find("  lost_events: patched boot 0: the trace lost events (4 overrun, 0 "
                       "dropped);"),
            std::string::npos)
    << table;
}

TEST(ReportTable, WarnsAboutUnstableSides) {
  auto results = kb::test::results_sample("quick-ab-5boots.json");
  for (auto& v : results.runs[0].walk_ns) {
    v *= 3; // one boot three times slower: per-boot CoV far above 20%
  }
  const std::string table = kb::report::render_table(results);
  EXPECT_NE(table.find("  unstable: baseline: coefficient of variation of per-boot means is"),
            std::string::npos)
    << table;
}

TEST(ReportTable, RefusesSidesRunUnderDifferentAccelerators) {
  const auto results = kb::test::results_sample("accelerator-mismatch.json");
  try {
    kb::report::render_table(results);
    FAIL() << "no error";
  } catch (const kb::Error& e) {
    EXPECT_EQ(e.code(), kb::ExitCode::invalid_config);
    EXPECT_NE(std::string(e.what()).find("baseline ran under tcg, patched under kvm"),
              std::string::npos)
      << e.what();
  }
}

TEST(ReportTable, NoWarningsSaysNone) {
  kb::report::Analysis analysis;
  EXPECT_EQ(kb::report::render_text_warnings(analysis), "warnings: none\n");
}

TEST(ReportFormat, FormatsDurationsChangesRatiosAndDeviations) {
  using namespace kb::report;
  EXPECT_EQ(format_duration(850), "850 ns");
  EXPECT_EQ(format_duration(12345), "12.35 us");
  EXPECT_EQ(format_duration(705119858), "705.12 ms");
  EXPECT_EQ(format_duration(10.5e9), "10.50 s");
  EXPECT_EQ(format_duration(1, false), "n/a");
  EXPECT_EQ(format_seed_cell(1665917), "1.67 ms (1665917 ns)");
  EXPECT_EQ(format_change(-0.99836), "-99.84%");
  EXPECT_EQ(format_change(0.031), "+3.10%");
  EXPECT_EQ(format_change(42.0), "+4200%");
  EXPECT_EQ(format_change(1.0 / 0.0), "+inf%");
  EXPECT_EQ(format_ratio(0.0016342), "0.00163x");
  EXPECT_EQ(format_ratio(1.0234), "1.02x");
  EXPECT_EQ(format_ratio(423.27), "423.3x");
  EXPECT_EQ(format_ratio(4230.4), "4230x");
  EXPECT_EQ(format_cov(0.061), "±6.1%");
  EXPECT_EQ(format_cov(0.123), "±12%");
  EXPECT_EQ(format_p(0.1), "0.100");
  EXPECT_EQ(format_p(0.0079365), "0.0079");
  EXPECT_EQ(format_p(0.00001), "<0.0001");
  EXPECT_EQ(display_width("±5%"), 3u);
  EXPECT_EQ(pad_left("±5%", 5), "  ±5%");
}

TEST(ReportTable, AMetricWithoutSamplesOnASideSaysNA) {
  const std::string table = kb::report::render_table(kb::test::results_sample("tiny.json"));
  EXPECT_NE(
    table.find("stall mean    2.50 ms ±0.0%       n/a        n/a            n/a  no change\n"),
    std::string::npos)
    << table;
  EXPECT_NE(table.find("stall max  n/a (a side has no samples)\n"), std::string::npos) << table;
  EXPECT_NE(table.find("  no_data: patched: no samples at all (stall)\n"), std::string::npos);
}
