// A live progress line: redrawn in place on a terminal, a plain line every
// `interval` otherwise, so a long phase is never silent.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>

namespace kbench::util {

// One progress line on stderr.
class ProgressLine {
public:
  // `tty` selects in-place redraws; otherwise a line is printed at most once per `interval`.
  ProgressLine(bool tty, std::chrono::seconds interval = std::chrono::seconds(30));
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // Show `text` (throttled when not a terminal).
  void update(std::string_view text);

  // Clear the in-place line (terminal) so ordinary output can follow.
  void clear();

private:
  bool m_tty;
  std::chrono::seconds m_interval;
  std::chrono::steady_clock::time_point m_last{};
  bool m_drawn = false;
};

// Counts kbuild's "  CC      mm/ksm.o"-style lines appended to a build log,
// reading only what is new at each call.
class BuildLogCounter {
public:
  explicit BuildLogCounter(std::filesystem::path log) : m_log(std::move(log)) {}

  // Read what was appended since the last call; return the objects built so far.
  long poll();

  // Return the last step line seen ("CC mm/ksm.o").
  const std::string& last_step() const { return m_last_step; }

private:
  std::filesystem::path m_log;
  std::uintmax_t m_offset = 0;
  std::string m_partial;
  long m_objects = 0;
  std::string m_last_step;
};

// Return true when stderr is a terminal.
bool stderr_is_tty();

} // namespace kbench::util
