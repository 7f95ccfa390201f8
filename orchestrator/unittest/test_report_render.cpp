// Tests of render_all and the plots: every file exists, a second rendering
// (also after a results.json round trip) is byte-identical, gnuplot is run
// with argv in the plots directory, and the plots show both sides.
#include <kbench/report/plots.hpp>
#include <kbench/report/render.hpp>
#include <kbench/util/error.hpp>
#include <kbench/util/fs.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>

#include "fakes.hpp"
#include "test_report_samples.hpp"

namespace kb = kbench;
namespace fs = std::filesystem;

namespace {

bool have_gnuplot() {
  const char* path = std::getenv("PATH");
  std::string dirs = path == nullptr ? "" : path;
  for (std::size_t start = 0; start <= dirs.size();) {
    const std::size_t end = std::min(dirs.find(':', start), dirs.size());
    if (fs::exists(fs::path(dirs.substr(start, end - start)) / "gnuplot")) {
      return true;
    }
    start = end + 1;
  }
  return false;
}

// Return every regular file under `dir` (relative path -> contents).
std::map<std::string, std::string> tree(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) {
      files[fs::relative(entry.path(), dir).string()] = kb::util::read_file(entry.path());
    }
  }
  return files;
}

const std::vector<std::string> k_expected_files{ "report.txt",
                                                 "report.md",
                                                 "junit.xml",
                                                 "plots/distribution.gp",
                                                 "plots/distribution.svg",
                                                 "plots/distribution.png",
                                                 "plots/per-boot.gp",
                                                 "plots/per-boot.svg",
                                                 "plots/per-boot.png" };

} // namespace

TEST(ReportRender, RenderingTwiceGivesTheSameBytesForEveryFileIncludingThePlots) {
  if (!have_gnuplot()) {
    GTEST_SKIP() << "gnuplot is not installed";
  }
  const auto results = kb::test::results_sample("quick-ab-3boots.json");
  auto runner = kb::util::make_real_process_runner();
  kb::util::TempDir first("kbench-report-1");
  kb::util::TempDir second("kbench-report-2");
  kb::report::render_all(results, first.path(), *runner);
  kb::report::render_all(results, second.path(), *runner);
  const auto a = tree(first.path());
  const auto b = tree(second.path());
  for (const auto& name : k_expected_files) {
    ASSERT_TRUE(a.count(name)) << name << " was not written";
    EXPECT_FALSE(a.at(name).empty()) << name;
  }
  EXPECT_EQ(a.size(), k_expected_files.size());
  ASSERT_EQ(a.size(), b.size());
  for (const auto& [name, bytes] : a) {
    EXPECT_TRUE(b.at(name) == bytes) << name << " differs between two renderings";
  }
}

TEST(ReportRender, ReRenderingFromTheSavedResultsJsonReproducesTheReportsByteForByte) {
  if (!have_gnuplot()) {
    GTEST_SKIP() << "gnuplot is not installed";
  }
  // As `kbench ab` would: render from the in-memory results, save results.json;
  // then as `kbench report` would: read it back and render again.
  const auto original = kb::test::results_sample("quick-ab-failures.json");
  auto runner = kb::util::make_real_process_runner();
  kb::util::TempDir run("kbench-report-run");
  kb::report::render_all(original, run.path(), *runner);
  kb::bench::write_results(original, run.path() / "results.json");
  kb::util::TempDir again("kbench-report-again");
  kb::report::render_all(kb::bench::read_results(run.path() / "results.json"), again.path(),
                         *runner);
  auto a = tree(run.path());
  a.erase("results.json");
  const auto b = tree(again.path());
  ASSERT_EQ(a.size(), b.size());
  for (const auto& [name, bytes] : a) {
    EXPECT_TRUE(b.at(name) == bytes) << name << " differs after the results.json round trip";
  }
}

TEST(ReportRender, ResultsJsonRoundTripsThroughToJsonAndResultsFromJson) {
  for (const auto& name : kb::test::renderable_samples()) {
    const auto results = kb::test::results_sample(name);
    const auto json = kb::bench::to_json(results);
    const auto again = kb::bench::results_from_json(nlohmann::json::parse(json.dump(1)), name);
    EXPECT_EQ(kb::bench::to_json(again), json) << name;
    // The sample files hold every key the schema defines: nothing is lost on reading.
    EXPECT_EQ(json, nlohmann::json::parse(kb::util::read_file(kb::test::results_sample_path(name))))
      << name;
  }
}

