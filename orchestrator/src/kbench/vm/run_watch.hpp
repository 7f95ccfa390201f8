// Following a boot's output files while the guest runs: the bytes appended to
// a file since the last look, and the results channel's progress.
#pragma once

#include <kbench/vm/phase_tracker.hpp>
#include <kbench/vm/vm_spec.hpp>

#include <filesystem>
#include <ios>
#include <string>

namespace kbench::vm {

// Return the last lines of QEMU's own output `log` on one line (for VmRun::qemu_output_tail).
std::string output_tail(const std::string& log);

// The most bytes kbench reads of a file a guest writes (its console, its
// results channel): a guest that floods them cannot exhaust kbench's memory.
inline constexpr std::size_t k_max_followed_bytes = std::size_t{ 256 } << 20;

// Reads the bytes appended to a file since the previous call, at most
// `max_bytes` in all.
class FileTail {
public:
  // Follow `path` from its beginning (it need not exist yet).
  explicit FileTail(std::filesystem::path path, std::size_t max_bytes = k_max_followed_bytes);

  // Return the bytes appended since the last call ("" when none, unreadable,
  // or past the limit).
  std::string read_new();

  // Return true once the file grew past the limit (the rest was not read).
  bool truncated() const noexcept { return m_truncated; }

private:
  std::filesystem::path m_path;
  std::size_t m_max_bytes;
  std::streamoff m_offset = 0;
  bool m_truncated = false;
};

// Follows the results file: non-empty means init started, the spec's predicate
// decides when it is complete.
class ResultsWatch {
public:
  // Follow the results file `path`, judged complete by `complete`.
  ResultsWatch(std::filesystem::path path, ResultsComplete complete);

  // Read new bytes and advance `tracker`'s phases at `now`.
  void update(PhaseTracker& tracker, PhaseTracker::Clock::time_point now);

  // Return true once the file was non-empty.
  bool started() const noexcept { return !m_bytes.empty(); }

  // Return true once the predicate accepted the bytes.
  bool complete() const noexcept { return m_done; }

private:
  FileTail m_tail;
  ResultsComplete m_complete;
  std::string m_bytes;
  bool m_done = false;
};

} // namespace kbench::vm
