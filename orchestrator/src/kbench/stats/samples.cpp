#include <kbench/stats/samples.hpp>

namespace kbench::stats {

std::string_view direction_name(Direction direction) {
  return direction == Direction::lower_is_better ? "lower_is_better" : "higher_is_better";
}

Metric walk_duration_metric() {
  return { "walk_duration", "ns", Direction::lower_is_better };
}

Metric lock_hold_metric() {
  return { "lock_hold", "ns", Direction::lower_is_better };
}

Metric victim_stall_metric() {
  return { "victim_stall", "ns", Direction::lower_is_better };
}

} // namespace kbench::stats
