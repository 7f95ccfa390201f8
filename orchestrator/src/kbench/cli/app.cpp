#include <kbench/cli/abcmd.hpp>
#include <kbench/cli/app.hpp>
#include <kbench/cli/buildcmd.hpp>
#include <kbench/cli/cicmd.hpp>
#include <kbench/cli/configcmd.hpp>
#include <kbench/cli/effective.hpp>
#include <kbench/cli/mergecmd.hpp>
#include <kbench/cli/options.hpp>
#include <kbench/cli/reportcmd.hpp>
#include <kbench/cli/runcmd.hpp>
#include <kbench/cli/sweepcmd.hpp>
#include <kbench/util/error.hpp>
#include <kbench/util/logging.hpp>
#include <kbench/util/process.hpp>
#include <kbench/util/signals.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <functional>

namespace kbench::cli {

namespace {

const char* const k_exit_codes = R"(Exit codes (docs/exit-codes.md):
   0 ok                   5 a patch does not apply       10 a boot did not finish
   1 regression (ci)      6 kernel config error          11 infrastructure error
   2 usage                7 kernel build failed         130 interrupted (SIGINT)
   3 invalid config file  8 guest/initramfs error       143 terminated (SIGTERM)
   4 kernel source error  9 correctness failure)";

const char* const k_build_examples = R"(Examples:
  kbench build                                  # Debian 6.12 + the ksm-rmap-walk series (its 6.12 port)
  kbench build --source ~/linux --patches my-series/
  kbench build --source ~/linux --ref v6.12 --patches my-series/
  kbench build --dry-run                        # print the make commands only
  kbench build --perf                           # phase timings and the patched/baseline ratio)";

} // namespace

void add_kernel_options(CLI::App& app, KernelOptions& o) {
  app.add_option("--source", o.source,
                 "Kernel source: 'debian' (Debian's linux-source-6.12, the default), "
                 "'debian:PACKAGE', or a path to a kernel tree or git repository");
  app.add_option("--ref", o.ref, "Git ref in the --source repository to build");
  app.add_option("--patches", o.patches,
                 "Patch series (directory or files) applied to the patched variant only "
                 "[default: patches/ksm-rmap-walk]");
  app.add_option("--measurement-patches", o.measurement,
                 "Patches applied to both variants [default: patches/measurement]");
  app.add_flag("--no-measurement-patches", o.no_measurement,
               "Apply no measurement patches to either variant");
  app.add_option("--config", o.fragments,
                 "Kernel config fragments, merged in order "
                 "[default: kernel-configs/base.config kernel-configs/bench.config]");
  app
    .add_option("--base-config", o.base_config,
                "make target or .config file the fragments are merged onto")
    ->capture_default_str();
  app.add_flag("--no-ccache", o.no_ccache, "Compile without ccache");
  app.add_flag("--dry-run", o.dry_run, "Print the commands that would run; run nothing");
  app.add_flag("--perf", o.perf, "Print phase timings");
  app.add_option("--json", o.json_out, "Write a JSON summary to this file");
}

namespace {

void add_global_options(CLI::App& app, GlobalOptions& g, int& verbose, bool& quiet) {
  app.add_option("--cache-dir", g.cache_dir,
                 "Cache for kernel trees, built kernels and ccache "
                 "[default: $KBENCH_CACHE_DIR or ~/.cache/kbench]");
  app
    .add_option("-j,--jobs", g.jobs, "Parallel compile jobs, 1 to 1024 [default: number of cores]")
    ->check(CLI::Range(1, 1024));
  app.add_flag("-v,--verbose", verbose, "More detail on stderr");
  app.add_flag("-q,--quiet", quiet, "Only warnings and errors on stderr");
}

const char* const k_ab_examples = R"(Examples:
  kbench ab                                     # the seed experiment on Debian 6.12
  kbench ab --scenario quick                    # 2,000 VMAs, 16 pages: a fast check
  kbench ab --source ~/linux --patches my-series/ --boots 5
  kbench ab --aa --scenario quick --boots 5     # A/A: baseline against itself
  kbench ab --accel tcg --perf                  # force TCG; print phase timings
  kbench ab -c my.yaml --boots 3                # an experiment file; flags override it
  kbench ab --dry-run                           # print the make and qemu command lines only)";

} // namespace

