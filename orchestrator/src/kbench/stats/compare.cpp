#include <kbench/stats/compare.hpp>
#include <kbench/stats/descriptive.hpp>
#include <kbench/util/error.hpp>

#include <cmath>
#include <cstdio>
#include <string>

namespace kbench::stats {

namespace {

void check_settings(const CompareSettings& settings) {
  if (!(settings.alpha > 0.0 && settings.alpha < 1.0) || !(settings.noise >= 0.0) ||
      !(settings.max_boot_cov >= 0.0)) {
    throw Error(ExitCode::invalid_config,
                "statistics: need 0 < alpha < 1, noise >= 0 and max_boot_cov >= 0 (got alpha " +
                  std::to_string(settings.alpha) + ", noise " + std::to_string(settings.noise) +
                  ", max_boot_cov " + std::to_string(settings.max_boot_cov) + ")");
  }
}

std::string percent(double fraction) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f%%", 100.0 * fraction);
  return buffer;
}

void add_unstable(std::vector<Warning>& out, std::span<const double> values, std::string_view side,
                  std::string_view what, double limit) {
  const double cov = coefficient_of_variation(values);
  if (values.size() >= 2 && cov > limit) {
    out.push_back(make_warning(WarningKind::unstable,
                               std::string(side) + ": coefficient of variation of per-boot " +
                                 std::string(what) + " is " + percent(cov) + " (limit " +
                                 percent(limit) + "); the boots disagree"));
  }
}

Judgement judge(const Estimate& ratio, const Estimate& change, std::span<const double> a,
                std::span<const double> b, Direction direction, const CompareSettings& settings) {
  Judgement j;
  j.ratio = ratio;
  j.change = change;
  j.test = mann_whitney_u(a, b);
  j.verdict = decide_verdict(j.test.p_value, change.ci, direction, settings.alpha, settings.noise);
  return j;
}

} // namespace

std::string_view verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::improved:
      return "improved";
    case Verdict::regressed:
      return "regressed";
    case Verdict::within_noise:
      return "within noise";
    case Verdict::no_change:
      return "no change";
  }
  return "no change";
}

Verdict decide_verdict(double p_value, Interval change_ci, Direction direction, double alpha,
                       double noise) {
  if (!(p_value < alpha)) {
    return Verdict::no_change;
  }
  const bool all_lower = change_ci.high < -noise;
  const bool all_higher = change_ci.low > noise;
  if (change_ci.low >= -noise && change_ci.high <= noise) {
    // Real or not, the whole interval is inside the noise band: equivalent within it. In
    // virtual time (spread ~0.02%) identical kernels often differ "significantly" by 0.01%.
    return Verdict::no_change;
  }
  if (!all_lower && !all_higher) {
    return Verdict::within_noise; // the interval crosses a band edge: maybe beyond it, maybe not
  }
  const bool lower_is_better = direction == Direction::lower_is_better;
  return all_lower == lower_is_better ? Verdict::improved : Verdict::regressed;
}

std::vector<Warning> side_warnings(const Summary& summary, std::string_view side,
                                   const CompareSettings& settings) {
  std::vector<Warning> out;
  const std::string name(side);
  if (summary.n == 0) {
    out.push_back(make_warning(WarningKind::no_data, name + ": no samples at all"));
  }
  const std::size_t boots = summary.boot_mean.size();
  if (boots < settings.min_boots) {
    out.push_back(make_warning(WarningKind::few_boots,
                               name + ": " + std::to_string(boots) + " boot(s) with samples, " +
                                 std::to_string(settings.min_boots) + " or more recommended"));
  }
  if (summary.empty_boots > 0) {
    out.push_back(make_warning(WarningKind::empty_boots,
                               name + ": " + std::to_string(summary.empty_boots) + " of " +
                                 std::to_string(summary.boots) + " boot(s) gave no sample"));
  }
  add_unstable(out, summary.boot_mean, side, "means", settings.max_boot_cov);
  add_unstable(out, summary.boot_max, side, "maxima", settings.max_boot_cov);
  return out;
}

Comparison compare(const Series& baseline, const Series& patched, Direction direction,
                   const CompareSettings& settings) {
  check_settings(settings);
  Comparison c;
  c.direction = direction;
  c.baseline = summarize(baseline);
  c.patched = summarize(patched);
  const auto a = aggregate_boots(baseline);
  const auto b = aggregate_boots(patched);
  const RatioStatistics point = ratio_statistics(a, b);
  const BootstrapIntervals ci = bootstrap_intervals(a, b, settings.bootstrap);
  c.mean = judge({ point.mean_ratio, ci.mean_ratio }, { point.mean_change, ci.mean_change },
                 c.baseline.boot_mean, c.patched.boot_mean, direction, settings);
  c.max = judge({ point.max_ratio, ci.max_ratio }, { point.max_change, ci.max_change },
                c.baseline.boot_max, c.patched.boot_max, direction, settings);
  c.warnings = side_warnings(c.baseline, "baseline", settings);
  auto more = side_warnings(c.patched, "patched", settings);
  c.warnings.insert(c.warnings.end(), more.begin(), more.end());
  return c;
}

} // namespace kbench::stats
