// Tests of the seed-format block: the cover letter's own table, reproduced
// number for number from samples chosen to give the cover letter's values.
#include <kbench/report/seedblock.hpp>

#include <gtest/gtest.h>

#include "test_report_samples.hpp"

namespace kb = kbench;

namespace {

// A run of `variant` with the given walk samples (everything else empty).
kb::bench::RunRecord run(const std::string& variant, int boot, std::vector<std::uint64_t> walks,
                         kb::vm::Outcome outcome = kb::vm::Outcome::ok) {
  kb::bench::RunRecord r;
  r.variant = variant;
  r.boot = boot;
  r.outcome = outcome;
  r.accelerator = "kvm";
  r.walk_ns = std::move(walks);
  return r;
}

kb::bench::Results cover_letter_results() {
  kb::bench::Results r;
  r.experiment.scenario = "seed";
  kb::bench::KernelRecord base;
  base.variant = "baseline";
  base.release = "6.12.117";
  kb::bench::KernelRecord patched = base;
  patched.variant = "patched";
  patched.series = { { "series/v9/0001-a.patch", "aa", "ksm: a" },
                     { "series/v9/0002-b.patch", "bb", "ksm: b" } };
  r.kernels = { base, patched };
  // Means: (705119858 + 358963314) / 2 = 532041586; (1665917 + 1221651) / 2 = 1443784.
  r.runs = { run("baseline", 0, { 705119858 }), run("patched", 0, { 1665917 }),
             run("baseline", 1, { 358963314 }), run("patched", 1, { 1221651 }),
             run("baseline", 2, { 999999999999 }, kb::vm::Outcome::panic) };
  return r;
}

} // namespace

TEST(ReportSeedBlock, ReproducesTheCoverLetterBlockFromItsOwnNumbers) {
  const std::string text = kb::report::render_seed_blocks(cover_letter_results());
  EXPECT_NE(text.find("KSM rmapping   Maximum duration           Average duration\n"
                      "Before:        705.12 ms (705119858 ns)   532.04 ms (532041586 ns)\n"
                      "After:         1.67 ms (1665917 ns)       1.44 ms (1443784 ns)\n"),
            std::string::npos)
    << text;
}

TEST(ReportSeedBlock, HeaderNamesReleaseSeriesAcceleratorAndScenario) {
  const std::string text = kb::report::render_seed_blocks(cover_letter_results());
  EXPECT_EQ(text.substr(0, text.find('\n')),
            "kernel 6.12.117 + series/v9 (2 patches) on kvm, scenario seed");
}

TEST(ReportSeedBlock, FailedBootsAreLeftOutAndMissingSamplesPrintNA) {
  const std::string text = kb::report::render_seed_blocks(cover_letter_results());
  EXPECT_EQ(text.find("999999"), std::string::npos) << "the PANIC boot's sample leaked in";
  EXPECT_NE(text.find("anon_vma lock  Maximum duration           Average duration\n"
                      "Before:        n/a                        n/a\n"
                      "After:         n/a                        n/a\n"),
            std::string::npos)
    << text;
}

TEST(ReportSeedBlock, RendersTheTinySampleExactly) {
  const std::string expected =
    "kernel 6.12.117 + patches/ksm-rmap-walk (2 patches) on tcg, scenario quick\n"
    "wall-clock time: the host's clock; not comparable with virtual-time runs\n"
    "\n"
    "KSM rmapping   Maximum duration           Average duration\n"
    "Before:        705.12 ms (705119858 ns)   532.04 ms (532041919 ns)\n"
    "After:         1.67 ms (1665917 ns)       1.44 ms (1443784 ns)\n"
    "\n"
    "anon_vma lock  Maximum duration           Average duration\n"
    "Before:        3.00 ms (3000000 ns)       2.00 ms (2000000 ns)\n"
    "After:         0.00 ms (1500 ns)          0.00 ms (1500 ns)\n"
    "\n"
    "Victim stall   Maximum duration           Average duration\n"
    "Before:        2.50 ms (2500000 ns)       2.50 ms (2500000 ns)\n"
    "After:         n/a                        n/a\n";
  EXPECT_EQ(kb::report::render_seed_blocks(kb::test::results_sample("tiny.json")), expected);
}

TEST(ReportSeedBlock, WidensTheColumnForLongCellsKeepingThreeSpaces) {
  auto results = cover_letter_results();
  results.runs[0].walk_ns = { 12345678901 }; // 12.3 s under TCG
  const std::string text = kb::report::render_seed_blocks(results);
  EXPECT_NE(text.find("KSM rmapping   Maximum duration               Average duration\n"
                      "Before:        12345.68 ms (12345678901 ns)   "),
            std::string::npos)
    << text;
}

TEST(ReportSeedBlock, VictimMaximumUsesTheGuestsExactMaximum) {
  auto results = cover_letter_results();
  results.runs[0].victim_stall_ns = { 1000, 3000 };
  results.runs[0].victim_max_ns = 9000000; // an operation outside the reservoir
  const std::string text = kb::report::render_seed_blocks(results);
  EXPECT_NE(text.find("Victim stall   Maximum duration           Average duration\n"
                      "Before:        9.00 ms (9000000 ns)       0.00 ms (2000 ns)\n"),
            std::string::npos)
    << text;
}

TEST(ReportSeedBlock, VirtualTimeRunsCarryTheNoteWrappedToEightyColumns) {
  auto results = cover_letter_results();
  for (auto& run : results.runs) {
    run.timing = "virtual";
  }
  const std::string text = kb::report::render_seed_blocks(results);
  EXPECT_NE(text.find("\nvirtual time: instructions executed, independent of host load; not "
                      "comparable\nwith wall-clock or KVM runs\n"),
            std::string::npos)
    << text;
}

TEST(ReportSeedBlock, CompareLabelsRowsAAndBAndNamesBothFiles) {
  const auto a = kb::test::results_sample("quick-ab-3boots.json");
  const auto b = kb::test::results_sample("quick-ab-5boots.json");
  const auto sides = kb::report::compare_sides(a, "baseline", "a.json", b, "patched", "b.json");
  const std::string text = kb::report::render_seed_blocks(sides);
  EXPECT_EQ(
    text.rfind("A: a.json baseline: kernel 6.12.117 (no patches) on tcg, scenario quick\n", 0), 0u)
    << text;
  EXPECT_NE(text.find("\nB: b.json patched: kernel 6.12.117 + patches/ksm-rmap-walk (2 patches) "
                      "on tcg, scenario quick\n"),
            std::string::npos);
  EXPECT_NE(text.find("\nA:             "), std::string::npos);
  EXPECT_NE(text.find("\nB:             "), std::string::npos);
}
