// The VMA-count sweep: one complete A/B comparison (baseline and patched,
// booted interleaved) per VMA count, in ascending order, each written into a
// subdirectory of its own (vmas-<N>/results.json, the same files `kbench ab`
// writes). The sweep itself knows nothing about kernels or VMs: a PointRunner
// runs one point, so the loop is deterministic and testable with fakes.
#pragma once

#include <kbench/bench/results.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace kbench::bench {

// The smallest VMA count the guest benchmark accepts.
inline constexpr std::uint64_t k_min_sweep_vmas = 4;

// The largest VMA count the guest benchmark accepts.
inline constexpr std::uint64_t k_max_sweep_vmas = 10'000'000;

// The fewest distinct VMA counts a sweep needs (a line needs two points).
inline constexpr std::size_t k_min_sweep_points = 2;

// Parse a comma-separated list of VMA counts ("1000,2000,5000"); return it
// sorted and deduplicated. Throws kbench::Error (usage) quoting `text` and
// the offending item for an empty item, a non-integer, a count outside
// [k_min_sweep_vmas, k_max_sweep_vmas], or fewer than k_min_sweep_points
// distinct counts.
std::vector<std::uint64_t> parse_vma_list(std::string_view text);

// Check that every VMA count of `vmas` suits `base` (the guest needs
// 2 <= dup_pages <= vmas/2); throws kbench::Error (usage) naming the count.
void check_sweep_points(const Experiment& base, const std::vector<std::uint64_t>& vmas);

// Return the experiment of one point: `base` with `vmas` VMAs.
Experiment point_experiment(const Experiment& base, std::uint64_t vmas);

// Return the subdirectory name of the point with `vmas` VMAs: "vmas-1000".
std::string point_dir_name(std::uint64_t vmas);

// What one point is asked to do.
struct PointRequest {
  Experiment experiment;             // the base experiment with this point's VMA count
  std::filesystem::path results_dir; // the point's own directory (results.json goes there)
  std::string accelerator;           // "" = the user's policy; else "kvm"/"tcg" pinned by point 1
};

// Runs one A/B point and returns its results (the real one wraps AbRunner).
using PointRunner = std::function<Results(const PointRequest&)>;

// One finished point.
struct SweepPoint {
  std::uint64_t vmas = 0; // requested VMA count
  std::string dir;        // subdirectory, relative to the sweep's results directory
  Results results;        // what the point's A/B run returned
};

// A whole sweep, as far as it got.
struct Sweep {
  Experiment base;                 // the experiment every point shares (vmas aside)
  std::vector<std::uint64_t> vmas; // every requested count, ascending
  std::vector<SweepPoint> points;  // finished points, ascending
  std::string accelerator;         // the accelerator point 1 chose, pinned for the rest
  std::string timing;              // the timing mode of point 1 (wall | virtual), every point's
  std::string reproducer;          // the command line that repeats this sweep
  bool complete = false;           // every point ran to the end
};

// Called after each finished point with the sweep so far (e.g. to save it).
using SweepObserver = std::function<void(const Sweep&)>;

// Run every point of `vmas` (ascending) through `run_point` into
// `results_dir`/vmas-<N>; the first point's accelerator is pinned for the
// others so that no sweep mixes KVM and TCG, and a point measured in another
// timing mode than point 1 is an Error (invalid_config); `observe` sees the
// sweep after every point. Exceptions of `run_point` (an interrupt, a build
// error) propagate.
Sweep run_sweep(const Experiment& base, const std::vector<std::uint64_t>& vmas,
                const std::filesystem::path& results_dir, const PointRunner& run_point,
                const SweepObserver& observe = {});

} // namespace kbench::bench
