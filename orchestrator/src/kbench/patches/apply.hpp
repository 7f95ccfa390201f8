// Applying a patch series to a kernel tree: `git am` in git trees, otherwise
// `patch -p1 --forward`; and a preflight that proves a series applies before
// any tree is copied or any build starts.
#pragma once

#include <kbench/patches/series.hpp>
#include <kbench/util/process.hpp>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace kbench::patches {

// How patches are applied to a tree.
enum class Method {
  patch,  // GNU patch -p1 --forward (plain trees)
  git_am, // git am (git trees); plain diffs go through git apply + commit
};

// Identity used for the commits `git am` makes, fixed for reproducibility.
struct CommitIdentity {
  std::string name = "kbench";
  std::string email = "kbench@localhost";
  std::string date; // committer date, e.g. "@1731588960"; empty = author date
};

// Apply every patch of `series`, in order, to the tree at `tree`. On failure
// throw kbench::Error (ExitCode::patch) naming the patch file and the failing
// hunk. The tool's output is appended to `log_file`.
void apply_series(util::ProcessRunner& runner, const Series& series,
                  const std::filesystem::path& tree, Method method,
                  const std::filesystem::path& log_file, const CommitIdentity& identity = {});

// Reads a file of the pristine source tree by relative path; nullopt when the
// file does not exist.
using SourceReader = std::function<std::optional<std::string>(const std::string& relative_path)>;

// The first patch of a series that does not apply, and why.
struct PreflightFailure {
  std::size_t patch = 0; // index into Series::patches
  std::string message;   // describe_failure()'s text
};

// Return the first patch of `series` that does not apply, in order, to the
// source read by `read`, or nullopt: the files the series touches are copied
// into a scratch directory and the series is applied there with the tool
// `method` implies (patch, or git apply). The source is never touched.
std::optional<PreflightFailure> check_series(util::ProcessRunner& runner, const Series& series,
                                             const SourceReader& read, Method method);

// Prove that `series` applies (check_series); throw kbench::Error
// (ExitCode::patch) with the failure's message otherwise.
void preflight(util::ProcessRunner& runner, const Series& series, const SourceReader& read,
               Method method);

// Return the error message for `patch` failing with tool output `output`:
// names the patch file, the file and hunk that failed and the tool's reason.
std::string describe_failure(const Patch& patch, const std::string& output);

} // namespace kbench::patches
