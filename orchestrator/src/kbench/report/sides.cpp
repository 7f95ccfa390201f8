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
  std::vector<std::string> found;
  for (const auto* run : side_runs(side)) {
    if (!run->accelerator.empty() &&
        std::find(found.begin(), found.end(), run->accelerator) == found.end()) {
      found.push_back(run->accelerator);
    }
  }
  std::sort(found.begin(), found.end());
  return found;
}

void check_accelerators(const Sides& sides) {
  const auto a = side_accelerators(sides.a);
  const auto b = side_accelerators(sides.b);
  if (a.size() > 1 || b.size() > 1 || (!a.empty() && !b.empty() && a != b)) {
    throw Error(ExitCode::invalid_config,
                fmt::format("refusing to compare runs made under different accelerators: {} "
                            "ran under {}, {} under {}; KVM and TCG timings are not comparable",
                            describe(sides.a), fmt::join(a, "+"), describe(sides.b),
                            fmt::join(b, "+")));
  }
}

} // namespace kbench::report
