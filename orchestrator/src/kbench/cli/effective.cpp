#include <kbench/bench/scenario.hpp>
#include <kbench/cli/defaults.hpp>
#include <kbench/cli/effective.hpp>
#include <kbench/experiment/validate.hpp>
#include <kbench/kconfig/fragment.hpp>
#include <kbench/util/hash.hpp>
#include <kbench/vm/qemu_command.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <ctime>
#include <thread>

namespace kbench::cli {

namespace fs = std::filesystem;
using experiment::Override;

namespace {

std::vector<std::string> strings(const std::vector<fs::path>& paths) {
  std::vector<std::string> out;
  for (const auto& p : paths) {
    out.push_back(p.string());
  }
  return out;
}

// Appends an override for every flag the command line gave or the caller changed from its
// default (a programmatic AbOptions, as `kbench ci` builds, counts like a command line).
struct OverrideList {
  const std::set<std::string>& given;
  std::vector<Override> list;

  void add(const char* flag, const char* key, std::vector<std::string> values, bool changed) {
    if (changed || given.count(flag) != 0) {
      list.push_back({ key, std::move(values), flag });
    }
  }

  template<class T>
  void add(const char* flag, const char* key, const T& value, const T& default_value) {
    add(flag, key, std::vector<std::string>{ fmt::format("{}", value) }, value != default_value);
  }

