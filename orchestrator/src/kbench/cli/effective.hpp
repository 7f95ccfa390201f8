// The effective experiment of a command line: the embedded default, the
// --scenario overlay, the -c/--experiment files and the flags given, and what
// it turns into (kernels to build, A/B settings, a dry-run plan).
#pragma once

#include <kbench/bench/ab.hpp>
#include <kbench/cli/abcmd.hpp>
#include <kbench/cli/kernels.hpp>
#include <kbench/experiment/experiment.hpp>
#include <kbench/experiment/load.hpp>
#include <kbench/stats/compare.hpp>

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace kbench::cli {

// Record in `given` the name of every option of `command` the command line set (after parsing).
void track_given_options(CLI::App& command, std::set<std::string>& given);

// Return the layers of `options`: -c files, the --scenario overlay (when given), then the other
// flags given (or changed from their defaults by the caller).
experiment::LoadRequest load_request(const AbOptions& options);

// Return the validated effective experiment of `options`; throws kbench::Error (invalid_config)
// listing every problem (FILE:LINE:COL: message) before any work.
experiment::Experiment effective_experiment(const AbOptions& options);

// Return `options` with every experiment-backed field (kernel, workload, VM, deadlines, results
// directory) taken from `experiment`, so code reading AbOptions sees the effective values.
AbOptions effective_options(const experiment::Experiment& experiment, const AbOptions& options);

// Open the source, the two variants (baseline = measurement + baseline patches; patched = those
// + patched patches) and the builder of `experiment`.
// `flags` contributes what the experiment does not describe (--no-ccache).
KernelSet open_experiment_kernels(const GlobalOptions& global,
                                  const experiment::Experiment& experiment,
                                  const KernelOptions& flags, util::ProcessRunner& runner);

// Return the workload/VM record of results.json for `experiment`.
bench::Experiment bench_experiment(const experiment::Experiment& experiment);

// Return the per-boot deadlines of `experiment` (run_s 0: derived from the workload).
vm::Deadlines deadlines_of(const experiment::Experiment& experiment);

// Return the statistics settings of `experiment` for stats::compare.
stats::CompareSettings compare_settings(const experiment::Experiment& experiment);

// Return the A/B settings of `experiment` (record, results directory, accelerator policy,
// deadlines, guest, provenance with every input's hash) for the kernels of `set`.
bench::AbSettings ab_settings(const GlobalOptions& global, const experiment::Experiment& experiment,
                              KernelSet& set, const std::vector<std::filesystem::path>& files);

// Return the sha256 of every input: "experiment", "experiment_file:<path>", "patch:<path>",
// "fragment:<path>", "base_config:<path>" (a file base).
std::map<std::string, std::string> input_hashes(const experiment::Experiment& experiment,
                                                const KernelSet& set,
                                                const std::vector<std::filesystem::path>& files);

// Print the experiment hash and the QEMU command line of every variant of `set` under
// `settings` (--dry-run); the kernel is settings.prebuilt's, else the bzImage the printed make
// command produces; the initramfs is the one the run would write.
void print_qemu_plan(const bench::AbSettings& settings, const KernelSet& set);

// Return the default results directory: ./kbench-results/<prefix>-<UTC time>.
std::filesystem::path timestamped_results_dir(const std::string& prefix);

} // namespace kbench::cli