void add_ab_options(CLI::App& command, AbOptions& o) {
  auto* ab = &command;
  add_kernel_options(*ab, o.kernel);
  ab->add_option("--scenario", o.scenario, "seed (20,000 VMAs, 256 pages) or quick")
    ->capture_default_str();
  ab->add_option("--boots", o.boots, "Boots per variant [default: the scenario's]");
  ab->add_option("--walks", o.walks, "Walk triggers per boot [default: the scenario's]");
  ab->add_option("--vmas", o.vmas, "VMAs sharing the anon_vma [default: the scenario's]");
  ab->add_option("--dup-pages", o.dup_pages, "Pages merged into the KSM page");
  ab->add_option("--trigger", o.trigger, "migrate | compact | swap");
  ab->add_option("--accel", o.accelerator, "auto | kvm | tcg")->capture_default_str();
  ab->add_option("--timing", o.timing,
                 "auto (virtual under TCG, wall under KVM) | wall | virtual (docs/timing.md)")
    ->capture_default_str();
  ab->add_option("--vcpus", o.vcpus, "Guest vCPUs")->capture_default_str();
  ab->add_option("--memory", o.memory_mib, "Guest memory in MiB")->capture_default_str();
  ab->add_option("--boot-timeout", o.boot_timeout_s, "Seconds from QEMU start to init")
    ->capture_default_str();
  ab->add_option("--run-timeout", o.run_timeout_s,
                 "Seconds from init to complete results [default: from the scenario]");
  ab->add_flag("--aa", o.aa, "A/A run: the patched variant is the baseline");
  ab->add_option("--results-dir", o.results_dir,
                 "Where results go [default: ./kbench-results/ab-<time>]");
  ab->add_option("--backend", o.backend, "qemu | libvirt (docs/libvirt.md)")->capture_default_str();
  ab->add_option("--connect", o.connect,
                 "libvirt URI with --backend libvirt [default: qemu:///system]");
  ab->add_option("-c,--experiment", o.experiment_files,
                 "Experiment file(s) layered over the embedded default (docs/experiment-file.md); "
                 "flags override them");
  track_given_options(*ab, o.given);
  ab->add_option("--shard", o.shard,
                 "Run shard I of N: boots b with b % N == I-1 (docs/fleet.md); merge the "
                 "shards' results with `kbench merge`");
}

namespace {

CLI::App* add_ab_command(CLI::App& app, AbOptions& o) {
  auto* ab = app.add_subcommand("ab", "Build both kernels, boot them interleaved, tabulate");
  ab->footer(k_ab_examples);
  ab->fallthrough();
  add_ab_options(*ab, o);
  return ab;
}

int dispatch(int argc, char** argv) {
  CLI::App app{ "kbench: A/B performance runs of Linux kernel patches under QEMU", "kbench" };
  app.footer(k_exit_codes);
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("kbench ") + KBENCH_VERSION);
  GlobalOptions global;
  int verbose = 0;
  bool quiet = false;
  add_global_options(app, global, verbose, quiet);

  KernelOptions build_options;
  auto* build = app.add_subcommand("build", "Build the baseline and patched kernels");
  build->footer(k_build_examples);
  build->fallthrough();
  add_kernel_options(*build, build_options);

