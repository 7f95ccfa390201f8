#include <kbench/report/metrics.hpp>
#include <kbench/report/plots.hpp>
#include <kbench/stats/descriptive.hpp>
#include <kbench/util/error.hpp>
#include <kbench/util/fs.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>

namespace kbench::report {

std::string empty_panel() {
  // A constant below a fixed positive range draws nothing, on linear and log axes alike.
  return "set label 99 \"no samples\" at graph 0.5, graph 0.5 center\n"
         "plot [0:1] [1:10] 0.1 notitle\n"
         "unset label 99\n";
}

namespace {

constexpr const char* k_color_a = "#d95f02"; // orange: the reference side
constexpr const char* k_color_b = "#1b7e9e"; // blue: the compared side
constexpr double k_min_ms = 1e-6;            // 1 ns: the floor of the log axis

// The two terminals every plot is drawn with.
const std::vector<std::pair<std::string, std::string>>& terminals() {
  static const std::vector<std::pair<std::string, std::string>> list{
    { "svg",
      "set terminal svg size 800,500 dynamic noenhanced font 'sans,10' background '#ffffff'" },
    { "png", "set terminal pngcairo size 800,500 noenhanced font 'sans,10' background '#ffffff'" },
  };
  return list;
}

// Return `text` as a double-quoted gnuplot string (printable ASCII only).
std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += (c >= 0x20 && c < 0x7f) ? c : '?';
    }
  }
  return out + "\"";
}

double to_ms(double ns) {
  return std::max(ns / 1e6, k_min_ms);
}

// Return evenly spaced order statistics of sorted `values` (all when few).
std::vector<double> thinned(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  if (values.size() <= k_max_strip_points) {
    return values;
  }
  std::vector<double> out;
  const double step = static_cast<double>(values.size() - 1) / (k_max_strip_points - 1);
  for (std::size_t k = 0; k < k_max_strip_points; ++k) {
    out.push_back(values[static_cast<std::size_t>(std::llround(static_cast<double>(k) * step))]);
  }
  return out;
}

// A data block: "$name << EOD" ... "EOD".
std::string data_block(const std::string& name, const std::string& rows) {
  return fmt::format("${} << EOD\n{}EOD\n", name, rows);
}

// The strip and box of one side and metric at x position `x`.
struct Column {
  double x = 0;
  std::string strip; // rows "x ms"
  std::string box;   // row "x min q1 median q3 max" (ms), empty without samples
};

Column make_column(const Side& side, const MetricSpec& spec, double x) {
  std::vector<double> ms;
  for (const auto v : pooled_samples(side, spec)) {
    ms.push_back(to_ms(static_cast<double>(v)));
  }
  Column col{ x, "", "" };
  if (ms.empty()) {
    return col;
  }
  const auto points = thinned(ms);
  for (std::size_t i = 0; i < points.size(); ++i) {
    // Deterministic jitter: the golden-ratio sequence spreads points evenly.
    const double phase = std::fmod(static_cast<double>(i) * 0.6180339887498949, 1.0);
    col.strip += fmt::format("{:.4f} {:.6g}\n", x + 0.32 * (phase - 0.5), points[i]);
  }
  std::sort(ms.begin(), ms.end());
  col.box = fmt::format("{} {:.6g} {:.6g} {:.6g} {:.6g} {:.6g}\n", x, ms.front(),
                        stats::quantile_sorted(ms, 0.25), stats::quantile_sorted(ms, 0.5),
                        stats::quantile_sorted(ms, 0.75), ms.back());
  return col;
}

// Return the plot command: every strip first, then the boxes and medians on
// top of them; the first strip of each side names the side in the key.
std::string distribution_plot_commands(const std::vector<Column>& cols, const Sides& sides) {
  std::vector<std::string> strips;
  std::vector<std::string> boxes;
  bool titled[2] = { false, false };
  for (std::size_t i = 0; i < cols.size(); ++i) {
    if (cols[i].box.empty()) {
      continue;
    }
    const std::size_t side = i % 2;
    const char* color = side == 0 ? k_color_a : k_color_b;
    const std::string title =
      titled[side] ? "notitle" : "title " + quoted(side == 0 ? sides.a.label : sides.b.label);
    titled[side] = true;
    // "#AARRGGBB": alpha 0x99 lets the dense strips show through each other.
    strips.push_back(fmt::format("$strip{} using 1:2 with points pt 7 ps 0.35 lc rgb '#99{}' {}", i,
                                 color + 1, title));
    boxes.push_back(fmt::format("$box{} using 1:3:2:6:5 with candlesticks whiskerbars 0.5 "
                                "lc rgb '{}' lw 1.5 notitle",
                                i, color));
    boxes.push_back(fmt::format("$box{} using 1:4:4:4:4 with candlesticks lc rgb '#222222' lw 3 "
                                "notitle",
                                i));
  }
  strips.insert(strips.end(), boxes.begin(), boxes.end());
  return "plot " + fmt::format("{}", fmt::join(strips, ", \\\n     ")) + "\n";
}

