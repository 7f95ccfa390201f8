#include <kbench/bench/runrecord.hpp>

#include <fmt/format.h>

namespace kbench::bench {

namespace fs = std::filesystem;

namespace {

double seconds(const std::optional<std::chrono::milliseconds>& ms) {
  return ms ? static_cast<double>(ms->count()) / 1000.0 : 0.0;
}

std::string meta(const GuestResult& g, const std::string& key) {
  const auto it = g.metadata.find(key);
  return it == g.metadata.end() ? "" : it->second;
}

void copy_samples(const GuestResult& g, RunRecord& r) {
  // Walk durations come from walks without lock-hold timing; the walks that
  // timed their holds are kept apart (their cost is the timing's overhead).
  for (const auto& w : g.rmap_walks) {
    if (!w.holds_timed) {
      r.walk_ns.push_back(w.duration_ns);
      continue;
    }
    r.walk_holds_timed_ns.push_back(w.duration_ns);
    r.walk_iterations.push_back(w.iterations.value_or(0));
    r.holds_lost += w.holds_lost.value_or(0);
  }
  for (const auto& l : g.lock_holds) {
    r.lock_hold_ns.push_back(l.hold_ns);
    r.lock_hold_iterations.push_back(l.iterations);
  }
  for (const auto& v : g.victim_samples) {
    r.victim_stall_ns.push_back(v.stall_ns);
  }
  for (const auto& s : g.victim_summaries) {
    r.victim_count += s.count;
    r.victim_max_ns = std::max(r.victim_max_ns, s.max_ns);
  }
  for (const auto& t : g.walks) {
    if (!t.holds_timed) {
      r.trigger_ns.push_back(t.trigger_ns);
    }
  }
  for (const auto& loss : g.trace_losses) {
    r.trace_overrun += loss.overrun;
    r.trace_dropped += loss.dropped;
  }
}

void copy_guest_facts(const GuestResult& g, RunRecord& r) {
  r.guest_error = g.error;
  r.method = std::string(measurement_method_name(g.method));
  r.kernel_release = meta(g, "kernel_release");
  r.clocksource = meta(g, "clocksource");
  if (g.vmas) {
    r.vmas_requested = g.vmas->requested;
    r.vmas_real = g.vmas->real;
  }
  const auto& ksm = g.ksm_merged ? g.ksm_merged : g.ksm_final;
  if (ksm) {
    r.pages_shared = ksm->pages_shared;
    r.pages_sharing = ksm->pages_sharing;
    r.merge_ms = ksm->merge_ns ? static_cast<double>(*ksm->merge_ns) / 1e6 : 0.0;
  }
  for (const auto& c : g.checks) {
    std::string detail = c.detail;
    if (c.page) {
      detail = fmt::format("page {}: {}", *c.page, detail);
    }
    r.checks.push_back({ c.walk, c.name, c.ok, detail });
  }
  r.warnings = g.warnings;
  copy_samples(g, r);
  if (r.holds_lost > 0) {
    r.warnings.push_back(fmt::format("{} lock holds beyond the measurement layer's buffer were "
                                     "not recorded",
                                     r.holds_lost));
  }
}

} // namespace

vm::GuestStatus guest_status_of(const ChannelParse& parse) {
  const GuestResult& g = parse.result;
  if (g.record_count == 0) {
    return vm::GuestStatus::none;
  }
  if (!g.complete || parse.error) {
    return vm::GuestStatus::pending;
  }
  switch (g.status) {
    case GuestStatus::ok:
      return vm::GuestStatus::ok;
    case GuestStatus::correctness_fail:
      return vm::GuestStatus::correctness_fail;
    case GuestStatus::bench_fail:
      return vm::GuestStatus::bench_fail;
    case GuestStatus::pending:
      return vm::GuestStatus::pending;
    case GuestStatus::probe:
      return vm::GuestStatus::bench_fail;
  }
  return vm::GuestStatus::pending;
}

RunRecord make_run_record(const std::string& variant, int boot, const vm::VmRun& run,
                          const ChannelParse& parse, const fs::path& results_dir) {
  const vm::GuestStatus status = guest_status_of(parse);
  const vm::Verdict verdict = vm::classify(run, status);
  RunRecord r;
  r.variant = variant;
  r.boot = boot;
  r.outcome = verdict.outcome;
  r.reason = verdict.reason;
  r.accelerator = std::string(vm::to_string(run.accelerator));
  r.timing = std::string(vm::to_string(run.timing));
  r.phases = { { "boot_to_init", seconds(run.timings.boot_to_init) },
               { "benchmark", seconds(run.timings.benchmark) },
               { "shutdown", seconds(run.timings.shutdown) },
               { "total", static_cast<double>(run.timings.total.count()) / 1000.0 } };
  r.guest_status = std::string(vm::to_string(status));
  copy_guest_facts(parse.result, r);
  if (parse.error && status != vm::GuestStatus::none) {
    r.warnings.push_back(
      fmt::format("result channel line {}: {}", parse.error->line, parse.error->message));
  }
  r.backtrace = run.console.backtrace;
  r.work_dir = run.console_log.parent_path().lexically_relative(results_dir).string();
  r.qemu_argv = run.argv;
  return r;
}

} // namespace kbench::bench
