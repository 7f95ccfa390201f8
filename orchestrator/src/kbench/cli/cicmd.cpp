#include <kbench/bench/results.hpp>
#include <kbench/cli/cicmd.hpp>
#include <kbench/cli/effective.hpp>
#include <kbench/cli/reportcmd.hpp>
#include <kbench/report/ci_verdict.hpp>
#include <kbench/report/junit.hpp>
#include <kbench/report/sides.hpp>
#include <kbench/stats/compare.hpp>
#include <kbench/util/error.hpp>
#include <kbench/util/fs.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <map>

namespace kbench::cli {

namespace fs = std::filesystem;

namespace {

const char* const k_ci_examples = R"(Examples:
  kbench ci --scenario quick                        # build, run, judge patched vs baseline
  kbench ci --patches my-series/ --threshold walk_max=10%
  kbench ci --results kbench-results/ab-20261125-120000   # judge a run already made
  kbench ci --scenario quick --reference last-good/results.json
Exit codes: 0 no regression, 1 regression, 9 correctness failure, 10 a boot did not finish,
11 infrastructure; 2-8 configuration/build errors as for `kbench ab` (docs/ci.md).)";

report::CiThresholds parse_thresholds(const std::vector<std::string>& flags) {
  report::CiThresholds thresholds;
  for (const auto& flag : flags) {
    report::parse_ci_threshold(flag, thresholds);
  }
  return thresholds;
}

// Return the statistics section of the experiment recorded in `results`, or null.
const nlohmann::json* recorded_statistics(const bench::Results& results) {
  const auto& e = results.provenance.experiment_effective;
  if (!e.is_object() || !e.contains("statistics") || !e.at("statistics").is_object()) {
    return nullptr;
  }
  return &e.at("statistics");
}

// Return the comparison settings: the recorded experiment's alpha and noise, else the defaults.
stats::CompareSettings compare_settings_of(const bench::Results& results) {
  stats::CompareSettings settings;
  if (const auto* s = recorded_statistics(results)) {
    const double alpha = s->value("alpha", settings.alpha);
    const double noise = s->value("noise", settings.noise);
    settings.alpha = alpha > 0 && alpha < 1 ? alpha : settings.alpha;
    settings.noise = noise >= 0 ? noise : settings.noise;
  }
  return settings;
}

// Return the thresholds: the recorded experiment's regression_thresholds, then the flags.
report::CiThresholds thresholds_of(const bench::Results& results,
                                   const std::vector<std::string>& flags) {
  report::CiThresholds thresholds = parse_thresholds(flags);
  const auto* s = recorded_statistics(results);
  if (s != nullptr && s->contains("regression_thresholds")) {
    try {
      report::add_metric_thresholds(
        s->at("regression_thresholds").get<std::map<std::string, double>>(), thresholds);
    } catch (const nlohmann::json::exception& e) {
      throw Error(ExitCode::invalid_config,
                  fmt::format("statistics.regression_thresholds: {}", e.what()));
    }
  }
  return thresholds;
}

std::string link(const std::string& base, const std::string& name) {
  if (base.empty()) {
    return name;
  }
  return base.back() == '/' ? base + name : base + "/" + name;
}

std::vector<report::CiArtifact> artifacts(const fs::path& dir, const std::string& base) {
  std::vector<report::CiArtifact> out;
  for (const char* name : { "report.md", "junit.xml", "results.json", "report.txt",
                            "plots/distribution.png", "plots/per-boot.png", "kbench.log" }) {
    if (util::path_exists(dir / name, "CI artifact") || std::string_view(name) == "junit.xml") {
      out.push_back({ name, link(base, name) });
    }
  }
  return out;
}

// Write summary.md naming an error that ended the job before any verdict.
void write_error_summary(const fs::path& dir, const Error& e) {
  if (dir.empty() || !util::is_directory(dir, "results directory")) {
    return;
  }
  const std::string kind = e.code() == ExitCode::infra ? "INFRASTRUCTURE ERROR" : "ERROR";
  util::write_file_atomic(dir / "summary.md", fmt::format("**kbench ci: {} (exit {} {}): {}**\n",
                                                          kind, static_cast<int>(e.code()),
                                                          exit_code_name(e.code()), e.what()));
}

// The run to judge and where it lives.
struct Judged {
  bench::Results results;
  fs::path dir;
};

Judged obtain_run(const GlobalOptions& global, const CiOptions& options) {
  if (!options.results.empty()) {
    const fs::path file = results_file(options.results);
    Judged j{ bench::read_results(file), file.parent_path() };
    if (util::path_exists(j.dir / "INCOMPLETE", "results directory marker")) {
      j.results.complete = false;
    }
    return j;
  }
  AbOptions ab = options.ab;
  if (ab.results_dir.empty()) {
    ab.results_dir = timestamped_results_dir("ci");
  }
  try {
    auto run = execute_ab(global, ab);
    if (!run) {
      throw Error(ExitCode::usage,
                  "kbench ci: --dry-run runs nothing, so there is nothing to judge");
    }
    return Judged{ std::move(run->results), run->dir };
  } catch (const Interrupted&) {
    throw;
  } catch (const Error& e) {
    write_error_summary(ab.results_dir, e);
    throw;
  }
}

int judge(const Judged& run, const bench::Results* reference, const CiOptions& options) {
  const fs::path current = run.dir / "results.json";
  const report::Sides sides = reference == nullptr
                                ? report::ab_sides(run.results)
                                : report::compare_sides(*reference, options.reference_variant,
                                                        results_file(options.reference).string(),
                                                        run.results, "patched", current.string());
  report::Analysis analysis = report::analyze(sides, compare_settings_of(run.results));
  const report::CiThresholds thresholds = thresholds_of(run.results, options.thresholds);
  report::apply_ci_thresholds(analysis, thresholds);
  const report::CiVerdict verdict = report::decide_ci(analysis, run.results);
  util::write_file_atomic(run.dir / "junit.xml", report::render_junit(analysis));
  util::write_file_atomic(run.dir / "summary.md",
                          report::render_ci_summary(verdict, analysis, thresholds,
                                                    artifacts(run.dir, options.artifacts_url)));
  fmt::print("{}\n", verdict.headline);
  for (const auto& line : verdict.regressions) {
    fmt::print("  regressed: {}\n", line);
  }
  for (const auto& line : verdict.problems) {
    fmt::print("  problem: {}\n", line);
  }
  fmt::print("summary: {}\njunit: {}\nresults: {}\n", (run.dir / "summary.md").string(),
             (run.dir / "junit.xml").string(), run.dir.string());
  return static_cast<int>(verdict.code);
}

} // namespace

