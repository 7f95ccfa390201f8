#include <kbench/experiment/embedded.hpp>
#include <kbench/experiment/load.hpp>
#include <kbench/experiment/validate.hpp>
#include <kbench/util/fs.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <tuple>

namespace kbench::experiment {

namespace fs = std::filesystem;

namespace {

// An experiment file: YAML a person writes (a real one has a few kB).
constexpr util::InputKind k_experiment_file{ "experiment file", std::uintmax_t{ 1 } << 20,
                                             ExitCode::invalid_config };

void apply_file(const fs::path& file, Experiment& e, LayerReport& report) {
  std::string text;
  try {
    text = util::read_input(file, k_experiment_file);
  } catch (const Error& error) { // one diagnostic among all the others, listed at once
    report.diagnostics.push_back({ { file.string(), 0, 0 }, error.what() });
    return;
  }
  const fs::path dir = util::absolute(file).parent_path();
  apply_yaml(text, file.string(), dir, e, report);
}

// Order `found` by file (in order of first appearance), then line and column.
void sort_by_position(Diagnostics& found) {
  std::vector<std::string> files;
  for (const auto& d : found) {
    if (std::find(files.begin(), files.end(), d.where.file) == files.end()) {
      files.push_back(d.where.file);
    }
  }
  auto key = [&](const Diagnostic& d) {
    const auto index = std::find(files.begin(), files.end(), d.where.file) - files.begin();
    return std::make_tuple(index, d.where.line, d.where.column);
  };
  std::stable_sort(found.begin(), found.end(),
                   [&](const Diagnostic& a, const Diagnostic& b) { return key(a) < key(b); });
}

} // namespace

Experiment collect(const LoadRequest& request, Diagnostics& diagnostics) {
  Experiment e;
  LayerReport report;
  apply_yaml(embedded_default(), k_default_name, {}, e, report);
  for (const auto& file : request.files) {
    apply_file(file, e, report);
  }
  for (const auto& name : request.overlays) {
    apply_yaml(embedded_overlay(name), fmt::format("<embedded {}.yaml>", name), {}, e, report);
  }
  apply_overrides(request.overrides, e, report);
  const Diagnostics semantic = validate(e, request.data_dir, report.rejected);
  Diagnostics found = report.diagnostics;
  found.insert(found.end(), semantic.begin(), semantic.end());
  sort_by_position(found);
  diagnostics.insert(diagnostics.end(), found.begin(), found.end());
  return e;
}

Experiment load(const LoadRequest& request) {
  Diagnostics diagnostics;
  Experiment e = collect(request, diagnostics);
  throw_if_any(diagnostics);
  return e;
}

Experiment default_experiment() {
  Experiment e;
  LayerReport report;
  apply_yaml(embedded_default(), k_default_name, {}, e, report);
  throw_if_any(report.diagnostics);
  return e;
}

} // namespace kbench::experiment
