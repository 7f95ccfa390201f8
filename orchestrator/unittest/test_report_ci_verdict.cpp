// Tests of `kbench ci`'s verdict (report/ci_verdict): thresholds, the exit code
// of every kind of run and their precedence, and summary.md. The runs are fakes
// built in memory: boots whose samples are chosen so the statistics decide as wanted.
#include <kbench/report/ci_verdict.hpp>
#include <kbench/util/error.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace kb = kbench;
namespace rp = kbench::report;

namespace {

// A fake OK boot of `variant` whose every walk/lock/stall sample is near `ns`.
kb::bench::RunRecord ok_boot(const std::string& variant, int boot, double ns) {
  kb::bench::RunRecord r;
  r.variant = variant;
  r.boot = boot;
  r.outcome = kb::vm::Outcome::ok;
  r.accelerator = "tcg";
  const auto v = static_cast<std::uint64_t>(ns * (1.0 + 0.001 * boot));
  r.walk_ns = { v, v + 10, v + 20 };
  r.lock_hold_ns = { v / 2, v / 2 + 5 };
  r.victim_stall_ns = { 1000 + static_cast<std::uint64_t>(boot), 1001 };
  r.checks = { { 0, "node", true, "" } };
  return r;
}

// A fake complete A/B of 5 boots per variant: baseline near `a` ns, patched near `b` ns.
kb::bench::Results fake_run(double a, double b) {
  kb::bench::Results r;
  r.complete = true;
  r.environment["accelerator"] = "tcg";
  r.kernels = { { "baseline", "", "", "", "", "", false, 0, {} },
                { "patched", "", "", "", "", "", false, 0, {} } };
  for (int boot = 0; boot < 5; ++boot) {
    r.runs.push_back(ok_boot("baseline", boot, a));
    r.runs.push_back(ok_boot("patched", boot, b));
  }
  return r;
}

kb::bench::RunRecord& patched_boot(kb::bench::Results& r, int boot) {
  return r.runs[static_cast<std::size_t>(2 * boot + 1)];
}

rp::CiVerdict judge(const kb::bench::Results& r, const rp::CiThresholds& t = {}) {
  rp::Analysis analysis = rp::analyze(rp::ab_sides(r));
  rp::apply_ci_thresholds(analysis, t);
  return rp::decide_ci(analysis, r);
}

} // namespace

TEST(CiVerdict, AFasterPatchIsExitZero) {
  const auto v = judge(fake_run(1e6, 1e4));
  EXPECT_EQ(v.code, kb::ExitCode::ok);
  EXPECT_TRUE(v.regressions.empty());
  EXPECT_NE(v.headline.find("PASS"), std::string::npos) << v.headline;
}

TEST(CiVerdict, ASlowerPatchIsARegressionNamingTheMetric) {
  const auto v = judge(fake_run(1e4, 1e6));
  EXPECT_EQ(v.code, kb::ExitCode::regression);
  ASSERT_FALSE(v.regressions.empty());
  EXPECT_EQ(v.regressions.front().rfind("walk mean +", 0), 0U) << v.regressions.front();
  EXPECT_NE(v.headline.find("REGRESSION (exit 1): walk mean"), std::string::npos) << v.headline;
}

TEST(CiVerdict, AThresholdAboveTheChangeTurnsARegressionIntoAPass) {
  rp::CiThresholds t;
  rp::parse_ci_threshold("default=20000%", t); // +9900% is within 200x
  EXPECT_EQ(judge(fake_run(1e4, 1e6), t).code, kb::ExitCode::ok);
  rp::CiThresholds walk_only;
  rp::parse_ci_threshold("walk=20000%", walk_only);
  rp::parse_ci_threshold("lock=20000%", walk_only);
  EXPECT_EQ(judge(fake_run(1e4, 1e6), walk_only).code, kb::ExitCode::ok);
  rp::CiThresholds lock_tight;
  rp::parse_ci_threshold("default=20000%", lock_tight);
  rp::parse_ci_threshold("lock_max=5%", lock_tight);
  const auto v = judge(fake_run(1e4, 1e6), lock_tight);
  EXPECT_EQ(v.code, kb::ExitCode::regression);
  ASSERT_EQ(v.regressions.size(), 1U);
  EXPECT_EQ(v.regressions.front().rfind("lock max", 0), 0U);
}

