#include <kbench/bench/results_check.hpp>
#include <kbench/util/error.hpp>
#include <kbench/vm/outcome.hpp>

#include <fmt/format.h>

#include <cmath>
#include <span>
#include <string_view>

namespace kbench::bench {

namespace {

using nlohmann::json;

// The longest phase a results file may hold, in seconds: a year.
constexpr double k_max_seconds = 366.0 * 86400;

// What a known key holds.
enum class Kind {
  text,        // a string
  texts,       // an array of strings
  text_map,    // an object string -> string
  flag,        // true or false
  count,       // an unsigned integer up to k_max_count
  counts,      // an array of counts
  duration,    // an unsigned integer of ns up to k_max_duration_ns
  durations,   // an array of durations
  millis,      // a number of ms in [0, k_max_duration_ns / 1e6]
  seconds,     // a number of s in [0, k_max_seconds]
  seconds_map, // an object string -> seconds
  number,      // a finite number
  number_map,  // an object string -> number
  outcome,     // one of the outcomes (vm::Outcome's names)
  checks,      // the array of correctness checks
  any,         // not checked
};

// A key an object may hold and what it holds.
struct Field {
  std::string_view key;
  Kind kind;
};

constexpr Field k_top_fields[] = {
  { "version", Kind::count },         { "complete", Kind::flag },
  { "kbench_version", Kind::text },   { "created", Kind::text },
  { "environment", Kind::text_map },  { "source", Kind::text },
  { "initramfs_sha256", Kind::text }, { "phases", Kind::seconds_map },
  { "reproducer", Kind::text },       { "experiment_sha256", Kind::text },
  { "experiment_yaml", Kind::text },  { "experiment_effective", Kind::any },
  { "inputs", Kind::text_map },
};

constexpr Field k_experiment_fields[] = {
  { "scenario", Kind::text },      { "vmas", Kind::count },
  { "dup_pages", Kind::count },    { "walks", Kind::count },
  { "trigger", Kind::text },       { "seed", Kind::count },
  { "victim", Kind::flag },        { "boots", Kind::count },
  { "vcpus", Kind::count },        { "memory_mib", Kind::count },
  { "numa_nodes", Kind::count },   { "accelerator_policy", Kind::text },
  { "timing_policy", Kind::text },
};

constexpr Field k_kernel_fields[] = {
  { "variant", Kind::text },        { "bzimage", Kind::text },
  { "bzimage_sha256", Kind::text }, { "config_sha256", Kind::text },
  { "release", Kind::text },        { "key", Kind::text },
  { "cache_hit", Kind::flag },      { "build_seconds", Kind::seconds },
};

constexpr Field k_patch_fields[] = {
  { "file", Kind::text },
  { "sha256", Kind::text },
  { "subject", Kind::text },
};

constexpr Field k_run_fields[] = {
  { "variant", Kind::text },           { "boot", Kind::count },
  { "outcome", Kind::outcome },        { "reason", Kind::text },
  { "accelerator", Kind::text },       { "timing", Kind::text },
  { "phases", Kind::seconds_map },     { "guest_status", Kind::text },
  { "guest_error", Kind::text },       { "method", Kind::text },
  { "kernel_release", Kind::text },    { "clocksource", Kind::text },
  { "vmas_requested", Kind::count },   { "vmas_real", Kind::count },
  { "pages_shared", Kind::count },     { "pages_sharing", Kind::count },
  { "merge_ms", Kind::millis },        { "trace_overrun", Kind::count },
  { "trace_dropped", Kind::count },    { "walk_ns", Kind::durations },
  { "lock_hold_ns", Kind::durations }, { "victim_stall_ns", Kind::durations },
  { "trigger_ns", Kind::durations },   { "walk_holds_timed_ns", Kind::durations },
  { "walk_iterations", Kind::counts }, { "lock_hold_iterations", Kind::counts },
  { "holds_lost", Kind::count },       { "victim_count", Kind::count },
  { "victim_max_ns", Kind::duration }, { "checks", Kind::checks },
  { "warnings", Kind::texts },         { "backtrace", Kind::texts },
  { "work_dir", Kind::text },          { "qemu_argv", Kind::texts },
};

constexpr Field k_check_fields[] = {
  { "walk", Kind::count },
  { "name", Kind::text },
  { "ok", Kind::flag },
  { "detail", Kind::text },
};

// The statistics settings `kbench report` and `kbench ci` read from experiment_effective.
constexpr Field k_statistics_fields[] = {
  { "alpha", Kind::number },
  { "noise", Kind::number },
  { "regression_thresholds", Kind::number_map },
};

constexpr Field k_shard_fields[] = {
  { "index", Kind::count },
  { "count", Kind::count },
  { "boots", Kind::count },
};

// Return `value` for a message, cut to a line.
std::string shown(const json& value) {
  std::string text = value.dump();
  return text.size() > 60 ? text.substr(0, 57) + "..." : text;
}

// Walks a results file, knowing where it is (`path`), failing at the first bad value.
class Checker {
public:
  explicit Checker(std::string origin) : m_origin(std::move(origin)) {}

