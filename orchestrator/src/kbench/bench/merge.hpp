// `kbench merge`: combine the results.json files of the shards of one
// experiment (bench/shard.hpp) into the results.json the unsharded run of the
// same boots would have written: same runs, in the same interleaved order, so
// that statistics and reports computed on it are exactly the unsharded ones.
#pragma once

#include <kbench/bench/results.hpp>

#include <string>
#include <vector>

namespace kbench::bench {

// One file to merge: its parsed results and where they came from (for messages).
struct MergeInput {
  Results results;    // one shard's results.json (an unsharded run counts as shard 1/1)
  std::string origin; // the file name, used in every error and warning
};

// The outcome of a merge.
struct MergeOutput {
  Results merged;                    // runs ordered by boot, then by variant as in `kernels`
  std::vector<std::string> warnings; // e.g. missing shards (the merge is then incomplete)
};

// Merge `inputs` (at least one). Throws kbench::Error(invalid_config) naming
// both files and the differing field when two inputs come from different
// experiments (experiment parameters, shard count), kernels (bzImage sha256,
// cache key), guest images or accelerators, when a shard is given twice or two
// inputs hold the same boot; warns (and marks the result incomplete) when shards are missing.
MergeOutput merge_shards(const std::vector<MergeInput>& inputs);

// Return `command_line` without its `--shard I/N` (or `--shard=I/N`) option.
std::string drop_shard_option(const std::string& command_line);

} // namespace kbench::bench
