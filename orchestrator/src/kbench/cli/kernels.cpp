#include <kbench/cli/defaults.hpp>
#include <kbench/cli/kernels.hpp>
#include <kbench/kconfig/fragment.hpp>

#include <fmt/format.h>

#include <thread>

namespace kbench::cli {

namespace fs = std::filesystem;

namespace {

int default_jobs(int jobs) {
  if (jobs > 0) {
    return jobs;
  }
  const unsigned cores = std::thread::hardware_concurrency();
  return cores > 0 ? static_cast<int>(cores) : 2;
}

} // namespace

KernelSet open_kernels(const GlobalOptions& global, const KernelOptions& options,
                       util::ProcessRunner& runner) {
  KernelSet set;
  // Absolute: make, ccache and git run in other directories.
  const fs::path cache =
    util::absolute(global.cache_dir.empty() ? default_cache_dir() : global.cache_dir);
  set.source = source::open_source(source::parse_spec(options.source, options.ref), runner, cache);
  set.source->identify();

  std::vector<fs::path> measurement = options.measurement;
  if (measurement.empty() && !options.no_measurement) {
    measurement.push_back(default_measurement_patches());
  }
  // Series with one port per kernel version ("6.1/", "6.12/") pick the source's.
  const auto version = source::kernel_version(*set.source);
  const auto common = patches::load_series(measurement, version);
  const auto series = patches::load_series(
    options.patches.empty() ? std::vector<fs::path>{ default_patch_series() } : options.patches,
    version);
  set.variants = { { "baseline", common, common.patches.size() },
                   { "patched", patches::concat(common, series), common.patches.size() } };

  kbuild::BuildSettings settings;
  settings.cache_dir = cache;
  settings.jobs = default_jobs(global.jobs);
  settings.ccache = !options.no_ccache;
  settings.base_config = options.base_config;
  for (const auto& path : options.fragments.empty() ? default_fragments() : options.fragments) {
    settings.fragments.push_back(kconfig::load_fragment(path));
  }
  set.builder = std::make_unique<kbuild::KernelBuilder>(runner, *set.source, std::move(settings));
  return set;
}

void print_plan(KernelSet& set) {
  fmt::print("# source: {}\n", set.source->identify().description);
  for (const auto& variant : set.variants) {
    fmt::print("# {}: {} patch(es)\n", variant.name, variant.series.patches.size());
    for (const auto& p : variant.series.patches) {
      fmt::print("#   {}\n", p.path.string());
    }
  }
  for (const auto& cmd : set.builder->plan(set.variants)) {
    std::string env;
    for (const auto& [name, value] : cmd.env) {
      env += name + "=" + value + " ";
    }
    fmt::print("# {}: {}\n{}{}\n", cmd.variant, cmd.description, env, util::format_argv(cmd.argv));
  }
}

} // namespace kbench::cli
