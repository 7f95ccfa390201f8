#include <kbench/experiment/experiment.hpp>
#include <kbench/util/hash.hpp>

#include <fmt/format.h>

namespace kbench::experiment {

namespace {

std::string scalar(const std::string& value) {
  return nlohmann::json(value).dump(); // a JSON string is a YAML double-quoted scalar
}

std::string scalar(double value) {
  return fmt::format("{}", value);
}

std::string scalar(bool value) {
  return value ? "true" : "false";
}

template<class T>
std::string scalar(T value) {
  return fmt::format("{}", value);
}

std::string list(const std::vector<std::string>& items) {
  if (items.empty()) {
    return " []\n";
  }
  std::string out = "\n";
  for (const auto& item : items) {
    out += "    - " + scalar(item) + "\n";
  }
  return out;
}

std::string thresholds(const std::map<std::string, double>& values) {
  if (values.empty()) {
    return " {}\n";
  }
  std::string out = "\n";
  for (const auto& [metric, value] : values) {
    out += fmt::format("    {}: {}\n", metric, scalar(value));
  }
  return out;
}

template<class T>
std::string line(const char* key, const T& value) {
  return fmt::format("  {}: {}\n", key, scalar(value));
}

std::string yaml_body(const Experiment& e) {
  std::string y = "name: " + scalar(e.name) + "\n";
  y += "kernel:\n" + line("source", e.kernel.source) + line("ref", e.kernel.ref);
  y += "patches:\n  measurement:" + list(e.patches.measurement);
  y += "  baseline:" + list(e.patches.baseline) + "  patched:" + list(e.patches.patched);
  y += "config:\n" + line("base", e.config.base) + "  fragments:" + list(e.config.fragments);
  const Workload& w = e.workload;
  y += "workload:\n" + line("benchmark", w.benchmark) + line("vmas", w.vmas) +
       line("dup_pages", w.dup_pages) + line("walks", w.walks) + line("trigger", w.trigger) +
       line("seed", w.seed) + line("victim", w.victim);
  const VmSettings& v = e.vm;
  y += "vm:\n" + line("vcpus", v.vcpus) + line("memory_mib", v.memory_mib) +
       line("numa_nodes", v.numa_nodes) + line("accelerator", v.accelerator) +
       line("timing", v.timing) + line("backend", v.backend) + line("connect", v.connect);
  y += "repetitions:\n" + line("boots", e.repetitions.boots);
  y += "statistics:\n" + line("alpha", e.statistics.alpha) + line("noise", e.statistics.noise) +
       "  regression_thresholds:" + thresholds(e.statistics.regression_thresholds);
  y += "deadlines:\n" + line("boot_s", e.deadlines.boot_s) + line("run_s", e.deadlines.run_s) +
       line("shutdown_s", e.deadlines.shutdown_s);
  y += "outputs:\n" + line("results_dir", e.outputs.results_dir);
  return y;
}

} // namespace

std::string to_string(const Location& where) {
  if (where.line <= 0) {
    return where.file;
  }
  return fmt::format("{}:{}:{}", where.file, where.line, where.column);
}

nlohmann::json to_json(const Experiment& e) {
  const Workload& w = e.workload;
  const VmSettings& v = e.vm;
  return {
    { "name", e.name },
    { "kernel", { { "source", e.kernel.source }, { "ref", e.kernel.ref } } },
    { "patches",
      { { "measurement", e.patches.measurement },
        { "baseline", e.patches.baseline },
        { "patched", e.patches.patched } } },
    { "config", { { "base", e.config.base }, { "fragments", e.config.fragments } } },
    { "workload",
      { { "benchmark", w.benchmark },
        { "vmas", w.vmas },
        { "dup_pages", w.dup_pages },
        { "walks", w.walks },
        { "trigger", w.trigger },
        { "seed", w.seed },
        { "victim", w.victim } } },
    { "vm",
      { { "vcpus", v.vcpus },
        { "memory_mib", v.memory_mib },
        { "numa_nodes", v.numa_nodes },
        { "accelerator", v.accelerator },
        { "timing", v.timing },
        { "backend", v.backend },
        { "connect", v.connect } } },
    { "repetitions", { { "boots", e.repetitions.boots } } },
    { "statistics",
      { { "alpha", e.statistics.alpha },
        { "noise", e.statistics.noise },
        { "regression_thresholds", e.statistics.regression_thresholds } } },
    { "deadlines",
      { { "boot_s", e.deadlines.boot_s },
        { "run_s", e.deadlines.run_s },
        { "shutdown_s", e.deadlines.shutdown_s } } },
    { "outputs", { { "results_dir", e.outputs.results_dir } } },
  };
}

std::string to_yaml(const Experiment& e) {
  return "# kbench effective experiment (canonical form); experiment hash " + experiment_hash(e) +
         "\n" + yaml_body(e);
}

std::string experiment_hash(const Experiment& e) {
  nlohmann::json j = to_json(e);
  j.erase("outputs");
  return util::sha256_hex(j.dump());
}

} // namespace kbench::experiment
