#include <kbench/report/format.hpp>
#include <kbench/report/sweep_table.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace kbench::report {

namespace {

using Row = std::vector<std::string>;

const Row& header() {
  static const Row row{ "VMAs",      "real VMAs",     "metric",       "baseline max", "patched max",
                        "max ratio", "baseline mean", "patched mean", "mean ratio",   "OK boots" };
  return row;
}

// The column whose cells are left-aligned (text); every other one is a number.
constexpr std::size_t k_text_column = 2;

std::string real_vmas(const PointSummary& p) {
  const auto real = p.baseline.vmas_real != 0 ? p.baseline.vmas_real : p.patched.vmas_real;
  return real == 0 ? "n/a" : std::to_string(real);
}

Row metric_row(const PointSummary& p, const SweepSummary& summary, std::size_t m) {
  const auto& a = p.baseline.metrics[m];
  const auto& b = p.patched.metrics[m];
  const bool both = a.n > 0 && b.n > 0;
  return { std::to_string(p.vmas),
           real_vmas(p),
           summary.metrics[m]->short_name,
           format_duration(a.max_ns, a.n > 0),
           format_duration(b.max_ns, b.n > 0),
           both ? format_ratio(p.ratios[m].max.point) : "n/a",
           format_duration(a.mean_ns, a.n > 0),
           format_duration(b.mean_ns, b.n > 0),
           both ? format_ratio(p.ratios[m].mean.point) : "n/a",
           fmt::format("{}+{}", p.baseline.ok_boots, p.patched.ok_boots) };
}

std::vector<std::size_t> widths_of(const std::vector<Row>& rows) {
  std::vector<std::size_t> widths(header().size(), 3);
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      widths[c] = std::max(widths[c], display_width(row[c]));
    }
  }
  return widths;
}

std::string render_row(const Row& row, const std::vector<std::size_t>& widths) {
  std::string line = "|";
  for (std::size_t c = 0; c < row.size(); ++c) {
    const bool text = c == k_text_column;
    line += " " + (text ? pad_right(row[c], widths[c]) : pad_left(row[c], widths[c])) + " |";
  }
  return line + "\n";
}

std::string alignment_row(const std::vector<std::size_t>& widths) {
  std::string line = "|";
  for (std::size_t c = 0; c < widths.size(); ++c) {
    line += c == k_text_column ? " :" + std::string(widths[c] - 1, '-') + " |"
                               : " " + std::string(widths[c] - 1, '-') + ": |";
  }
  return line + "\n";
}

std::string warning_lines(const SweepSummary& summary) {
  std::string out;
  for (const auto& p : summary.points) {
    if (!p.warnings.empty()) {
      out += fmt::format("{} VMAs: {} warning(s), see {}/report.txt; first: {}\n", p.vmas,
                         p.warnings.size(), p.dir, p.warnings.front());
    }
  }
  return out;
}

} // namespace

std::string render_sweep_table(const SweepSummary& summary) {
  std::vector<Row> rows{ header() };
  for (const auto& p : summary.points) {
    for (std::size_t m = 0; m < summary.metrics.size(); ++m) {
      rows.push_back(metric_row(p, summary, m));
    }
  }
  const auto widths = widths_of(rows);
  std::string out = render_row(rows.front(), widths) + alignment_row(widths);
  for (std::size_t r = 1; r < rows.size(); ++r) {
    out += render_row(rows[r], widths);
  }
  return out + "\n" + k_sweep_legend + "\n" + warning_lines(summary);
}

std::string render_sweep_markdown(const bench::Sweep& sweep, const SweepSummary& summary) {
  const auto& e = sweep.base;
  std::string out = "# kbench sweep: rmap walk and anon_vma lock hold against the VMA count\n\n";
  out += fmt::format("- scenario: {} (dup_pages {}, walks {}, trigger {}, boots {} per variant "
                     "and point), accelerator: {}, timing: {}\n",
                     e.scenario, e.dup_pages, e.walks, e.trigger, e.boots,
                     sweep.accelerator.empty() ? "n/a" : sweep.accelerator,
                     sweep.timing.empty() ? "n/a" : sweep.timing);
  out += fmt::format("- complete: {}; reproduce: `{}`\n\n", sweep.complete ? "yes" : "no",
                     sweep.reproducer);
  out += render_sweep_table(summary);
  out += "\n![walk duration and lock hold against the VMA count](sweep.svg)\n\n";
  out += "Per point reports (statistics, plots, every boot):\n\n";
  for (const auto& p : summary.points) {
    out += fmt::format("- {} VMAs: [{}/report.md]({}/report.md)\n", p.vmas, p.dir, p.dir);
  }
  return out;
}

} // namespace kbench::report
