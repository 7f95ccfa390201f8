#include <kbench/bench/resultchannel.hpp>
#include <kbench/util/error.hpp>
#include <kbench/util/fs.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace kb = kbench::bench;

namespace {

const std::filesystem::path k_results = std::filesystem::path(KBENCH_TESTDATA_DIR) / "results";

std::vector<std::string> header() {
  return { "begin magic=kbench-result-channel version=1", "status state=pending",
           "meta kernel_release=6.12.117 clocksource=tsc" };
}

std::vector<std::string> ok_bodies() {
  auto b = header();
  const std::vector<std::string> rest = {
    "param mode=bench vmas=2000 dup_pages=16 walks=2 trigger=migrate seed=1 victim=1 "
    "merge_timeout_s=120",
    "vmas requested=2000 real=1999",
    "trace method=tracepoint",
    "ksm phase=merged pages_shared=1 pages_sharing=15 merge_ns=5 full_scans=2",
    "walk index=0 trigger_ns=900 target_node=1",
    "rmap_walk walk=0 ns=300 rmap_items=16 iterations=32000 pfn=77",
    "lock_hold walk=0 ns=20 iterations=2000 pfn=77",
    "check walk=0 name=node ok=1",
    "walk index=1 trigger_ns=800 target_node=0",
    "lock_hold walk=1 ns=21 iterations=2000 pfn=78",
    "victim walk=1 ns=18446744073709551615",
    "victim_reservoir capacity=100000 kept=1 seen=1",
    "status state=ok"
  };
  b.insert(b.end(), rest.begin(), rest.end());
  return b;
}

kb::ChannelError error_of(std::string_view bytes) {
  const auto parsed = kb::parse_result_channel_lenient(bytes);
  EXPECT_TRUE(parsed.error.has_value()) << "capture unexpectedly valid";
  return parsed.error.value_or(kb::ChannelError{});
}

} // namespace

TEST(BenchResultChannel, ParsesAWellFormedCaptureIntoTypedRecords) {
  const auto r = kb::parse_result_channel(kb::make_result_capture(ok_bodies()));
  EXPECT_TRUE(r.complete);
  EXPECT_EQ(r.version, 1);
  EXPECT_EQ(r.status, kb::GuestStatus::ok);
  EXPECT_EQ(r.metadata.at("kernel_release"), "6.12.117");
  ASSERT_TRUE(r.parameters && r.vmas && r.ksm_merged);
  EXPECT_EQ(r.parameters->trigger, "migrate");
  EXPECT_EQ(r.vmas->real, 1999u);
  EXPECT_EQ(r.ksm_merged->pages_sharing, 15u);
  EXPECT_EQ(r.method, kb::MeasurementMethod::tracepoint);
  ASSERT_EQ(r.walks.size(), 2u);
  EXPECT_EQ(r.walks[1].target_node, 0);
  ASSERT_EQ(r.rmap_walks.size(), 1u);
  EXPECT_EQ(r.rmap_walks[0].iterations, 32000u);
  ASSERT_EQ(r.lock_holds.size(), 2u);
  EXPECT_EQ(r.lock_holds[1].walk, 1u);
  ASSERT_EQ(r.victim_samples.size(), 1u);
  EXPECT_EQ(r.victim_samples[0].stall_ns, 18446744073709551615u);
  EXPECT_EQ(r.record_count, ok_bodies().size());
}

TEST(BenchResultChannel, ReadsTheRecordedSyntheticSampleWrittenByAnIndependentFramer) {
  const auto r = kb::read_result_channel(k_results / "synthetic-ok.txt");
  EXPECT_EQ(r.status, kb::GuestStatus::ok);
  EXPECT_EQ(r.metadata.at("kernel_version"), "#1 SMP");
  EXPECT_EQ(r.metadata.at("cmdline"), "console=ttyS0 kbench.vmas=2000");
  EXPECT_EQ(r.rmap_walks.size(), 4u);
  EXPECT_EQ(r.lock_holds.size(), 12u);
  EXPECT_EQ(r.victim_summaries.size(), 2u);
  EXPECT_EQ(r.trace_losses.size(), 2u);
  ASSERT_TRUE(r.ksm_final);
  EXPECT_EQ(r.ksm_final->pages_shared, 1u);
}

