// Tests of what bench/results says about a whole run: the facts that decide its
// exit code (run_end) and the cause printed as the last error line (end_cause).
#include <kbench/bench/results.hpp>
#include <kbench/vm/outcome.hpp>

#include <gtest/gtest.h>

#include <string>

namespace kb = kbench;
using kb::vm::Outcome;

namespace {

kb::bench::RunRecord boot(const std::string& variant, int n, Outcome outcome,
                          const std::string& reason = {}) {
  kb::bench::RunRecord r;
  r.variant = variant;
  r.boot = n;
  r.outcome = outcome;
  r.reason = reason;
  return r;
}

kb::bench::Results run_of(std::vector<kb::bench::RunRecord> runs) {
  kb::bench::Results r;
  r.complete = true;
  r.runs = std::move(runs);
  return r;
}

} // namespace

TEST(BenchRunEnd, CollectsEveryOutcomeTheCompletenessAndFailedChecks) {
  auto r = run_of({ boot("baseline", 0, Outcome::ok), boot("patched", 0, Outcome::panic) });
  r.runs[0].checks = { { 0, "node", false, "page on node 0" } };
  r.complete = false;
  const auto end = kb::bench::run_end(r);
  EXPECT_EQ(end.outcomes, (std::vector<Outcome>{ Outcome::ok, Outcome::panic }));
  EXPECT_FALSE(end.complete);
  EXPECT_TRUE(end.failed_check);
  EXPECT_FALSE(end.regressed);
}

TEST(BenchEndCause, IsEmptyWhenEveryBootIsOk) {
  EXPECT_EQ(kb::bench::end_cause(run_of({ boot("baseline", 0, Outcome::ok) })), "");
}

TEST(BenchEndCause, NamesTheFirstBootWhoseOutcomeDecidesTheCode) {
  const auto r = run_of({ boot("baseline", 0, Outcome::ok),
                          boot("patched", 0, Outcome::panic, "kernel BUG at mm/ksm.c:3170!"),
                          boot("baseline", 1, Outcome::infra_error,
                               "cannot start QEMU: program not found in PATH: qemu-system-x86_64"),
                          boot("patched", 1, Outcome::infra_error, "cannot start QEMU") });
  EXPECT_EQ(kb::bench::end_cause(r),
            "baseline boot 1: INFRA_ERROR: cannot start QEMU: program not found in PATH: "
            "qemu-system-x86_64 (3 of 4 boot(s) did not end OK)");
}

TEST(BenchEndCause, NamesAPanicWhenNothingOutranksIt) {
  const auto r = run_of({ boot("baseline", 0, Outcome::correctness_fail, "mapping lost"),
                          boot("patched", 0, Outcome::panic, "kernel BUG at mm/ksm.c:3170!") });
  EXPECT_EQ(kb::bench::end_cause(r),
            "patched boot 0: PANIC: kernel BUG at mm/ksm.c:3170! (2 of 2 boot(s) did not end OK)");
}

TEST(BenchEndCause, NamesAFailedCheckOrAnUnfinishedRun) {
  auto r = run_of({ boot("patched", 0, Outcome::ok) });
  r.runs[0].checks = { { 2, "mappings", false, "mapping 7 reads zeros" } };
  EXPECT_EQ(kb::bench::end_cause(r), "patched boot 0: correctness check mappings failed at walk "
                                     "2: mapping 7 reads zeros (0 of 1 boot(s) did not end OK)");
  auto empty = run_of({});
  empty.complete = false;
  EXPECT_EQ(kb::bench::end_cause(empty),
            "the run did not finish: it made no boot (0 of 0 boot(s) did not end OK)");
}
