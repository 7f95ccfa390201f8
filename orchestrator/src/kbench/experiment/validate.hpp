// The semantic checks of an effective experiment: ranges, contradictions and
// missing files, each located where the offending value was set.
#pragma once

#include <kbench/experiment/diagnostic.hpp>
#include <kbench/experiment/experiment.hpp>

#include <cstdint>
#include <filesystem>
#include <set>
#include <string>

namespace kbench::experiment {

// KSM's default max_page_sharing: more duplicates than this make several KSM pages.
inline constexpr std::uint64_t k_max_page_sharing = 256;

// The guest benchmark's own VMA limit (guest/rmap_benchmark.c); it raises vm.max_map_count
// to 2*vmas+10000, which stays far below the sysctl's limit of 2^31-1.
inline constexpr std::uint64_t k_max_vmas = 10'000'000;

// Guest memory kbench budgets per VMA, in KiB: the VMA's own 4 KiB page plus its
// vm_area_struct, anon_vma_chain, maple-tree share, rmap_item and page tables, rounded up.
inline constexpr std::uint64_t k_kib_per_vma = 8;

// Guest memory the kernel and the benchmark need besides the region, in MiB.
inline constexpr int k_base_memory_mib = 192;

// Return the smallest vm.memory_mib the workload of `experiment` fits in.
std::uint64_t required_memory_mib(const Experiment& experiment);

// Return every range, contradiction and missing-file problem of `experiment`; keys in `skip`
// (rejected by the loader) are not checked again. "@data/" paths resolve against `data_dir`.
Diagnostics validate(const Experiment& experiment, const std::filesystem::path& data_dir,
                     const std::set<std::string>& skip = {});

// Return `path` with the "@data/" prefix resolved against `data_dir`.
std::filesystem::path resolve_data_path(const std::string& path,
                                        const std::filesystem::path& data_dir);

} // namespace kbench::experiment
