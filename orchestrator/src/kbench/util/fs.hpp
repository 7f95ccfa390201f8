// Filesystem helpers: whole-file reads, atomic writes, RAII temporaries.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace kbench::util {

// Return the contents of `path`; throw kbench::Error (infra) naming the file.
std::string read_file(const std::filesystem::path& path);

// Return the contents of `path`, or "" when it cannot be read.
std::string read_file_or_empty(const std::filesystem::path& path) noexcept;

// Write `data` to `path` atomically: a temporary file in the same directory,
// fsync, then rename. Readers see the old or the new file, never a part.
void write_file_atomic(const std::filesystem::path& path, std::string_view data);

// Create `path` and its parents; throw kbench::Error (infra) on failure.
void create_directories(const std::filesystem::path& path);

// Remove `path` recursively if it exists; throw kbench::Error (infra) on failure.
void remove_all(const std::filesystem::path& path);

// Return why `name` (a path named by an input file: a patch's ---/+++ line, a
// series file entry) is unsafe to join to a directory: "" when it is a
// non-empty relative path without ".." components and without NUL,
// else the reason ("absolute", "'..' component", ...).
std::string unsafe_relative_name(std::string_view name);

// Return `root / relative` when it exists as a regular file whose real path
// (every symlink resolved) lies inside the real path of `root`; "" otherwise
// (missing, not a regular file, or reaching outside `root`). `relative` must
// pass unsafe_relative_name().
std::filesystem::path regular_file_within(const std::filesystem::path& root,
                                          std::string_view relative);

// A uniquely named temporary file, removed when this object is destroyed.
class TempFile {
public:
  // Create an empty file named after `stem` under `dir` (default: TMPDIR).
  explicit TempFile(std::string_view stem, const std::filesystem::path& dir = {});
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  // Return the file's path.
  const std::filesystem::path& path() const noexcept { return m_path; }

private:
  std::filesystem::path m_path;
};

// A uniquely named temporary directory, removed recursively on destruction
// unless release() was called.
class TempDir {
public:
  // Create a directory named after `stem` under `parent` (default: TMPDIR).
  explicit TempDir(std::string_view stem, const std::filesystem::path& parent = {});
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // Return the directory's path.
  const std::filesystem::path& path() const noexcept { return m_path; }

  // Keep the directory on destruction and return its path.
  std::filesystem::path release() noexcept;

private:
  std::filesystem::path m_path;
  bool m_keep = false;
};

} // namespace kbench::util
