#include <kbench/bench/ab.hpp>
#include <kbench/bench/scenario.hpp>
#include <kbench/cli/abcmd.hpp>
#include <kbench/cli/kernels.hpp>
#include <kbench/report/render.hpp>
#include <kbench/report/seedblock.hpp>
#include <kbench/util/error.hpp>
#include <kbench/util/fs.hpp>
#include <kbench/util/logging.hpp>
#include <kbench/vm/qemu_runner.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <ctime>

namespace kbench::cli {

namespace fs = std::filesystem;

namespace {

bench::Experiment experiment_of(const AbOptions& o) {
  bench::Experiment e = bench::scenario(o.scenario);
  if (o.boots > 0) {
    e.boots = o.boots;
  }
  if (o.walks > 0) {
    e.walks = static_cast<std::uint64_t>(o.walks);
  }
  if (o.vmas > 0) {
    e.vmas = static_cast<std::uint64_t>(o.vmas);
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

fs::path default_results_dir() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char name[32];
  std::strftime(name, sizeof name, "ab-%Y%m%d-%H%M%S", &tm);
  return fs::current_path() / "kbench-results" / name;
}

} // namespace

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

int exit_code_of(const bench::Results& results) {
  ExitCode code = ExitCode::ok;
  for (const auto& run : results.runs) {
    if (run.outcome == "CORRECTNESS_FAIL") {
      return static_cast<int>(ExitCode::correctness);
    }
    if (run.outcome == "INFRA_ERROR" && code == ExitCode::ok) {
      code = ExitCode::infra;
    } else if (run.outcome != "OK") {
      code = ExitCode::run_failed;
    }
  }
  return static_cast<int>(code);
}

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

std::optional<AbRun> execute_ab(const GlobalOptions& global, const AbOptions& options) {
  auto processes = util::make_real_process_runner();
  KernelOptions kernel = options.kernel;
  KernelSet set = open_kernels(global, kernel, *processes);
  if (options.aa) {
    set.variants[1].series = set.variants[0].series; // A/A: the baseline against itself
  }
  bench::AbSettings settings;
  settings.experiment = experiment_of(options);
  settings.results_dir = options.results_dir.empty() ? default_results_dir() : options.results_dir;
  settings.accelerator_policy = vm::parse_accelerator_policy(options.accelerator);
  settings.deadlines.boot = std::chrono::seconds(options.boot_timeout_s);
  settings.deadlines.run = options.run_timeout_s > 0
                             ? std::chrono::seconds(options.run_timeout_s)
                             : std::chrono::duration_cast<std::chrono::milliseconds>(
                                 bench::default_run_deadline(settings.experiment));
  settings.deadlines.overall =
    settings.deadlines.boot + settings.deadlines.run + settings.deadlines.shutdown;
  settings.guest = guest_image();
  settings.source_description = set.source->identify().description;
  settings.reproducer = global.command_line;
  if (!options.shard.empty()) {
    settings.shard = bench::parse_shard(options.shard);
  }
  if (options.kernel.dry_run) {
    print_plan(set);
    return std::nullopt;
  }
  util::create_directories(settings.results_dir);
  util::add_log_file(settings.results_dir / "kbench.log");
  spdlog::info("results directory: {}", settings.results_dir.string());

  vm::QemuRunner vms(*processes);
  bench::AbRunner ab(*set.builder, set.variants, vms, settings);
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
  fmt::print("{}\n{}", report::render_seed_blocks(results), report::render_table(results));
  fmt::print("results: {}\n", run->dir.string());
  if (options.kernel.perf) {
    print_perf(results);
  }
  return exit_code_of(results);
}

} // namespace kbench::cli
