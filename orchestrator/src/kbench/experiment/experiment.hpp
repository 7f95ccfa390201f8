// The experiment: one description of a kbench comparison (kernel source,
// patch series, config, workload, VM, repetitions, statistics, deadlines,
// outputs), loaded from YAML layers (docs/experiment-file.md) and reduced to
// a canonical form whose hash identifies it.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace kbench::experiment {

// Where a value was set: a position in a file (1-based) or a command-line flag.
struct Location {
  std::string file; // file name as given, "<embedded default.yaml>", or "command line (--flag)"
  int line = 0;     // 1-based; 0 when there is no position (command line)
  int column = 0;   // 1-based
};

// Return "FILE:LINE:COL", or FILE alone when there is no position.
std::string to_string(const Location& where);

// The kernel source: "debian", "debian:PACKAGE", or a path (tree or git repository).
struct KernelSpec {
  std::string source; // "debian", "debian:PACKAGE" or a path
  std::string ref;    // git ref in a git repository source; "" = its work tree
};

// The patch series; paths are files or series directories.
struct PatchSpec {
  std::vector<std::string> measurement; // both variants, first
  std::vector<std::string> baseline;    // both variants, after the measurement patches
  std::vector<std::string> patched;     // the patched variant only, last
};

// The kernel config: a base and the fragments merged onto it in order.
struct ConfigSpec {
  std::string base;                   // make target (tinyconfig) or a .config path
  std::vector<std::string> fragments; // paths, merge order
};

// The in-guest workload and its parameters.
struct Workload {
  std::string benchmark;       // rmap_benchmark
  std::uint64_t vmas = 0;      // VMAs sharing one anon_vma
  std::uint64_t dup_pages = 0; // identical pages merged into one KSM page
  std::uint64_t walks = 0;     // rmap-walk triggers per boot
  std::string trigger;         // migrate | compact | swap
  std::uint64_t seed = 0;      // seed of the guest's pseudo-random choices
  bool victim = false;         // run the victim thread (lock stall)
};

// The guest VM.
struct VmSettings {
  int vcpus = 0;
  int memory_mib = 0;
  int numa_nodes = 0;
  std::string accelerator; // auto | kvm | tcg
  std::string timing;      // auto | wall | virtual (vm/timing.hpp, docs/timing.md)
  std::string backend;     // qemu | libvirt
  std::string connect;     // libvirt connection URI; "" = libvirt's default
};

// How often each variant boots.
struct Repetitions {
  int boots = 0; // boots per variant, interleaved
};

// Statistics settings of the comparison and of `kbench ci`.
struct Statistics {
  double alpha = 0; // U-test significance level, (0, 1)
  double noise = 0; // relative noise band, [0, 1)
  std::map<std::string, double>
    regression_thresholds; // metric (walk|lock|stall) -> relative worsening
};

// Per-boot deadlines, in seconds.
struct Deadlines {
  int boot_s = 0;     // QEMU start -> init
  int run_s = 0;      // init -> results complete; 0 = derived from the workload
  int shutdown_s = 0; // results complete -> QEMU exit
};

// Where results go.
struct Outputs {
  std::string results_dir; // "" = ./kbench-results/ab-<UTC time>
};

// One layer applied to an experiment: its name and the SHA-256 of its bytes.
struct LayerRecord {
  std::string name;   // file name as given, "<embedded default.yaml>", "command line"
  std::string sha256; // of the file's bytes ("" for the command line)
};

// One experiment; every field is set by the embedded default and may be overridden by layers.
struct Experiment {
  std::string name; // label of the scenario (seed, quick, ...)
  KernelSpec kernel;
  PatchSpec patches;
  ConfigSpec config;
  Workload workload;
  VmSettings vm;
  Repetitions repetitions;
  Statistics statistics;
  Deadlines deadlines;
  Outputs outputs;
  std::map<std::string, Location> origins; // dotted key -> where its value was last set
  std::vector<LayerRecord> layers;         // the layers applied, lowest first
};

// Return the canonical JSON of `experiment` (every key, schema order irrelevant; no origins).
nlohmann::json to_json(const Experiment& experiment);

// Return the canonical YAML of `experiment`, keys in schema order; loading it gives the same
// experiment.
std::string to_yaml(const Experiment& experiment);

// Return the experiment hash: SHA-256 of the canonical JSON without `outputs` (where results
// go does not change what is measured).
std::string experiment_hash(const Experiment& experiment);

} // namespace kbench::experiment
