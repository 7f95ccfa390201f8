#include <kbench/bench/results.hpp>
#include <kbench/bench/results_check.hpp>
#include <kbench/util/error.hpp>
#include <kbench/util/fs.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace kbench::bench {} // namespace kbench::bench

namespace kbench::vm {

// results.json spells an outcome by its name (to_string); check_results_json()
// refused unknown names before any conversion.
void to_json(nlohmann::json& j, Outcome outcome) {
  j = std::string(to_string(outcome));
}

void from_json(const nlohmann::json& j, Outcome& outcome) {
  const auto parsed = parse_outcome(j.get<std::string>());
  if (!parsed) {
    throw Error(ExitCode::invalid_config, fmt::format("unknown outcome {}", j.dump()));
  }
  outcome = *parsed;
}

} // namespace kbench::vm

namespace kbench::bench {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Experiment, scenario, vmas, dup_pages, walks,
                                                trigger, seed, victim, boots, vcpus, memory_mib,
                                                numa_nodes, accelerator_policy, timing_policy)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(PatchRecord, file, sha256, subject)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(KernelRecord, variant, bzimage, bzimage_sha256,
                                                config_sha256, release, key, cache_hit,
                                                build_seconds, series)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ShardRecord, index, count, boots)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(CheckRecord, walk, name, ok, detail)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(
  RunRecord, variant, boot, outcome, reason, accelerator, timing, phases, guest_status, guest_error,
  method, kernel_release, clocksource, vmas_requested, vmas_real, pages_shared, pages_sharing,
  merge_ms, trace_overrun, trace_dropped, walk_ns, lock_hold_ns, victim_stall_ns, trigger_ns,
  walk_holds_timed_ns, walk_iterations, lock_hold_iterations, holds_lost, victim_count,
  victim_max_ns, checks, warnings, backtrace, work_dir, qemu_argv)

nlohmann::json to_json(const Results& r) {
  nlohmann::json j = { { "schema", "kbench-results" },
                       { "version", r.version },
                       { "complete", r.complete },
                       { "kbench_version", r.kbench_version },
                       { "created", r.created },
                       { "experiment", r.experiment },
                       { "environment", r.environment },
                       { "source", r.source },
                       { "kernels", r.kernels },
                       { "initramfs_sha256", r.initramfs_sha256 },
                       { "runs", r.runs },
                       { "phases", r.phases },
                       { "reproducer", r.reproducer } };
  if (r.shard) {
    j["shard"] = *r.shard;
  }
  // Written only when known: files from before timing modes round-trip unchanged.
  if (r.experiment.timing_policy.empty()) {
    j["experiment"].erase("timing_policy");
  }
  for (auto& run : j["runs"]) {
    if (run.value("timing", "").empty()) {
      run.erase("timing");
    }
    // Measurement-layer fields: absent from runs measured without the layer.
    for (const char* key : { "walk_holds_timed_ns", "walk_iterations", "lock_hold_iterations" }) {
      if (run.at(key).empty()) {
        run.erase(key);
      }
    }
    if (run.at("holds_lost") == 0) {
      run.erase("holds_lost");
    }
  }
  if (!r.provenance.experiment_sha256.empty()) { // absent: written without an experiment
    j["experiment_sha256"] = r.provenance.experiment_sha256;
    j["experiment_yaml"] = r.provenance.experiment_yaml;
    j["experiment_effective"] = r.provenance.experiment_effective;
    j["inputs"] = r.provenance.inputs;
  }
  return j;
}

Results results_from_json(const nlohmann::json& j, const std::string& origin) {
  try {
    if (j.value("schema", "") != "kbench-results") {
      throw Error(
        ExitCode::invalid_config,
        fmt::format("{}: not a kbench results file (no \"schema\": \"kbench-results\")", origin));
    }
    Results r;
    r.version = j.at("version").get<int>();
    if (r.version != k_results_version) {
      throw Error(ExitCode::invalid_config,
                  fmt::format("{}: results version {} is not supported (this kbench reads {})",
                              origin, r.version, k_results_version));
    }
    check_results_json(j, origin);
    r.complete = j.value("complete", false);
    r.kbench_version = j.value("kbench_version", "");
    r.created = j.value("created", "");
    r.experiment = j.at("experiment").get<Experiment>();
    r.environment = j.value("environment", std::map<std::string, std::string>{});
    r.source = j.value("source", "");
    r.kernels = j.at("kernels").get<std::vector<KernelRecord>>();
    r.initramfs_sha256 = j.value("initramfs_sha256", "");
    r.runs = j.at("runs").get<std::vector<RunRecord>>();
    r.phases = j.value("phases", std::map<std::string, double>{});
    r.reproducer = j.value("reproducer", "");
    if (j.contains("shard")) {
      r.shard = j.at("shard").get<ShardRecord>();
    }
    r.provenance.experiment_sha256 = j.value("experiment_sha256", "");
    r.provenance.experiment_yaml = j.value("experiment_yaml", "");
    r.provenance.experiment_effective = j.value("experiment_effective", nlohmann::json());
    r.provenance.inputs = j.value("inputs", std::map<std::string, std::string>{});
    return r;
  } catch (const nlohmann::json::exception& e) {
    throw Error(ExitCode::invalid_config, fmt::format("{}: {}", origin, e.what()));
  }
}

Results read_results(const std::filesystem::path& path) {
  const std::string text = util::read_input(path, k_results_file);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(ExitCode::invalid_config, fmt::format("{}: {}", path.string(), e.what()));
  }
  return results_from_json(j, path.string());
}

void write_results(const Results& results, const std::filesystem::path& path) {
  util::write_file_atomic(path, to_json(results).dump(1) + "\n");
}

vm::RunEnd run_end(const Results& results) {
  vm::RunEnd end;
  end.complete = results.complete;
  for (const auto& run : results.runs) {
    end.outcomes.push_back(run.outcome);
    end.failed_check = end.failed_check || std::any_of(run.checks.begin(), run.checks.end(),
                                                       [](const auto& c) { return !c.ok; });
  }
  return end;
}

std::string end_cause(const Results& results) {
  const ExitCode code = vm::exit_code_of(run_end(results));
  if (code == ExitCode::ok) {
    return {};
  }
  const auto failed =
    std::count_if(results.runs.begin(), results.runs.end(),
                  [](const RunRecord& r) { return r.outcome != vm::Outcome::ok; });
  const std::string tally =
    fmt::format("{} of {} boot(s) did not end OK", failed, results.runs.size());
  for (const auto& run : results.runs) {
    if (run.outcome != vm::Outcome::ok && vm::exit_code_of({ { run.outcome } }) == code) {
      return fmt::format("{} boot {}: {}: {} ({})", run.variant, run.boot, run.outcome, run.reason,
                         tally);
    }
  }
  for (const auto& run : results.runs) {
    for (const auto& check : run.checks) {
      if (!check.ok) {
        return fmt::format("{} boot {}: correctness check {} failed at walk {}: {} ({})",
                           run.variant, run.boot, check.name, check.walk, check.detail, tally);
      }
    }
  }
  return fmt::format("the run did not finish: {} ({})",
                     results.runs.empty() ? "it made no boot" : "it was stopped early", tally);
}

std::string timing_of(const RunRecord& run) {
  return run.timing.empty() ? "wall" : run.timing;
}

std::vector<const RunRecord*> ok_runs(const Results& results, const std::string& variant) {
  std::vector<const RunRecord*> runs;
  for (const auto& run : results.runs) {
    if (run.variant == variant && run.outcome == vm::Outcome::ok) {
      runs.push_back(&run);
    }
  }
  return runs;
}

} // namespace kbench::bench