  AbOptions ab_options;
  auto* ab = add_ab_command(app, ab_options);
  SweepOptions sweep_options;
  auto* sweep = add_sweep_command(app, sweep_options);
  CiOptions ci_options;
  auto* ci = add_ci_command(app, ci_options);
  MergeOptions merge_options;
  auto* merge = add_merge_command(app, merge_options);
  ConfigOptions config_options;
  auto* config = add_config_command(app, config_options);
  RunOptions run_options;
  auto* run = add_run_command(app, run_options);
  std::filesystem::path report_input;
  std::filesystem::path report_out;
  auto* report = app.add_subcommand("report", "Re-render every report from a results.json");
  report->add_option("results", report_input, "Results directory or results.json")->required();
  report->add_option("-o,--output", report_out, "Directory for the reports [default: beside it]");
  report->fallthrough();
  report->footer(R"(Examples:
  kbench report kbench-results/ab-20261125-101500        # re-render beside results.json
  kbench report results.json -o /tmp/reports              # into another directory)");
  std::filesystem::path compare_a;
  std::filesystem::path compare_b;
  std::string variant_a = "patched";
  std::string variant_b = "patched";
  auto* compare = app.add_subcommand("compare", "Compare a variant of two results files");
  compare->add_option("a", compare_a, "First results (directory or results.json)")->required();
  compare->add_option("b", compare_b, "Second results (directory or results.json)")->required();
  compare->add_option("--variant-a", variant_a, "Variant of the first file")->capture_default_str();
  compare->add_option("--variant-b", variant_b, "Variant of the second file")
    ->capture_default_str();
  compare->add_option("-o,--output", report_out, "Directory for the comparison reports");
  compare->fallthrough();
  compare->footer(R"(Examples:
  kbench compare hostA/results.json hostB/results.json    # patched on two machines
  kbench compare old/ new/ --variant-a baseline --variant-b patched -o cmp/)");

  std::filesystem::path initramfs_out;
  auto* initramfs_cmd = app.add_subcommand(
    "initramfs", "Build the guest initramfs (reproducibly) and print its sha256");
  initramfs_cmd->add_option("-o,--output", initramfs_out, "Output file")->required();
  initramfs_cmd->fallthrough();
  initramfs_cmd->footer(R"(Examples:
  kbench initramfs -o /tmp/initramfs.cpio.gz              # prints its sha256 (reproducible))");

  std::vector<std::string> words(argv, argv + argc);
  words[0] = "kbench";
  global.command_line = util::format_argv(words);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : static_cast<int>(ExitCode::usage);
  }
  global.verbosity = quiet     ? util::Verbosity::quiet
                     : verbose ? util::Verbosity::verbose
                               : util::Verbosity::normal;
  util::init_logging(global.verbosity);
  if (build->parsed()) {
    return run_build(global, build_options);
  }
  if (ab->parsed()) {
    return run_ab(global, ab_options);
  }
  if (sweep->parsed()) {
    return run_sweep(global, sweep_options);
  }
  if (ci->parsed()) {
    return run_ci(global, ci_options);
  }
  if (config->parsed()) {
    return run_config(config_options);
  }
  if (run->parsed()) {
    return run_run(global, run_options);
  }
  if (merge->parsed()) {
    return run_merge(merge_options);
  }
  if (initramfs_cmd->parsed()) {
    return run_initramfs(initramfs_out);
  }
  if (report->parsed()) {
    return run_report(report_input, report_out);
  }
  if (compare->parsed()) {
    return run_compare(compare_a, compare_b, variant_a, variant_b, report_out);
  }
  return static_cast<int>(ExitCode::usage);
}

} // namespace

int main(int argc, char** argv) {
  util::install_interrupt_handlers();
  try {
    return dispatch(argc, argv);
  } catch (const Error& e) {
    util::log_final_error(e.what());
    return static_cast<int>(e.code());
  } catch (const std::exception& e) { // a library's exception nobody converted: a kbench bug
    util::log_final_error(fmt::format("internal error: {}", e.what()));
    return static_cast<int>(ExitCode::infra);
  }
}

} // namespace kbench::cli
