// `kbench sweep`: one A/B comparison per VMA count (kernels built once,
// then cache hits), the sweep table on stdout, sweep.json, sweep.md and the
// log-log plot sweep.svg/png in one results directory; docs/sweep.md.
#pragma once

#include <kbench/cli/abcmd.hpp>
#include <kbench/cli/options.hpp>

#include <string>

namespace CLI {
class App;
}

namespace kbench::cli {

// Options of `kbench sweep`: the ab options (their --vmas and --aa unused)
// and the list of VMA counts.
struct SweepOptions {
  AbOptions ab;         // every point runs with these (vmas replaced per point)
  std::string vma_list; // "1000,2000,5000": comma-separated VMA counts
};

// Register `kbench sweep` and its options on `app`; return the subcommand.
CLI::App* add_sweep_command(CLI::App& app, SweepOptions& options);

// Run `kbench sweep`; return the exit code (0 when every boot of every point was OK).
int run_sweep(const GlobalOptions& global, const SweepOptions& options);

} // namespace kbench::cli
