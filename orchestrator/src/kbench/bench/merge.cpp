#include <kbench/bench/merge.hpp>
#include <kbench/util/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <utility>

namespace kbench::bench {

namespace {

// The first field in which two inputs differ, with both values.
struct Difference {
  std::string field;
  std::string a;
  std::string b;
};

ShardRecord shard_of(const Results& r) {
  return r.shard ? *r.shard : ShardRecord{ 1, 1, r.experiment.boots };
}

std::optional<Difference> experiment_difference(const Results& a, const Results& b) {
  nlohmann::json ja = to_json(a).at("experiment");
  nlohmann::json jb = to_json(b).at("experiment");
  ja.erase("accelerator_policy"); // how the accelerator was chosen; the outcome is compared below
  jb.erase("accelerator_policy");
  ja.erase("timing_policy"); // likewise the timing mode: environment.timing is compared below
  jb.erase("timing_policy");
  for (const auto& [key, value] : ja.items()) {
    if (!jb.contains(key) || jb.at(key) != value) {
      return Difference{ "experiment." + key, value.dump(),
                         jb.value(key, nlohmann::json()).dump() };
    }
  }
  const auto& ha = a.provenance.experiment_sha256;
  const auto& hb = b.provenance.experiment_sha256;
  if (!ha.empty() && !hb.empty() && ha != hb) {
    return Difference{ "experiment_sha256", ha, hb };
  }
  if (shard_of(a).count != shard_of(b).count) {
    return Difference{ "shard.count", std::to_string(shard_of(a).count),
                       std::to_string(shard_of(b).count) };
  }
  return std::nullopt;
}

const KernelRecord* kernel_of(const Results& r, const std::string& variant) {
  const auto it = std::find_if(r.kernels.begin(), r.kernels.end(),
                               [&](const KernelRecord& k) { return k.variant == variant; });
  return it == r.kernels.end() ? nullptr : &*it;
}

std::optional<Difference> kernel_difference(const Results& a, const Results& b) {
  for (const auto& ka : a.kernels) {
    const KernelRecord* kb = kernel_of(b, ka.variant);
    const std::string field = fmt::format("kernels[{}]", ka.variant);
    if (kb == nullptr) {
      return Difference{ field, "present", "missing" };
    }
    if (ka.bzimage_sha256 != kb->bzimage_sha256) {
      return Difference{ field + ".bzimage_sha256", ka.bzimage_sha256, kb->bzimage_sha256 };
    }
    if (ka.key != kb->key) {
      return Difference{ field + ".key", ka.key, kb->key };
    }
  }
  if (a.kernels.size() != b.kernels.size()) {
    return Difference{ "kernels", std::to_string(a.kernels.size()) + " variants",
                       std::to_string(b.kernels.size()) + " variants" };
  }
  return std::nullopt;
}

std::string accelerator_of(const Results& r) {
  const auto it = r.environment.find("accelerator");
  return it == r.environment.end() ? "" : it->second;
}

// Return the timing mode of `r`'s runs ("wall" for files written before modes existed).
std::string timing_mode_of(const Results& r) {
  const auto it = r.environment.find("timing");
  return it == r.environment.end() || it->second.empty() ? "wall" : it->second;
}

std::optional<Difference> environment_difference(const Results& a, const Results& b) {
  if (accelerator_of(a) != accelerator_of(b)) {
    return Difference{ "environment.accelerator", accelerator_of(a), accelerator_of(b) };
  }

  if (a.initramfs_sha256 != b.initramfs_sha256) {
    return Difference{ "initramfs_sha256", a.initramfs_sha256, b.initramfs_sha256 };
  }
  return std::nullopt;
}

void require_compatible(const MergeInput& a, const MergeInput& b) {
  // Checked first: runs in two timing modes also differ in their experiment
  // hash, but the mode is what the user has to change.
  if (timing_mode_of(a.results) != timing_mode_of(b.results)) {
    throw Error(ExitCode::invalid_config,
                fmt::format("cannot merge {} and {}: different timing modes (environment.timing: "
                            "{} vs {}); virtual-time and wall-clock numbers are not comparable",
                            a.origin, b.origin, timing_mode_of(a.results),
                            timing_mode_of(b.results)));
  }
  std::optional<Difference> d = experiment_difference(a.results, b.results);
  const char* what = "experiments";
  if (!d && (d = kernel_difference(a.results, b.results))) {
    what = "kernels";
  }
  if (!d && (d = environment_difference(a.results, b.results))) {
    what = "accelerators, timing modes or guest images";
  }
  if (d) {
    throw Error(ExitCode::invalid_config,
                fmt::format("cannot merge {} and {}: different {} ({}: {} vs {})", a.origin,
                            b.origin, what, d->field, d->a, d->b));
  }
}

// Throw when a shard is given twice or two inputs hold the same (variant, boot).
void require_disjoint(const std::vector<MergeInput>& inputs) {
  std::map<int, const MergeInput*> by_index;
  std::map<std::pair<std::string, int>, const MergeInput*> by_boot;
  for (const auto& in : inputs) {
    const int index = shard_of(in.results).index;
    if (const auto [it, fresh] = by_index.emplace(index, &in); !fresh) {
      throw Error(ExitCode::invalid_config,
                  fmt::format("cannot merge {} and {}: duplicate shard (shard.index {} in both)",
                              it->second->origin, in.origin, index));
    }
    for (const auto& run : in.results.runs) {
      const auto [it, fresh] = by_boot.emplace(std::make_pair(run.variant, run.boot), &in);
      if (!fresh && it->second != &in) {
        throw Error(
          ExitCode::invalid_config,
          fmt::format("cannot merge {} and {}: overlapping boots (runs[{} boot {}] in both)",
                      it->second->origin, in.origin, run.variant, run.boot));
      }
    }
  }
}

std::vector<std::string> missing_shard_warnings(const std::vector<MergeInput>& inputs) {
  std::set<int> present;
  for (const auto& in : inputs) {
    present.insert(shard_of(in.results).index);
  }
  std::vector<std::string> warnings;
  const int count = shard_of(inputs.front().results).count;
  for (int index = 1; index <= count; ++index) {
    if (present.count(index) == 0) {
      warnings.push_back(fmt::format("shard {}/{} is missing: the merged results lack its boots "
                                     "and are marked incomplete",
                                     index, count));
    }
  }
  return warnings;
}

int variant_rank(const Results& r, const std::string& variant) {
  for (std::size_t i = 0; i < r.kernels.size(); ++i) {
    if (r.kernels[i].variant == variant) {
      return static_cast<int>(i);
    }
  }
  return static_cast<int>(r.kernels.size());
}

// Return the runs of every input in the unsharded order: by boot, then by variant.
std::vector<RunRecord> interleaved_runs(const std::vector<MergeInput>& inputs) {
  std::vector<RunRecord> runs;
  for (const auto& in : inputs) {
    runs.insert(runs.end(), in.results.runs.begin(), in.results.runs.end());
  }
  const Results& first = inputs.front().results;
  std::stable_sort(runs.begin(), runs.end(), [&](const RunRecord& x, const RunRecord& y) {
    return std::make_pair(x.boot, variant_rank(first, x.variant)) <
           std::make_pair(y.boot, variant_rank(first, y.variant));
  });
  return runs;
}

Results merged_header(const std::vector<MergeInput>& inputs, bool all_shards) {
  Results merged = inputs.front().results;
  merged.shard.reset();
  merged.reproducer = drop_shard_option(merged.reproducer);
  merged.complete = all_shards;
  merged.phases.clear();
  for (const auto& in : inputs) {
    merged.complete = merged.complete && in.results.complete;
    merged.created = std::min(merged.created, in.results.created);
    for (const auto& [name, seconds] : in.results.phases) {
      merged.phases[name] += seconds; // machine time spent, summed over the shards
    }
  }
  return merged;
}

} // namespace

std::string drop_shard_option(const std::string& command_line) {
  static const std::regex shard_option(R"( --shard(=| +)[^ ]+)");
  return std::regex_replace(command_line, shard_option, "");
}

MergeOutput merge_shards(const std::vector<MergeInput>& inputs) {
  if (inputs.empty()) {
    throw Error(ExitCode::usage, "kbench merge: no results to merge");
  }
  for (std::size_t i = 1; i < inputs.size(); ++i) {
    require_compatible(inputs.front(), inputs[i]);
  }
  require_disjoint(inputs);
  MergeOutput out;
  out.warnings = missing_shard_warnings(inputs);
  out.merged = merged_header(inputs, out.warnings.empty());
  out.merged.runs = interleaved_runs(inputs);
  return out;
}

} // namespace kbench::bench
