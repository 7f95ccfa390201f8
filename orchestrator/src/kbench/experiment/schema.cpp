#include <kbench/experiment/schema.hpp>
#include <kbench/util/fs.hpp>
#include <kbench/util/hash.hpp>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <optional>
#include <variant>

namespace kbench::experiment {

namespace fs = std::filesystem;

namespace {

// How a string value is interpreted as a path.
enum class PathKind {
  none,   // not a path
  path,   // always a path
  source, // "debian", "debian:PKG", else a path
  base,   // a make target when it has no '/', else a path
};

using Getter = std::variant<std::string* (*)(Experiment&), int* (*)(Experiment&),
                            std::uint64_t* (*)(Experiment&), double* (*)(Experiment&),
                            bool* (*)(Experiment&), std::vector<std::string>* (*)(Experiment&),
                            std::map<std::string, double>* (*)(Experiment&)>;

struct Field {
  std::string key;
  Getter get;
  PathKind path = PathKind::none;
};

template<class T>
Field field(std::string key, T* (*get)(Experiment&), PathKind path = PathKind::none) {
  return { std::move(key), get, path };
}

const std::vector<Field>& fields() {
  using E = Experiment;
  static const std::vector<Field> table{
    field<std::string>("name", [](E& e) { return &e.name; }),
    field<std::string>(
      "kernel.source", [](E& e) { return &e.kernel.source; }, PathKind::source),
    field<std::string>("kernel.ref", [](E& e) { return &e.kernel.ref; }),
    field<std::vector<std::string>>(
      "patches.measurement", [](E& e) { return &e.patches.measurement; }, PathKind::path),
    field<std::vector<std::string>>(
      "patches.baseline", [](E& e) { return &e.patches.baseline; }, PathKind::path),
    field<std::vector<std::string>>(
      "patches.patched", [](E& e) { return &e.patches.patched; }, PathKind::path),
    field<std::string>(
      "config.base", [](E& e) { return &e.config.base; }, PathKind::base),
    field<std::vector<std::string>>(
      "config.fragments", [](E& e) { return &e.config.fragments; }, PathKind::path),
    field<std::string>("workload.benchmark", [](E& e) { return &e.workload.benchmark; }),
    field<std::uint64_t>("workload.vmas", [](E& e) { return &e.workload.vmas; }),
    field<std::uint64_t>("workload.dup_pages", [](E& e) { return &e.workload.dup_pages; }),
    field<std::uint64_t>("workload.walks", [](E& e) { return &e.workload.walks; }),
    field<std::string>("workload.trigger", [](E& e) { return &e.workload.trigger; }),
    field<std::uint64_t>("workload.seed", [](E& e) { return &e.workload.seed; }),
    field<bool>("workload.victim", [](E& e) { return &e.workload.victim; }),
    field<int>("vm.vcpus", [](E& e) { return &e.vm.vcpus; }),
    field<int>("vm.memory_mib", [](E& e) { return &e.vm.memory_mib; }),
    field<int>("vm.numa_nodes", [](E& e) { return &e.vm.numa_nodes; }),
    field<std::string>("vm.accelerator", [](E& e) { return &e.vm.accelerator; }),
    field<std::string>("vm.timing", [](E& e) { return &e.vm.timing; }),
    field<std::string>("vm.backend", [](E& e) { return &e.vm.backend; }),
    field<std::string>("vm.connect", [](E& e) { return &e.vm.connect; }),
    field<int>("repetitions.boots", [](E& e) { return &e.repetitions.boots; }),
    field<double>("statistics.alpha", [](E& e) { return &e.statistics.alpha; }),
    field<double>("statistics.noise", [](E& e) { return &e.statistics.noise; }),
    field<std::map<std::string, double>>("statistics.regression_thresholds",
                                         [](E& e) { return &e.statistics.regression_thresholds; }),
    field<int>("deadlines.boot_s", [](E& e) { return &e.deadlines.boot_s; }),
    field<int>("deadlines.run_s", [](E& e) { return &e.deadlines.run_s; }),
    field<int>("deadlines.shutdown_s", [](E& e) { return &e.deadlines.shutdown_s; }),
    field<std::string>(
      "outputs.results_dir", [](E& e) { return &e.outputs.results_dir; }, PathKind::path),
  };
  return table;
}

const Field* find_field(const std::string& key) {
  for (const auto& f : fields()) {
    if (f.key == key) {
      return &f;
    }
  }
  return nullptr;
}

std::string join(const std::string& prefix, const std::string& name) {
  return prefix.empty() ? name : prefix + "." + name;
}

// Return the names directly under `prefix` (fields and sections).
std::vector<std::string> children(const std::string& prefix) {
  std::vector<std::string> names;
  const std::string lead = prefix.empty() ? "" : prefix + ".";
  for (const auto& f : fields()) {
    if (f.key.rfind(lead, 0) != 0) {
      continue;
    }
    const std::string rest = f.key.substr(lead.size());
    const std::string name = rest.substr(0, rest.find('.'));
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      names.push_back(name);
    }
  }
  return names;
}

bool is_section(const std::string& key) {
  return !find_field(key) && !children(key).empty();
}

// Return the full key of a field whose last component is `name`, or "".
std::string leaf_elsewhere(const std::string& name) {
  for (const auto& f : fields()) {
    const auto dot = f.key.rfind('.');
    if (dot != std::string::npos && f.key.substr(dot + 1) == name) {
      return f.key;
    }
  }
  return "";
}

std::string home_expanded(const std::string& value) {
  const char* home = std::getenv("HOME");
  if (value.rfind("~/", 0) == 0 && home != nullptr) {
    return (fs::path(home) / value.substr(2)).string();
  }
  return value;
}

bool keeps_as_written(const std::string& value, PathKind kind) {
  if (value.empty() || value.rfind(k_data_prefix, 0) == 0) {
    return true;
  }
  if (kind == PathKind::source && (value == "debian" || value.rfind("debian:", 0) == 0)) {
    return true;
  }
  return kind == PathKind::base && value.find('/') == std::string::npos;
}

std::string resolve(const std::string& value, PathKind kind, const fs::path& base_dir) {
  if (kind == PathKind::none || keeps_as_written(value, kind)) {
    return value;
  }
  const fs::path path = home_expanded(value);
  if (path.is_absolute() || base_dir.empty()) {
    return path.lexically_normal().string();
  }
  return (base_dir / path).lexically_normal().string();
}

// One layer being applied.
struct Layer {
  std::string file;
  fs::path base_dir;
  bool command_line = false;
  Experiment& experiment;
  LayerReport& report;

