// Patch series: an ordered list of patch files (git format-patch or plain
// unified diffs), parsed far enough to name files and hunks in errors.
#pragma once

#include <kbench/source/version.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kbench::patches {

// One hunk of a patch.
struct Hunk {
  std::string file;   // path relative to the tree (after stripping a/ b/)
  int number = 0;     // 1-based index of the hunk within `file`
  int old_start = 0;  // first line in the original file
  std::string header; // the "@@ ... @@ ..." line
};

// One patch file.
struct Patch {
  std::filesystem::path path;
  std::string sha256;
  std::string subject;      // "Subject:" of a mail-format patch, else the file name
  bool mail_format = false; // a mail (git format-patch): "From " first or a "Subject:"

  std::vector<std::string> files;     // files touched (new names), in order
  std::vector<std::string> old_files; // their old names ("" for created files), same order
  std::vector<Hunk> hunks;
};

// An ordered patch series.
struct Series {
  std::vector<Patch> patches;

  // Return the hash identifying the series (its patches' hashes, in order).
  std::string hash() const;

  // Return every file touched by some patch of the series, old (renamed
  // from) and new names, once each in first-seen order.
  std::vector<std::string> touched_files() const;
};

// Parse the text of one patch file read from `path`; throw kbench::Error
// (ExitCode::patch) naming the file when it holds no diff.
Patch parse_patch(std::string_view text, const std::filesystem::path& path);

// Load a series from `input`: a directory (its *.patch and *.diff files in
// lexical order, or the order of its quilt-style `series` file when present)
// or a single patch file. Patch paths are recorded absolute. A directory
// without any patch is an error (ExitCode::patch): an A/A run asks for no
// series (--aa) instead.
// A directory without patches or series file of its own whose subdirectories
// are named after kernel versions ("6.1/", "6.12/") holds one port of a series
// per version: the subdirectory for `version`'s major.minor is loaded; without
// a `version`, or without a port for it, kbench::Error (ExitCode::patch) names
// the ports there are.
Series load_series(const std::filesystem::path& input,
                   const std::optional<source::KernelVersion>& version = std::nullopt);

// Load several inputs and concatenate them, in order.
Series load_series(const std::vector<std::filesystem::path>& inputs,
                   const std::optional<source::KernelVersion>& version = std::nullopt);

// Return `series` followed by `more`.
Series concat(const Series& series, const Series& more);

// Return true when `prefix`'s patches are the first patches of `series`.
bool is_prefix(const Series& prefix, const Series& series);

// Return the hunk of `patch` that applies to `file` at (or nearest before)
// line `old_line`, or nullptr.
const Hunk* find_hunk(const Patch& patch, std::string_view file, int old_line);

// Return the hunk number `number` of `file` in `patch`, or nullptr.
const Hunk* find_hunk_by_number(const Patch& patch, std::string_view file, int number);

} // namespace kbench::patches
