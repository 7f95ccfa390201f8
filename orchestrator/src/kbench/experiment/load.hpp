// Loading the effective experiment: the embedded default, then experiment
// files (-c), then embedded overlays (--scenario, a flag), then the other
// command-line overrides; every layer overrides only the keys it sets. Everything is
// validated before any work starts, and every problem is reported at once.
#pragma once

#include <kbench/experiment/diagnostic.hpp>
#include <kbench/experiment/experiment.hpp>
#include <kbench/experiment/schema.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace kbench::experiment {

// The name of the embedded default in messages and origins.
inline constexpr const char* k_default_name = "<embedded default.yaml>";

// What to layer over the embedded default, lowest first.
struct LoadRequest {
  std::vector<std::filesystem::path> files; // experiment files, in order
  std::vector<std::string> overlays;        // embedded overlays ("seed", "quick"), over the files
  std::vector<Override> overrides;          // command-line flags, last
  std::filesystem::path data_dir;           // resolves "@data/" paths for validation
};

// Return the layered experiment and append every problem (syntax, keys, types, ranges,
// contradictions, missing files) to `diagnostics`; never throws for a bad layer.
Experiment collect(const LoadRequest& request, Diagnostics& diagnostics);

// Return the effective experiment of `request`; throws kbench::Error (invalid_config) listing
// every problem, one `FILE:LINE:COL: message` per line, when there is any.
Experiment load(const LoadRequest& request);

// Return the embedded default experiment, parsed (never fails for a correct build).
Experiment default_experiment();

} // namespace kbench::experiment
