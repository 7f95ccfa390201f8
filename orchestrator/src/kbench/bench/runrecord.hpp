// Turning one finished boot (the VM runner's facts and the parsed result
// channel) into a classified RunRecord for results.json.
#pragma once

#include <kbench/bench/resultchannel.hpp>
#include <kbench/bench/results.hpp>
#include <kbench/vm/outcome.hpp>
#include <kbench/vm/vm_runner.hpp>

#include <filesystem>
#include <string>

namespace kbench::bench {

// Return the VM layer's view of what the guest reported in `parse`.
vm::GuestStatus guest_status_of(const ChannelParse& parse);

// Return the record of boot `boot` of `variant`: outcome (vm::classify),
// every sample, the guest's counters and checks; paths are made relative to
// `results_dir`.
RunRecord make_run_record(const std::string& variant, int boot, const vm::VmRun& run,
                          const ChannelParse& parse, const std::filesystem::path& results_dir);

} // namespace kbench::bench
