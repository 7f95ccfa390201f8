// `kbench sweep`: one A/B comparison per VMA count (kernels built once,
// then cache hits), the sweep table on stdout, sweep.json, sweep.md and the
// log-log plot sweep.svg/png in one results directory; docs/sweep.md.
#pragma once

#include <kbench/cli/abcmd.hpp>
#include <kbench/cli/options.hpp>
#include <kbench/experiment/experiment.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace kbench::cli {

// Options of `kbench sweep`: the ab options (-c files and flags, as `kbench ab`
// takes them; their single --vmas replaced by the list) and the list of VMA counts.
struct SweepOptions {
  AbOptions ab;         // every point runs with these (vmas replaced per point)
  std::string vma_list; // "1000,2000,5000": comma-separated VMA counts
};

// Register `kbench sweep` and its options (every `kbench ab` option, --vmas taking a list) on
// `app`; return the subcommand.
CLI::App* add_sweep_command(CLI::App& app, SweepOptions& options);

// Return the validated effective experiment of `options` (-c files, --scenario, the flags; the
// --vmas list aside), checked at every count of `vmas`. Throws kbench::Error: invalid_config
// listing every located problem (FILE:LINE:COL: message), usage for a count that cannot hold
// the workload's duplicate pages or for an ab option a sweep does not take.
experiment::Experiment sweep_experiment(const SweepOptions& options,
                                        const std::vector<std::uint64_t>& vmas);

// Return the experiment of one point: `base` with `vmas` VMAs, set by the command line (--vmas).
experiment::Experiment point_experiment(const experiment::Experiment& base, std::uint64_t vmas);

// Run `kbench sweep`; return the exit code (0 when every boot of every point was OK).
int run_sweep(const GlobalOptions& global, const SweepOptions& options);

} // namespace kbench::cli
