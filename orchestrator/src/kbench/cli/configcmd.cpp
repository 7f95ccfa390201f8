#include <kbench/cli/configcmd.hpp>
#include <kbench/cli/defaults.hpp>
#include <kbench/experiment/embedded.hpp>
#include <kbench/experiment/load.hpp>
#include <kbench/util/error.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

namespace kbench::cli {

namespace fs = std::filesystem;

namespace {

const char* const k_config_examples = R"(Examples:
  kbench config --show-default > my.yaml        # the embedded default (the seed experiment)
  kbench config --check my.yaml                 # validate only: every error as FILE:LINE:COL
  kbench config --show my.yaml                  # the effective experiment (default < my.yaml)
  kbench config --show --scenario quick --hash  # the experiment hash `kbench ab --scenario quick` uses
  kbench ab -c <(kbench config --show-default)  # the same experiment as plain `kbench ab`)";

experiment::LoadRequest request_of(const ConfigOptions& o, std::vector<fs::path> files) {
  experiment::LoadRequest request;
  request.files = std::move(files);
  if (!o.scenario.empty()) {
    request.overlays = { o.scenario };
  }
  request.data_dir = data_dir();
  return request;
}

int check_files(const ConfigOptions& o) {
  experiment::Diagnostics all;
  for (const auto& file : o.check) {
    experiment::Diagnostics found;
    const auto e = experiment::collect(request_of(o, { file }), found);
    if (found.empty()) {
      fmt::print("{}: ok (experiment {})\n", file.string(), experiment::experiment_hash(e));
    }
    all.insert(all.end(), found.begin(), found.end());
  }
  experiment::throw_if_any(all);
  return 0;
}

int show(const ConfigOptions& o) {
  const auto e = experiment::load(request_of(o, o.files));
  if (o.hash) {
    fmt::print("{}\n", experiment::experiment_hash(e));
  } else if (o.json) {
    fmt::print("{}\n", experiment::to_json(e).dump(2));
  } else {
    fmt::print("{}", experiment::to_yaml(e));
  }
  return 0;
}

} // namespace

CLI::App* add_config_command(CLI::App& app, ConfigOptions& o) {
  auto* config = app.add_subcommand("config", "Print or check experiment files");
  config->footer(k_config_examples);
  config->fallthrough();
  config->add_flag("--show-default", o.show_default,
                   "Print the embedded default experiment (experiments/default.yaml) verbatim");
  config->add_option("--check", o.check, "Validate experiment file(s); run nothing");
  config->add_flag("--show", o.show,
                   "Print the effective experiment: default < FILE... < --scenario (canonical)");
  config->add_flag("--json", o.json, "With --show: print JSON instead of YAML");
  config->add_flag("--hash", o.hash, "With --show: print only the experiment hash");
  config->add_option("--scenario", o.scenario,
                     "Embedded overlay over the files, as for kbench ab: seed or quick");
  config->add_option("files", o.files, "Experiment files for --show, layered in order");
  return config;
}

int run_config(const ConfigOptions& o) {
  if (o.show_default) {
    fmt::print("{}", experiment::embedded_default());
    return 0;
  }
  if (!o.check.empty()) {
    return check_files(o);
  }
  if (o.show || o.hash || o.json) {
    return show(o);
  }
  throw Error(ExitCode::usage,
              "kbench config needs --show-default, --check FILE or --show [FILE...] (see --help)");
}

} // namespace kbench::cli
