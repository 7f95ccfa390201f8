#include <kbench/report/plots.hpp>
#include <kbench/report/sweep_plot.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace kbench::report {

namespace {

constexpr const char* k_color_baseline = "#d95f02"; // orange, as in the ab plots
constexpr const char* k_color_patched = "#1b7e9e";  // blue, as in the ab plots
constexpr double k_min_ms = 1e-6;                   // 1 ns: the floor of the log axis

double to_ms(double ns) {
  return std::max(ns / 1e6, k_min_ms);
}

// Rows "vmas max_ms mean_ms" of one variant and metric, points with samples only.
std::string variant_rows(const SweepSummary& summary, std::size_t metric, bool baseline) {
  std::string rows;
  for (const auto& p : summary.points) {
    const auto& v = (baseline ? p.baseline : p.patched).metrics[metric];
    if (v.n > 0) {
      rows += fmt::format("{} {:.6g} {:.6g}\n", p.vmas, to_ms(v.max_ns), to_ms(v.mean_ns));
    }
  }
  return rows;
}

std::string data_block(const std::string& name, const std::string& rows) {
  return fmt::format("${} << EOD\n{}EOD\n", name, rows);
}

// The plot terms of one variant: its maximum (solid) and mean (dashed).
std::vector<std::string> variant_terms(const std::string& block, const char* label,
                                       const char* color) {
  return { fmt::format("${} using 1:2 with linespoints pt 7 ps 0.9 lw 2 lc rgb '{}' "
                       "title '{} max'",
                       block, color, label),
           fmt::format("${} using 1:3 with linespoints pt 6 ps 0.9 lw 2 dt 2 lc rgb '{}' "
                       "title '{} mean'",
                       block, color, label) };
}

// The slope-1 guide through the baseline's first mean, or "" without one.
std::string guide_term(const SweepSummary& summary, std::size_t metric) {
  for (const auto& p : summary.points) {
    const auto& v = p.baseline.metrics[metric];
    if (v.n > 0) {
      return fmt::format("{:.6g}*x with lines dt 3 lw 1 lc rgb '#777777' "
                         "title 'proportional to VMAs'",
                         to_ms(v.mean_ns) / static_cast<double>(p.vmas));
    }
  }
  return "";
}

std::string panel(const SweepSummary& summary, std::size_t metric, std::string& data) {
  const auto& spec = *summary.metrics[metric];
  std::vector<std::string> terms;
  for (const bool baseline : { true, false }) {
    const std::string block =
      fmt::format("{}_{}", spec.metric.name, baseline ? "baseline" : "patched");
    const std::string rows = variant_rows(summary, metric, baseline);
    data += data_block(block, rows);
    if (!rows.empty()) {
      const auto more = variant_terms(block, baseline ? "baseline" : "patched",
                                      baseline ? k_color_baseline : k_color_patched);
      terms.insert(terms.end(), more.begin(), more.end());
    }
  }
  if (const auto guide = guide_term(summary, metric); !guide.empty()) {
    terms.push_back(guide);
  }
  std::string out = fmt::format("set title '{} ({})'\n", spec.seed_title, spec.description);
  if (terms.empty()) {
    return out + empty_panel();
  }
  return out + "plot " + fmt::format("{}", fmt::join(terms, ", \\\n     ")) + "\n";
}

std::string axes(const SweepSummary& summary) {
  std::vector<std::string> tics;
  for (const auto& p : summary.points) {
    tics.push_back(fmt::format("'{}' {}", p.vmas, p.vmas));
  }
  const double low = summary.points.empty() ? 1 : static_cast<double>(summary.points.front().vmas);
  const double high = summary.points.empty() ? 10 : static_cast<double>(summary.points.back().vmas);
  std::string out = "set logscale x 10\nset logscale y 10\nset format y '%g'\n";
  out += fmt::format("set xrange [{:.6g}:{:.6g}]\n", low / 1.25, high * 1.25);
  out += "set xtics (" + fmt::format("{}", fmt::join(tics, ", ")) + ")\n";
  out += "set xlabel 'VMAs sharing the anon_vma (log scale)'\n";
  out += "set ylabel 'duration (ms, log scale)'\n";
  out += "set grid xtics ytics mytics lc rgb '#dddddd'\nset key top left font ',9'\n";
  return out;
}

} // namespace

PlotScript sweep_plot_script(const SweepSummary& summary) {
  std::string data;
  std::string panels;
  for (std::size_t m = 0; m < summary.metrics.size(); ++m) {
    panels += panel(summary, m, data);
  }
  std::string body = "set multiplot layout 1,2 title 'Maximum (solid) and mean (dashed) against "
                     "the VMA count: baseline and patched'\n";
  body += axes(summary) + panels + "unset multiplot\n";
  std::string script = "# kbench: sweep against the VMA count (re-run: gnuplot sweep.gp)\n" + data;
  const std::vector<std::pair<std::string, std::string>> terminals{
    { "svg", "set terminal svg size 1100,500 dynamic noenhanced font 'sans,10' "
             "background '#ffffff'" },
    { "png", "set terminal pngcairo size 1100,500 noenhanced font 'sans,10' "
             "background '#ffffff'" },
  };
  for (const auto& [ext, terminal] : terminals) {
    script += terminal + "\nset output 'sweep." + ext + "'\n" + body + "unset output\n";
  }
  return { "sweep",
           "Walk duration and lock hold against the VMA count",
           script,
           { "sweep.svg", "sweep.png" } };
}

} // namespace kbench::report