TEST(BenchResultChannel, EveryRecordedSampleParsesWithAFinalStatusOrIsTruncated) {
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(k_results)) {
    const auto bytes = kbench::util::read_file(entry.path());
    const auto parsed = kb::parse_result_channel_lenient(bytes);
    ++files;
    if (entry.path().filename().string().find("pending") != std::string::npos) {
      EXPECT_FALSE(parsed.result.complete) << entry.path();
      continue;
    }
    EXPECT_FALSE(parsed.error) << entry.path() << ": " << parsed.error->message;
    EXPECT_NE(parsed.result.status, kb::GuestStatus::pending) << entry.path();
    EXPECT_EQ(kb::result_channel_complete(bytes), true) << entry.path();
  }
  EXPECT_GE(files, 5u);
}

TEST(BenchResultChannel, RecordedFailuresCarryTheirStatusAndErrorText) {
  const auto cf = kb::read_result_channel(k_results / "synthetic-correctness-fail.txt");
  EXPECT_EQ(cf.status, kb::GuestStatus::correctness_fail);
  EXPECT_EQ(cf.error, "walk 0: check node failed");
  ASSERT_EQ(cf.checks.size(), 1u);
  EXPECT_FALSE(cf.checks[0].ok);
  EXPECT_EQ(cf.checks[0].page, 3);
  const auto bf = kb::read_result_channel(k_results / "synthetic-bench-fail.txt");
  EXPECT_EQ(bf.status, kb::GuestStatus::bench_fail);
  EXPECT_EQ(bf.error, "KSM merge timed out");
  const auto probe = kb::read_result_channel(k_results / "synthetic-probe.txt");
  EXPECT_EQ(probe.status, kb::GuestStatus::probe);
  EXPECT_EQ(probe.probe->at("events"), "1");
}

TEST(BenchResultChannel, APendingOnlyCaptureIsTruncatedAndReportsTheRunDied) {
  const auto bytes = kbench::util::read_file(k_results / "synthetic-pending-only.txt");
  const auto parsed = kb::parse_result_channel_lenient(bytes);
  ASSERT_TRUE(parsed.error);
  EXPECT_EQ(parsed.result.status, kb::GuestStatus::pending);
  EXPECT_FALSE(parsed.result.complete);
  EXPECT_NE(parsed.error->message.find("truncated"), std::string::npos);
  EXPECT_EQ(parsed.error->line, 6u);
  EXPECT_EQ(parsed.result.record_count, 5u);
  EXPECT_FALSE(kb::result_channel_complete(bytes));
  try {
    kb::parse_result_channel(bytes);
    FAIL() << "expected kbench::Error";
  } catch (const kbench::Error& e) {
    EXPECT_EQ(e.code(), kbench::ExitCode::run_failed);
    EXPECT_NE(std::string(e.what()).find("line 6"), std::string::npos) << e.what();
  }
}

TEST(BenchResultChannel, TheLastStatusWins) {
  auto b = header();
  b.push_back("status state=bench_fail error=no%20KSM");
  const auto r = kb::parse_result_channel(kb::make_result_capture(b));
  EXPECT_EQ(r.status, kb::GuestStatus::bench_fail);
  EXPECT_EQ(r.error, "no KSM");
}

TEST(BenchResultChannel, ACaptureCutInTheMiddleOfALineIsTruncated) {
  const auto full = kb::make_result_capture(ok_bodies());
  const auto cut = full.substr(0, full.size() - 7);
  const auto e = error_of(cut);
  EXPECT_EQ(e.line, ok_bodies().size() + 1);
  EXPECT_NE(e.message.find("incomplete last line"), std::string::npos);
  EXPECT_FALSE(kb::result_channel_complete(cut));
  EXPECT_TRUE(kb::result_channel_complete(full));
}

TEST(BenchResultChannel, ACorruptedByteFailsTheLineChecksumOnThatLine) {
  auto bytes = kb::make_result_capture(ok_bodies());
  const auto pos = bytes.find("ns=300");
  bytes[pos + 3] = '9';
  const auto e = error_of(bytes);
  EXPECT_EQ(e.line, 9u);
  EXPECT_NE(e.message.find("checksum mismatch"), std::string::npos) << e.message;
}

