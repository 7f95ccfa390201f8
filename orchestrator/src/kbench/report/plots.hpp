// The plots, drawn by gnuplot from scripts kbench writes: the distribution of
// every sample per side on a log axis (strip plot over a min/quartile/max box)
// and the per-boot maximum and mean per side. Each script carries its data
// inline and writes one SVG and one PNG; the scripts stay next to the images
// so that a user can restyle a plot and rerun gnuplot.
#pragma once

#include <kbench/report/analysis.hpp>
#include <kbench/util/process.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace kbench::report {

// A gnuplot script and the images it writes (relative to its directory).
struct PlotScript {
  std::string name;                // file stem: "distribution", "per-boot"
  std::string title;               // caption for report.md
  std::string script;              // the whole gnuplot script, data included
  std::vector<std::string> images; // "<name>.svg", "<name>.png"
};

// At most this many points per side and metric are drawn in a strip plot;
// larger sets are thinned to evenly spaced order statistics (min and max kept).
inline constexpr std::size_t k_max_strip_points = 2000;

// Return the gnuplot lines of a panel without data: an empty frame that says
// "no samples" (a plot of nothing but undefined points is a gnuplot error).
std::string empty_panel();

// Return the plot scripts of `analysis` (pure; deterministic): only those
// that have something to draw (gnuplot refuses a plot without a point), so a
// side without an OK boot leaves out what it cannot show, a metric without
// samples gets an empty_panel(), and a run without any OK boot has no plot.
std::vector<PlotScript> plot_scripts(const Analysis& analysis);

// Write every script as `dir`/<name>.gp and run `gnuplot <name>.gp` in `dir`
// through `runner` (argv, no shell, 120 s deadline). Throws kbench::Error
// (infra) naming the script and gnuplot's output when gnuplot fails or is missing.
void draw_plots(const std::vector<PlotScript>& scripts, const std::filesystem::path& dir,
                util::ProcessRunner& runner);

} // namespace kbench::report
