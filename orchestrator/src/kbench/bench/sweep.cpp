#include <kbench/bench/sweep.hpp>
#include <kbench/util/error.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>

namespace kbench::bench {

namespace {

[[noreturn]] void list_error(std::string_view text, const std::string& why) {
  throw Error(ExitCode::usage, fmt::format("--vmas \"{}\": {}", text, why));
}

// Return the items of `text` split at commas (an empty text gives one empty item).
std::vector<std::string_view> split_commas(std::string_view text) {
  std::vector<std::string_view> items;
  std::size_t start = 0;
  while (true) {
    const auto comma = text.find(',', start);
    items.push_back(text.substr(start, comma == std::string_view::npos ? comma : comma - start));
    if (comma == std::string_view::npos) {
      return items;
    }
    start = comma + 1;
  }
}

std::uint64_t parse_count(std::string_view text, std::string_view item) {
  if (item.empty()) {
    list_error(text, "empty item (expected comma-separated VMA counts, e.g. 1000,2000,5000)");
  }
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), value);
  if (ec == std::errc::result_out_of_range) {
    list_error(text, fmt::format("\"{}\" is out of range [{}, {}]", item, k_min_sweep_vmas,
                                 k_max_sweep_vmas));
  }
  if (ec != std::errc() || end != item.data() + item.size()) {
    list_error(text, fmt::format("\"{}\" is not a positive integer", item));
  }
  if (value < k_min_sweep_vmas || value > k_max_sweep_vmas) {
    list_error(text, fmt::format("\"{}\" is out of range [{}, {}]", item, k_min_sweep_vmas,
                                 k_max_sweep_vmas));
  }
  return value;
}

std::string accelerator_of(const Results& results) {
  const auto it = results.environment.find("accelerator");
  return it == results.environment.end() ? std::string() : it->second;
}

std::string timing_mode_of(const Results& results) {
  const auto it = results.environment.find("timing");
  return it == results.environment.end() || it->second.empty() ? "wall" : it->second;
}

// Record point 1's timing mode in `sweep`; throw when a later `point` differs.
void pin_timing(Sweep& sweep, const SweepPoint& point) {
  const std::string mode = timing_mode_of(point.results);
  if (sweep.timing.empty()) {
    sweep.timing = mode;
  } else if (mode != sweep.timing) {
    throw Error(ExitCode::invalid_config,
                fmt::format("sweep point {} VMAs was measured in {} time, the points before it in "
                            "{} time: a sweep never mixes timing modes",
                            point.vmas, mode, sweep.timing));
  }
}

} // namespace

std::vector<std::uint64_t> parse_vma_list(std::string_view text) {
  std::vector<std::uint64_t> counts;
  for (const auto item : split_commas(text)) {
    counts.push_back(parse_count(text, item));
  }
  std::sort(counts.begin(), counts.end());
  counts.erase(std::unique(counts.begin(), counts.end()), counts.end());
  if (counts.size() < k_min_sweep_points) {
    list_error(text, fmt::format("a sweep needs at least {} distinct VMA counts, got {}",
                                 k_min_sweep_points, counts.size()));
  }
  return counts;
}

void check_sweep_points(const Experiment& base, const std::vector<std::uint64_t>& vmas) {
  for (const auto count : vmas) {
    if (base.dup_pages < 2 || base.dup_pages > count / 2) {
      throw Error(ExitCode::usage,
                  fmt::format("--vmas: {} VMAs cannot hold {} duplicate pages (the guest needs "
                              "2 <= dup_pages <= vmas/2 = {}); raise the count or lower "
                              "--dup-pages",
                              count, base.dup_pages, count / 2));
    }
  }
}

Experiment point_experiment(const Experiment& base, std::uint64_t vmas) {
  Experiment e = base;
  e.vmas = vmas;
  return e;
}

std::string point_dir_name(std::uint64_t vmas) {
  return fmt::format("vmas-{}", vmas);
}

Sweep run_sweep(const Experiment& base, const std::vector<std::uint64_t>& vmas,
                const std::filesystem::path& results_dir, const PointRunner& run_point,
                const SweepObserver& observe) {
  Sweep sweep;
  sweep.base = base;
  sweep.vmas = vmas;
  std::sort(sweep.vmas.begin(), sweep.vmas.end());
  for (std::size_t i = 0; i < sweep.vmas.size(); ++i) {
    const std::uint64_t count = sweep.vmas[i];
    spdlog::info("sweep point {}/{}: {} VMAs", i + 1, sweep.vmas.size(), count);
    PointRequest request{ point_experiment(base, count), results_dir / point_dir_name(count),
                          sweep.accelerator };
    SweepPoint point{ count, point_dir_name(count), run_point(request) };
    if (sweep.accelerator.empty()) {
      sweep.accelerator = accelerator_of(point.results);
    }
    pin_timing(sweep, point);
    sweep.points.push_back(std::move(point));
    sweep.complete = sweep.points.size() == sweep.vmas.size();
    if (observe) {
      observe(sweep);
    }
  }
  return sweep;
}

} // namespace kbench::bench
