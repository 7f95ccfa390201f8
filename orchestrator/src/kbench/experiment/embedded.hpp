// The experiment files compiled into kbench (experiments/*.yaml, turned into
// a C++ source by CMake at configure time).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kbench::experiment {

// One embedded experiment file.
struct EmbeddedFile {
  std::string_view name; // file name without .yaml: "default", "quick"
  std::string_view text; // the file's bytes, verbatim
};

// Return every embedded experiment file (generated source).
const std::vector<EmbeddedFile>& embedded_files();

// Return the text of the embedded default experiment (experiments/default.yaml), verbatim.
std::string_view embedded_default();

// Return the text of the embedded overlay `name` (e.g. "quick"); throw kbench::Error (usage)
// naming the known ones when there is none.
std::string_view embedded_overlay(const std::string& name);

// Return the names of the embedded overlays (every embedded file but "default").
std::vector<std::string> embedded_overlay_names();

} // namespace kbench::experiment
