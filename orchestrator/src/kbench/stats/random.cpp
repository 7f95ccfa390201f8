#include <kbench/stats/random.hpp>

namespace kbench::stats {

namespace {

std::uint64_t rotl(std::uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}

} // namespace

std::uint64_t SplitMix64::next() {
  m_state += 0x9e3779b97f4a7c15ULL;
  std::uint64_t z = m_state;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

Xoshiro256StarStar::Xoshiro256StarStar(std::uint64_t seed) {
  SplitMix64 seeder(seed);
  for (auto& word : m_s) {
    word = seeder.next();
  }
}

std::uint64_t Xoshiro256StarStar::next() {
  const std::uint64_t result = rotl(m_s[1] * 5, 7) * 9;
  const std::uint64_t t = m_s[1] << 17;
  m_s[2] ^= m_s[0];
  m_s[3] ^= m_s[1];
  m_s[1] ^= m_s[2];
  m_s[0] ^= m_s[3];
  m_s[2] ^= t;
  m_s[3] = rotl(m_s[3], 45);
  return result;
}

std::size_t Xoshiro256StarStar::uniform_index(std::size_t bound) {
  if (bound <= 1) {
    return 0;
  }
  const std::uint64_t n = bound;
  // 2^64 mod n, computed without 128-bit arithmetic. Draws below it are
  // rejected so that the accepted range [threshold, 2^64) is a multiple of n.
  const std::uint64_t threshold = (std::uint64_t{ 0 } - n) % n;
  std::uint64_t x = next();
  while (x < threshold) {
    x = next();
  }
  return static_cast<std::size_t>(x % n);
}

} // namespace kbench::stats
