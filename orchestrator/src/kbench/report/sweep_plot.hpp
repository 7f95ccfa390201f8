// The sweep plot: maximum and mean walk duration (left panel) and anon_vma
// lock hold (right panel) against the VMA count, both axes logarithmic,
// baseline and patched as separate lines, with a dotted slope-1 guide
// through the baseline's first mean (what "grows linearly" looks like).
// Drawn by gnuplot from sweep.gp (data inline) into sweep.svg and sweep.png.
#pragma once

#include <kbench/report/plots.hpp>
#include <kbench/report/sweep_summary.hpp>

namespace kbench::report {

// Return the gnuplot script of `summary` (pure; deterministic), named
// "sweep": it writes sweep.svg and sweep.png into its directory.
PlotScript sweep_plot_script(const SweepSummary& summary);

} // namespace kbench::report