TEST(BenchResultChannel, ALostLineIsCaughtBySequenceNumbers) {
  const auto b = ok_bodies();
  std::string bytes;
  for (std::size_t i = 0; i < b.size(); ++i)
    if (i != 4)
      bytes += kb::frame_result_line(i, b[i]);
  const auto e = error_of(bytes);
  EXPECT_EQ(e.line, 5u);
  EXPECT_NE(e.message.find("sequence number 5 where 4 was expected"), std::string::npos);
}

TEST(BenchResultChannel, AnEndMarkerWithAWrongCountOrChecksumIsRejected) {
  const auto b = header();
  std::string body;
  for (std::size_t i = 0; i < b.size(); ++i)
    body += kb::frame_result_line(i, b[i] == "status state=pending" ? "status state=ok" : b[i]);
  const auto good =
    kb::make_result_capture({ "begin magic=kbench-result-channel version=1", "status state=ok",
                              "meta kernel_release=6.12.117 clocksource=tsc" });
  EXPECT_TRUE(kb::parse_result_channel_lenient(good).result.complete);
  const auto wrong_count = body + kb::frame_result_line(3, "end records=4 crc=00000000");
  EXPECT_NE(error_of(wrong_count).message.find("counts 4 records but 3"), std::string::npos);
  const auto wrong_crc = body + kb::frame_result_line(3, "end records=3 crc=00000000");
  const auto e = error_of(wrong_crc);
  EXPECT_EQ(e.line, 4u);
  EXPECT_NE(e.message.find("does not match the stream"), std::string::npos) << e.message;
}

TEST(BenchResultChannel, OversizedLinesRecordCountsAndCapturesAreRejected) {
  auto b = header();
  b.push_back("warn text=" + std::string(5000, 'x'));
  const auto e = error_of(kb::make_result_capture(b));
  EXPECT_EQ(e.line, 4u);
  EXPECT_NE(e.message.find("longer than 4096"), std::string::npos);
  const kb::ChannelLimits small{ 4096, 4096, 50 };
  std::string many = kb::frame_result_line(0, "begin magic=kbench-result-channel version=1");
  for (std::size_t i = 1; i <= 60; ++i)
    many += kb::frame_result_line(i, "warn text=x");
  const auto e2 = kb::parse_result_channel_lenient(many, small).error.value();
  EXPECT_EQ(e2.line, 51u);
  EXPECT_NE(e2.message.find("more than 50 records"), std::string::npos);
  const auto e3 = kb::parse_result_channel_lenient(std::string(4097, '\n'), small).error.value();
  EXPECT_EQ(e3.line, 0u);
  EXPECT_EQ(kb::k_max_capture_bytes, std::size_t{ 256 } << 20);
  EXPECT_NE(e3.message.find("limit"), std::string::npos);
}

TEST(BenchResultChannel, BinaryJunkIsRejectedWithTheColumnOfTheFirstBadByte) {
  std::string junk = kb::frame_result_line(0, "begin magic=kbench-result-channel version=1");
  junk += std::string("1 status\xff\x00 state=ok #00000000\n", 30);
  const auto e = error_of(junk);
  EXPECT_EQ(e.line, 2u);
  EXPECT_NE(e.message.find("non-printable byte 0xff at column 9"), std::string::npos) << e.message;
  EXPECT_FALSE(kb::result_channel_complete(junk));
  EXPECT_EQ(error_of(std::string("\x7f"
                                 "ELF\x02\x01\x01",
                                 7))
              .line,
            1u);
  EXPECT_NE(error_of("").message.find("empty capture"), std::string::npos);
}

TEST(BenchResultChannel, DuplicateOrConflictingRecordsAreRejected) {
  const auto with = [](std::vector<std::string> extra) {
    auto b = ok_bodies();
    b.insert(b.end() - 1, extra.begin(), extra.end());
    return kb::make_result_capture(b);
  };
  EXPECT_NE(error_of(with({ "vmas requested=1 real=1" })).message.find("duplicate 'vmas'"),
            std::string::npos);
  EXPECT_NE(error_of(with({ "walk index=0 trigger_ns=1 target_node=0" })).message.find("duplicate"),
            std::string::npos);
  EXPECT_NE(error_of(with({ "meta clocksource=hpet" })).message.find("duplicate metadata key"),
            std::string::npos);
  EXPECT_NE(error_of(with({ "check walk=1 name=content ok=0 page=2 detail=x" }))
              .message.find("contradicts a failed correctness check"),
            std::string::npos);
  EXPECT_NE(error_of(with({ "lock_hold walk=7 ns=1 iterations=1 pfn=1" })).message.find("walks=2"),
            std::string::npos);
  EXPECT_NE(
    error_of(with({ "begin magic=kbench-result-channel version=1" })).message.find("second"),
    std::string::npos);
  auto twice = ok_bodies();
  twice.push_back("status state=bench_fail");
  EXPECT_NE(error_of(kb::make_result_capture(twice)).message.find("after the final status"),
            std::string::npos);
}

