// Tests of the boot-level bootstrap. The exact intervals below were computed by
// an independent Python port of the documented algorithm ("boot.py"):
//
//   M=(1<<64)-1
//   def splitmix(seed):
//       s=seed
//       while True:
//           s=(s+0x9e3779b97f4a7c15)&M
//           z=s; z=((z^(z>>30))*0xbf58476d1ce4e5b9)&M; z=((z^(z>>27))*0x94d049bb133111eb)&M
//           yield z^(z>>31)
//   def rotl(x,k): return ((x<<k)|(x>>(64-k)))&M
//   class Xo:
//       def __init__(self,seed): g=splitmix(seed); self.s=[next(g) for _ in range(4)]
//       def next(self):
//           s=self.s; r=(rotl((s[1]*5)&M,7)*9)&M; t=(s[1]<<17)&M
//           s[2]^=s[0]; s[3]^=s[1]; s[1]^=s[2]; s[0]^=s[3]; s[2]^=t; s[3]=rotl(s[3],45); return r
//       def idx(self,n):
//           th=(1<<64)%n
//           while True:
//               x=self.next()
//               if x>=th: return x%n
//   def q7(v,p):
//       h=(len(v)-1)*p; lo=int(h); f=h-lo
//       return v[lo] if lo+1>=len(v) or f==0 else v[lo]+f*(v[lo+1]-v[lo])
//   def stats(A,B):
//       def side(bs):
//           return (sum(sum(b) for b in bs)/sum(len(b) for b in bs), max(max(b) for b in bs),
//                   sum(sum(b)/len(b) for b in bs)/len(bs), sum(max(b) for b in bs)/len(bs))
//       a=side(A); b=side(B)
//       return a[0]/b[0], a[1]/b[1], (b[2]-a[2])/a[2], (b[3]-a[3])/a[3]
//   def boot(A,B,R,seed,conf=0.95):
//       rng=Xo(seed); d=[[],[],[],[]]
//       for r in range(R):
//           ia=[rng.idx(len(A)) for _ in A]; ib=[rng.idx(len(B)) for _ in B]
//           for k,v in enumerate(stats([A[i] for i in ia],[B[i] for i in ib])): d[k].append(v)
//       return [(q7(sorted(x),(1-conf)/2), q7(sorted(x),(1+conf)/2)) for x in d]
//   A=[[10,12,11],[13,9],[12,12,14,10],[11],[15,9,12]]; B=[[5,6],[6,7,5],[4,6,5,6],[7,5]]
//   print(stats(A,B)); print(boot(A,B,1000,0x6b62656e6368))
//
// Output: point (2.0471464019851116, 2.142857142857143, -0.5010964912280702, -0.5)
//   mean_ratio  1.8846153846153848 2.191359230324074
//   max_ratio   1.8571428571428572 2.5
//   mean_change -0.5339912280701754 -0.4659090909090909
//   max_change  -0.5588235294117647 -0.4375
#include <kbench/stats/bootstrap.hpp>
#include <kbench/util/error.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <vector>

namespace st = kbench::stats;

namespace {

st::Series series_of(const std::vector<std::vector<double>>& boots) {
  st::Series series;
  for (const auto& values : boots) {
    series.boots.push_back(st::BootSamples{ values });
  }
  return series;
}

const st::Series k_a =
  series_of({ { 10, 12, 11 }, { 13, 9 }, { 12, 12, 14, 10 }, { 11 }, { 15, 9, 12 } });
const st::Series k_b = series_of({ { 5, 6 }, { 6, 7, 5 }, { 4, 6, 5, 6 }, { 7, 5 } });

st::BootstrapSettings settings_with(std::size_t resamples, std::uint64_t seed) {
  st::BootstrapSettings s;
  s.resamples = resamples;
  s.seed = seed;
  return s;
}

} // namespace

TEST(StatsBootstrap, AggregatesSkipEmptyBoots) {
  const auto aggs = st::aggregate_boots(series_of({ { 1, 2, 3 }, {}, { 7 } }));
  ASSERT_EQ(aggs.size(), 2U);
  EXPECT_EQ(aggs[0].sum, 6.0);
  EXPECT_EQ(aggs[0].count, 3U);
  EXPECT_EQ(aggs[0].max, 3.0);
  EXPECT_EQ(aggs[1].max, 7.0);
}

TEST(StatsBootstrap, PointStatisticsMatchAnIndependentComputation) {
  const auto a = st::aggregate_boots(k_a);
  const auto b = st::aggregate_boots(k_b);
  const auto p = st::ratio_statistics(a, b);
  EXPECT_NEAR(p.mean_ratio, 2.0471464019851116, 1e-12);
  EXPECT_NEAR(p.max_ratio, 2.142857142857143, 1e-12);
  EXPECT_NEAR(p.mean_change, -0.5010964912280702, 1e-12);
  EXPECT_NEAR(p.max_change, -0.5, 1e-12);
}