TEST(CiVerdict, ThresholdsParsePercentagesFractionsAndMetricNames) {
  rp::CiThresholds t;
  rp::parse_ci_threshold("walk_max=5%", t);
  rp::parse_ci_threshold("lock_hold=0.25", t);
  EXPECT_DOUBLE_EQ(rp::ci_threshold(t, "walk_max", 0.05), 0.05);
  EXPECT_DOUBLE_EQ(rp::ci_threshold(t, "lock_mean", 0.05), 0.25);
  EXPECT_DOUBLE_EQ(rp::ci_threshold(t, "lock_max", 0.05), 0.25);
  EXPECT_DOUBLE_EQ(rp::ci_threshold(t, "walk_mean", 0.05), 0.05); // the noise band
  rp::add_metric_thresholds({ { "stall", 0.5 } }, t);             // the experiment file: the mean's
  EXPECT_DOUBLE_EQ(rp::ci_threshold(t, "stall_mean", 0.05), 0.5);
  EXPECT_DOUBLE_EQ(rp::ci_threshold(t, "stall_max", 0.05), 0.05);
  EXPECT_THROW(rp::add_metric_thresholds({ { "nosuch", 0.1 } }, t), kb::Error);
}

TEST(CiVerdict, BadThresholdsAreUsageErrors) {
  for (const char* bad : { "walk_max", "nosuch=5%", "walk=-1%", "walk=abc", "walk=" }) {
    rp::CiThresholds t;
    try {
      rp::parse_ci_threshold(bad, t);
      FAIL() << bad;
    } catch (const kb::Error& e) {
      EXPECT_EQ(e.code(), kb::ExitCode::usage) << bad;
      EXPECT_NE(std::string(e.what()).find(bad), std::string::npos) << e.what();
    }
  }
}

TEST(CiVerdict, AFailedCorrectnessCheckIsExitNine) {
  auto r = fake_run(1e6, 1e4);
  patched_boot(r, 2).outcome = kb::vm::Outcome::correctness_fail;
  patched_boot(r, 2).reason = "mapping 7 reads the wrong page";
  const auto v = judge(r);
  EXPECT_EQ(v.code, kb::ExitCode::correctness);
  ASSERT_EQ(v.problems.size(), 1U);
  EXPECT_EQ(v.problems.front(), "patched boot 2: CORRECTNESS_FAIL: mapping 7 reads the wrong page");
}

TEST(CiVerdict, EveryBootWrongIsStillACorrectnessFailure) {
  auto r = fake_run(1e6, 1e4);
  for (int boot = 0; boot < 5; ++boot) {
    patched_boot(r, boot).outcome = kb::vm::Outcome::correctness_fail;
  }
  EXPECT_EQ(judge(r).code, kb::ExitCode::correctness);
}

TEST(CiVerdict, APanicOrTimeoutIsExitTenAndBeatsCorrectnessAndRegression) {
  for (const auto outcome : { kb::vm::Outcome::panic, kb::vm::Outcome::run_timeout,
                              kb::vm::Outcome::boot_timeout, kb::vm::Outcome::bench_fail }) {
    auto r = fake_run(1e4, 1e6); // also a regression
    patched_boot(r, 0).outcome = outcome;
    patched_boot(r, 1).outcome = kb::vm::Outcome::correctness_fail;
    const auto v = judge(r);
    EXPECT_EQ(v.code, kb::ExitCode::run_failed) << kb::vm::to_string(outcome);
    EXPECT_NE(v.headline.find("DID NOT FINISH (exit 10)"), std::string::npos) << v.headline;
  }
}

TEST(CiVerdict, InfrastructureBeatsEverything) {
  auto r = fake_run(1e4, 1e6);
  patched_boot(r, 0).outcome = kb::vm::Outcome::infra_error;
  patched_boot(r, 1).outcome = kb::vm::Outcome::panic;
  patched_boot(r, 2).outcome = kb::vm::Outcome::correctness_fail;
  EXPECT_EQ(judge(r).code, kb::ExitCode::infra);
}

TEST(CiVerdict, AnIncompleteRunDidNotFinish) {
  auto r = fake_run(1e6, 1e4);
  r.complete = false;
  const auto v = judge(r);
  EXPECT_EQ(v.code, kb::ExitCode::run_failed);
  EXPECT_NE(v.problems.back().find("not marked complete"), std::string::npos);
}

TEST(CiVerdict, ASideWithoutOkBootsDidNotFinish) {
  auto r = fake_run(1e6, 1e4);
  std::erase_if(r.runs, [](const kb::bench::RunRecord& x) { return x.variant == "patched"; });
  const auto v = judge(r);
  EXPECT_EQ(v.code, kb::ExitCode::run_failed);
  EXPECT_NE(v.headline.find("no boot ended OK"), std::string::npos) << v.headline;
}

