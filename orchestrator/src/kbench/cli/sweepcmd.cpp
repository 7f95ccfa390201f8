#include <kbench/bench/ab.hpp>
#include <kbench/bench/scenario.hpp>
#include <kbench/bench/sweep.hpp>
#include <kbench/cli/defaults.hpp>
#include <kbench/cli/effective.hpp>
#include <kbench/cli/kernels.hpp>
#include <kbench/cli/sweepcmd.hpp>
#include <kbench/cli/vmbackend.hpp>
#include <kbench/experiment/validate.hpp>
#include <kbench/report/render.hpp>
#include <kbench/report/sweep_plot.hpp>
#include <kbench/report/sweep_summary.hpp>
#include <kbench/report/sweep_table.hpp>
#include <kbench/util/error.hpp>
#include <kbench/util/fs.hpp>
#include <kbench/util/logging.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace kbench::cli {

namespace fs = std::filesystem;

namespace {

const char* const k_sweep_examples = R"(Examples:
  kbench sweep --vmas 1000,2000,5000,10000,20000       # the seed workload at 5 sizes
  kbench sweep --scenario quick --vmas 1000,2000,5000,10000
  kbench sweep --scenario quick --vmas 250,500,1000,2000 --boots 1 --walks 2
  kbench sweep --vmas 2000,20000 --source ~/linux --patches my-series/ --boots 3
  kbench sweep -c my.yaml --vmas 1000,2000,5000 --dry-run   # an experiment file; plan only
Writes into --results-dir: sweep.json, sweep.md, sweep.svg/.png (+ sweep.gp), and one
`kbench ab` results directory per point (vmas-<N>/results.json, report.md, plots/).
See docs/sweep.md for how to read the table and the plot.)";

// `kbench ab` options whose meaning a sweep has no place for; throws usage naming the first.
void reject_unsupported(const AbOptions& o) {
  const auto reject = [](bool bad, const std::string& message) {
    if (bad) {
      throw Error(ExitCode::usage, message);
    }
  };
  reject(!o.shard.empty(), "--shard is not supported by `kbench sweep` (shard `kbench ab` runs)");
  reject(o.kernel.perf, "--perf is not supported by `kbench sweep` (each point's results.json has "
                        "its phases)");
  reject(!o.kernel.json_out.empty(), "--json is not supported by `kbench sweep` (see sweep.json)");
}

// Return `o` without its --vmas: the option of that name on `kbench sweep` is the list, which
// replaces workload.vmas point by point instead of overriding the base experiment.
AbOptions without_vmas(const AbOptions& o) {
  AbOptions a = o;
  a.given.erase("--vmas");
  a.vmas = AbOptions{}.vmas;
  return a;
}

// Return every problem of the points of `base` at the counts of `vmas` (the guest memory a
// large point needs, say), each message naming its count.
experiment::Diagnostics point_problems(const experiment::Experiment& base,
                                       const std::vector<std::uint64_t>& vmas) {
  experiment::Diagnostics problems;
  for (const auto count : vmas) {
    for (auto& d : experiment::validate(point_experiment(base, count), data_dir())) {
      d.message = fmt::format("at {} VMAs: {}", count, d.message);
      problems.push_back(std::move(d));
    }
  }
  return problems;
}

// The settings of one point's A/B run: `kbench ab`'s for the point's experiment, in the
// point's directory, with the accelerator point 1 pinned (if any).
bench::AbSettings point_ab_settings(const GlobalOptions& global, const experiment::Experiment& base,
                                    const AbOptions& o, const bench::PointRequest& request,
                                    KernelSet& set) {
  const experiment::Experiment point = point_experiment(base, request.experiment.vmas);
  bench::AbSettings s = ab_settings(global, point, set, o.experiment_files);
  s.results_dir = request.results_dir;
  if (!request.accelerator.empty()) {
    s.accelerator_policy = vm::parse_accelerator_policy(request.accelerator);
  }
  return s;
}

