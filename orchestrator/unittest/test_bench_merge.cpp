// Tests of `kbench merge` (bench/merge, cli/mergecmd) on RECORDED results
// (testdata/results-shards, see its README.md): shards merged give exactly the
// statistics of the unsharded run of the same boots; shards that do not belong
// together are refused, naming both files and the differing field.
#include <kbench/bench/merge.hpp>
#include <kbench/cli/mergecmd.hpp>
#include <kbench/report/analysis.hpp>
#include <kbench/report/table.hpp>
#include <kbench/util/error.hpp>
#include <kbench/util/fs.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

namespace kb = kbench;
namespace fs = std::filesystem;

namespace {

fs::path shards_dir() {
  return fs::path(KBENCH_TESTDATA_DIR) / "results-shards";
}

kb::bench::MergeInput input(const std::string& name) {
  const fs::path file = shards_dir() / name;
  return { kb::bench::read_results(file), file.string() };
}

void expect_same_interval(const kb::stats::Interval& a, const kb::stats::Interval& b) {
  EXPECT_EQ(a.low, b.low);
  EXPECT_EQ(a.high, b.high);
}

void expect_same_judgement(const kb::stats::Judgement& a, const kb::stats::Judgement& b) {
  EXPECT_EQ(a.ratio.point, b.ratio.point);
  expect_same_interval(a.ratio.ci, b.ratio.ci);
  EXPECT_EQ(a.change.point, b.change.point);
  expect_same_interval(a.change.ci, b.change.ci);
  EXPECT_EQ(a.test.p_value, b.test.p_value);
  EXPECT_EQ(a.verdict, b.verdict);
}

void expect_same_summary(const kb::stats::Summary& a, const kb::stats::Summary& b) {
  EXPECT_EQ(a.n, b.n);
  EXPECT_EQ(a.boots, b.boots);
  EXPECT_EQ(a.mean, b.mean);
  EXPECT_EQ(a.median, b.median);
  EXPECT_EQ(a.p99, b.p99);
  EXPECT_EQ(a.max, b.max);
  EXPECT_EQ(a.stddev, b.stddev);
  EXPECT_EQ(a.boot_mean, b.boot_mean);
  EXPECT_EQ(a.boot_max, b.boot_max);
}

// Expect every statistic of the two results' A/B analyses to be identical.
void expect_same_statistics(const kb::bench::Results& merged, const kb::bench::Results& unsharded) {
  const auto a = kb::report::analyze(kb::report::ab_sides(merged));
  const auto b = kb::report::analyze(kb::report::ab_sides(unsharded));
  ASSERT_EQ(a.metrics.size(), b.metrics.size());
  for (std::size_t i = 0; i < a.metrics.size(); ++i) {
    SCOPED_TRACE(a.metrics[i].spec->short_name);
    expect_same_summary(a.metrics[i].comparison.baseline, b.metrics[i].comparison.baseline);
    expect_same_summary(a.metrics[i].comparison.patched, b.metrics[i].comparison.patched);
    expect_same_judgement(a.metrics[i].comparison.mean, b.metrics[i].comparison.mean);
    expect_same_judgement(a.metrics[i].comparison.max, b.metrics[i].comparison.max);
  }
  EXPECT_EQ(kb::report::render_text_table(a), kb::report::render_text_table(b));
}

nlohmann::json runs_json(const kb::bench::Results& r) {
  return kb::bench::to_json(r).at("runs");
}

std::string merge_error(const std::vector<kb::bench::MergeInput>& inputs) {
  try {
    kb::bench::merge_shards(inputs);
  } catch (const kb::Error& e) {
    EXPECT_EQ(e.code(), kb::ExitCode::invalid_config);
    return e.what();
  }
  ADD_FAILURE() << "the merge was not refused";
  return {};
}

} // namespace

TEST(BenchMerge, TwoShardsOfARecordedAbRunGiveExactlyItsStatistics) {
  const auto unsharded = input("ab-unsharded.json");
  const auto out =
    kb::bench::merge_shards({ input("ab-unsharded-1of2.json"), input("ab-unsharded-2of2.json") });
  EXPECT_TRUE(out.warnings.empty());
  EXPECT_TRUE(out.merged.complete);
  EXPECT_FALSE(out.merged.shard.has_value());
  EXPECT_EQ(runs_json(out.merged), runs_json(unsharded.results));
  expect_same_statistics(out.merged, unsharded.results);
}

TEST(BenchMerge, ThreeShardsOfARecordedAaRunInAnyOrderGiveExactlyItsStatistics) {
  const auto unsharded = input("aa-unsharded.json");
  const auto out =
    kb::bench::merge_shards({ input("aa-unsharded-3of3.json"), input("aa-unsharded-1of3.json"),
                              input("aa-unsharded-2of3.json") });
  EXPECT_TRUE(out.warnings.empty());
  EXPECT_EQ(runs_json(out.merged), runs_json(unsharded.results));
  expect_same_statistics(out.merged, unsharded.results);
}

TEST(BenchMerge, RealShardRunsMergeIntoOneInterleavedExperimentWithTheSameVerdicts) {
  const auto s1 = input("ab-shard-1of2.json");
  const auto s2 = input("ab-shard-2of2.json");
  ASSERT_TRUE(s1.results.shard && s2.results.shard);
  EXPECT_EQ(s1.results.shard->boots, 5);
  const auto out = kb::bench::merge_shards({ s2, s1 });
  const auto& runs = out.merged.runs;
  ASSERT_EQ(runs.size(), 10U);
  for (std::size_t i = 0; i < runs.size(); ++i) {
    EXPECT_EQ(runs[i].boot, static_cast<int>(i / 2));
    EXPECT_EQ(runs[i].variant, i % 2 == 0 ? "baseline" : "patched");
  }
  EXPECT_EQ(out.merged.reproducer.find("--shard"), std::string::npos) << out.merged.reproducer;
  const auto merged = kb::report::analyze(kb::report::ab_sides(out.merged));
  const auto unsharded =
    kb::report::analyze(kb::report::ab_sides(input("ab-unsharded.json").results));
  for (std::size_t i = 0; i < merged.metrics.size(); ++i) {
    EXPECT_EQ(merged.metrics[i].comparison.mean.verdict,
              unsharded.metrics[i].comparison.mean.verdict)
      << merged.metrics[i].spec->short_name;
  }
  EXPECT_EQ(merged.metrics[0].comparison.mean.verdict, kb::stats::Verdict::improved);
}

