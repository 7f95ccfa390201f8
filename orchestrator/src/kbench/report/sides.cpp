#include <kbench/report/sides.hpp>
#include <kbench/util/error.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace kbench::report {

namespace {

std::string describe(const Side& side) {
  return side.origin.empty() ? side.variant : fmt::format("{} {}", side.origin, side.variant);
}

// Return the distinct non-empty values of `field` over `side`'s runs, sorted.
template<typename Field>
std::vector<std::string> side_values(const Side& side, Field field) {
  std::vector<std::string> found;
  for (const auto* run : side_runs(side)) {
    const std::string value = field(*run);
    if (!value.empty() && std::find(found.begin(), found.end(), value) == found.end()) {
      found.push_back(value);
    }
  }
  std::sort(found.begin(), found.end());
  return found;
}

// Return true when each side has one value and both have the same (a side
// without runs says nothing).
bool same_values(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  return a.size() <= 1 && b.size() <= 1 && (a.empty() || b.empty() || a == b);
}

std::string timing_words(const std::vector<std::string>& modes) {
  std::vector<std::string> words;
  for (const auto& mode : modes) {
    words.emplace_back(mode == "virtual" ? "virtual time" : "wall-clock time");
  }
  return fmt::format("{}", fmt::join(words, " and "));
}

} // namespace

Sides ab_sides(const bench::Results& results) {
  return { { &results, "baseline", "baseline", "Before:", "" },
           { &results, "patched", "patched", "After:", "" },
           "ab" };
}

Sides compare_sides(const bench::Results& a, const std::string& variant_a,
                    const std::string& origin_a, const bench::Results& b,
                    const std::string& variant_b, const std::string& origin_b) {
  return { { &a, variant_a, "A", "A:", origin_a },
           { &b, variant_b, "B", "B:", origin_b },
           "compare" };
}

std::vector<const bench::RunRecord*> side_runs(const Side& side) {
  std::vector<const bench::RunRecord*> runs;
  for (const auto& run : side.results->runs) {
    if (run.variant == side.variant) {
      runs.push_back(&run);
    }
  }
  return runs;
}

const bench::KernelRecord* side_kernel(const Side& side) {
  for (const auto& kernel : side.results->kernels) {
    if (kernel.variant == side.variant) {
      return &kernel;
    }
  }
  return nullptr;
}

std::vector<std::string> side_accelerators(const Side& side) {
  return side_values(side, [](const bench::RunRecord& run) { return run.accelerator; });
}

std::vector<std::string> side_timings(const Side& side) {
  return side_values(side, [](const bench::RunRecord& run) { return bench::timing_of(run); });
}

void check_comparable(const Sides& sides) {
  const auto a = side_accelerators(sides.a);
  const auto b = side_accelerators(sides.b);
  if (!same_values(a, b)) {
    throw Error(ExitCode::invalid_config,
                fmt::format("refusing to compare runs made under different accelerators: {} "
                            "ran under {}, {} under {}; KVM and TCG timings are not comparable",
                            describe(sides.a), fmt::join(a, "+"), describe(sides.b),
                            fmt::join(b, "+")));
  }
  const auto ta = side_timings(sides.a);
  const auto tb = side_timings(sides.b);
  if (!same_values(ta, tb)) {
    throw Error(ExitCode::invalid_config,
                fmt::format("refusing to compare runs measured in different timing modes: {} "
                            "was measured in {}, {} in {}; virtual time counts instructions "
                            "executed and wall-clock time follows the host, so their numbers "
                            "are not comparable (rerun one side with --timing {})",
                            describe(sides.a), timing_words(ta), describe(sides.b),
                            timing_words(tb), ta.empty() ? "wall" : ta.front()));
  }
}

} // namespace kbench::report