// Return the exit code of every boot of every point (vm::exit_code_of); log the cause, found
// in the first point that ends with that code, as the last error line.
int exit_code_of(const bench::Sweep& sweep) {
  vm::RunEnd end;
  for (const auto& point : sweep.points) {
    const vm::RunEnd point_end = bench::run_end(point.results);
    end.outcomes.insert(end.outcomes.end(), point_end.outcomes.begin(), point_end.outcomes.end());
    end.complete = end.complete && point_end.complete;
    end.failed_check = end.failed_check || point_end.failed_check;
  }
  const ExitCode code = vm::exit_code_of(end);
  for (const auto& point : sweep.points) {
    if (code != ExitCode::ok && vm::exit_code_of(bench::run_end(point.results)) == code) {
      return finish_run(point.results, fmt::format("at {} VMAs: ", point.vmas));
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

// Create the results directory of `e`, log into it and mark it incomplete; return it.
fs::path open_results_dir(const experiment::Experiment& e) {
  fs::path dir = e.outputs.results_dir.empty() ? timestamped_results_dir("sweep")
                                               : util::absolute(e.outputs.results_dir);
  util::create_directories(dir);
  util::add_log_file(dir / "kbench.log");
  util::write_file_atomic(dir / bench::k_incomplete_marker,
                          "this sweep has not finished (or was interrupted)\n");
  spdlog::info("sweep results directory: {}", dir.string());
  return dir;
}

void print_sweep_plan(KernelSet& set, const experiment::Experiment& e,
                      const std::vector<std::uint64_t>& vmas) {
  print_plan(set);
  fmt::print("# experiment {} ({}), vmas replaced by each point's\n",
             experiment::experiment_hash(e), e.name);
  const bench::Experiment base = bench_experiment(e);
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
  add_ab_options(*sweep, o.ab);
  sweep->remove_option(sweep->get_option("--vmas")); // one count; the sweep's takes a list
  sweep
    ->add_option("--vmas", o.vma_list,
                 "Comma-separated VMA counts, at least 2 (sorted, duplicates dropped), "
                 "e.g. 1000,2000,5000,10000,20000; replaces the experiment's workload.vmas")
    ->required();
  sweep->get_option("--accel")->description("auto | kvm | tcg (decided once, by point 1)");
  sweep->get_option("--run-timeout")
    ->description("Seconds from init to complete results [default: from each point's size]");
  sweep->get_option("--results-dir")
    ->description("Where results go [default: ./kbench-results/sweep-<time>]");
  return sweep;
}

experiment::Experiment point_experiment(const experiment::Experiment& base, std::uint64_t vmas) {
  experiment::Experiment e = base;
  e.workload.vmas = vmas;
  e.origins["workload.vmas"] = experiment::Location{ "command line (--vmas)", 0, 0 };
  return e;
}

experiment::Experiment sweep_experiment(const SweepOptions& options,
                                        const std::vector<std::uint64_t>& vmas) {
  reject_unsupported(options.ab);
  experiment::Experiment base = effective_experiment(without_vmas(options.ab));
  bench::check_sweep_points(bench_experiment(base), vmas);
  experiment::throw_if_any(point_problems(base, vmas));
  return base;
}

int run_sweep(const GlobalOptions& global, const SweepOptions& options) {
  const auto vmas = bench::parse_vma_list(options.vma_list);
  // The effective experiment (default < -c files < --scenario < flags), validated at every
  // point before any work; `ab` carries its values (cli/effective.hpp).
  const experiment::Experiment exp = sweep_experiment(options, vmas);
  const AbOptions ab = effective_options(exp, options.ab);
  auto processes = util::make_real_process_runner();
  KernelSet set = open_experiment_kernels(global, exp, ab.kernel, *processes);
  if (ab.kernel.dry_run) {
    print_sweep_plan(set, exp, vmas);
    return 0;
  }
  const fs::path dir = open_results_dir(exp);
  const auto run_point = [&](const bench::PointRequest& request) {
    const auto vms = make_vm_runner(ab.backend, ab.connect, request.results_dir, *processes);
    bench::AbRunner runner(*set.builder, set.variants, *vms,
                           point_ab_settings(global, exp, ab, request, set));
    bench::Results results = runner.run();
    report::render_all(results, request.results_dir, *processes);
    return results;
  };
  const auto save = [&](const bench::Sweep& so_far) {
    bench::Sweep copy = so_far; // run_sweep does not know the command line
    copy.reproducer = global.command_line;
    save_sweep(copy, dir);
  };
  bench::Sweep sweep = bench::run_sweep(bench_experiment(exp), vmas, dir, run_point, save);
  sweep.reproducer = global.command_line;
  finish(sweep, dir, *processes);
  util::remove_file(dir / bench::k_incomplete_marker, "results directory marker");
  return exit_code_of(sweep);
}

} // namespace kbench::cli
