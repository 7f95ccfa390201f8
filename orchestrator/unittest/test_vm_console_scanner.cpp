#include <kbench/util/fs.hpp>
#include <kbench/vm/console_scanner.hpp>

#include <gtest/gtest.h>

#include <algorithm>

namespace {

using kbench::vm::ConsoleEvent;
using kbench::vm::ConsoleScan;

std::string recorded(const std::string& name) {
  return kbench::util::read_file(std::string(KBENCH_TESTDATA_DIR) + "/console/" + name);
}

bool backtrace_has(const ConsoleScan& scan, std::string_view text) {
  return std::any_of(scan.backtrace.begin(), scan.backtrace.end(),
                     [text](const std::string& line) { return line.find(text) != line.npos; });
}

} // namespace

TEST(VmConsoleScanner, CleanConsoleHasNoFindings) {
  const auto scan = kbench::vm::scan_console("[ 0.0] Linux version 6.12\n[ 1.0] Run /init\n");
  EXPECT_TRUE(scan.findings.empty());
  EXPECT_TRUE(scan.backtrace.empty());
  EXPECT_EQ(scan.banners, 1);
  EXPECT_EQ(scan.lines, 2u);
  EXPECT_FALSE(scan.first_fatal());
}

TEST(VmConsoleScanner, OopsKeepsTheTraceAndThePanicThatFollows) {
  const auto scan = kbench::vm::scan_console(recorded("synthetic-oops-null-deref.log"));
  const auto fatal = scan.first_fatal();
  ASSERT_TRUE(fatal);
  EXPECT_EQ(fatal->event, ConsoleEvent::bug);
  EXPECT_NE(fatal->line.find("BUG: kernel NULL pointer dereference"), std::string::npos);
  EXPECT_EQ(fatal->line_number, 4u);
  EXPECT_TRUE(scan.has(ConsoleEvent::oops));
  EXPECT_TRUE(scan.has(ConsoleEvent::call_trace));
  EXPECT_TRUE(scan.has(ConsoleEvent::panic));
  EXPECT_TRUE(backtrace_has(scan, "rmap_walk_ksm+0x8c/0x1f0"));
  EXPECT_TRUE(backtrace_has(scan, "---[ end trace"));
  EXPECT_TRUE(backtrace_has(scan, "Kernel panic - not syncing: Fatal exception"));
  EXPECT_TRUE(backtrace_has(scan, "---[ end Kernel panic"));
  EXPECT_FALSE(backtrace_has(scan, "Run /init")); // nothing from before the problem
}

TEST(VmConsoleScanner, SoftLockupIsFatalAndNamedAsSuch) {
  const auto scan = kbench::vm::scan_console(recorded("synthetic-soft-lockup.log"));
  ASSERT_TRUE(scan.first_fatal());
  EXPECT_EQ(scan.first_fatal()->event, ConsoleEvent::soft_lockup);
  EXPECT_TRUE(backtrace_has(scan, "anon_vma_interval_tree_iter_next"));
}

TEST(VmConsoleScanner, WarningIsRecordedButNotFatal) {
  const auto scan = kbench::vm::scan_console(recorded("synthetic-warning-then-ok.log"));
  EXPECT_FALSE(scan.first_fatal());
  ASSERT_TRUE(scan.first_nonfatal());
  EXPECT_EQ(scan.first_nonfatal()->event, ConsoleEvent::warning);
  EXPECT_TRUE(backtrace_has(scan, "mm/ksm.c:3112"));
  EXPECT_FALSE(backtrace_has(scan, "benchmark done")); // block ended at the end marker
}

TEST(VmConsoleScanner, SecondBannerMeansTheGuestRebooted) {
  const auto scan = kbench::vm::scan_console(recorded("synthetic-reboot.log"));
  EXPECT_EQ(scan.banners, 2);
  ASSERT_TRUE(scan.first_fatal());
  EXPECT_EQ(scan.first_fatal()->event, ConsoleEvent::reboot);
  EXPECT_EQ(scan.first_fatal()->line_number, 3u);
}

TEST(VmConsoleScanner, CarriageReturnsAreStrippedAndStallsAreNotFatal) {
  const auto scan = kbench::vm::scan_console(recorded("synthetic-rcu-stall-crlf.log"));
  EXPECT_FALSE(scan.first_fatal());
  ASSERT_EQ(scan.findings.size(), 1u);
  EXPECT_EQ(scan.findings[0].event, ConsoleEvent::rcu_stall);
  EXPECT_EQ(scan.findings[0].line.back(), 'U'); // "... on CPU", no '\r'
}

TEST(VmConsoleScanner, FeedingInAnyPiecesGivesTheSameScan) {
  const auto text = recorded("synthetic-oops-null-deref.log");
  const auto whole = kbench::vm::scan_console(text);
  for (std::size_t piece : { 1u, 7u, 64u, 1000u }) {
    kbench::vm::ConsoleScanner scanner;
    for (std::size_t pos = 0; pos < text.size(); pos += piece) {
      scanner.feed(std::string_view(text).substr(pos, piece));
    }
    scanner.finish();
    EXPECT_EQ(scanner.scan().backtrace, whole.backtrace) << "piece " << piece;
    EXPECT_EQ(scanner.scan().findings.size(), whole.findings.size()) << "piece " << piece;
    EXPECT_EQ(scanner.scan().lines, whole.lines) << "piece " << piece;
  }
}

