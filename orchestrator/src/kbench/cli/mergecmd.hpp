// `kbench merge -o OUT A B ...`: combine the results of the shards of one
// experiment (`kbench ab --shard I/N`) into OUT/results.json and render every
// report there, as `kbench report` does (docs/fleet.md).
#pragma once

#include <filesystem>
#include <vector>

namespace CLI {
class App;
}

namespace kbench::cli {

// Options of `kbench merge`.
struct MergeOptions {
  std::vector<std::filesystem::path> inputs; // results directories or results.json files
  std::filesystem::path output;              // directory for the merged results and reports
};

// Register `kbench merge` and its options on `app`; return the subcommand.
CLI::App* add_merge_command(CLI::App& app, MergeOptions& options);

// Run `kbench merge`: merge, write OUT/results.json and the reports, print report.txt; return
// the exit code (0). Errors throw kbench::Error (invalid_config for shards that do not belong
// together).
int run_merge(const MergeOptions& options);

} // namespace kbench::cli
