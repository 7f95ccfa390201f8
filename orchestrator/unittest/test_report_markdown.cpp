// Tests of report.md: the seed block unchanged in a code fence, the tables,
// the environment, the plots and markdown escaping.
#include <kbench/report/markdown.hpp>
#include <kbench/report/seedblock.hpp>

#include <gtest/gtest.h>

#include "test_report_samples.hpp"

namespace kb = kbench;

namespace {

std::string markdown_of(const kb::bench::Results& results) {
  const auto analysis = kb::report::analyze(kb::report::ab_sides(results));
  return kb::report::render_markdown(analysis, kb::report::plot_scripts(analysis));
}

} // namespace

TEST(ReportMarkdown, ContainsTheSeedBlockUnchangedInATextFence) {
  const auto results = kb::test::results_sample("quick-ab-3boots.json");
  const std::string md = markdown_of(results);
  EXPECT_NE(md.find("```text\n" + kb::report::render_seed_blocks(results) + "```\n"),
            std::string::npos)
    << md;
}

TEST(ReportMarkdown, HasTheStatisticsTableWithVerdictsAndIntervals) {
  const std::string md = markdown_of(kb::test::results_sample("quick-ab-5boots.json"));
  EXPECT_NE(md.find("| metric | baseline | ±%sd | %change | 95% CI | patched | ±%sd | ratio A/B "
                    "| p | verdict |\n| --- | ---: |"),
            std::string::npos)
    << md;
  EXPECT_NE(md.find("| walk mean | "), std::string::npos);
  EXPECT_NE(md.find("| **improved** |"), std::string::npos);
  EXPECT_NE(md.find("| stall max | "), std::string::npos);
}

TEST(ReportMarkdown, DescribesTheEnvironmentKernelsAndPatches) {
  const std::string md = markdown_of(kb::test::results_sample("quick-ab-3boots.json"));
  for (const char* needle :
       { "- host_cpu: Intel(R) Xeon(R) CPU @ 2.20GHz (2 cores)",
         "- qemu_version: QEMU emulator version 7.2.15",
         "- compiler: gcc (Debian 12.2.0-14+deb12u1) 12.2.0", "- accelerator: tcg (policy auto)",
         "- scenario: quick (vmas 2000, dup_pages 16, walks 5, trigger migrate",
         "- kernel release: `6.12.117`",
         "- config sha256: `c0ffee0d15ea5e5ba5eba11fee1dead0123456789abcdef0123456789abcdef`",
         "`9a8b7c6d5e4f30211203f4e5d6c7b8a9908172635445362718091a2b3c4d5e6f` | ksm: Optimize "
         "rmap_walk_ksm by passing a suitable page index |",
         "QEMU command line (baseline boot 0):\n\n```text\nqemu-system-x86_64 -accel tcg",
         "- reproduce with:\n\n```text\nkbench ab --scenario quick --boots 3 --seed 1\n```" }) {
    EXPECT_NE(md.find(needle), std::string::npos) << needle;
  }
}

TEST(ReportMarkdown, LinksBothPlotsAsSvgAndPng) {
  const std::string md = markdown_of(kb::test::results_sample("quick-ab-3boots.json"));
  EXPECT_NE(md.find("](plots/distribution.svg)"), std::string::npos);
  EXPECT_NE(md.find("[PNG](plots/distribution.png)"), std::string::npos);
  EXPECT_NE(md.find("](plots/per-boot.svg)"), std::string::npos);
}

TEST(ReportMarkdown, ListsBootsFailedChecksAndEscapesPipes) {
  auto results = kb::test::results_sample("quick-ab-failures.json");
  results.runs[0].reason = "a | b";
  const std::string md = markdown_of(results);
  EXPECT_NE(md.find("| baseline | 1 | PANIC | tcg |"), std::string::npos) << md;
  EXPECT_NE(md.find("a \\| b"), std::string::npos);
  EXPECT_NE(md.find("- patched boot 2, walk 1: check `mappings` failed: mapping 7 of 16"),
            std::string::npos);
  EXPECT_NE(md.find("- **failed_boot**: patched boot 2: CORRECTNESS_FAIL"), std::string::npos);
  EXPECT_NE(md.find("- **failed_boot**: baseline boot 1: PANIC: Kernel panic - not syncing: "
                    "&lt;fatal &amp; \"bad\"&gt;"),
            std::string::npos)
    << md;
  EXPECT_NE(md.find("reads &lt;zeros&gt; instead"), std::string::npos);
}

TEST(ReportMarkdown, CellEscapingKeepsTablesIntact) {
  EXPECT_EQ(kb::report::markdown_cell("x|y\nz"), "x\\|y z");
  EXPECT_EQ(kb::report::markdown_cell("<fatal & \"bad\">"), "&lt;fatal &amp; \"bad\"&gt;");
}
