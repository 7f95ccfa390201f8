// A small, self-contained pseudo-random generator for the bootstrap. The
// standard library's distributions are implementation-defined, so kbench draws
// its own integers: the same seed gives the same draws on every platform,
// compiler and standard library.
#pragma once

#include <cstddef>
#include <cstdint>

namespace kbench::stats {

// SplitMix64 (Steele, Lea, Flood 2014): used to expand one 64-bit seed into
// the 256-bit state of Xoshiro256StarStar.
class SplitMix64 {
public:
  // Start the sequence at `seed`.
  explicit SplitMix64(std::uint64_t seed) : m_state(seed) {}

  // Return the next 64-bit value.
  std::uint64_t next();

private:
  std::uint64_t m_state;
};

// xoshiro256** 1.0 (Blackman, Vigna 2018), seeded through SplitMix64 as its
// authors recommend.
class Xoshiro256StarStar {
public:
  // Seed the four state words with the first four outputs of SplitMix64(seed).
  explicit Xoshiro256StarStar(std::uint64_t seed);

  // Return the next 64-bit value.
  std::uint64_t next();

  // Return a uniformly distributed integer in [0, bound): draws below 2^64 mod
  // bound are rejected, so the accepted range is a multiple of bound (no modulo
  // bias), then x mod bound is returned. Returns 0 for bound 0 or 1.
  std::size_t uniform_index(std::size_t bound);

private:
  std::uint64_t m_s[4] = {};
};

} // namespace kbench::stats
