// The sweep table: one markdown row per VMA count and metric with the
// baseline and patched maximum and mean and their ratios, padded so that it
// reads as well in a terminal as in a rendered markdown file (sweep.md).
#pragma once

#include <kbench/report/sweep_summary.hpp>

#include <string>

namespace kbench::report {

// The legend printed under the sweep table.
inline constexpr const char* k_sweep_legend =
  "max: largest sample of the OK boots; mean: mean of all their samples; "
  "ratio: baseline/patched (> 1: patched is faster); OK boots: baseline+patched";

// Return the markdown table of `summary`: a header, the alignment row, two
// rows (walk, lock) per point in ascending VMA order, then the legend and one
// line per point that has warnings.
std::string render_sweep_table(const SweepSummary& summary);

// Return sweep.md: a title, the experiment line, the table, the plot and
// links to every point's own report.
std::string render_sweep_markdown(const bench::Sweep& sweep, const SweepSummary& summary);

} // namespace kbench::report
