#include <kbench/report/format.hpp>
#include <kbench/report/markdown.hpp>
#include <kbench/report/seedblock.hpp>
#include <kbench/report/table.hpp>
#include <kbench/stats/descriptive.hpp>
#include <kbench/util/process.hpp>
#include <kbench/vm/timing.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace kbench::report {

namespace {

std::string table_row(const std::vector<std::string>& cells) {
  return "| " + fmt::format("{}", fmt::join(cells, " | ")) + " |\n";
}

std::string table_head(const std::vector<std::string>& cells, const std::string& align) {
  std::vector<std::string> rule;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    rule.emplace_back(i < align.size() && align[i] == 'r' ? "---:" : "---");
  }
  return table_row(cells) + table_row(rule);
}

std::string code_block(const std::string& text) {
  return "```text\n" + text + (text.empty() || text.back() == '\n' ? "" : "\n") + "```\n";
}

std::string statistics_section(const Analysis& analysis) {
  const auto& a = analysis.sides.a.label;
  const auto& b = analysis.sides.b.label;
  const int conf = static_cast<int>(std::lround(100.0 * analysis.settings.bootstrap.confidence));
  std::string out = "## Statistics\n\n";
  out += table_head({ "metric", a, "±%sd", "%change", fmt::format("{}% CI", conf), b, "±%sd",
                      "ratio A/B", "p", "verdict" },
                    "lrrrrrrrrl");
  for (const auto& m : analysis.metrics) {
    for (const bool max : { false, true }) {
      const auto& c = m.comparison;
      const auto& j = max ? c.max : c.mean;
      const auto& pa = max ? c.baseline.boot_max : c.baseline.boot_mean;
      const auto& pb = max ? c.patched.boot_max : c.patched.boot_mean;
      const bool data = c.baseline.n > 0 && c.patched.n > 0;
      out += table_row({ m.spec->short_name + (max ? " max" : " mean"),
                         format_duration(stats::mean(pa), c.baseline.n > 0),
                         c.baseline.n > 0 ? format_cov(stats::coefficient_of_variation(pa)) : "",
                         data ? format_change(j.change.point) : "n/a",
                         data ? fmt::format("[{}, {}]", format_change(j.change.ci.low),
                                            format_change(j.change.ci.high))
                              : "",
                         format_duration(stats::mean(pb), c.patched.n > 0),
                         c.patched.n > 0 ? format_cov(stats::coefficient_of_variation(pb)) : "",
                         data ? format_ratio(j.ratio.point) : "n/a", format_p(j.test.p_value),
                         fmt::format("**{}**", stats::verdict_name(j.verdict)) });
    }
  }
  out += "\n" + std::string(k_table_legend) + ". The verdict needs p < " +
         fmt::format("{}", analysis.settings.alpha) +
         " (Mann-Whitney U on per-boot values) and the whole " +
         fmt::format("{}% bootstrap CI of the change beyond ±{}%", conf,
                     100.0 * analysis.settings.noise) +
         "; see docs/reading-reports.md.\n\n";
  return out;
}

std::string summary_section(const Analysis& analysis) {
  std::string out = "## Samples\n\n";
  out += table_head({ "metric", "side", "boots", "samples", "min", "median", "p95", "p99", "max",
                      "mean", "median boot max" },
                    "llrrrrrrrrr");
  for (const auto& m : analysis.metrics) {
    const std::vector<std::pair<const Side*, const stats::Summary*>> rows{
      { &analysis.sides.a, &m.comparison.baseline }, { &analysis.sides.b, &m.comparison.patched }
    };
    for (const auto& [side, s] : rows) {
      const bool any = s->n > 0;
      out += table_row(
        { m.spec->metric.name, side->label, fmt::format("{} ({} empty)", s->boots, s->empty_boots),
          fmt::format("{}", s->n), format_duration(s->min, any), format_duration(s->median, any),
          format_duration(s->p95, any), format_duration(s->p99, any), format_duration(s->max, any),
          format_duration(s->mean, any), format_duration(s->median_boot_max, any) });
    }
  }
  return out + "\n";
}

std::string warnings_section(const Analysis& analysis) {
  std::string out = "## Warnings\n\n";
  if (analysis.warnings.empty()) {
    return out + "None.\n\n";
  }
  for (const auto& w : analysis.warnings) {
    out += fmt::format("- **{}**: {}\n", w.kind, markdown_cell(w.text));
  }
  return out + "\n";
}

std::string runs_section(const Analysis& analysis) {
  std::string out = "## Boots\n\n";
  out += table_head({ "side", "boot", "outcome", "accelerator", "walks", "lock holds", "victim ops",
                      "VMAs (real)", "pages sharing", "trace lost", "checks failed", "reason" },
                    "lrllrrrrrrrl");
  std::string failures;
  for (const Side* side : { &analysis.sides.a, &analysis.sides.b }) {
    for (const auto* run : side_runs(*side)) {
      std::size_t failed = 0;
      for (const auto& check : run->checks) {
        if (!check.ok) {
          ++failed;
          failures += fmt::format("- {} boot {}, walk {}: check `{}` failed: {}\n", side->label,
                                  run->boot, check.walk, check.name, markdown_cell(check.detail));
        }
      }
      out += table_row(
        { side->label, fmt::format("{}", run->boot), fmt::format("{}", run->outcome),
          markdown_cell(run->accelerator), fmt::format("{}", run->walk_ns.size()),
          fmt::format("{}", run->lock_hold_ns.size()), fmt::format("{}", run->victim_count),
          fmt::format("{} ({})", run->vmas_requested, run->vmas_real),
          fmt::format("{}", run->pages_sharing),
          fmt::format("{}", run->trace_overrun + run->trace_dropped),
          fmt::format("{} of {}", failed, run->checks.size()), markdown_cell(run->reason) });
    }
  }
  if (!failures.empty()) {
    out += "\nFailed correctness checks:\n\n" + failures;
  }
  return out + "\n";
}