TEST(BenchResultChannel, MalformedFieldsAndNumbersNameTheProblem) {
  const auto with = [](const std::string& rec) {
    auto b = ok_bodies();
    b.insert(b.end() - 1, rec);
    return error_of(kb::make_result_capture(b)).message;
  };
  EXPECT_NE(with("victim walk=0 ns=18446744073709551616").find("not an unsigned 64-bit"),
            std::string::npos);
  EXPECT_NE(with("victim walk=0 ns=-1").find("not an unsigned 64-bit"), std::string::npos);
  EXPECT_NE(with("victim walk=0").find("lacks the field 'ns'"), std::string::npos);
  EXPECT_NE(with("victim walk=0 ns=1 ns=2").find("duplicate field 'ns'"), std::string::npos);
  EXPECT_NE(with("warn text=50%").find("bad percent escape"), std::string::npos);
  EXPECT_NE(with("frobnicate x=1").find("unknown record type 'frobnicate'"), std::string::npos);
  EXPECT_NE(with("Walk index=3").find("malformed record type"), std::string::npos);
  EXPECT_NE(with("trace method=kprobe").find("duplicate"), std::string::npos);
  EXPECT_NE(with("status state=done").find("unknown status 'done'"), std::string::npos);
}

TEST(BenchResultChannel, AnUnknownVersionOrMagicIsRejectedOnTheFirstLine) {
  auto b = ok_bodies();
  b[0] = "begin magic=kbench-result-channel version=2";
  const auto e = error_of(kb::make_result_capture(b));
  EXPECT_EQ(e.line, 1u);
  EXPECT_NE(e.message.find("unsupported result channel version 2"), std::string::npos);
  b[0] = "status state=ok";
  EXPECT_NE(error_of(kb::make_result_capture(b)).message.find("must be 'begin'"),
            std::string::npos);
}

TEST(BenchResultChannel, DataAfterTheEndMarkerIsRejected) {
  auto bytes = kb::make_result_capture(ok_bodies());
  bytes += "garbage\n";
  const auto e = error_of(bytes);
  EXPECT_EQ(e.line, ok_bodies().size() + 2);
  EXPECT_NE(e.message.find("after the end marker"), std::string::npos);
}

TEST(BenchResultChannel, TheDrainTrailerAfterTheEndMarkerIsAccepted) {
  const auto capture = kb::make_result_capture(ok_bodies());
  for (const std::size_t n :
       { std::size_t{ 1 }, std::size_t{ 256 }, kb::k_max_drain_trailer_bytes }) {
    SCOPED_TRACE(n);
    const auto bytes = capture + std::string(n, '\n');
    EXPECT_TRUE(kb::result_channel_complete(bytes));
    const auto parsed = kb::parse_result_channel(bytes);
    EXPECT_TRUE(parsed.complete);
    EXPECT_EQ(parsed.status, kb::GuestStatus::ok);
    EXPECT_EQ(parsed.record_count, ok_bodies().size());
  }
}

TEST(BenchResultChannel, ATrailerThatIsNotOnlyNewlinesOrTooLongIsRejected) {
  const auto capture = kb::make_result_capture(ok_bodies());
  const auto mixed = capture + "\n\ngarbage\n";
  EXPECT_NE(error_of(mixed).message.find("data after the end marker"), std::string::npos);
  EXPECT_FALSE(kb::result_channel_complete(mixed));
  const auto too_long = capture + std::string(kb::k_max_drain_trailer_bytes + 1, '\n');
  EXPECT_NE(error_of(too_long).message.find("more than the drain trailer's 4096"),
            std::string::npos);
  EXPECT_FALSE(kb::result_channel_complete(too_long));
  EXPECT_FALSE(kb::result_channel_complete(std::string(8, '\n')));
}