  Location at(const YAML::Node& node) const {
    if (command_line) {
      return { file, 0, 0 };
    }
    const YAML::Mark mark = node.Mark();
    return { file, mark.line + 1, mark.column + 1 };
  }

  void error(const YAML::Node& node, std::string message) {
    report.diagnostics.push_back({ at(node), std::move(message) });
  }
};

std::string kind_of(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Null:
      return "nothing";
    default:
      return quote(node.Scalar());
  }
}

std::optional<std::int64_t> parse_signed(const std::string& text) {
  std::int64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty()) {
    return std::nullopt;
  }
  return value;
}

std::optional<std::uint64_t> parse_unsigned(const std::string& text) {
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty()) {
    return std::nullopt;
  }
  return value;
}

std::optional<double> parse_real(const std::string& text) {
  double value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

bool set(std::string& out, const YAML::Node& node, const Field& f, Layer& layer) {
  if (node.IsNull()) {
    out.clear();
    return true;
  }
  if (!node.IsScalar()) {
    layer.error(node, fmt::format("'{}' expects a string, got {}", f.key, kind_of(node)));
    return false;
  }
  out = resolve(node.Scalar(), f.path, layer.base_dir);
  return true;
}

bool set(std::uint64_t& out, const YAML::Node& node, const Field& f, Layer& layer) {
  const auto value = node.IsScalar() ? parse_unsigned(node.Scalar()) : std::nullopt;
  if (!value) {
    layer.error(node,
                fmt::format("'{}' expects a non-negative integer, got {}", f.key, kind_of(node)));
    return false;
  }
  out = *value;
  return true;
}

bool set(int& out, const YAML::Node& node, const Field& f, Layer& layer) {
  const auto value = node.IsScalar() ? parse_signed(node.Scalar()) : std::nullopt;
  if (!value || *value < std::numeric_limits<int>::min() ||
      *value > std::numeric_limits<int>::max()) {
    layer.error(node, fmt::format("'{}' expects an integer, got {}", f.key, kind_of(node)));
    return false;
  }
  out = static_cast<int>(*value);
  return true;
}

bool set(double& out, const YAML::Node& node, const Field& f, Layer& layer) {
  const auto value = node.IsScalar() ? parse_real(node.Scalar()) : std::nullopt;
  if (!value) {
    layer.error(node, fmt::format("'{}' expects a number, got {}", f.key, kind_of(node)));
    return false;
  }
  out = *value;
  return true;
}

bool set(bool& out, const YAML::Node& node, const Field& f, Layer& layer) {
  const std::string text = node.IsScalar() ? node.Scalar() : "";
  if (text == "true" || text == "false") {
    out = text == "true";
    return true;
  }
  layer.error(node, fmt::format("'{}' expects true or false, got {}", f.key, kind_of(node)));
  return false;
}

bool set(std::vector<std::string>& out, const YAML::Node& node, const Field& f, Layer& layer) {
  if (node.IsNull()) {
    out.clear();
    return true;
  }
  if (!node.IsSequence()) {
    layer.error(node, fmt::format("'{}' expects a list of paths, got {}", f.key, kind_of(node)));
    return false;
  }
  std::vector<std::string> items;
  bool ok = true;
  for (const auto& item : node) {
    if (!item.IsScalar() || item.Scalar().empty()) {
      layer.error(item,
                  fmt::format("'{}' items must be non-empty paths, got {}", f.key, kind_of(item)));
      ok = false;
      continue;
    }
    layer.experiment.origins[fmt::format("{}[{}]", f.key, items.size())] = layer.at(item);
    items.push_back(resolve(item.Scalar(), f.path, layer.base_dir));
  }
  if (ok) {
    out = std::move(items);
  }
  return ok;
}

// Report every key of `map` (the section `prefix`) that it already held: YAML
// would keep only one of them, silently. The error is at the repeated key and
// names the first one's place.
void reject_duplicate_keys(const YAML::Node& map, const std::string& prefix, Layer& layer) {
  std::map<std::string, YAML::Mark> first;
  for (const auto& kv : map) {
    if (!kv.first.IsScalar()) {
      continue;
    }
    const auto [seen, fresh] = first.emplace(kv.first.Scalar(), kv.first.Mark());
    if (!fresh) {
      layer.error(kv.first, fmt::format("duplicate key '{}' (first at {}:{}:{})",
                                        join(prefix, kv.first.Scalar()), layer.file,
                                        seen->second.line + 1, seen->second.column + 1));
    }
  }
}

void set_threshold(std::map<std::string, double>& out, const YAML::Node& key,
                   const YAML::Node& value, const Field& f, Layer& layer) {
  const std::string metric = key.IsScalar() ? key.Scalar() : "";
  const auto& known = threshold_metrics();
  if (std::find(known.begin(), known.end(), metric) == known.end()) {
    const std::string hint = closest(metric, known);
    layer.error(key,
                fmt::format("unknown metric {} in '{}'{} (known: walk, lock, stall)", kind_of(key),
                            f.key, hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint)));
    return;
  }
  const std::string full = f.key + "." + metric;
  Field item{ full, Getter{}, PathKind::none };
  if (set(out[metric], value, item, layer)) {
    layer.experiment.origins[full] = layer.at(value);
  } else {
    layer.report.rejected.insert(full);
  }
}

