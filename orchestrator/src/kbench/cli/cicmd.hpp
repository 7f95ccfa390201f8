// `kbench ci`: the CI regression job. Runs the experiment like `kbench ab`
// (same options) or judges a finished run (--results DIR); compares patched
// against baseline, or against a stored reference results.json (--reference);
// writes junit.xml and summary.md into the results directory and ends with an
// exit code a CI system can act on (report/ci_verdict.hpp, docs/ci.md).
#pragma once

#include <kbench/cli/abcmd.hpp>
#include <kbench/cli/options.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace kbench::cli {

// Options of `kbench ci`.
struct CiOptions {
  AbOptions ab;                              // the experiment to run (unused with --results)
  std::filesystem::path results;             // --results: judge this finished run, run nothing
  std::filesystem::path reference;           // --reference: compare against this results.json
  std::string reference_variant = "patched"; // the variant of the reference to compare with
  std::vector<std::string> thresholds;       // --threshold KEY=VALUE, e.g. walk_max=5%
  std::string artifacts_url;                 // base URL of the artifacts for summary.md links
};

// Register `kbench ci` and its options on `app`; return the subcommand.
CLI::App* add_ci_command(CLI::App& app, CiOptions& options);

// Run `kbench ci`; return 0 (no regression), 1 (regression), 9 (correctness failure),
// 10 (a boot did not finish) or 11 (infrastructure); configuration errors throw kbench::Error
// after summary.md names them.
int run_ci(const GlobalOptions& global, const CiOptions& options);

} // namespace kbench::cli
