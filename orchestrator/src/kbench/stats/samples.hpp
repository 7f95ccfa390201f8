// The two-level sample model of kbench's A/B statistics: a metric of one
// variant is a Series of boots (iterations), each boot holding every sample the
// guest measured during that boot (e.g. every rmap walk duration in ns).
// Keeping the boot level matters: boot-to-boot variation is usually larger than
// the variation within a boot, so resampling and tests work on boots.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kbench::stats {

// Which way a metric improves; all three seed metrics are lower-is-better.
enum class Direction { lower_is_better, higher_is_better };

// Every sample one boot produced for one metric, in the order they were taken.
struct BootSamples {
  std::vector<double> values; // finite values in the metric's unit (e.g. ns)
};

// Every boot of one variant (baseline or patched) for one metric.
struct Series {
  std::vector<BootSamples> boots; // one entry per boot; a boot may be empty
};

// The identity of a metric: a stable machine name, its unit and its direction.
struct Metric {
  std::string name;    // machine-readable id, e.g. "walk_duration"
  std::string unit;    // unit of the samples, e.g. "ns"
  Direction direction; // lower_is_better for durations
};

// Return "lower_is_better" or "higher_is_better".
std::string_view direction_name(Direction direction);

// Return the metric "walk_duration" (ns per rmap_walk_ksm call, lower is better).
Metric walk_duration_metric();

// Return the metric "lock_hold" (ns per anon_vma read-lock hold, lower is better).
Metric lock_hold_metric();

// Return the metric "victim_stall" (ns a victim thread waited, lower is better).
Metric victim_stall_metric();

} // namespace kbench::stats
