// Reports judge a run with the statistics settings its experiment recorded.
#include <kbench/report/render.hpp>

#include <gtest/gtest.h>

namespace kbench::report {
namespace {

TEST(ReportSettings, RecordedAlphaAndNoiseComeFromTheEffectiveExperiment) {
  bench::Results results;
  results.provenance.experiment_effective = { { "statistics",
                                                { { "alpha", 0.01 }, { "noise", 0.2 } } } };
  const stats::CompareSettings settings = recorded_settings(results);
  EXPECT_DOUBLE_EQ(settings.alpha, 0.01);
  EXPECT_DOUBLE_EQ(settings.noise, 0.2);
}

TEST(ReportSettings, ResultsWithoutAnExperimentUseTheDefaults) {
  const stats::CompareSettings settings = recorded_settings(bench::Results{});
  EXPECT_DOUBLE_EQ(settings.alpha, stats::CompareSettings{}.alpha);
  EXPECT_DOUBLE_EQ(settings.noise, stats::CompareSettings{}.noise);
}

} // namespace
} // namespace kbench::report
