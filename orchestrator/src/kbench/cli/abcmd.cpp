#include <kbench/bench/ab.hpp>
#include <kbench/bench/scenario.hpp>
#include <kbench/cli/abcmd.hpp>
#include <kbench/cli/effective.hpp>
#include <kbench/cli/kernels.hpp>
#include <kbench/cli/vmbackend.hpp>
#include <kbench/report/render.hpp>
#include <kbench/report/seedblock.hpp>
#include <kbench/util/error.hpp>
#include <kbench/util/fs.hpp>
#include <kbench/util/logging.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <ctime>

namespace kbench::cli {

namespace fs = std::filesystem;

initramfs::GuestImage guest_image() {
  const char* dir = std::getenv("KBENCH_GUEST_DIR");
  if (dir != nullptr && *dir != '\0') {
    return { fs::path(dir) / "init", fs::path(dir) / "rmap_benchmark" };
  }
  return { KBENCH_GUEST_INIT, KBENCH_GUEST_RMAP_BENCHMARK };
}

int run_initramfs(const fs::path& output) {
  const std::string sha = initramfs::build_guest_initramfs(guest_image(), output);
  fmt::print("{}  {}\n", sha, output.string());
  return 0;
}

namespace {

void print_perf(const bench::Results& r) {
  auto get = [&](const char* name) {
    const auto it = r.phases.find(name);
    return it == r.phases.end() ? 0.0 : it->second;
  };
  double boot_to_init = 0;
  double benchmark = 0;
  for (const auto& run : r.runs) {
    boot_to_init += run.phases.count("boot_to_init") ? run.phases.at("boot_to_init") : 0;
    benchmark += run.phases.count("benchmark") ? run.phases.at("benchmark") : 0;
  }
  fmt::print("perf: build {:.1f}s  initramfs {:.2f}s  accelerator {:.1f}s  runs {:.1f}s "
             "(boot-to-init {:.1f}s, benchmark {:.1f}s)  report {:.2f}s  total {:.1f}s\n",
             get("build"), get("initramfs"), get("accelerator"), get("runs"), boot_to_init,
             benchmark, get("report"), get("total"));
  fmt::print("perf: guest time (QEMU running) {:.1f}s; orchestration overhead (wall - guest - "
             "build) {:.1f}s\n",
             get("guest"), get("overhead"));
}

} // namespace

std::optional<AbRun> execute_ab(const GlobalOptions& global, const AbOptions& given) {
  // The effective experiment (default < -c files < --scenario < flags), validated before any
  // work; `options` carries its values for the code below (cli/effective.hpp).
  const experiment::Experiment exp = effective_experiment(given);
  const AbOptions options = effective_options(exp, given);
  auto processes = util::make_real_process_runner();
  KernelSet set = open_experiment_kernels(global, exp, options.kernel, *processes);
  bench::AbSettings settings = ab_settings(global, exp, set, options.experiment_files);
  if (!options.shard.empty()) {
    settings.shard = bench::parse_shard(options.shard);
    bench::check_shard_has_boots(*settings.shard, settings.experiment.boots);
  }
  if (options.kernel.dry_run) {
    print_plan(set);
    print_qemu_plan(settings, set);
    return std::nullopt;
  }
  util::create_directories(settings.results_dir);
  util::add_log_file(settings.results_dir / "kbench.log");
  spdlog::info("results directory: {}", settings.results_dir.string());

  const auto vms =
    make_vm_runner(options.backend, options.connect, settings.results_dir, *processes);
  bench::AbRunner ab(*set.builder, set.variants, *vms, settings);
  bench::Results results = ab.run();

  const auto report_start = std::chrono::steady_clock::now();
  report::render_all(results, settings.results_dir, *processes);
  results.phases["report"] =
    std::chrono::duration<double>(std::chrono::steady_clock::now() - report_start).count();
  return AbRun{ std::move(results), settings.results_dir };
}

int run_ab(const GlobalOptions& global, const AbOptions& options) {
  const std::optional<AbRun> run = execute_ab(global, options);
  if (!run) {
    return 0;
  }
  const bench::Results& results = run->results;
  fmt::print("{}\n{}", report::render_seed_blocks(results),
             report::render_table(results, report::recorded_settings(results)));
  fmt::print("results: {}\n", run->dir.string());
  if (options.kernel.perf) {
    print_perf(results);
  }
  return finish_run(results);
}

int finish_run(const bench::Results& results, const std::string& where) {
  const ExitCode code = vm::exit_code_of(bench::run_end(results));
  if (code != ExitCode::ok) {
    spdlog::error("{}{} (exit {} {})", where, bench::end_cause(results), static_cast<int>(code),
                  exit_code_name(code));
  }
  return static_cast<int>(code);
}

} // namespace kbench::cli
