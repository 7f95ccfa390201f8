#include <kbench/cli/buildcmd.hpp>
#include <kbench/cli/defaults.hpp>
#include <kbench/cli/kernels.hpp>
#include <kbench/util/fs.hpp>
#include <kbench/util/timer.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace kbench::cli {

namespace {

void print_perf(const std::vector<kbuild::BuiltKernel>& built) {
  for (const auto& k : built) {
    std::string line = fmt::format("perf: {:<9}", k.variant);
    for (const auto& [phase, secs] : k.phases.phases()) {
      line += fmt::format(" {} {}", phase, util::format_duration(secs));
    }
    line += fmt::format("  total {}{}", util::format_duration(k.seconds),
                        k.cache_hit ? " (cache hit)" : "");
    fmt::print("{}\n", line);
  }
  if (built.size() == 2 && built[0].seconds > 0) {
    fmt::print("perf: patched/baseline build time ratio: {:.3f} (patched {}, baseline {}{})\n",
               built[1].seconds / built[0].seconds, util::format_duration(built[1].seconds),
               util::format_duration(built[0].seconds), built[0].cache_hit ? ", a cache hit" : "");
  }
}

nlohmann::json to_json(const std::vector<kbuild::BuiltKernel>& built) {
  auto variants = nlohmann::json::array();
  for (const auto& k : built) {
    nlohmann::json phases = nlohmann::json::object();
    for (const auto& [phase, secs] : k.phases.phases()) {
      phases[phase] = secs;
    }
    variants.push_back({ { "variant", k.variant },
                         { "bzimage", k.kernel.bzimage.string() },
                         { "bzimage_sha256", k.kernel.bzimage_sha256 },
                         { "config_sha256", k.kernel.config_sha256 },
                         { "kernel_release", k.kernel.kernel_release },
                         { "key", k.kernel.key },
                         { "cache_hit", k.cache_hit },
                         { "tree_action", k.tree_action },
                         { "objects_built", k.objects_built },
                         { "seconds", k.seconds },
                         { "phases", phases } });
  }
  return { { "kbench_build_version", 1 }, { "variants", variants } };
}

} // namespace

int run_build(const GlobalOptions& global, const KernelOptions& options) {
  auto runner = util::make_real_process_runner();
  KernelSet set = open_kernels(global, options, *runner);
  if (options.dry_run) {
    print_plan(set);
    return 0;
  }
  const auto built = set.builder->build_all(set.variants);
  for (const auto& k : built) {
    fmt::print("{:<9} {}\n", k.variant + ":", k.kernel.bzimage.string());
    fmt::print("          sha256 {}  release {}  {}\n", k.kernel.bzimage_sha256,
               k.kernel.kernel_release,
               k.cache_hit ? "(cache hit)"
                           : fmt::format("(built in {}, {} objects)",
                                         util::format_duration(k.seconds), k.objects_built));
  }
  if (options.perf) {
    print_perf(built);
  }
  if (!options.json_out.empty()) {
    util::write_file_atomic(options.json_out, to_json(built).dump(2) + "\n");
  }
  return 0;
}

} // namespace kbench::cli
