#include <kbench/bench/scenario.hpp>
#include <kbench/util/error.hpp>

#include <fmt/format.h>

namespace kbench::bench {

Experiment scenario(const std::string& name) {
  Experiment e;
  e.scenario = name;
  e.trigger = "migrate";
  if (name == "seed") {
    e.vmas = 20000;
    e.dup_pages = 256;
    e.walks = 3;
    e.boots = 5; // fewer boots cannot reach significance (exact U test: p >= 0.1 at 3 vs 3)
  } else if (name == "quick") {
    e.vmas = 2000;
    e.dup_pages = 16;
    e.walks = 5;
    e.boots = 5; // cheap enough for the 5 boots a verdict needs
  } else {
    throw Error(ExitCode::usage, fmt::format("unknown scenario \"{}\" (known: seed, quick)", name));
  }
  return e;
}

std::string guest_cmdline(const Experiment& e) {
  std::string cmdline =
    fmt::format("kbench.mode=bench kbench.vmas={} kbench.dup_pages={} kbench.walks={} "
                "kbench.trigger={} kbench.seed={} kbench.victim={}",
                e.vmas, e.dup_pages, e.walks, e.trigger, e.seed, e.victim ? 1 : 0);
  if (e.vcpus >= 2) {
    // rmap_benchmark runs the walker alone on the last CPU: keep the tick
    // (CONFIG_NO_HZ_FULL) and device interrupts off it.
    cmdline += fmt::format(" nohz_full={} irqaffinity=0", e.vcpus - 1);
  }
  return cmdline;
}

std::chrono::minutes default_run_deadline(const Experiment& e) {
  // Under TCG a baseline walk over 20,000 VMAs x 256 rmap_items takes ~25 s;
  // allow a generous multiple, scaled by the work per boot.
  const double work =
    static_cast<double>(e.vmas) * static_cast<double>(e.dup_pages) * static_cast<double>(e.walks);
  const double minutes = 5.0 + work / (20000.0 * 256.0) * 2.0;
  return std::chrono::minutes(static_cast<long>(minutes));
}

} // namespace kbench::bench
