// Tests of the results.json check (bench/results_check): a sample that is
// negative, too large or not an integer, an unknown outcome, a missing key or a
// boot out of range is refused with exit 3 naming the file and the JSON path.
#include <kbench/bench/results.hpp>
#include <kbench/bench/results_check.hpp>
#include <kbench/util/error.hpp>
#include <kbench/util/fs.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

namespace kb = kbench;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const fs::path k_samples = fs::path(KBENCH_TESTDATA_DIR) / "results-json";

json tiny() {
  return json::parse(kb::util::read_file(k_samples / "tiny.json"));
}

// Return the message of the error check_results_json() throws for `j`, "" when none.
std::string problem_of(const json& j) {
  try {
    kb::bench::check_results_json(j, "r.json");
  } catch (const kb::Error& e) {
    EXPECT_EQ(e.code(), kb::ExitCode::invalid_config);
    return e.what();
  }
  return {};
}

} // namespace

TEST(BenchResultsCheck, AcceptsEveryRecordedResultsFile) {
  int checked = 0;
  for (const auto& dir : { k_samples, k_samples.parent_path() / "results-shards" }) {
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
      if (entry.path().extension() == ".json") {
        const json j = json::parse(kb::util::read_file(entry.path()));
        EXPECT_EQ(problem_of(j), "") << entry.path();
        ++checked;
      }
    }
  }
  EXPECT_GE(checked, 6);
}

TEST(BenchResultsCheck, RefusesANegativeSampleNamingItsPath) {
  json j = tiny();
  j["runs"][0]["walk_ns"][1] = -57;
  EXPECT_EQ(problem_of(j),
            "r.json: runs[0].walk_ns[1]: -57 is not a duration in ns in [0, 604800000000000]");
}

TEST(BenchResultsCheck, RefusesSamplesBeyondTheLongestRunOrNotIntegers) {
  for (const json& bad : { json(1e300), json::parse("1180591620717411303424"), json(1.5),
                           json("12"), json(std::uint64_t{ 604800000000001 }) }) {
    json j = tiny();
    j["runs"][0]["lock_hold_ns"][0] = bad;
    EXPECT_EQ(problem_of(j).rfind("r.json: runs[0].lock_hold_ns[0]: ", 0), 0u) << bad.dump();
  }
}

TEST(BenchResultsCheck, RefusesAnUnknownOutcome) {
  json j = tiny();
  j["runs"][0]["outcome"] = "FINE";
  EXPECT_EQ(problem_of(j).rfind("r.json: runs[0].outcome: expected an outcome (OK, ", 0), 0u)
    << problem_of(j);
}

TEST(BenchResultsCheck, RefusesWrongTypesOfCountsFlagsAndTexts) {
  json j = tiny();
  j["runs"][0]["pages_sharing"] = -1;
  EXPECT_EQ(problem_of(j).rfind("r.json: runs[0].pages_sharing: -1 is not a count", 0), 0u);
  j = tiny();
  j["kernels"][0]["cache_hit"] = "yes";
  EXPECT_EQ(problem_of(j), "r.json: kernels[0].cache_hit: expected true or false, got \"yes\"");
  j = tiny();
  j["runs"][0]["phases"]["total"] = -3.5;
  EXPECT_EQ(problem_of(j).rfind("r.json: runs[0].phases.total: -3.5 is not a duration in s", 0),
            0u);
  j = tiny();
  j["runs"][0]["checks"] = { { { "walk", 0 }, { "name", 7 } } };
  EXPECT_EQ(problem_of(j), "r.json: runs[0].checks[0].name: expected a string, got 7");
}

TEST(BenchResultsCheck, ChecksTheMeasurementLayersSamplesAndTheTimingMode) {
  json j = tiny();
  j["runs"][0]["timing"] = "virtual";
  j["runs"][0]["walk_holds_timed_ns"] = { 1200, 3400 };
  j["runs"][0]["walk_iterations"] = { 3, 4 };
  j["runs"][0]["lock_hold_iterations"] = { 1, 1 };
  j["runs"][0]["holds_lost"] = 2;
  EXPECT_EQ(problem_of(j), "");
  j["runs"][0]["walk_holds_timed_ns"][1] = -1;
  EXPECT_EQ(problem_of(j).rfind("r.json: runs[0].walk_holds_timed_ns[1]: -1 is not a duration", 0),
            0u);
  j = tiny();
  j["runs"][0]["walk_iterations"] = { 2.5 };
  EXPECT_EQ(problem_of(j).rfind("r.json: runs[0].walk_iterations[0]: 2.5 is not a count", 0), 0u);
  j = tiny();
  j["runs"][0]["timing"] = 1;
  EXPECT_EQ(problem_of(j), "r.json: runs[0].timing: expected a string, got 1");
}

TEST(BenchResultsCheck, RefusesAMissingRequiredKeyAndABootBeyondTheBoots) {
  json j = tiny();
  j.erase("runs");
  EXPECT_EQ(problem_of(j), "r.json: runs: missing (a required key)");
  j = tiny();
  j["runs"][0]["boot"] = 1;
  EXPECT_EQ(problem_of(j), "r.json: runs[0].boot: 1 is not below experiment.boots (1)");
}

TEST(BenchResultsCheck, IgnoresKeysItDoesNotKnow) {
  json j = tiny();
  j["runs"][0]["a_later_key"] = { { "anything", -1 } };
  EXPECT_EQ(problem_of(j), "");
}

TEST(BenchReadResults, RefusesANegativeSampleWithExit3NamingFileAndPath) {
  kb::util::TempDir dir("kbench-results");
  json j = tiny();
  j["runs"][0]["walk_ns"][0] = -57;
  kb::util::write_file_atomic(dir.path() / "results.json", j.dump());
  try {
    kb::bench::read_results(dir.path() / "results.json");
    FAIL() << "a negative sample was accepted";
  } catch (const kb::Error& e) {
    EXPECT_EQ(e.code(), kb::ExitCode::invalid_config);
    EXPECT_EQ(std::string(e.what()), (dir.path() / "results.json").string() +
                                       ": runs[0].walk_ns[0]: -57 is not a duration in ns in [0, "
                                       "604800000000000]");
  }
}
