#include <kbench/bench/ab.hpp>
#include <kbench/cli/effective.hpp>
#include <kbench/cli/runcmd.hpp>
#include <kbench/cli/vmbackend.hpp>
#include <kbench/report/metrics.hpp>
#include <kbench/stats/summary.hpp>
#include <kbench/util/error.hpp>
#include <kbench/util/fs.hpp>
#include <kbench/util/hash.hpp>
#include <kbench/util/logging.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace kbench::cli {

namespace fs = std::filesystem;

namespace {

const char* const k_run_examples = R"(Examples:
  kbench run --scenario quick                   # build the patched variant, boot it 5 times
  kbench run --variant baseline --boots 3       # the baseline kernel of the default experiment
  kbench run --kernel ~/linux/arch/x86/boot/bzImage --scenario quick
  kbench run -c my.yaml --dry-run               # print the make and qemu command lines only)";

// Keep only the variant named `name` of `set`; throw usage when there is none.
void keep_variant(KernelSet& set, const std::string& name) {
  std::vector<kbuild::Variant> kept;
  for (auto& v : set.variants) {
    if (v.name == name) {
      kept.push_back(std::move(v));
    }
  }
  if (kept.empty()) {
    throw Error(ExitCode::usage,
                fmt::format("unknown variant \"{}\" (known: baseline, patched)", name));
  }
  set.variants = std::move(kept);
}

bench::KernelRecord given_kernel(const fs::path& bzimage, const std::string& variant) {
  if (!util::is_regular_file(bzimage, "kernel image")) {
    throw Error(ExitCode::source, fmt::format("--kernel {}: no such file", bzimage.string()));
  }
  bench::KernelRecord k;
  k.variant = variant;
  k.bzimage = util::absolute(bzimage).string();
  k.bzimage_sha256 = util::sha256_file(bzimage);
  k.cache_hit = true;
  return k;
}

std::string metric_line(const report::MetricSpec& spec, const report::Side& side) {
  const stats::Series series = report::side_series(side, spec);
  const stats::Summary s = stats::summarize(series);
  if (s.n == 0) {
    return fmt::format("{:<8} {:>9} {:>11} {:>11} {:>11} {:>11}\n", spec.short_name, 0, "-", "-",
                       "-", "-");
  }
  return fmt::format("{:<8} {:>9} {:>11.3f} {:>11.3f} {:>11.3f} {:>11.3f}\n", spec.short_name, s.n,
                     s.mean / 1e6, s.median / 1e6, s.p95 / 1e6, s.max / 1e6);
}

} // namespace

CLI::App* add_run_command(CLI::App& app, RunOptions& o) {
  auto* run = app.add_subcommand("run", "Boot one kernel N times with the workload; tabulate it");
  run->footer(k_run_examples);
  run->fallthrough();
  add_ab_options(*run, o.ab);
  run->add_option("--kernel", o.kernel, "bzImage to boot instead of building a variant");
  run->add_option("--variant", o.variant, "Variant of the experiment to build and boot")
    ->capture_default_str();
  return run;
}

std::string render_variant_report(const bench::Results& results, const std::string& variant) {
  const report::Side side{ &results, variant, variant, variant + ":", "" };
  std::size_t ok = bench::ok_runs(results, variant).size();
  std::string text = fmt::format("kbench run: {} ({}), {} of {} boot(s) OK, experiment {}\n",
                                 variant, results.experiment.scenario, ok, results.runs.size(),
                                 results.provenance.experiment_sha256.substr(0, 12));
  text += fmt::format("{:<8} {:>9} {:>11} {:>11} {:>11} {:>11}\n", "metric", "samples", "mean ms",
                      "median ms", "p95 ms", "max ms");
  for (const auto& spec : report::report_metrics()) {
    text += metric_line(spec, side);
  }
  return text;
}

int run_run(const GlobalOptions& global, const RunOptions& o) {
  const experiment::Experiment exp = effective_experiment(o.ab);
  const AbOptions options = effective_options(exp, o.ab);
  auto processes = util::make_real_process_runner();
  KernelSet set = open_experiment_kernels(global, exp, options.kernel, *processes);
  keep_variant(set, o.variant);
  bench::AbSettings settings = ab_settings(global, exp, set, options.experiment_files);
  if (exp.outputs.results_dir.empty()) {
    settings.results_dir = timestamped_results_dir("run");
  }
  if (!o.kernel.empty()) {
    settings.prebuilt = { given_kernel(o.kernel, o.variant) };
    settings.provenance.inputs = { { "experiment", settings.provenance.experiment_sha256 },
                                   { "kernel:" + settings.prebuilt[0].bzimage,
                                     settings.prebuilt[0].bzimage_sha256 } };
  }
  if (options.kernel.dry_run) {
    if (o.kernel.empty()) {
      print_plan(set);
    }
    print_qemu_plan(settings, set);
    return 0;
  }
  util::create_directories(settings.results_dir);
  util::add_log_file(settings.results_dir / "kbench.log");
  const auto vms =
    make_vm_runner(options.backend, options.connect, settings.results_dir, *processes);
  bench::AbRunner runner(*set.builder, set.variants, *vms, settings);
  const bench::Results results = runner.run();
  const std::string report = render_variant_report(results, o.variant);
  util::write_file_atomic(settings.results_dir / "report.txt", report);
  fmt::print("{}results: {}\n", report, settings.results_dir.string());
  return finish_run(results);
}

} // namespace kbench::cli