CLI::App* add_ci_command(CLI::App& app, CiOptions& o) {
  auto* ci = app.add_subcommand(
    "ci", "CI regression job: run (or take) an A/B, judge it, write junit.xml and summary.md");
  ci->footer(k_ci_examples);
  ci->fallthrough();
  add_ab_options(*ci, o.ab);
  ci->add_option("--results", o.results,
                 "Judge this finished run (results directory or results.json); run nothing");
  ci->add_option("--reference", o.reference,
                 "Compare the patched variant against this stored results.json (or directory)");
  ci->add_option("--reference-variant", o.reference_variant, "Variant of the reference")
    ->capture_default_str();
  ci->add_option("--threshold", o.thresholds,
                 "KEY=VALUE regression threshold, e.g. walk_max=5% (keys: walk_mean, walk_max, "
                 "lock_mean, lock_max, stall_mean, stall_max, a metric for both, or default) "
                 "[default: the statistics' noise band, 5%]");
  ci->add_option("--artifacts-url", o.artifacts_url,
                 "Base URL of the uploaded results directory, for the links in summary.md");
  return ci;
}

int run_ci(const GlobalOptions& global, const CiOptions& options) {
  parse_thresholds(options.thresholds); // usage errors before anything runs
  std::optional<bench::Results> reference;
  if (!options.reference.empty()) {
    const fs::path file = results_file(options.reference);
    reference = bench::read_results(file);
    if (bench::ok_runs(*reference, options.reference_variant).empty()) {
      throw Error(ExitCode::usage, fmt::format("{}: no OK runs of variant \"{}\"", file.string(),
                                               options.reference_variant));
    }
  }
  const Judged run = obtain_run(global, options);
  try {
    return judge(run, reference ? &*reference : nullptr, options);
  } catch (const Error& e) {
    write_error_summary(run.dir, e);
    throw;
  }
}

} // namespace kbench::cli