TEST(BenchResultChannel, EscapingRoundTripsArbitraryText) {
  const std::string text = "a b%c\n\xc3\xa9=#";
  auto b = header();
  b.push_back("status state=bench_fail error=" + kb::escape_result_value(text));
  EXPECT_EQ(kb::parse_result_channel(kb::make_result_capture(b)).error, text);
}

TEST(BenchResultChannel, RealQuickCapturesFromBothKernelsCarryEverySampleKind) {
  for (const char* name : { "real-quick-baseline.txt", "real-quick-patched.txt" }) {
    SCOPED_TRACE(name);
    const auto r = kb::read_result_channel(k_results / name);
    EXPECT_EQ(r.status, kb::GuestStatus::ok);
    EXPECT_EQ(r.method, kb::MeasurementMethod::tracepoint);
    ASSERT_TRUE(r.parameters && r.vmas && r.ksm_merged && r.ksm_final);
    EXPECT_EQ(r.vmas->requested, 2000u);
    EXPECT_EQ(r.vmas->real, 2000u);
    EXPECT_EQ(r.ksm_merged->pages_shared, 1u);
    EXPECT_EQ(r.ksm_merged->pages_sharing, r.parameters->dup_pages - 1);
    EXPECT_EQ(r.walks.size(), r.parameters->walks);
    EXPECT_GE(r.rmap_walks.size(), r.walks.size());
    EXPECT_GE(r.lock_holds.size(), r.parameters->dup_pages * r.walks.size());
    EXPECT_FALSE(r.victim_samples.empty());
    EXPECT_EQ(r.victim_summaries.size(), r.walks.size());
    EXPECT_EQ(r.trace_losses.size(), r.walks.size());
    EXPECT_EQ(r.checks.size(), 2 * r.walks.size());
    for (const auto& c : r.checks)
      EXPECT_TRUE(c.ok) << c.name;
    EXPECT_EQ(r.metadata.at("kernel_release"), "6.12.117");
    EXPECT_EQ(r.metadata.count("clocksource_boot"), 1u);
    EXPECT_EQ(r.metadata.at("clocksource"), "tsc");
  }
}

TEST(BenchResultChannel, ThePatchedKernelSearchesOneVmaPerLockHold) {
  const auto base = kb::read_result_channel(k_results / "real-quick-baseline.txt");
  const auto patched = kb::read_result_channel(k_results / "real-quick-patched.txt");
  std::uint64_t base_max = 0, patched_max = 0;
  for (const auto& h : base.lock_holds)
    base_max = std::max(base_max, h.iterations);
  for (const auto& h : patched.lock_holds)
    patched_max = std::max(patched_max, h.iterations);
  EXPECT_GE(base_max, 2000u);
  EXPECT_EQ(patched_max, 1u);
}

TEST(BenchResultChannel, ARealWrongIndexKernelEndsAsACorrectnessFailure) {
  const auto r =
    kb::read_result_channel(k_results / "real-fixture-wrong-index-correctness-fail.txt");
  EXPECT_EQ(r.status, kb::GuestStatus::correctness_fail);
  ASSERT_FALSE(r.checks.empty());
  EXPECT_FALSE(r.checks.back().ok);
  EXPECT_EQ(r.checks.back().name, "node");
  EXPECT_NE(r.error.find("check node failed"), std::string::npos);
}

TEST(BenchResultChannel, ARealPanickedRunIsTruncatedWithStatusPending) {
  const auto bytes =
    kbench::util::read_file(k_results / "real-fixture-bug-in-walk-panic-pending.txt");
  const auto parsed = kb::parse_result_channel_lenient(bytes);
  ASSERT_TRUE(parsed.error);
  EXPECT_EQ(parsed.result.status, kb::GuestStatus::pending);
  EXPECT_NE(parsed.error->message.find("no end marker"), std::string::npos);
  EXPECT_FALSE(kb::result_channel_complete(bytes));
}

TEST(BenchResultChannel, AFunctionGraphCaptureHasWalkDurationsButNoLockHolds) {
  const auto r = kb::read_result_channel(k_results / "real-quick-baseline-function-graph.txt");
  EXPECT_EQ(r.method, kb::MeasurementMethod::function_graph);
  ASSERT_FALSE(r.rmap_walks.empty());
  EXPECT_FALSE(r.rmap_walks[0].iterations.has_value());
  EXPECT_GT(r.rmap_walks[0].duration_ns, 0u);
  EXPECT_TRUE(r.lock_holds.empty());
}
