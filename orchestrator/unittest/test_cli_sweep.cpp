// `kbench sweep` takes `kbench ab`'s options and experiment files: its effective
// experiment is ab's (its --vmas list aside), validated at every point before any work.
#include <kbench/cli/effective.hpp>
#include <kbench/cli/sweepcmd.hpp>
#include <kbench/util/error.hpp>
#include <kbench/util/fs.hpp>

#include <CLI/CLI.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <sstream>

namespace kbench::cli {
namespace {

namespace fs = std::filesystem;

const fs::path k_testdata = KBENCH_TESTDATA_DIR;

// Parse `args` (after the program name) with `kbench sweep`'s options into `options`.
void parse_sweep(std::vector<std::string> args, SweepOptions& options) {
  CLI::App app;
  add_sweep_command(app, options);
  args.insert(args.begin(), "sweep");
  std::reverse(args.begin(), args.end());
  app.parse(args);
}

// Return the error `sweep_experiment` throws for `args`, failing the test when it throws none.
Error sweep_error(const std::vector<std::string>& args, const std::vector<std::uint64_t>& vmas) {
  SweepOptions options;
  parse_sweep(args, options);
  try {
    sweep_experiment(options, vmas);
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "no error";
  return Error(ExitCode::ok, "");
}

TEST(CliSweep, TheVmasOptionTakesTheListAndLeavesTheExperimentAlone) {
  SweepOptions options;
  parse_sweep({ "--scenario", "quick", "--vmas", "1000,2000", "--boots", "2" }, options);
  EXPECT_EQ(options.vma_list, "1000,2000");
  const auto e = sweep_experiment(options, { 1000, 2000 });
  EXPECT_EQ(e.workload.vmas, 2000u); // quick's own count; each point replaces it
  EXPECT_EQ(e.repetitions.boots, 2);
  EXPECT_EQ(e.workload.dup_pages, 16u);
}

TEST(CliSweep, AnExperimentFileLayersUnderTheFlags) {
  util::TempDir dir("kbench-sweep");
  util::write_file_atomic(dir.path() / "e.yaml",
                          "workload:\n  walks: 3\n  vmas: 50000\nrepetitions:\n  boots: 4\n");
  SweepOptions options;
  parse_sweep({ "-c", (dir.path() / "e.yaml").string(), "--boots", "1", "--vmas", "1000,5000" },
              options);
  const auto e = sweep_experiment(options, { 1000, 5000 });
  EXPECT_EQ(e.workload.walks, 3u);
  EXPECT_EQ(e.repetitions.boots, 1);
  EXPECT_EQ(e.workload.vmas, 50000u);
}

TEST(CliSweep, FiveMistakesInTheFileAreFiveLocatedErrorsOfAnInvalidConfig) {
  const fs::path file = k_testdata / "experiments" / "five-mistakes.yaml";
  const Error e = sweep_error({ "-c", file.string(), "--vmas", "1000,2000" }, { 1000, 2000 });
  EXPECT_EQ(e.code(), ExitCode::invalid_config);
  const std::string text = e.what();
  const std::regex located("^" + file.string() + ":[0-9]+:[0-9]+: ");
  std::istringstream lines(text);
  int count = 0;
  for (std::string line; std::getline(lines, line);) {
    count += std::regex_search(line, located) ? 1 : 0;
  }
  EXPECT_EQ(count, 5) << text;
  EXPECT_NE(text.find("did you mean 'vmas'?"), std::string::npos) << text;
}

TEST(CliSweep, APointTooSmallForTheDuplicatePagesIsAUsageError) {
  const Error e = sweep_error({ "--vmas", "250,1000" }, { 250, 1000 }); // seed: 256 pages
  EXPECT_EQ(e.code(), ExitCode::usage);
  EXPECT_NE(std::string(e.what()).find("250 VMAs cannot hold 256"), std::string::npos) << e.what();
}

TEST(CliSweep, APointTheGuestMemoryCannotHoldIsLocatedAndNamesItsCount) {
  const Error e = sweep_error(
    { "--scenario", "quick", "--memory", "256", "--vmas", "1000,2000000" }, { 1000, 2'000'000 });
  EXPECT_EQ(e.code(), ExitCode::invalid_config);
  const std::string text = e.what();
  EXPECT_NE(text.find("at 2000000 VMAs:"), std::string::npos) << text;
  EXPECT_EQ(text.find("at 1000 VMAs:"), std::string::npos) << text;
}

TEST(CliSweep, OptionsASweepHasNoPlaceForAreUsageErrors) {
  EXPECT_EQ(sweep_error({ "--vmas", "1000,2000", "--shard", "1/2" }, { 1000, 2000 }).code(),
            ExitCode::usage);
  EXPECT_EQ(sweep_error({ "--vmas", "1000,2000", "--perf" }, { 1000, 2000 }).code(),
            ExitCode::usage);
}

TEST(CliSweep, APointIsTheBaseWithOnlyItsVmaCountSetByTheCommandLine) {
  SweepOptions options;
  parse_sweep({ "--scenario", "quick", "--vmas", "1000,2000" }, options);
  const auto base = sweep_experiment(options, { 1000, 2000 });
  auto point = point_experiment(base, 1000);
  EXPECT_EQ(point.workload.vmas, 1000u);
  EXPECT_EQ(point.origins.at("workload.vmas").file, "command line (--vmas)");
  point.workload.vmas = base.workload.vmas;
  EXPECT_EQ(experiment::experiment_hash(point), experiment::experiment_hash(base));
  EXPECT_EQ(bench_experiment(point_experiment(base, 1000)).vmas, 1000u);
}

} // namespace
} // namespace kbench::cli
