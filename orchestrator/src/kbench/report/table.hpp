// The lkp/mmtests-style fixed-width statistics table: one row per metric and
// judgement (per-boot mean, per-boot max), at most 80 columns, so that it can
// be pasted into a cover letter.
#pragma once

#include <kbench/report/analysis.hpp>

#include <string>

namespace kbench::report {

// The widest line render_text_table() may produce.
inline constexpr std::size_t k_text_width = 80;

// The one-line legend printed under the table.
inline constexpr const char* k_table_legend =
  "value: per-boot mean or max averaged over boots ±CoV; %change (B-A)/A; ratio A/B";

// Return the table: a header, a rule, 2 rows per metric (mean, max) with
// value ±%stddev per side, %change, ratio and verdict, then the legend, a
// line with the boot counts and settings, and the interval/p-value details.
std::string render_text_table(const Analysis& analysis);

// Return the warnings as "warnings:" followed by one "  kind: text" line each
// (wrapped at 80 columns), or "warnings: none\n".
std::string render_text_warnings(const Analysis& analysis);

} // namespace kbench::report
