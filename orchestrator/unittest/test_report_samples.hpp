// Helpers shared by the report tests: the sample results in testdata/results-json.
#pragma once

#include <kbench/bench/results.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace kbench::test {

// Return the path of testdata/results-json/`name`.
inline std::filesystem::path results_sample_path(const std::string& name) {
  return std::filesystem::path(KBENCH_TESTDATA_DIR) / "results-json" / name;
}

// Return the parsed testdata/results-json/`name`.
inline bench::Results results_sample(const std::string& name) {
  return bench::read_results(results_sample_path(name));
}

// Return the sample files whose accelerators agree (every renderer accepts them).
inline std::vector<std::string> renderable_samples() {
  return { "tiny.json", "quick-ab-3boots.json", "quick-ab-5boots.json", "quick-aa-5boots.json",
           "quick-ab-failures.json" };
}

} // namespace kbench::test
