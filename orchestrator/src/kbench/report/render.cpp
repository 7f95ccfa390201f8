#include <kbench/report/junit.hpp>
#include <kbench/report/markdown.hpp>
#include <kbench/report/plots.hpp>
#include <kbench/report/render.hpp>
#include <kbench/report/seedblock.hpp>
#include <kbench/report/table.hpp>
#include <kbench/util/fs.hpp>

namespace kbench::report {

std::string render_text(const Analysis& analysis) {
  return render_seed_blocks(analysis.sides) + "\n" + render_text_table(analysis) + "\n" +
         render_text_warnings(analysis);
}

void render_all(const Analysis& analysis, const std::filesystem::path& dir,
                util::ProcessRunner& runner) {
  util::create_directories(dir);
  const auto plots = plot_scripts(analysis);
  util::write_file_atomic(dir / "report.txt", render_text(analysis));
  util::write_file_atomic(dir / "report.md", render_markdown(analysis, plots));
  util::write_file_atomic(dir / "junit.xml", render_junit(analysis));
  draw_plots(plots, dir / "plots", runner);
}

stats::CompareSettings recorded_settings(const bench::Results& results) {
  stats::CompareSettings settings;
  const auto& effective = results.provenance.experiment_effective;
  if (effective.is_object() && effective.contains("statistics")) {
    const auto& statistics = effective.at("statistics");
    settings.alpha = statistics.value("alpha", settings.alpha);
    settings.noise = statistics.value("noise", settings.noise);
  }
  return settings;
}

void render_all(const bench::Results& results, const std::filesystem::path& dir,
                util::ProcessRunner& runner) {
  render_all(analyze(ab_sides(results), recorded_settings(results)), dir, runner);
}

std::string render_table(const bench::Results& results, const stats::CompareSettings& settings) {
  const Analysis analysis = analyze(ab_sides(results), settings);
  return render_text_table(analysis) + "\n" + render_text_warnings(analysis);
}

} // namespace kbench::report
