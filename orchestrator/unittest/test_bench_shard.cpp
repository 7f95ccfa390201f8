// Tests of the shard arithmetic (bench/shard): parsing I/N and which boots a shard runs.
#include <kbench/bench/shard.hpp>
#include <kbench/util/error.hpp>

#include <gtest/gtest.h>

#include <string>

namespace kb = kbench;

TEST(BenchShard, ParsesIOfN) {
  const auto s = kb::bench::parse_shard("2/3");
  EXPECT_EQ(s.index, 2);
  EXPECT_EQ(s.count, 3);
  EXPECT_EQ(kb::bench::to_string(s), "2/3");
}

TEST(BenchShard, RejectsMalformedOrOutOfRangeShardsAsUsageErrors) {
  for (const char* bad : { "", "1", "0/2", "3/2", "1/0", "a/b", "1/2x", "-1/2", "1//2" }) {
    try {
      kb::bench::parse_shard(bad);
      FAIL() << bad;
    } catch (const kb::Error& e) {
      EXPECT_EQ(e.code(), kb::ExitCode::usage) << bad;
    }
  }
}

TEST(BenchShard, EveryBootBelongsToExactlyOneShard) {
  for (int count = 1; count <= 4; ++count) {
    int total = 0;
    for (int boot = 0; boot < 11; ++boot) {
      int owners = 0;
      for (int index = 1; index <= count; ++index) {
        owners += kb::bench::shard_runs_boot({ index, count }, boot) ? 1 : 0;
      }
      EXPECT_EQ(owners, 1) << boot << " of " << count;
    }
    for (int index = 1; index <= count; ++index) {
      total += kb::bench::shard_boot_count({ index, count }, 11);
    }
    EXPECT_EQ(total, 11);
  }
}

TEST(BenchShard, ShardOneOfTwoRunsTheEvenBoots) {
  EXPECT_TRUE(kb::bench::shard_runs_boot({ 1, 2 }, 0));
  EXPECT_FALSE(kb::bench::shard_runs_boot({ 1, 2 }, 1));
  EXPECT_TRUE(kb::bench::shard_runs_boot({ 2, 2 }, 3));
  EXPECT_EQ(kb::bench::shard_boot_count({ 1, 2 }, 5), 3);
  EXPECT_EQ(kb::bench::shard_boot_count({ 2, 2 }, 5), 2);
}

TEST(BenchShard, AShardWithoutAnyBootIsAUsageErrorNamingTheBoots) {
  kb::bench::check_shard_has_boots(kb::bench::parse_shard("5/10"), 5); // boot 4
  try {
    kb::bench::check_shard_has_boots(kb::bench::parse_shard("7/10"), 5);
    FAIL() << "shard 7/10 of 5 boots was accepted";
  } catch (const kb::Error& e) {
    EXPECT_EQ(e.code(), kb::ExitCode::usage);
    EXPECT_NE(std::string(e.what()).find("--shard 7/10 runs no boot: the experiment has 5 boot(s)"),
              std::string::npos)
      << e.what();
  }
}
