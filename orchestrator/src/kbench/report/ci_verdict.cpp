#include <kbench/report/ci_verdict.hpp>
#include <kbench/report/format.hpp>
#include <kbench/report/markdown.hpp>
#include <kbench/report/seedblock.hpp>
#include <kbench/stats/descriptive.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <sstream>

namespace kbench::report {

namespace {

std::string judgement_key(const MetricSpec& spec, bool max) {
  return spec.short_name + (max ? "_max" : "_mean");
}

// Return the judgement keys a threshold KEY names (empty: unknown KEY).
std::vector<std::string> keys_named(std::string_view key) {
  std::vector<std::string> keys;
  for (const auto& spec : report_metrics()) {
    const bool whole = key == spec.short_name || key == spec.metric.name;
    for (const bool max : { false, true }) {
      if (whole || key == judgement_key(spec, max)) {
        keys.push_back(judgement_key(spec, max));
      }
    }
  }
  return keys;
}

double parse_fraction(std::string_view text, std::string_view whole) {
  const bool percent = !text.empty() && text.back() == '%';
  const std::string_view number = percent ? text.substr(0, text.size() - 1) : text;
  double value = -1.0;
  const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (number.empty() || ec != std::errc() || end != number.data() + number.size() ||
      !std::isfinite(value) || value < 0) {
    throw Error(ExitCode::usage,
                fmt::format("--threshold {}: expected KEY=PERCENT%% or KEY=FRACTION >= 0", whole));
  }
  return percent ? value / 100.0 : value;
}

bool has_failed_check(const bench::RunRecord& run) {
  return std::any_of(run.checks.begin(), run.checks.end(), [](const auto& c) { return !c.ok; });
}

std::string describe_problem(const bench::RunRecord& run) {
  if (run.outcome == vm::Outcome::ok) {
    for (const auto& c : run.checks) {
      if (!c.ok) {
        return fmt::format("{} boot {}: check {} failed at walk {}: {}", run.variant, run.boot,
                           c.name, c.walk, c.detail);
      }
    }
  }
  return fmt::format("{} boot {}: {}{}{}", run.variant, run.boot, run.outcome,
                     run.reason.empty() ? "" : ": ", run.reason);
}

// Return one line for each boot of `judged` that did not end OK or failed a check, and one
// when the run is not complete.
std::vector<std::string> problems_of(const bench::Results& judged) {
  std::vector<std::string> problems;
  for (const auto& run : judged.runs) {
    if (run.outcome != vm::Outcome::ok || has_failed_check(run)) {
      problems.push_back(describe_problem(run));
    }
  }
  if (!judged.complete) {
    problems.emplace_back("the run is not marked complete (interrupted or failed before the end)");
  }
  return problems;
}

std::string judgement_line(const MetricResult& m, bool max) {
  const auto& j = max ? m.comparison.max : m.comparison.mean;
  return fmt::format("{} {} {} [{}, {}] (p {})", m.spec->short_name, max ? "max" : "mean",
                     format_change(j.change.point), format_change(j.change.ci.low),
                     format_change(j.change.ci.high), format_p(j.test.p_value));
}

std::vector<std::string> regressions_of(const Analysis& analysis) {
  std::vector<std::string> lines;
  for (const auto& m : analysis.metrics) {
    for (const bool max : { false, true }) {
      if ((max ? m.comparison.max : m.comparison.mean).verdict == stats::Verdict::regressed) {
        lines.push_back(judgement_line(m, max));
      }
    }
  }
  return lines;
}

// Add a line to `problems` for each side of `analysis` without an OK boot; return false when
// such a side has no boot at all (no outcome says why nothing can be compared).
bool every_side_booted(const Analysis& analysis, std::vector<std::string>& problems) {
  bool booted = true;
  for (const Side* side : { &analysis.sides.a, &analysis.sides.b }) {
    if (ok_boot_count(*side) == 0) {
      problems.push_back(fmt::format("{}: no boot ended OK, nothing to compare", side->label));
      booted = booted && !side_runs(*side).empty(); // every boot wrong: the outcomes decide
    }
  }
  return booted;
}

std::string headline_of(const CiVerdict& v) {
  const auto first = [](const std::vector<std::string>& lines) {
    return lines.empty() ? std::string()
                         : lines.front() +
                             (lines.size() > 1 ? fmt::format(" (+{} more)", lines.size() - 1) : "");
  };
  switch (v.code) {
    case ExitCode::ok:
      return "kbench ci: PASS: no regression beyond the thresholds, every boot OK";
    case ExitCode::regression:
      return "kbench ci: REGRESSION (exit 1): " + first(v.regressions);
    case ExitCode::correctness:
      return "kbench ci: CORRECTNESS FAILURE (exit 9): " + first(v.problems);
    case ExitCode::run_failed:
      return "kbench ci: RUN DID NOT FINISH (exit 10): " + first(v.problems);
    default:
      return "kbench ci: INFRASTRUCTURE ERROR (exit 11): " + first(v.problems);
  }
}

std::string summary_row(const MetricResult& m, bool max, const Analysis& analysis,
                        const CiThresholds& thresholds) {
  const auto& c = m.comparison;
  const auto& j = max ? c.max : c.mean;
  const bool data = c.baseline.n > 0 && c.patched.n > 0;
  const auto& pa = max ? c.baseline.boot_max : c.baseline.boot_mean;
  const auto& pb = max ? c.patched.boot_max : c.patched.boot_mean;
  const double t = ci_threshold(thresholds, judgement_key(*m.spec, max), analysis.settings.noise);
  return fmt::format(
    "| {} {} | {} | {} | {} | {} | {} | {}{} | **{}** |\n", m.spec->short_name,
    max ? "max" : "mean", format_duration(stats::mean(pa), c.baseline.n > 0),
    format_duration(stats::mean(pb), c.patched.n > 0), data ? format_change(j.change.point) : "n/a",
    data ? fmt::format("[{}, {}]", format_change(j.change.ci.low), format_change(j.change.ci.high))
         : "",
    format_p(j.test.p_value),
    m.spec->metric.direction == stats::Direction::lower_is_better ? "+" : "-",
    fmt::format("{:g}%", t * 100.0), stats::verdict_name(j.verdict));
}

// Return the summary's section on the first kernel report (empty without one).
std::string kernel_report_section(const CiVerdict& verdict) {
  const vm::KernelReport& r = verdict.kernel_report;
  if (r.first_line.empty()) {
    return {};
  }
  std::string out =
    fmt::format("\n### Kernel report ({})\n\n```\n{}\n", verdict.kernel_report_boot, r.first_line);
  if (!r.rip.empty()) {
    out += r.rip + "\n";
  }
  if (!r.call_trace.empty()) {
    out += "Call Trace:\n";
    for (const auto& frame : r.call_trace) {
      out += "  " + frame + "\n";
    }
  }
  return out + "```\n\nThe whole report: `backtrace` of that boot in results.json, its console.log "
               "under `runs/`.\n";
}

// Return "B (patched of FILE)" or, for an A/B run, "patched".
std::string side_name(const Side& side) {
  if (side.origin.empty()) {
    return side.variant;
  }
  return fmt::format("{} ({} of {})", side.label, side.variant, markdown_cell(side.origin));
}

} // namespace

std::vector<std::string> ci_judgement_keys() {
  std::vector<std::string> keys;
  for (const auto& spec : report_metrics()) {
    keys.push_back(judgement_key(spec, false));
    keys.push_back(judgement_key(spec, true));
  }
  return keys;
}

void parse_ci_threshold(std::string_view text, CiThresholds& into) {
  const auto eq = text.find('=');
  if (eq == std::string_view::npos) {
    throw Error(ExitCode::usage, fmt::format("--threshold {}: expected KEY=VALUE", text));
  }
  const std::string_view key = text.substr(0, eq);
  const double value = parse_fraction(text.substr(eq + 1), text);
  if (key == "default") {
    into.fallback = value;
    return;
  }
  const auto keys = keys_named(key);
  if (keys.empty()) {
    throw Error(ExitCode::usage,
                fmt::format("--threshold {}: unknown key \"{}\" (known: default, {}, or a metric: "
                            "walk, lock, stall)",
                            text, key, fmt::join(ci_judgement_keys(), ", ")));
  }
  for (const auto& k : keys) {
    into.by_key[k] = value;
  }
}

void add_metric_thresholds(const std::map<std::string, double>& by_metric, CiThresholds& into) {
  for (const auto& [metric, value] : by_metric) {
    const auto keys = keys_named(metric + "_mean");
    if (keys.empty() || value < 0 || !std::isfinite(value)) {
      throw Error(ExitCode::invalid_config,
                  fmt::format("statistics.regression_thresholds.{}: {} is not a known metric with "
                              "a threshold >= 0",
                              metric, value));
    }
    into.from_experiment[keys.front()] = value;
  }
}

double ci_threshold(const CiThresholds& thresholds, const std::string& key, double noise) {
  const auto it = thresholds.by_key.find(key);
  if (it != thresholds.by_key.end()) {
    return it->second;
  }
  if (thresholds.fallback >= 0) {
    return thresholds.fallback;
  }
  const auto file = thresholds.from_experiment.find(key);
  return file != thresholds.from_experiment.end() ? file->second : noise;
}

void apply_ci_thresholds(Analysis& analysis, const CiThresholds& thresholds) {
  const auto& s = analysis.settings;
  for (auto& m : analysis.metrics) {
    for (const bool max : { false, true }) {
      auto& j = max ? m.comparison.max : m.comparison.mean;
      const double t = ci_threshold(thresholds, judgement_key(*m.spec, max), s.noise);
      j.verdict =
        stats::decide_verdict(j.test.p_value, j.change.ci, m.comparison.direction, s.alpha, t);
    }
  }
}

CiVerdict decide_ci(const Analysis& analysis, const bench::Results& judged) {
  CiVerdict v;
  v.problems = problems_of(judged);
  v.regressions = regressions_of(analysis);
  vm::RunEnd end = bench::run_end(judged);
  end.complete = every_side_booted(analysis, v.problems) && end.complete;
  end.regressed = !v.regressions.empty();
  v.code = vm::exit_code_of(end);
  v.headline = headline_of(v);
  for (const auto& run : judged.runs) {
    if (run.outcome != vm::Outcome::ok && !run.backtrace.empty()) {
      v.kernel_report_boot = fmt::format("{} boot {}", run.variant, run.boot);
      v.kernel_report = vm::kernel_report(run.backtrace);
      break;
    }
  }
  return v;
}

std::string render_ci_summary(const CiVerdict& verdict, const Analysis& analysis,
                              const CiThresholds& thresholds,
                              const std::vector<CiArtifact>& artifacts) {
  const int conf = static_cast<int>(std::lround(100.0 * analysis.settings.bootstrap.confidence));
  std::string out = fmt::format("**{}**\n\n", markdown_cell(verdict.headline));
  out += fmt::format("{} against {}, {} vs {} OK boots.\n\n", side_name(analysis.sides.b),
                     side_name(analysis.sides.a), ok_boot_count(analysis.sides.b),
                     ok_boot_count(analysis.sides.a));
  std::istringstream header(render_header(analysis.sides));
  for (std::string line; std::getline(header, line);) {
    out += fmt::format("> {}\n", markdown_cell(line));
  }
  out += "\n";
  out +=
    fmt::format("| metric | {} | {} | change | {}% CI | p | regression if worse than | "
                "verdict |\n|---|---:|---:|---:|---:|---:|---:|---|\n",
                markdown_cell(analysis.sides.a.label), markdown_cell(analysis.sides.b.label), conf);
  for (const auto& m : analysis.metrics) {
    out += summary_row(m, false, analysis, thresholds) + summary_row(m, true, analysis, thresholds);
  }
  if (!verdict.problems.empty()) {
    out += "\n### Boots that did not end OK\n\n";
    for (const auto& p : verdict.problems) {
      out += "- " + markdown_cell(p) + "\n";
    }
  }
  out += kernel_report_section(verdict);
  out += "\n### Artifacts\n\n";
  for (const auto& a : artifacts) {
    out += fmt::format("- [{}]({})\n", markdown_cell(a.name), a.target);
  }
  return out;
}

} // namespace kbench::report
