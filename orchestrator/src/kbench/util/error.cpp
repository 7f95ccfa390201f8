#include <kbench/util/error.hpp>

#include <csignal>
#include <string>

namespace kbench {

std::string_view exit_code_name(ExitCode code) {
  switch (code) {
    case ExitCode::ok:
      return "ok";
    case ExitCode::regression:
      return "regression";
    case ExitCode::usage:
      return "usage";
    case ExitCode::invalid_config:
      return "invalid-config";
    case ExitCode::source:
      return "source";
    case ExitCode::patch:
      return "patch";
    case ExitCode::kconfig:
      return "kconfig";
    case ExitCode::build:
      return "build";
    case ExitCode::guest:
      return "guest";
    case ExitCode::correctness:
      return "correctness";
    case ExitCode::run_failed:
      return "run-failed";
    case ExitCode::infra:
      return "infra";
    case ExitCode::interrupted:
      return "interrupted";
    case ExitCode::terminated:
      return "terminated";
  }
  return "unknown";
}

namespace {

ExitCode code_for_signal(int signal_number) {
  return signal_number == SIGTERM ? ExitCode::terminated : ExitCode::interrupted;
}

} // namespace

Interrupted::Interrupted(int signal_number)
  : Error(code_for_signal(signal_number),
          std::string("interrupted by ") + (signal_number == SIGTERM ? "SIGTERM" : "SIGINT")),
    m_signal(signal_number) {}

} // namespace kbench
