// The phases of one boot, their timings and their deadlines (steady clock).
#pragma once

#include <kbench/vm/vm_spec.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace kbench::vm {

// Where a boot is: each phase ends with the event that starts the next.
enum class Phase {
  boot,     // QEMU started, init has not written to the results channel yet
  run,      // init started, the results are not complete yet
  shutdown, // results complete, QEMU has not exited yet
  exited,   // QEMU exited
};

// Return the phase's name ("boot", "run", "shutdown", "exited").
std::string_view to_string(Phase phase);

// How long each phase took; a phase that never ended has no value.
struct PhaseTimings {
  std::optional<std::chrono::milliseconds> boot_to_init; // QEMU start -> init started
  std::optional<std::chrono::milliseconds> benchmark;    // init started -> results complete
  std::optional<std::chrono::milliseconds> shutdown;     // results complete -> QEMU exited
  std::chrono::milliseconds total{ 0 };                  // QEMU start -> exit (or now)
};

// A deadline that ran out.
struct Expiry {
  Phase phase;                     // the phase the boot was in
  bool overall = false;            // true when the overall deadline ran out first
  std::chrono::milliseconds limit; // the deadline that ran out
};

// Return e.g. "run phase exceeded its 60 s deadline".
std::string describe(const Expiry& expiry);

// Tracks the phase transitions of one boot and tells when a deadline expired.
class PhaseTracker {
public:
  using Clock = std::chrono::steady_clock;

  // Start tracking a boot whose QEMU started at `start`.
  PhaseTracker(const Deadlines& deadlines, Clock::time_point start);

  // Record that init started (the results file became non-empty).
  void init_started(Clock::time_point when);

  // Record that the results became complete (implies init started).
  void results_complete(Clock::time_point when);

  // Record that QEMU exited.
  void exited(Clock::time_point when);

  // Return the current phase.
  Phase phase() const noexcept;

  // Return the deadline that has expired at `now`, if any (never once exited).
  std::optional<Expiry> expired(Clock::time_point now) const;

  // Return the phase durations as of `now` (the exit time once exited).
  PhaseTimings timings(Clock::time_point now) const;

private:
  Deadlines m_deadlines;
  Clock::time_point m_start;
  std::optional<Clock::time_point> m_init;
  std::optional<Clock::time_point> m_complete;
  std::optional<Clock::time_point> m_exit;
};

} // namespace kbench::vm
