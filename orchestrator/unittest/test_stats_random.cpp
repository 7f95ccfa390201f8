// Tests of the bootstrap PRNG. Reference values were computed independently
// with a straight Python port of the published algorithms ("boot.py", reproduced
// in the header comment of test_stats_bootstrap.cpp), or come from Rosetta Code.
#include <kbench/stats/random.hpp>

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

using kbench::stats::SplitMix64;
using kbench::stats::Xoshiro256StarStar;

TEST(StatsRandom, SplitMix64MatchesThePublishedSequenceForSeed1234567) {
  // Rosetta Code "Pseudo-random numbers/Splitmix64" lists these five outputs for seed 1234567.
  SplitMix64 rng(1234567);
  const std::array<std::uint64_t, 5> expected = { 6457827717110365317ULL, 3203168211198807973ULL,
                                                  9817491932198370423ULL, 4593380528125082431ULL,
                                                  16408922859458223821ULL };
  for (const auto value : expected) {
    EXPECT_EQ(rng.next(), value);
  }
}

TEST(StatsRandom, Xoshiro256StarStarSeededBySplitMix64MatchesAnIndependentPort) {
  // python3 boot.py -> xoshiro256**(0): [11091344671253066420, 13793997310169335082,
  // 1900383378846508768]
  Xoshiro256StarStar rng(0);
  EXPECT_EQ(rng.next(), 11091344671253066420ULL);
  EXPECT_EQ(rng.next(), 13793997310169335082ULL);
  EXPECT_EQ(rng.next(), 1900383378846508768ULL);
  // python3 boot.py -> xoshiro256**(kbench): [3235878562930787841, 944428216076991947, ...]
  Xoshiro256StarStar kbench_seeded(0x6b62656e6368ULL);
  EXPECT_EQ(kbench_seeded.next(), 3235878562930787841ULL);
  EXPECT_EQ(kbench_seeded.next(), 944428216076991947ULL);
}

TEST(StatsRandom, UniformIndexMatchesAnIndependentPortAndStaysInRange) {
  // python3 boot.py -> uniform_index(42, bound 10) x10: [2, 2, 9, 3, 6, 4, 4, 7, 8, 5]
  Xoshiro256StarStar rng(42);
  const std::vector<std::size_t> expected = { 2, 2, 9, 3, 6, 4, 4, 7, 8, 5 };
  for (const auto value : expected) {
    EXPECT_EQ(rng.uniform_index(10), value);
  }
  Xoshiro256StarStar wide(7);
  for (int i = 0; i < 10000; ++i) {
    EXPECT_LT(wide.uniform_index(3), 3U);
  }
  EXPECT_EQ(wide.uniform_index(1), 0U);
  EXPECT_EQ(wide.uniform_index(0), 0U);
}

TEST(StatsRandom, UniformIndexIsRoughlyUniform) {
  // 60000 draws over 6 cells: each count is Binomial(60000, 1/6), sd ~91; allow 5 sd.
  Xoshiro256StarStar rng(1);
  std::array<int, 6> counts{};
  for (int i = 0; i < 60000; ++i) {
    ++counts[rng.uniform_index(6)];
  }
  for (const int count : counts) {
    EXPECT_NEAR(count, 10000, 460);
  }
}
