#include <kbench/report/format.hpp>
#include <kbench/report/table.hpp>
#include <kbench/stats/descriptive.hpp>

#include <fmt/format.h>

#include <sstream>

namespace kbench::report {

namespace {

// Column widths; their sum plus separators stays within k_text_width.
constexpr std::size_t k_metric_w = 10;
constexpr std::size_t k_value_w = 11;
constexpr std::size_t k_cov_w = 6;
constexpr std::size_t k_change_w = 10;
constexpr std::size_t k_ratio_w = 9;

// One row's cells.
struct Row {
  std::string metric, a_value, a_cov, change, b_value, b_cov, ratio, verdict;
};

std::string render_row(const Row& r) {
  return pad_right(r.metric, k_metric_w) + pad_left(r.a_value, k_value_w) +
         pad_left(r.a_cov, k_cov_w) + pad_left(r.change, k_change_w) +
         pad_left(r.b_value, k_value_w) + pad_left(r.b_cov, k_cov_w) +
         pad_left(r.ratio, k_ratio_w) + "  " + r.verdict + "\n";
}

// The mean of the per-boot values and their CoV, from the stats library.
std::pair<std::string, std::string> side_cells(const stats::Summary& s,
                                               const std::vector<double>& per_boot) {
  if (s.n == 0) {
    return { "n/a", "" };
  }
  return { format_duration(stats::mean(per_boot)),
           format_cov(stats::coefficient_of_variation(per_boot)) };
}

Row make_row(const MetricResult& m, bool max) {
  const auto& c = m.comparison;
  const auto& j = max ? c.max : c.mean;
  const auto [a_value, a_cov] =
    side_cells(c.baseline, max ? c.baseline.boot_max : c.baseline.boot_mean);
  const auto [b_value, b_cov] =
    side_cells(c.patched, max ? c.patched.boot_max : c.patched.boot_mean);
  const bool data = c.baseline.n > 0 && c.patched.n > 0;
  return { m.spec->short_name + (max ? " max" : " mean"),
           a_value,
           a_cov,
           data ? format_change(j.change.point) : "n/a",
           b_value,
           b_cov,
           data ? format_ratio(j.ratio.point) : "n/a",
           std::string(stats::verdict_name(j.verdict)) };
}

std::string detail_line(const MetricResult& m, bool max) {
  const auto& j = max ? m.comparison.max : m.comparison.mean;
  const std::string name = m.spec->short_name + (max ? " max" : " mean");
  if (m.comparison.baseline.n == 0 || m.comparison.patched.n == 0) {
    return fmt::format("{:<10} n/a (a side has no samples)\n", name);
  }
  const std::string change =
    fmt::format("{:<10} {} [{}, {}]", name, format_change(j.change.point),
                format_change(j.change.ci.low), format_change(j.change.ci.high));
  const std::string rest = fmt::format("ratio {} [{}, {}]  p {}", format_ratio(j.ratio.point),
                                       format_ratio(j.ratio.ci.low), format_ratio(j.ratio.ci.high),
                                       format_p(j.test.p_value));
  if (display_width(change) + 2 + display_width(rest) <= k_text_width) {
    return change + "  " + rest + "\n";
  }
  return change + "\n" + std::string(k_metric_w + 1, ' ') + rest + "\n";
}

// Return `text` wrapped to k_text_width columns: the first line starts with
// `first`, continuation lines with `next`.
std::string wrap(const std::string& text, const std::string& first, const std::string& next) {
  std::istringstream words(text);
  std::string out;
  std::string line = first;
  bool empty = true;
  std::string word;
  while (words >> word) {
    if (!empty && display_width(line) + 1 + display_width(word) > k_text_width) {
      out += line + "\n";
      line = next;
      empty = true;
    }
    line += (empty ? "" : " ") + word;
    empty = false;
  }
  return out + line + "\n";
}

} // namespace

std::string render_text_table(const Analysis& analysis) {
  const auto& a = analysis.sides.a;
  const auto& b = analysis.sides.b;
  std::string out =
    render_row({ "metric", a.label, "±%sd", "%change", b.label, "±%sd", "ratio", "verdict" });
  out += render_row({ std::string(k_metric_w - 1, '-'), std::string(k_value_w - 1, '-'),
                      std::string(k_cov_w - 1, '-'), std::string(k_change_w - 1, '-'),
                      std::string(k_value_w - 1, '-'), std::string(k_cov_w - 1, '-'),
                      std::string(k_ratio_w - 1, '-'), std::string(12, '-') });
  for (const auto& m : analysis.metrics) {
    out += render_row(make_row(m, false));
    out += render_row(make_row(m, true));
  }
  out += std::string(k_table_legend) + "\n";
  out += fmt::format("OK boots: {} {} of {}, {} {} of {}; alpha {}, noise ±{}%\n", a.label,
                     ok_boot_count(a), side_runs(a).size(), b.label, ok_boot_count(b),
                     side_runs(b).size(), analysis.settings.alpha, 100.0 * analysis.settings.noise);
  out += fmt::format("\n%change [{0:.0f}% CI], ratio A/B [{0:.0f}% CI] ({1} bootstrap resamples), "
                     "U test p:\n",
                     100.0 * analysis.settings.bootstrap.confidence,
                     analysis.settings.bootstrap.resamples);
  for (const auto& m : analysis.metrics) {
    out += detail_line(m, false);
    out += detail_line(m, true);
  }
  return out;
}

std::string render_text_warnings(const Analysis& analysis) {
  if (analysis.warnings.empty()) {
    return "warnings: none\n";
  }
  std::string out = "warnings:\n";
  for (const auto& w : analysis.warnings) {
    out += wrap(w.kind + ": " + w.text, "  ", "    ");
  }
  return out;
}

} // namespace kbench::report
