// Logging set-up: diagnostics on stderr ("kbench: " prefix), and a debug log
// per run in its results directory.
#pragma once

#include <filesystem>
#include <string_view>

namespace kbench::util {

// How chatty stderr is.
enum class Verbosity { quiet, normal, verbose };

// Install the stderr logger (warnings with -q, info by default, debug with -v).
void init_logging(Verbosity verbosity);

// Also log everything at debug level to `path` (appended).
void add_log_file(const std::filesystem::path& path);

// Print the error that ends kbench, "kbench: error: <message>" on stderr, and
// write it into the run's log file too (kbench.log) when there is one.
void log_final_error(std::string_view message);

} // namespace kbench::util