TEST(VmConsoleScanner, UnterminatedLastLineIsScannedByFinish) {
  kbench::vm::ConsoleScanner scanner;
  scanner.feed("[ 1.0] Kernel panic - not syncing: Attempted to kill init!");
  EXPECT_FALSE(scanner.scan().has(ConsoleEvent::panic));
  scanner.finish();
  EXPECT_TRUE(scanner.scan().has(ConsoleEvent::panic));
}

TEST(VmConsoleScanner, BacktraceBlockStopsAtSixtyLines) {
  std::string text = "[ 1.0] BUG: something\n";
  for (int i = 0; i < 200; ++i) {
    text += "[ 1.1]  frame_" + std::to_string(i) + "\n";
  }
  const auto scan = kbench::vm::scan_console(text);
  EXPECT_EQ(scan.backtrace.size(), kbench::vm::k_backtrace_block_lines);
}

TEST(VmConsoleScanner, FindingsAreCappedButLinesAreCounted) {
  std::string text;
  for (int i = 0; i < 500; ++i) {
    text += "WARNING: CPU: 0 PID: 1 at x.c:1\n";
  }
  const auto scan = kbench::vm::scan_console(text);
  EXPECT_EQ(scan.findings.size(), kbench::vm::k_max_findings);
  EXPECT_EQ(scan.lines, 500u);
}

TEST(VmConsoleScanner, TheKernelBugLineIsTheFatalFindingAndStartsItsBlock) {
  const auto scan = kbench::vm::scan_console(recorded("synthetic-kernel-bug.log"));
  const auto fatal = scan.first_fatal();
  ASSERT_TRUE(fatal);
  EXPECT_EQ(fatal->event, ConsoleEvent::bug);
  EXPECT_EQ(fatal->line, "[   21.871436] kernel BUG at mm/ksm.c:3170!");
  // The boot-time WARNING keeps its block; the BUG's report follows in full, from its first line.
  const auto bug = std::find(scan.backtrace.begin(), scan.backtrace.end(),
                             "[   21.871436] kernel BUG at mm/ksm.c:3170!");
  ASSERT_NE(bug, scan.backtrace.end());
  EXPECT_EQ(*(bug - 1), "...");
  EXPECT_EQ(*(bug + 1), "[   21.871998] Oops: invalid opcode: 0000 [#1] PREEMPT SMP NOPTI");
  EXPECT_TRUE(backtrace_has(scan, "topology_sane"));
  EXPECT_TRUE(backtrace_has(scan, "RIP: 0010:rmap_walk_ksm+0x1c5/0x1d0"));
  EXPECT_TRUE(backtrace_has(scan, "Kernel panic - not syncing: Fatal exception"));
}

TEST(VmConsoleScanner, KernelReportIsTheFirstFatalLineItsRipAndTheTopReliableFrames) {
  const auto scan = kbench::vm::scan_console(recorded("synthetic-kernel-bug.log"));
  const auto report = kbench::vm::kernel_report(scan.backtrace, 3);
  EXPECT_EQ(report.first_line, "kernel BUG at mm/ksm.c:3170!");
  EXPECT_EQ(report.rip, "RIP: 0010:rmap_walk_ksm+0x1c5/0x1d0");
  EXPECT_EQ(report.call_trace,
            (std::vector<std::string>{ "rmap_walk+0x26/0x30", "migrate_pages_batch+0x4e5/0xb40",
                                       "migrate_pages+0x9b3/0xc10" }));
}

TEST(VmConsoleScanner, KernelReportOfANullDerefStartsAtItsBugLine) {
  const auto scan = kbench::vm::scan_console(recorded("synthetic-oops-null-deref.log"));
  const auto report = kbench::vm::kernel_report(scan.backtrace);
  EXPECT_EQ(report.first_line, "BUG: kernel NULL pointer dereference, address: 0000000000000008");
  EXPECT_EQ(report.rip, "RIP: 0010:rmap_walk_ksm+0x8c/0x1f0");
  ASSERT_EQ(report.call_trace.size(), 5u);
  EXPECT_EQ(report.call_trace.front(), "rmap_walk+0x26/0x30");
  EXPECT_EQ(report.call_trace.back(), "kernel_move_pages+0x5b0/0x790");
}

TEST(VmConsoleScanner, KernelReportOfAWarningOnlyIsTheWarningAndOfNothingIsEmpty) {
  const auto scan = kbench::vm::scan_console(recorded("real-tcg-ok-with-topology-warning.log"));
  EXPECT_EQ(kbench::vm::kernel_report(scan.backtrace).first_line.rfind("WARNING: ", 0), 0u);
  EXPECT_TRUE(kbench::vm::kernel_report({}).first_line.empty());
}
