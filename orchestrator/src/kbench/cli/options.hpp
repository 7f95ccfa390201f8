// Command-line options shared by the subcommands.
#pragma once

#include <kbench/util/logging.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace kbench::cli {

// Options of every subcommand.
struct GlobalOptions {
  std::filesystem::path cache_dir;
  int jobs = 0; // 0 = number of cores
  util::Verbosity verbosity = util::Verbosity::normal;
  std::string command_line; // the whole command line, for reproducer lines
};

// Options that choose the kernels to build.
struct KernelOptions {
  std::string source = "debian";                  // "debian", "debian:PKG" or a path
  std::string ref;                                // git ref in --source
  std::vector<std::filesystem::path> patches;     // patched variant only
  std::vector<std::filesystem::path> measurement; // both variants
  bool no_measurement = false;
  std::vector<std::filesystem::path> fragments;
  std::string base_config = "tinyconfig";
  bool no_ccache = false;
  bool dry_run = false;
  bool perf = false;
  std::filesystem::path json_out;
};

// Add the kernel-choosing options to `app`.
void add_kernel_options(CLI::App& app, KernelOptions& options);

} // namespace kbench::cli
