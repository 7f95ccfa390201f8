// Where kbench finds its own data (patches, config fragments) and its cache.
#pragma once

#include <filesystem>
#include <vector>

namespace kbench::cli {

// Return kbench's data directory: $KBENCH_DATA_DIR, else the source checkout
// the binary was built from.
std::filesystem::path data_dir();

// Return the default cache directory: $KBENCH_CACHE_DIR, else
// $XDG_CACHE_HOME/kbench, else ~/.cache/kbench.
std::filesystem::path default_cache_dir();

// Return the measurement patches applied to every variant by default.
std::filesystem::path default_measurement_patches();

// Return the series applied to the patched variant by default.
std::filesystem::path default_patch_series();

// Return the default config fragments, in merge order.
std::vector<std::filesystem::path> default_fragments();

} // namespace kbench::cli