  // Check the known keys of the object `object` at `path` against `fields`.
  void object(const json& object, const std::string& path, std::span<const Field> fields) const {
    if (!object.is_object()) {
      fail(path, fmt::format("expected an object, got {}", shown(object)));
    }
    for (const auto& field : fields) {
      if (const auto it = object.find(field.key); it != object.end()) {
        value(*it, join(path, field.key), field.kind);
      }
    }
  }

  // Check that `array` at `path` is an array and each element an object of `fields`.
  void objects(const json& array, const std::string& path, std::span<const Field> fields) const {
    if (!array.is_array()) {
      fail(path, fmt::format("expected an array, got {}", shown(array)));
    }
    for (std::size_t i = 0; i < array.size(); ++i) {
      object(array[i], fmt::format("{}[{}]", path, i), fields);
    }
  }

  // Return `object`'s required key `key` (at `path`), failing when it is missing.
  const json& required(const json& object, const std::string& path, std::string_view key) const {
    const auto it = object.find(key);
    if (it == object.end()) {
      fail(join(path, key), "missing (a required key)");
    }
    return *it;
  }

  [[noreturn]] void fail(const std::string& path, const std::string& problem) const {
    throw Error(ExitCode::invalid_config, fmt::format("{}: {}: {}", m_origin, path, problem));
  }

private:
  static std::string join(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : fmt::format("{}.{}", path, key);
  }

  void value(const json& v, const std::string& path, Kind kind) const {
    switch (kind) {
      case Kind::text:
        return expect(v.is_string(), v, path, "a string");
      case Kind::flag:
        return expect(v.is_boolean(), v, path, "true or false");
      case Kind::count:
        return unsigned_up_to(v, path, k_max_count, "a count");
      case Kind::duration:
        return unsigned_up_to(v, path, k_max_duration_ns, "a duration in ns");
      case Kind::millis:
        return number_up_to(v, path, static_cast<double>(k_max_duration_ns) / 1e6,
                            "a duration in ms");
      case Kind::seconds:
        return number_up_to(v, path, k_max_seconds, "a duration in s");
      case Kind::outcome:
        return expect(v.is_string() && vm::parse_outcome(v.get<std::string>()), v, path,
                      "an outcome (OK, CORRECTNESS_FAIL, BENCH_FAIL, PANIC, BOOT_TIMEOUT, "
                      "RUN_TIMEOUT, INFRA_ERROR, INTERRUPTED)");
      case Kind::texts:
        return each(v, path, Kind::text, false);
      case Kind::counts:
        return each(v, path, Kind::count, false);
      case Kind::durations:
        return each(v, path, Kind::duration, false);
      case Kind::text_map:
        return each(v, path, Kind::text, true);
      case Kind::seconds_map:
        return each(v, path, Kind::seconds, true);
      case Kind::number:
        return expect(v.is_number() && std::isfinite(v.get<double>()), v, path, "a number");
      case Kind::number_map:
        return each(v, path, Kind::number, true);
      case Kind::checks:
        return objects(v, path, k_check_fields);
      case Kind::any:
        return;
    }
  }

