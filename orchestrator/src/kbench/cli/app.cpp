#include <kbench/cli/app.hpp>

#include <kbench/cli/buildcmd.hpp>
#include <kbench/cli/options.hpp>
#include <kbench/util/error.hpp>
#include <kbench/util/logging.hpp>
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
  kbench build                                  # Debian 6.12 + the ksm-rmap-walk series
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
                 "Patches applied to both variants [default: patches/instrumentation]");
  app.add_flag("--no-measurement-patches", o.no_measurement,
               "Apply no measurement patches to either variant");
  app.add_option("--config", o.fragments,
                 "Kernel config fragments, merged in order "
                 "[default: kernel-configs/base.config kernel-configs/bench.config]");
  app.add_option("--base-config", o.base_config,
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
  app.add_option("-j,--jobs", g.jobs, "Parallel compile jobs [default: number of cores]");
  app.add_flag("-v,--verbose", verbose, "More detail on stderr");
  app.add_flag("-q,--quiet", quiet, "Only warnings and errors on stderr");
}

int dispatch(int argc, char** argv) {
  CLI::App app{"kbench: A/B performance runs of Linux kernel patches under QEMU", "kbench"};
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
  return static_cast<int>(ExitCode::usage);
}

} // namespace

int main(int argc, char** argv) {
  util::install_interrupt_handlers();
  try {
    return dispatch(argc, argv);
  } catch (const Error& e) {
    fmt::print(stderr, "kbench: error: {}\n", e.what());
    return static_cast<int>(e.code());
  } catch (const std::exception& e) {
    fmt::print(stderr, "kbench: internal error: {}\n", e.what());
    return static_cast<int>(ExitCode::infra);
  }
}

} // namespace kbench::cli
