#include <kbench/kbuild/toolchain.hpp>
#include <kbench/util/error.hpp>

#include <fmt/format.h>

namespace kbench::kbuild {

namespace {

std::string version_line(util::ProcessRunner& runner, const std::string& tool) {
  util::Command cmd;
  cmd.argv = { tool, "--version" };
  cmd.timeout = std::chrono::seconds(30);
  const auto result = runner.run(cmd);
  if (!result.ok()) {
    throw Error(ExitCode::infra, fmt::format("cannot run {} --version: {} (is it installed?)", tool,
                                             util::describe_result(result)));
  }
  return result.output.substr(0, result.output.find('\n'));
}

} // namespace

std::string Toolchain::id() const {
  return fmt::format("{} | {} | {}", compiler, linker, make);
}

Toolchain detect_toolchain(util::ProcessRunner& runner) {
  return { version_line(runner, "gcc"), version_line(runner, "ld"), version_line(runner, "make") };
}

} // namespace kbench::kbuild
