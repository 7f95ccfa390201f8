#include <kbench/vm/phase_tracker.hpp>

#include <fmt/format.h>

namespace kbench::vm {

namespace {

using std::chrono::milliseconds;

milliseconds between(PhaseTracker::Clock::time_point from, PhaseTracker::Clock::time_point to) {
  return std::chrono::duration_cast<milliseconds>(to - from);
}

bool ran_out(milliseconds limit, PhaseTracker::Clock::time_point since,
             PhaseTracker::Clock::time_point now) {
  return limit.count() > 0 && now - since >= limit;
}

std::string format_duration(milliseconds duration) {
  if (duration.count() % 1000 == 0) {
    return fmt::format("{} s", duration.count() / 1000);
  }
  return fmt::format("{:.1f} s", static_cast<double>(duration.count()) / 1000.0);
}

} // namespace

std::string_view to_string(Phase phase) {
  switch (phase) {
    case Phase::boot:
      return "boot";
    case Phase::run:
      return "run";
    case Phase::shutdown:
      return "shutdown";
    case Phase::exited:
      return "exited";
  }
  return "unknown";
}

std::string describe(const Expiry& expiry) {
  if (expiry.overall) {
    return fmt::format("overall deadline of {} ran out in the {} phase",
                       format_duration(expiry.limit), to_string(expiry.phase));
  }
  return fmt::format("{} phase exceeded its {} deadline", to_string(expiry.phase),
                     format_duration(expiry.limit));
}

PhaseTracker::PhaseTracker(const Deadlines& deadlines, Clock::time_point start)
  : m_deadlines(deadlines), m_start(start) {}

void PhaseTracker::init_started(Clock::time_point when) {
  if (!m_init) {
    m_init = when;
  }
}

void PhaseTracker::results_complete(Clock::time_point when) {
  init_started(when);
  if (!m_complete) {
    m_complete = when;
  }
}

void PhaseTracker::exited(Clock::time_point when) {
  if (!m_exit) {
    m_exit = when;
  }
}

Phase PhaseTracker::phase() const noexcept {
  if (m_exit) {
    return Phase::exited;
  }
  if (m_complete) {
    return Phase::shutdown;
  }
  return m_init ? Phase::run : Phase::boot;
}

std::optional<Expiry> PhaseTracker::expired(Clock::time_point now) const {
  const Phase current = phase();
  if (current == Phase::exited) {
    return std::nullopt;
  }
  const auto [limit, since] = [&]() -> std::pair<milliseconds, Clock::time_point> {
    switch (current) {
      case Phase::boot:
        return { m_deadlines.boot, m_start };
      case Phase::run:
        return { m_deadlines.run, *m_init };
      default:
        return { m_deadlines.shutdown, *m_complete };
    }
  }();
  if (ran_out(limit, since, now)) {
    return Expiry{ current, false, limit };
  }
  if (ran_out(m_deadlines.overall, m_start, now)) {
    return Expiry{ current, true, m_deadlines.overall };
  }
  return std::nullopt;
}

PhaseTimings PhaseTracker::timings(Clock::time_point now) const {
  PhaseTimings timings;
  const auto end = m_exit.value_or(now);
  timings.total = between(m_start, end);
  if (m_init) {
    timings.boot_to_init = between(m_start, *m_init);
  }
  if (m_init && m_complete) {
    timings.benchmark = between(*m_init, *m_complete);
  }
  if (m_complete && m_exit) {
    timings.shutdown = between(*m_complete, *m_exit);
  }
  return timings;
}

} // namespace kbench::vm
