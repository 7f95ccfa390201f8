// The A/B comparison of one metric: baseline (A) against patched (B). It
// combines the summaries, the bootstrap ratios and relative changes, the
// Mann-Whitney U tests on per-boot values, a four-way verdict and warnings.
#pragma once

#include <kbench/stats/bootstrap.hpp>
#include <kbench/stats/mannwhitney.hpp>
#include <kbench/stats/samples.hpp>
#include <kbench/stats/summary.hpp>
#include <kbench/stats/warning.hpp>

#include <cstddef>
#include <string_view>
#include <vector>

namespace kbench::stats {

// Tunables of a comparison; the defaults are the documented ones.
struct CompareSettings {
  double alpha = 0.05;         // significance level of the U test, in (0, 1)
  double noise = 0.05;         // relative changes within +-noise count as noise (>= 0)
  BootstrapSettings bootstrap; // resamples (10000), confidence (0.95), seed
  std::size_t min_boots = 5;   // fewer non-empty boots on a side raise few_boots
  double max_boot_cov = 0.20;  // a per-boot CoV above this raises unstable
};

// The four verdicts, phrased for the metric's direction.
enum class Verdict {
  improved,     // significant, and the whole CI of the change is better than the noise band
  regressed,    // significant, and the whole CI of the change is worse than the noise band
  within_noise, // significant, but the CI of the change reaches into the noise band
  no_change,    // not significant (p >= alpha)
};

// Return the verdict in words: "improved", "regressed", "within noise", "no change".
std::string_view verdict_name(Verdict verdict);

// A point estimate with its bootstrap percentile interval.
struct Estimate {
  double point = 0.0; // value on the observed data
  Interval ci;        // bootstrap percentile interval at BootstrapSettings::confidence
};

// The judgement of one per-boot statistic (per-boot mean, or per-boot max).
struct Judgement {
  Estimate ratio; // A/B of the pooled statistic (pooled mean, or overall max); > 1 means B is lower
  Estimate change;        // (B-A)/A of the mean of the per-boot values; < 0 means B is lower
  MannWhitneyResult test; // U test of A's per-boot values against B's
  Verdict verdict = Verdict::no_change; // decide_verdict(test.p_value, change.ci, ...)
};

// The full comparison of one metric.
struct Comparison {
  Direction direction = Direction::lower_is_better; // how the verdicts were phrased
  Summary baseline;                                 // summary of A
  Summary patched;                                  // summary of B
  Judgement mean;                // judged on per-boot means; its verdict is the headline verdict
  Judgement max;                 // judged on per-boot maxima (worst case per boot)
  std::vector<Warning> warnings; // statistics warnings; callers may append their own
};

// Return the verdict: no_change if p >= alpha; otherwise, for lower-is-better,
// improved if change_ci.high < -noise, regressed if change_ci.low > +noise,
// else within_noise (mirrored for higher-is-better).
Verdict decide_verdict(double p_value, Interval change_ci, Direction direction, double alpha,
                       double noise);

// Return the warnings about one side (named `side`, e.g. "baseline") of a comparison.
std::vector<Warning> side_warnings(const Summary& summary, std::string_view side,
                                   const CompareSettings& settings);

// Return the comparison of baseline (A) against patched (B) for a metric
// going in `direction`. Deterministic for given inputs and settings. Throws
// kbench::Error(invalid_config) on bad settings and (run_failed) on non-finite samples.
Comparison compare(const Series& baseline, const Series& patched, Direction direction,
                   const CompareSettings& settings = {});

} // namespace kbench::stats
