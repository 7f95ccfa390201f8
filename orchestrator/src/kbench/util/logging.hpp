// Logging set-up: diagnostics on stderr ("kbench: " prefix), and a debug log
// per run in its results directory.
#pragma once

#include <filesystem>

namespace kbench::util {

// How chatty stderr is.
enum class Verbosity { quiet, normal, verbose };

// Install the stderr logger (warnings with -q, info by default, debug with -v).
void init_logging(Verbosity verbosity);

// Also log everything at debug level to `path` (appended).
void add_log_file(const std::filesystem::path& path);

} // namespace kbench::util
