#include <kbench/report/format.hpp>
#include <kbench/report/metrics.hpp>
#include <kbench/report/seedblock.hpp>
#include <kbench/report/table.hpp>
#include <kbench/stats/descriptive.hpp>
#include <kbench/vm/timing.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>
#include <vector>

namespace kbench::report {

namespace {

constexpr std::size_t k_label_width = 15;    // "KSM rmapping   " / "Before:        "
constexpr std::size_t k_min_cell_width = 27; // "705.12 ms (705119858 ns)   "

// What the numbers of a wall-clock run are (vm::k_virtual_time_note for virtual time).
constexpr std::string_view k_wall_time_note =
  "wall-clock time: the host's clock; not comparable with virtual-time runs";

// The maximum and the average of one side's samples of one metric, or nothing.
struct SeedCells {
  std::string max = "n/a";
  std::string mean = "n/a";
};

SeedCells seed_cells(const Side& side, const MetricSpec& spec) {
  const auto samples = pooled_samples(side, spec);
  if (samples.empty()) {
    return {};
  }
  std::uint64_t max = *std::max_element(samples.begin(), samples.end());
  if (spec.samples == &bench::RunRecord::victim_stall_ns) {
    // The victim samples are a reservoir; the guest also reports the exact maximum.
    for (const auto* run : bench::ok_runs(*side.results, side.variant)) {
      max = std::max(max, run->victim_max_ns);
    }
  }
  std::vector<double> values;
  values.reserve(samples.size());
  for (const auto v : samples) {
    values.push_back(static_cast<double>(v));
  }
  return { format_seed_cell(static_cast<double>(max)), format_seed_cell(stats::mean(values)) };
}

std::string render_block(const Sides& sides, const MetricSpec& spec) {
  const SeedCells a = seed_cells(sides.a, spec);
  const SeedCells b = seed_cells(sides.b, spec);
  const std::size_t width = std::max({ k_min_cell_width, a.max.size() + 3, b.max.size() + 3 });
  const auto row = [&](const std::string& label, const std::string& max, const std::string& mean) {
    return pad_right(label, k_label_width) + pad_right(max, width) + mean + "\n";
  };
  return row(spec.seed_title, "Maximum duration", "Average duration") +
         row(sides.a.seed_label, a.max, a.mean) + row(sides.b.seed_label, b.max, b.mean);
}

std::string side_summary(const Side& side) {
  const std::string series = series_description(side);
  return fmt::format("kernel {} {} on {}, scenario {}", kernel_release(side),
                     series == "none" ? "(no patches)" : "+ " + series, accelerator_of(side),
                     side.results->experiment.scenario.empty() ? "unknown"
                                                               : side.results->experiment.scenario);
}

} // namespace

std::string kernel_release(const Side& side) {
  if (const auto* kernel = side_kernel(side); kernel != nullptr && !kernel->release.empty()) {
    return kernel->release;
  }
  for (const auto* run : side_runs(side)) {
    if (!run->kernel_release.empty()) {
      return run->kernel_release;
    }
  }
  return "unknown";
}

std::string accelerator_of(const Side& side) {
  const auto found = side_accelerators(side);
  if (!found.empty()) {
    return fmt::format("{}", fmt::join(found, "+"));
  }
  const auto it = side.results->environment.find("accelerator");
  return it != side.results->environment.end() && !it->second.empty() ? it->second : "unknown";
}

std::string timing_of(const Side& side) {
  std::vector<std::string> words;
  for (const auto& mode : side_timings(side)) {
    words.emplace_back(mode == "virtual" ? "virtual time" : "wall-clock time");
  }
  return words.empty() ? "unknown" : fmt::format("{}", fmt::join(words, "+"));
}

std::string series_description(const Side& side) {
  const auto* kernel = side_kernel(side);
  if (kernel == nullptr) {
    return "unknown";
  }
  const Side base{ side.results, "baseline", "", "", "" };
  const auto* baseline = side.variant == "baseline" ? nullptr : side_kernel(base);
  std::vector<std::string> dirs;
  std::size_t count = 0;
  for (const auto& patch : kernel->series) {
    const bool common =
      baseline != nullptr &&
      std::any_of(baseline->series.begin(), baseline->series.end(),
                  [&](const bench::PatchRecord& p) { return p.sha256 == patch.sha256; });
    if (common || side.variant == "baseline") {
      continue;
    }
    ++count;
    const std::string dir = std::filesystem::path(patch.file).parent_path().string();
    if (std::find(dirs.begin(), dirs.end(), dir) == dirs.end()) {
      dirs.push_back(dir.empty() ? "." : dir);
    }
  }
  if (count == 0) {
    return "none";
  }
  return fmt::format("{} ({} patch{})", fmt::join(dirs, "+"), count, count == 1 ? "" : "es");
}

std::string render_header(const Sides& sides) {
  std::string out;
  if (sides.kind == "ab") {
    out = side_summary(sides.b) + "\n";
  } else {
    for (const Side* side : { &sides.a, &sides.b }) {
      out += fmt::format("{} {} {}: {}\n", side->seed_label, side->origin, side->variant,
                         side_summary(*side));
    }
  }
  const auto virtual_time = [](const Side& side) {
    const auto modes = side_timings(side);
    return std::find(modes.begin(), modes.end(), "virtual") != modes.end();
  };
  const std::string_view note =
    virtual_time(sides.a) || virtual_time(sides.b) ? vm::k_virtual_time_note : k_wall_time_note;
  return out + wrap_words(note, k_text_width);
}

std::string render_seed_blocks(const Sides& sides) {
  std::string out = render_header(sides);
  for (const auto& spec : report_metrics()) {
    out += "\n" + render_block(sides, spec);
  }
  return out;
}

std::string render_seed_blocks(const bench::Results& results) {
  return render_seed_blocks(ab_sides(results));
}

} // namespace kbench::report