TEST(ReportRender, PngAndSvgAreRealImagesThatShowBothSides) {
  if (!have_gnuplot()) {
    GTEST_SKIP() << "gnuplot is not installed";
  }
  auto runner = kb::util::make_real_process_runner();
  kb::util::TempDir dir("kbench-report-plots");
  kb::report::render_all(kb::test::results_sample("quick-ab-5boots.json"), dir.path(), *runner);
  for (const char* png : { "plots/distribution.png", "plots/per-boot.png" }) {
    const std::string bytes = kb::util::read_file(dir.path() / png);
    EXPECT_EQ(bytes.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8)) << png;
    EXPECT_GT(bytes.size(), 10000u) << png;
  }
  const std::string dist = kb::util::read_file(dir.path() / "plots/distribution.svg");
  EXPECT_EQ(dist.rfind("<?xml", 0), 0u);
  for (const char* label : { ">baseline<", ">patched<", ">walk<", ">lock<", ">stall<" }) {
    EXPECT_NE(dist.find(label), std::string::npos) << label;
  }
  const std::string boots = kb::util::read_file(dir.path() / "plots/per-boot.svg");
  for (const char* label :
       { ">baseline max<", ">baseline mean<", ">patched max<", ">patched mean<" }) {
    EXPECT_NE(boots.find(label), std::string::npos) << label;
  }
}

TEST(ReportRender, RunsGnuplotWithArgvInThePlotsDirectory) {
  kb::test::FakeProcessRunner runner;
  kb::util::TempDir dir("kbench-report-fake");
  kb::report::render_all(kb::test::results_sample("tiny.json"), dir.path(), runner);
  ASSERT_EQ(runner.commands.size(), 2u);
  EXPECT_EQ(runner.commands[0].argv, (std::vector<std::string>{ "gnuplot", "distribution.gp" }));
  EXPECT_EQ(runner.commands[1].argv, (std::vector<std::string>{ "gnuplot", "per-boot.gp" }));
  EXPECT_EQ(runner.commands[0].cwd, dir.path() / "plots");
  EXPECT_GT(runner.commands[0].timeout.count(), 0);
  const std::string script = kb::util::read_file(dir.path() / "plots/distribution.gp");
  EXPECT_NE(script.find("set terminal svg size 800,500 dynamic"), std::string::npos);
  EXPECT_NE(script.find("set terminal pngcairo size 800,500"), std::string::npos);
  EXPECT_NE(script.find("set logscale y"), std::string::npos);
  EXPECT_NE(script.find("(no samples)"), std::string::npos); // tiny: no patched victim samples
  EXPECT_TRUE(fs::exists(dir.path() / "report.txt"));
}