bool set(std::map<std::string, double>& out, const YAML::Node& node, const Field& f, Layer& layer) {
  if (node.IsNull()) {
    return true;
  }
  if (!node.IsMap()) {
    layer.error(node, fmt::format("'{}' expects a mapping of metric: threshold, got {}", f.key,
                                  kind_of(node)));
    return false;
  }
  reject_duplicate_keys(node, f.key, layer);
  for (const auto& kv : node) {
    set_threshold(out, kv.first, kv.second, f, layer);
  }
  return true;
}

void assign(const Field& f, const YAML::Node& node, Layer& layer) {
  const bool ok =
    std::visit([&](auto get) { return set(*get(layer.experiment), node, f, layer); }, f.get);
  if (ok) {
    layer.experiment.origins[f.key] = layer.at(node);
  } else {
    layer.report.rejected.insert(f.key);
  }
}

void unknown_key(const YAML::Node& key, const std::string& prefix, Layer& layer) {
  const std::string name = key.IsScalar() ? key.Scalar() : "";
  std::string hint = leaf_elsewhere(name); // a key of another section: name it in full
  if (hint.empty() || hint.rfind(prefix + ".", 0) == 0) {
    hint = closest(name, children(prefix));
  }
  layer.error(key, fmt::format("unknown key {}{}{}", kind_of(key),
                               prefix.empty() ? "" : " in '" + prefix + "'",
                               hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint)));
}

