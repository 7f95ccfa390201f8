// report.md: the seed-format block (unchanged, in a code fence), the
// statistics table in markdown, per-side summaries, warnings, the boots and
// their checks, the environment (kernels, patches, QEMU, host) and the plots.
#pragma once

#include <kbench/report/analysis.hpp>
#include <kbench/report/plots.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace kbench::report {

// Return `text` safe inside a markdown table cell or list item: '|' escaped,
// '<', '>' and '&' as HTML entities (no raw HTML), newlines as spaces.
std::string markdown_cell(std::string_view text);

// Return report.md; `plots` name the images (relative to the report's directory, under plots/).
std::string render_markdown(const Analysis& analysis, const std::vector<PlotScript>& plots);

} // namespace kbench::report
