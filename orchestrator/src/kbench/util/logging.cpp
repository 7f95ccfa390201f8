#include <kbench/util/logging.hpp>

#include <fmt/format.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>

namespace kbench::util {

namespace {

bool g_initialized = false; // init_logging() ran: the default logger has kbench's sinks

} // namespace

void init_logging(Verbosity verbosity) {
  auto stderr_sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  stderr_sink->set_pattern("kbench: %^%l%$: %v");
  switch (verbosity) {
    case Verbosity::quiet:
      stderr_sink->set_level(spdlog::level::warn);
      break;
    case Verbosity::normal:
      stderr_sink->set_level(spdlog::level::info);
      break;
    case Verbosity::verbose:
      stderr_sink->set_level(spdlog::level::debug);
      break;
  }
  auto logger = std::make_shared<spdlog::logger>("kbench", stderr_sink);
  logger->set_level(spdlog::level::debug);
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
  g_initialized = true;
}

void log_final_error(std::string_view message) {
  if (g_initialized) {
    spdlog::error("{}", message); // stderr as "kbench: error: ..." and every log file
    return;
  }
  fmt::print(stderr, "kbench: error: {}\n", message);
}

void add_log_file(const std::filesystem::path& path) {
  auto sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(path.string());
  sink->set_level(spdlog::level::debug);
  sink->set_pattern("%Y-%m-%dT%H:%M:%S.%e %l %v");
  spdlog::default_logger()->sinks().push_back(sink);
}

} // namespace kbench::util