  // Check every element of the array (or every value of the object, `map`) `v`.
  void each(const json& v, const std::string& path, Kind kind, bool map) const {
    if (map ? !v.is_object() : !v.is_array()) {
      fail(path, fmt::format("expected {}, got {}", map ? "an object" : "an array", shown(v)));
    }
    if (map) {
      for (const auto& [key, item] : v.items()) {
        value(item, join(path, key), kind);
      }
      return;
    }
    for (std::size_t i = 0; i < v.size(); ++i) {
      value(v[i], fmt::format("{}[{}]", path, i), kind);
    }
  }

  void expect(bool ok, const json& v, const std::string& path, std::string_view what) const {
    if (!ok) {
      fail(path, fmt::format("expected {}, got {}", what, shown(v)));
    }
  }

  void unsigned_up_to(const json& v, const std::string& path, std::uint64_t max,
                      std::string_view what) const {
    // Parsed, a negative integer is a number_integer, 2^70 and 1e300 number_floats; built in
    // memory, a non-negative int is a number_integer too.
    const bool whole =
      v.is_number_unsigned() || (v.is_number_integer() && v.get<std::int64_t>() >= 0);
    if (!whole || v.get<std::uint64_t>() > max) {
      fail(path, fmt::format("{} is not {} in [0, {}]", shown(v), what, max));
    }
  }

  void number_up_to(const json& v, const std::string& path, double max,
                    std::string_view what) const {
    const bool ok = v.is_number() && std::isfinite(v.get<double>()) && v.get<double>() >= 0 &&
                    v.get<double>() <= max;
    if (!ok) {
      fail(path, fmt::format("{} is not {} in [0, {}]", shown(v), what, max));
    }
  }

  std::string m_origin;
};

// Check what ties values together: a boot index below the boots, a shard among its shards.
void check_relations(const Checker& c, const json& results) {
  const auto boots = results.at("experiment").value("boots", std::uint64_t{ 0 });
  const json& runs = results.at("runs");
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const auto boot = runs[i].value("boot", std::uint64_t{ 0 });
    if (boot >= boots) {
      c.fail(fmt::format("runs[{}].boot", i),
             fmt::format("{} is not below experiment.boots ({})", boot, boots));
    }
  }
  if (const auto shard = results.find("shard"); shard != results.end()) {
    const auto index = shard->value("index", std::uint64_t{ 0 });
    const auto count = shard->value("count", std::uint64_t{ 0 });
    if (index < 1 || index > count) {
      c.fail("shard.index", fmt::format("{} is not a shard of 1..{}", index, count));
    }
  }
}

} // namespace

void check_results_json(const json& results, const std::string& origin) {
  const Checker c(origin);
  c.object(results, "", k_top_fields);
  c.object(c.required(results, "", "experiment"), "experiment", k_experiment_fields);
  const json& kernels = c.required(results, "", "kernels");
  c.objects(kernels, "kernels", k_kernel_fields);
  for (std::size_t i = 0; i < kernels.size(); ++i) {
    if (const auto series = kernels[i].find("series"); series != kernels[i].end()) {
      c.objects(*series, fmt::format("kernels[{}].series", i), k_patch_fields);
    }
  }
  c.objects(c.required(results, "", "runs"), "runs", k_run_fields);
  if (const auto shard = results.find("shard"); shard != results.end()) {
    c.object(*shard, "shard", k_shard_fields);
  }
  if (const auto e = results.find("experiment_effective"); e != results.end() && !e->is_null()) {
    c.object(*e, "experiment_effective", {});
    if (const auto s = e->find("statistics"); s != e->end()) {
      c.object(*s, "experiment_effective.statistics", k_statistics_fields);
    }
  }
  check_relations(c, results);
}

} // namespace kbench::bench