TEST(ReportRender, AFailingGnuplotIsAnInfraErrorAfterTheTextReportsExist) {
  kb::test::FakeProcessRunner runner;
  runner.on_word("gnuplot", 1, "line 12: unexpected token");
  kb::util::TempDir dir("kbench-report-fail");
  try {
    kb::report::render_all(kb::test::results_sample("tiny.json"), dir.path(), runner);
    FAIL() << "no error";
  } catch (const kb::Error& e) {
    EXPECT_EQ(e.code(), kb::ExitCode::infra);
    EXPECT_NE(std::string(e.what()).find("unexpected token"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(fs::exists(dir.path() / "report.md"));
  EXPECT_TRUE(fs::exists(dir.path() / "junit.xml"));
}

TEST(ReportPlots, LargeSampleSetsAreThinnedToTheStripLimitKeepingMinAndMax) {
  auto results = kb::test::results_sample("tiny.json");
  auto& walks = results.runs[0].walk_ns;
  walks.clear();
  for (std::uint64_t i = 1; i <= 10000; ++i) {
    walks.push_back(i * 1000000);
  }
  const auto scripts = kb::report::plot_scripts(kb::report::analyze(kb::report::ab_sides(results)));
  const std::string& s = scripts.at(0).script;
  const std::size_t begin = s.find("$strip0 << EOD\n");
  const std::size_t end = s.find("EOD\n", begin + 15);
  const std::string block = s.substr(begin, end - begin);
  EXPECT_EQ(static_cast<std::size_t>(std::count(block.begin(), block.end(), '\n')),
            kb::report::k_max_strip_points + 1);
  EXPECT_NE(block.find(" 1\n"), std::string::npos);     // the minimum, 1 ms
  EXPECT_NE(block.find(" 10000\n"), std::string::npos); // the maximum, 10 s
}

namespace {

// Return `results` with every boot of `variant` ("" for all) ended as PANIC.
kb::bench::Results panicked(kb::bench::Results results, const std::string& variant) {
  for (auto& run : results.runs) {
    if (variant.empty() || run.variant == variant) {
      run.outcome = kb::vm::Outcome::panic;
      run.reason = "kernel BUG at mm/ksm.c:3170!";
    }
  }
  return results;
}

} // namespace

TEST(ReportPlots, ASideWithoutOkBootsIsLeftOutOfPlotsThatGnuplotStillDraws) {
  const auto results = panicked(kb::test::results_sample("quick-ab-5boots.json"), "patched");
  const auto scripts = kb::report::plot_scripts(kb::report::analyze(kb::report::ab_sides(results)));
  ASSERT_EQ(scripts.size(), 2u);
  EXPECT_EQ(scripts[0].script.find("title \"patched\""), std::string::npos);
  EXPECT_NE(scripts[0].script.find("title \"baseline\""), std::string::npos);
  EXPECT_EQ(scripts[1].script.find("patched max"), std::string::npos);
  if (!have_gnuplot()) {
    GTEST_SKIP() << "gnuplot is not installed";
  }
  auto runner = kb::util::make_real_process_runner();
  kb::util::TempDir dir("kbench-report-one-side");
  kb::report::render_all(results, dir.path(), *runner); // gnuplot accepts both scripts
  EXPECT_TRUE(fs::exists(dir.path() / "plots/distribution.png"));
  EXPECT_TRUE(fs::exists(dir.path() / "plots/per-boot.png"));
}

TEST(ReportPlots, NoOkBootAtAllDrawsNoPlotAndRunsNoGnuplot) {
  const auto results = panicked(kb::test::results_sample("quick-ab-5boots.json"), "");
  EXPECT_TRUE(kb::report::plot_scripts(kb::report::analyze(kb::report::ab_sides(results))).empty());
  kb::test::FakeProcessRunner runner;
  kb::util::TempDir dir("kbench-report-no-plot");
  kb::report::render_all(results, dir.path(), runner);
  EXPECT_TRUE(runner.commands.empty());
  const std::string md = kb::util::read_file(dir.path() / "report.md");
  EXPECT_NE(md.find("No plot: no boot of either side ended OK with samples."), std::string::npos);
  EXPECT_EQ(md.find("plots/distribution"), std::string::npos);
}

TEST(ReportPlots, AMetricWithoutSamplesGetsAnEmptyPanelGnuplotAccepts) {
  // A run without lock-hold samples (e.g. --no-measurement-patches: function_graph times the
  // walks only) must still plot the walks, and say "no samples" where the holds would be.
  auto results = kb::test::results_sample("quick-ab-5boots.json");
  for (auto& run : results.runs) {
    run.lock_hold_ns.clear();
  }
  const auto scripts = kb::report::plot_scripts(kb::report::analyze(kb::report::ab_sides(results)));
  for (const auto& s : scripts) {
    EXPECT_EQ(s.script.find("1/0"), std::string::npos) << s.name;
    if (s.name == "per-boot") { // one panel per metric; the distribution has one panel in all
      EXPECT_NE(s.script.find(kb::report::empty_panel()), std::string::npos);
    }
  }
  if (!have_gnuplot()) {
    GTEST_SKIP() << "gnuplot is not installed";
  }
  auto runner = kb::util::make_real_process_runner();
  kb::util::TempDir dir("kbench-report-empty-panel");
  kb::report::render_all(results, dir.path(), *runner);
  const std::string boots = kb::util::read_file(dir.path() / "plots/per-boot.svg");
  EXPECT_NE(boots.find("no samples"), std::string::npos);
  EXPECT_NE(boots.find(">baseline max<"), std::string::npos);
}
