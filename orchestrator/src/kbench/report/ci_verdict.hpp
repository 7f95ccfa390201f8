// The verdict of `kbench ci`: one exit code for a whole A/B (or reference)
// comparison, judged from the boots' outcomes and the statistics' verdicts at
// per-metric thresholds, plus the markdown summary a CI job shows
// ($GITHUB_STEP_SUMMARY, a merge-request comment). Precedence when several
// apply (docs/ci.md): infra (11) > did not finish (10) > correctness (9) >
// regression (1) > ok (0).
#pragma once

#include <kbench/report/analysis.hpp>
#include <kbench/util/error.hpp>
#include <kbench/vm/console_scanner.hpp>

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace kbench::report {

// Regression thresholds per judgement key ("walk_mean", "walk_max", "lock_mean", ...,
// "stall_max"), as relative changes (0.05 = 5%); a key not listed uses the default.
// Precedence: a flag for the key, then the flags' `default`, then the experiment file, then the
// statistics' noise band.
struct CiThresholds {
  std::map<std::string, double> by_key;          // from flags: judgement key -> fraction (>= 0)
  double fallback = -1.0;                        // the flags' `default`; < 0: none
  std::map<std::string, double> from_experiment; // the experiment file's, by judgement key
};

// Return the judgement keys, "<metric short name>_<mean|max>", in report order.
std::vector<std::string> ci_judgement_keys();

// Parse one "KEY=VALUE" threshold ("walk_max=5%", "walk=0.1", "default=10%") into `into`:
// KEY is a judgement key, a metric short name (both of its judgements), a metric name
// (walk_duration) or "default"; VALUE a percentage or a fraction. Throws kbench::Error(usage).
void parse_ci_threshold(std::string_view text, CiThresholds& into);

// Add thresholds given per metric (the experiment file's statistics.regression_thresholds:
// walk|lock|stall -> relative worsening of the metric's mean) to `into`, as the `<metric>_mean`
// judgements' thresholds; flags parsed later win. Throws kbench::Error(invalid_config) on an
// unknown metric or a negative value.
void add_metric_thresholds(const std::map<std::string, double>& by_metric, CiThresholds& into);

// Return the threshold of judgement `key` (see CiThresholds for the precedence; `noise` last).
double ci_threshold(const CiThresholds& thresholds, const std::string& key, double noise);

// Re-decide every verdict of `analysis` with its metric's threshold as the noise band, so that
// "regressed" means: significant (p < alpha) and the whole CI of the change is worse than the
// threshold. With no thresholds the verdicts stay the statistics' own.
void apply_ci_thresholds(Analysis& analysis, const CiThresholds& thresholds);

// The result of judging one comparison for CI.
struct CiVerdict {
  ExitCode code = ExitCode::ok;         // ok, regression, correctness, run_failed or infra
  std::string headline;                 // one line: "kbench ci: REGRESSION: walk mean +412% ..."
  std::vector<std::string> problems;    // one line per boot that did not end OK
  std::vector<std::string> regressions; // one line per regressed judgement
  std::string kernel_report_boot;       // "patched boot 0": whose kernel report follows, or ""
  vm::KernelReport kernel_report;       // the first kernel report of a boot that did not end OK
};

// Return the verdict of `analysis` (its verdicts already at the CI thresholds,
// apply_ci_thresholds) for the runs of `judged` (the run under test: every boot of it counts,
// also those of a variant not compared). Precedence: infra > run_failed > correctness >
// regression > ok; a run not marked complete counts as one that did not finish.
CiVerdict decide_ci(const Analysis& analysis, const bench::Results& judged);

// Links of the summary: each artifact's file name and where it is (a path or URL).
struct CiArtifact {
  std::string name;   // e.g. "report.md"
  std::string target; // e.g. "report.md" or "https://.../report.md"
};

// Return summary.md: the verdict line first, then the table of every judgement (change, CI,
// p, threshold, verdict), the boots that did not end OK, the first kernel report (its first
// line, RIP and the top of its call trace), and links to `artifacts`.
std::string render_ci_summary(const CiVerdict& verdict, const Analysis& analysis,
                              const CiThresholds& thresholds,
                              const std::vector<CiArtifact>& artifacts);

} // namespace kbench::report