TEST(CiVerdict, SummaryStartsWithTheVerdictThenTheTableThenTheArtifacts) {
  const auto r = fake_run(1e4, 1e6);
  rp::Analysis analysis = rp::analyze(rp::ab_sides(r));
  rp::CiThresholds t;
  rp::parse_ci_threshold("walk_max=7.5%", t);
  rp::apply_ci_thresholds(analysis, t);
  const auto v = rp::decide_ci(analysis, r);
  const std::string md = rp::render_ci_summary(v, analysis, t, { { "junit.xml", "junit.xml" } });
  EXPECT_EQ(md.rfind("**kbench ci: REGRESSION (exit 1): walk mean", 0), 0U) << md;
  EXPECT_NE(md.find("| walk max | "), std::string::npos) << md;
  EXPECT_NE(md.find("| +7.5% | **regressed** |"), std::string::npos) << md;
  EXPECT_NE(md.find("| lock mean | "), std::string::npos) << md;
  EXPECT_NE(md.find("- [junit.xml](junit.xml)"), std::string::npos) << md;
  EXPECT_LT(md.find("| metric |"), md.find("### Artifacts"));
}

TEST(CiVerdict, SummaryListsTheBootsThatDidNotEndOk) {
  auto r = fake_run(1e6, 1e4);
  patched_boot(r, 3).outcome = kb::vm::Outcome::panic;
  patched_boot(r, 3).reason = "kernel BUG at mm/ksm.c:3210";
  rp::Analysis analysis = rp::analyze(rp::ab_sides(r));
  const auto v = rp::decide_ci(analysis, r);
  const std::string md = rp::render_ci_summary(v, analysis, {}, {});
  EXPECT_NE(md.find("- patched boot 3: PANIC: kernel BUG at mm/ksm.c:3210"), std::string::npos)
    << md;
}

TEST(CiVerdict, SummaryShowsTheKernelReportLineRipAndTopOfTheCallTrace) {
  auto r = fake_run(1e6, 1e4);
  patched_boot(r, 3).outcome = kb::vm::Outcome::panic;
  patched_boot(r, 3).backtrace = {
    "[   21.871436] kernel BUG at mm/ksm.c:3170!",
    "[   21.871998] Oops: invalid opcode: 0000 [#1] PREEMPT SMP NOPTI",
    "[   21.873511] RIP: 0010:rmap_walk_ksm+0x1c5/0x1d0",
    "[   21.875042] Call Trace:",
    "[   21.875212]  <TASK>",
    "[   21.875355]  ? die+0x36/0x90",
    "[   21.876622]  rmap_walk+0x26/0x30",
    "[   21.877121]  migrate_pages+0x9b3/0xc10",
    "[   21.878742]  </TASK>",
  };
  rp::Analysis analysis = rp::analyze(rp::ab_sides(r));
  const auto v = rp::decide_ci(analysis, r);
  const std::string md = rp::render_ci_summary(v, analysis, {}, {});
  EXPECT_NE(md.find("### Kernel report (patched boot 3)\n\n```\nkernel BUG at mm/ksm.c:3170!\n"
                    "RIP: 0010:rmap_walk_ksm+0x1c5/0x1d0\nCall Trace:\n  rmap_walk+0x26/0x30\n"
                    "  migrate_pages+0x9b3/0xc10\n```\n"),
            std::string::npos)
    << md;
}

TEST(CiVerdict, SummaryHasNoKernelReportWithoutABacktrace) {
  auto r = fake_run(1e6, 1e4);
  patched_boot(r, 3).outcome = kb::vm::Outcome::run_timeout;
  rp::Analysis analysis = rp::analyze(rp::ab_sides(r));
  const auto md = rp::render_ci_summary(rp::decide_ci(analysis, r), analysis, {}, {});
  EXPECT_EQ(md.find("Kernel report"), std::string::npos) << md;
}

TEST(CiVerdict, FlagsWinOverTheExperimentFilesThresholds) {
  rp::CiThresholds t;
  rp::add_metric_thresholds({ { "walk", 0.1 } }, t);
  EXPECT_DOUBLE_EQ(rp::ci_threshold(t, "walk_mean", 0.05), 0.1);
  rp::parse_ci_threshold("default=50%", t);
  EXPECT_DOUBLE_EQ(rp::ci_threshold(t, "walk_mean", 0.05), 0.5);
  rp::parse_ci_threshold("walk_mean=1%", t);
  EXPECT_DOUBLE_EQ(rp::ci_threshold(t, "walk_mean", 0.05), 0.01);
}
