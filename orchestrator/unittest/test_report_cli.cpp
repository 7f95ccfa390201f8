// Tests of `kbench report` and `kbench compare` (cli/reportcmd): files in,
// reports out, the text report on stdout.
#include <kbench/bench/results.hpp>
#include <kbench/cli/reportcmd.hpp>
#include <kbench/util/error.hpp>
#include <kbench/util/fs.hpp>

#include <gtest/gtest.h>

#include "test_report_samples.hpp"

namespace kb = kbench;
namespace fs = std::filesystem;

TEST(ReportCli, ReportRendersIntoTheResultsDirectoryAndPrintsTheTextReport) {
  kb::util::TempDir dir("kbench-cli-report");
  fs::copy_file(kb::test::results_sample_path("tiny.json"), dir.path() / "results.json");
  testing::internal::CaptureStdout();
  const int code = kb::cli::run_report(dir.path(), {});
  const std::string out = testing::internal::GetCapturedStdout();
  EXPECT_EQ(code, 0);
  EXPECT_EQ(out, kb::util::read_file(dir.path() / "report.txt"));
  EXPECT_NE(out.find("Before:        705.12 ms (705119858 ns)"), std::string::npos) << out;
  EXPECT_TRUE(fs::exists(dir.path() / "report.md"));
  EXPECT_TRUE(fs::exists(dir.path() / "junit.xml"));
}

TEST(ReportCli, CompareDefaultsToPatchedOfEachAndWritesIntoOutDir) {
  kb::util::TempDir out_dir("kbench-cli-compare");
  testing::internal::CaptureStdout();
  const int code = kb::cli::run_compare(kb::test::results_sample_path("quick-ab-3boots.json"),
                                        kb::test::results_sample_path("quick-ab-5boots.json"), "",
                                        "", out_dir.path());
  const std::string out = testing::internal::GetCapturedStdout();
  EXPECT_EQ(code, 0);
  EXPECT_NE(out.find("quick-ab-3boots.json patched: kernel 6.12.117"), std::string::npos) << out;
  EXPECT_NE(out.find("quick-ab-5boots.json patched: kernel 6.12.117"), std::string::npos) << out;
  EXPECT_NE(out.find("\nA:             "), std::string::npos);
  EXPECT_TRUE(fs::exists(out_dir.path() / "report.md"));
}

TEST(ReportCli, CompareWithoutOutDirOnlyPrints) {
  testing::internal::CaptureStdout();
  kb::cli::run_compare(kb::test::results_sample_path("quick-aa-5boots.json"),
                       kb::test::results_sample_path("quick-aa-5boots.json"), "baseline", "patched",
                       {});
  const std::string out = testing::internal::GetCapturedStdout();
  EXPECT_NE(out.find("walk mean"), std::string::npos);
}

TEST(ReportCli, CompareRejectsAnUnknownVariantAsAUsageError) {
  try {
    kb::cli::run_compare(kb::test::results_sample_path("tiny.json"),
                         kb::test::results_sample_path("tiny.json"), "patched", "nosuch", {});
    FAIL() << "no error";
  } catch (const kb::Error& e) {
    EXPECT_EQ(e.code(), kb::ExitCode::usage);
    EXPECT_NE(std::string(e.what()).find("no runs of variant \"nosuch\""), std::string::npos);
  }
}

TEST(ReportCli, CompareRefusesDifferentAccelerators) {
  // Patched of the mismatch sample ran under KVM, patched of the quick sample under TCG.
  try {
    kb::cli::run_compare(kb::test::results_sample_path("quick-ab-3boots.json"),
                         kb::test::results_sample_path("accelerator-mismatch.json"), "", "", {});
    FAIL() << "no error";
  } catch (const kb::Error& e) {
    EXPECT_EQ(e.code(), kb::ExitCode::invalid_config);
  }
}

TEST(ReportCli, CompareRefusesDifferentTimingModesNamingBoth) {
  // The same runs, once re-labelled as measured in virtual time.
  kb::util::TempDir dir("kbench-cli-timing");
  auto results = kb::bench::read_results(kb::test::results_sample_path("quick-ab-3boots.json"));
  for (auto& run : results.runs) {
    run.timing = "virtual";
  }
  kb::bench::write_results(results, dir.path() / "virtual.json");
  try {
    kb::cli::run_compare(kb::test::results_sample_path("quick-ab-3boots.json"),
                         dir.path() / "virtual.json", "", "", {});
    FAIL() << "no error";
  } catch (const kb::Error& e) {
    EXPECT_EQ(e.code(), kb::ExitCode::invalid_config);
    const std::string what = e.what();
    EXPECT_NE(what.find("different timing modes"), std::string::npos) << what;
    EXPECT_NE(what.find("in wall-clock time"), std::string::npos) << what;
    EXPECT_NE(what.find("in virtual time"), std::string::npos) << what;
  }
}

TEST(ReportCli, VirtualTimeRunsSayWhatTheirNumbersMeanInTheHeader) {
  kb::util::TempDir dir("kbench-cli-timing");
  auto results = kb::bench::read_results(kb::test::results_sample_path("quick-ab-3boots.json"));
  for (auto& run : results.runs) {
    run.timing = "virtual";
  }
  kb::bench::write_results(results, dir.path() / "results.json");
  testing::internal::CaptureStdout();
  kb::cli::run_report(dir.path(), {});
  const std::string out = testing::internal::GetCapturedStdout();
  EXPECT_NE(out.find("on tcg, scenario quick\nvirtual time: instructions executed, independent "
                     "of host load; not comparable\nwith wall-clock or KVM runs\n"),
            std::string::npos)
    << out;
  const std::string md = kb::util::read_file(dir.path() / "report.md");
  EXPECT_NE(md.find("- timing: virtual time (policy not recorded): virtual time: instructions "
                    "executed, independent of host load; not comparable with wall-clock or KVM "
                    "runs\n"),
            std::string::npos)
    << md;
}

TEST(ReportCli, ReportOfAMissingFileFailsNamingIt) {
  try {
    kb::cli::run_report("/nonexistent/kbench-results", {});
    FAIL() << "no error";
  } catch (const kb::Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/kbench-results"), std::string::npos);
  }
}
