// `kbench run`: boot ONE kernel (a given bzImage, or one variant of the
// experiment, built) N times with the experiment's workload; write
// results.json and a one-variant report.
#pragma once

#include <kbench/bench/results.hpp>
#include <kbench/cli/abcmd.hpp>

#include <filesystem>
#include <string>

namespace CLI {
class App;
}

namespace kbench::cli {

// Options of `kbench run`.
struct RunOptions {
  AbOptions ab;                    // the experiment and its overrides, as for `kbench ab`
  std::filesystem::path kernel;    // a bzImage to boot; "" = build `variant`
  std::string variant = "patched"; // baseline | patched: the variant to build and boot
};

// Register `kbench run` on `app`; return the subcommand.
CLI::App* add_run_command(CLI::App& app, RunOptions& options);

// Return the one-variant report of `results` (samples, mean, median, p95, max per metric).
std::string render_variant_report(const bench::Results& results, const std::string& variant);

// Run `kbench run`; return the exit code (0 when every boot was OK).
int run_run(const GlobalOptions& global, const RunOptions& options);

} // namespace kbench::cli