void walk(const YAML::Node& map, const std::string& prefix, Layer& layer) {
  reject_duplicate_keys(map, prefix, layer);
  for (const auto& kv : map) {
    const std::string key = join(prefix, kv.first.IsScalar() ? kv.first.Scalar() : "?");
    if (const Field* f = find_field(key)) {
      assign(*f, kv.second, layer);
    } else if (!is_section(key)) {
      unknown_key(kv.first, prefix, layer);
    } else if (kv.second.IsMap()) {
      walk(kv.second, key, layer);
    } else if (!kv.second.IsNull()) {
      layer.error(kv.second, fmt::format("'{}' is a section and expects a mapping, got {}", key,
                                         kind_of(kv.second)));
    }
  }
}

std::optional<YAML::Node> parse(std::string_view text, Layer& layer) {
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    layer.report.diagnostics.push_back(
      { { layer.file, e.mark.line + 1, e.mark.column + 1 }, "YAML syntax error: " + e.msg });
    return std::nullopt;
  }
}

} // namespace

const std::vector<std::string>& threshold_metrics() {
  static const std::vector<std::string> metrics{ "walk", "lock", "stall" };
  return metrics;
}

std::vector<std::string> schema_keys() {
  std::vector<std::string> keys;
  for (const auto& f : fields()) {
    keys.push_back(f.key);
  }
  return keys;
}

void apply_yaml(std::string_view text, const std::string& file, const fs::path& base_dir,
                Experiment& experiment, LayerReport& report) {
  Layer layer{ file, base_dir, false, experiment, report };
  const auto root = parse(text, layer);
  if (!root) {
    return;
  }
  experiment.layers.push_back({ file, util::sha256_hex(text) });
  if (root->IsNull()) {
    return;
  }
  if (!root->IsMap()) {
    layer.error(*root, "an experiment file must be a mapping of keys, got " + kind_of(*root));
    return;
  }
  walk(*root, "", layer);
}

void apply_overrides(const std::vector<Override>& overrides, Experiment& experiment,
                     LayerReport& report) {
  for (const auto& o : overrides) {
    const Field* f = find_field(o.key);
    if (f == nullptr) {
      report.diagnostics.push_back({ { "command line", 0, 0 }, "unknown key " + quote(o.key) });
      continue;
    }
    YAML::Node node;
    if (std::holds_alternative<std::vector<std::string>* (*)(Experiment&)>(f->get)) {
      node = YAML::Node(YAML::NodeType::Sequence);
      for (const auto& v : o.values) {
        node.push_back(v);
      }
    } else {
      node = YAML::Node(o.values.empty() ? std::string() : o.values.front());
    }
    Layer layer{ "command line (" + o.flag + ")", util::absolute("."), true, experiment, report };
    assign(*f, node, layer);
  }
  if (!overrides.empty()) {
    experiment.layers.push_back({ "command line", "" });
  }
}

} // namespace kbench::experiment