// Return the distribution plot, or nullopt when no side has a sample to draw.
std::optional<PlotScript> distribution_plot(const Analysis& analysis) {
  const Sides& sides = analysis.sides;
  std::vector<Column> cols;
  std::string data;
  std::vector<std::string> tics;
  for (std::size_t m = 0; m < analysis.metrics.size(); ++m) {
    const auto& spec = *analysis.metrics[m].spec;
    for (const Side* side : { &sides.a, &sides.b }) {
      const double x = static_cast<double>(cols.size()) + static_cast<double>(m) * 0.5;
      cols.push_back(make_column(*side, spec, x));
      const std::size_t i = cols.size() - 1;
      data += data_block(fmt::format("strip{}", i), cols[i].strip);
      data += data_block(fmt::format("box{}", i), cols[i].box);
      tics.push_back(fmt::format("{} {}",
                                 quoted(side->label + "\n" + spec.short_name +
                                        (cols[i].box.empty() ? "\n(no samples)" : "")),
                                 x));
    }
  }
  if (std::all_of(cols.begin(), cols.end(), [](const Column& c) { return c.box.empty(); })) {
    return std::nullopt; // gnuplot refuses a plot without a point
  }
  std::string body;
  body += "set title 'Every sample of the OK boots (box: quartiles, black bar: median, whiskers: "
          "min to max)'\n";
  body += "set bmargin 4\n";
  body += "set logscale y 10\nset format y '%g'\nset ylabel 'duration (ms, log scale)'\n";
  body += fmt::format("set xrange [-0.7:{}]\n", cols.empty() ? 1.0 : cols.back().x + 0.7);
  body += "set yrange [*:*]\nset grid ytics mytics lc rgb '#dddddd'\nset boxwidth 0.45\n";
  body += "set xtics scale 0 (" + fmt::format("{}", fmt::join(tics, ", ")) + ")\n";
  body += "set key top right opaque\nset style fill transparent solid 0.3 border\n";
  body += distribution_plot_commands(cols, sides);
  std::string script =
    "# kbench: distribution of the samples per side (re-run: gnuplot distribution.gp)\n";
  script += data;
  for (const auto& [ext, terminal] : terminals()) {
    script += terminal + "\nset output 'distribution." + ext + "'\n" + body + "unset output\n";
  }
  return PlotScript{ "distribution",
                     "Distribution of every walk duration, lock hold and victim stall",
                     script,
                     { "distribution.svg", "distribution.png" } };
}

// Rows "boot max_ms mean_ms" of one side and metric, one per OK boot with samples.
std::string per_boot_rows(const Side& side, const MetricSpec& spec) {
  std::string rows;
  for (const auto* run : bench::ok_runs(*side.results, side.variant)) {
    const auto& raw = run->*spec.samples;
    if (raw.empty()) {
      continue;
    }
    std::vector<double> values;
    for (const auto v : raw) {
      values.push_back(static_cast<double>(v));
    }
    rows += fmt::format("{} {:.6g} {:.6g}\n", run->boot,
                        to_ms(*std::max_element(values.begin(), values.end())),
                        to_ms(stats::mean(values)));
  }
  return rows;
}

