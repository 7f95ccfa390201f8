// Filesystem helpers: whole-file reads, atomic writes, RAII temporaries.
#pragma once

#include <kbench/util/error.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kbench::util {

// What an input file is for: its role in messages ("experiment file"), the
// most bytes kbench reads of it, and the exit code when it is not usable
// (docs/exit-codes.md#input-files-and-their-limits).
struct InputKind {
  std::string_view role;
  std::uintmax_t max_bytes;
  ExitCode code;
};

// Return the contents of the regular file `path`, read as `kind`. Throw
// kbench::Error naming the path and its role: kind.code when it is missing,
// not a regular file (a device, a FIFO, a directory) or over kind.max_bytes;
// infra when reading fails. Never blocks on a FIFO, never reads past the limit.
std::string read_input(const std::filesystem::path& path, const InputKind& kind);

// Return the contents of `path` as read_input() does, or nullopt when nothing
// exists at `path` (a dangling symlink counts as nothing).
std::optional<std::string> read_input_if_exists(const std::filesystem::path& path,
                                                const InputKind& kind);

// Return the first `max_bytes` bytes of the regular file `path` (kbench's own
// output, written by someone else: a guest's capture, a command's log), or
// nullopt when nothing exists at `path`. Throw kbench::Error (infra) naming
// the path and `role` when it is not a regular file or cannot be read.
std::optional<std::string> read_file_prefix(const std::filesystem::path& path,
                                            std::uintmax_t max_bytes, std::string_view role);

// Return the contents of `path`; throw kbench::Error (infra) naming the file.
std::string read_file(const std::filesystem::path& path);

// Return the contents of `path`, or nullopt when nothing exists there: a file
// kbench may or may not have written (a cache entry, a state file, a log).
// Throw kbench::Error (infra) naming the path and `role` when something is
// there but cannot be read as a file.
std::optional<std::string> read_file_if_exists(const std::filesystem::path& path,
                                               std::string_view role);

// The std::filesystem operations kbench uses, throwing kbench::Error (infra)
// "cannot <do> <role> <path>: <reason>" instead of std::filesystem_error, so an
// error names the path and what it was for. `role` says it: "kernel source",
// "kernel cache entry", ...

// Return true when something exists at `path` (false only when nothing does).
bool path_exists(const std::filesystem::path& path, std::string_view role);

// Return true when `path` is a directory (following symlinks); false when missing.
bool is_directory(const std::filesystem::path& path, std::string_view role);

// Return true when `path` is a regular file (following symlinks); false when missing.
bool is_regular_file(const std::filesystem::path& path, std::string_view role);

// Return the entries of the directory `dir`, sorted.
std::vector<std::filesystem::path> directory_entries(const std::filesystem::path& dir,
                                                     std::string_view role);

// Return every regular file under `root`, recursively, sorted (a symlink to a
// regular file counts as one; symlinked directories are not entered).
std::vector<std::filesystem::path> files_under(const std::filesystem::path& root,
                                               std::string_view role);

// Copy the file `from` to `to`, replacing `to`.
void copy_file(const std::filesystem::path& from, const std::filesystem::path& to,
               std::string_view role);

// Rename `from` to `to` (atomic within a filesystem).
void rename(const std::filesystem::path& from, const std::filesystem::path& to,
            std::string_view role);

// Remove the file (or empty directory) `path`; nothing to do when it is missing.
void remove_file(const std::filesystem::path& path, std::string_view role);

// Return `path` made absolute against the current directory, lexically normal.
std::filesystem::path absolute(const std::filesystem::path& path);

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

// Return true when `word` (a name from an input that becomes a file name or a
// command's argument: a Debian package, a make target) is non-empty, made of
// letters, digits and "._+-", and does not start with '-' (an option).
bool is_plain_word(std::string_view word);

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
