// `kbench report` (re-render every report of a saved run from its
// results.json) and `kbench compare` (compare one variant of one results.json
// against one variant of another, e.g. one kernel on two machines).
#pragma once

#include <filesystem>
#include <string>

namespace kbench::cli {

// Run `kbench report RESULTS [OUT]`: read `results` (a directory holding
// results.json, or the file), write report.txt, report.md, junit.xml and
// plots/ into `out_dir` (empty: the results file's directory) and print
// report.txt to stdout. Return the exit code (0); errors throw kbench::Error.
int run_report(const std::filesystem::path& results /* dir containing results.json, or the file */,
               const std::filesystem::path& out_dir /* empty = same dir */);

// Run `kbench compare A B`: compare variant `variant_a` of `a` (side A, the
// reference) against variant `variant_b` of `b` (side B); empty variants mean
// "patched". Print the text report to stdout and, when `out_dir` is not empty,
// write every report there. Return the exit code (0); errors throw kbench::Error
// (usage for an unknown variant, invalid_config for mixed accelerators).
int run_compare(const std::filesystem::path& a, const std::filesystem::path& b,
                const std::string& variant_a, const std::string& variant_b,
                const std::filesystem::path& out_dir);

// Return the results.json path `path` designates: `path`/results.json for a directory, else `path`.
std::filesystem::path results_file(const std::filesystem::path& path);

} // namespace kbench::cli
