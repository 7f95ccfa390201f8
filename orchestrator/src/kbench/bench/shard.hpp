// Sharding an A/B experiment over several machines or CI jobs: shard I of N
// runs the boots b (0-based, for both variants) with b % N == I-1, so every
// shard still interleaves baseline and patched and the shards of one
// experiment together run every boot exactly once (docs/fleet.md).
#pragma once

#include <string>
#include <string_view>

namespace kbench::bench {

// One shard of an experiment: `index` of `count` (1 <= index <= count).
struct ShardSpec {
  int index = 1; // 1-based shard number
  int count = 1; // number of shards the experiment is split into
};

// Parse "I/N" (1 <= I <= N); throw kbench::Error(usage) naming `text` otherwise.
ShardSpec parse_shard(std::string_view text);

// Return "I/N".
std::string to_string(const ShardSpec& shard);

// Return whether boot `boot` (0-based) belongs to `shard`.
bool shard_runs_boot(const ShardSpec& shard, int boot);

// Return how many of `boots` boots (0..boots-1) belong to `shard`.
int shard_boot_count(const ShardSpec& shard, int boots);

// Throw kbench::Error(usage) when `shard` runs none of `boots` boots per variant
// (--shard 7/10 of 5 boots would boot nothing and compare nothing).
void check_shard_has_boots(const ShardSpec& shard, int boots);

} // namespace kbench::bench