// Return the panel of metric `metric` (its data appended to `data`); `has_samples` tells whether
// an OK boot of either side has a sample of it (else the panel says "no samples").
std::string per_boot_panel(const Analysis& analysis, std::size_t metric, std::string& data,
                           bool& has_samples) {
  const auto& spec = *analysis.metrics[metric].spec;
  std::vector<std::string> parts;
  const std::vector<std::pair<const Side*, const char*>> sides{ { &analysis.sides.a, k_color_a },
                                                                { &analysis.sides.b, k_color_b } };
  for (std::size_t s = 0; s < sides.size(); ++s) {
    const std::string name = fmt::format("boots{}_{}", metric, s);
    const std::string rows = per_boot_rows(*sides[s].first, spec);
    data += data_block(name, rows);
    if (rows.empty()) {
      continue;
    }
    parts.push_back(fmt::format("${} using 1:2 with linespoints pt 7 ps 0.8 lw 1.5 lc rgb '{}' "
                                "title {}",
                                name, sides[s].second, quoted(sides[s].first->label + " max")));
    parts.push_back(fmt::format("${} using 1:3 with linespoints pt 6 ps 0.8 lw 1.5 dt 2 "
                                "lc rgb '{}' title {}",
                                name, sides[s].second, quoted(sides[s].first->label + " mean")));
  }
  const std::string title =
    "set title " + quoted(spec.seed_title + " (" + spec.metric.name + ")") + "\n";
  has_samples = !parts.empty();
  if (parts.empty()) {
    return title + empty_panel(); // gnuplot refuses a plot without a point
  }
  return title + "plot " + fmt::format("{}", fmt::join(parts, ", \\\n     ")) + "\n";
}

// Return the per-boot plot with a panel per metric (walks and lock holds), or nullopt when no
// metric has a sample.
std::optional<PlotScript> per_boot_plot(const Analysis& analysis) {
  std::string data;
  std::string panels;
  std::size_t panel_count = 0;
  bool any_samples = false;
  for (std::size_t m = 0; m < analysis.metrics.size() && m < 2; ++m) {
    bool has_samples = false;
    panels += per_boot_panel(analysis, m, data, has_samples);
    any_samples = any_samples || has_samples;
    ++panel_count;
  }
  if (!any_samples) {
    return std::nullopt;
  }
  std::string body = fmt::format("set multiplot layout 1,{} title "
                                 "'Each OK boot (x: boot index): its maximum (solid) and mean "
                                 "(dashed)'\n",
                                 panel_count);
  body += "set logscale y 10\nset format y '%g'\nset ylabel 'duration (ms, log scale)'\n";
  int last_boot = 0;
  for (const Side* side : { &analysis.sides.a, &analysis.sides.b }) {
    for (const auto* run : side_runs(*side)) {
      last_boot = std::max(last_boot, run->boot);
    }
  }
  body += fmt::format("set xtics 1\nset xrange [-0.5:{}.5]\n", last_boot);
  body += "set grid ytics mytics lc rgb '#dddddd'\nset key below horizontal font ',9'\n";
  body += panels + "unset multiplot\n";
  std::string script =
    "# kbench: per-boot maximum and mean per side (re-run: gnuplot per-boot.gp)\n";
  script += data;
  for (const auto& [ext, terminal] : terminals()) {
    script += terminal + "\nset output 'per-boot." + ext + "'\n" + body + "unset output\n";
  }
  return PlotScript{ "per-boot",
                     "Per-boot maximum and mean of walk durations and lock holds",
                     script,
                     { "per-boot.svg", "per-boot.png" } };
}

} // namespace

std::vector<PlotScript> plot_scripts(const Analysis& analysis) {
  std::vector<PlotScript> scripts;
  for (auto plot : { distribution_plot(analysis), per_boot_plot(analysis) }) {
    if (plot) {
      scripts.push_back(*std::move(plot));
    }
  }
  return scripts;
}

void draw_plots(const std::vector<PlotScript>& scripts, const std::filesystem::path& dir,
                util::ProcessRunner& runner) {
  util::create_directories(dir);
  for (const auto& plot : scripts) {
    const std::string file = plot.name + ".gp";
    util::write_file_atomic(dir / file, plot.script);
    util::Command command;
    command.argv = { "gnuplot", file };
    command.cwd = dir;
    command.timeout = std::chrono::seconds(120);
    util::CommandResult result;
    try {
      result = runner.run(command);
    } catch (const Interrupted&) {
      throw;
    } catch (const Error& e) {
      throw Error(ExitCode::infra, fmt::format("plots: cannot run gnuplot on {}: {} (install "
                                               "gnuplot-nox)",
                                               (dir / file).string(), e.what()));
    }
    if (!result.ok()) {
      throw Error(ExitCode::infra,
                  fmt::format("plots: gnuplot {} failed ({}): {}", (dir / file).string(),
                              util::describe_result(result), util::tail_lines(result.output, 10)));
    }
  }
}

} // namespace kbench::report
