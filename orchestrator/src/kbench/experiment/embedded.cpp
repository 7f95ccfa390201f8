#include <kbench/experiment/embedded.hpp>
#include <kbench/util/error.hpp>

#include <fmt/format.h>

namespace kbench::experiment {

std::string_view embedded_default() {
  for (const auto& f : embedded_files()) {
    if (f.name == "default") {
      return f.text;
    }
  }
  throw Error(ExitCode::infra, "this kbench was built without experiments/default.yaml");
}

std::vector<std::string> embedded_overlay_names() {
  std::vector<std::string> names;
  for (const auto& f : embedded_files()) {
    if (f.name != "default") {
      names.emplace_back(f.name);
    }
  }
  return names;
}

std::string_view embedded_overlay(const std::string& name) {
  for (const auto& f : embedded_files()) {
    if (f.name == name && name != "default") {
      return f.text;
    }
  }
  const auto names = embedded_overlay_names();
  std::string known;
  for (const auto& n : names) {
    known += (known.empty() ? "" : ", ") + n;
  }
  throw Error(ExitCode::usage, fmt::format("unknown scenario \"{}\" (known: {})", name, known));
}

} // namespace kbench::experiment
