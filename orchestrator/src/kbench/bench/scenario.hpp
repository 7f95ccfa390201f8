// Benchmark scenarios: the workload parameters a boot runs with, and the
// guest kernel command line that carries them to guest/init.
#pragma once

#include <kbench/bench/results.hpp>

#include <chrono>
#include <string>

namespace kbench::bench {

// Return the named scenario as an Experiment: "seed" (the cover letter's
// 20,000 VMAs, 256 pages) or "quick" (2,000 VMAs, 16 pages: tests and CI);
// throw kbench::Error (usage) for an unknown name.
Experiment scenario(const std::string& name);

// Return the guest parameters of `experiment` ("kbench.mode=bench kbench.vmas=...",
// and with two or more vCPUs "nohz_full=<last CPU> irqaffinity=0").
std::string guest_cmdline(const Experiment& experiment);

// Return a run deadline suited to `experiment` under TCG (the slow case).
std::chrono::minutes default_run_deadline(const Experiment& experiment);

} // namespace kbench::bench
