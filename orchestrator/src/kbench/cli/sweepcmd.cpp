#include <kbench/bench/ab.hpp>
#include <kbench/bench/scenario.hpp>
#include <kbench/bench/sweep.hpp>
#include <kbench/cli/kernels.hpp>
#include <kbench/cli/sweepcmd.hpp>
#include <kbench/report/render.hpp>
#include <kbench/report/sweep_plot.hpp>
#include <kbench/report/sweep_summary.hpp>
#include <kbench/report/sweep_table.hpp>
#include <kbench/util/error.hpp>
#include <kbench/util/fs.hpp>
#include <kbench/util/logging.hpp>
#include <kbench/vm/qemu_runner.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <ctime>

namespace kbench::cli {

namespace fs = std::filesystem;

namespace {

const char* const k_sweep_examples = R"(Examples:
  kbench sweep --vmas 1000,2000,5000,10000,20000       # the seed workload at 5 sizes
  kbench sweep --scenario quick --vmas 1000,2000,5000,10000
  kbench sweep --scenario quick --vmas 250,500,1000,2000 --boots 1 --walks 2
  kbench sweep --vmas 2000,20000 --source ~/linux --patches my-series/ --boots 3
Writes into --results-dir: sweep.json, sweep.md, sweep.svg/.png (+ sweep.gp), and one
`kbench ab` results directory per point (vmas-<N>/results.json, report.md, plots/).
See docs/sweep.md for how to read the table and the plot.)";

// The AbOptions -> Experiment mapping of `kbench ab` (vmas aside): the one
// place to re-point when AbOptions derives from the experiment file.
bench::Experiment base_experiment(const AbOptions& o) {
  bench::Experiment e = bench::scenario(o.scenario);
  if (o.boots > 0) {
    e.boots = o.boots;
  }
  if (o.walks > 0) {
    e.walks = static_cast<std::uint64_t>(o.walks);
  }
  if (o.dup_pages > 0) {
    e.dup_pages = static_cast<std::uint64_t>(o.dup_pages);
  }
  if (!o.trigger.empty()) {
    e.trigger = o.trigger;
  }
  e.vcpus = o.vcpus;
  e.memory_mib = o.memory_mib;
  return e;
}

void check_options(const AbOptions& o) {
  const auto reject = [](bool bad, const std::string& message) {
    if (bad) {
      throw Error(ExitCode::usage, message);
    }
  };
  reject(o.boots < 0, fmt::format("--boots {}: must be at least 1", o.boots));
  reject(o.walks < 0, fmt::format("--walks {}: must be at least 1", o.walks));
  reject(o.dup_pages < 0, fmt::format("--dup-pages {}: must be at least 2", o.dup_pages));
  reject(o.vmas != 0,
         "--vmas of `kbench ab` is not a sweep option here; give the list with --vmas");
  reject(o.aa, "--aa is not supported by `kbench sweep`");
  reject(o.kernel.perf, "--perf is not supported by `kbench sweep` (each point's results.json has "
                        "its phases)");
  reject(!o.kernel.json_out.empty(), "--json is not supported by `kbench sweep` (see sweep.json)");
}

fs::path default_results_dir() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char name[32];
  std::strftime(name, sizeof name, "sweep-%Y%m%d-%H%M%S", &tm);
  return fs::current_path() / "kbench-results" / name;
}

// The settings of one point's A/B run, as `kbench ab` would make them.
bench::AbSettings point_settings(const GlobalOptions& global, const AbOptions& o,
                                 const bench::PointRequest& request, KernelSet& set) {
  bench::AbSettings s;
  s.experiment = request.experiment;
  s.results_dir = request.results_dir;
  s.accelerator_policy =
    vm::parse_accelerator_policy(request.accelerator.empty() ? o.accelerator : request.accelerator);
  s.deadlines.boot = std::chrono::seconds(o.boot_timeout_s);
  s.deadlines.run = o.run_timeout_s > 0 ? std::chrono::seconds(o.run_timeout_s)
                                        : std::chrono::duration_cast<std::chrono::milliseconds>(
                                            bench::default_run_deadline(s.experiment));
  s.deadlines.overall = s.deadlines.boot + s.deadlines.run + s.deadlines.shutdown;
  s.guest = guest_image();
  s.source_description = set.source->identify().description;
  s.reproducer = global.command_line;
  return s;
}

int exit_code_of(const bench::Sweep& sweep) {
  ExitCode code = ExitCode::ok;
  for (const auto& point : sweep.points) {
    for (const auto& run : point.results.runs) {
      if (run.outcome == "CORRECTNESS_FAIL") {
        return static_cast<int>(ExitCode::correctness);
      }
      if (run.outcome == "INFRA_ERROR" && code == ExitCode::ok) {
        code = ExitCode::infra;
      } else if (run.outcome != "OK" && run.outcome != "INFRA_ERROR") {
        code = ExitCode::run_failed;
      }
    }
  }
  return static_cast<int>(code);
}

void save_sweep(const bench::Sweep& sweep, const fs::path& dir) {
  const auto summary = report::summarize_sweep(sweep);
  util::write_file_atomic(dir / "sweep.json", report::sweep_json(sweep, summary).dump(2) + "\n");
}

