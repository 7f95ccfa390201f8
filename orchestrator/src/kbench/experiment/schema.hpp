// The experiment file's schema: every key, its type, and how one YAML layer
// (a file, an embedded overlay or the command line) is applied onto an
// Experiment, overriding only the keys it sets.
#pragma once

#include <kbench/experiment/diagnostic.hpp>
#include <kbench/experiment/experiment.hpp>

#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace kbench::experiment {

// Prefix of paths relative to kbench's data directory (patches/, kernel-configs/).
inline constexpr std::string_view k_data_prefix = "@data/";

// The metrics `statistics.regression_thresholds` may name (report/metrics.hpp short names).
const std::vector<std::string>& threshold_metrics();

// Return every leaf key of the schema, dotted ("workload.vmas"), in schema order.
std::vector<std::string> schema_keys();

// The result of applying layers: problems found and keys whose value was rejected.
struct LayerReport {
  Diagnostics diagnostics;
  std::set<std::string> rejected; // dotted keys left at their previous value
};

// Apply the YAML `text` named `file` onto `experiment`: only the keys it sets change; relative
// paths are resolved against `base_dir` (kept as written when `base_dir` is empty). Every
// syntax, unknown-key and type problem is appended to `report`.
void apply_yaml(std::string_view text, const std::string& file,
                const std::filesystem::path& base_dir, Experiment& experiment, LayerReport& report);

// One command-line override of an experiment key.
struct Override {
  std::string key;                 // dotted key, e.g. "workload.vmas"
  std::vector<std::string> values; // one value, or the items of a list key
  std::string flag;                // the flag that set it ("--vmas"), for messages
};

// Apply `overrides` onto `experiment`; relative paths are resolved against the current directory.
void apply_overrides(const std::vector<Override>& overrides, Experiment& experiment,
                     LayerReport& report);

} // namespace kbench::experiment
