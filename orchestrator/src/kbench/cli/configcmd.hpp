// `kbench config`: print the embedded default experiment, check experiment
// files, or print the effective (merged) experiment.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace kbench::cli {

// Options of `kbench config`.
struct ConfigOptions {
  bool show_default = false;                // print experiments/default.yaml verbatim
  std::vector<std::filesystem::path> check; // validate these files (each over the default)
  bool show = false;                        // print the effective experiment of `files`
  bool json = false;                        // --show as JSON instead of YAML
  bool hash = false;                        // print only the experiment hash
  std::vector<std::filesystem::path> files; // layered over the default, in order
  std::string scenario;                     // embedded overlay over the files; "" = none
};

// Register `kbench config` on `app`; return the subcommand.
CLI::App* add_config_command(CLI::App& app, ConfigOptions& options);

// Run `kbench config`; return the exit code (3 when a file is invalid).
int run_config(const ConfigOptions& options);

} // namespace kbench::cli