TEST(BenchMerge, RefusesShardsOfDifferentExperimentsNamingBothFilesAndTheField) {
  auto other = input("ab-unsharded-2of2.json");
  other.results.experiment.vmas = 4000;
  other.origin = "other.json";
  const std::string what = merge_error({ input("ab-unsharded-1of2.json"), other });
  EXPECT_NE(what.find("ab-unsharded-1of2.json and other.json"), std::string::npos) << what;
  EXPECT_NE(what.find("different experiments (experiment.vmas: 2000 vs 4000)"), std::string::npos)
    << what;
}

TEST(BenchMerge, RefusesShardsOfDifferentExperimentHashes) {
  auto other = input("ab-unsharded-2of2.json");
  other.results.provenance.experiment_sha256 = "feed";
  const std::string what = merge_error({ input("ab-unsharded-1of2.json"), other });
  EXPECT_NE(what.find("different experiments (experiment_sha256: ca04a3d8"), std::string::npos)
    << what;
}

TEST(BenchMerge, RefusesShardsOfDifferentKernels) {
  auto other = input("ab-unsharded-2of2.json");
  other.results.kernels[1].bzimage_sha256 = "0000";
  const std::string what = merge_error({ input("ab-unsharded-1of2.json"), other });
  EXPECT_NE(what.find("different kernels (kernels[patched].bzimage_sha256:"), std::string::npos)
    << what;
}

TEST(BenchMerge, RefusesShardsOfDifferentAccelerators) {
  auto other = input("ab-unsharded-2of2.json");
  other.results.environment["accelerator"] = "kvm";
  const std::string what = merge_error({ input("ab-unsharded-1of2.json"), other });
  EXPECT_NE(what.find("environment.accelerator: tcg vs kvm"), std::string::npos) << what;
}

TEST(BenchMerge, RefusesShardsOfDifferentTimingModesNamingBoth) {
  auto other = input("ab-unsharded-2of2.json");
  other.results.environment["timing"] = "virtual";
  other.results.provenance.experiment_sha256 = "feed"; // vm.timing differs in the experiment too
  const std::string what = merge_error({ input("ab-unsharded-1of2.json"), other });
  EXPECT_NE(what.find("different timing modes (environment.timing: wall vs virtual)"),
            std::string::npos)
    << what;
}

TEST(BenchMerge, RefusesADuplicateShardAndOverlappingBoots) {
  const std::string dup =
    merge_error({ input("ab-unsharded-1of2.json"), input("ab-unsharded-1of2.json") });
  EXPECT_NE(dup.find("duplicate shard (shard.index 1 in both)"), std::string::npos) << dup;
  auto overlap = input("ab-unsharded-2of2.json");
  overlap.results.runs.push_back(input("ab-unsharded-1of2.json").results.runs.front());
  const std::string what = merge_error({ input("ab-unsharded-1of2.json"), overlap });
  EXPECT_NE(what.find("overlapping boots (runs[baseline boot 0] in both)"), std::string::npos)
    << what;
}

TEST(BenchMerge, RefusesToMixAShardWithTheUnshardedRun) {
  const std::string what =
    merge_error({ input("ab-unsharded.json"), input("ab-unsharded-2of2.json") });
  EXPECT_NE(what.find("shard.count: 1 vs 2"), std::string::npos) << what;
}

TEST(BenchMerge, AMissingShardIsAWarningAndAnIncompleteResult) {
  const auto out =
    kb::bench::merge_shards({ input("aa-unsharded-1of3.json"), input("aa-unsharded-3of3.json") });
  ASSERT_EQ(out.warnings.size(), 1U);
  EXPECT_NE(out.warnings.front().find("shard 2/3 is missing"), std::string::npos);
  EXPECT_FALSE(out.merged.complete);
}

TEST(BenchMerge, DropsTheShardOptionFromTheReproducer) {
  EXPECT_EQ(kb::bench::drop_shard_option("kbench ab --shard 1/2 --boots 5"), "kbench ab --boots 5");
  EXPECT_EQ(kb::bench::drop_shard_option("kbench ab --shard=2/2"), "kbench ab");
}

TEST(BenchMerge, MergeCommandWritesResultsAndReportsIntoTheOutputDirectory) {
  kb::util::TempDir out("kbench-merge-cli");
  kb::cli::MergeOptions options;
  options.inputs = { shards_dir() / "ab-unsharded-1of2.json",
                     shards_dir() / "ab-unsharded-2of2.json" };
  options.output = out.path() / "merged";
  testing::internal::CaptureStdout();
  EXPECT_EQ(kb::cli::run_merge(options), 0);
  const std::string text = testing::internal::GetCapturedStdout();
  EXPECT_NE(text.find("merged 2 results into"), std::string::npos) << text;
  const auto merged = kb::bench::read_results(options.output / "results.json");
  expect_same_statistics(merged, input("ab-unsharded.json").results);
  EXPECT_TRUE(fs::exists(options.output / "report.md"));
  EXPECT_TRUE(fs::exists(options.output / "junit.xml"));
}
