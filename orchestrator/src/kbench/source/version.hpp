// The kernel version of a source tree (VERSION.PATCHLEVEL.SUBLEVEL of its top
// Makefile), and version constraints such as ">= 6.12" that config fragments
// and per-version patch series are chosen by.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace kbench::source {

class KernelSource;

// A kernel version; comparisons order by major, minor, then sublevel.
struct KernelVersion {
  int major = 0;
  int minor = 0;
  int sublevel = 0;

  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 misreads the defaulted <=> (0 literal)
  friend auto operator<=>(const KernelVersion&, const KernelVersion&) = default;
};

// Return "6.12.117" (or "6.12" with `with_sublevel` false).
std::string to_string(const KernelVersion& version, bool with_sublevel = true);

// Parse "6.12", "6.12.117" or "6" (missing parts are 0); nullopt otherwise.
std::optional<KernelVersion> parse_version(std::string_view text);

// Return the version a kernel Makefile's "VERSION = 6", "PATCHLEVEL = 12",
// "SUBLEVEL = 117" lines give, or nullopt when VERSION or PATCHLEVEL is missing.
std::optional<KernelVersion> version_from_makefile(std::string_view makefile);

// Return the version of `source` (its top Makefile); throw kbench::Error
// (ExitCode::source) when the tree has no Makefile with a version.
KernelVersion kernel_version(KernelSource& source);

// One constraint on a kernel version: an operator and a version, as written
// "kernel >= 6.12". Versions given as X.Y compare on major.minor only, so
// "< 6.12" holds for every 6.11.z and "== 6.1" for every 6.1.z.
struct VersionConstraint {
  std::string op;        // "<", "<=", "==", "!=", ">=", ">"
  KernelVersion version; // the right-hand side
  bool sublevel = false; // the right-hand side named a sublevel (X.Y.Z)
};

// Parse "kernel >= 6.12" (the word "kernel" optional); nullopt when malformed.
std::optional<VersionConstraint> parse_constraint(std::string_view text);

// Return true when `version` satisfies `constraint`.
bool satisfies(const KernelVersion& version, const VersionConstraint& constraint);

// Return "kernel >= 6.12".
std::string to_string(const VersionConstraint& constraint);

// The "# kbench-if: <constraint>" ... "# kbench-endif" blocks of a line-based
// file (config fragments, patch series files): the lines inside a block apply
// only to kernels that satisfy its constraint. Blocks do not nest.
class ConditionBlocks {
public:
  // Called with a line number and the problem there; it must throw (the
  // caller's error names its file and, where it has one, the column).
  using Fail = std::function<void(int line_no, const std::string& problem)>;

  explicit ConditionBlocks(Fail fail) : m_fail(std::move(fail)) {}

  // Take line `line_no` (its text, surrounding blanks allowed): return true
  // when it is a kbench-if or kbench-endif directive, which opens or closes a
  // block; malformed or misplaced directives go to Fail.
  bool take(std::string_view line, int line_no);

  // Return the constraint of the open block; nullopt outside blocks.
  const std::optional<VersionConstraint>& when() const { return m_when; }

  // Report a block still open at the end of the file (to Fail).
  void finish() const;

private:
  Fail m_fail;
  std::optional<VersionConstraint> m_when;
  int m_block_line = 0;
};

} // namespace kbench::source