std::string kernel_lines(const Side& side) {
  const auto* k = side_kernel(side);
  std::string out = side.label == side.variant
                      ? fmt::format("### {}\n\n", side.label)
                      : fmt::format("### {} ({})\n\n", side.label, side.variant);
  if (side.results->kernels.empty() || k == nullptr) {
    return out + "No kernel record.\n\n";
  }
  out += fmt::format("- kernel release: `{}`\n- bzImage sha256: `{}`\n- config sha256: `{}`\n",
                     k->release, k->bzimage_sha256, k->config_sha256);
  out += fmt::format("- cache key: `{}`{}\n", k->key, k->cache_hit ? " (cache hit)" : "");
  out += fmt::format("- patch series: {}\n", series_description(side));
  if (!k->series.empty()) {
    out += "\n" + table_head({ "patch", "sha256", "subject" }, "lll");
    for (const auto& p : k->series) {
      out += table_row({ markdown_cell(p.file), "`" + p.sha256 + "`", markdown_cell(p.subject) });
    }
  }
  return out + "\n";
}

std::string environment_lines(const Side& side) {
  const auto& r = *side.results;
  const auto& e = r.experiment;
  std::string out;
  if (!side.origin.empty()) {
    out += fmt::format("- results file: `{}`\n", side.origin);
  }
  out += fmt::format("- scenario: {} (vmas {}, dup_pages {}, walks {}, trigger {}, seed {}, "
                     "victim {}, {} boots per variant, {} vCPUs, {} MiB, {} NUMA nodes)\n",
                     e.scenario, e.vmas, e.dup_pages, e.walks, e.trigger, e.seed,
                     e.victim ? "on" : "off", e.boots, e.vcpus, e.memory_mib, e.numa_nodes);
  out += fmt::format("- accelerator: {} (policy {})\n", accelerator_of(side), e.accelerator_policy);
  const std::string timing = timing_of(side);
  out += fmt::format("- timing: {} (policy {}){}\n", timing,
                     e.timing_policy.empty() ? "not recorded" : e.timing_policy,
                     timing == "virtual time" ? fmt::format(": {}", vm::k_virtual_time_note) : "");
  for (const auto& [key, value] : r.environment) {
    if (key == "accelerator" || key == "timing") {
      continue; // printed above, with the policy
    }
    out += fmt::format("- {}: {}\n", key, markdown_cell(value));
  }
  out +=
    fmt::format("- kernel source: {}\n- initramfs sha256: `{}`\n", r.source, r.initramfs_sha256);
  out += fmt::format("- kbench {}; run started {}{}\n", r.kbench_version, r.created,
                     r.complete ? "" : " (incomplete run)");
  if (!r.reproducer.empty()) {
    out += "- reproduce with:\n\n" + code_block(r.reproducer);
  }
  for (const auto* run : side_runs(side)) {
    if (!run->qemu_argv.empty()) {
      out += fmt::format("\nQEMU command line ({} boot {}):\n\n", side.label, run->boot);
      out += code_block(util::format_argv(run->qemu_argv));
      break;
    }
  }
  return out + "\n";
}

std::string environment_section(const Analysis& analysis) {
  const auto& s = analysis.sides;
  std::string out = "## Environment\n\n";
  out += environment_lines(s.a);
  if (s.kind == "compare") {
    out += environment_lines(s.b);
  }
  out += "## Kernels\n\n" + kernel_lines(s.a) + kernel_lines(s.b);
  return out;
}

} // namespace

std::string markdown_cell(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else if (c == '&') {
      out += "&amp;";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string render_markdown(const Analysis& analysis, const std::vector<PlotScript>& plots) {
  const auto& s = analysis.sides;
  std::string out = s.kind == "ab" ? "# kbench A/B report\n\n" : "# kbench comparison report\n\n";
  out += "## Cover-letter table\n\n" + code_block(render_seed_blocks(s)) + "\n";
  out += statistics_section(analysis);
  out += warnings_section(analysis);
  out += "## Plots\n\n";
  if (plots.empty()) {
    out += "No plot: no boot of either side ended OK with samples.\n\n";
  }
  for (const auto& plot : plots) {
    out += fmt::format("![{}](plots/{})\n\n[PNG](plots/{}) · script: `plots/{}.gp`\n\n", plot.title,
                       plot.images.front(), plot.images.back(), plot.name);
  }
  out += summary_section(analysis);
  out += runs_section(analysis);
  out += environment_section(analysis);
  return out;
}

} // namespace kbench::report
