// The check of a results.json before kbench believes it: every key kbench
// knows has the type and the range docs/results-schema.md gives it (a sample
// is a duration in ns, never negative, never beyond the longest run), and the
// first value that is not is named by its JSON path.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace kbench::bench {

// The largest duration a results file may hold, in ns: 7 days, the longest
// run deadline an experiment accepts (deadlines.run_s).
inline constexpr std::uint64_t k_max_duration_ns = std::uint64_t{ 7 } * 86400 * 1'000'000'000;

// The largest count (VMAs, pages, events): 2^53, exact as a JSON number.
inline constexpr std::uint64_t k_max_count = std::uint64_t{ 1 } << 53;

// Throw kbench::Error (invalid_config) "ORIGIN: PATH: problem" for the first
// value of `results` (a parsed results.json from `origin`) with the wrong type
// or out of its range, and for a missing required key; unknown keys pass.
void check_results_json(const nlohmann::json& results, const std::string& origin);

} // namespace kbench::bench
