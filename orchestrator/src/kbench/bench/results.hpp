// results.json: everything one `kbench ab` run measured, with every raw
// sample, so that statistics and reports can be recomputed from this file
// alone (`kbench report`). Schema: docs/results-schema.md (version 1).
#pragma once

#include <kbench/util/fs.hpp>
#include <kbench/vm/outcome.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kbench::bench {

// The schema version written into results.json.
inline constexpr int k_results_version = 1;

// results.json as an input (kbench report, compare, merge, ci --results): a
// seed run's file has a few MB; a fleet's merge of many runs stays far below.
inline constexpr util::InputKind k_results_file{ "results file", std::uintmax_t{ 256 } << 20,
                                                 ExitCode::invalid_config };

// What was run: the workload and the VM.
struct Experiment {
  std::string scenario;        // "seed", "quick", or "custom"
  std::uint64_t vmas = 0;      // requested VMAs sharing one anon_vma
  std::uint64_t dup_pages = 0; // pages merged into one KSM page
  std::uint64_t walks = 0;     // triggers per boot
  std::string trigger;         // migrate | compact | swap
  std::uint64_t seed = 1;
  bool victim = true;
  int boots = 3; // boots per variant, interleaved A B A B
  int vcpus = 2;
  int memory_mib = 2048;
  int numa_nodes = 2;
  std::string accelerator_policy = "auto";
  std::string timing_policy; // auto | wall | virtual (vm/timing.hpp); "" in older files
};

// One patch of a kernel's series.
struct PatchRecord {
  std::string file;
  std::string sha256;
  std::string subject;
};

// One built kernel.
struct KernelRecord {
  std::string variant;
  std::string bzimage;
  std::string bzimage_sha256;
  std::string config_sha256;
  std::string release;
  std::string key;
  bool cache_hit = false;
  double build_seconds = 0;
  std::vector<PatchRecord> series;
};

// One correctness check reported by the guest.
struct CheckRecord {
  std::uint32_t walk = 0;
  std::string name;
  bool ok = false;
  std::string detail;
};

// One boot of one variant.
struct RunRecord {
  std::string variant;                           // baseline | patched
  int boot = 0;                                  // 0-based boot index within the variant
  vm::Outcome outcome = vm::Outcome::bench_fail; // written as its name: OK, PANIC, ...
  std::string reason;                            // one line
  std::string accelerator;
  std::string timing; // wall | virtual; "" in files written before timing modes (= wall)
  std::map<std::string, double> phases; // boot_to_init, benchmark, shutdown, total (seconds)

  std::string guest_status; // none | pending | ok | correctness_fail | bench_fail
  std::string guest_error;
  std::string method; // tracepoint | function_graph | none | unknown
  std::string kernel_release;
  std::string clocksource;
  std::uint64_t vmas_requested = 0;
  std::uint64_t vmas_real = 0;
  std::uint64_t pages_shared = 0;
  std::uint64_t pages_sharing = 0;
  double merge_ms = 0;
  std::uint64_t trace_overrun = 0;
  std::uint64_t trace_dropped = 0;

  // Raw samples, in ns.
  std::vector<std::uint64_t> walk_ns;         // each rmap_walk_ksm call
  std::vector<std::uint64_t> lock_hold_ns;    // each anon_vma read-lock hold inside it
  std::vector<std::uint64_t> victim_stall_ns; // victim operations (a reservoir when many)
  std::vector<std::uint64_t> trigger_ns;      // wall time of each trigger (move_pages call)
  // The measurement layer times lock holds in walks of their own (docs/patches.md):
  std::vector<std::uint64_t> walk_holds_timed_ns;  // those walks' durations (not in walk_ns)
  std::vector<std::uint64_t> walk_iterations;      // interval tree iterations of each of them
  std::vector<std::uint64_t> lock_hold_iterations; // iterations of each lock hold (lock_hold_ns)
  std::uint64_t holds_lost = 0;    // holds beyond the kernel's buffer (not in lock_hold_ns)
  std::uint64_t victim_count = 0;  // victim operations seen
  std::uint64_t victim_max_ns = 0; // exact maximum over all of them

  std::vector<CheckRecord> checks;
  std::vector<std::string> warnings;
  std::vector<std::string> backtrace; // console lines of a panic/oops
  std::string work_dir;               // relative to the results directory
  std::vector<std::string> qemu_argv;
};

// Where the experiment came from: its effective form and the hash of every input
// (docs/experiment-file.md); empty in files written before experiment files existed.
struct Provenance {
  std::string experiment_sha256;             // hash of the canonical effective experiment
  std::string experiment_yaml;               // the effective experiment, canonical YAML
  nlohmann::json experiment_effective;       // the same, as JSON (null when absent)
  std::map<std::string, std::string> inputs; // "experiment", "patch:<path>", ... -> sha256
};

// The share of an experiment's boots a sharded run made (`kbench ab --shard I/N`,
// bench/shard.hpp); the experiment's `boots` stays the full experiment's count.
struct ShardRecord {
  int index = 0; // 1-based shard number I
  int count = 0; // number of shards N
  int boots = 0; // boots per variant of the full experiment (= Experiment::boots)
};

// The whole run.
struct Results {
  int version = k_results_version;
  bool complete = false; // false: interrupted or failed before the end
  std::string kbench_version;
  std::string created; // UTC ISO-8601 time the run started
  Experiment experiment;
  std::map<std::string, std::string> environment; // host_kernel, host_cpu, qemu_version,
                                                  // accelerator, accelerator_reason, compiler
  std::string source;                             // kernel source description
  std::vector<KernelRecord> kernels;              // baseline, patched
  std::string initramfs_sha256;
  std::vector<RunRecord> runs;          // in execution order (interleaved)
  std::map<std::string, double> phases; // build, initramfs, accelerator, runs, report, total,
                                        // guest, overhead (seconds)
  std::string reproducer;               // one command line that repeats this run
  std::optional<ShardRecord> shard;     // set when this run is one shard of an experiment
  Provenance provenance;                // the effective experiment and every input's hash
};

// Return `results` as JSON (schema version 1).
nlohmann::json to_json(const Results& results);

// Parse results.json content; throw kbench::Error (invalid_config) naming
// `origin` and the offending key when it does not follow the schema.
Results results_from_json(const nlohmann::json& json, const std::string& origin);

// Read and parse the results.json at `path`.
Results read_results(const std::filesystem::path& path);

// Write `results` to `path` atomically.
void write_results(const Results& results, const std::filesystem::path& path);

// Return what decides the exit code of `results` (vm::exit_code_of): every
// boot's outcome, whether the run is complete, whether a check failed.
vm::RunEnd run_end(const Results& results);

// Return why `results` end with vm::exit_code_of(run_end(results)), for the
// last error line: the first boot whose outcome decides that code
// ("patched boot 0: INFRA_ERROR: cannot start QEMU: ...") and how many boots
// did not end OK; "" when the code is 0.
std::string end_cause(const Results& results);

// Return the timing mode `run` was measured in: "wall" or "virtual" (files
// written before timing modes existed were all wall-clock).
std::string timing_of(const RunRecord& run);

// Return the runs of `variant` whose outcome is OK.
std::vector<const RunRecord*> ok_runs(const Results& results, const std::string& variant);

} // namespace kbench::bench
