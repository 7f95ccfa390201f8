// What a report compares: side A (the reference) and side B, each one variant
// of one results.json. `kbench ab` compares baseline against patched of one
// run; `kbench compare` compares a variant of one file against a variant of
// another (for example one kernel measured on two machines).
#pragma once

#include <kbench/bench/results.hpp>

#include <string>
#include <vector>

namespace kbench::report {

// One side of a comparison.
struct Side {
  const bench::Results* results = nullptr; // the run this side comes from (not owned)
  std::string variant;                     // "baseline" or "patched" (RunRecord::variant)
  std::string label;                       // short name in tables and plots (<= 10 chars)
  std::string seed_label;                  // row label of the seed block ("Before:", "A:")
  std::string origin;                      // where the side comes from (a file), "" for `ab`
};

// The two sides of a report; A is the reference ("before").
struct Sides {
  Side a;           // the reference side (baseline)
  Side b;           // the compared side (patched)
  std::string kind; // "ab" (one run, baseline vs patched) or "compare" (two files)
};

// Return the sides of an A/B run: baseline ("Before:") against patched ("After:").
Sides ab_sides(const bench::Results& results);

// Return the sides of a comparison of variant `variant_a` of `a` (label "A",
// from `origin_a`) against variant `variant_b` of `b` (label "B").
Sides compare_sides(const bench::Results& a, const std::string& variant_a,
                    const std::string& origin_a, const bench::Results& b,
                    const std::string& variant_b, const std::string& origin_b);

// Return the runs of `side`'s variant (every outcome), in execution order.
std::vector<const bench::RunRecord*> side_runs(const Side& side);

// Return the kernel record of `side`'s variant, or nullptr when the results have none.
const bench::KernelRecord* side_kernel(const Side& side);

// Return the distinct non-empty accelerators `side`'s runs used, sorted.
std::vector<std::string> side_accelerators(const Side& side);

// Return the distinct timing modes ("virtual", "wall") `side`'s runs were measured in, sorted.
std::vector<std::string> side_timings(const Side& side);

// Throw kbench::Error(invalid_config) when the runs of the two sides (or of one
// side) used different accelerators (e.g. KVM against TCG) or different timing
// modes (virtual time against wall-clock time): such numbers are never
// comparable, so kbench refuses to report them.
void check_comparable(const Sides& sides);

} // namespace kbench::report