// Write sweep.json, sweep.md and the plot; print the table.
void finish(const bench::Sweep& sweep, const fs::path& dir, util::ProcessRunner& processes) {
  const auto summary = report::summarize_sweep(sweep);
  util::write_file_atomic(dir / "sweep.json", report::sweep_json(sweep, summary).dump(2) + "\n");
  util::write_file_atomic(dir / "sweep.md", report::render_sweep_markdown(sweep, summary));
  report::draw_plots({ report::sweep_plot_script(summary) }, dir, processes);
  fmt::print("{}", report::render_sweep_table(summary));
  fmt::print("plot: {}\nresults: {}\n", (dir / "sweep.svg").string(), dir.string());
}

// Create the results directory, log into it and mark it incomplete; return it.
fs::path open_results_dir(const AbOptions& o) {
  const fs::path dir = o.results_dir.empty() ? default_results_dir() : o.results_dir;
  util::create_directories(dir);
  util::add_log_file(dir / "kbench.log");
  util::write_file_atomic(dir / bench::k_incomplete_marker,
                          "this sweep has not finished (or was interrupted)\n");
  spdlog::info("sweep results directory: {}", dir.string());
  return dir;
}

void print_sweep_plan(KernelSet& set, const bench::Experiment& base,
                      const std::vector<std::uint64_t>& vmas) {
  print_plan(set);
  for (const auto count : vmas) {
    fmt::print("# point {}: {} boot(s) per variant, guest: {}\n", bench::point_dir_name(count),
               base.boots, bench::guest_cmdline(bench::point_experiment(base, count)));
  }
}

} // namespace

CLI::App* add_sweep_command(CLI::App& app, SweepOptions& o) {
  auto* sweep = app.add_subcommand(
    "sweep", "Run the A/B comparison at several VMA counts; table, sweep.json and a log-log plot");
  sweep->footer(k_sweep_examples);
  sweep->fallthrough();
  add_kernel_options(*sweep, o.ab.kernel);
  sweep
    ->add_option("--vmas", o.vma_list,
                 "Comma-separated VMA counts, at least 2 (sorted, duplicates dropped), "
                 "e.g. 1000,2000,5000,10000,20000")
    ->required();
  sweep->add_option("--scenario", o.ab.scenario, "seed (256 pages) or quick (16 pages)")
    ->capture_default_str();
  sweep->add_option("--boots", o.ab.boots, "Boots per variant and point [default: the scenario's]");
  sweep->add_option("--walks", o.ab.walks, "Walk triggers per boot [default: the scenario's]");
  sweep->add_option("--dup-pages", o.ab.dup_pages, "Pages merged into the KSM page");
  sweep->add_option("--trigger", o.ab.trigger, "migrate | compact | swap");
  sweep->add_option("--accel", o.ab.accelerator, "auto | kvm | tcg (decided once, by point 1)")
    ->capture_default_str();
  sweep->add_option("--vcpus", o.ab.vcpus, "Guest vCPUs")->capture_default_str();
  sweep->add_option("--memory", o.ab.memory_mib, "Guest memory in MiB")->capture_default_str();
  sweep->add_option("--boot-timeout", o.ab.boot_timeout_s, "Seconds from QEMU start to init")
    ->capture_default_str();
  sweep->add_option("--run-timeout", o.ab.run_timeout_s,
                    "Seconds from init to complete results [default: from each point's size]");
  sweep->add_option("--results-dir", o.ab.results_dir,
                    "Where results go [default: ./kbench-results/sweep-<time>]");
  return sweep;
}

int run_sweep(const GlobalOptions& global, const SweepOptions& options) {
  const auto vmas = bench::parse_vma_list(options.vma_list);
  check_options(options.ab);
  const bench::Experiment base = base_experiment(options.ab);
  bench::check_sweep_points(base, vmas);
  vm::parse_accelerator_policy(options.ab.accelerator);

  auto processes = util::make_real_process_runner();
  KernelSet set = open_kernels(global, options.ab.kernel, *processes);
  if (options.ab.kernel.dry_run) {
    print_sweep_plan(set, base, vmas);
    return 0;
  }
  const fs::path dir = open_results_dir(options.ab);
  vm::QemuRunner vms(*processes);
  const auto run_point = [&](const bench::PointRequest& request) {
    bench::AbRunner ab(*set.builder, set.variants, vms,
                       point_settings(global, options.ab, request, set));
    bench::Results results = ab.run();
    report::render_all(results, request.results_dir, *processes);
    return results;
  };
  const auto save = [&](const bench::Sweep& so_far) {
    bench::Sweep copy = so_far; // run_sweep does not know the command line
    copy.reproducer = global.command_line;
    save_sweep(copy, dir);
  };
  bench::Sweep sweep = bench::run_sweep(base, vmas, dir, run_point, save);
  sweep.reproducer = global.command_line;
  finish(sweep, dir, *processes);
  fs::remove(dir / bench::k_incomplete_marker);
  return exit_code_of(sweep);
}

} // namespace kbench::cli
