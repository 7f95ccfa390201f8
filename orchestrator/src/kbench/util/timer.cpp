#include <kbench/util/timer.hpp>

#include <fmt/format.h>

#include <cmath>

namespace kbench::util {

double PhaseTimes::seconds(const std::string& name) const {
  for (const auto& [phase, secs] : m_phases) {
    if (phase == name) {
      return secs;
    }
  }
  return 0.0;
}

std::string format_duration(double seconds) {
  if (seconds < 60.0) {
    return fmt::format("{:.1f}s", seconds);
  }
  const auto total = std::lround(seconds);
  return fmt::format("{}m{:02d}s", total / 60, total % 60);
}

} // namespace kbench::util
