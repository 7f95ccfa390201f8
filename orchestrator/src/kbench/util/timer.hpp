// Phase timings on the steady clock (mold-style self-profiling for --perf).
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace kbench::util {

// An ordered list of named phase durations.
class PhaseTimes {
public:
  // Record that phase `name` took `seconds`.
  void add(std::string name, double seconds) { m_phases.emplace_back(std::move(name), seconds); }

  // Return the recorded phases, in order.
  const std::vector<std::pair<std::string, double>>& phases() const { return m_phases; }

  // Return the duration of the first phase called `name`, or 0.
  double seconds(const std::string& name) const;

private:
  std::vector<std::pair<std::string, double>> m_phases;
};

// Measures its own lifetime and records it as a phase on destruction.
class ScopedPhase {
public:
  ScopedPhase(PhaseTimes& times, std::string name)
    : m_times(times), m_name(std::move(name)), m_start(std::chrono::steady_clock::now()) {}
  ~ScopedPhase() { m_times.add(m_name, elapsed()); }
  ScopedPhase(const ScopedPhase&) = delete;
  ScopedPhase& operator=(const ScopedPhase&) = delete;

  // Return the seconds elapsed so far.
  double elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
  }

private:
  PhaseTimes& m_times;
  std::string m_name;
  std::chrono::steady_clock::time_point m_start;
};

// Return `seconds` as "1m05s" / "9.3s".
std::string format_duration(double seconds);

} // namespace kbench::util
