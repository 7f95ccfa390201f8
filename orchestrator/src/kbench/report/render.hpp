// Every report of a run, rendered from results.json alone: report.txt (what
// the terminal shows), report.md, junit.xml and the plots. Rendering is
// deterministic, so `kbench report` reproduces the first rendering byte for byte.
#pragma once

#include <kbench/bench/results.hpp>
#include <kbench/report/analysis.hpp>
#include <kbench/stats/compare.hpp>
#include <kbench/util/process.hpp>

#include <filesystem>
#include <string>

namespace kbench::report {

// Return the statistics settings recorded in `results` (the experiment's statistics.alpha and
// statistics.noise, docs/experiment-file.md), else the defaults.
stats::CompareSettings recorded_settings(const bench::Results& results);

// Write report.txt (header, seed blocks, the 80-column table, legend, warnings), report.md,
// junit.xml, plots/*.svg and plots/*.png into `dir`, judged with recorded_settings(results);
// deterministic: the same results give the same bytes.
void render_all(const bench::Results& results, const std::filesystem::path& dir,
                util::ProcessRunner& runner);

// Return the 80-column statistics table with legend and warnings (what `kbench ab` prints after the
// seed blocks).
std::string render_table(const bench::Results& results,
                         const stats::CompareSettings& settings = {});

// Return report.txt of `analysis`: seed blocks, a blank line, the table, a blank line, the
// warnings.
std::string render_text(const Analysis& analysis);

// Write every report of `analysis` into `dir` (created if needed): report.txt,
// report.md and junit.xml first, then the plots (plots/*.gp, *.svg, *.png);
// throws kbench::Error(infra) when gnuplot fails, after the text reports exist.
void render_all(const Analysis& analysis, const std::filesystem::path& dir,
                util::ProcessRunner& runner);

} // namespace kbench::report
