#include <kbench/bench/shard.hpp>
#include <kbench/util/error.hpp>

#include <fmt/format.h>

#include <charconv>

namespace kbench::bench {

namespace {

bool parse_int(std::string_view text, int& value) {
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  return ec == std::errc() && ptr == end && !text.empty();
}

} // namespace

ShardSpec parse_shard(std::string_view text) {
  const auto slash = text.find('/');
  ShardSpec shard;
  const bool ok = slash != std::string_view::npos &&
                  parse_int(text.substr(0, slash), shard.index) &&
                  parse_int(text.substr(slash + 1), shard.count);
  if (!ok || shard.count < 1 || shard.index < 1 || shard.index > shard.count) {
    throw Error(ExitCode::usage,
                fmt::format("--shard {}: expected I/N with 1 <= I <= N (e.g. 1/2)", text));
  }
  return shard;
}

std::string to_string(const ShardSpec& shard) {
  return fmt::format("{}/{}", shard.index, shard.count);
}

bool shard_runs_boot(const ShardSpec& shard, int boot) {
  return boot % shard.count == shard.index - 1;
}

int shard_boot_count(const ShardSpec& shard, int boots) {
  int n = 0;
  for (int boot = 0; boot < boots; ++boot) {
    n += shard_runs_boot(shard, boot) ? 1 : 0;
  }
  return n;
}

void check_shard_has_boots(const ShardSpec& shard, int boots) {
  if (shard_boot_count(shard, boots) == 0) {
    throw Error(ExitCode::usage,
                fmt::format("--shard {} runs no boot: the experiment has {} boot(s) per variant "
                            "and shard I runs the boots b with b % N == I-1; split it into at "
                            "most {} shard(s)",
                            to_string(shard), boots, boots));
  }
}

} // namespace kbench::bench