TEST(StatsBootstrap, IntervalsMatchAnIndependentPortBitForBit) {
  const auto iv = st::bootstrap_intervals(st::aggregate_boots(k_a), st::aggregate_boots(k_b),
                                          settings_with(1000, st::k_default_bootstrap_seed));
  EXPECT_NEAR(iv.mean_ratio.low, 1.8846153846153848, 1e-12);
  EXPECT_NEAR(iv.mean_ratio.high, 2.191359230324074, 1e-12);
  EXPECT_NEAR(iv.max_ratio.low, 1.8571428571428572, 1e-12);
  EXPECT_NEAR(iv.max_ratio.high, 2.5, 1e-12);
  EXPECT_NEAR(iv.mean_change.low, -0.5339912280701754, 1e-12);
  EXPECT_NEAR(iv.mean_change.high, -0.4659090909090909, 1e-12);
  EXPECT_NEAR(iv.max_change.low, -0.5588235294117647, 1e-12);
  EXPECT_NEAR(iv.max_change.high, -0.4375, 1e-12);
}

TEST(StatsBootstrap, SameSeedGivesTheSameIntervalAndAnotherSeedAnother) {
  const auto a = st::aggregate_boots(k_a);
  const auto b = st::aggregate_boots(k_b);
  const auto first = st::bootstrap_intervals(a, b, settings_with(2000, 1));
  const auto again = st::bootstrap_intervals(a, b, settings_with(2000, 1));
  const auto other = st::bootstrap_intervals(a, b, settings_with(2000, 2));
  EXPECT_EQ(first.mean_ratio.low, again.mean_ratio.low);
  EXPECT_EQ(first.mean_ratio.high, again.mean_ratio.high);
  EXPECT_EQ(first.mean_change.low, again.mean_change.low);
  EXPECT_EQ(first.max_change.high, again.max_change.high);
  EXPECT_TRUE(first.mean_ratio.low != other.mean_ratio.low ||
              first.mean_ratio.high != other.mean_ratio.high);
}

TEST(StatsBootstrap, IntervalContainsThePointEstimateInAnEasyCase) {
  std::vector<std::vector<double>> slow, fast;
  for (int boot = 0; boot < 10; ++boot) {
    slow.push_back({ 100.0 + boot, 104.0 - boot, 102.0 });
    fast.push_back({ 50.0 + 0.5 * boot, 51.0, 49.0 + boot * 0.25 });
  }
  const auto a = st::aggregate_boots(series_of(slow));
  const auto b = st::aggregate_boots(series_of(fast));
  const auto p = st::ratio_statistics(a, b);
  const auto iv = st::bootstrap_intervals(a, b, st::BootstrapSettings{});
  EXPECT_LE(iv.mean_ratio.low, p.mean_ratio);
  EXPECT_GE(iv.mean_ratio.high, p.mean_ratio);
  EXPECT_LE(iv.mean_change.low, p.mean_change);
  EXPECT_GE(iv.mean_change.high, p.mean_change);
  EXPECT_LT(iv.mean_ratio.high - iv.mean_ratio.low, 0.1); // tight: the boots agree
  EXPECT_GT(iv.mean_ratio.low, 1.9);
}

TEST(StatsBootstrap, IdenticalBootsGiveADegenerateInterval) {
  const auto same = st::aggregate_boots(series_of({ { 3, 3 }, { 3, 3 }, { 3, 3 } }));
  const auto iv = st::bootstrap_intervals(same, same, st::BootstrapSettings{});
  EXPECT_EQ(iv.mean_ratio.low, 1.0);
  EXPECT_EQ(iv.mean_ratio.high, 1.0);
  EXPECT_EQ(iv.mean_change.low, 0.0);
  EXPECT_EQ(iv.mean_change.high, 0.0);
}

TEST(StatsBootstrap, EmptySideGivesThePointValueAndNoNaN) {
  const auto a = st::aggregate_boots(k_a);
  const auto iv = st::bootstrap_intervals(a, {}, st::BootstrapSettings{});
  EXPECT_EQ(iv.mean_ratio.low, iv.mean_ratio.high);
  EXPECT_EQ(iv.mean_change.low, -1.0); // (0 - A)/A
  const auto none = st::bootstrap_intervals({}, {}, st::BootstrapSettings{});
  EXPECT_EQ(none.mean_ratio.low, 1.0);
  EXPECT_EQ(none.max_change.high, 0.0);
}

TEST(StatsBootstrap, RejectsZeroResamplesAndConfidenceOutsideZeroOne) {
  const auto a = st::aggregate_boots(k_a);
  EXPECT_THROW(st::bootstrap_intervals(a, a, settings_with(0, 1)), kbench::Error);
  st::BootstrapSettings bad;
  bad.confidence = 1.0;
  EXPECT_THROW(st::bootstrap_intervals(a, a, bad), kbench::Error);
}

TEST(StatsBootstrap, TenThousandResamplesOfTenBootsForThreeMetricsTakeWellUnderASecond) {
  std::vector<std::vector<double>> boots;
  for (int boot = 0; boot < 10; ++boot) {
    boots.push_back(std::vector<double>(1000, 100.0 + boot));
  }
  const auto a = st::aggregate_boots(series_of(boots));
  const auto start = std::chrono::steady_clock::now();
  for (int metric = 0; metric < 3; ++metric) {
    st::bootstrap_intervals(a, a, st::BootstrapSettings{});
  }
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(elapsed.count(), 1.0);
  RecordProperty("seconds", std::to_string(elapsed.count()));
}
