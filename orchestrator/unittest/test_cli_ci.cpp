// Tests of `kbench ci --results` (cli/cicmd) on recorded results: the exit
// code, summary.md and junit.xml written into the results directory, and
// the comparison against a stored reference.
#include <kbench/cli/cicmd.hpp>
#include <kbench/util/error.hpp>
#include <kbench/util/fs.hpp>

#include <gtest/gtest.h>

#include "test_report_samples.hpp"

namespace kb = kbench;
namespace fs = std::filesystem;

namespace {

// Copy the sample `name` into a fresh directory as results.json; run `kbench ci --results`.
struct CiRun {
  kb::util::TempDir dir{ "kbench-cli-ci" };
  int code = -1;
  std::string out;

  CiRun(const std::string& name, kb::cli::CiOptions options = {}) {
    fs::copy_file(kb::test::results_sample_path(name), dir.path() / "results.json");
    options.results = dir.path();
    testing::internal::CaptureStdout();
    code = kb::cli::run_ci({}, options);
    out = testing::internal::GetCapturedStdout();
  }

  std::string summary() const { return kb::util::read_file(dir.path() / "summary.md"); }
};

} // namespace

TEST(CliCi, AFasterPatchPassesAndWritesSummaryAndJunitIntoTheResultsDirectory) {
  CiRun run("quick-ab-5boots.json");
  EXPECT_EQ(run.code, 0) << run.out;
  EXPECT_EQ(run.summary().rfind("**kbench ci: PASS", 0), 0U) << run.summary();
  EXPECT_NE(run.summary().find("- [junit.xml](junit.xml)"), std::string::npos);
  EXPECT_NE(run.out.find("summary: " + (run.dir.path() / "summary.md").string()), std::string::npos)
    << run.out;
  EXPECT_NE(kb::util::read_file(run.dir.path() / "junit.xml").find("failures=\"0\""),
            std::string::npos);
}

TEST(CliCi, APanicAndAWrongResultInOneRunIsExitTen) {
  CiRun run("quick-ab-failures.json");
  EXPECT_EQ(run.code, 10) << run.out;
  EXPECT_NE(run.out.find("problem: baseline boot 1: PANIC"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("problem: patched boot 2: CORRECTNESS_FAIL"), std::string::npos);
}

TEST(CliCi, AnIncompleteMarkerMeansTheRunDidNotFinish) {
  kb::util::TempDir dir("kbench-cli-ci");
  fs::copy_file(kb::test::results_sample_path("quick-ab-5boots.json"), dir.path() / "results.json");
  kb::util::write_file_atomic(dir.path() / "INCOMPLETE", "");
  kb::cli::CiOptions options;
  options.results = dir.path();
  testing::internal::CaptureStdout();
  EXPECT_EQ(kb::cli::run_ci({}, options), 10);
  testing::internal::GetCapturedStdout();
}

TEST(CliCi, ThePatchedKernelAgainstAFasterReferenceIsARegression) {
  // The reference's patched kernel (~0.1 ms walks) against this run's baseline-speed
  // patched side: quick-aa's "patched" is the baseline kernel.
  kb::cli::CiOptions options;
  options.reference = kb::test::results_sample_path("quick-ab-5boots.json");
  CiRun run("quick-aa-5boots.json", options);
  EXPECT_EQ(run.code, 1) << run.out;
  EXPECT_NE(run.summary().find("REGRESSION (exit 1): walk mean +"), std::string::npos)
    << run.summary();
}

TEST(CliCi, AnUnknownReferenceVariantIsAUsageError) {
  kb::cli::CiOptions options;
  options.reference = kb::test::results_sample_path("quick-ab-5boots.json");
  options.reference_variant = "nosuch";
  try {
    CiRun run("quick-ab-5boots.json", options);
    FAIL() << "no error";
  } catch (const kb::Error& e) {
    testing::internal::GetCapturedStdout();
    EXPECT_EQ(e.code(), kb::ExitCode::usage);
    EXPECT_NE(std::string(e.what()).find("variant \"nosuch\""), std::string::npos) << e.what();
  }
}

TEST(CliCi, TheRecordedExperimentsThresholdsApplyToTheMeans) {
  kb::util::TempDir dir("kbench-cli-ci");
  fs::copy_file(fs::path(KBENCH_TESTDATA_DIR) / "results-shards" / "ab-unsharded.json",
                dir.path() / "results.json");
  kb::cli::CiOptions options;
  options.results = dir.path();
  testing::internal::CaptureStdout();
  EXPECT_EQ(kb::cli::run_ci({}, options), 0);
  testing::internal::GetCapturedStdout();
  const std::string md = kb::util::read_file(dir.path() / "summary.md");
  EXPECT_NE(md.find("| p | regression if worse than |"), std::string::npos) << md;
  EXPECT_NE(md.find("| +10% | **improved** |"), std::string::npos) << md; // walk mean: the file's
  EXPECT_NE(md.find("| +5% | **improved** |"), std::string::npos) << md;  // walk max: noise band
}
