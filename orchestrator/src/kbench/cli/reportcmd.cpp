#include <kbench/bench/results.hpp>
#include <kbench/cli/reportcmd.hpp>
#include <kbench/report/render.hpp>
#include <kbench/util/error.hpp>
#include <kbench/util/process.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace kbench::cli {

namespace {

void require_variant(const bench::Results& results, const std::string& variant,
                     const std::filesystem::path& file) {
  const bool found = std::any_of(results.runs.begin(), results.runs.end(),
                                 [&](const bench::RunRecord& r) { return r.variant == variant; });
  if (!found) {
    throw Error(ExitCode::usage,
                fmt::format("{}: no runs of variant \"{}\" (choose baseline or patched)",
                            file.string(), variant));
  }
}

} // namespace

std::filesystem::path results_file(const std::filesystem::path& path) {
  return util::is_directory(path, "results") ? path / "results.json" : path;
}

int run_report(const std::filesystem::path& results, const std::filesystem::path& out_dir) {
  const auto file = results_file(results);
  const bench::Results data = bench::read_results(file);
  const auto dir = out_dir.empty() ? file.parent_path() : out_dir;
  const auto analysis = report::analyze(report::ab_sides(data), report::recorded_settings(data));
  auto runner = util::make_real_process_runner();
  report::render_all(analysis, dir.empty() ? std::filesystem::path(".") : dir, *runner);
  fmt::print("{}", report::render_text(analysis));
  return 0;
}

int run_compare(const std::filesystem::path& a, const std::filesystem::path& b,
                const std::string& variant_a, const std::string& variant_b,
                const std::filesystem::path& out_dir) {
  const auto file_a = results_file(a);
  const auto file_b = results_file(b);
  const bench::Results data_a = bench::read_results(file_a);
  const bench::Results data_b = bench::read_results(file_b);
  const std::string va = variant_a.empty() ? "patched" : variant_a;
  const std::string vb = variant_b.empty() ? "patched" : variant_b;
  require_variant(data_a, va, file_a);
  require_variant(data_b, vb, file_b);
  const auto analysis = report::analyze(
    report::compare_sides(data_a, va, file_a.string(), data_b, vb, file_b.string()));
  if (!out_dir.empty()) {
    auto runner = util::make_real_process_runner();
    report::render_all(analysis, out_dir, *runner);
  }
  fmt::print("{}", report::render_text(analysis));
  return 0;
}

} // namespace kbench::cli