  void add(const char* flag, const char* key, const std::vector<fs::path>& paths) {
    add(flag, key, strings(paths), !paths.empty());
  }
};

void kernel_overrides(const KernelOptions& k, OverrideList& o) {
  const KernelOptions d;
  o.add("--source", "kernel.source", k.source, d.source);
  o.add("--ref", "kernel.ref", k.ref, d.ref);
  o.add("--patches", "patches.patched", k.patches);
  o.add("--measurement-patches", "patches.measurement", k.measurement);
  o.add("--no-measurement-patches", "patches.measurement", std::vector<std::string>{},
        k.no_measurement);
  o.add("--config", "config.fragments", k.fragments);
  o.add("--base-config", "config.base", k.base_config, d.base_config);
}

void run_overrides(const AbOptions& a, OverrideList& o) {
  const AbOptions d;
  o.add("--boots", "repetitions.boots", a.boots, d.boots);
  o.add("--walks", "workload.walks", a.walks, d.walks);
  o.add("--vmas", "workload.vmas", a.vmas, d.vmas);
  o.add("--dup-pages", "workload.dup_pages", a.dup_pages, d.dup_pages);
  o.add("--trigger", "workload.trigger", a.trigger, d.trigger);
  o.add("--accel", "vm.accelerator", a.accelerator, d.accelerator);
  o.add("--timing", "vm.timing", a.timing, d.timing);
  o.add("--vcpus", "vm.vcpus", a.vcpus, d.vcpus);
  o.add("--memory", "vm.memory_mib", a.memory_mib, d.memory_mib);
  o.add("--backend", "vm.backend", a.backend, d.backend);
  o.add("--connect", "vm.connect", a.connect, d.connect);
  o.add("--boot-timeout", "deadlines.boot_s", a.boot_timeout_s, d.boot_timeout_s);
  o.add("--run-timeout", "deadlines.run_s", a.run_timeout_s, d.run_timeout_s);
  o.add("--results-dir", "outputs.results_dir", a.results_dir.string(), d.results_dir.string());
  o.add("--aa", "patches.patched", std::vector<std::string>{},
        a.aa); // A/A: no patches on top of the baseline
}

fs::path data(const std::string& path) {
  return experiment::resolve_data_path(path, data_dir());
}

std::vector<fs::path> data_paths(const std::vector<std::string>& paths) {
  std::vector<fs::path> out;
  for (const auto& p : paths) {
    out.push_back(data(p));
  }
  return out;
}

int jobs_of(const GlobalOptions& global) {
  if (global.jobs > 0) {
    return global.jobs;
  }
  const unsigned cores = std::thread::hardware_concurrency();
  return cores > 0 ? static_cast<int>(cores) : 2;
}

// Return the bzImage the plan's "build the kernel" make command of `variant` produces.
std::string planned_bzimage(const std::vector<kbuild::PlannedCommand>& plan,
                            const std::string& variant) {
  for (const auto& cmd : plan) {
    for (std::size_t i = 0; cmd.variant == variant && i + 1 < cmd.argv.size(); ++i) {
      if (cmd.argv[i] == "-C") {
        return (fs::path(cmd.argv[i + 1]) / "kbench-out/arch/x86/boot/bzImage").string();
      }
    }
  }
  return "<" + variant + " bzImage>";
}

} // namespace

void track_given_options(CLI::App& command, std::set<std::string>& given) {
  command.parse_complete_callback([&command, &given] {
    for (const CLI::Option* option : command.get_options()) {
      if (option->count() > 0) {
        given.insert(option->get_name());
      }
    }
  });
}

experiment::LoadRequest load_request(const AbOptions& options) {
  experiment::LoadRequest request;
  request.files = options.experiment_files;
  if (options.given.count("--scenario") != 0 || options.scenario != AbOptions{}.scenario) {
    request.overlays = { options.scenario }; // a flag: over the files
  }
  OverrideList overrides{ options.given, {} };
  kernel_overrides(options.kernel, overrides);
  run_overrides(options, overrides);
  request.overrides = std::move(overrides.list);
  request.data_dir = data_dir();
  return request;
}

experiment::Experiment effective_experiment(const AbOptions& options) {
  return experiment::load(load_request(options));
}

AbOptions effective_options(const experiment::Experiment& e, const AbOptions& options) {
  AbOptions o = options;
  o.kernel.source = e.kernel.source;
  o.kernel.ref = e.kernel.ref;
  o.kernel.patches = data_paths(e.patches.patched);
  o.kernel.measurement = data_paths(e.patches.measurement);
  o.kernel.no_measurement = e.patches.measurement.empty();
  o.kernel.fragments = data_paths(e.config.fragments);
  o.kernel.base_config = data(e.config.base).string();
  o.scenario = e.name;
  o.boots = e.repetitions.boots;
  o.walks = static_cast<long>(e.workload.walks);
  o.vmas = static_cast<long>(e.workload.vmas);
  o.dup_pages = static_cast<long>(e.workload.dup_pages);
  o.trigger = e.workload.trigger;
  o.accelerator = e.vm.accelerator;
  o.timing = e.vm.timing;
  o.vcpus = e.vm.vcpus;
  o.memory_mib = e.vm.memory_mib;
  o.backend = e.vm.backend;
  o.connect = e.vm.connect;
  o.boot_timeout_s = e.deadlines.boot_s;
  o.run_timeout_s = e.deadlines.run_s;
  o.results_dir = e.outputs.results_dir;
  return o;
}

KernelSet open_experiment_kernels(const GlobalOptions& global, const experiment::Experiment& e,
                                  const KernelOptions& flags, util::ProcessRunner& runner) {
  KernelSet set;
  const fs::path cache =
    util::absolute(global.cache_dir.empty() ? default_cache_dir() : global.cache_dir);
  set.source =
    source::open_source(source::parse_spec(e.kernel.source, e.kernel.ref), runner, cache);
  set.source->identify();
  // Series with one port per kernel version ("6.1/", "6.12/") pick the source's.
  const auto version = source::kernel_version(*set.source);
  const auto layer = patches::load_series(data_paths(e.patches.measurement), version);
  const auto common =
    patches::concat(layer, patches::load_series(data_paths(e.patches.baseline), version));
  const auto series = patches::load_series(data_paths(e.patches.patched), version);
  set.variants = { { "baseline", common, layer.patches.size() },
                   { "patched", patches::concat(common, series), layer.patches.size() } };

  kbuild::BuildSettings settings;
  settings.cache_dir = cache;
  settings.jobs = jobs_of(global);
  settings.ccache = !flags.no_ccache;
  settings.base_config = data(e.config.base).string();
  for (const auto& path : data_paths(e.config.fragments)) {
    settings.fragments.push_back(kconfig::load_fragment(path));
  }
  set.builder = std::make_unique<kbuild::KernelBuilder>(runner, *set.source, std::move(settings));
  return set;
}

bench::Experiment bench_experiment(const experiment::Experiment& e) {
  bench::Experiment b;
  b.scenario = e.name;
  b.vmas = e.workload.vmas;
  b.dup_pages = e.workload.dup_pages;
  b.walks = e.workload.walks;
  b.trigger = e.workload.trigger;
  b.seed = e.workload.seed;
  b.victim = e.workload.victim;
  b.boots = e.repetitions.boots;
  b.vcpus = e.vm.vcpus;
  b.memory_mib = e.vm.memory_mib;
  b.numa_nodes = e.vm.numa_nodes;
  b.accelerator_policy = e.vm.accelerator;
  b.timing_policy = e.vm.timing;
  return b;
}

vm::Deadlines deadlines_of(const experiment::Experiment& e) {
  vm::Deadlines d;
  d.boot = std::chrono::seconds(e.deadlines.boot_s);
  d.run = e.deadlines.run_s > 0 ? std::chrono::milliseconds(std::chrono::seconds(e.deadlines.run_s))
                                : std::chrono::duration_cast<std::chrono::milliseconds>(
                                    bench::default_run_deadline(bench_experiment(e)));
  d.shutdown = std::chrono::seconds(e.deadlines.shutdown_s);
  d.overall = d.boot + d.run + d.shutdown;
  return d;
}

stats::CompareSettings compare_settings(const experiment::Experiment& e) {
  stats::CompareSettings s;
  s.alpha = e.statistics.alpha;
  s.noise = e.statistics.noise;
  return s;
}

std::map<std::string, std::string> input_hashes(const experiment::Experiment& e,
                                                const KernelSet& set,
                                                const std::vector<fs::path>& files) {
  std::map<std::string, std::string> inputs{ { "experiment", experiment::experiment_hash(e) } };
  for (const auto& layer : e.layers) {
    const bool file = std::find(files.begin(), files.end(), fs::path(layer.name)) != files.end();
    if (file) {
      inputs["experiment_file:" + layer.name] = layer.sha256;
    }
  }
  for (const auto& variant : set.variants) {
    for (const auto& p : variant.series.patches) {
      inputs["patch:" + p.path.string()] = p.sha256;
    }
  }
  for (const auto& path : data_paths(e.config.fragments)) {
    inputs["fragment:" + path.string()] = util::sha256_file(path);
  }
  if (e.config.base.find('/') != std::string::npos) {
    inputs["base_config:" + data(e.config.base).string()] = util::sha256_file(data(e.config.base));
  }
  return inputs;
}

fs::path timestamped_results_dir(const std::string& prefix) {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char name[32];
  std::strftime(name, sizeof name, "-%Y%m%d-%H%M%S", &tm);
  return util::absolute("kbench-results") / (prefix + name);
}

bench::AbSettings ab_settings(const GlobalOptions& global, const experiment::Experiment& e,
                              KernelSet& set, const std::vector<fs::path>& files) {
  bench::AbSettings s;
  s.experiment = bench_experiment(e);
  s.results_dir = e.outputs.results_dir.empty() ? timestamped_results_dir("ab")
                                                : util::absolute(e.outputs.results_dir);
  s.accelerator_policy = vm::parse_accelerator_policy(e.vm.accelerator);
  s.timing_policy = vm::parse_timing_policy(e.vm.timing);
  s.deadlines = deadlines_of(e);
  s.guest = guest_image();
  s.source_description = set.source->identify().description;
  s.reproducer = global.command_line;
  s.provenance.experiment_sha256 = experiment::experiment_hash(e);
  s.provenance.experiment_yaml = experiment::to_yaml(e);
  s.provenance.experiment_effective = experiment::to_json(e);
  s.provenance.inputs = input_hashes(e, set, files);
  return s;
}

void print_qemu_plan(const bench::AbSettings& settings, const KernelSet& set) {
  const auto plan = settings.prebuilt.empty() ? set.builder->plan(set.variants)
                                              : std::vector<kbuild::PlannedCommand>{};
  const fs::path initramfs = settings.results_dir / "initramfs.cpio.gz";
  const bool kvm = settings.accelerator_policy == vm::AcceleratorPolicy::kvm;
  const vm::Accelerator accelerator = kvm ? vm::Accelerator::kvm : vm::Accelerator::tcg;
  const bool virtual_first = settings.timing_policy == vm::TimingPolicy::virtual_;
  if (settings.accelerator_policy == vm::AcceleratorPolicy::automatic && !virtual_first) {
    fmt::print("# accelerator auto: a probe boot decides; shown with TCG (KVM: -accel kvm -cpu "
               "host, no tsc_early_khz)\n");
  }
  const vm::Timing timing = vm::resolve_timing(settings.timing_policy, accelerator);
  fmt::print("# timing {}: {}\n", vm::to_string(settings.timing_policy),
             vm::describe_timing(accelerator, timing));
  fmt::print("# experiment {} ({})\n", settings.provenance.experiment_sha256,
             settings.experiment.scenario);
  for (const auto& variant : set.variants) {
    bench::KernelRecord kernel;
    kernel.variant = variant.name;
    kernel.bzimage = settings.prebuilt.empty() ? planned_bzimage(plan, variant.name)
                                               : settings.prebuilt.front().bzimage;
    const fs::path work = settings.results_dir / "runs" / (variant.name + "-0");
    const vm::VmSpec spec =
      bench::boot_spec(settings, kernel, initramfs, accelerator, timing, work);
    fmt::print("# {}: boot 1 of {} (runs/{}-N for boot N+1)\n{}\n", variant.name,
               settings.experiment.boots, variant.name, util::format_argv(vm::qemu_argv(spec)));
  }
}

} // namespace kbench::cli
